package dev.spool.model;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.util.StringUtils;

/**
 * Lets Spool start without an API key. The OpenAI SDK refuses to build a client without a credential, so when none
 * is configured the chat model is switched off and {@link OfflineChatModel} answers instead. The other OpenAI models
 * are always off: Spool only chats. Explicit settings win, since this source has the lowest precedence.
 */
class OfflineModeEnvironmentPostProcessor implements EnvironmentPostProcessor {

	static final String SOURCE_NAME = "spoolModelDefaults";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Map<String, Object> defaults = new LinkedHashMap<>();
		for (String model : new String[] { "embedding", "image", "audio.speech", "audio.transcription",
				"moderation" }) {
			defaults.put("spring.ai.model." + model, "none");
		}
		if (!hasApiKey(environment)) {
			defaults.put("spring.ai.model.chat", "none");
		}
		environment.getPropertySources().addLast(new MapPropertySource(SOURCE_NAME, defaults));
	}

	static boolean hasApiKey(ConfigurableEnvironment environment) {
		return StringUtils.hasText(environment.getProperty("spring.ai.openai.api-key"))
				|| StringUtils.hasText(environment.getProperty("spring.ai.openai.chat.api-key"))
				|| StringUtils.hasText(environment.getProperty("OPENAI_API_KEY"));
	}

}
