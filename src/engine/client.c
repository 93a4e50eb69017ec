/* The engine's client side: connecting (to the socket, starting the engine
 * when asked, or through ssh), and requests, replies and events as JSON
 * lines. Used by the CLI commands and, later, the TUI. */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "config.h"
#include "whittle/engine-client.h"
#include "whittle/engine-proto.h"
#include "whittle/engine.h"

#define START_WAIT_MS 10000
#define HINT "`whittle runs`"

static int
try_socket(struct wh_engine_conn *c, struct wh_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	char *dir, *path;
	int fd, e, rc;

	if ((rc = wh_engine_runtime_dir(&dir, false, err)) < 0) {
		free(dir);
		return rc;
	}
	path = wh_engine_socket_path(dir);
	free(dir);
	snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && connect(fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
		c->rfd = c->wfd = fd;
		free(path);
		return 0;
	}
	e = errno;
	if (fd >= 0)
		close(fd);
	wh_error_sys(err, path, e, "no engine answers");
	free(path);
	return e == ENOENT || e == ECONNREFUSED ? -2 : -1;
}

/* Run `exe engine start` and wait for it. */
static void
start_engine(const char *exe)
{
	pid_t pid = fork();
	int status;

	if (pid == 0) {
		int null = open("/dev/null", O_RDWR);
		dup2(null, 1);
		dup2(null, 2);
		execl(exe, exe, "engine", "start", (char *)NULL);
		_exit(127);
	}
	if (pid > 0)
		while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
			;
}

int
wh_engine_connect_raw(struct wh_engine_conn *c, const char *start_exe,
    struct wh_error *err)
{
	int rc;

	memset(c, 0, sizeof *c);
	c->rfd = c->wfd = c->errfd = -1;
	if ((rc = try_socket(c, err)) != -2 || start_exe == NULL)
		return rc;
	start_engine(start_exe);
	/* Another client may be starting it too: retry for a while. */
	for (int i = 0; i < START_WAIT_MS / 50; i++) {
		if ((rc = try_socket(c, err)) != -2)
			return rc;
		nanosleep(&(struct timespec){ 0, 50 * 1000000 }, NULL);
	}
	return rc;
}

static bool ssh_quiet;	/* see wh_engine_ssh_quiet */

void
wh_engine_ssh_quiet(void)
{
	ssh_quiet = true;
}

/* A file that is gone from its folder, to keep what ssh writes on stderr
 * (its own errors and the remote command's) when asked to; -1 when not, or
 * when none can be made. */
static int
stderr_file(void)
{
	const char *dir = getenv("TMPDIR");
	struct wh_buf path = { 0 };
	int fd;

	if (!ssh_quiet)
		return -1;
	wh_buf_printf(&path, "%s/whittle-ssh-XXXXXX", dir && dir[0] ? dir : "/tmp");
	fd = mkostemp(path.data, O_CLOEXEC);
	if (fd >= 0)
		unlink(path.data);
	wh_buf_free(&path);
	return fd;
}

/* connect_ssh could not start ssh: close what it made (fds: its three
 * pipes, -1 where not made) and say what failed. */
static int
ssh_not_started(struct wh_engine_conn *c, const int fds[6], const char *what,
    struct wh_error *err)
{
	int e = errno;

	for (int k = 0; k < 6; k++)
		if (fds[k] >= 0)
			close(fds[k]);
	if (c->errfd >= 0)
		close(c->errfd);
	c->errfd = -1;
	c->child = 0;
	return wh_error_sys(err, NULL, e, "%s", what);
}

