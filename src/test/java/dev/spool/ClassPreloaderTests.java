package dev.spool;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The classes of a start loaded ahead of the main thread: from the JVM's class list, loaded but not initialized. */
class ClassPreloaderTests {

	/** Set by {@link Listed}'s static initializer; read here, as reading Listed's own field would initialize it. */
	static volatile boolean listedInitialized;

	@Test
	void theClassesTheListNamesAreLoadedInItsOrderWithoutRunningTheirStaticInitializers() {
		RecordingLoader loader = new RecordingLoader();
		String list = """
				# NOTE: Do not modify this file.
				#
				java/lang/Object id: 0
				dev/spool/ClassPreloaderTests$Listed
				@lambda-proxy dev/spool/ClassPreloaderTests$Listed run ()Ljava/lang/Runnable; ()V REF_invokeStatic
				@lambda-form-invoker [LF_RESOLVE] java.lang.invoke.DirectMethodHandle$Holder invokeStatic L7_L

				no/such/Class
				dev/spool/ClassPreloaderTests$AlsoListed source: jrt:/java.base
				""";

		int loaded = ClassPreloader.preload(stream(list), loader);

		assertThat(loader.asked).containsExactly("java.lang.Object", "dev.spool.ClassPreloaderTests$Listed",
				"no.such.Class", "dev.spool.ClassPreloaderTests$AlsoListed");
		assertThat(loaded).as("classes found").isEqualTo(3);
		assertThat(listedInitialized).as("a listed class's static initializer ran").isFalse();
	}

	@Test
	void aListCutShortLoadsWhatItNamedBeforeTheCut() {
		RecordingLoader loader = new RecordingLoader();
		InputStream cut = new InputStream() {

			private final InputStream start = stream("java/lang/String\njava/lang/Integer\n");

			@Override
			public int read() throws IOException {
				int next = this.start.read();
				if (next < 0) {
					throw new IOException("the jar went away");
				}
				return next;
			}

		};

		assertThat(ClassPreloader.preload(cut, loader)).isEqualTo(2);
		assertThat(loader.asked).containsExactly("java.lang.String", "java.lang.Integer");
	}

	@Test
	void aLineNamesItsFirstWordAsABinaryName() {
		assertThat(ClassPreloader.className("org/springframework/boot/SpringApplication"))
			.isEqualTo("org.springframework.boot.SpringApplication");
		assertThat(ClassPreloader.className("java/util/Map$Entry id: 12 super: 0")).isEqualTo("java.util.Map$Entry");
		assertThat(ClassPreloader.className("# a comment")).isNull();
		assertThat(ClassPreloader.className("@cp java/lang/String 3 4")).isNull();
		assertThat(ClassPreloader.className("")).isNull();
		assertThat(ClassPreloader.className(" leading")).isNull();
	}

	private static InputStream stream(String text) {
		return new ByteArrayInputStream(text.getBytes(StandardCharsets.UTF_8));
	}

	/** Asks its parent, after noting the name asked for. */
	static final class RecordingLoader extends ClassLoader {

		final List<String> asked = new CopyOnWriteArrayList<>();

		RecordingLoader() {
			super(ClassPreloaderTests.class.getClassLoader());
		}

		@Override
		protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
			this.asked.add(name);
			return super.loadClass(name, resolve);
		}

	}

	static final class Listed {

		static {
			listedInitialized = true;
		}

	}

	static final class AlsoListed {

	}

}
