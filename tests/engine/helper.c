/* Helper of the engine's shell tests:
 *   helper write N RATE     print N metric lines (step 1..N) at RATE a second
 *   helper resume RUN K     subscribe, hang up after K points, resubscribe
 *                           from the last seq; check the seqs run 1..end with
 *                           no gap and no repeat; print how many
 *   helper abuse            send garbage, cut, huge and wrong-typed requests;
 *                           check each gets its error and the engine answers
 *   helper raw SOCKET       connect to SOCKET with no checks of its folder,
 *                           say hello and print the reply (an uid test) */
#include <errno.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "whittle/engine-client.h"

static int failures;

#define EXPECT(cond, ...) do { \
	if (!(cond)) { \
		fprintf(stderr, "helper:%d: ", __LINE__); \
		fprintf(stderr, __VA_ARGS__); \
		fputc('\n', stderr); \
		failures++; \
	} \
} while (0)

static void
sleep_until(double t)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	double d = t - (now.tv_sec + now.tv_nsec / 1e9);
	if (d > 0)
		nanosleep(&(struct timespec){ (time_t)d, (long)((d - (time_t)d) * 1e9) }, NULL);
}

static int
write_points(long n, long rate)
{
	struct timespec t0;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	setvbuf(stdout, NULL, _IOFBF, 1 << 16);
	for (long i = 1; i <= n; i++) {
		printf("{\"step\": %ld, \"name\": \"m\", \"value\": %ld}\n", i, i * 7);
		if (i % (rate / 100 > 0 ? rate / 100 : 1) == 0) {
			fflush(stdout);
			sleep_until(t0.tv_sec + t0.tv_nsec / 1e9 + (double)i / rate);
		}
	}
	fflush(stdout);
	return 0;
}

static void
connect_or_die(struct wh_engine_conn *c)
{
	struct wh_error err;

	if (wh_engine_connect(c, "", NULL, &err) < 0) {
		fprintf(stderr, "helper: %s\n", err.msg);
		exit(1);
	}
}

static void
subscribe(struct wh_engine_conn *c, const char *run, double from)
{
	struct wh_error err;
	cJSON *req = wh_engine_request("subscribe"), *reply;

	cJSON_AddStringToObject(req, "run", run);
	cJSON_AddNumberToObject(req, "from", from);
	if (wh_engine_call(c, req, &reply, &err) < 0) {
		fprintf(stderr, "helper: subscribe: %s\n", err.msg);
		exit(1);
	}
	cJSON_Delete(reply);
}

/* Read events; checks each seq is last + 1. Returns 1 at the run's end,
 * 0 after `stop_after` points. */
static int
read_points(struct wh_engine_conn *c, double *last, long stop_after)
{
	struct wh_error err;
	cJSON *msg;

	for (long n = 0; stop_after < 0 || n < stop_after;) {
		if (wh_engine_recv(c, &msg, 60000, &err) != 1) {
			EXPECT(0, "no event within 60 s: %s", err.msg);
			return 1;
		}
		const char *ev = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(msg, "event"));
		const cJSON *seq = cJSON_GetObjectItemCaseSensitive(msg, "seq");
		if (ev && strcmp(ev, "metric") == 0) {
			EXPECT(seq->valuedouble == *last + 1, "seq %.0f after %.0f", seq->valuedouble, *last);
			*last = seq->valuedouble;
			n++;
		}
		int end = ev && strcmp(ev, "end") == 0;
		if (end)
			EXPECT(seq->valuedouble == *last, "end at seq %.0f, last point %.0f",
			    seq->valuedouble, *last);
		cJSON_Delete(msg);
		if (end)
			return 1;
	}
	return 0;
}

static int
resume(const char *run, long k)
{
	struct wh_engine_conn c;
	double last = 0;
	int hangups = 0;

	for (int done = 0; !done; hangups++) {
		connect_or_die(&c);
		subscribe(&c, run, last);
		done = read_points(&c, &last, k);
		wh_engine_close(&c);	/* mid-stream: events may be in flight */
	}
	printf("%.0f %d\n", last, hangups);
	return failures ? 1 : 0;
}