static int
connect_ssh(struct wh_engine_conn *c, const char *host, struct wh_error *err)
{
	int fds[6] = { -1, -1, -1, -1, -1, -1 }, *to = fds, *from = fds + 2, *ex = fds + 4;
	int e;

	memset(c, 0, sizeof *c);
	c->rfd = c->wfd = c->errfd = -1;	/* nothing to close (not fd 0) */
	if (pipe2(to, O_CLOEXEC) < 0 || pipe2(from, O_CLOEXEC) < 0 ||
	    pipe2(ex, O_CLOEXEC) < 0)
		return ssh_not_started(c, fds, "cannot make a pipe", err);
	c->errfd = stderr_file();
	if ((c->child = fork()) < 0)
		return ssh_not_started(c, fds, "cannot fork", err);
	c->host = wh_xstrdup(host);
	if (c->child == 0) {
		dup2(to[0], 0);
		dup2(from[1], 1);
		if (c->errfd >= 0)
			dup2(c->errfd, 2);
		/* Keepalives make ssh end (status 255) within 45 s of a link
		 * that went dead, rather than wait on it for hours. */
		const char *argv[16];
		int n = 0;
		argv[n++] = "ssh";
		argv[n++] = "-T";
		argv[n++] = "-o";
		argv[n++] = "ServerAliveInterval=15";
		argv[n++] = "-o";
		argv[n++] = "ServerAliveCountMax=3";
		if (ssh_quiet) {	/* no terminal to ask on */
			argv[n++] = "-o";
			argv[n++] = "BatchMode=yes";
		}
		argv[n++] = "--";
		argv[n++] = host;
		argv[n++] = "whittle";
		argv[n++] = "engine";
		argv[n++] = "connect";
		argv[n] = NULL;
		execvp("ssh", (char *const *)argv);
		e = errno;
		if (write(ex[1], &e, sizeof e) < 0)
			_exit(126);
		_exit(127);
	}
	close(to[0]);
	close(from[1]);
	close(ex[1]);
	c->wfd = to[1];
	c->rfd = from[0];
	/* ex ends empty once ssh runs, or brings why it could not. */
	ssize_t n;
	while ((n = read(ex[0], &e, sizeof e)) < 0 && errno == EINTR)
		;
	close(ex[0]);
	if (n == sizeof e) {
		waitpid(c->child, NULL, 0);
		c->child = 0;
		wh_engine_close(c);
		return wh_error_sys(err, NULL, e, "cannot run ssh");
	}
	return 0;
}

/* The last line ssh wrote on stderr, as ": LINE", or "" (into buf): when
 * its stderr is kept; else it is on this process's stderr already. */
static const char *
ssh_said(const struct wh_engine_conn *c, char *buf, size_t size)
{
	off_t end = c->errfd >= 0 ? lseek(c->errfd, 0, SEEK_END) : -1;
	char tail[512], *line;
	ssize_t n;

	buf[0] = '\0';
	if (end <= 0)
		return buf;
	n = pread(c->errfd, tail, sizeof tail - 1, end > (off_t)sizeof tail - 1 ?
	    end - (off_t)sizeof tail + 1 : 0);
	if (n <= 0)
		return buf;
	while (n > 0 && (tail[n - 1] == '\n' || tail[n - 1] == '\r'))
		n--;
	tail[n] = '\0';
	line = strrchr(tail, '\n');
	line = line ? line + 1 : tail;
	if (line[0])
		snprintf(buf, size, ": %.*s", (int)size - 3, line);
	return buf;
}

/* The ssh connection has ended: reap ssh (waiting up to 2 s) and say what
 * its exit status tells, with the last line it wrote, and what to do. */
