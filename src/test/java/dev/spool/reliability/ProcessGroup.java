package dev.spool.reliability;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A shell agent started as the leader of a process group of its own, so that a test can kill it with everything it
 * started. Killing its descendants one by one misses a process forked between the listing and the agent's death,
 * which then writes on into the test's folder; the kernel's kill of a whole group misses none.
 */
final class ProcessGroup {

	private static final Duration PATIENCE = Duration.ofSeconds(10);

	private ProcessGroup() {
	}

	/**
	 * Starts the builder's command under {@code setsid}: not a group leader (the JVM's child is not), it makes a new
	 * session and group in place and execs the command, whose pid is then the group's id.
	 */
	static Process start(ProcessBuilder builder) throws IOException {
		List<String> command = new ArrayList<>(builder.command());
		command.add(0, "setsid");
		Process leader = builder.command(command).start();
		// Started means exec'd, not yet past setsid's own call: a kill of the group before it would miss the agent.
		await().atMost(PATIENCE).until(() -> !leader.isAlive() || groupOf(leader.pid()) == leader.pid());
		return leader;
	}

	/** SIGKILL to every process of the leader's group, then waits until none of them runs. */
	static void kill(Process leader) throws Exception {
		long group = leader.pid();
		Process kill = new ProcessBuilder("kill", "-KILL", "--", "-" + group).redirectErrorStream(true).start();
		assertThat(kill.waitFor(PATIENCE.toSeconds(), TimeUnit.SECONDS)).as("kill of group %d", group).isTrue();
		leader.onExit().get(PATIENCE.toSeconds(), TimeUnit.SECONDS);
		await().atMost(PATIENCE).until(() -> running(group).isEmpty());
	}

	/** The pids of the group's processes that still run: a zombie (state Z, or X) writes nothing. */
	static List<Long> running(long group) throws IOException {
		List<Long> running = new ArrayList<>();
		try (Stream<Path> processes = Files.list(Path.of("/proc"))) {
			for (Path process : (Iterable<Path>) processes::iterator) {
				String name = process.getFileName().toString();
				if (name.chars().allMatch(Character::isDigit)) {
					long pid = Long.parseLong(name);
					String[] fields = statFields(pid);
					if (fields != null && Long.parseLong(fields[2]) == group && !"Z".equals(fields[0])
							&& !"X".equals(fields[0])) {
						running.add(pid);
					}
				}
			}
		}
		return running;
	}

	private static long groupOf(long pid) {
		String[] fields = statFields(pid);
		return (fields != null) ? Long.parseLong(fields[2]) : -1;
	}

	/**
	 * The fields of {@code /proc/<pid>/stat} after the command's name (which may hold spaces and parentheses): state,
	 * parent, group, session, ...; null once the process has gone.
	 */
	private static String[] statFields(long pid) {
		String stat;
		try {
			stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
		}
		catch (IOException ex) {
			// Gone between the listing and the read (ENOENT, or ESRCH mid-read).
			return null;
		}
		return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
	}

}
