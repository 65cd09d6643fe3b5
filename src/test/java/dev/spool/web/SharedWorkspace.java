package dev.spool.web;

import java.nio.file.Path;
import java.util.Map;

import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.MapPropertySource;

/**
 * The one workspace of the {@link WebTest}s that bring no settings of their own, made once per test JVM, so that they
 * share one Spring context. Its setting comes last: a test's own {@code spool.workspace} wins.
 */
public final class SharedWorkspace implements ApplicationContextInitializer<ConfigurableApplicationContext> {

	private static final Path FOLDER = TestWorkspaces.create("shared");

	/** The shared workspace folder, for a test that looks at its files. */
	public static Path folder() {
		return FOLDER;
	}

	@Override
	public void initialize(ConfigurableApplicationContext context) {
		context.getEnvironment()
			.getPropertySources()
			.addLast(new MapPropertySource("shared test workspace", Map.of("spool.workspace", FOLDER.toString())));
	}

}
