package dev.spool.model;

import java.time.Clock;
import java.time.Duration;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import dev.spool.SpoolProperties;

import org.springframework.ai.chat.model.ChatModel;
import org.springframework.ai.openai.OpenAiChatOptions;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;

/** The chat model agents use: OpenAI-compatible when a key is set, the offline model when not. */
@Configuration(proxyBeanMethods = false)
class ModelConfiguration {

	private static final Log logger = LogFactory.getLog(ModelConfiguration.class);

	private static final Duration CLIENT_TIMEOUT_MARGIN = Duration.ofSeconds(10);

	@Bean
	@ConditionalOnProperty(name = "spring.ai.model.chat", havingValue = "none")
	OfflineChatModel offlineChatModel() {
		logger.warn("No model API key is configured: the built-in offline model answers every task. Set"
				+ " spring.ai.openai.api-key (and spring.ai.openai.base-url for Ollama, vLLM or llama.cpp) to use a"
				+ " real model.");
		return new OfflineChatModel();
	}

	@Bean
	ModelGateway modelGateway(ChatModel chatModel, Environment environment, SpoolProperties properties, Clock clock) {
		boolean offline = chatModel instanceof OfflineChatModel;
		ModelInfo info = offline ? new ModelInfo(true, OfflineChatModel.NAME, null)
				: new ModelInfo(false, environment.getProperty("spring.ai.openai.chat.model", OpenAiChatOptions.DEFAULT_CHAT_MODEL),
						environment.getProperty("spring.ai.openai.base-url", "https://api.openai.com/v1"));
		// The client's own timeout is a backstop a little beyond the task's: an attempt that runs out of time ends by
		// the agent loop's timeout, with its reason ("no answer within ..."), not by a socket the client closed first.
		return new ModelGateway(chatModel, info, properties.taskTimeout().plus(CLIENT_TIMEOUT_MARGIN),
				clock);
	}

}
