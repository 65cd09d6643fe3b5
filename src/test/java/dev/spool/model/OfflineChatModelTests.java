package dev.spool.model;

import java.util.List;

import org.junit.jupiter.api.Test;

import org.springframework.ai.chat.messages.SystemMessage;
import org.springframework.ai.chat.messages.UserMessage;
import org.springframework.ai.chat.model.ChatResponse;
import org.springframework.ai.chat.prompt.Prompt;

import static org.assertj.core.api.Assertions.assertThat;

class OfflineChatModelTests {

	private final OfflineChatModel model = new OfflineChatModel();

	private final Prompt prompt = new Prompt(List.of(new SystemMessage("You are terse."),
			new UserMessage("Compare rename and link for publishing files.\nBe brief about rename.")));

	@Test
	void answersDeterministicallyAndSaysItIsOffline() {
		String first = this.model.call(this.prompt).getResult().getOutput().getText();
		String second = this.model.call(this.prompt).getResult().getOutput().getText();

		assertThat(first).isEqualTo(second)
			.startsWith("> **Offline model.**")
			.contains("**Task:** Compare rename and link for publishing files.", "11 words on 2 lines",
					"Key terms: rename, about");
	}

	@Test
	void reportsTokenUsageAndItsName() {
		ChatResponse response = this.model.call(this.prompt);

		assertThat(response.getMetadata().getModel()).isEqualTo(OfflineChatModel.NAME);
		assertThat(response.getMetadata().getUsage().getPromptTokens()).isEqualTo(14);
		assertThat(response.getMetadata().getUsage().getTotalTokens())
			.isEqualTo(14 + response.getMetadata().getUsage().getCompletionTokens());
	}

	@Test
	void streamsTheSameAnswerAWordAtATimeWithUsageAtTheEnd() {
		List<ChatResponse> pieces = this.model.stream(this.prompt).collectList().block();

		assertThat(pieces).hasSizeGreaterThan(10);
		assertThat(String.join("", pieces.stream().map((piece) -> piece.getResult().getOutput().getText()).toList()))
			.isEqualTo(this.model.call(this.prompt).getResult().getOutput().getText());
		assertThat(pieces.get(0).getMetadata().getUsage().getTotalTokens()).isZero();
		assertThat(pieces.get(pieces.size() - 1).getMetadata().getUsage().getTotalTokens()).isPositive();
	}

}
