/* Metric points from JSON lines, trainer_state.json (the real HF file), the
 * runs store's append and recovery, and a watch over a folder being written. */
#include <math.h>
#include <sys/stat.h>

#include "unit.h"
#include "whittle/file.h"
#include "whittle/metrics.h"
#include "whittle/runs.h"

#define FIXTURES WH_SRCDIR "/../shared/data/hf-fixtures/hf-trainer-run/"

struct points {
	int n;
	struct wh_buf names;	/* "name=value@step;" */
};

static void
collect(void *arg, const struct wh_metric *m)
{
	struct points *p = arg;

	p->n++;
	wh_buf_printf(&p->names, "%s=%g@%lld;", m->name, m->value, (long long)m->step);
}

static void
test_lines(void)
{
	struct points p = {0};

	CHECK(wh_metrics_parse_line("{\"step\":3,\"name\":\"loss\",\"value\":1.5}", 37,
	    0, 0, collect, &p) == 1);
	CHECK(wh_metrics_parse_line("{'loss': 2.5, 'grad_norm': 0.5, 'epoch': 0.1}", 45,
	    7, 0, collect, &p) == 3);
	CHECK(wh_metrics_parse_line("{\"loss\":1,\"step\":9,\"time\":5,\"tag\":\"x\"}", 38,
	    0, 0, collect, &p) == 1);
	CHECK(wh_metrics_parse_line("Epoch 1/3: 100%", 15, 0, 0, collect, &p) == -1);
	CHECK(wh_metrics_parse_line("{broken", 7, 0, 0, collect, &p) == -1);
	CHECK(wh_metrics_parse_line("{\"name\":\"x\",\"value\":null}", 25, 0, 0, collect, &p) == 1);
	CHECK_STR(p.names.data, "loss=1.5@3;loss=2.5@7;grad_norm=0.5@7;epoch=0.1@7;loss=1@9;x=nan@0;");
	wh_buf_free(&p.names);
}

static void
test_format(void)
{
	struct wh_buf b = {0};
	struct wh_metric m = { .step = 4, .time = 1.5, .tokens = 1024, .name = "a\"b", .value = 0.25 };
	struct points p = {0};

	wh_metrics_format(&b, &m);
	CHECK_STR(b.data, "{\"step\":4,\"time\":1.500000,\"tokens\":1024,\"name\":\"a\\\"b\",\"value\":0.25}\n");
	CHECK(wh_metrics_parse_line(b.data, b.len - 1, 0, 0, collect, &p) == 1);
	CHECK_STR(p.names.data, "a\"b=0.25@4;");
	wh_buf_free(&b);
	wh_buf_free(&p.names);
}

static void
test_trainer_state(void)
{
	struct wh_map m;
	struct wh_error err;
	struct points p = {0};
	int64_t last = -1;

	if (wh_map_open(&m, FIXTURES "trainer_state.json", &err) < 0) {
		printf("SKIP: %s\n", err.msg);
		return;
	}
	/* 44 log_history entries, 180 numbers besides "step" (counted with
	 * Python's json module). */
	CHECK(wh_metrics_trainer_state(m.data, m.size, &last, 0, collect, &p, &err) == 180);
	CHECK(last == 40);
	CHECK(strstr(p.names.data, "loss=5.56933@1;") != NULL);
	CHECK(strstr(p.names.data, "eval_loss=5.46894@40;") != NULL);
	CHECK(wh_metrics_trainer_state(m.data, m.size, &last, 0, collect, &p, &err) == 0);
	CHECK(wh_metrics_trainer_state("{}", 2, &last, 0, collect, &p, &err) == -1);
	wh_map_close(&m);
	wh_buf_free(&p.names);
}

static char *
temp_dir(const char *name)
{
	struct wh_buf b = {0};
	const char *tmp = getenv("TMPDIR");

	wh_buf_printf(&b, "%s/whittle-unit-%d-%s", tmp ? tmp : "/tmp", (int)getpid(), name);
	mkdir(b.data, 0700);
	return wh_buf_take(&b);
}

static void
append(const char *path, const char *text)
{
	FILE *f = fopen(path, "a");

	fputs(text, f);
	fclose(f);
}

static void
test_store(void)
{
	char *root = temp_dir("runs");
	struct wh_run r = { .state = WH_RUN_RUNNING, .exit_status = -1 }, back, *all;
	struct wh_runs_metrics w;
	struct wh_metric m = { .step = 1, .time = 2, .tokens = -1, .name = "loss", .value = 3 };
	struct wh_error err;
	size_t n;

	r.name = wh_xstrdup("t");
	CHECK(wh_runs_create(root, &r, &err) == 0);
	CHECK(wh_runs_metrics_open(root, r.id, &w, &err) == 0);
	CHECK(wh_runs_metrics_append(&w, &m, &err) == 1);
	CHECK(wh_runs_metrics_append(&w, &m, &err) == 2);
	wh_runs_metrics_close(&w);
	/* A crash in the middle of a line. */
	char *metrics = wh_runs_path(root, r.id, "metrics.jsonl");
	append(metrics, "{\"step\":3,\"na");
	CHECK(wh_runs_recover(root, &err) == 1);
	CHECK(wh_runs_load(root, r.id, &back, &err) == 0);
	CHECK(back.state == WH_RUN_INTERRUPTED);
	CHECK_STR(back.name, "t");
	CHECK(wh_runs_metrics_open(root, r.id, &w, &err) == 0);
	CHECK(w.seq == 2);
	CHECK(wh_runs_metrics_append(&w, &m, &err) == 3);
	wh_runs_metrics_close(&w);
	CHECK(wh_runs_list(root, &all, &n, &err) == 0 && n == 1);
	CHECK(wh_runs_recover(root, &err) == 0);
	wh_runs_free(&back);
	CHECK(wh_runs_load(root, "../x", &back, &err) == -1);
	wh_runs_free_list(all, n);
	wh_runs_free(&r);
	free(metrics);
	free(root);
}

static void
test_watch(void)
{
	char *dir = temp_dir("watch");
	struct wh_buf path = {0};
	struct wh_metrics_watch *w = wh_metrics_watch_new();
	struct points p = {0};
	struct wh_error note;

	wh_buf_printf(&path, "%s/metrics.jsonl", dir);
	wh_metrics_watch_dir(w, dir);
	CHECK(wh_metrics_watch_poll(w, 0, collect, &p, &note) == 0);
	append(path.data, "{\"loss\": 1}\n{\"loss\": 2");
	CHECK(wh_metrics_watch_poll(w, 10, collect, &p, &note) == 1);
	append(path.data, "}\n");
	CHECK(wh_metrics_watch_poll(w, 20, collect, &p, &note) == 1);
	CHECK(wh_metrics_watch_poll(w, 30, collect, &p, &note) == 0);
	CHECK_STR(p.names.data, "loss=1@0;loss=2@1;");
	CHECK(note.msg[0] == '\0');
	wh_metrics_watch_free(w);
	wh_buf_free(&p.names);
	wh_buf_free(&path);
	free(dir);
}

int
main(void)
{
	test_lines();
	test_format();
	test_trainer_state();
	test_store();
	test_watch();
	return unit_done("test-metrics");
}
