package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Stream;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Every (actor, from, to) is tried against real files through the one writer of task files: the transitions the
 * protocol gives each actor move the file, and every other one is refused and writes nothing.
 */
class TransitionTableTests {

	/** What PROTOCOL.md gives each actor, written out here rather than read from the table under test. */
	private static final Set<String> ALLOWED = Set.of("AGENT pending inprogress", "AGENT inprogress done",
			"AGENT inprogress review", "PERSON review done", "PERSON review pending", "PERSON review cancelled",
			"AGENT inprogress pending", "AGENT inprogress failed", "AGENT inprogress waiting", "AGENT waiting inprogress",
			"PERSON pending cancelled", "PERSON waiting cancelled",
			"PERSON inprogress cancelled", "PERSON inprogress pending", "PERSON failed pending",
			"PERSON cancelled pending", "OUTSIDE_AGENT pending failed", "OUTSIDE_AGENT inprogress failed",
			"RECOVERY pending failed", "RECOVERY inprogress pending", "RECOVERY inprogress failed");

	private static final TaskId ID = TaskId.of(7);

	@TempDir
	Path root;

	static Stream<Arguments> everyTransition() {
		List<Arguments> all = new ArrayList<>();
		for (Actor actor : Actor.values()) {
			for (TaskState from : TaskState.values()) {
				for (TaskState to : TaskState.values()) {
					all.add(Arguments.of(actor, from, to));
				}
			}
		}
		return all.stream();
	}

	static Stream<Arguments> everyArchiving() {
		List<Arguments> all = new ArrayList<>();
		for (Actor actor : Actor.values()) {
			for (TaskState from : TaskState.values()) {
				all.add(Arguments.of(actor, from));
			}
		}
		return all.stream();
	}

	@ParameterizedTest(name = "{0} {1} to {2}")
	@MethodSource("everyTransition")
	void anActorMakesOnlyTheTransitionsTheProtocolGivesIt(Actor actor, TaskState from, TaskState to)
			throws IOException {
		TaskFiles files = taskFiles();
		TaskFile source = file(from);
		TaskFile target = file(to);
		Files.writeString(this.root.resolve("tasks").resolve(source.fileName()), "the prompt");
		Map<String, String> before = contents();
		if (ALLOWED.contains(actor + " " + from.word() + " " + to.word())) {
			assertThat(files.move(actor, source, target)).isTrue();
			assertThat(contents()).containsExactly(Map.entry(target.fileName(), "the prompt"));
		}
		else {
			assertThatExceptionOfType(TransitionNotAllowedException.class)
				.isThrownBy(() -> files.move(actor, source, target));
			assertThat(contents()).isEqualTo(before);
		}
	}

	@ParameterizedTest(name = "{0} archives {1}")
	@MethodSource("everyArchiving")
	void onlyTheArchiveMovesOnlyFinishedTasksOutOfTasks(Actor actor, TaskState from) throws IOException {
		TaskFiles files = taskFiles();
		TaskFile source = file(from);
		Files.writeString(this.root.resolve("tasks").resolve(source.fileName()), "the prompt");
		Files.createDirectories(this.root.resolve("archive/tasks"));
		Map<String, String> before = contents();
		if (actor == Actor.ARCHIVE && from.isFinished()) {
			assertThat(files.archive(actor, source)).isTrue();
			assertThat(contents()).isEmpty();
			assertThat(this.root.resolve("archive/tasks").resolve(source.fileName())).hasContent("the prompt");
		}
		else {
			assertThatExceptionOfType(TransitionNotAllowedException.class)
				.isThrownBy(() -> files.archive(actor, source));
			assertThat(contents()).isEqualTo(before);
			assertThat(this.root.resolve("archive/tasks")).isEmptyDirectory();
		}
	}

	private TaskFiles taskFiles() throws IOException {
		WorkspaceLayout layout = new WorkspaceLayout(this.root);
		layout.createFolders();
		AtomicFiles files = new AtomicFiles(false);
		TaskIndex index = new TaskIndex(layout, new AttemptLog(layout, files), Clock.systemUTC(), 1 << 20,
				(change) -> {
				});
		return new TaskFiles(layout, files, index);
	}

	private static TaskFile file(TaskState state) {
		return new TaskFile(ID, state, state.hasOwner() ? "a" : null);
	}

	/** Every file in {@code tasks/} with what it holds. */
	private Map<String, String> contents() throws IOException {
		Map<String, String> contents = new TreeMap<>();
		try (Stream<Path> files = Files.list(this.root.resolve("tasks"))) {
			for (Path file : files.toList()) {
				contents.put(file.getFileName().toString(), Files.readString(file));
			}
		}
		return contents;
	}

}
