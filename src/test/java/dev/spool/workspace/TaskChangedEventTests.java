package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.spool.MutableClock;
import org.springframework.context.annotation.AnnotationConfigApplicationContext;
import org.springframework.context.event.EventListener;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes to tasks reach Spring's {@code @EventListener}s as the changes themselves, each listener the kinds it takes,
 * with the event's type worked out once for each kind of change rather than at every publication.
 */
class TaskChangedEventTests {

	@TempDir
	Path root;

	@Test
	void eachListenerHearsTheKindsOfChangeItTakes() throws IOException {
		try (AnnotationConfigApplicationContext context = new AnnotationConfigApplicationContext(AllChanges.class,
				Cancellations.class)) {
			List<WorkspaceConfiguration.TaskChangedEvent> published = new CopyOnWriteArrayList<>();
			Workspace workspace = Workspace.open(this.root, new Workspace.Settings(false, 1024, 2),
					MutableClock.startingNow(), (change) -> {
						WorkspaceConfiguration.TaskChangedEvent event = new WorkspaceConfiguration.TaskChangedEvent(
								context, change);
						published.add(event);
						context.publishEvent(event);
					});

			Task first = workspace.store().create(NewTask.of("first"));
			workspace.store().create(NewTask.of("second"));
			workspace.store().cancel(first.id());

			assertThat(context.getBean(AllChanges.class).heard).extracting(Object::getClass)
				.startsWith(TaskChanged.Appeared.class, TaskChanged.Appeared.class, TaskChanged.Cancelled.class);
			assertThat(context.getBean(Cancellations.class).heard).singleElement()
				.satisfies((cancelled) -> assertThat(cancelled.id()).isEqualTo(first.id()));
			assertThat(published.get(0).getResolvableType()).as("worked out once for a kind of change")
				.isSameAs(published.get(1).getResolvableType())
				.isNotSameAs(published.get(2).getResolvableType());
			workspace.close();
		}
	}

	static class AllChanges {

		final List<TaskChanged> heard = new CopyOnWriteArrayList<>();

		@EventListener
		void on(TaskChanged changed) {
			this.heard.add(changed);
		}

	}

	static class Cancellations {

		final List<TaskChanged.Cancelled> heard = new CopyOnWriteArrayList<>();

		@EventListener
		void on(TaskChanged.Cancelled cancelled) {
			this.heard.add(cancelled);
		}

	}

}
