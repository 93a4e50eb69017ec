/* The engine process: its runtime folder and lock, the listening socket with
 * the peer's uid checked, client connections read a line at a time and
 * written without blocking, and signals turned into loop events. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "engine-int.h"
#include "whittle/engine.h"
#include "whittle/file.h"

#define READ_CHUNK 65536

static int check_dir(const char *dir, struct wh_error *err)
{
	struct stat st;

	if (lstat(dir, &st) < 0)
		return wh_error_sys(err, dir, errno, "cannot use the engine folder");
	if (!S_ISDIR(st.st_mode))
		return wh_error_set(err, dir, 0, "the engine folder is not a folder");
	if (st.st_uid != geteuid())
		return wh_error_set(err, dir, 0,
		    "the engine folder is owned by uid %u, not by you (uid %u): refusing it",
		    (unsigned)st.st_uid, (unsigned)geteuid());
	if (st.st_mode & 077)
		return wh_error_set(err, dir, 0,
		    "the engine folder is open to other users (mode %03o): refusing it",
		    (unsigned)(st.st_mode & 0777));
	return 0;
}

int
wh_engine_runtime_dir(char **dir, bool create, struct wh_error *err)
{
	const char *xdg = getenv("XDG_RUNTIME_DIR");
	struct wh_buf b = {0};

	if (xdg != NULL && xdg[0] == '/')
		wh_buf_printf(&b, "%s/whittle", xdg);
	else
		wh_buf_printf(&b, "/tmp/whittle-%u", (unsigned)geteuid());
	*dir = wh_buf_take(&b);
	if (create && mkdir(*dir, 0700) < 0 && errno != EEXIST &&
	    wh_mkdirs(*dir, err) < 0)
		goto fail;
	if (!create && access(*dir, F_OK) < 0 && errno == ENOENT)
		return wh_error_set(err, *dir, 0, "no engine runs (no such folder)") * 2;
	if (check_dir(*dir, err) == 0)
		return 0;
fail:
	free(*dir);
	*dir = NULL;
	return -1;
}

char *
wh_engine_socket_path(const char *dir)
{
	struct wh_buf b = {0};

	wh_buf_printf(&b, "%s/engine.sock", dir);
	return wh_buf_take(&b);
}

/* Hold dir/engine.lock (with our pid in it) for the engine's lifetime. */
static int
take_lock(struct engine *e, const char *dir, struct wh_error *err)
{
	struct wh_buf path = {0};
	char pid[32] = "";
	int fd;

	wh_buf_printf(&path, "%s/engine.lock", dir);
	fd = open(path.data, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	if (fd < 0) {
		wh_error_sys(err, path.data, errno, "cannot open the engine lock");
		wh_buf_free(&path);
		return -1;
	}
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		ssize_t n = pread(fd, pid, sizeof pid - 1, 0);
		pid[n > 0 ? n : 0] = '\0';
		pid[strcspn(pid, "\n")] = '\0';
		wh_error_set(err, NULL, 0, "an engine is already running (pid %s) on %s",
		    pid[0] ? pid : "?", e->sock);
		close(fd);
		wh_buf_free(&path);
		return -1;
	}
	snprintf(pid, sizeof pid, "%ld\n", (long)getpid());
	if (ftruncate(fd, 0) < 0 || pwrite(fd, pid, strlen(pid), 0) < 0) {
		wh_error_sys(err, path.data, errno, "cannot write the engine lock");
		close(fd);
		wh_buf_free(&path);
		return -1;
	}
	wh_buf_free(&path);
	e->lock_fd = fd;
	return 0;
}

static int
listen_on(struct engine *e, struct wh_error *err)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };
	int fd;

	if (strlen(e->sock) >= sizeof sa.sun_path)
		return wh_error_set(err, e->sock, 0,
		    "the socket path is too long for a Unix socket (set XDG_RUNTIME_DIR shorter)");
	memcpy(sa.sun_path, e->sock, strlen(e->sock) + 1);
	unlink(e->sock);	/* left by an engine that died: we hold the lock */
	fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	if (fd < 0)
		return wh_error_sys(err, NULL, errno, "cannot make a socket");
	if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || chmod(e->sock, 0600) < 0 ||
	    listen(fd, 64) < 0) {
		wh_error_sys(err, e->sock, errno, "cannot listen");
		close(fd);
		return -1;
	}
	e->listen_fd = fd;
	return 0;
}

static void
client_close(struct client *c)
{
	struct engine *e = c->eng;

	for (struct client **p = &e->clients; *p; p = &(*p)->next)
		if (*p == c) {
			*p = c->next;
			break;
		}
	wh_loop_unwatch(e->loop, c->fd);
	close(c->fd);
	wh_engine_free_subs(c);
	wh_buf_free(&c->in);
	wh_buf_free(&c->out);
	free(c);
}

void
wh_engine_client_kick(struct client *c)
{
	wh_loop_mask(c->eng->loop, c->fd, (c->eof ? 0 : WH_LOOP_READ) | WH_LOOP_WRITE);
}

