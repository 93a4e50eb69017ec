/* Checkpoints: a folder out/checkpoint-STEP that Hugging Face loads
 * (config.json, model.safetensors) plus optimizer.safetensors (AdamW
 * moments as m.NAME, v.NAME), state.json and an empty DONE written last;
 * all built in a temp folder renamed into place, so none is ever half there. */
#include <cjson/cJSON.h>
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "whittle/buf.h"
#include "whittle/file.h"
#include "whittle/safetensors.h"
#include "train-int.h"

static const char *const files[] = { "config.json", "model.safetensors",
	"optimizer.safetensors", "state.json", "DONE" };

static char *
path_of(const char *dir, const char *name)
{
	struct wh_buf b = { 0 };
	wh_buf_printf(&b, "%s/%s", dir, name);
	return wh_buf_take(&b);
}

/* Remove a checkpoint folder: only the files a checkpoint holds. */
static void
remove_checkpoint(const char *dir)
{
	for (size_t i = 0; i < sizeof files / sizeof files[0]; i++) {
		char *p = path_of(dir, files[i]);
		unlink(p);
		free(p);
	}
	rmdir(dir);
}

static void
state_json(struct wh_buf *b, const struct train_state *st,
    const struct wh_train_opts *o, const struct wh_train_data *d, long adam_t)
{
	wh_buf_printf(b, "{\"step\": %ld, \"epoch\": %ld, \"next\": %zu, "
	    "\"tokens\": %.0f, \"seconds\": %.3f, \"adam_t\": %ld,\n"
	    " \"batch\": %d, \"seq\": %d, \"accum\": %d, \"seed\": %llu, "
	    "\"val_frac\": %.17g, \"documents\": %zu, \"data_hash\": \"%016llx\"}\n",
	    st->step, st->epoch, st->next, st->tokens, st->seconds, adam_t, o->batch,
	    o->seq, o->accum, (unsigned long long)o->seed, o->val_frac, d->ndocs,
	    (unsigned long long)d->hash);
}

static int
write_small(const char *dir, const char *name, const struct wh_buf *b,
    struct wh_error *err)
{
	char *p = path_of(dir, name);
	struct wh_atomic a;
	int rc = wh_atomic_open(&a, p, err);

	if (rc == 0 && b->len && fwrite(b->data, 1, b->len, a.fp) != b->len) {
		wh_atomic_abort(&a);
		rc = wh_error_set(err, p, 0, "cannot write");
	} else if (rc == 0)
		rc = wh_atomic_commit(&a, err);
	free(p);
	return rc;
}

/* AdamW's moments as m.NAME and v.NAME in one file. */
static int
write_moments(const struct wh_model *m, const struct wh_adamw *opt, const char *path,
    struct wh_error *err)
{
	size_t n = 0, cap = 2 * (16 + 12 * (size_t)m->cfg.layers);
	struct wh_st_entry *e = wh_xcalloc(cap, sizeof *e);
	char (*names)[160] = wh_xcalloc(cap, sizeof *names);
	char name[128];
	int rc;

	for (int k = 0; k < 2; k++)
		for (size_t i = 0; wh_model_tensor(m, k ? opt->v : opt->m, i, &e[n], name,
		    sizeof name); i++, n++) {
			snprintf(names[n], sizeof names[n], "%s%s", k ? "v." : "m.", name);
			e[n].name = names[n];
		}
	rc = wh_safetensors_write(path, e, n, err);
	free(e);
	free(names);
	return rc;
}

static int
write_all(const char *tmp, const struct wh_model *m, const struct wh_adamw *opt,
    const struct train_state *st, const struct wh_train_opts *o,
    const struct wh_train_data *d, struct wh_error *err)
{
	struct wh_buf b = { 0 }, empty = { 0 };
	char *opath = path_of(tmp, "optimizer.safetensors");
	int rc;

	state_json(&b, st, o, d, opt->t);
	rc = wh_model_save(m, tmp, err);
	if (rc == 0)
		rc = write_moments(m, opt, opath, err);
	if (rc == 0)
		rc = write_small(tmp, "state.json", &b, err);
	if (rc == 0)
		rc = write_small(tmp, "DONE", &empty, err);
	wh_buf_free(&b);
	free(opath);
	return rc;
}