static int
ssh_ended(struct wh_engine_conn *c, struct wh_error *err)
{
	const char *h = c->host;
	char said[240];
	int status, i;
	pid_t r = 0;

	for (i = 0; i < 40 && (r = waitpid(c->child, &status, WNOHANG)) == 0; i++)
		nanosleep(&(struct timespec){ 0, 50 * 1000000 }, NULL);
	ssh_said(c, said, sizeof said);
	if (r != c->child)
		return wh_error_set(err, NULL, 0, "the connection to ssh:%s ended%s", h, said);
	c->child = 0;
	c->lost = WIFSIGNALED(status) || WEXITSTATUS(status) == 255;
	if (WIFSIGNALED(status))
		return wh_error_set(err, NULL, 0, "the connection to ssh:%s was lost "
		    "(ssh killed by signal %d)", h, WTERMSIG(status));
	switch (WEXITSTATUS(status)) {
	case 0:
		return wh_error_set(err, NULL, 0, "the engine on %s closed the connection: "
		    "it stopped, or died ('ssh %s whittle engine status' says whether it "
		    "runs)", h, h);
	case 127:
		return wh_error_set(err, NULL, 0, "ssh %s: no whittle on %s's PATH (exit "
		    "status 127%s): install it there, or add its folder to the PATH that "
		    "non-interactive ssh sessions get (ssh %s 'echo $PATH' shows it)",
		    h, h, said, h);
	case 255:
		return wh_error_set(err, NULL, 0, "ssh %s failed (exit status 255%s): "
		    "check that 'ssh %s true' works", h, said, h);
	default:
		return wh_error_set(err, NULL, 0, "the connection to ssh:%s ended: 'whittle "
		    "engine connect' there exited with status %d%s ('ssh %s whittle "
		    "--version' names the version there)", h, WEXITSTATUS(status), said, h);
	}
}

int
wh_engine_hello_reply(struct wh_engine_conn *c, const cJSON *reply, struct wh_error *err)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(reply, "protocol");

	if (!cJSON_IsNumber(v) || v->valueint != WH_ENGINE_PROTOCOL) {
		const char *version = cJSON_GetStringValue(
		    cJSON_GetObjectItemCaseSensitive(reply, "version"));
		return wh_error_set(err, NULL, 0, "the engine%s%s is whittle %s, protocol %d; "
		    "this is whittle %s, protocol %d: run the same version on both sides",
		    c->host ? " on " : "", c->host ? c->host : "", version ? version : "?",
		    cJSON_IsNumber(v) ? v->valueint : 0, PACKAGE_VERSION, WH_ENGINE_PROTOCOL);
	}
	v = cJSON_GetObjectItemCaseSensitive(reply, "pid");
	c->pid = cJSON_IsNumber(v) ? (long)v->valuedouble : 0;
	v = cJSON_GetObjectItemCaseSensitive(reply, "socket");
	free(c->socket);
	c->socket = wh_xstrdup(cJSON_IsString(v) ? v->valuestring : "");
	return 0;
}

static int
hello(struct wh_engine_conn *c, struct wh_error *err)
{
	cJSON *reply;
	int rc;

	if (wh_engine_call(c, wh_engine_request("hello"), &reply, err) < 0)
		return -1;
	rc = wh_engine_hello_reply(c, reply, err);
	cJSON_Delete(reply);
	return rc;
}

bool
wh_engine_remote(const char *where)
{
	if (where == NULL)
		where = getenv("WHITTLE_ENGINE");
	return where != NULL && where[0] != '\0';
}

/* Connect to where (as wh_engine_connect takes it), without hello. */
static int
connect_where(struct wh_engine_conn *c, const char *where, const char *start_exe,
    struct wh_error *err)
{
	if (where == NULL)
		where = getenv("WHITTLE_ENGINE");
	if (where != NULL && strncmp(where, "ssh:", 4) == 0 && where[4])
		return connect_ssh(c, where + 4, err);
	if (where != NULL && where[0] != '\0') {
		memset(c, 0, sizeof *c);
		c->rfd = c->wfd = c->errfd = -1;
		return wh_error_set(err, NULL, 0,
		    "%s: an engine is \"ssh:HOST\", or nothing for the local one", where);
	}
	return wh_engine_connect_raw(c, start_exe, err);
}

int
wh_engine_connect_start(struct wh_engine_conn *c, const char *where, uint64_t *hello_id,
    struct wh_error *err)
{
	int rc = connect_where(c, where, NULL, err);

