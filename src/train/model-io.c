/* Hugging Face checkpoints of the builtin model: config.json
 * (LlamaForCausalLM / Qwen2ForCausalLM) and model.safetensors with HF's
 * tensor names, read and written. */
#include <cjson/cJSON.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/buf.h"
#include "whittle/file.h"
#include "whittle/model.h"
#include "whittle/safetensors.h"

/* Per-layer tensors in parameter-buffer order, with their HF names. */
static const struct {
	const char *name;
	bool bias_only;		/* present in Qwen2 only */
} layer_tensors[] = {
	{ "input_layernorm.weight", false }, { "self_attn.q_proj.weight", false },
	{ "self_attn.q_proj.bias", true }, { "self_attn.k_proj.weight", false },
	{ "self_attn.k_proj.bias", true }, { "self_attn.v_proj.weight", false },
	{ "self_attn.v_proj.bias", true }, { "self_attn.o_proj.weight", false },
	{ "post_attention_layernorm.weight", false }, { "mlp.gate_proj.weight", false },
	{ "mlp.up_proj.weight", false }, { "mlp.down_proj.weight", false },
};
#define NLAYER_TENSORS (sizeof layer_tensors / sizeof layer_tensors[0])

/* Rows and columns of layer tensor kind k (cols 0: a vector). */
static void
layer_shape(const struct wh_model_config *c, size_t k, int64_t *rows, int64_t *cols)
{
	int64_t C = c->hidden, F = c->intermediate;
	int64_t QD = (int64_t)c->heads * c->head_dim, KD = (int64_t)c->kv_heads * c->head_dim;
	const int64_t shape[NLAYER_TENSORS][2] = {
		{ C, 0 }, { QD, C }, { QD, 0 }, { KD, C }, { KD, 0 }, { KD, C },
		{ KD, 0 }, { C, QD }, { C, 0 }, { F, C }, { F, C }, { C, F },
	};
	*rows = shape[k][0];
	*cols = shape[k][1];
}

static float *const *
layer_field(const struct wh_model_params *p, size_t k)
{
	float *const *f[NLAYER_TENSORS] = { &p->ln1, &p->wq, &p->bq, &p->wk, &p->bk,
		&p->wv, &p->bv, &p->wo, &p->ln2, &p->wgate, &p->wup, &p->wdown };
	return f[k];
}

static void
set_entry(struct wh_st_entry *e, const char *name, int64_t rows, int64_t cols,
    const float *data)
{
	e->name = name;
	e->ndim = cols ? 2 : 1;
	e->shape[0] = rows;
	e->shape[1] = cols;
	e->data = data;
}

int
wh_model_tensor(const struct wh_model *m, const float *base, size_t i,
    struct wh_st_entry *e, char *buf, size_t size)
{
	const struct wh_model_config *c = &m->cfg;
	size_t kinds[NLAYER_TENSORS], nk = 0;
	int64_t rows, cols;

	for (size_t k = 0; k < NLAYER_TENSORS; k++)
		if (!layer_tensors[k].bias_only || c->arch == WH_QWEN2)
			kinds[nk++] = k;
	if (i == 0) {
		snprintf(buf, size, "model.embed_tokens.weight");
		set_entry(e, buf, c->vocab, c->hidden, base + (m->p.embed - m->params));
		return 1;
	}
	i--;
	if (i < (size_t)c->layers * nk) {
		size_t l = i / nk, k = kinds[i % nk];
		layer_shape(c, k, &rows, &cols);
		snprintf(buf, size, "model.layers.%zu.%s", l, layer_tensors[k].name);
		set_entry(e, buf, rows, cols, base + (*layer_field(&m->p, k) - m->params)
		    + l * rows * (cols ? cols : 1));
		return 1;
	}
	i -= (size_t)c->layers * nk;
	if (i == 0) {
		snprintf(buf, size, "model.norm.weight");
		set_entry(e, buf, c->hidden, 0, base + (m->p.norm - m->params));
		return 1;
	}
	if (i == 1 && !c->tied) {
		snprintf(buf, size, "lm_head.weight");
		set_entry(e, buf, c->vocab, c->hidden, base + (m->p.lm_head - m->params));
		return 1;
	}
	return 0;
}

/* ---- config.json ---- */

/* Read key as a whole number into *out (def when absent or null); a value
 * of another kind is named in *bad, the first one only. */
static void
get_int(const cJSON *o, const char *key, int def, int *out, const char **bad)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	if (v == NULL || cJSON_IsNull(v)) {
		*out = def;
		return;
	}
	if (cJSON_IsArray(v))	/* eos_token_id may be a list: take the first */
		v = cJSON_GetArrayItem(v, 0);
	if (cJSON_IsNumber(v) && v->valuedouble == (int)v->valuedouble)
		*out = (int)v->valuedouble;
	else if (*bad == NULL)
		*bad = key;
}

