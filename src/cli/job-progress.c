/* Progress of a command the engine runs as a job: when $WHITTLE_METRICS is
 * set, reports append a point to it (records done), the first one (the
 * file is empty) with the total as max_steps, so the run shows how far it
 * got. The file's mtime paces them: ten a second at most, and the last.
 * A command's results go there too, as the run's metrics. */
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "whittle/buf.h"

#define PACE 0.1	/* seconds between points */

void
wh_cli_job_progress(void *arg, size_t done, size_t total)
{
	const char *path = getenv("WHITTLE_METRICS");
	struct wh_buf b = {0};
	struct timespec now;
	struct stat st;
	int fd;
	(void)arg;

	if (path == NULL || (fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return;
	clock_gettime(CLOCK_REALTIME, &now);
	double t = (double)now.tv_sec + now.tv_nsec / 1e9;
	if (fstat(fd, &st) < 0 || (st.st_size > 0 && done < total &&
	    t - ((double)st.st_mtim.tv_sec + st.st_mtim.tv_nsec / 1e9) < PACE)) {
		close(fd);
		return;
	}
	if (st.st_size == 0)
		wh_buf_printf(&b, "{\"step\":%zu,\"time\":%.6f,\"name\":\"max_steps\",\"value\":%zu}\n",
		    done, t, total);
	wh_buf_printf(&b, "{\"step\":%zu,\"time\":%.6f,\"name\":\"records\",\"value\":%zu}\n",
	    done, t, done);
	if (write(fd, b.data, b.len) < 0)
		(void)0;
	close(fd);
	wh_buf_free(&b);
}

void
wh_cli_job_metrics(const char *line, size_t len)
{
	const char *path = getenv("WHITTLE_METRICS");
	int fd;

	if (path == NULL || (fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600)) < 0)
		return;
	if (write(fd, line, len) < 0)
		(void)0;
	close(fd);
}
