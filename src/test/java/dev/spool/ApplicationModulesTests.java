package dev.spool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;

import org.springframework.modulith.core.ApplicationModule;
import org.springframework.modulith.core.ApplicationModules;
import org.springframework.modulith.docs.Documenter;

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

	@Test
	void writesTheModuleDiagram() {
		new Documenter(MODULES).writeModulesAsPlantUml().writeIndividualModulesAsPlantUml();
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
