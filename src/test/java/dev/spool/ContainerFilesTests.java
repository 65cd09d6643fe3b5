package dev.spool;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URI;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.assertj.core.api.InstanceOfAssertFactories;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.config.BeanDefinition;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.context.annotation.ClassPathScanningCandidateComponentProvider;
import org.springframework.core.type.filter.AnnotationTypeFilter;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code docker-compose.yml} and the {@code Dockerfile} agree with the application: services, ports and settings that
 * Spool really has. Needs no Docker engine.
 */
class ContainerFilesTests {

	private static final Pattern COMPOSE_DEFAULT = Pattern.compile("\\$\\{[A-Z_]+:-([^}]*)}");

	private static Map<String, Map<String, Object>> services;

	private static Properties application;

	@BeforeAll
	@SuppressWarnings("unchecked")
	static void read() throws IOException {
		Map<String, Object> compose = new Yaml().load(Files.readString(Path.of("docker-compose.yml")));
		services = (Map<String, Map<String, Object>>) compose.get("services");
		application = new Properties();
		try (InputStream in = Files.newInputStream(Path.of("src/main/resources/application.properties"))) {
			application.load(in);
		}
	}

	@Test
	void composeRunsSpoolAWorkerAndOllama() {
		assertThat(services).containsOnlyKeys("spool", "worker", "ollama");
		assertThat(services.get("spool").get("ports")).asInstanceOf(InstanceOfAssertFactories.LIST)
			.containsExactly("127.0.0.1:" + application.getProperty("server.port") + ":"
					+ application.getProperty("server.port"));
		assertThat(services.get("worker")).doesNotContainKey("ports");
		assertThat(environment("worker")).containsEntry("SPRING_MAIN_WEB_APPLICATION_TYPE", "none");
		assertThat(environment("spool")).containsKeys("SERVER_ADDRESS", "SPOOL_API_TOKEN");
	}

	@Test
	void spoolAndTheWorkerShareOneWorkspaceBoundFromTheHost() {
		for (String service : List.of("spool", "worker")) {
			assertThat(services.get(service).get("volumes")).asInstanceOf(
					InstanceOfAssertFactories.LIST)
				.containsExactly("./workspace:" + environment(service).get("SPOOL_WORKSPACE"));
			assertThat(services.get(service).get("user")).as("runs as the host's user, not root")
				.asString()
				.doesNotStartWith("0")
				.doesNotStartWith("root");
		}
	}

	@Test
	void theDefaultModelAddressIsTheOllamaServiceOnItsPort() {
		String baseUrl = defaultOf(environment("spool").get("SPRING_AI_OPENAI_BASE_URL"));
		URI uri = URI.create(baseUrl);
		assertThat(uri.getHost()).isIn(services.keySet());
		assertThat(uri.getPath()).isEqualTo("/v1");
		assertThat(services.get(uri.getHost()).get("ports")).asInstanceOf(
				InstanceOfAssertFactories.LIST)
			.anySatisfy((port) -> assertThat(port.toString()).endsWith(":" + uri.getPort()));
	}

	@Test
	void everyEnvironmentVariableOfASpoolServiceIsASettingSpoolHas() throws IOException {
		Set<String> known = knownSettings();
		for (String service : List.of("spool", "worker")) {
			assertThat(environment(service).keySet()).as("settings of %s", service)
				.allSatisfy((variable) -> assertThat(known).as("a setting named by %s", variable).contains(variable));
		}
	}

	@Test
	void theImageIsBuiltWithTheWrapperAndRunsAsAnUnprivilegedUser() throws IOException {
		String dockerfile = Files.readString(Path.of("Dockerfile"));
		assertThat(Pattern.compile("(?m)^FROM ").matcher(dockerfile).results().count()).as("stages").isEqualTo(2);
		assertThat(dockerfile).contains("RUN ./mvnw ", "EXPOSE " + application.getProperty("server.port"),
				"ENV SPOOL_WORKSPACE=" + environment("spool").get("SPOOL_WORKSPACE"));
		Matcher user = Pattern.compile("(?m)^USER (\\S+)").matcher(dockerfile);
		assertThat(user.find()).as("a USER line").isTrue();
		assertThat(user.group(1)).isNotIn("root", "0");
	}

	@Test
	void theImageMapsTheClassDataSharingArchiveItsTrainingRunWrote() throws IOException {
		// Continued lines joined, as the shell sees them.
		String dockerfile = Files.readString(Path.of("Dockerfile")).replaceAll("\\s*\\\\\n\\s*", " ");
		Matcher training = Pattern.compile("java ((?:-X\\S+ )+)-XX:ArchiveClassesAtExit=(\\S+) "
				+ "-Dspring.context.exit=onRefresh -jar (\\S+)").matcher(dockerfile);
		assertThat(training.find()).as("a training run").isTrue();
		Matcher entrypoint = Pattern.compile("(?m)^ENTRYPOINT \\[(.*)\\]").matcher(dockerfile);
		assertThat(entrypoint.find()).as("an ENTRYPOINT").isTrue();
		List<String> arguments = Pattern.compile("\"([^\"]*)\"")
			.matcher(entrypoint.group(1))
			.results()
			.map((argument) -> argument.group(1))
			.toList();
		assertThat(arguments).as("the archive, the same collector and heap options, and the same jar")
			.contains("-XX:SharedArchiveFile=" + training.group(2), training.group(3))
			.containsAll(List.of(training.group(1).strip().split(" ")));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> environment(String service) {
		return (Map<String, Object>) services.get(service).get("environment");
	}

	private static String defaultOf(Object value) {
		Matcher matcher = COMPOSE_DEFAULT.matcher(value.toString());
		return matcher.matches() ? matcher.group(1) : value.toString();
	}

	/**
	 * Every setting the application knows, as environment variables: Spool's own from its properties records, the
	 * libraries' from their configuration metadata. Both of Spring's spellings count (dashes removed, or made
	 * underscores).
	 */
	private static Set<String> knownSettings() throws IOException {
		Set<String> names = new HashSet<>();
		ClassPathScanningCandidateComponentProvider scanner = new ClassPathScanningCandidateComponentProvider(false);
		scanner.addIncludeFilter(new AnnotationTypeFilter(ConfigurationProperties.class));
		for (BeanDefinition candidate : scanner.findCandidateComponents("dev.spool")) {
			Class<?> type = load(candidate.getBeanClassName());
			String prefix = type.getAnnotation(ConfigurationProperties.class).value();
			for (RecordComponent component : type.getRecordComponents()) {
				names.add(prefix + "." + component.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT));
			}
		}
		Enumeration<URL> metadata = ContainerFilesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json");
		while (metadata.hasMoreElements()) {
			try (InputStream in = metadata.nextElement().openStream()) {
				for (JsonNode property : JsonMapper.shared().readTree(in).path("properties")) {
					names.add(property.path("name").asString());
				}
			}
		}
		Set<String> variables = new HashSet<>();
		for (String name : names) {
			String upper = name.toUpperCase(Locale.ROOT).replace('.', '_');
			variables.add(upper.replace("-", ""));
			variables.add(upper.replace('-', '_'));
		}
		return variables;
	}

	private static Class<?> load(String name) {
		try {
			return Class.forName(name);
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
