package dev.spool.workspace;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The {@code DONE} records of answers that outside agents published, which cannot write Spool's records: a done task
 * whose result's header names an agent, and whose history has no {@code DONE} record, gets one made from the header
 * (its agent, times and tokens). Spool's own agents say in their header ({@code recorded: true}) that they write the
 * record themselves, just after the link, and their header holds all the record does (the model too); one whose
 * process died between the two (a kill), or whose record a power cut took (it is not flushed), would leave the task
 * done with nobody credited, so a result of theirs that this process has seen without its record for
 * {@code writerGone} gets its record from the header too. Every process may find the same answer: the record is
 * created exclusively under the number after the history it was decided on, and a process that loses that number
 * reads the history again, so it is written once.
 */
final class OutsideAnswers {

	private static final Log logger = LogFactory.getLog(OutsideAnswers.class);

	/** Enough of a result for its header. */
	private static final int HEADER_LIMIT = 4096;

	private final WorkspaceLayout layout;

	private final AttemptLog log;

	private final Clock clock;

	/** How long a result of Spool's own agent may be seen without its record before its writer is taken for gone. */
	private final long writerGoneNanos;

	/**
	 * Done tasks seen with a result and no {@code DONE} record, to look at again from the files, each with when this
	 * process first saw it so ({@link System#nanoTime}).
	 */
	private final Map<TaskId, Long> unrecorded = new ConcurrentHashMap<>();

	OutsideAnswers(WorkspaceLayout layout, AttemptLog log, Clock clock, Duration writerGone) {
		this.layout = layout;
		this.log = log;
		this.clock = clock;
		this.writerGoneNanos = writerGone.toNanos();
	}

	/** Notes a task as the index now knows it, if it looks like an answer without its record. */
	void consider(Task task) {
		if (task != null && task.state() == TaskState.DONE && task.hasOutput() && task.lastDone() == null) {
			this.unrecorded.putIfAbsent(task.id(), System.nanoTime());
		}
	}

	/** Records the answers noted since the last call; the index is told of each record written. */
	void recordAll(TaskIndex index) {
		for (Map.Entry<TaskId, Long> seen : List.copyOf(this.unrecorded.entrySet())) {
			TaskId id = seen.getKey();
			if (index.find(id).map((task) -> task.lastDone() != null).orElse(true)) {
				// Its record came meanwhile (Spool's own agents write it just after the link), or it is gone: nothing
				// to read.
				this.unrecorded.remove(id, seen.getValue());
				continue;
			}
			try {
				boolean writerGone = System.nanoTime() - seen.getValue() >= this.writerGoneNanos;
				Recorded recorded = record(id, writerGone);
				if (recorded != Recorded.NOT_YET) {
					this.unrecorded.remove(id, seen.getValue());
				}
				if (recorded == Recorded.WRITTEN) {
					index.refresh(id);
				}
			}
			catch (IOException | RuntimeException ex) {
				this.unrecorded.remove(id, seen.getValue());
				logger.warn("Could not record the answer to " + id + " that an outside agent published: "
						+ ProblemText.describe(ex));
			}
		}
	}

	private Recorded record(TaskId id, boolean writerGone) throws IOException {
		if (!Files.exists(this.layout.task(new TaskFile(id, TaskState.DONE, null)), LinkOption.NOFOLLOW_LINKS)) {
			return Recorded.NOTHING_TO_RECORD;
		}
		ResultHeader header;
		try {
			header = ResultHeader.parse(new String(SharedFile.readRegular(this.layout.output(id), HEADER_LIMIT),
					StandardCharsets.UTF_8)).header();
		}
		catch (NoSuchFileException ex) {
			return Recorded.NOTHING_TO_RECORD;
		}
		if (header.agent() == null) {
			// A result without a header (a person's, an older agent's) says nobody to credit.
			return Recorded.NOTHING_TO_RECORD;
		}
		if (header.recorded() && !writerGone) {
			// One of Spool's own agents writes its record itself, just after the link: its process may be at it now.
			return Recorded.NOT_YET;
		}
		ReportedTokens tokens = header.tokens();
		List<String> warnings = (tokens != null && tokens.refusal() != null) ? List.of(tokens.refusal()) : null;
		Attempt done = new Attempt(0, Attempt.Outcome.DONE, header.agent(), header.startedAt(),
				(header.finishedAt() != null) ? header.finishedAt() : this.clock.instant(), null, header.model(),
				header.recorded() ? Boolean.valueOf(header.offline()) : null, (tokens != null) ? tokens.usage() : null,
				warnings);
		for (int tries = 0; tries < 100; tries++) {
			// The free number first: the records below it were all there when the history is read after it.
			int next = this.log.nextNumber(id);
			List<Attempt> history = this.log.read(id);
			if (history.stream().anyMatch((entry) -> entry.outcome() == Attempt.Outcome.DONE)) {
				return Recorded.NOTHING_TO_RECORD;
			}
			if (this.log.appendAt(id, next, done)) {
				if (warnings != null) {
					logger.warn(this.layout.output(id) + ": " + tokens.refusal());
				}
				if (header.recorded()) {
					logger.warn("Recorded the answer to " + id + " by " + header.agent() + " from its result's header:"
							+ " the process that published it stopped before writing the record, or a power cut took"
							+ " the record");
				}
				return Recorded.WRITTEN;
			}
		}
		throw new IllegalStateException("its history kept growing while the record was being written");
	}

	private enum Recorded {

		WRITTEN, NOT_YET, NOTHING_TO_RECORD

	}

}
