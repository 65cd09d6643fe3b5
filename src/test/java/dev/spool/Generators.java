package dev.spool;

import java.util.List;
import java.util.Random;
import java.util.function.Supplier;
import java.util.stream.IntStream;
import java.util.stream.Stream;

/** The building blocks of input generators: weighted choices, sizes that favour the edges, picks and numbers. */
public final class Generators {

	private Generators() {
	}

	/** Which of the choices with these weights comes up, by its index. */
	public static int weighted(Random random, int... weights) {
		int roll = random.nextInt(IntStream.of(weights).sum());
		int choice = 0;
		while (roll >= weights[choice]) {
			roll -= weights[choice];
			choice++;
		}
		return choice;
	}

	/**
	 * A size from min to max, small ones more often (most bugs show on small input, and it reads faster), and now and
	 * then exactly min or max: empty and full collections find their own bugs.
	 */
	public static int size(Random random, int min, int max) {
		return switch (weighted(random, 1, 1, 8)) {
			case 0 -> min;
			case 1 -> max;
			default -> random.nextInt(min, random.nextInt(min, max + 1) + 1);
		};
	}

	/** Items from the supplier, as many as {@link #size} says, joined with the separator. */
	public static String join(Random random, int min, int max, String separator, Supplier<String> item) {
		StringBuilder joined = new StringBuilder();
		int size = size(random, min, max);
		for (int i = 0; i < size; i++) {
			joined.append((i > 0) ? separator : "").append(item.get());
		}
		return joined.toString();
	}

	/** Items from the supplier, as many as {@link #size} says. */
	public static <T> List<T> list(Random random, int min, int max, Supplier<T> item) {
		return Stream.generate(item).limit(size(random, min, max)).toList();
	}

	/** The supplier's value, or null in about the given percentage of cases. */
	public static <T> T orNull(Random random, int percent, Supplier<T> value) {
		return (random.nextInt(100) < percent) ? null : value.get();
	}

	/** One of the choices, each as likely. */
	public static <T> T pick(Random random, List<T> choices) {
		return choices.get(random.nextInt(choices.size()));
	}

	/** One of the choices, each as likely. */
	public static String pick(Random random, String... choices) {
		return choices[random.nextInt(choices.length)];
	}

	/** One of the characters, each as likely. */
	public static char pickCharacter(Random random, String characters) {
		return characters.charAt(random.nextInt(characters.length()));
	}

	/** Any int, with the edges and small numbers more often than their share. */
	public static int anyInt(Random random) {
		return switch (weighted(random, 2, 2, 3)) {
			case 0 -> random.nextInt(-1000, 1001);
			case 1 -> random.nextInt() >> random.nextInt(32);
			default -> pick(random, List.of(0, 1, -1, Integer.MIN_VALUE, Integer.MAX_VALUE, Integer.MIN_VALUE + 1,
					Integer.MAX_VALUE - 1));
		};
	}

	/** Any long, with the edges and small numbers more often than their share. */
	public static long anyLong(Random random) {
		return switch (weighted(random, 2, 2, 3)) {
			case 0 -> random.nextLong(-1000, 1001);
			case 1 -> random.nextLong() >> random.nextInt(64);
			default -> pick(random, List.of(0L, 1L, -1L, Long.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE + 1,
					Long.MAX_VALUE - 1, (long) Integer.MIN_VALUE, (long) Integer.MAX_VALUE, Integer.MIN_VALUE - 1L,
					Integer.MAX_VALUE + 1L));
		};
	}

}