	if (rc == 0 && wh_engine_send(c, wh_engine_request("hello"), hello_id, err) < 0) {
		wh_engine_close(c);
		return -1;
	}
	return rc;
}

int
wh_engine_connect(struct wh_engine_conn *c, const char *where,
    const char *start_exe, struct wh_error *err)
{
	int rc = connect_where(c, where, start_exe, err);

	if (rc == 0 && hello(c, err) < 0) {
		bool lost = c->lost;
		wh_engine_close(c);
		c->lost = lost;
		return -1;
	}
	return rc;
}

void
wh_engine_close(struct wh_engine_conn *c)
{
	if (c->rfd >= 0)
		close(c->rfd);
	if (c->wfd >= 0 && c->wfd != c->rfd)
		close(c->wfd);
	if (c->child > 0) {
		kill(c->child, SIGTERM);
		waitpid(c->child, NULL, 0);
	}
	wh_buf_free(&c->in);
	if (c->errfd >= 0)
		close(c->errfd);
	free(c->socket);
	free(c->host);
	memset(c, 0, sizeof *c);
	c->rfd = c->wfd = c->errfd = -1;
}

cJSON *
wh_engine_request(const char *op)
{
	cJSON *o = cJSON_CreateObject();

	cJSON_AddStringToObject(o, "op", op);
	return o;
}

static int
write_all(int fd, const char *p, size_t n, struct wh_error *err)
{
	while (n > 0) {
		ssize_t w = write(fd, p, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return wh_error_sys(err, NULL, errno, "cannot write to the engine");
		p += w;
		n -= (size_t)w;
	}
	return 0;
}

/* Send a request with SIGPIPE blocked in this thread, so that an engine or
 * ssh that has gone is an error that says so, not the silent death of this
 * process; the SIGPIPE the write raised is taken back before unblocking. */
static int
send_request(struct wh_engine_conn *c, cJSON *req, uint64_t id, struct wh_error *err)
{
	sigset_t pipe_set, old;
	char *s;
	int rc;

	cJSON_AddNumberToObject(req, "v", WH_ENGINE_PROTOCOL);
	cJSON_AddNumberToObject(req, "id", (double)id);
	s = cJSON_PrintUnformatted(req);
	cJSON_Delete(req);
	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	rc = write_all(c->wfd, s, strlen(s), err);
	if (rc == 0)
		rc = write_all(c->wfd, "\n", 1, err);
	if (rc < 0)
		sigtimedwait(&pipe_set, NULL, &(struct timespec){ 0, 0 });
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	free(s);
	if (rc < 0 && c->child > 0)
		return ssh_ended(c, err);
	return rc;
}

/* Take one line out of c->in into *msg, if a whole one is there. */
static int
take_line(struct wh_engine_conn *c, cJSON **msg, struct wh_error *err)
{
	char *nl = c->in.len ? memchr(c->in.data, '\n', c->in.len) : NULL;

	if (nl == NULL)
		return 0;
	*msg = cJSON_ParseWithLength(c->in.data, (size_t)(nl - c->in.data));
	size_t rest = c->in.len - (size_t)(nl + 1 - c->in.data);
	memmove(c->in.data, nl + 1, rest);
	c->in.len = rest;
	if (*msg == NULL)
		return wh_error_set(err, NULL, 0, "the engine sent a line that is not JSON");
	return 1;
}

int
wh_engine_recv(struct wh_engine_conn *c, cJSON **msg, int timeout_ms,
    struct wh_error *err)
{
	struct pollfd p = { .fd = c->rfd, .events = POLLIN };
	int r;

	while ((r = take_line(c, msg, err)) == 0) {
		int ready = poll(&p, 1, timeout_ms);
		if (ready < 0 && errno == EINTR)
			continue;
		if (ready == 0)
			return 0;
		wh_buf_reserve(&c->in, 65536);
		ssize_t n = read(c->rfd, c->in.data + c->in.len, 65536);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0 && c->child > 0)
			return ssh_ended(c, err);
		if (n <= 0)
			return wh_error_set(err, NULL, 0, "the engine closed the connection: "
			    "it stopped, or died (`whittle engine status` says whether it runs)");
		c->in.len += (size_t)n;
	}
	return r;
}

