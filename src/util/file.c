/* Read-only mappings and atomic writes. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include "whittle/buf.h"
#include "whittle/file.h"

int
wh_map_open(struct wh_map *m, const char *path, struct wh_error *err)
{
	struct stat st;
	int fd;

	memset(m, 0, sizeof *m);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return wh_error_sys(err, path, errno, "cannot open");
	if (fstat(fd, &st) < 0) {
		close(fd);
		return wh_error_sys(err, path, errno, "cannot stat");
	}
	if (S_ISDIR(st.st_mode)) {
		close(fd);
		return wh_error_set(err, path, 0, "is a folder, not a file");
	}
	m->size = (size_t)st.st_size;
	m->mtime_ns = (int64_t)st.st_mtim.tv_sec * 1000000000 + st.st_mtim.tv_nsec;
	m->inode = (int64_t)st.st_ino;
	if (m->size > 0) {
		void *p = mmap(NULL, m->size, PROT_READ, MAP_PRIVATE, fd, 0);
		if (p == MAP_FAILED) {
			close(fd);
			return wh_error_sys(err, path, errno, "cannot map");
		}
		madvise(p, m->size, MADV_SEQUENTIAL);
		m->data = p;
	}
	close(fd);
	return 0;
}

void
wh_map_close(struct wh_map *m)
{
	if (m->data)
		munmap((void *)m->data, m->size);
	memset(m, 0, sizeof *m);
}

int
wh_fsync_dir_of(const char *path, struct wh_error *err)
{
	char *copy = wh_xstrdup(path);
	int fd, rc = 0;

	fd = open(dirname(copy), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0 || fsync(fd) < 0)
		rc = wh_error_sys(err, path, errno, "cannot sync the folder");
	if (fd >= 0)
		close(fd);
	free(copy);
	return rc;
}

/* The temp files being written, for wh_atomic_remove_pending: a slot
 * holds one's name (the wh_atomic's own string) or NULL. */
static _Atomic(char *) pending[16];

static void
pending_add(char *tmp)
{
	for (size_t i = 0; i < sizeof pending / sizeof pending[0]; i++) {
		char *none = NULL;
		if (atomic_compare_exchange_strong(&pending[i], &none, tmp))
			return;
	}
}

static void
pending_drop(const char *tmp)
{
	for (size_t i = 0; tmp && i < sizeof pending / sizeof pending[0]; i++) {
		char *mine = (char *)tmp;
		if (atomic_compare_exchange_strong(&pending[i], &mine, NULL))
			return;
	}
}

void
wh_atomic_remove_pending(void)
{
	for (size_t i = 0; i < sizeof pending / sizeof pending[0]; i++) {
		char *tmp = atomic_load(&pending[i]);
		if (tmp)
			unlink(tmp);
	}
}

int
wh_atomic_open(struct wh_atomic *a, const char *path, struct wh_error *err)
{
	static atomic_uint serial;	/* temp names of this process */
	struct wh_buf tmp = {0};
	struct stat st;
	char *target = NULL;
	int fd;

	memset(a, 0, sizeof *a);
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode)) {
		/* /dev/null, /dev/stdout, a FIFO: written to, never replaced */
		if ((a->fp = fopen(path, "w")) == NULL)
			return wh_error_sys(err, path, errno, "cannot open for writing");
		a->path = wh_xstrdup(path);
		return 0;
	}
	/* A symbolic link stays: the file it names is replaced. */
	if (lstat(path, &st) == 0 && S_ISLNK(st.st_mode))
		target = realpath(path, NULL);
	a->path = target ? target : wh_xstrdup(path);
	/* Not mkstemp: its 0600 would make every new file private; open
	   gives the mode a new file takes under the umask. */
	do {
		wh_buf_clear(&tmp);
		wh_buf_printf(&tmp, "%s.whittle-tmp.%ld.%u", a->path, (long)getpid(),
		    atomic_fetch_add(&serial, 1));
		fd = open(tmp.data, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0666);
	} while (fd < 0 && errno == EEXIST);
	if (fd < 0) {
		int e = errno;
		char *slash = strrchr(a->path, '/');
		wh_buf_free(&tmp);
		if (e == ENOENT && slash) {
			/* the usual cause: -o names a folder not made yet */
			*slash = '\0';
			wh_error_set(err, path, 0, "cannot create a temp file beside it: "
			    "the folder %s does not exist", a->path[0] ? a->path : "/");
		} else
			wh_error_sys(err, path, e, "cannot create a temp file beside it");
		free(a->path);
		a->path = NULL;
		return -1;
	}
	/* Keep the destination's permissions. */
	if (stat(a->path, &st) == 0)
		fchmod(fd, st.st_mode & 07777);
	a->fp = fdopen(fd, "w");
	a->tmp = wh_buf_take(&tmp);
	pending_add(a->tmp);
	setvbuf(a->fp, NULL, _IOFBF, 1 << 20);
	return 0;
}

