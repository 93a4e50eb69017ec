/* Unit tests of datasets: bad records, lossless edits and saves, the
 * journal, gzip. Runs in a temp folder with XDG_STATE_HOME inside it. */
#include <signal.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <zlib.h>

#include "unit.h"
#include "whittle/buf.h"
#include "whittle/dataset.h"

static char dir[4096];

static const char *
path_in(const char *name)
{
	static char p[16][4200];	/* callers keep a few at a time */
	static int k;

	k = (k + 1) % 16;
	snprintf(p[k], sizeof p[k], "%s/%s", dir, name);
	return p[k];
}

static void
write_file(const char *path, const char *text, size_t len)
{
	FILE *f = fopen(path, "wb");

	if (f == NULL || fwrite(text, 1, len, f) != len)
		exit(99);
	fclose(f);
}

static char *
read_file(const char *path, size_t *len)
{
	struct wh_map m;
	char *copy;

	if (wh_map_open(&m, path, NULL) < 0)
		return NULL;
	copy = wh_xstrndup(m.data ? m.data : "", m.size);
	*len = m.size;
	wh_map_close(&m);
	return copy;
}

static struct wh_dataset *
open_ds(const char *path, bool journal)
{
	struct wh_open_opts o = { .journal = journal, .threads = 2 };
	struct wh_dataset *ds = NULL;
	struct wh_error err;

	if (wh_dataset_open(&ds, path, &o, &err) < 0)
		fprintf(stderr, "open %s: %s\n", path, err.msg);
	return ds;
}

static int
has_note(const struct wh_dataset *ds, const char *part)
{
	for (size_t i = 0; i < ds->n_notes; i++)
		if (strstr(ds->notes[i], part))
			return 1;
	return 0;
}

static const char *
field_of(struct wh_dataset *ds, size_t entry, enum wh_field f)
{
	static char out[4096];
	struct wh_trace t;

	if (wh_dataset_trace(ds, entry, 0, &t, NULL) < 0)
		return "(bad)";
	snprintf(out, sizeof out, "%s", t.text[f] ? t.text[f] : "(null)");
	wh_trace_free(&t);
	return out;
}

static const char messy[] =
    "\xEF\xBB\xBF{\"id\": 12345678901234567890, \"x\": 1e400, \"question\": \"caf\\u00e9?\", "
    "\"solution\": \"<think>\\nold \\u00e9 thinking\\n</think>\\n\\nans \\u00e9\", \"gold_answer\": \"1\"}\r\n"
    "\r\n"
    "{\"question\": \"q2\", \"solution\": \"s2\", \"gold_answer\": \"2\"}\r\n"
    "{\"question\": \"bad\", \"solution\": \r\n"
    "{\"question\": \"q\xff\", \"solution\": \"s\"}\r\n"
    "{\"question\": \"nul\", \"solution\": \"a\0b\"}\r\n"
    "{\"question\": \"q3\", \"solution\": 7}\r\n"
    "{\"question\": \"q4\", \"solution\": \"s4\", \"gold_answer\": \"4\"}";

