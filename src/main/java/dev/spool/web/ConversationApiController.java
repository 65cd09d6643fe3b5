package dev.spool.web;

import java.io.IOException;
import java.util.List;

import dev.spool.agent.ConversationTurn;
import dev.spool.agent.TaskConversations;
import dev.spool.tools.TaskIds;
import dev.spool.workspace.ProblemText;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskIndex;
import dev.spool.workspace.TaskNotFoundException;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;

import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/** {@code GET /api/tasks/{id}/conversation}: a task's conversation with a model that uses tools, whole. */
@RestController
class ConversationApiController {

	private final TaskIndex index;

	private final TaskConversations conversations;

	ConversationApiController(TaskIndex index, TaskConversations conversations) {
		this.index = index;
		this.conversations = conversations;
	}

	@Operation(summary = "Read a task's conversation with its tools", description = "Each turn in which the model "
			+ "asked for tool calls: when, its text, and each call with its name, arguments (the JSON text the model "
			+ "wrote), and its result (whole, with answeredAt) or null while it runs. A task whose agent used no "
			+ "tools has no turns.", tags = "Tasks")
	@ApiResponse(responseCode = "200", description = "the conversation, possibly with no turns")
	@ApiResponse(responseCode = "400", description = "not a task id", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "404", description = "no such task", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@ApiResponse(responseCode = "409", description = "the conversation's file cannot be shown (a link, a pipe, larger than 16 MiB, or not what Spool writes); the detail says why", content = @Content(mediaType = "application/problem+json", schema = @Schema(implementation = ProblemDetail.class)))
	@GetMapping("/api/tasks/{id}/conversation")
	ConversationJson conversation(
			@Parameter(description = "a task id such as task_001", example = "task_001") @PathVariable String id) {
		TaskId taskId = TaskIds.parse(id);
		this.index.find(taskId).orElseThrow(() -> new TaskNotFoundException(taskId));
		try {
			return new ConversationJson(taskId.text(), this.conversations.turns(taskId).orElse(List.of()));
		}
		catch (IOException ex) {
			throw new UnreadableConversationException(
					taskId + "'s conversation cannot be shown: " + ProblemText.describe(ex));
		}
	}

	@ExceptionHandler
	ProblemDetail unreadable(UnreadableConversationException ex) {
		return ProblemDetail.forStatusAndDetail(HttpStatus.CONFLICT, ex.getMessage());
	}

	/**
	 * A task's conversation.
	 *
	 * @param id the task
	 * @param turns its turns, oldest first
	 */
	record ConversationJson(String id, List<ConversationTurn> turns) {
	}

	/** The conversation's file is not one Spool can show. */
	static final class UnreadableConversationException extends RuntimeException {

		UnreadableConversationException(String message) {
			super(message);
		}

	}

}
