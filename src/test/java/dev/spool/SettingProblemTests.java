package dev.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.core.NestedExceptionUtils;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A setting Spool cannot start with is reported as Spring reports a bad setting: what, its value, what to do. */
@ExtendWith(OutputCaptureExtension.class)
class SettingProblemTests {

	@TempDir
	Path folder;

	@ParameterizedTest
	@ValueSource(strings = { "localhost:11434/v1", "ftp://models.example/v1", "http:///v1", "http://local host/v1" })
	void aModelAddressThatIsNotAnHttpUrlStopsSpoolWithTheSettingAndWhatToDo(String baseUrl, CapturedOutput output) {
		assertThatThrownBy(() -> start("--spring.ai.openai.api-key=test", "--spring.ai.openai.base-url=" + baseUrl,
				"--spool.workspace=" + this.folder.resolve("workspace")))
			.satisfies((ex) -> assertThat(NestedExceptionUtils.getMostSpecificCause(ex)).isInstanceOf(SettingProblem.class));

		assertThat(output).contains("APPLICATION FAILED TO START", "spring.ai.openai.base-url is '" + baseUrl + "'",
				"http://localhost:11434/v1 (Ollama)");
		assertNoStackTrace(output);
		assertThat(this.folder.resolve("workspace")).as("nothing was made of the workspace").doesNotExist();
	}

	@Test
	void aWorkspaceThatIsAFileStopsSpoolNamingTheSettingAndTheFile(CapturedOutput output) throws IOException {
		Path file = Files.writeString(this.folder.resolve("notes.txt"), "my notes");

		assertThatThrownBy(() -> start("--spool.workspace=" + file)).hasRootCauseInstanceOf(IOException.class);

		assertThat(output).contains("APPLICATION FAILED TO START", "spool.workspace is '" + file + "'",
				file.resolve("tasks") + ": Not a directory", "Set spool.workspace to a folder");
		assertNoStackTrace(output);
		assertThat(file).hasContent("my notes");
	}

	@Test
	void aWorkspaceInsideAFileStopsSpoolTheSameWay(CapturedOutput output) throws IOException {
		Path file = Files.writeString(this.folder.resolve("notes.txt"), "my notes");

		assertThatThrownBy(() -> start("--spool.workspace=" + file.resolve("workspace")))
			.hasRootCauseInstanceOf(IOException.class);

		assertThat(output).contains("APPLICATION FAILED TO START", "spool.workspace is '" + file.resolve("workspace"));
		assertNoStackTrace(output);
	}

	@ParameterizedTest
	@CsvSource(delimiter = '|', value = {
			"spool.max-attempts=0 | spool.max-attempts must be at least 1, not 0",
			"spool.max-pipeline-stages=1 | spool.max-pipeline-stages must be at least 2, not 1",
			"spool.budget.daily-tokens=-5 | spool.budget.daily-tokens must be more than 0, not -5",
			"spool.prices.gpt-x.input-per-million=-0.5 | spool.prices.gpt-x.input-per-million must be zero or more, not -0.5",
			"spool.prices.gpt-x.input-per-million=1 | spool.prices.gpt-x.output-per-million needs a value" })
	void aSettingOutOfRangeStopsSpoolNamingTheSettingAndItsRule(String setting, String rule, CapturedOutput output) {
		assertThatThrownBy(() -> start("--" + setting, "--spool.workspace=" + this.folder.resolve("workspace")))
			.hasRootCauseInstanceOf(IllegalArgumentException.class);

		assertThat(output).contains("APPLICATION FAILED TO START", rule);
		assertNoStackTrace(output);
	}

	private static void start(String... args) {
		String[] all = new String[args.length + 1];
		all[0] = "--server.port=0";
		System.arraycopy(args, 0, all, 1, args.length);
		new SpringApplicationBuilder(SpoolApplication.class).run(all).close();
	}

	private static void assertNoStackTrace(CapturedOutput output) {
		assertThat(output.getAll().lines().filter((line) -> line.startsWith("\tat ") || line.startsWith("Caused by")))
			.as("stack trace lines in the output").isEmpty();
	}

}
