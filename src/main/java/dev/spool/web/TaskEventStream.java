package dev.spool.web;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.spool.agent.ConversationStepped;
import dev.spool.recovery.ClaimQuietChanged;
import dev.spool.workspace.Task;
import dev.spool.workspace.TaskId;
import dev.spool.workspace.TaskChanged;

import org.springframework.context.event.EventListener;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;
import org.springframework.web.servlet.mvc.method.annotation.SseEmitter;

/**
 * {@code GET /api/events}: one server-sent event named {@code task} per change to what is known of a task (its state,
 * and then its recorded attempt, error or output), whoever made it, and one named {@code quiet} when an in-progress
 * task's heartbeat stops or comes back, and one named {@code conversation} when a step of a task's conversation with a
 * model that uses tools is recorded in this process. Each stream begins with a {@code version} event (see
 * {@link BoardVersion}): a page rendered at that version has missed nothing.
 */
@Component
class TaskEventStream {

	private final EventStreams streams;

	private final BoardVersion version;

	private final List<SseEmitter> subscribers = new CopyOnWriteArrayList<>();

	TaskEventStream(EventStreams streams, BoardVersion version) {
		this.streams = streams;
		this.version = version;
	}

	/** A new stream for a client at this address; see {@link EventStreams#open}. */
	SseEmitter subscribe(String address) {
		SseEmitter emitter = this.streams.open(address, this.subscribers::remove);
		this.subscribers.add(emitter);
		// Read once the stream is listed: a change counted later is sent on it, one counted earlier is in the version.
		this.streams.send(emitter, SseEmitter.event()
			.name("version")
			.data(new VersionEvent(this.version.current()), MediaType.APPLICATION_JSON));
		return emitter;
	}

	@EventListener
	void on(TaskChanged changed) {
		this.version.advance();
		if (this.subscribers.isEmpty()) {
			return;
		}
		TaskStateEvent event = TaskStateEvent.of(changed);
		this.subscribers.forEach((emitter) -> this.streams.send(emitter,
				SseEmitter.event().name("task").id(event.id()).data(event, MediaType.APPLICATION_JSON)));
	}

	@EventListener
	void on(ClaimQuietChanged changed) {
		this.version.advance();
		if (this.subscribers.isEmpty()) {
			return;
		}
		QuietEvent event = new QuietEvent(changed.id().text(), changed.quiet());
		this.subscribers.forEach((emitter) -> this.streams.send(emitter,
				SseEmitter.event().name("quiet").data(event, MediaType.APPLICATION_JSON)));
	}

	@EventListener
	void on(ConversationStepped stepped) {
		if (this.subscribers.isEmpty()) {
			return;
		}
		ConversationEvent event = new ConversationEvent(stepped.task().text());
		this.subscribers.forEach((emitter) -> this.streams.send(emitter,
				SseEmitter.event().name("conversation").data(event, MediaType.APPLICATION_JSON)));
	}

	/**
	 * The data of a {@code conversation} event: a step of the task's conversation was recorded (a model's turn asking
	 * for tool calls, or a call's result); {@code GET /api/tasks/{id}/conversation} has it.
	 *
	 * @param id the task
	 */
	record ConversationEvent(String id) {
	}

	/**
	 * The data of the {@code version} event that opens every stream.
	 *
	 * @param version the changes counted so far, as pages carry it in {@code data-version}
	 */
	record VersionEvent(String version) {
	}

	/**
	 * The data of a {@code quiet} event.
	 *
	 * @param id the task in progress
	 * @param quiet whether its agent has gone quiet (true) or beats again (false)
	 */
	record QuietEvent(String id, boolean quiet) {
	}

	/**
	 * The data of one event.
	 *
	 * @param id the task
	 * @param status its state now, or {@code deleted} when its file is gone
	 * @param previous its state before, or null for a new task
	 * @param owner the agent holding or last holding it
	 * @param title its title
	 * @param parent the task that submitted it, or null
	 */
	record TaskStateEvent(String id, String status, String previous, String owner, String title, String parent) {

		static TaskStateEvent of(TaskChanged changed) {
			String status = (changed.after() != null) ? changed.after().state().word() : "deleted";
			String previous = (changed.before() != null) ? changed.before().state().word() : null;
			Task current = (changed.after() != null) ? changed.after() : changed.before();
			TaskId parent = current.document().parent();
			return new TaskStateEvent(changed.id().text(), status, previous, current.owner(), current.title(),
					(parent != null) ? parent.text() : null);
		}

	}

}