static void
test_bad_and_edits(void)
{
	const char *p = path_in("messy.jsonl");
	struct wh_dataset *ds;
	struct wh_error err;
	size_t n_bad, len;

	write_file(p, messy, sizeof messy - 1);
	ds = open_ds(p, true);
	CHECK(ds != NULL);
	if (ds == NULL)
		return;
	CHECK_STR(ds->layout.name, "limo");
	CHECK(wh_dataset_entries(ds) == 7);
	struct wh_bad *bad = wh_dataset_bad(ds, &n_bad);
	CHECK(n_bad == 4);
	if (n_bad == 4) {
		CHECK(bad[0].line == 4 && strstr(bad[0].reason, "invalid JSON at column"));
		CHECK(bad[1].line == 5 && strstr(bad[1].reason, "invalid UTF-8"));
		CHECK(bad[2].line == 6 && strstr(bad[2].reason, "NUL byte"));
		CHECK(bad[3].line == 7);
		CHECK_STR(bad[3].reason, "field /solution: expected a string, got number");
	}
	free(bad);
	CHECK(wh_dataset_nth_good(ds, 0) == 0);
	CHECK(wh_dataset_nth_good(ds, 2) == 6);
	CHECK(wh_dataset_nth_good(ds, 3) == -1);
	CHECK_STR(field_of(ds, 0, WH_QUESTION), "caf\xc3\xa9?");
	CHECK_STR(field_of(ds, 0, WH_THINKING), "old \xc3\xa9 thinking");
	CHECK_STR(field_of(ds, 0, WH_ANSWER), "ans \xc3\xa9");

	/* A saved copy with no edits is the same bytes. */
	CHECK(wh_dataset_save(ds, path_in("copy.jsonl"), &err) == 0);
	char *copy = read_file(path_in("copy.jsonl"), &len);
	CHECK(copy && len == sizeof messy - 1 && memcmp(copy, messy, len) == 0);
	free(copy);

	/* Edit the thinking: only its bytes change; escapes elsewhere stay. */
	const char *newt = "new \"thought\"\n\xe4\xb8\xad";
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_THINKING, newt, strlen(newt), &err) == 0);
	CHECK_STR(field_of(ds, 0, WH_THINKING), newt);
	const char *rec;
	wh_dataset_bytes(ds, 0, &rec, &len);
	const char *want = "{\"id\": 12345678901234567890, \"x\": 1e400, \"question\": \"caf\\u00e9?\", "
	    "\"solution\": \"<think>\\nnew \\\"thought\\\"\\n\xe4\xb8\xad\\n</think>\\n\\nans \\u00e9\", "
	    "\"gold_answer\": \"1\"}";
	CHECK(len == strlen(want) && memcmp(rec, want, len) == 0);
	CHECK(wh_dataset_set_field(ds, 1, 0, WH_QUESTION, "Q2", 2, &err) == 0);
	CHECK(wh_dataset_set_field(ds, 1, 0, WH_QUESTION, "Q2b", 3, &err) == 0);
	CHECK(wh_dataset_set_field(ds, 1, 0, WH_ANSWER, "x", 1, &err) < 0);
	CHECK(strstr(err.msg, "no answer to edit") != NULL);
	CHECK(wh_dataset_set_field(ds, 2, 0, WH_QUESTION, "x", 1, &err) < 0);
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_QUESTION, "\xff", 1, &err) < 0);
	CHECK(strstr(err.msg, "not valid UTF-8") != NULL);
	CHECK(ds->n_edits == 2);
	wh_dataset_close(ds);

	/* Reopen: the journal brings both edits back. */
	ds = open_ds(p, true);
	CHECK(ds && has_note(ds, "restored the unsaved edits of 2 record(s)"));
	CHECK(ds && ds->n_edits == 2);
	CHECK_STR(field_of(ds, 1, WH_QUESTION), "Q2b");
	CHECK(wh_dataset_restore(ds, 1, &err) == 0);
	CHECK_STR(field_of(ds, 1, WH_QUESTION), "q2");

	/* Save over the file: only record 1 differs; the journal is gone. */
	CHECK(wh_dataset_save(ds, NULL, &err) == 0);
	char *saved = read_file(p, &len);
	char *jpath = wh_dataset_journal_path(p);
	CHECK(access(jpath, F_OK) != 0);
	struct wh_buf expect = {0};
	wh_buf_add(&expect, "\xEF\xBB\xBF", 3);
	wh_buf_adds(&expect, want);
	const char *rest = strchr(messy, '\r');
	wh_buf_add(&expect, rest, (size_t)(messy + sizeof messy - 1 - rest));
	CHECK(saved && len == expect.len && memcmp(saved, expect.data, len) == 0);
	free(saved);
	CHECK_STR(field_of(ds, 0, WH_THINKING), newt);
	CHECK(ds->n_edits == 0);
	wh_dataset_close(ds);
	ds = open_ds(p, true);
	CHECK(ds && ds->n_notes == 0);
	CHECK_STR(field_of(ds, 0, WH_THINKING), newt);

	/* The file changes under unsaved edits: told, not patched. */
	CHECK(wh_dataset_set_field(ds, 1, 0, WH_QUESTION, "Z", 1, &err) == 0);
	wh_dataset_close(ds);
	FILE *f = fopen(p, "a");
	fputs("\n{\"question\": \"q5\", \"solution\": \"s5\"}\n", f);
	fclose(f);
	ds = open_ds(p, true);
	CHECK(ds && has_note(ds, "changed on disk"));
	CHECK(ds && ds->n_edits == 0);
	CHECK_STR(field_of(ds, 1, WH_QUESTION), "q2");
	struct wh_buf stale = {0};
	wh_buf_printf(&stale, "%s.stale", jpath);
	CHECK(access(stale.data, F_OK) == 0);
	wh_buf_free(&stale);
	wh_dataset_close(ds);
	wh_buf_free(&expect);
	free(jpath);
}

