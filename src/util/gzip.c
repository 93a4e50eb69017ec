/* Gzip through a stdio stream: a wh_atomic file whose name ends in .gz is
 * written compressed by whoever writes to its FILE *, as a trainer's
 * tools read it; and a gzip file read back, as whittle opens .gz files
 * (datasets and training files). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <zlib.h>

#include "whittle/file.h"

static ssize_t
gz_write(void *cookie, const char *buf, size_t n)
{
	size_t done = 0;

	while (done < n) {	/* gzwrite takes an unsigned count */
		unsigned part = n - done > (1u << 30) ? 1u << 30 : (unsigned)(n - done);
		if (gzwrite(cookie, buf + done, part) != (int)part) {
			errno = EIO;
			return -1;
		}
		done += part;
	}
	return (ssize_t)n;
}

static int
gz_close(void *cookie)
{
	return gzclose(cookie) == Z_OK ? 0 : (errno = EIO, -1);
}

int
wh_atomic_gzip(struct wh_atomic *a, struct wh_error *err)
{
	int fd = dup(fileno(a->fp));
	gzFile gz = fd < 0 ? NULL : gzdopen(fd, "wb");
	FILE *f = gz ? fopencookie(gz, "w", (cookie_io_functions_t){ .write = gz_write,
	    .close = gz_close }) : NULL;

	if (f == NULL) {
		if (gz)
			gzclose(gz);
		else if (fd >= 0)
			close(fd);
		return wh_error_sys(err, a->path, errno ? errno : ENOMEM, "cannot compress");
	}
	setvbuf(f, NULL, _IOFBF, 1 << 20);
	a->plain = a->fp;
	a->fp = f;
	return 0;
}

int
wh_gunzip(const char *path, FILE *out, char *damage, size_t size,
    struct wh_error *err)
{
	gzFile gz = gzopen(path, "rb");
	char buf[1 << 16];
	int n, zerr = Z_OK;

	damage[0] = '\0';
	if (gz == NULL)
		return wh_error_sys(err, path, errno, "cannot open");
	while ((n = gzread(gz, buf, sizeof buf)) > 0)
		fwrite(buf, 1, (size_t)n, out);
	const char *msg = gzerror(gz, &zerr);
	if (n < 0 || zerr != Z_OK)
		snprintf(damage, size, "%s", msg);
	gzclose(gz);
	return 0;
}
