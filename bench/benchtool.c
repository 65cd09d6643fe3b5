/* Helpers for bench/run: file-drop and API pickup latency, bulk drops, waiting for completion while watching
 * manifest.json, and the C-loop floors. Plain POSIX; compiled by bench/run with `cc -O2`. Every loop is bounded. */
#define _GNU_SOURCE
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now_ms(void) {
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1e3 + t.tv_nsec / 1e6;
}

static void sleep_ms(double ms) {
	struct timespec t = {(time_t)(ms / 1000), (long)((ms - (long)(ms / 1000) * 1000) * 1e6)};
	nanosleep(&t, NULL);
}

static void die(const char *what) {
	perror(what);
	exit(2);
}

static int cmp_double(const void *a, const void *b) {
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

/* Prints "median p90 max n_ok n": latencies in ms; misses (timeouts) count as n - n_ok. */
static void report(const char *label, double *v, int ok, int n) {
	printf("%s ", label);
	if (ok == 0) {
		printf("nan nan nan 0 %d\n", n);
		return;
	}
	qsort(v, ok, sizeof *v, cmp_double);
	double med = ok % 2 ? v[ok / 2] : (v[ok / 2 - 1] + v[ok / 2]) / 2;
	int i90 = (int)(0.9 * ok + 0.999999) - 1;
	if (i90 < 0) i90 = 0;
	printf("%.1f %.1f %.1f %d %d\n", med, v[i90], v[ok - 1], ok, n);
}

static void write_file(const char *path, const char *text, int sync) {
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) die(path);
	size_t len = strlen(text);
	if (write(fd, text, len) != (ssize_t)len) die("write");
	if (sync && fsync(fd)) die("fsync");
	close(fd);
}

static void sync_dir(const char *dir) {
	int fd = open(dir, O_RDONLY | O_DIRECTORY);
	if (fd < 0) die(dir);
	if (fsync(fd)) die("fsync dir");
	close(fd);
}

static int exists(const char *path) {
	struct stat st;
	return stat(path, &st) == 0;
}

/* Publishes task_<id>_pending.md in dir/tasks by writing dir/tasks/.bench.tmp and renaming it. */
static void drop(const char *dir, int id, int width) {
	char tmp[4096], dst[4096];
	snprintf(tmp, sizeof tmp, "%s/tasks/.bench.tmp", dir);
	snprintf(dst, sizeof dst, "%s/tasks/task_%0*d_pending.md", dir, width, id);
	char text[256];
	snprintf(text, sizeof text, "---\ntitle: \"bench %d\"\n---\n\nBenchmark task %d: say anything.\n", id, id);
	write_file(tmp, text, 0);
	if (rename(tmp, dst)) die("rename drop");
}

/* Writes task_<id>_pending.md in place, as an editor or `cat >` would: create, write, close (no rename). */
static void write_in_place(const char *dir, int id, int width) {
	char dst[4096];
	snprintf(dst, sizeof dst, "%s/tasks/task_%0*d_pending.md", dir, width, id);
	char text[256];
	snprintf(text, sizeof text, "---\ntitle: \"bench %d\"\n---\n\nBenchmark task %d: say anything.\n", id, id);
	write_file(dst, text, 0);
}

static int in_place = 0;

/* pickup DIR FIRST_ID N WIDTH TIMEOUT_MS GAP_MS: drop N tasks one at a time; for each, time from the rename until the
 * pending name is gone (claimed), polling every 1 ms; then wait (bounded) for its done file and pause a random 0 to GAP_MS before the next drop, so that drops do not
 * fall in step with a periodic loop being measured. */
static int cmd_pickup(char **a) {
	const char *dir = a[0];
	int first = atoi(a[1]), n = atoi(a[2]), width = atoi(a[3]);
	double timeout = atof(a[4]), gap = atof(a[5]);
	double *lat = calloc(n, sizeof *lat), *fin = calloc(n, sizeof *fin);
	int ok = 0, okd = 0;
	srand(getpid());
	for (int i = 0; i < n; i++) {
		int id = first + i;
		char pending[4096], done[4096];
		snprintf(pending, sizeof pending, "%s/tasks/task_%0*d_pending.md", dir, width, id);
		snprintf(done, sizeof done, "%s/tasks/task_%0*d_done.md", dir, width, id);
		double t0 = now_ms();
		if (in_place) {
			write_in_place(dir, id, width);
			t0 = now_ms(); /* from the close */
		}
		else {
			drop(dir, id, width);
		}
		while (exists(pending) && now_ms() - t0 < timeout) sleep_ms(1);
		double t1 = now_ms();
		if (!exists(pending)) lat[ok++] = t1 - t0;
		while (!exists(done) && now_ms() - t0 < timeout) sleep_ms(1);
		if (exists(done)) fin[okd++] = now_ms() - t0;
		sleep_ms(gap * rand() / RAND_MAX);
	}
	report("claim", lat, ok, n);
	report("done", fin, okd, n);
	return 0;
}