/* Write what is buffered; when all of it is out, refill from subscriptions. */
static void
client_flush(struct client *c)
{
	while (c->out_off < c->out.len) {
		ssize_t n = write(c->fd, c->out.data + c->out_off, c->out.len - c->out_off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno == EAGAIN)
			break;
		if (n <= 0) {
			client_close(c);
			return;
		}
		c->out_off += (size_t)n;
		if (c->out_off == c->out.len) {
			wh_buf_clear(&c->out);
			c->out_off = 0;
			wh_engine_pump(c);
		}
	}
	if (c->out.len == 0 && c->eof && c->subs == NULL) {
		client_close(c);
		return;
	}
	wh_loop_mask(c->eng->loop, c->fd, (c->eof ? 0 : WH_LOOP_READ) |
	    (c->out.len ? WH_LOOP_WRITE : 0));
}

/* Hand each whole line to dispatch; a line over the limit gets one error
 * and is skipped to its end. */
static void
take_lines(struct client *c)
{
	char *p = c->in.data, *end = p + c->in.len, *nl;

	if (c->refused)
		p = end;
	while ((nl = memchr(p, '\n', (size_t)(end - p))) != NULL) {
		if (!c->skipping)
			wh_engine_dispatch(c, p, (size_t)(nl - p));
		c->skipping = false;
		p = nl + 1;
	}
	if (end - p > WH_ENGINE_LINE_MAX) {
		if (!c->skipping)
			wh_engine_proto_error(&c->out, NULL, "line-too-long",
			    "a request line may be at most 1 MiB; skipped to its end");
		c->skipping = true;
		p = end;
	}
	memmove(c->in.data, p, (size_t)(end - p));
	c->in.len = (size_t)(end - p);
}

static void
client_event(struct wh_loop *l, int fd, int ready, void *arg)
{
	struct client *c = arg;
	(void)l;
	(void)fd;

	if (ready & WH_LOOP_READ) {
		wh_buf_reserve(&c->in, READ_CHUNK);
		ssize_t n = read(c->fd, c->in.data + c->in.len, READ_CHUNK);
		if (n < 0 && errno != EAGAIN && errno != EINTR) {
			client_close(c);
			return;
		}
		if (n == 0)
			c->eof = true;	/* it may still wait for replies and events */
		if (n > 0) {
			c->in.len += (size_t)n;
			take_lines(c);
		}
	}
	client_flush(c);
}

static struct client *
client_add(struct engine *e, int fd)
{
	struct client *c = wh_xcalloc(1, sizeof *c);

	c->eng = e;
	c->fd = fd;
	if (wh_loop_watch(e->loop, fd, WH_LOOP_READ, client_event, c) < 0) {
		close(fd);
		free(c);
		return NULL;
	}
	c->next = e->clients;
	e->clients = c;
	return c;
}

/* Tell a peer of another uid why, and read what it sends until it hangs up
 * (closing with its bytes unread could reset the connection before it
 * reads the reason). */
static void
refuse(struct client *c, unsigned uid)
{
	char msg[128];

	snprintf(msg, sizeof msg, "uid %u may not use the engine of uid %u",
	    uid, (unsigned)geteuid());
	wh_engine_proto_error(&c->out, NULL, "forbidden", msg);
	c->refused = true;
	wh_engine_client_kick(c);
}

