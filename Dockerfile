# Spool as a container image: built with the project's own Maven wrapper, run as a user without privileges.
#   docker build -t spool .
# See docker-compose.yml for Spool with its workspace on the host, an Ollama model server and a worker.

FROM eclipse-temurin:17-jdk AS build
WORKDIR /src
# The dependencies change less often than the code: fetched in their own layer, reused while only src/ changes.
COPY mvnw pom.xml ./
COPY .mvn .mvn
RUN ./mvnw -B -ntp -q dependency:go-offline
COPY src src
COPY frontend frontend
COPY workspace/agents workspace/agents
# The build extracts the jar into target/spool/ (the application's jar and lib/): the form that starts fastest.
RUN ./mvnw -B -ntp -q -DskipTests package && cp -r target/spool /app && mv /app/spool-*.jar /app/spool.jar

FROM eclipse-temurin:17-jre
# Spool writes only to its workspace (a bind mount): the image's own files stay read-only to it.
RUN useradd --system --uid 10001 --no-create-home --shell /usr/sbin/nologin spool
COPY --from=build /app /app
# Class data sharing (README, "Faster start-up"): one training run with this image's own Java, which exits once the
# application context is ready, writes the archive that every start then maps.
RUN java -XX:+UseSerialGC -Xss512k -Xms32m -XX:MaxNewSize=32m -XX:TieredStopAtLevel=1 -XX:MaxRAMPercentage=50 -XX:ArchiveClassesAtExit=/app/spool.jsa \
      -Dspring.context.exit=onRefresh -jar /app/spool.jar --spool.workspace=/tmp/training \
 && rm -rf /tmp/training
USER 10001
ENV SPOOL_WORKSPACE=/workspace
EXPOSE 8080
ENTRYPOINT ["java", "-XX:+UseSerialGC", "-Xss512k", "-Xms32m", "-XX:MaxNewSize=32m", "-XX:TieredStopAtLevel=1", "-XX:MaxRAMPercentage=50", "-XX:SharedArchiveFile=/app/spool.jsa", \
  "-jar", "/app/spool.jar"]