/* One HTTP/1.1 request to 127.0.0.1:port; returns the response (malloc'd) or NULL. */
static char *http(int port, const char *method, const char *path, const char *body, const char *accept) {
	int s = socket(AF_INET, SOCK_STREAM, 0);
	if (s < 0) return NULL;
	struct sockaddr_in addr = {.sin_family = AF_INET, .sin_port = htons(port)};
	addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(s, (struct sockaddr *)&addr, sizeof addr)) {
		close(s);
		return NULL;
	}
	char req[8192];
	int len = snprintf(req, sizeof req,
			"%s %s HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nAccept: %s\r\n"
			"Connection: close\r\nContent-Length: %zu\r\n\r\n%s",
			method, path, accept, body ? strlen(body) : 0, body ? body : "");
	if (write(s, req, len) != len) {
		close(s);
		return NULL;
	}
	size_t cap = 1 << 16, used = 0;
	char *buf = malloc(cap);
	ssize_t r;
	while ((r = read(s, buf + used, cap - used - 1)) > 0) {
		used += r;
		if (used + 1 == cap) buf = realloc(buf, cap *= 2);
	}
	buf[used] = 0;
	close(s);
	return buf;
}

/* pickup-api DIR PORT N TIMEOUT_MS GAP_MS: POST /api/tasks; time from sending the request until the new task's pending
 * name is gone (read from the response's "id"), polling every 1 ms. Includes the HTTP round trip. */
static int cmd_pickup_api(char **a) {
	const char *dir = a[0];
	int port = atoi(a[1]), n = atoi(a[2]);
	double timeout = atof(a[3]), gap = atof(a[4]);
	double *lat = calloc(n, sizeof *lat), *resp = calloc(n, sizeof *resp), *fin = calloc(n, sizeof *fin);
	int ok = 0, okr = 0, okd = 0;
	srand(getpid());
	for (int i = 0; i < n; i++) {
		char body[256];
		snprintf(body, sizeof body, "{\"prompt\": \"Benchmark API task %d: say anything.\"}", i);
		double t0 = now_ms();
		char *r = http(port, "POST", "/api/tasks", body, "application/json");
		double tr = now_ms();
		char *p = r ? strstr(r, "\"id\":\"") : NULL;
		if (!p) {
			fprintf(stderr, "pickup-api: no id in response: %.200s\n", r ? r : "(no response)");
			free(r);
			continue;
		}
		resp[okr++] = tr - t0;
		p += 6;
		char id[64];
		int k = 0;
		while (*p && *p != '"' && k < 63) id[k++] = *p++;
		id[k] = 0;
		free(r);
		char pending[4096], done[4096];
		snprintf(pending, sizeof pending, "%s/tasks/%s_pending.md", dir, id);
		snprintf(done, sizeof done, "%s/tasks/%s_done.md", dir, id);
		while (exists(pending) && now_ms() - t0 < timeout) sleep_ms(1);
		double t1 = now_ms();
		if (!exists(pending)) lat[ok++] = t1 - t0;
		while (!exists(done) && now_ms() - t0 < timeout) sleep_ms(1);
		if (exists(done)) fin[okd++] = now_ms() - t0;
		sleep_ms(gap * rand() / RAND_MAX);
	}
	report("claim", lat, ok, n);
	report("done", fin, okd, n);
	report("response", resp, okr, n);
	return 0;
}

/* Counts names in dir ending in suffix. */
static int count_suffix(const char *dir, const char *suffix) {
	DIR *d = opendir(dir);
	if (!d) return -1;
	size_t sl = strlen(suffix);
	int c = 0;
	struct dirent *e;
	while ((e = readdir(d))) {
		size_t l = strlen(e->d_name);
		if (l >= sl && strcmp(e->d_name + l - sl, suffix) == 0) c++;
	}
	closedir(d);
	return c;
}

/* Bytes written to manifest.journal, seen by polling: a new inode is a replacement (its whole size counts), a larger
 * size on the same inode is an append (the growth counts). Appends to a journal replaced between two polls are missed,
 * so this is a lower bound. */