static void
test_numbers_and_derived(void)
{
	const char *p = path_in("aime.jsonl");
	const char *text = "{\"prompt\": \"P\", \"answer\": 204}\n";
	struct wh_dataset *ds;
	struct wh_error err;
	const char *rec;
	size_t len;

	write_file(p, text, strlen(text));
	ds = open_ds(p, true);
	if (ds == NULL)
		return;
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_GOLD, "205", 3, &err) == 0);
	wh_dataset_bytes(ds, 0, &rec, &len);
	CHECK(len == 30 && memcmp(rec, "{\"prompt\": \"P\", \"answer\": 205}", len) == 0);
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_GOLD, "n/a", 3, &err) == 0);
	wh_dataset_bytes(ds, 0, &rec, &len);
	CHECK(len == 32 && memcmp(rec, "{\"prompt\": \"P\", \"answer\": \"n/a\"}", len) == 0);
	wh_dataset_close(ds);

	/* GSM8K's gold is the answer's text: read-only. */
	p = path_in("gsm.jsonl");
	text = "{\"question\":\"q\",\"answer\":\"a\\n#### 5\"}\n";
	write_file(p, text, strlen(text));
	ds = open_ds(p, true);
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_GOLD, "6", 1, &err) < 0);
	CHECK(strstr(err.msg, "cannot be edited") != NULL);
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_ANSWER, "6", 1, &err) == 0);
	wh_dataset_bytes(ds, 0, &rec, &len);
	size_t five = (size_t)(strchr(text, '5') - text);
	CHECK(len == strlen(text) - 1 && memcmp(rec, text, five) == 0 && rec[five] == '6');
	wh_dataset_restore(ds, 0, &err);
	wh_dataset_close(ds);
}

/* OpenR1 keeps the chosen generation, and the problem, in messages too: an
 * edit changes every copy, each as the layout holds it (the whole string,
 * or the thinking alone in AM's info.think_content), and no other field
 * even where it holds the same text. */
