/* Journal files: create, append with fdatasync, replay. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "whittle/buf.h"
#include "whittle/hash.h"
#include "whittle/journal.h"
#include "whittle/paths.h"

#define IDENT_SPAN (1u << 20)

void
wh_file_ident_of(const struct wh_map *m, struct wh_file_ident *id)
{
	size_t head = m->size < IDENT_SPAN ? m->size : IDENT_SPAN;
	size_t tail = m->size - head < IDENT_SPAN ? m->size - head : IDENT_SPAN;

	id->size = m->size;
	id->mtime_ns = m->mtime_ns;
	id->hash = wh_hash(WH_HASH_SEED, m->data, head);
	id->hash = wh_hash(id->hash, m->data + m->size - tail, tail);
}

char *
wh_journal_path_for(const char *abs_path)
{
	char *dir = wh_xdg_dir("STATE");
	struct wh_buf b = {0};
	const char *base = strrchr(abs_path, '/');

	wh_buf_printf(&b, "%s/journal/%s.%016llx.journal", dir,
	    base ? base + 1 : abs_path,
	    (unsigned long long)wh_hash(WH_HASH_SEED, abs_path, strlen(abs_path)));
	free(dir);
	return wh_buf_take(&b);
}

/* Append obj as a line and sync it. A write that fails part way (a full
 * disk) is cut off again, so that the next line starts a line of its own. */
static int
write_line(int fd, const cJSON *obj, const char *path, struct wh_error *err)
{
	char *text = cJSON_PrintUnformatted(obj);
	size_t n = strlen(text), off = 0;
	off_t end = lseek(fd, 0, SEEK_END);

	text[n] = '\n';		/* replaces the NUL; we write n + 1 bytes */
	while (off < n + 1) {
		ssize_t w = write(fd, text + off, n + 1 - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0) {
			int e = errno;
			cJSON_free(text);
			if (off > 0 && end >= 0)
				ftruncate(fd, end);
			return wh_error_sys(err, path, e, "cannot write the journal");
		}
		off += (size_t)w;
	}
	cJSON_free(text);
	if (fdatasync(fd) < 0)
		return wh_error_sys(err, path, errno, "cannot sync the journal");
	return 0;
}

int
wh_journal_create(struct wh_journal **out, const char *jpath,
    const char *source, const struct wh_file_ident *id, struct wh_error *err)
{
	char *dir = wh_xstrdup(jpath), hex[32];
	int fd;

	*strrchr(dir, '/') = '\0';
	if (wh_mkdirs(dir, err) < 0) {
		free(dir);
		return -1;
	}
	free(dir);
	fd = open(jpath, O_WRONLY | O_CREAT | O_TRUNC | O_APPEND | O_CLOEXEC, 0600);
	if (fd < 0)
		return wh_error_sys(err, jpath, errno, "cannot create the journal");
	cJSON *h = cJSON_CreateObject();
	cJSON_AddNumberToObject(h, "whittle-journal", 1);
	cJSON_AddStringToObject(h, "source", source);
	cJSON_AddNumberToObject(h, "size", (double)id->size);
	snprintf(hex, sizeof hex, "%lld", (long long)id->mtime_ns);
	cJSON_AddStringToObject(h, "mtime_ns", hex);
	snprintf(hex, sizeof hex, "%016llx", (unsigned long long)id->hash);
	cJSON_AddStringToObject(h, "hash", hex);
	int rc = write_line(fd, h, jpath, err);
	cJSON_Delete(h);
	if (rc == 0)
		rc = wh_fsync_dir_of(jpath, err);
	if (rc < 0) {
		close(fd);
		unlink(jpath);
		return -1;
	}
	*out = wh_xcalloc(1, sizeof **out);
	(*out)->fd = fd;
	(*out)->path = wh_xstrdup(jpath);
	return 0;
}

int
wh_journal_reopen(struct wh_journal **out, const char *jpath,
    struct wh_error *err)
{
	struct wh_map m;
	const char *nl;
	off_t keep;
	int fd;

	if (wh_map_open(&m, jpath, err) < 0)
		return -1;
	nl = m.size ? memrchr(m.data, '\n', m.size) : NULL;
	keep = nl ? nl - m.data + 1 : 0;
	wh_map_close(&m);
	fd = open(jpath, O_WRONLY | O_APPEND | O_CLOEXEC);
	if (fd < 0)
		return wh_error_sys(err, jpath, errno, "cannot open the journal");
	if (ftruncate(fd, keep) < 0 || fdatasync(fd) < 0) {
		int e = errno;
		close(fd);
		return wh_error_sys(err, jpath, e, "cannot cut the torn end of the journal");
	}
	*out = wh_xcalloc(1, sizeof **out);
	(*out)->fd = fd;
	(*out)->path = wh_xstrdup(jpath);
	return 0;
}

int
wh_journal_append(struct wh_journal *j, const cJSON *op, struct wh_error *err)
{
	return write_line(j->fd, op, j->path, err);
}

void
wh_journal_close(struct wh_journal *j)
{
	if (j == NULL)
		return;
	close(j->fd);
	free(j->path);
	free(j);
}

long
wh_journal_replay(const char *jpath, struct wh_file_ident *id,
    int (*fn)(void *arg, const cJSON *op), void *arg,
    struct wh_journal_damage *dmg, struct wh_error *err)
{
	struct wh_map m;
	long ops = -1, line = 0;
	size_t pos = 0;

	dmg->lines = dmg->first = 0;
	if (wh_map_open(&m, jpath, err) < 0)
		return -1;
	while (pos < m.size) {
		const char *nl = memchr(m.data + pos, '\n', m.size - pos);
		if (nl == NULL)
			break;		/* a torn, unacknowledged last line */
		cJSON *op = cJSON_ParseWithLength(m.data + pos, (size_t)(nl - m.data) - pos);
		pos = (size_t)(nl - m.data) + 1;
		line++;
		if (ops < 0) {
			const cJSON *hash = cJSON_GetObjectItem(op, "hash");
			if (!cJSON_GetObjectItem(op, "whittle-journal") || !cJSON_IsString(hash)) {
				cJSON_Delete(op);
				break;
			}
			id->size = (uint64_t)cJSON_GetNumberValue(cJSON_GetObjectItem(op, "size"));
			const cJSON *mt = cJSON_GetObjectItem(op, "mtime_ns");
			id->mtime_ns = cJSON_IsString(mt) ? strtoll(mt->valuestring, NULL, 10) : 0;
			id->hash = strtoull(hash->valuestring, NULL, 16);
			ops = 0;
		} else if (!cJSON_IsString(cJSON_GetObjectItem(op, "op"))) {
			if (dmg->lines++ == 0)
				dmg->first = line;
		} else {
			fn(arg, op);
			ops++;
		}
		cJSON_Delete(op);
	}
	wh_map_close(&m);
	if (ops < 0 && line == 0)
		return -2;	/* cut off as it was created: no edit in it */
	if (ops < 0)
		wh_error_set(err, jpath, 1, "the first line is not the header of a "
		    "whittle journal");
	return ops;
}