struct journal_watch { struct stat last; long replacements, appends; long long bytes; };

static void poll_journal(const char *path, struct journal_watch *w) {
	struct stat js;
	if (stat(path, &js) != 0) return;
	if (js.st_ino != w->last.st_ino) {
		w->replacements++;
		w->bytes += js.st_size;
	} else if (js.st_size > w->last.st_size) {
		w->appends++;
		w->bytes += js.st_size - w->last.st_size;
	}
	w->last = js;
}

/* throughput DIR FIRST_ID N WIDTH TIMEOUT_MS: drop N tasks at once (tmp + rename each), then wait until N more done
 * files exist than before, polling the folder every 5 ms and manifest.json every 1 ms (a new inode or mtime or size is
 * one rewrite; its size at that moment is added), and manifest.journal likewise (see poll_journal). Prints: seconds
 * done tasks/s manifest_rewrites manifest_bytes last_manifest_size drop_ms journal_replacements journal_appends
 * journal_bytes. */
static int cmd_throughput(char **a) {
	const char *dir = a[0];
	int first = atoi(a[1]), n = atoi(a[2]), width = atoi(a[3]);
	double timeout = atof(a[4]);
	char tasks[4096], manifest[4096], journal[4096];
	snprintf(tasks, sizeof tasks, "%s/tasks", dir);
	snprintf(manifest, sizeof manifest, "%s/manifest.json", dir);
	snprintf(journal, sizeof journal, "%s/manifest.journal", dir);
	int before = count_suffix(tasks, "_done.md");
	struct stat ms, last;
	memset(&last, 0, sizeof last);
	stat(manifest, &last);
	struct journal_watch jw;
	memset(&jw, 0, sizeof jw);
	stat(journal, &jw.last);
	long rewrites = 0;
	long long bytes = 0;
	double t0 = now_ms();
	for (int i = 0; i < n; i++) drop(dir, first + i, width);
	double tdrop = now_ms() - t0, lastcount = 0;
	int done = 0;
	while (now_ms() - t0 < timeout) {
		if (stat(manifest, &ms) == 0 && (ms.st_ino != last.st_ino || ms.st_mtim.tv_nsec != last.st_mtim.tv_nsec
				|| ms.st_mtim.tv_sec != last.st_mtim.tv_sec || ms.st_size != last.st_size)) {
			rewrites++;
			bytes += ms.st_size;
			last = ms;
		}
		poll_journal(journal, &jw);
		if (now_ms() - lastcount >= 5) {
			lastcount = now_ms();
			done = count_suffix(tasks, "_done.md") - before;
			if (done >= n) break;
		}
		sleep_ms(1);
	}
	double secs = (now_ms() - t0) / 1000;
	/* The manifest is written ~50 ms after the last change: keep watching it briefly so the last rewrite counts. */
	double tend = now_ms();
	while (now_ms() - tend < 1000) {
		if (stat(manifest, &ms) == 0 && (ms.st_ino != last.st_ino || ms.st_mtim.tv_nsec != last.st_mtim.tv_nsec
				|| ms.st_size != last.st_size)) {
			rewrites++;
			bytes += ms.st_size;
			last = ms;
		}
		poll_journal(journal, &jw);
		sleep_ms(1);
	}
	printf("%.2f %d %.0f %ld %lld %lld %.0f %ld %ld %lld\n", secs, done, done / secs, rewrites, bytes,
			(long long)last.st_size, tdrop, jw.replacements, jw.appends, jw.bytes);
	return 0;
}

/* floor DIR N SYNC: the C loop. Prepares N pending tasks (untimed), then one at a time: rename to claim, read, write a
 * temporary result, rename it into outputs/, rename to done. SYNC=1 fsyncs the result and each changed folder. */
