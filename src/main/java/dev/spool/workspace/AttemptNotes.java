package dev.spool.workspace;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * What an attempt under way goes on without, and why (a tool server its agent lists that did not start): kept in this
 * process until the record that ends the attempt is written, which carries it as its {@code warnings}. A task has one
 * attempt under way at a time; a note of an attempt that ends with no record of its own (handed back as Spool stops) is
 * replaced by the next attempt's.
 */
public final class AttemptNotes {

	private final Map<TaskId, Noted> pending = new ConcurrentHashMap<>();

	AttemptNotes() {
	}

	/** Notes a warning for the record of the attempt under this claim. */
	public void warn(Claim claim, String warning) {
		this.pending.compute(claim.id(), (id, noted) -> (noted != null && noted.isOf(claim.agent(), claim.startedAt()))
				? noted.plus(warning) : new Noted(claim.agent(), claim.startedAt(), List.of(warning)));
	}

	/** The record with the warnings noted for the attempt it ends, which are then forgotten; else as it is. */
	Attempt attach(TaskId id, Attempt record) {
		Noted noted = this.pending.get(id);
		if (noted == null || !noted.isOf(record.agent(), record.startedAt()) || !this.pending.remove(id, noted)) {
			return record;
		}
		return record.withWarnings(noted.warnings());
	}

	private record Noted(String agent, Instant startedAt, List<String> warnings) {

		boolean isOf(String otherAgent, Instant otherStart) {
			return Objects.equals(this.agent, otherAgent) && Objects.equals(this.startedAt, otherStart);
		}

		Noted plus(String warning) {
			List<String> more = new ArrayList<>(this.warnings);
			more.add(warning);
			return new Noted(this.agent, this.startedAt, List.copyOf(more));
		}

	}

}