static void
test_copies(void)
{
	const char *p = path_in("openr1.jsonl");
	const char *text =
	    "{\"problem\":\"P\",\"answer\":\"5\",\"generations\":[\"<think>\\nt\\n</think>5\",\"<think>\\nt\\n</think>5\"],"
	    "\"messages\":[{\"role\":\"user\",\"content\":\"P\"},{\"role\":\"assistant\",\"content\":\"<think>\\nt\\n</think>5\"}]}\n";
	const char *want =
	    "{\"problem\":\"Q\",\"answer\":\"5\",\"generations\":[\"<think>\\nu\\n</think>5\",\"<think>\\nt\\n</think>5\"],"
	    "\"messages\":[{\"role\":\"user\",\"content\":\"Q\"},{\"role\":\"assistant\",\"content\":\"<think>\\nu\\n</think>5\"}]}";
	struct wh_dataset *ds;
	struct wh_error err;
	const char *rec;
	size_t len;

	write_file(p, text, strlen(text));
	if ((ds = open_ds(p, true)) == NULL)
		return;
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_THINKING, "u", 1, &err) == 0);
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_QUESTION, "Q", 1, &err) == 0);
	wh_dataset_bytes(ds, 0, &rec, &len);
	CHECK(len == strlen(want) && memcmp(rec, want, len) == 0);
	wh_dataset_close(ds);
	/* Replayed from the journal, the same. */
	ds = open_ds(p, true);
	wh_dataset_bytes(ds, 0, &rec, &len);
	CHECK(len == strlen(want) && memcmp(rec, want, len) == 0);
	wh_dataset_restore(ds, 0, &err);
	wh_dataset_close(ds);

	p = path_in("am.jsonl");
	text = "{\"messages\":[{\"role\":\"user\",\"content\":\"q\",\"info\":{\"reference_answer\":\"a\"}},"
	    "{\"role\":\"assistant\",\"content\":\"<think>\\nt\\n</think>\\n<answer>a</answer>\","
	    "\"info\":{\"think_content\":\"t\",\"answer_content\":\"a\"}}]}\n";
	want = "{\"messages\":[{\"role\":\"user\",\"content\":\"q\",\"info\":{\"reference_answer\":\"a\"}},"
	    "{\"role\":\"assistant\",\"content\":\"<think>\\nt\\n</think>\\n<answer>b</answer>\","
	    "\"info\":{\"think_content\":\"t\",\"answer_content\":\"b\"}}]}";
	write_file(p, text, strlen(text));
	if ((ds = open_ds(p, true)) == NULL)
		return;
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_ANSWER, "b", 1, &err) == 0);
	wh_dataset_bytes(ds, 0, &rec, &len);
	CHECK(len == strlen(want) && memcmp(rec, want, len) == 0);
	CHECK_STR(field_of(ds, 0, WH_GOLD), "a");
	wh_dataset_restore(ds, 0, &err);
	wh_dataset_close(ds);

	/* The DeepSeek API traces keep the whole response beside its parts:
	 * the part in it changes, once there; a text it holds twice stays. */
	p = path_in("topology.jsonl");
	text = "{\"problem\":\"p\",\"reasoning_trace\":\"r\",\"answer_text\":\"a\","
	    "\"full_response\":\"<think>\\nr\\n</think>\\n\\na\",\"ground_truth\":\"a\"}\n";
	want = "{\"problem\":\"p\",\"reasoning_trace\":\"s\\\"\",\"answer_text\":\"a\","
	    "\"full_response\":\"<think>\\ns\\\"\\n</think>\\n\\na\",\"ground_truth\":\"a\"}";
	write_file(p, text, strlen(text));
	if ((ds = open_ds(p, true)) == NULL)
		return;
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_THINKING, "s\"", 2, &err) == 0);
	wh_dataset_bytes(ds, 0, &rec, &len);
	CHECK(len == strlen(want) && memcmp(rec, want, len) == 0);
	const char *twice = "\"<think>\\na\\n</think>\\n\\na\"";
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_THINKING, "a", 1, &err) == 0);
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_ANSWER, "b", 1, &err) == 0);
	wh_dataset_bytes(ds, 0, &rec, &len);
	CHECK(memmem(rec, len, twice, strlen(twice)) != NULL);
	CHECK(memmem(rec, len, "\"answer_text\":\"b\"", 16) != NULL);
	wh_dataset_restore(ds, 0, &err);
	wh_dataset_close(ds);

	/* Gemini's generated_responses[0] is the reasoning, then the solution. */
	p = path_in("gemini.jsonl");
	text = "{\"question\":\"q\",\"reasoning\":\"think\",\"solution\":\"sol\","
	    "\"generated_responses\":[\"think\\nsol\"],\"gold_answer\":\"1\"}\n";
	want = "{\"question\":\"q\",\"reasoning\":\"ponder\",\"solution\":\"sol\","
	    "\"generated_responses\":[\"ponder\\nsol\"],\"gold_answer\":\"1\"}";
	write_file(p, text, strlen(text));
	if ((ds = open_ds(p, true)) == NULL)
		return;
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_THINKING, "ponder", 6, &err) == 0);
	wh_dataset_bytes(ds, 0, &rec, &len);
	CHECK(len == strlen(want) && memcmp(rec, want, len) == 0);
	wh_dataset_restore(ds, 0, &err);
	wh_dataset_close(ds);
}