static void
accept_event(struct wh_loop *l, int fd, int ready, void *arg)
{
	struct engine *e = arg;
	struct ucred cred;
	socklen_t len = sizeof cred;
	(void)l;
	(void)ready;

	for (int i = 0; i < 16; i++) {
		int c = accept4(fd, NULL, NULL, SOCK_CLOEXEC | SOCK_NONBLOCK);
		if (c < 0)
			return;
		if (getsockopt(c, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0)
			cred.uid = (uid_t)-1;
		struct client *cl = client_add(e, c);
		if (cl != NULL && cred.uid != geteuid())
			refuse(cl, (unsigned)cred.uid);
	}
}

void
wh_engine_broadcast_state(struct engine *e, const struct wh_run *r)
{
	for (struct client *c = e->clients, *next; c; c = next) {
		next = c->next;
		for (struct sub *s = c->subs; s; s = s->next) {
			if (strcmp(s->run, r->id) != 0)
				continue;
			cJSON *o = cJSON_CreateObject();
			cJSON_AddNumberToObject(o, "v", WH_ENGINE_PROTOCOL);
			cJSON_AddStringToObject(o, "event", "state");
			cJSON_AddStringToObject(o, "run", r->id);
			cJSON_AddStringToObject(o, "state", wh_runs_state_name(r->state));
			wh_engine_proto_put(&c->out, o);
			wh_engine_client_kick(c);
			break;
		}
	}
}

/* Signals: written to a pipe by the handler, read by the loop. */
static int sig_write_fd = -1;

static void
on_signal(int sig)
{
	unsigned char b = (unsigned char)sig;
	int saved = errno;

	if (write(sig_write_fd, &b, 1) < 0)
		(void)0;
	errno = saved;
}

static void
signal_event(struct wh_loop *l, int fd, int ready, void *arg)
{
	struct engine *e = arg;
	unsigned char sigs[64];
	ssize_t n = read(fd, sigs, sizeof sigs);
	(void)ready;

	for (ssize_t i = 0; i < n; i++)
		if (sigs[i] == SIGTERM || sigs[i] == SIGINT || sigs[i] == SIGHUP)
			wh_loop_stop(l);
	wh_engine_schedule(e);	/* SIGCHLD: reap, start what is queued */
}

static int
setup_signals(struct engine *e, struct wh_error *err)
{
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	if (pipe2(e->sig_fd, O_CLOEXEC | O_NONBLOCK) < 0)
		return wh_error_sys(err, NULL, errno, "cannot make a pipe");
	sig_write_fd = e->sig_fd[1];
	sigemptyset(&sa.sa_mask);
	sigaction(SIGCHLD, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGHUP, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	wh_loop_watch(e->loop, e->sig_fd[0], WH_LOOP_READ, signal_event, e);
	return 0;
}

static void
report_ready(int fd, const struct wh_error *err)
{
	char msg[1200];

	if (fd < 0)
		return;
	if (err == NULL)
		snprintf(msg, sizeof msg, "ok\n");
	else
		wh_error_format(err, msg, sizeof msg);
	if (write(fd, msg, strlen(msg)) < 0)
		(void)0;
	close(fd);
}

static int
engine_open(struct engine *e, const struct wh_engine_options *o, struct wh_error *err)
{
	char *dir;

	e->listen_fd = e->lock_fd = e->sig_fd[0] = e->sig_fd[1] = -1;
	e->max_jobs = o->max_jobs < 1 ? 1 : o->max_jobs > WH_ENGINE_MAX_JOBS ?
	    WH_ENGINE_MAX_JOBS : o->max_jobs;
	e->check = o->check;
	e->root = wh_runs_root();
	if (wh_engine_runtime_dir(&dir, true, err) < 0)
		return -1;
	e->sock = wh_engine_socket_path(dir);
	int rc = take_lock(e, dir, err);
	free(dir);
	if (rc < 0 || wh_mkdirs(e->root, err) < 0 || wh_runs_recover(e->root, err) < 0 ||
	    listen_on(e, err) < 0)
		return -1;
	e->loop = wh_loop_new();
	wh_loop_watch(e->loop, e->listen_fd, WH_LOOP_READ, accept_event, e);
	if (setup_signals(e, err) < 0)
		return -1;
	return wh_engine_restore(e, err);
}

/* Clients are closed last: one that asked for the shutdown sees its
 * connection end only once the socket is gone and the lock is free. */
static void
engine_close(struct engine *e)
{
	if (e->listen_fd >= 0) {
		unlink(e->sock);
		close(e->listen_fd);
	}
	wh_engine_free_jobs(e);
	if (e->lock_fd >= 0)
		close(e->lock_fd);
	while (e->clients)
		client_close(e->clients);
	for (int i = 0; i < 2; i++)
		if (e->sig_fd[i] >= 0)
			close(e->sig_fd[i]);
	sig_write_fd = -1;
	wh_loop_free(e->loop);
	free(e->root);
	free(e->sock);
}

int
wh_engine_serve(const struct wh_engine_options *o, int ready_fd,
    struct wh_error *err)
{
	struct engine e = {0};
	int rc = engine_open(&e, o, err);

	report_ready(ready_fd, rc < 0 ? err : NULL);
	if (rc == 0) {
		rc = wh_loop_run(e.loop);
		if (rc < 0)
			wh_error_sys(err, NULL, errno, "the engine loop failed");
		wh_engine_stop_jobs(&e);
	}
	engine_close(&e);
	return rc;
}

/* In the daemon: detach from the terminal and serve. */
static void
daemon_main(const struct wh_engine_options *o, int ready_fd)
{
	struct wh_error err;
	int null = open("/dev/null", O_RDWR);

	setsid();
	if (chdir("/") < 0)
		_exit(1);
	if (null >= 0) {
		dup2(null, 0);
		dup2(null, 1);
		dup2(null, 2);
		if (null > 2)
			close(null);
	}
	_exit(wh_engine_serve(o, ready_fd, &err) == 0 ? 0 : 1);
}

pid_t
wh_engine_start(const struct wh_engine_options *o, struct wh_error *err)
{
	char msg[1200];
	int p[2];
	pid_t pid;
	ssize_t n, got = 0;

	if (pipe2(p, O_CLOEXEC) < 0)
		return wh_error_sys(err, NULL, errno, "cannot make a pipe");
	pid = fork();
	if (pid < 0)
		return wh_error_sys(err, NULL, errno, "cannot fork");
	if (pid == 0) {
		close(p[0]);
		daemon_main(o, p[1]);
	}
	close(p[1]);
	while (got < (ssize_t)sizeof msg - 1 &&
	    (n = read(p[0], msg + got, sizeof msg - 1 - (size_t)got)) != 0)
		if (n > 0)
			got += n;
		else if (errno != EINTR)
			break;
	close(p[0]);
	msg[got] = '\0';
	if (strcmp(msg, "ok\n") == 0)
		return pid;
	return wh_error_set(err, NULL, 0, "%s", got ? msg : "the engine exited at start");
}
