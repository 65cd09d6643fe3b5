package dev.spool;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import dev.spool.workspace.TaskChanged;
import dev.spool.workspace.TaskId;

import org.springframework.context.ApplicationEvent;
import org.springframework.context.PayloadApplicationEvent;
import org.springframework.context.annotation.Bean;
import org.springframework.context.event.SimpleApplicationEventMulticaster;
import org.springframework.context.support.AbstractApplicationContext;
import org.springframework.core.ResolvableType;

/**
 * Imported by a test, notes each task change dispatched while another change's listeners are still running on the
 * same thread: a listener that changed files in answer to a change, inside its dispatch, which listeners must not do
 * (see {@link TaskChanged}).
 */
public class NestedDispatches {

	private static final Map<TaskId, TaskId> nested = new ConcurrentHashMap<>();

	private static final ThreadLocal<TaskId> hearing = new ThreadLocal<>();

	/** Each task whose change was dispatched inside another's, with that other task. */
	public static Map<TaskId, TaskId> seen() {
		return Map.copyOf(nested);
	}

	@Bean(AbstractApplicationContext.APPLICATION_EVENT_MULTICASTER_BEAN_NAME)
	SimpleApplicationEventMulticaster applicationEventMulticaster() {
		return new SimpleApplicationEventMulticaster() {

			@Override
			public void multicastEvent(ApplicationEvent event, ResolvableType type) {
				if (!(event instanceof PayloadApplicationEvent<?> payload
						&& payload.getPayload() instanceof TaskChanged changed)) {
					super.multicastEvent(event, type);
					return;
				}
				TaskId outer = hearing.get();
				if (outer != null) {
					nested.put(changed.id(), outer);
				}
				hearing.set(changed.id());
				try {
					super.multicastEvent(event, type);
				}
				finally {
					hearing.set(outer);
				}
			}

		};
	}

}
