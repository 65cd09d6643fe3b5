package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** {@link FolderNames} lists what a {@link DirectoryStream} lists, many names to a call where Linux allows. */
class FolderNamesTests {

	@TempDir
	Path folder;

	@Test
	void everyNameIsListedOnceAsADirectoryStreamListsIt() throws IOException {
		Random random = new Random(42);
		Set<String> written = new HashSet<>(List.of(".x", "..y", "...", "a b", "über.md", "日本.md", "x".repeat(255)));
		// Names of every length, far more than one call's 64 KiB holds.
		while (written.size() < 3_000) {
			written.add("task_" + random.nextInt(1_000_000) + "_" + "n".repeat(random.nextInt(200)) + ".md");
		}
		for (String name : written) {
			Files.createFile(this.folder.resolve(name));
		}
		Files.createDirectory(this.folder.resolve("a folder"));
		written.add("a folder");

		List<String> listed = new ArrayList<>();
		FolderNames.forEach(this.folder, listed::add);

		Set<String> streamed = new HashSet<>();
		try (DirectoryStream<Path> stream = Files.newDirectoryStream(this.folder)) {
			stream.forEach((path) -> streamed.add(path.getFileName().toString()));
		}
		assertThat(listed).doesNotHaveDuplicates().hasSize(written.size());
		assertThat(new HashSet<>(listed)).isEqualTo(written).isEqualTo(streamed);
	}

	@Test
	void anEmptyFolderHasNoNamesAndALinkToAFolderIsFollowed() throws IOException {
		Path empty = Files.createDirectory(this.folder.resolve("empty"));
		List<String> names = new ArrayList<>();
		FolderNames.forEach(empty, names::add);
		assertThat(names).isEmpty();

		Files.createFile(empty.resolve("one.md"));
		Path link = Files.createSymbolicLink(this.folder.resolve("link"), empty);
		FolderNames.forEach(link, names::add);
		assertThat(names).containsExactly("one.md");
	}

	@Test
	void aMissingFolderOrAFileIsRefusedAsADirectoryStreamRefusesIt() throws IOException {
		Path file = Files.createFile(this.folder.resolve("file.md"));
		assertThatExceptionOfType(NoSuchFileException.class)
			.isThrownBy(() -> FolderNames.forEach(this.folder.resolve("none"), (name) -> {
			}));
		assertThatExceptionOfType(NotDirectoryException.class).isThrownBy(() -> FolderNames.forEach(file, (name) -> {
		}));
	}

	@Test
	void onLinuxNamesAreReadManyToACall() {
		assumeTrue(SharedFile.raceFree(), "Linux on x86-64 or arm64");
		assertThat(FolderNames.batched()).as("getdents64 bound").isTrue();
	}

}