/* Send raw bytes and expect an error reply with code (NULL: none at all). */
static void
expect_error(const char *bytes, size_t len, const char *code)
{
	struct wh_engine_conn c;
	struct wh_error err;
	cJSON *msg;

	connect_or_die(&c);
	EXPECT(write(c.wfd, bytes, len) == (ssize_t)len, "write");
	if (wh_engine_recv(&c, &msg, 10000, &err) != 1) {
		EXPECT(0, "no reply to %.40s: %s", bytes, err.msg);
	} else {
		const cJSON *e = cJSON_GetObjectItemCaseSensitive(msg, "error");
		const char *got = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "code"));
		EXPECT(got && strcmp(got, code) == 0, "%.60s: got %s, want %s", bytes,
		    got ? got : "(ok)", code);
		cJSON_Delete(msg);
	}
	wh_engine_close(&c);
}

static void
huge_line(size_t total)
{
	struct wh_engine_conn c;
	struct wh_error err;
	char *chunk = malloc(1 << 20);
	cJSON *msg, *reply;

	connect_or_die(&c);
	memset(chunk, 'x', 1 << 20);
	memcpy(chunk, "{\"v\":1,\"id\":9,\"op\":\"hello\",\"pad\":\"", 35);
	for (size_t sent = 0; sent < total; sent += 1 << 20)
		if (write(c.wfd, chunk, 1 << 20) != 1 << 20) {
			EXPECT(0, "write: %s", strerror(errno));
			break;
		}
	EXPECT(write(c.wfd, "\"}\n", 3) == 3, "write");
	free(chunk);
	EXPECT(wh_engine_recv(&c, &msg, 30000, &err) == 1, "no reply to the huge line");
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(msg, "error");
	const char *code = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(e, "code"));
	EXPECT(code && strcmp(code, "line-too-long") == 0, "huge line: %s", code ? code : "(ok)");
	cJSON_Delete(msg);
	/* The same connection still serves. */
	EXPECT(wh_engine_call(&c, wh_engine_request("hello"), &reply, &err) == 0,
	    "hello after the huge line: %s", err.msg);
	cJSON_Delete(reply);
	wh_engine_close(&c);
}

static void
deep(void)
{
	size_t n = 200000;
	char *s = malloc(2 * n + 2);

	memset(s, '[', n);
	memset(s + n, ']', n);
	s[2 * n] = '\n';
	expect_error(s, 2 * n + 1, "bad-json");
	free(s);
}