/* A crash inside an append leaves a torn last line: the next open restores
 * what came before it, and what it appends after is read back too. */
/* A journal whose edits leave every record as it was restores nothing,
 * and says so (not "the edits of 0 records"). */
static void
test_journal_undone(void)
{
	const char *p = path_in("undone.jsonl");
	const char *text = "{\"question\":\"q0\",\"solution\":\"s0\"}\n";
	struct wh_dataset *ds;
	struct wh_error err;

	write_file(p, text, strlen(text));
	if ((ds = open_ds(p, true)) == NULL)
		return;
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_QUESTION, "A", 1, &err) == 0);
	CHECK(wh_dataset_restore(ds, 0, &err) == 0);
	wh_dataset_close(ds);
	ds = open_ds(p, true);
	CHECK(ds && ds->n_edits == 0 && has_note(ds, "leave every record as it was: nothing to restore"));
	wh_dataset_close(ds);
}

/* A damaged journal loses nothing: a damaged line is skipped and named,
 * the edits after it are restored; one whose header is damaged is applied
 * to nothing and kept aside, never removed. */
static void
test_damaged_journal(void)
{
	const char *p = path_in("damaged.jsonl");
	const char *text = "{\"question\":\"q0\",\"solution\":\"s0\"}\n"
	    "{\"question\":\"q1\",\"solution\":\"s1\"}\n";
	struct wh_dataset *ds;
	struct wh_error err;
	struct wh_buf aside = {0};
	size_t len;

	write_file(p, text, strlen(text));
	if ((ds = open_ds(p, true)) == NULL)
		return;
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_QUESTION, "A", 1, &err) == 0);
	CHECK(wh_dataset_set_field(ds, 1, 0, WH_QUESTION, "B", 1, &err) == 0);
	wh_dataset_close(ds);
	char *jpath = wh_dataset_journal_path(p);
	char *j = read_file(jpath, &len);
	char *op2 = strstr(j, "\n{\"op\"") + 1;
	op2[1] = '#';			/* line 2, the edit of record 1 */
	write_file(jpath, j, len);
	ds = open_ds(p, true);
	CHECK(ds && ds->n_edits == 1 && has_note(ds, "skipped 1 damaged line(s) of the journal"));
	CHECK(ds && has_note(ds, "(the first: line 2)"));
	CHECK_STR(field_of(ds, 0, WH_QUESTION), "q0");
	CHECK_STR(field_of(ds, 1, WH_QUESTION), "B");
	wh_dataset_close(ds);

	j[0] = '#';			/* the header */
	write_file(jpath, j, len);
	ds = open_ds(p, true);
	wh_buf_printf(&aside, "%s.damaged", jpath);
	CHECK(ds && ds->n_edits == 0 && has_note(ds, "not the header of a whittle journal"));
	CHECK(ds && has_note(ds, "NOT applied") && has_note(ds, aside.data));
	CHECK(access(aside.data, F_OK) == 0 && access(jpath, F_OK) != 0);
	wh_dataset_close(ds);
	wh_buf_free(&aside);
	free(j);
	free(jpath);
}

/* Edits of a file another program replaced after it was read are
 * journaled as edits of the file read: the next open finds the file
 * changed and applies none of them to the new one's records. */
