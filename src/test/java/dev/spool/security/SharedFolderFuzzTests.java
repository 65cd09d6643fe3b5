package dev.spool.security;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.LinkOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import dev.spool.OtherUser;
import dev.spool.SpoolApplication;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskState;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A short fuzz of the file layer, as the other user who may write the shared folders: files, links, pipes, sockets,
 * folders and huge sparse files appear, swap and vanish in {@code tasks/}, {@code outputs/}, {@code pipes/},
 * {@code failures/} and {@code .spool/attempts/} while Spool works. Spool keeps doing the work it was given, serves
 * nothing outside the workspace, and writes nothing outside it. {@code -Dspool.fuzz.seconds=600} runs it longer.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class SharedFolderFuzzTests {

	private static final String SECRET = "ROOT-ONLY-" + System.nanoTime();

	private static final List<String> SHARED = List.of("tasks", "outputs", "pipes", "failures", ".spool/attempts");

	@TempDir
	Path workspace;

	@TempDir
	Path outside;

	@Test
	void spoolKeepsWorkingAndServesAndWritesNothingOutsideTheWorkspace() throws Exception {
		OtherUser.assumeAvailable();
		long seconds = Long.getLong("spool.fuzz.seconds", 8);
		long seed = Long.getLong("spool.fuzz.seed", System.nanoTime());
		Path agents = Files.createDirectories(this.workspace.resolve("agents"));
		Path definition = Files.writeString(agents.resolve("agent_a.md"),
				"---\nconcurrency: 2\nroles: [general]\n---\nYou answer briefly.\n");
		for (String shared : SHARED) {
			OtherUser.mayWrite(Files.createDirectories(this.workspace.resolve(shared)));
		}
		// Ids are given above every id in the workspace; this one puts the tasks the test submits above the range the
		// intruder plays in (500 to 540) whenever they are submitted, so that it never touches them.
		Files.writeString(this.workspace.resolve("tasks/task_999_cancelled.md"), "Above the intruder's ids.\n");
		Path secret = Files.writeString(this.outside.resolve("secret.txt"), SECRET);
		Files.setPosixFilePermissions(secret, PosixFilePermissions.fromString("rw-------"));
		Path canary = Files.writeString(this.outside.resolve("canary.txt"), "canary");
		OtherUser.mayPassThroughParentsOf(canary);
		Files.setPosixFilePermissions(this.outside, PosixFilePermissions.fromString("rwx--x--x"));
		Map<Path, FileTime> outsideBefore = snapshot(this.outside);
		String definitionBefore = Files.readString(definition);
		Path fuzzer = this.outside.resolve("fuzzer.py");
		try (InputStream in = getClass().getResourceAsStream("/security/shared_folder_fuzzer.py")) {
			Files.write(fuzzer, in.readAllBytes());
		}
		Files.setPosixFilePermissions(fuzzer, PosixFilePermissions.fromString("rw-r--r--"));
		outsideBefore.put(fuzzer, Files.getLastModifiedTime(fuzzer));

		try (ConfigurableApplicationContext spool = new SpringApplicationBuilder(SpoolApplication.class).run(
				"--server.port=0", "--spool.workspace=" + this.workspace, "--spool.rescan-interval=500ms",
				"--spool.retry-backoff=50ms")) {
			String base = "http://localhost:" + spool.getEnvironment().getProperty("local.server.port");
			HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
			Process intruder = new ProcessBuilder("setpriv", "--reuid=" + OtherUser.ID, "--regid=" + OtherUser.ID,
					"--clear-groups", "/usr/bin/python3", fuzzer.toString(), this.workspace.toString(),
					secret.toString(), canary.toString(), this.outside.toString(), Long.toString(seconds),
					Long.toString(seed))
				.redirectErrorStream(true)
				.start();

			// Work arrives all through the intrusion, a batch a second until the intruder ends, so that agents claim,
			// stream and publish while it goes on.
			List<String> submitted = new ArrayList<>();
			for (long batch = 0; batch == 0 || intruder.isAlive(); batch++) {
				for (int i = 0; i < 4; i++) {
					submitted.add(post(http, base + "/api/tasks",
							"{\"prompt\": \"Say hello number " + batch + "." + i + "\"}").path("id").asString());
				}
				JsonNode pipeline = post(http, base + "/api/pipelines", "{\"transport\": \"fifo\", \"stages\": "
						+ "[{\"prompt\": \"Draft line " + batch + "\"}, {\"prompt\": \"Shorten it\"}]}");
				pipeline.path("stages").forEach((stage) -> submitted.add(stage.path("task").asString()));
				intruder.waitFor(1, TimeUnit.SECONDS);
			}

			assertThat(intruder.waitFor(seconds + 60, TimeUnit.SECONDS)).as("the intruder ends").isTrue();
			String made = new String(intruder.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
			assertThat(intruder.exitValue()).as("the intruder ran: " + made).isZero();
			System.out.println("[fuzz] seed " + seed + ", " + seconds + " s, planted: " + made);

			TaskIndex index = spool.getBean(TaskIndex.class);
			Awaitility.await()
				.atMost(Duration.ofMinutes(2))
				.untilAsserted(() -> assertThat(submitted).allSatisfy((id) -> assertThat(
						index.find(dev.spool.workspace.TaskId.parse(id).orElseThrow()).map(Task::state).orElse(null))
					.as(id)
					.isEqualTo(TaskState.DONE)));

			List<String> ids = new ArrayList<>(submitted);
			index.all().forEach((task) -> ids.add(task.id().toString()));
			for (String page : List.of("/", "/api/tasks", "/agents", "/manifest", "/api/usage")) {
				assertServedSafely(http, base + page);
			}
			for (String id : ids) {
				assertServedSafely(http, base + "/api/tasks/" + id);
				assertServedSafely(http, base + "/api/tasks/" + id + "/output");
				assertServedSafely(http, base + "/tasks/" + id);
			}
			try (Stream<Path> outputs = Files.list(this.workspace.resolve("outputs"))) {
				for (Path output : outputs.toList()) {
					// Whatever Spool wrote or linked there, not the intruder's links or huge sparse files.
					BasicFileAttributes file = Files.readAttributes(output, BasicFileAttributes.class,
							LinkOption.NOFOLLOW_LINKS);
					if (file.isRegularFile() && file.size() < (1 << 24)) {
						assertThat(Files.readString(output, StandardCharsets.ISO_8859_1)).doesNotContain(SECRET);
					}
				}
			}
		}
		assertThat(snapshot(this.outside)).isEqualTo(outsideBefore);
		assertThat(Files.readString(canary)).isEqualTo("canary");
		assertThat(Files.readString(definition)).isEqualTo(definitionBefore);
	}

	private static JsonNode post(HttpClient http, String url, String json) throws IOException, InterruptedException {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url))
			.header("Content-Type", "application/json")
			.POST(HttpRequest.BodyPublishers.ofString(json))
			.build(), HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(url + ": " + response.body()).isBetween(200, 299);
		return JsonMapper.builder().build().readTree(response.body());
	}

	private static void assertServedSafely(HttpClient http, String url) throws IOException, InterruptedException {
		HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(url)).GET().build(),
				HttpResponse.BodyHandlers.ofString());
		assertThat(response.statusCode()).as(url).isLessThan(500);
		assertThat(response.body()).as(url).doesNotContain(SECRET);
	}

	/** Every name under a folder with its modification time: what was there, and whether it was written. */
	private static Map<Path, FileTime> snapshot(Path folder) throws IOException {
		Map<Path, FileTime> names = new TreeMap<>();
		try (Stream<Path> paths = Files.walk(folder)) {
			for (Path path : paths.toList()) {
				if (!path.equals(folder)) {
					names.put(path, Files.getLastModifiedTime(path, LinkOption.NOFOLLOW_LINKS));
				}
			}
		}
		return names;
	}

}