static int
reply_error(struct wh_engine_conn *c, const cJSON *reply, struct wh_error *err)
{
	const cJSON *e = cJSON_GetObjectItemCaseSensitive(reply, "error");
	const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
	const cJSON *code = cJSON_GetObjectItemCaseSensitive(e, "code");

	const char *msg = cJSON_IsString(m) ? m->valuestring : "the engine refused the request";
	const char *hint = strstr(msg, HINT);

	snprintf(c->error_code, sizeof c->error_code, "%s",
	    cJSON_IsString(code) ? code->valuestring : "");
	/* The engine's hint names the command for itself: here, with HOST. */
	if (c->host != NULL && hint != NULL)
		return wh_error_set(err, NULL, 0, "%.*s`whittle runs --engine ssh:%s`%s",
		    (int)(hint - msg), msg, c->host, hint + strlen(HINT));
	return wh_error_set(err, NULL, 0, "%s", msg);
}

int
wh_engine_send(struct wh_engine_conn *c, cJSON *req, uint64_t *id,
    struct wh_error *err)
{
	*id = ++c->next_id;
	return send_request(c, req, *id, err);
}

int
wh_engine_reply_to(struct wh_engine_conn *c, const cJSON *msg, uint64_t *id,
    struct wh_error *err)
{
	const cJSON *mid = cJSON_GetObjectItemCaseSensitive(msg, "id");
	const cJSON *ok = cJSON_GetObjectItemCaseSensitive(msg, "ok");

	/* An id-less error is the engine refusing the connection. */
	if (!cJSON_IsNumber(mid) && !cJSON_IsFalse(ok))
		return 0;
	*id = cJSON_IsNumber(mid) ? (uint64_t)mid->valuedouble : 0;
	return cJSON_IsTrue(ok) ? 1 : reply_error(c, msg, err);
}

int
wh_engine_call(struct wh_engine_conn *c, cJSON *req, cJSON **reply,
    struct wh_error *err)
{
	uint64_t id, of;
	cJSON *msg;
	int r;

	if (wh_engine_send(c, req, &id, err) < 0)
		return -1;
	for (;;) {
		if (wh_engine_recv(c, &msg, -1, err) < 0)
			return -1;
		r = wh_engine_reply_to(c, msg, &of, err);
		if (r != 0 && (of == id || of == 0)) {
			if (r > 0) {
				*reply = msg;
				return 0;
			}
			cJSON_Delete(msg);
			return -1;
		}
		cJSON_Delete(msg);
	}
}

/* Move what fd has into to; 0 when from has ended. */
static int
pass(int from, int to, struct wh_error *err)
{
	char buf[65536];
	ssize_t n = read(from, buf, sizeof buf);

	if (n < 0 && (errno == EINTR || errno == EAGAIN))
		return 1;
	if (n <= 0)
		return 0;
	return write_all(to, buf, (size_t)n, err) < 0 ? -1 : 1;
}

int
wh_engine_relay(struct wh_engine_conn *c, int in, int out, struct wh_error *err)
{
	struct pollfd p[2] = { { .fd = in, .events = POLLIN }, { .fd = c->rfd, .events = POLLIN } };

	for (;;) {
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			return wh_error_sys(err, NULL, errno, "poll");
		}
		if (p[0].revents) {
			int r = pass(in, c->wfd, err);
			if (r <= 0) {
				shutdown(c->wfd, SHUT_WR);
				p[0].fd = -1;
			}
		}
		if (p[1].revents) {
			int r = pass(c->rfd, out, err);
			if (r <= 0)
				return r;
		}
	}
}