static int cmd_floor(char **a) {
	const char *dir = a[0];
	int n = atoi(a[1]), sync = atoi(a[2]);
	char tasks[4096], outputs[4096];
	snprintf(tasks, sizeof tasks, "%s/tasks", dir);
	snprintf(outputs, sizeof outputs, "%s/outputs", dir);
	mkdir(dir, 0755);
	mkdir(tasks, 0755);
	mkdir(outputs, 0755);
	for (int i = 1; i <= n; i++) drop(dir, i, 3);
	sync_dir(tasks);
	double t0 = now_ms();
	char buf[4096];
	for (int i = 1; i <= n; i++) {
		char pending[4096], prog[4096], done[4096], tmp[4096], out[4096];
		snprintf(pending, sizeof pending, "%s/task_%03d_pending.md", tasks, i);
		snprintf(prog, sizeof prog, "%s/task_%03d_inprogress_floor.md", tasks, i);
		snprintf(done, sizeof done, "%s/task_%03d_done.md", tasks, i);
		snprintf(tmp, sizeof tmp, "%s/.task_%03d_result.tmp", outputs, i);
		snprintf(out, sizeof out, "%s/task_%03d_result.md", outputs, i);
		if (rename(pending, prog)) die("claim");
		if (sync) sync_dir(tasks);
		int fd = open(prog, O_RDONLY);
		if (fd < 0) die("open");
		ssize_t r = read(fd, buf, sizeof buf - 1);
		close(fd);
		if (r < 0) die("read");
		char text[512];
		snprintf(text, sizeof text, "---\nagent: floor\n---\n\nAnswer to a prompt of %zd bytes.\n", r);
		write_file(tmp, text, sync);
		if (rename(tmp, out)) die("publish");
		if (sync) sync_dir(outputs);
		if (rename(prog, done)) die("done");
		if (sync) sync_dir(tasks);
	}
	double secs = (now_ms() - t0) / 1000;
	printf("%.3f %d %.0f\n", secs, n, n / secs);
	return 0;
}

/* get PORT PATH ACCEPT: time one GET (no compression asked for); prints "ms status bytes". */
static int cmd_get(char **a) {
	double t0 = now_ms();
	char *r = http(atoi(a[0]), "GET", a[1], NULL, a[2]);
	double ms = now_ms() - t0;
	if (!r) {
		printf("nan 0 0\n");
		return 1;
	}
	int status = 0;
	sscanf(r, "HTTP/1.1 %d", &status);
	char *body = strstr(r, "\r\n\r\n");
	printf("%.1f %d %zu\n", ms, status, body ? strlen(body + 4) : 0);
	free(r);
	return 0;
}

/*
 * prefill DIR N: N done tasks with their outputs and their DONE records, written directly (the 100k-task workspace),
 * as a workspace that Spool's own agents filled holds them; the records as Spool writes them.
 */
static int cmd_prefill(char **a) {
	const char *dir = a[0];
	int n = atoi(a[1]);
	char path[4200], text[512];
	snprintf(path, sizeof path, "%s/.spool", dir);
	mkdir(path, 0755);
	snprintf(path, sizeof path, "%s/.spool/attempts", dir);
	mkdir(path, 0755);
	for (int i = 1; i <= n; i++) {
		snprintf(path, sizeof path, "%s/.spool/attempts/task_%06d.1.json", dir, i);
		write_file(path, "{\n  \"number\" : 1,\n  \"outcome\" : \"DONE\",\n  \"agent\" : \"agent_a\",\n"
				"  \"started_at\" : \"2026-01-01T00:00:01Z\",\n  \"finished_at\" : \"2026-01-01T00:00:02Z\"\n}", 0);
		snprintf(path, sizeof path, "%s/tasks/task_%06d_done.md", dir, i);
		snprintf(text, sizeof text, "---\ntitle: \"old %d\"\ncreated_at: \"2026-01-01T00:00:00Z\"\n---\n\nOld task %d.\n", i, i);
		write_file(path, text, 0);
		snprintf(path, sizeof path, "%s/outputs/task_%06d_result.md", dir, i);
		snprintf(text, sizeof text, "---\nagent: agent_a\nstarted_at: 2026-01-01T00:00:01Z\nfinished_at: 2026-01-01T00:00:02Z\n---\n\nAnswer %d.\n", i);
		write_file(path, text, 0);
	}
	printf("%d\n", n);
	return 0;
}

int main(int argc, char **argv) {
	if (argc >= 8 && !strcmp(argv[1], "pickup")) return cmd_pickup(argv + 2);
	if (argc >= 8 && !strcmp(argv[1], "pickup-in-place")) return in_place = 1, cmd_pickup(argv + 2);
	if (argc >= 7 && !strcmp(argv[1], "pickup-api")) return cmd_pickup_api(argv + 2);
	if (argc >= 7 && !strcmp(argv[1], "throughput")) return cmd_throughput(argv + 2);
	if (argc >= 5 && !strcmp(argv[1], "floor")) return cmd_floor(argv + 2);
	if (argc >= 5 && !strcmp(argv[1], "get")) return cmd_get(argv + 2);
	if (argc >= 4 && !strcmp(argv[1], "prefill")) return cmd_prefill(argv + 2);
	fprintf(stderr, "usage: benchtool pickup|pickup-in-place|pickup-api|throughput|floor|get ...\n");
	return 2;
}
