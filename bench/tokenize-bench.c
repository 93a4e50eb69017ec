/* Throughput of the tokenizer with the texts already in memory, tokenizer load
 * left out: each run loads a fresh tokenizer (its pre-token caches cold, as a
 * command starts), then counts the tokens of every text on THREADS threads
 * that take texts in turn. Built by bench/tokenize.sh; usage:
 * tokenize-bench TOKENIZER FILE THREADS RUNS, FILE holding one JSON string a
 * line. Prints one JSON line: medians over the runs of wall and CPU seconds
 * (the process's, all threads). */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "whittle/file.h"
#include "whittle/json.h"
#include "whittle/tokenizer.h"

struct job {
	const struct wh_tokenizer *tok;
	char **text;
	size_t *len;
	size_t n;
	atomic_size_t next;
	atomic_size_t tokens;
};

static double
seconds(clockid_t clock)
{
	struct timespec ts;

	clock_gettime(clock, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void *
work(void *arg)
{
	struct job *j = arg;
	size_t i, tokens = 0;

	while ((i = atomic_fetch_add(&j->next, 1)) < j->n)
		tokens += wh_tokenizer_count(j->tok, j->text[i], j->len[i]);
	atomic_fetch_add(&j->tokens, tokens);
	return NULL;
}

static int
by_value(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return (x > y) - (x < y);
}

static double
median(double *v, int n)
{
	qsort(v, (size_t)n, sizeof *v, by_value);
	return n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

/* Read the JSON strings of path, one a line. */
static size_t
read_texts(const char *path, struct job *j, size_t *bytes)
{
	struct wh_map map;
	struct wh_error err;
	struct wh_json js = {0};
	struct wh_jerror je;
	size_t cap = 0;

	if (wh_map_open(&map, path, &err) < 0) {
		fprintf(stderr, "%s\n", err.msg);
		exit(1);
	}
	const char *p = map.data, *end = p + map.size;
	*bytes = 0;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t len = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (len && wh_json_parse(&js, p, len, &je) == 0 &&
		    js.nodes[0].type == WH_JSTRING) {
			struct wh_buf s = {0};
			wh_json_string(&js, 0, &s);
			if (j->n == cap) {
				cap = cap ? 2 * cap : 1024;
				j->text = realloc(j->text, cap * sizeof *j->text);
				j->len = realloc(j->len, cap * sizeof *j->len);
			}
			j->text[j->n] = s.data ? s.data : strdup("");
			j->len[j->n++] = s.len;
			*bytes += s.len;
		}
		p += len + 1;
	}
	wh_json_free(&js);
	wh_map_close(&map);
	return j->n;
}

int
main(int argc, char **argv)
{
	struct job j = {0};
	struct wh_error err;
	int threads = argc > 3 ? atoi(argv[3]) : 1, runs = argc > 4 ? atoi(argv[4]) : 5;
	size_t bytes, tokens = 0;
	double load[64], load_cpu[64], wall[64], cpu[64];
	pthread_t tid[64];

	if (argc < 3 || threads < 1 || threads > 64 || runs < 1 || runs > 64) {
		fprintf(stderr, "usage: tokenize-bench TOKENIZER FILE [THREADS [RUNS]]\n");
		return 2;
	}
	read_texts(argv[2], &j, &bytes);
	for (int r = 0; r < runs; r++) {
		double t0 = seconds(CLOCK_MONOTONIC), c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
		struct wh_tokenizer *tok = wh_tokenizer_load(argv[1], &err);
		if (tok == NULL) {
			fprintf(stderr, "%s: %s\n", argv[1], err.msg);
			return 1;
		}
		load[r] = seconds(CLOCK_MONOTONIC) - t0;
		load_cpu[r] = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
		j.tok = tok;
		atomic_store(&j.next, 0);
		atomic_store(&j.tokens, 0);
		c0 = seconds(CLOCK_PROCESS_CPUTIME_ID);
		t0 = seconds(CLOCK_MONOTONIC);
		for (int k = 1; k < threads; k++)
			pthread_create(&tid[k], NULL, work, &j);
		work(&j);
		for (int k = 1; k < threads; k++)
			pthread_join(tid[k], NULL);
		wall[r] = seconds(CLOCK_MONOTONIC) - t0;
		cpu[r] = seconds(CLOCK_PROCESS_CPUTIME_ID) - c0;
		tokens = atomic_load(&j.tokens);
		wh_tokenizer_free(tok);
	}
	double w = median(wall, runs);
	printf("{\"threads\":%d,\"runs\":%d,\"texts\":%zu,\"bytes\":%zu,"
	    "\"tokens\":%zu,\"load_s\":%.4f,\"load_cpu_s\":%.4f,\"encode_s\":%.4f,"
	    "\"cpu_s\":%.4f,\"mb_per_s\":%.2f}\n", threads, runs, j.n, bytes, tokens,
	    median(load, runs), median(load_cpu, runs), w, median(cpu, runs),
	    bytes / w / 1e6);
	for (size_t i = 0; i < j.n; i++)
		free(j.text[i]);
	free(j.text);
	free(j.len);
	return 0;
}
