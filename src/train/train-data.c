/* Training documents from JSON lines (plain or gzip-compressed): token ids
 * with optional loss masks (ids and mask, or input_ids and loss_mask as
 * export-sft writes them), or texts (prompt + completion: loss on the
 * completion) through a tokenizer or as bytes. */
#include <cjson/cJSON.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/buf.h"
#include "whittle/file.h"
#include "whittle/hash.h"
#include "whittle/paths.h"
#include "whittle/tokenizer.h"
#include "whittle/train.h"

struct builder {
	struct wh_train_data *d;
	size_t cap, doccap;
	const struct wh_tokenizer *tok;
	int vocab, eos;
};

static void
push(struct builder *b, int32_t id, uint8_t loss)
{
	struct wh_train_data *d = b->d;

	if (d->ntokens == b->cap) {
		b->cap = b->cap ? 2 * b->cap : 4096;
		d->ids = wh_xrealloc(d->ids, b->cap * sizeof *d->ids);
		d->loss = wh_xrealloc(d->loss, b->cap);
	}
	d->ids[d->ntokens] = id;
	d->loss[d->ntokens++] = loss;
}

/* The document just pushed came from record rec, whose "id" is id. */
static void
end_doc(struct builder *b, size_t rec, const cJSON *id)
{
	struct wh_train_data *d = b->d;

	if (d->ndocs + 2 > b->doccap) {
		b->doccap = b->doccap ? 2 * b->doccap : 256;
		d->start = wh_xrealloc(d->start, b->doccap * sizeof *d->start);
		d->record = wh_xrealloc(d->record, b->doccap * sizeof *d->record);
		d->id = wh_xrealloc(d->id, b->doccap * sizeof *d->id);
	}
	d->record[d->ndocs] = rec;
	d->id[d->ndocs] = cJSON_IsString(id) || cJSON_IsNumber(id)
	    ? cJSON_PrintUnformatted(id) : NULL;
	d->start[++d->ndocs] = d->ntokens;
}

static void
push_text(struct builder *b, const char *s, uint8_t loss)
{
	if (b->tok == NULL) {
		for (const unsigned char *p = (const unsigned char *)s; *p; p++)
			push(b, *p, loss);
		return;
	}
	struct wh_ids ids = { 0 };
	wh_tokenizer_encode(b->tok, s, strlen(s), &ids);
	for (size_t i = 0; i < ids.n; i++)
		push(b, (int32_t)ids.v[i], loss);
	wh_ids_free(&ids);
}

static const char *
push_ids(struct builder *b, const cJSON *ids, const cJSON *mask)
{
	int n = cJSON_GetArraySize(ids);

	if (mask && (!cJSON_IsArray(mask) || cJSON_GetArraySize(mask) != n))
		return "the mask is not an array as long as the ids";
	for (int i = 0; i < n; i++) {
		const cJSON *v = cJSON_GetArrayItem(ids, i);
		const cJSON *k = mask ? cJSON_GetArrayItem(mask, i) : NULL;
		if (!cJSON_IsNumber(v) || v->valuedouble < 0 || v->valuedouble >= b->vocab
		    || v->valuedouble != (int)v->valuedouble)
			return "a token id is not an integer below the vocabulary size"
			    " (ids of a tokenizer need its --tokenizer, or --init)";
		push(b, (int32_t)v->valuedouble, k ? cJSON_IsTrue(k)
		    || (cJSON_IsNumber(k) && k->valuedouble != 0) : 1);
	}
	return NULL;
}

/* o's member name, or else its member alt (Hugging Face's name, which the
 * export-sft step writes: input_ids, loss_mask). */
static const cJSON *
member(const cJSON *o, const char *name, const char *alt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

	return v ? v : cJSON_GetObjectItemCaseSensitive(o, alt);
}

/* Why a line that is not a training line is bad: a trace dataset's record
 * is one of these. */
static const char NO_FIELDS[] = "a line needs \"ids\", \"text\", or \"prompt\" and \"completion\"";
static const char NOT_BOTH[] = "\"prompt\" and \"completion\" are not both strings";

static const char *
push_line(struct builder *b, const cJSON *o)
{
	const cJSON *ids = member(o, "ids", "input_ids");
	const cJSON *text = cJSON_GetObjectItemCaseSensitive(o, "text");
	const cJSON *prompt = cJSON_GetObjectItemCaseSensitive(o, "prompt");
	const cJSON *completion = cJSON_GetObjectItemCaseSensitive(o, "completion");
	const char *why = NULL;

	if (cJSON_IsArray(ids))
		why = push_ids(b, ids, member(o, "mask", "loss_mask"));
	else if (cJSON_IsString(text))
		push_text(b, text->valuestring, 1);
	else if (cJSON_IsString(prompt) && cJSON_IsString(completion)) {
		push_text(b, prompt->valuestring, 0);
		push_text(b, completion->valuestring, 1);
	} else if (ids)
		return "\"ids\" is not an array";
	else if (text)
		return "\"text\" is not a string";
	else if (prompt || completion)
		return NOT_BOTH;
	else
		return NO_FIELDS;
	if (!why && !cJSON_IsArray(ids) && b->eos >= 0)
		push(b, b->eos, 1);
	if (!why)
		for (size_t i = b->d->start[b->d->ndocs]; i < b->d->ntokens; i++)
			if (b->d->ids[i] >= b->vocab)
				why = "the tokenizer gives ids beyond the model's vocabulary";
	return why;
}

