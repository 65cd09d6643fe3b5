package dev.spool.workspace;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/** Folder times spare a rescan only when no name can have changed since a listing that saw everything. */
class FolderTimesTests {

	@TempDir
	Path folder;

	private final AtomicLong nanos = new AtomicLong();

	@Test
	void aTimeIsTrustedOnlyAfterAListingBeganLongAfterItWasFirstSeen() {
		FolderTimes times = new FolderTimes(List.of(this.folder), this.nanos::get);
		assertThat(times.unchangedSinceConfirmed()).as("never listed").isFalse();
		times.listingStarts();
		assertThat(times.unchangedSinceConfirmed()).as("listed once").isFalse();
		this.nanos.addAndGet(Duration.ofMillis(1).toNanos());
		times.listingStarts();
		assertThat(times.unchangedSinceConfirmed()).as("listed again within the same tick").isFalse();
		this.nanos.addAndGet(FolderTimes.MARGIN.toNanos());
		times.listingStarts();
		assertThat(times.unchangedSinceConfirmed()).as("listed again well after").isTrue();
	}

	@Test
	void aNameAddedOrRemovedMakesTheNextCheckList() throws IOException {
		FolderTimes times = confirmed();
		Files.writeString(this.folder.resolve("task_001_pending.md"), "hello");
		// A later time, whatever the filesystem's tick.
		FileTime later = FileTime.fromMillis(Files.getLastModifiedTime(this.folder).toMillis() + 5000);
		Files.setLastModifiedTime(this.folder, later);
		assertThat(times.unchangedSinceConfirmed()).isFalse();
		times.listingStarts();
		assertThat(times.unchangedSinceConfirmed()).as("a new time is not trusted at once").isFalse();
	}

	@Test
	void aFolderThatCannotBeReadIsNeverTrusted() throws IOException {
		FolderTimes times = confirmed();
		Files.delete(this.folder);
		assertThat(times.unchangedSinceConfirmed()).isFalse();
		times.listingStarts();
		this.nanos.addAndGet(FolderTimes.MARGIN.toNanos());
		times.listingStarts();
		assertThat(times.unchangedSinceConfirmed()).isFalse();
	}

	private FolderTimes confirmed() {
		FolderTimes times = new FolderTimes(List.of(this.folder), this.nanos::get);
		times.listingStarts();
		this.nanos.addAndGet(FolderTimes.MARGIN.toNanos());
		times.listingStarts();
		assertThat(times.unchangedSinceConfirmed()).isTrue();
		return times;
	}

}