static double
get_double(const cJSON *o, const char *key, double def)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);
	return cJSON_IsNumber(v) ? v->valuedouble : def;
}

static int
parse_arch(const cJSON *o, enum wh_arch *arch)
{
	const cJSON *t = cJSON_GetObjectItemCaseSensitive(o, "model_type");

	if (cJSON_IsString(t) && strcmp(t->valuestring, "llama") == 0)
		*arch = WH_LLAMA;
	else if (cJSON_IsString(t) && strcmp(t->valuestring, "qwen2") == 0)
		*arch = WH_QWEN2;
	else
		return -1;
	return 0;
}

/* Options this code does not implement must be off. */
static const char *
unsupported(const cJSON *o)
{
	const cJSON *act = cJSON_GetObjectItemCaseSensitive(o, "hidden_act");
	const cJSON *scaling = cJSON_GetObjectItemCaseSensitive(o, "rope_scaling");

	if (act && !(cJSON_IsString(act) && strcmp(act->valuestring, "silu") == 0))
		return "hidden_act is not silu";
	if (scaling && !cJSON_IsNull(scaling))
		return "rope_scaling is not supported";
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "attention_bias")))
		return "attention_bias is not supported";
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "mlp_bias")))
		return "mlp_bias is not supported";
	if (cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "use_sliding_window")))
		return "sliding window attention is not supported";
	return NULL;
}

/* Fill c from a config.json object; returns why it cannot, or NULL. A
 * size or token id that is not a whole number is named in *bad. */
static const char *
parse_config(const cJSON *o, struct wh_model_config *c, const char **bad)
{
	const cJSON *rope = cJSON_GetObjectItemCaseSensitive(o, "rope_parameters");

	if (!cJSON_IsObject(o))
		return "not a JSON object";
	if (parse_arch(o, &c->arch) < 0)
		return "model_type is not llama or qwen2";
	get_int(o, "vocab_size", 0, &c->vocab, bad);
	get_int(o, "hidden_size", 0, &c->hidden, bad);
	get_int(o, "intermediate_size", 0, &c->intermediate, bad);
	get_int(o, "num_hidden_layers", 0, &c->layers, bad);
	get_int(o, "num_attention_heads", 0, &c->heads, bad);
	get_int(o, "num_key_value_heads", c->heads, &c->kv_heads, bad);
	get_int(o, "head_dim", c->heads ? c->hidden / c->heads : 0, &c->head_dim, bad);
	get_int(o, "max_position_embeddings", 2048, &c->max_pos, bad);
	get_int(o, "bos_token_id", -1, &c->bos, bad);
	get_int(o, "eos_token_id", -1, &c->eos, bad);
	if (*bad)
		return "is not a whole number";
	c->eps = (float)get_double(o, "rms_norm_eps", 1e-6);
	c->rope_theta = (float)get_double(o, "rope_theta",
	    get_double(rope, "rope_theta", 10000.0));
	c->tied = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(o, "tie_word_embeddings"));
	return unsupported(o);
}

static int
read_config(const char *path, struct wh_model_config *c, struct wh_error *err)
{
	struct wh_map map;
	cJSON *o;
	const char *why, *bad = NULL, *text, *end = NULL;

	if (wh_map_open(&map, path, err) < 0)
		return -1;
	text = map.data ? map.data : "";
	o = cJSON_ParseWithLengthOpts(text, map.size, &end, false);
	if (o == NULL) {	/* the line where the parser stopped */
		long line = 1;
		for (const char *p = text; end && p < end && p < text + map.size; p++)
			line += *p == '\n';
		wh_map_close(&map);
		return wh_error_set(err, path, line, "not valid JSON");
	}
	wh_map_close(&map);
	why = parse_config(o, c, &bad);
	cJSON_Delete(o);
	if (bad)
		return wh_error_set(err, path, 0, "%s %s", bad, why);
	if (why)
		return wh_error_set(err, path, 0, "%s", why);
	if (wh_model_config_check(c, err) < 0)
		return wh_error_in(err, path);
	if (c->bos >= c->vocab || c->eos >= c->vocab)
		return wh_error_set(err, path, 0, "bos or eos token id is out of range");
	return 0;
}

static char *
join(const char *dir, const char *name)
{
	struct wh_buf b = { 0 };
	wh_buf_printf(&b, "%s/%s", dir, name);
	return wh_buf_take(&b);
}

