package dev.spool.model;

import java.net.URI;
import java.net.URISyntaxException;

import dev.spool.SettingProblem;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.util.StringUtils;

/**
 * Refuses a model endpoint that is not an absolute http(s) URL before anything is built from it: the OpenAI SDK would
 * fail on {@code localhost:11434/v1} with a hundred lines ending in "host must not be null".
 */
class ModelSettingsCheck implements EnvironmentPostProcessor {

	private static final String[] BASE_URLS = { "spring.ai.openai.base-url", "spring.ai.openai.chat.base-url" };

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		for (String setting : BASE_URLS) {
			String value = environment.getProperty(setting);
			if (StringUtils.hasText(value)) {
				check(setting, value.strip());
			}
		}
	}

	static void check(String setting, String value) {
		String problem = problem(value);
		if (problem != null) {
			throw new SettingProblem(setting, value, problem,
					"Set " + setting + " to the server's address with its scheme and its API path, for example "
							+ "https://api.openai.com/v1, http://localhost:11434/v1 (Ollama) or "
							+ "http://localhost:8000/v1 (vLLM).");
		}
	}

	private static String problem(String value) {
		try {
			URI uri = new URI(value);
			if (uri.getScheme() == null || !(uri.getScheme().equalsIgnoreCase("http")
					|| uri.getScheme().equalsIgnoreCase("https"))) {
				return "it does not start with http:// or https://";
			}
			if (!StringUtils.hasText(uri.getHost())) {
				return "it names no host";
			}
			return null;
		}
		catch (URISyntaxException ex) {
			return "it is not a URL (" + ex.getReason() + " at character " + (ex.getIndex() + 1) + ")";
		}
	}

}