static void
test_replaced_under(void)
{
	const char *p = path_in("replaced.jsonl"), *q = path_in("replaced.new");
	const char *a = "{\"question\":\"A\",\"solution\":\"a\"}\n"
	    "{\"question\":\"B\",\"solution\":\"b\"}\n";
	const char *b = "{\"question\":\"B\",\"solution\":\"b\"}\n"
	    "{\"question\":\"A\",\"solution\":\"a\"}\n";
	struct wh_dataset *ds;
	struct wh_error err;

	write_file(p, a, strlen(a));
	if ((ds = open_ds(p, true)) == NULL)
		return;
	write_file(q, b, strlen(b));
	CHECK(rename(q, p) == 0);
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_THINKING, "edited", 6, &err) == 0);
	wh_dataset_close(ds);
	ds = open_ds(p, true);
	CHECK(ds && ds->n_edits == 0 && has_note(ds, "changed on disk"));
	CHECK_STR(field_of(ds, 0, WH_THINKING), "b");
	wh_dataset_close(ds);
}

static void
test_torn_journal(void)
{
	const char *p = path_in("torn.jsonl");
	const char *text = "{\"question\":\"q0\",\"solution\":\"s0\"}\n"
	    "{\"question\":\"q1\",\"solution\":\"s1\"}\n";
	struct wh_dataset *ds;
	struct wh_error err;

	write_file(p, text, strlen(text));
	ds = open_ds(p, true);
	if (ds == NULL)
		return;
	CHECK(wh_dataset_set_field(ds, 0, 0, WH_QUESTION, "A", 1, &err) == 0);
	wh_dataset_close(ds);
	char *jpath = wh_dataset_journal_path(p);
	FILE *f = fopen(jpath, "a");
	fputs("{\"op\":\"set\",\"entry\":1,\"li", f);
	fclose(f);
	ds = open_ds(p, true);
	CHECK(ds && ds->n_edits == 1);
	CHECK(wh_dataset_set_field(ds, 1, 0, WH_QUESTION, "B", 1, &err) == 0);
	wh_dataset_close(ds);
	ds = open_ds(p, true);
	CHECK(ds && has_note(ds, "restored the unsaved edits of 2 record(s)"));
	CHECK_STR(field_of(ds, 0, WH_QUESTION), "A");
	CHECK_STR(field_of(ds, 1, WH_QUESTION), "B");

	/* A full disk (a file size limit) stops an append part way: that edit
	 * fails, and the next one, once there is room, is journaled whole. */
	struct stat st;
	struct rlimit old, small;
	CHECK(stat(jpath, &st) == 0);
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	small = (struct rlimit){ (rlim_t)st.st_size + 20, old.rlim_max };
	setrlimit(RLIMIT_FSIZE, &small);
	int rc = wh_dataset_set_field(ds, 1, 0, WH_QUESTION, "C", 1, &err);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK(rc < 0);
	CHECK_STR(field_of(ds, 1, WH_QUESTION), "B");
	CHECK(wh_dataset_set_field(ds, 1, 0, WH_QUESTION, "D", 1, &err) == 0);
	wh_dataset_close(ds);
	ds = open_ds(p, true);
	CHECK_STR(field_of(ds, 1, WH_QUESTION), "D");
	wh_dataset_close(ds);
	free(jpath);
}