int
wh_model_read(struct wh_model *m, const char *path, const char *prefix,
    float *base, struct wh_error *err)
{
	struct wh_safetensors st;
	struct wh_st_entry e;
	char name[128], full[160];
	int rc = 0;

	if (wh_safetensors_open(&st, path, err) < 0)
		return -1;
	for (size_t i = 0; rc == 0 && wh_model_tensor(m, base, i, &e, name, sizeof name); i++) {
		size_t n = (size_t)e.shape[0] * (e.ndim == 2 ? (size_t)e.shape[1] : 1);
		snprintf(full, sizeof full, "%s%s", prefix, name);
		rc = wh_safetensors_read_f32(&st, full, (float *)e.data, n, err);
	}
	wh_safetensors_close(&st);
	if (rc < 0)
		return wh_error_in(err, path);
	return 0;
}

struct wh_model *
wh_model_load(const char *dir, struct wh_error *err)
{
	char *cpath = join(dir, "config.json"), *wpath = join(dir, "model.safetensors");
	struct wh_model_config c;
	struct wh_model *m = NULL;

	if (read_config(cpath, &c, err) == 0) {
		m = wh_model_alloc(&c);
		if (wh_model_read(m, wpath, "", m->params, err) < 0) {
			wh_model_free(m);
			m = NULL;
		}
	}
	free(cpath);
	free(wpath);
	return m;
}

int
wh_model_write(const struct wh_model *m, const char *path, const char *prefix,
    const float *base, struct wh_error *err)
{
	size_t n = 0, cap = 16 + 12 * (size_t)m->cfg.layers;
	struct wh_st_entry *e = wh_xcalloc(cap, sizeof *e);
	char (*names)[160] = wh_xcalloc(cap, sizeof *names);
	char name[128];
	int rc;

	while (wh_model_tensor(m, base, n, &e[n], name, sizeof name)) {
		snprintf(names[n], sizeof names[n], "%s%s", prefix, name);
		e[n].name = names[n];
		n++;
	}
	rc = wh_safetensors_write(path, e, n, err);
	free(e);
	free(names);
	return rc;
}

static void
config_json(const struct wh_model_config *c, struct wh_buf *b)
{
	bool qwen = c->arch == WH_QWEN2;

	wh_buf_printf(b, "{\n  \"architectures\": [\"%s\"],\n  \"model_type\": \"%s\",\n",
	    qwen ? "Qwen2ForCausalLM" : "LlamaForCausalLM", qwen ? "qwen2" : "llama");
	wh_buf_printf(b, "  \"vocab_size\": %d,\n  \"hidden_size\": %d,\n"
	    "  \"intermediate_size\": %d,\n  \"num_hidden_layers\": %d,\n"
	    "  \"num_attention_heads\": %d,\n  \"num_key_value_heads\": %d,\n"
	    "  \"head_dim\": %d,\n  \"max_position_embeddings\": %d,\n",
	    c->vocab, c->hidden, c->intermediate, c->layers, c->heads, c->kv_heads,
	    c->head_dim, c->max_pos);
	wh_buf_printf(b, "  \"hidden_act\": \"silu\",\n  \"rms_norm_eps\": %.9g,\n"
	    "  \"rope_theta\": %.9g,\n  \"rope_parameters\": {\"rope_type\": \"default\", "
	    "\"rope_theta\": %.9g},\n  \"tie_word_embeddings\": %s,\n",
	    c->eps, c->rope_theta, c->rope_theta, c->tied ? "true" : "false");
	if (!qwen)
		wh_buf_adds(b, "  \"attention_bias\": false,\n  \"mlp_bias\": false,\n");
	if (c->bos >= 0)
		wh_buf_printf(b, "  \"bos_token_id\": %d,\n", c->bos);
	else
		wh_buf_adds(b, "  \"bos_token_id\": null,\n");
	if (c->eos >= 0)
		wh_buf_printf(b, "  \"eos_token_id\": %d,\n", c->eos);
	else
		wh_buf_adds(b, "  \"eos_token_id\": null,\n");
	wh_buf_adds(b, "  \"torch_dtype\": \"float32\",\n  \"use_cache\": true\n}\n");
}

static int
write_text(const char *path, const struct wh_buf *b, struct wh_error *err)
{
	struct wh_atomic a;

	if (wh_atomic_open(&a, path, err) < 0)
		return -1;
	if (fwrite(b->data, 1, b->len, a.fp) != b->len) {
		wh_atomic_abort(&a);
		return wh_error_set(err, path, 0, "cannot write");
	}
	return wh_atomic_commit(&a, err);
}

int
wh_model_save(const struct wh_model *m, const char *dir, struct wh_error *err)
{
	char *cpath = join(dir, "config.json"), *wpath = join(dir, "model.safetensors");
	struct wh_buf b = { 0 };
	int rc;

	config_json(&m->cfg, &b);
	rc = write_text(cpath, &b, err);
	if (rc == 0)
		rc = wh_model_write(m, wpath, "", m->params, err);
	wh_buf_free(&b);
	free(cpath);
	free(wpath);
	return rc;
}
