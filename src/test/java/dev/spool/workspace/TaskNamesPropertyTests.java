package dev.spool.workspace;

import java.util.Optional;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.spool.Generators;
import dev.spool.PropertyCheck;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Task ids, task files' names and attempt records' names are read by hand, for speed; they mean exactly what the
 * protocol's patterns say, on names generated near and far from valid ones.
 */
class TaskNamesPropertyTests {

	/** The protocol's patterns, as PROTOCOL.md gives them. */
	private static final Pattern ID = Pattern.compile("task_(\\d{1,18})");

	private static final Pattern NAME = Pattern.compile(
			"(task_\\d{1,18})_(pending|review|done|failed|cancelled|(inprogress|waiting)_([a-z0-9][a-z0-9_-]{0,62}))\\.md");

	@Test
	void aTaskFilesNameIsReadAsThePatternReadsIt() {
		PropertyCheck.forAll("aTaskFilesNameIsReadAsThePatternReadsIt", TaskNamesPropertyTests::name)
			.classify((name) -> {
				Optional<TaskFile> expected = byPattern(name);
				assertThat(TaskFile.parse(name)).as(name).isEqualTo(expected);
				return expected.map((file) -> file.state().word()).orElse("not a task file");
			})
			.reachMoreThan("not a task file", 10)
			.reachMoreThan("pending", 2)
			.reachMoreThan("inprogress", 2)
			.reachMoreThan("waiting", 1);
	}

	@Test
	void anIdIsReadAsThePatternReadsIt() {
		PropertyCheck.forAll("anIdIsReadAsThePatternReadsIt", TaskNamesPropertyTests::id).classify((text) -> {
			Matcher matcher = ID.matcher(text);
			Optional<TaskId> expected = matcher.matches()
					? Optional.of(new TaskId(text, Long.parseLong(matcher.group(1)))) : Optional.empty();
			assertThat(TaskId.parse(text)).as(text).isEqualTo(expected);
			return expected.isPresent() ? "an id" : "not an id";
		}).reachMoreThan("an id", 20).reachMoreThan("not an id", 20);
	}

	@Test
	void anAttemptRecordsNameIsReadAsThePatternReadsIt() {
		Pattern record = Pattern.compile("(task_\\d{1,18})\\.([1-9][0-9]{0,8})\\.json");
		PropertyCheck.forAll("anAttemptRecordsNameIsReadAsThePatternReadsIt", (random) -> (random.nextBoolean()
				? TaskId.of(random.nextLong(1, 100_000)).text() : id(random)) + Generators.pick(random, ".", ".", ".", "_", "..") + Generators.pick(random, "1", "2", "10", "0", "01",
						"123456789", "1234567890", "x", "", "٣", String.valueOf(random.nextInt(1, 1000)))
				+ Generators.pick(random, ".json", ".json", ".json", ".JSON", ".json.tmp", "json", ".1.json"))
			.classify((name) -> {
				Matcher matcher = record.matcher(name);
				Optional<RecordName> expected = matcher.matches()
						? Optional.of(new RecordName(new TaskId(matcher.group(1), Long.parseLong(matcher.group(1)
							.substring(5))), Integer.parseInt(matcher.group(2))))
						: Optional.empty();
				assertThat(RecordName.parse(name)).as(name).isEqualTo(expected);
				return expected.isPresent() ? "a record" : "not a record";
			})
			.reachMoreThan("a record", 3)
			.reachMoreThan("not a record", 10);
	}

	private static Optional<TaskFile> byPattern(String name) {
		Matcher matcher = NAME.matcher(name);
		if (!matcher.matches()) {
			return Optional.empty();
		}
		TaskId id = new TaskId(matcher.group(1), Long.parseLong(matcher.group(1).substring(5)));
		String owner = matcher.group(4);
		if (owner != null) {
			TaskState held = TaskState.fromWord(matcher.group(3)).orElseThrow();
			return AgentNames.isValid(owner) ? Optional.of(new TaskFile(id, held, owner)) : Optional.empty();
		}
		return Optional.of(new TaskFile(id, TaskState.fromWord(matcher.group(2)).orElseThrow(), null));
	}

	private static String name(Random random) {
		return (random.nextBoolean()) ? validName(random) : nearName(random);
	}

	private static String validName(Random random) {
		TaskState state = Generators.pick(random, java.util.List.of(TaskState.values()));
		String owner = state.hasOwner() ? "_" + Generators.pick(random, "agent_a", "shellbot", "x-1", "z9", "a") : "";
		long number = random.nextLong(1, (random.nextBoolean()) ? 1000 : Long.MAX_VALUE);
		return "task_" + ((number < 10 && random.nextBoolean()) ? "00" + number : String.valueOf(number)) + "_"
				+ state.word() + owner + ".md";
	}

	private static String nearName(Random random) {
		String state = Generators.pick(random, "pending", "review", "done", "failed", "cancelled", "inprogress",
				"waiting", "running", "Done", "", "pending_x");
		String owner = (state.equals("inprogress") || state.equals("waiting") || random.nextInt(10) == 0)
				? "_" + owner(random) : "";
		String suffix = Generators.pick(random, ".md", ".md", ".md", ".md", ".md.tmp", "", ".MD", ".m", "md");
		String separator = Generators.pick(random, "_", "_", "_", "_", "-", "", "__");
		return id(random) + separator + state + owner + suffix;
	}

	private static String owner(Random random) {
		return switch (Generators.weighted(random, 6, 2, 1, 1)) {
			case 0 -> Generators.pick(random, "agent_a", "shellbot", "a", "x-1", "agent_b2", "z9");
			case 1 -> Generators.pick(random, "a_done", "x_inprogress_y", "Agent", "", "_a", "-a", "a.b", "a/b",
					"pending", "a_waiting");
			case 2 -> "a".repeat(Generators.size(random, 60, 66));
			default -> {
				StringBuilder text = new StringBuilder();
				int length = Generators.size(random, 0, 12);
				for (int i = 0; i < length; i++) {
					text.append(Generators.pickCharacter(random, "abz09_-.A/ é"));
				}
				yield text.toString();
			}
		};
	}

	private static String id(Random random) {
		String prefix = Generators.pick(random, "task_", "task_", "task_", "task_", "Task_", "task", "tas_", "",
				"task__");
		StringBuilder digits = new StringBuilder();
		int length = switch (Generators.weighted(random, 1, 6, 3)) {
			case 0 -> 0;
			case 1 -> Generators.size(random, 1, 20);
			default -> Generators.pick(random, java.util.List.of(1, 17, 18, 19));
		};
		for (int i = 0; i < length; i++) {
			boolean stray = random.nextInt(30) == 0;
			digits.append(stray ? Generators.pickCharacter(random, "x٣_.-") : (char) ('0' + random.nextInt(10)));
		}
		return prefix + digits;
	}

}