/* The gzip file at path decompressed into *out (a .jsonl.gz, as run, step
 * and export write them; *out is malloc'd, *n its size). */
static int
gunzip(const char *path, char **out, size_t *n, struct wh_error *err)
{
	FILE *f = open_memstream(out, n);
	char damage[256];
	int rc;

	if (f == NULL)
		return wh_error_sys(err, path, errno, "cannot decompress");
	rc = wh_gunzip(path, f, damage, sizeof damage, err);
	fclose(f);
	if (rc == 0 && damage[0])
		rc = wh_error_set(err, path, 0, "the gzip data is damaged or cut short");
	if (rc < 0) {
		free(*out);
		*out = NULL;
	}
	return rc;
}

int
wh_train_data_load(struct wh_train_data *d, const char *path,
    const struct wh_tokenizer *tok, int vocab, int eos, struct wh_error *err)
{
	struct builder b = { .d = d, .tok = tok, .vocab = vocab, .eos = eos };
	struct wh_map map;
	long line = 0;

	memset(d, 0, sizeof *d);
	char *text = NULL;	/* the decompressed data of a .gz */
	const char *data;
	size_t size;

	if (wh_map_open(&map, path, err) < 0)
		return -1;
	data = map.data;
	size = map.size;
	if (size >= 2 && (unsigned char)data[0] == 0x1f && (unsigned char)data[1] == 0x8b) {
		if (gunzip(path, &text, &size, err) < 0) {
			wh_map_close(&map);
			return -1;
		}
		data = text;
	}
	b.doccap = 256;
	d->start = wh_xmalloc(b.doccap * sizeof *d->start);
	d->record = wh_xmalloc(b.doccap * sizeof *d->record);
	d->id = wh_xmalloc(b.doccap * sizeof *d->id);
	d->start[0] = 0;
	d->path = wh_abspath(path);
	d->bytes = map.size;
	d->hash = wh_hash(WH_HASH_SEED, map.data, map.size);
	for (size_t at = 0; at < size;) {
		const char *s = data + at, *nl = memchr(s, '\n', size - at);
		size_t len = nl ? (size_t)(nl - s) : size - at;
		at += len + 1;
		line++;
		if (strspn(s, " \t\r") >= len)
			continue;
		cJSON *o = cJSON_ParseWithLength(s, len);
		size_t from = d->ntokens;
		const char *why = o ? push_line(&b, o) : "not valid JSON";
		if (why) {
			if (d->n_bad < WH_BAD_KEPT)
				d->bad[d->n_bad] = (struct wh_bad){ (uint32_t)line, wh_xstrdup(why) };
			d->n_bad++;
			d->ntokens = from;	/* what the line pushed before it failed */
			d->records++;
			cJSON_Delete(o);
			continue;
		}
		d->ntokens = d->ntokens < d->start[d->ndocs] + 2 ? d->start[d->ndocs]
		    : d->ntokens;	/* a document needs two tokens to teach anything */
		if (d->ntokens > d->start[d->ndocs])
			end_doc(&b, d->records, cJSON_GetObjectItemCaseSensitive(o, "id"));
		d->records++;
		cJSON_Delete(o);
	}
	free(text);
	wh_map_close(&map);
	if (d->ndocs == 0 && d->n_bad) {
		const char *why = d->bad[0].reason;
		/* a trace dataset given where training lines are wanted */
		const char *hint = strcmp(why, NO_FIELDS) == 0 || strcmp(why, NOT_BOTH) == 0
		    ? "; whittle export -f text, or a pipeline ending in export-sft, "
		    "writes lines to train on" : "";
		if (d->n_bad == 1)
			wh_error_set(err, path, d->bad[0].line, "%s (no document left%s)",
			    why, hint);
		else
			wh_error_set(err, path, d->bad[0].line, "%s (and %zu more bad lines, "
			    "no document left%s)", why, d->n_bad - 1, hint);
		wh_train_data_free(d);
		return -1;
	}
	if (d->ndocs == 0) {
		wh_train_data_free(d);
		return wh_error_set(err, path, 0, "no document of two tokens or more");
	}
	return 0;
}

void
wh_train_data_free(struct wh_train_data *d)
{
	for (size_t i = 0; d->id && i < d->ndocs; i++)
		free(d->id[i]);
	free(d->ids);
	free(d->loss);
	free(d->start);
	free(d->record);
	free(d->id);
	free(d->path);
	for (size_t i = 0; i < d->n_bad && i < WH_BAD_KEPT; i++)
		free(d->bad[i].reason);
	memset(d, 0, sizeof *d);
}
