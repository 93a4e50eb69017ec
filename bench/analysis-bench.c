/* Throughput of the trace analysis: segmentation (roles, attempts, labels,
 * redundancy) plus final-answer extraction over every trace of FILE, with
 * the texts already in memory, timed in CPU seconds per thread. Built by
 * bench/analysis.sh; usage: analysis-bench FILE [THREADS]. */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "whittle/answer.h"
#include "whittle/dataset.h"
#include "whittle/segment.h"

struct job {
	const struct wh_segmenter *seg;
	struct wh_trace *traces;
	size_t from, to;
	size_t bytes, segments, attempts, answers;
	double seconds;
};

/* CPU seconds of the calling thread: on a loaded machine wall time says
 * more about the neighbours than about the code. */
static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
work(void *arg)
{
	struct job *j = arg;
	double t0 = now();

	for (size_t i = j->from; i < j->to; i++) {
		const struct wh_trace *t = &j->traces[i];
		struct wh_segment_input in = { t->text[WH_THINKING], t->len[WH_THINKING],
			t->text[WH_QUESTION], t->len[WH_QUESTION], t->text[WH_ANSWER],
			t->len[WH_ANSWER], t->text[WH_GOLD], t->len[WH_GOLD] };
		struct wh_segmentation g;
		struct wh_answer a;
		if (!in.thinking)
			continue;
		wh_segment_trace(j->seg, &in, &g);
		j->answers += wh_answer_of_trace(t, &a) != NULL;
		j->segments += g.n_segs;
		j->attempts += g.n_sols;
		j->bytes += t->len[WH_THINKING] + t->len[WH_ANSWER];
		wh_segmentation_free(&g);
	}
	j->seconds = now() - t0;
	return NULL;
}

int
main(int argc, char **argv)
{
	struct wh_open_opts opts = {0};
	struct wh_dataset *ds;
	struct wh_segmenter *seg;
	struct wh_error err;
	int threads = argc > 2 ? atoi(argv[2]) : 1;

	if (argc < 2 || threads < 1 || threads > 64) {
		fprintf(stderr, "usage: analysis-bench FILE [THREADS]\n");
		return 2;
	}
	if (wh_dataset_open(&ds, argv[1], &opts, &err) < 0 ||
	    wh_segmenter_new(&seg, wh_segment_default_rules(), &err) < 0) {
		fprintf(stderr, "%s: %s\n", argv[1], err.msg);
		return 1;
	}
	size_t n = wh_dataset_entries(ds), m = 0;
	struct wh_trace *traces = calloc(n ? n : 1, sizeof *traces);
	for (size_t i = 0; i < n; i++)
		if (wh_dataset_trace(ds, i, 0, &traces[m], &err) == 0)
			m++;
	struct job jobs[64];
	pthread_t tid[64];
	for (int k = 0; k < threads; k++) {
		jobs[k] = (struct job){ seg, traces, m * k / threads, m * (k + 1) / threads,
			0, 0, 0, 0, 0 };
		pthread_create(&tid[k], NULL, work, &jobs[k]);
	}
	size_t bytes = 0, segments = 0, attempts = 0, answers = 0;
	double slowest = 0, per_thread = 0;
	for (int k = 0; k < threads; k++) {
		pthread_join(tid[k], NULL);
		bytes += jobs[k].bytes;
		segments += jobs[k].segments;
		attempts += jobs[k].attempts;
		answers += jobs[k].answers;
		per_thread += jobs[k].bytes / 1e6 / jobs[k].seconds / threads;
		if (jobs[k].seconds > slowest)
			slowest = jobs[k].seconds;
	}
	printf("{\"tool\":\"whittle\",\"threads\":%d,\"traces\":%zu,\"mb\":%.1f,"
	    "\"seconds\":%.3f,\"mb_per_s\":%.1f,\"mb_per_s_per_thread\":%.1f,"
	    "\"segments\":%zu,\"attempts\":%zu,\"answers\":%zu}\n", threads, m,
	    bytes / 1e6, slowest, bytes / 1e6 / slowest, per_thread, segments,
	    attempts, answers);
	for (size_t i = 0; i < m; i++)
		wh_trace_free(&traces[i]);
	free(traces);
	wh_segmenter_free(seg);
	wh_dataset_close(ds);
	return 0;
}