int
wh_train_save(const struct wh_model *m, const struct wh_adamw *opt,
    const struct train_state *st, const struct wh_train_opts *o,
    const struct wh_train_data *d, struct wh_error *err)
{
	struct wh_buf tb = { 0 }, fb = { 0 };
	char *tmp, *final;
	int rc;

	wh_buf_printf(&tb, "%s/.checkpoint-%ld.tmp", o->out, st->step);
	wh_buf_printf(&fb, "%s/checkpoint-%ld", o->out, st->step);
	tmp = wh_buf_take(&tb);
	final = wh_buf_take(&fb);
	remove_checkpoint(tmp);
	rc = wh_mkdirs(tmp, err);
	if (rc == 0)
		rc = write_all(tmp, m, opt, st, o, d, err);
	if (rc == 0) {
		remove_checkpoint(final);
		if (rename(tmp, final) < 0)
			rc = wh_error_sys(err, final, errno, "cannot rename %s to", tmp);
		else
			rc = wh_fsync_dir_of(final, err);
	}
	if (rc < 0)
		remove_checkpoint(tmp);
	free(tmp);
	free(final);
	return rc;
}

/* ---- finding and loading the latest ---- */

static bool
complete(const char *dir)
{
	char *p = path_of(dir, "DONE");
	bool ok = access(p, F_OK) == 0;
	free(p);
	return ok;
}

long
wh_train_latest(const char *out, char *path, size_t size)
{
	DIR *d = opendir(out);
	struct dirent *de;
	long best = -1;

	if (d == NULL)
		return -1;
	while ((de = readdir(d)) != NULL) {
		char *end, *dir;
		if (strncmp(de->d_name, "checkpoint-", 11) != 0)
			continue;
		long step = strtol(de->d_name + 11, &end, 10);
		if (*end != '\0' || step <= best)
			continue;
		dir = path_of(out, de->d_name);
		if (complete(dir)) {
			best = step;
			snprintf(path, size, "%s", dir);
		}
		free(dir);
	}
	closedir(d);
	return best;
}

static double
num(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : -1;
}

/* Fill st from state.json; the run must have the same shape and data (the
 * data's hash is checked where the checkpoint has one: older ones lack it). */
static const char *
parse_state(const cJSON *o, struct train_state *st, long *adam_t,
    const struct wh_train_opts *opts, const struct wh_train_data *d)
{
	const cJSON *seed = cJSON_GetObjectItemCaseSensitive(o, "seed");
	const char *hash = cJSON_GetStringValue(cJSON_GetObjectItemCaseSensitive(o, "data_hash"));
	char ours[17];

	if (num(o, "step") < 0 || num(o, "epoch") < 0 || num(o, "next") < 0
	    || num(o, "adam_t") < 0)
		return "state.json lacks the step, epoch, data position or optimizer step";
	if (num(o, "batch") != opts->batch || num(o, "seq") != opts->seq
	    || num(o, "accum") != opts->accum || num(o, "val_frac") != opts->val_frac
	    || !cJSON_IsNumber(seed) || (uint64_t)seed->valuedouble != opts->seed)
		return "the checkpoint was made with another batch, seq, accum, "
		    "val-frac or seed";
	snprintf(ours, sizeof ours, "%016llx", (unsigned long long)d->hash);
	if (num(o, "documents") != (double)d->ndocs || (hash && strcmp(hash, ours) != 0))
		return "the checkpoint was made on a different data file";
	st->step = (long)num(o, "step");
	st->epoch = (long)num(o, "epoch");
	st->next = (size_t)num(o, "next");
	st->tokens = num(o, "tokens");
	st->seconds = num(o, "seconds");
	*adam_t = (long)num(o, "adam_t");
	return NULL;
}

static int
read_state(const char *dir, struct train_state *st, long *adam_t,
    const struct wh_train_opts *o, const struct wh_train_data *d, struct wh_error *err)
{
	char *p = path_of(dir, "state.json");
	struct wh_map map;
	const char *why = "not valid JSON";
	cJSON *j;
	int rc = wh_map_open(&map, p, err);

	if (rc == 0) {
		j = cJSON_ParseWithLength(map.data ? map.data : "", map.size);
		wh_map_close(&map);
		if (j)
			why = parse_state(j, st, adam_t, o, d);
		cJSON_Delete(j);
		if (why)
			rc = wh_error_set(err, p, 0, "%s", why);
	}
	free(p);
	return rc;
}

int
wh_train_resume(struct wh_model *m, struct wh_adamw *opt, struct train_state *st,
    const struct wh_train_opts *o, const struct wh_train_data *d, struct wh_error *err)
{
	char dir[4096];
	char *mp, *op;
	int rc;

	if (o->out == NULL || wh_train_latest(o->out, dir, sizeof dir) < 0)
		return 0;
	mp = path_of(dir, "model.safetensors");
	op = path_of(dir, "optimizer.safetensors");
	rc = read_state(dir, st, &opt->t, o, d, err);
	if (rc == 0)
		rc = wh_model_read(m, mp, "", m->params, err);
	if (rc == 0)
		rc = wh_model_read(m, op, "m.", opt->m, err);
	if (rc == 0)
		rc = wh_model_read(m, op, "v.", opt->v, err);
	free(mp);
	free(op);
	return rc;
}
