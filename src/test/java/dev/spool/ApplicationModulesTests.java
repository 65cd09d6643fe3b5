package dev.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;
import org.springframework.util.FileSystemUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Spool's modules: each package under {@code dev.spool}, with no cycles and no reach into another's internals, and
 * the README's table of what each uses true to the code.
 */
class ApplicationModulesTests {

	private static final ApplicationModules MODULES = ApplicationModules.of(SpoolApplication.class);

	@Test
	void modulesFormNoCyclesAndUseOnlyEachOthersPublicFaces() {
		MODULES.verify();
	}

	@Test
	void theReadmeSaysWhatEachModuleUses() throws IOException {
		Map<String, String> actual = new TreeMap<>();
		for (ApplicationModule module : MODULES) {
			TreeSet<String> used = module.getDirectDependencies(MODULES)
				.uniqueModules()
				.map(ApplicationModule::getName)
				.collect(Collectors.toCollection(TreeSet::new));
			actual.put(module.getName(), used.isEmpty() ? "-" : String.join(" ", used));
		}
		assertThat(readmeTable()).as("the table of modules in README.md, between <!-- modules --> and its end")
			.isEqualTo(actual);
	}

	/** The diagrams {@code mvn verify} leaves for readers: one of all modules, and one of each with what it uses. */
	@Test
	void writesTheModuleDiagramsNamingEveryModule() throws IOException {
		Path folder = Path.of("target", "spring-modulith-docs");
		// What an earlier build wrote must not pass for what this one writes.
		FileSystemUtils.deleteRecursively(folder);

		new Documenter(MODULES, Documenter.Options.defaults().withOutputFolder(folder.toString()))
			.writeModulesAsPlantUml()
			.writeIndividualModulesAsPlantUml();

		String all = Files.readString(folder.resolve("components.puml"));
		for (ApplicationModule module : MODULES) {
			String component = "\"" + module.getDisplayName() + "\", $techn=\"Module\"";
			assertThat(all).as("components.puml names %s", module.getName()).contains(component);
			assertThat(folder.resolve("module-" + module.getName() + ".puml")).content()
				.contains("title <size:24>" + module.getDisplayName() + "</size>", component);
		}
		try (Stream<Path> written = Files.list(folder)) {
			assertThat(written.filter((file) -> file.getFileName().toString().startsWith("module-")))
				.as("one diagram for each module, no more").hasSize((int) MODULES.stream().count());
		}
	}

	private static Map<String, String> readmeTable() throws IOException {
		String readme = Files.readString(Path.of("README.md"));
		String table = readme.substring(readme.indexOf("<!-- modules -->"), readme.indexOf("<!-- /modules -->"));
		Map<String, String> modules = new TreeMap<>();
		table.lines().filter((line) -> !line.isBlank() && !line.startsWith("<!--") && !line.startsWith("```"))
			.map((line) -> line.trim().split("\\s+"))
			.forEach((words) -> modules.put(words[0], String.join(" ", Arrays.copyOfRange(words, 1, words.length))));
		return modules;
	}

}