static void
test_save_failure(void)
{
	const char *p = path_in("big.jsonl");
	struct wh_buf b = {0};
	struct wh_dataset *ds;
	struct wh_error err;
	struct rlimit old, small;
	size_t len;

	for (int i = 0; i < 2000; i++)
		wh_buf_printf(&b, "{\"question\":\"q%d\",\"solution\":\"%0200d\"}\n", i, i);
	write_file(p, b.data, b.len);
	ds = open_ds(p, true);
	if (ds == NULL)
		return;
	CHECK(wh_dataset_set_field(ds, 5, 0, WH_QUESTION, "edited", 6, &err) == 0);
	/* A file size limit stands in for a full disk. */
	signal(SIGXFSZ, SIG_IGN);
	getrlimit(RLIMIT_FSIZE, &old);
	small = (struct rlimit){ 64 * 1024, old.rlim_max };
	setrlimit(RLIMIT_FSIZE, &small);
	int rc = wh_dataset_save(ds, NULL, &err);
	setrlimit(RLIMIT_FSIZE, &old);
	CHECK(rc < 0);
	CHECK(strstr(err.msg, "cannot save (the file is untouched)") != NULL);
	char *now = read_file(p, &len);
	CHECK(now && len == b.len && memcmp(now, b.data, len) == 0);
	free(now);
	/* No temp file is left beside it. */
	struct wh_buf cmd = {0};
	wh_buf_printf(&cmd, "ls '%s' | grep -q whittle-tmp", dir);
	CHECK(system(cmd.data) != 0);
	wh_buf_free(&cmd);
	/* The edit is still there and still journaled. */
	CHECK_STR(field_of(ds, 5, WH_QUESTION), "edited");
	wh_dataset_close(ds);
	ds = open_ds(p, true);
	CHECK(ds && ds->n_edits == 1);
	wh_dataset_close(ds);
	/* A read-only folder (root writes anyway, so only for other users). */
	if (geteuid() != 0) {
		const char *ro = path_in("ro");
		mkdir(ro, 0700);
		struct wh_buf in = {0};
		wh_buf_printf(&in, "%s/x.jsonl", ro);
		write_file(in.data, b.data, b.len);
		chmod(ro, 0500);
		struct wh_dataset *rd = open_ds(in.data, false);
		CHECK(rd && wh_dataset_save(rd, NULL, &err) < 0);
		CHECK(strstr(err.msg, "Permission denied") != NULL);
		wh_dataset_close(rd);
		chmod(ro, 0700);
		wh_buf_free(&in);
	}
	/* Saving into a folder that does not exist fails cleanly. */
	ds = open_ds(p, false);
	CHECK(wh_dataset_save(ds, path_in("no/such/folder.jsonl"), &err) < 0);
	CHECK(strstr(err.msg, "cannot create a temp file") != NULL);
	wh_dataset_close(ds);
	wh_buf_free(&b);
}

