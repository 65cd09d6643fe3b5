package dev.spool.workspace;

import java.time.DateTimeException;
import java.time.Instant;
import java.util.Random;

import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

/** The quick reading of instants agrees with {@link Instant#parse} on every text, or leaves the text to it. */
class InstantsTests {

	private static final long SEED = Long.getLong("spool.property.seed", System.nanoTime());

	@Test
	void everyInstantAsJavaWritesItIsReadAsJavaReadsIt() {
		Random random = new Random(SEED);
		for (int i = 0; i < 20_000; i++) {
			Instant instant = randomInstant(random);
			String text = instant.toString();
			assertThat(Instants.utc(text)).as("%s (seed %d)", text, SEED).isEqualTo(instant);
		}
	}

	@Test
	void aTextAlteredAnywhereIsReadAsJavaReadsItOrLeftToIt() {
		Random random = new Random(SEED);
		String alphabet = "0123456789-:.TZtz+ x";
		for (int i = 0; i < 50_000; i++) {
			StringBuilder text = new StringBuilder(randomInstant(random).toString());
			for (int changes = 1 + random.nextInt(3); changes > 0; changes--) {
				int at = random.nextInt(text.length());
				switch (random.nextInt(3)) {
					case 0 -> text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
					case 1 -> text.deleteCharAt(at);
					default -> text.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
				}
			}
			Instant quick = Instants.utc(text);
			if (quick != null) {
				assertThat(quick).as("%s (seed %d)", text, SEED).isEqualTo(javaReads(text.toString()));
			}
		}
	}

	@Test
	void theWorkspacesJsonReadsEveryInstantAsJacksonDoes() {
		JsonMapper jackson = JsonMapper.builder().build();
		Random random = new Random(SEED);
		String alphabet = "0123456789-:.TZtz+ x";
		for (int i = 0; i < 5_000; i++) {
			StringBuilder text = new StringBuilder(randomInstant(random).toString());
			for (int changes = random.nextInt(3); changes > 0; changes--) {
				int at = random.nextInt(text.length());
				text.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
			}
			String json = switch (random.nextInt(6)) {
				case 0 -> String.valueOf(random.nextLong(0, 4_000_000_000L));
				case 1 -> random.nextLong(0, 4_000_000_000L) + "." + random.nextInt(1000);
				case 2 -> "\"" + text.toString().replace("Z", "+0" + random.nextInt(10) + ":00") + "\"";
				default -> "\"" + text + "\"";
			};
			String record = "{\"at\": " + json + "}";
			assertThat(read(WorkspaceJson.MAPPER, record)).as("%s (seed %d)", record, SEED)
				.isEqualTo(read(jackson, record));
		}
	}

	/** The instant read, or the kind of failure. */
	private static Object read(JsonMapper mapper, String json) {
		try {
			return mapper.readValue(json, At.class).at();
		}
		catch (JacksonException ex) {
			return ex.getClass();
		}
	}

	record At(Instant at) {
	}

	@Test
	void whatTheQuickReadingLeavesIsReadOrRefusedByJava() {
		assertThat(Instants.parse("2026-11-25T10:00:00+01:00")).isEqualTo(Instant.parse("2026-11-25T09:00:00Z"));
		assertThat(Instants.utc("2026-12-31T23:59:60Z")).isNull();
		assertThat(Instants.parse("2026-12-31T23:59:60Z")).isEqualTo(Instant.parse("2026-12-31T23:59:59Z"));
		assertThat(Instants.utc("2026-02-30T10:00:00Z")).isNull();
		assertThat(Instants.utc("2026-11-25T10:00:00.Z")).isNull();
		assertThat(Instants.utc("+12026-11-25T10:00:00Z")).isNull();
	}

	private static Instant randomInstant(Random random) {
		long seconds = Math.floorMod(random.nextLong(), 253402300800L);   // years 1970 to 9999
		int nanos = switch (random.nextInt(4)) {
			case 0 -> 0;
			case 1 -> random.nextInt(1000) * 1_000_000;
			case 2 -> random.nextInt(1_000_000) * 1_000;
			default -> random.nextInt(1_000_000_000);
		};
		return Instant.ofEpochSecond(seconds, nanos);
	}

	private static Instant javaReads(String text) {
		try {
			return Instant.parse(text);
		}
		catch (DateTimeException ex) {
			return null;
		}
	}

}
