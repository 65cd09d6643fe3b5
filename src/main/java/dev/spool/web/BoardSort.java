package dev.spool.web;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.PriorityQueue;

import dev.spool.workspace.Task;

/**
 * A column the board can be sorted by, with the direction a first click on it sorts in. Ties go newest first, so that
 * every order is total and a page never shows a task twice.
 */
enum BoardSort {

	ID("id", "descending", Comparator.comparing(Task::id)),
	TITLE("title", "ascending", Comparator.comparing(BoardSort::titleOf, String.CASE_INSENSITIVE_ORDER)),
	STATE("state", "ascending", Comparator.comparing(Task::state)),
	OWNER("owner", "ascending",
			Comparator.comparing(Task::owner, Comparator.nullsLast(String.CASE_INSENSITIVE_ORDER))),
	/** By age, so ascending is the youngest first. */
	AGE("age", "ascending", Comparator.comparing(Task::createdAt, Comparator.nullsLast(Comparator.reverseOrder()))),
	ATTEMPTS("attempts", "descending", Comparator.comparingInt(Task::attempts)),
	/** By priority, highest first on a first click: the order agents take pending tasks in. */
	PRIORITY("priority", "descending", Comparator.comparingInt((Task task) -> task.document().priority()));

	private final String word;

	private final String firstDirection;

	private final Comparator<Task> ascending;

	BoardSort(String word, String firstDirection, Comparator<Task> ascending) {
		this.word = word;
		this.firstDirection = firstDirection;
		this.ascending = ascending;
	}

	/** The word in the query string. */
	String word() {
		return this.word;
	}

	/** The direction a first click on this column sorts in. */
	String firstDirection() {
		return this.firstDirection;
	}

	static Optional<BoardSort> fromWord(String word) {
		String wanted = (word == null) ? "" : word.strip().toLowerCase(Locale.ROOT);
		return Arrays.stream(values()).filter((sort) -> sort.word.equals(wanted)).findFirst();
	}

	/** The order, ties newest first. */
	Comparator<Task> order(boolean descending) {
		Comparator<Task> order = descending ? this.ascending.reversed() : this.ascending;
		return order.thenComparing(Comparator.comparing(Task::id).reversed());
	}

	/**
	 * The first {@code count} tasks in an order, picked in one pass that keeps only that many, so that an early page
	 * of a large workspace costs a walk of its tasks in memory and no sort of them all.
	 */
	static List<Task> first(Collection<Task> tasks, Comparator<Task> order, int count) {
		if (count <= 0) {
			return List.of();
		}
		PriorityQueue<Task> kept = new PriorityQueue<>(Math.min(count, 1024) + 1, order.reversed());
		for (Task task : tasks) {
			kept.add(task);
			if (kept.size() > count) {
				kept.poll();
			}
		}
		List<Task> sorted = new ArrayList<>(kept);
		sorted.sort(order);
		return sorted;
	}

	private static String titleOf(Task task) {
		return (task.title() != null) ? task.title() : (task.summary() != null) ? task.summary().strip() : "";
	}

}