static void
test_gzip(void)
{
	const char *p = path_in("g.jsonl.gz");
	struct wh_buf b = {0};
	struct wh_dataset *ds;
	struct wh_error err;

	for (int i = 0; i < 3000; i++)
		wh_buf_printf(&b, "{\"question\":\"q%d\",\"solution\":\"s%d %d\"}\n", i, i, i * 7919);
	gzFile gz = gzopen(p, "wb");
	gzwrite(gz, b.data, (unsigned)b.len);
	gzclose(gz);
	ds = open_ds(p, true);
	CHECK(ds && ds->gzip && wh_dataset_entries(ds) == 3000);
	if (ds) {
		CHECK_STR(field_of(ds, 2999, WH_QUESTION), "q2999");
		CHECK(wh_dataset_set_field(ds, 1, 0, WH_QUESTION, "one", 3, &err) == 0);
		CHECK(wh_dataset_save(ds, NULL, &err) == 0);
		wh_dataset_close(ds);
	}
	ds = open_ds(p, true);
	CHECK(ds && ds->gzip && wh_dataset_entries(ds) == 3000);
	if (ds) {
		CHECK_STR(field_of(ds, 1, WH_QUESTION), "one");
		wh_dataset_close(ds);
	}

	/* A partial index first, the full one adopted later. */
	struct wh_open_opts po = { .index_prefix = 1000, .threads = 1 };
	CHECK(wh_dataset_open(&ds, p, &po, &err) == 0);
	if (ds) {
		size_t first = wh_dataset_entries(ds);
		CHECK(ds->index.partial && first > 10 && first < 100);
		CHECK_STR(field_of(ds, 3, WH_QUESTION), "q3");
		CHECK(wh_dataset_set_field(ds, 4, 0, WH_QUESTION, "four", 4, &err) == 0);
		struct wh_index full, other;
		wh_index_build(&full, ds->map.data, ds->map.size, 2);
		CHECK(!full.partial && full.n == 3000);
		wh_index_build(&other, "{\"a\":1}\n", 8, 1);
		CHECK(wh_dataset_adopt_index(ds, &other) < 0);
		wh_index_free(&other);
		CHECK(wh_dataset_adopt_index(ds, &full) == 0);
		CHECK(wh_dataset_entries(ds) == 3000 && !ds->index.partial);
		CHECK(ds->state[3] == WH_REC_GOOD && ds->state[2000] == WH_REC_UNKNOWN);
		CHECK_STR(field_of(ds, 4, WH_QUESTION), "four");
		CHECK_STR(field_of(ds, 2999, WH_QUESTION), "q2999");
		wh_dataset_restore(ds, 4, &err);
		wh_dataset_close(ds);
	}

	/* Cut short: the records before the cut load, and the user is told. */
	size_t len;
	char *whole = read_file(p, &len);
	const char *cut = path_in("cut.jsonl.gz");
	write_file(cut, whole, len / 2);
	free(whole);
	ds = open_ds(cut, false);
	CHECK(ds && has_note(ds, "damaged or cut short"));
	CHECK(ds && wh_dataset_entries(ds) > 100 && wh_dataset_entries(ds) < 3000);
	wh_dataset_close(ds);
	/* Opened again from the cache: still told. */
	ds = open_ds(cut, false);
	CHECK(ds && has_note(ds, "damaged or cut short"));
	wh_dataset_close(ds);

	/* Named .gz, not gzip: refused with a reason. */
	const char *fake = path_in("fake.jsonl.gz");
	write_file(fake, "\x01\x02 binary", 9);
	CHECK(wh_dataset_open(&ds, fake, NULL, &err) < 0);
	CHECK(strstr(err.msg, "not a gzip file") != NULL);
	wh_buf_free(&b);
}

static void
test_containers(void)
{
	const char *arr = "[\n {\"problem\": \"p1\", \"solution\": \"s1\"},\n {\"problem\": \"p2\", \"solution\": \"s2\"}\n]\n";
	const char *p = path_in("arr.json");
	struct wh_dataset *ds;
	struct wh_error err;
	size_t len;

	write_file(p, arr, strlen(arr));
	ds = open_ds(p, false);
	CHECK(ds && ds->index.kind == WH_CONT_ARRAY && wh_dataset_entries(ds) == 2);
	CHECK(wh_dataset_set_field(ds, 1, 0, WH_THINKING, "S2", 2, &err) == 0);
	CHECK(wh_dataset_save(ds, NULL, &err) == 0);
	char *now = read_file(p, &len);
	CHECK(now && strcmp(now, "[\n {\"problem\": \"p1\", \"solution\": \"s1\"},\n "
	    "{\"problem\": \"p2\", \"solution\": \"S2\"}\n]\n") == 0);
	free(now);
	wh_dataset_close(ds);
}

int
main(void)
{
	const char *tmp = getenv("TMPDIR");
	char env[4300];

	snprintf(dir, sizeof dir, "%s/whittle-dataset-XXXXXX", tmp ? tmp : "/tmp");
	if (mkdtemp(dir) == NULL)
		return 99;
	snprintf(env, sizeof env, "%s/state", dir);
	setenv("XDG_STATE_HOME", env, 1);
	snprintf(env, sizeof env, "%s/cache", dir);
	setenv("XDG_CACHE_HOME", env, 1);
	test_bad_and_edits();
	test_numbers_and_derived();
	test_copies();
	test_torn_journal();
	test_damaged_journal();
	test_replaced_under();
	test_journal_undone();
	test_save_failure();
	test_gzip();
	test_containers();
	snprintf(env, sizeof env, "rm -rf '%s'", dir);
	if (unit_failures == 0)
		system(env);
	return unit_done("dataset");
}