static int
abuse(void)
{
	static const struct { const char *line, *code; } cases[] = {
		{ "garbage\n", "bad-json" },
		{ "\x01\x02\xff\xfe\n", "bad-json" },
		{ "{\"v\":1,\"id\":1,\"op\":\"hello\"\n", "bad-json" },
		{ "[1,2,3]\n", "bad-request" },
		{ "\"hello\"\n", "bad-request" },
		{ "{}\n", "bad-version" },
		{ "{\"v\":2,\"id\":1,\"op\":\"hello\"}\n", "bad-version" },
		{ "{\"v\":\"1\",\"id\":1,\"op\":\"hello\"}\n", "bad-version" },
		{ "{\"v\":1,\"id\":1,\"op\":7}\n", "bad-request" },
		{ "{\"v\":1,\"id\":1,\"op\":\"fly\"}\n", "unknown-op" },
		{ "{\"v\":1,\"id\":1,\"op\":\"subscribe\",\"run\":42}\n", "bad-request" },
		{ "{\"v\":1,\"id\":1,\"op\":\"subscribe\",\"run\":\"../../etc\"}\n", "bad-request" },
		{ "{\"v\":1,\"id\":1,\"op\":\"subscribe\",\"run\":\"nosuchrun\"}\n", "no-run" },
		{ "{\"v\":1,\"id\":1,\"op\":\"history\",\"run\":\"x\",\"from\":-1}\n", "bad-request" },
		{ "{\"v\":1,\"id\":1,\"op\":\"history\",\"run\":\"x\",\"from\":1e300}\n", "bad-request" },
		{ "{\"v\":1,\"id\":1,\"op\":\"submit\",\"job\":[]}\n", "bad-request" },
		{ "{\"v\":1,\"id\":1,\"op\":\"submit\",\"job\":{}}\n", "bad-job" },
		{ "{\"v\":1,\"id\":1,\"op\":\"submit\",\"job\":{\"backend\":\"gpu\"}}\n", "bad-job" },
		{ "{\"v\":1,\"id\":1,\"op\":\"submit\",\"job\":{\"backend\":\"exec\",\"argv\":\"ls\"}}\n", "bad-job" },
		{ "{\"v\":1,\"id\":1,\"op\":\"submit\",\"job\":{\"backend\":\"exec\",\"argv\":[]}}\n", "bad-job" },
		{ "{\"v\":1,\"id\":1,\"op\":\"submit\",\"job\":{\"backend\":\"exec\",\"argv\":[\"true\"],\"cwd\":\"rel\"}}\n", "bad-job" },
		{ "{\"v\":1,\"id\":1,\"op\":\"cancel\",\"run\":\"nosuchrun\"}\n", "no-run" },
	};
	struct wh_engine_conn c;
	struct wh_error err;
	cJSON *reply;

	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
		expect_error(cases[i].line, strlen(cases[i].line), cases[i].code);
	deep();
	huge_line((size_t)100 << 20);
	/* Cut short: a connection that sends half a line and hangs up. */
	connect_or_die(&c);
	EXPECT(write(c.wfd, "{\"v\":1,\"op\":", 12) == 12, "write");
	wh_engine_close(&c);
	/* Many connections at once that never say anything. */
	struct wh_engine_conn idle[64];
	for (int i = 0; i < 64; i++)
		connect_or_die(&idle[i]);
	connect_or_die(&c);
	EXPECT(wh_engine_call(&c, wh_engine_request("runs"), &reply, &err) == 0,
	    "runs after the abuse: %s", err.msg);
	cJSON_Delete(reply);
	wh_engine_close(&c);
	for (int i = 0; i < 64; i++)
		wh_engine_close(&idle[i]);
	return failures ? 1 : 0;
}

static int
raw(const char *path)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	struct wh_engine_conn c = { .rfd = -1, .wfd = -1 };
	struct wh_error err;
	const char *hello = "{\"v\":1,\"id\":1,\"op\":\"hello\"}\n";
	cJSON *msg;

	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	c.rfd = c.wfd = socket(AF_UNIX, SOCK_STREAM, 0);
	if (connect(c.rfd, (struct sockaddr *)&sa, sizeof sa) < 0) {
		perror(path);
		return 1;
	}
	if (write(c.wfd, hello, strlen(hello)) < 0)
		perror("helper: write");
	int r = wh_engine_recv(&c, &msg, 10000, &err);
	if (r != 1) {
		fprintf(stderr, "helper: no reply: %s\n", r == 0 ? "timeout" : err.msg);
		return 1;
	}
	char *s = cJSON_PrintUnformatted(msg);
	printf("%s\n", s);
	free(s);
	cJSON_Delete(msg);
	wh_engine_close(&c);
	return 0;
}

int
main(int argc, char **argv)
{
	signal(SIGPIPE, SIG_IGN);
	if (argc == 4 && strcmp(argv[1], "write") == 0)
		return write_points(atol(argv[2]), atol(argv[3]));
	if (argc == 4 && strcmp(argv[1], "resume") == 0)
		return resume(argv[2], atol(argv[3]));
	if (argc == 2 && strcmp(argv[1], "abuse") == 0)
		return abuse();
	if (argc == 3 && strcmp(argv[1], "raw") == 0)
		return raw(argv[2]);
	fprintf(stderr, "usage: helper write N RATE | resume RUN K | abuse | raw SOCKET\n");
	return 2;
}