static void
atomic_release(struct wh_atomic *a)
{
	pending_drop(a->tmp);
	free(a->path);
	free(a->tmp);
	memset(a, 0, sizeof *a);
}

/* Close the compressing stream over the file, if there is one. */
static int
close_filter(struct wh_atomic *a)
{
	int rc = 0;

	if (a->plain) {
		rc = fclose(a->fp);
		a->fp = a->plain;
		a->plain = NULL;
	}
	return rc;
}

void
wh_atomic_abort(struct wh_atomic *a)
{
	close_filter(a);
	if (a->fp)
		fclose(a->fp);
	if (a->tmp)
		unlink(a->tmp);
	atomic_release(a);
}

int
wh_atomic_commit(struct wh_atomic *a, struct wh_error *err)
{
	int e = close_filter(a) != 0 ? (errno ? errno : EIO) : 0;

	if (e == 0 && (fflush(a->fp) != 0 || ferror(a->fp)))
		e = errno ? errno : EIO;
	else if (e == 0 && a->tmp && fsync(fileno(a->fp)) < 0)
		e = errno;
	if (fclose(a->fp) != 0 && e == 0)
		e = errno;
	a->fp = NULL;
	if (a->tmp == NULL) {	/* written in place */
		if (e != 0)
			wh_error_sys(err, a->path, e, "cannot write");
		atomic_release(a);
		return e ? -1 : 0;
	}
	if (e == 0 && rename(a->tmp, a->path) < 0)
		e = errno;
	if (e != 0) {
		wh_error_sys(err, a->path, e, "cannot save (the file is untouched)");
		wh_atomic_abort(a);
		return -1;
	}
	e = wh_fsync_dir_of(a->path, err);
	atomic_release(a);
	return e;
}

int
wh_mkdirs(const char *path, struct wh_error *err)
{
	char *p = wh_xstrdup(path), *s;

	for (s = p + 1; ; s++) {
		if (*s == '/' || *s == '\0') {
			char c = *s;
			*s = '\0';
			struct stat st;
			if (mkdir(p, 0700) < 0 && errno != EEXIST) {
				wh_error_sys(err, p, errno, "cannot create folder");
				free(p);
				return -1;
			}
			if (c == '\0' && (stat(p, &st) < 0 || !S_ISDIR(st.st_mode))) {
				wh_error_set(err, p, 0, "not a folder");
				free(p);
				return -1;
			}
			*s = c;
			if (c == '\0')
				break;
		}
	}
	free(p);
	return 0;
}

int
wh_read_fd(int fd, struct wh_buf *out)
{
	char chunk[65536];
	ssize_t k;

	while ((k = read(fd, chunk, sizeof chunk)) != 0) {
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0)
			return -1;
		wh_buf_add(out, chunk, (size_t)k);
	}
	return 0;
}
