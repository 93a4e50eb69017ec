/* safetensors reading and writing: the header is a JSON object of tensor
 * entries validated as the reference reader does (known dtype, sizes that
 * match shapes, offsets contiguous from 0, buffer exactly used). */
#include <stdlib.h>
#include <string.h>

#include "whittle/buf.h"
#include "whittle/json.h"
#include "whittle/safetensors.h"

#define MAX_HEADER 100000000u

static const struct {
	const char *name;
	enum wh_dtype dtype;
	size_t size;
} dtypes[] = {
	{ "F32", WH_F32, 4 }, { "F16", WH_F16, 2 }, { "BF16", WH_BF16, 2 },
	{ "I32", WH_I32, 4 }, { "I64", WH_I64, 8 },
	{ "BOOL", WH_DTYPE_OTHER, 1 }, { "U8", WH_DTYPE_OTHER, 1 },
	{ "I8", WH_DTYPE_OTHER, 1 }, { "I16", WH_DTYPE_OTHER, 2 },
	{ "U16", WH_DTYPE_OTHER, 2 }, { "U32", WH_DTYPE_OTHER, 4 },
	{ "U64", WH_DTYPE_OTHER, 8 }, { "F64", WH_DTYPE_OTHER, 8 },
};

/* A JSON number node as a non-negative integer below 2^53; -1 if not. */
static int64_t
json_uint(const struct wh_json *j, long node)
{
	const struct wh_jnode *n = &j->nodes[node];
	int64_t v = 0;

	if (n->type != WH_JNUMBER || n->end - n->start > 15)
		return -1;
	for (size_t i = n->start; i < n->end; i++) {
		char c = j->text[i];
		if (c < '0' || c > '9')
			return -1;
		v = v * 10 + (c - '0');
	}
	return v;
}

static int
dtype_of(const struct wh_json *j, long node, struct wh_st_tensor *t, size_t *elsize)
{
	if (j->nodes[node].type != WH_JSTRING)
		return -1;
	for (size_t i = 0; i < sizeof dtypes / sizeof dtypes[0]; i++)
		if (wh_json_string_eq(j, node, dtypes[i].name)) {
			t->dtype = dtypes[i].dtype;
			*elsize = dtypes[i].size;
			return 0;
		}
	return -1;
}

/* Fill t from the entry object at node; checks sizes against the shape. */
static const char *
parse_entry(const struct wh_json *j, long node, struct wh_st_tensor *t)
{
	long dt = wh_json_member(j, node, "dtype");
	long sh = wh_json_member(j, node, "shape");
	long of = wh_json_member(j, node, "data_offsets");
	size_t elsize;

	if (j->nodes[node].type != WH_JOBJECT || dt < 0 || sh < 0 || of < 0)
		return "a tensor entry needs dtype, shape and data_offsets";
	if (dtype_of(j, dt, t, &elsize) < 0)
		return "unknown dtype";
	if (j->nodes[sh].type != WH_JARRAY || j->nodes[sh].count > WH_ST_MAXDIM)
		return "shape is not an array of at most 8 sizes";
	t->ndim = (int)j->nodes[sh].count;
	t->numel = 1;
	for (int d = 0; d < t->ndim; d++) {
		int64_t v = json_uint(j, wh_json_element(j, sh, (uint32_t)d));
		if (v < 0 || (v > 0 && t->numel > (SIZE_MAX / 8) / (size_t)v))
			return "bad shape";
		t->shape[d] = v;
		t->numel *= (size_t)v;
	}
	if (j->nodes[of].type != WH_JARRAY || j->nodes[of].count != 2)
		return "data_offsets is not [begin, end]";
	int64_t b = json_uint(j, wh_json_element(j, of, 0));
	int64_t e = json_uint(j, wh_json_element(j, of, 1));
	if (b < 0 || e < b)
		return "bad data_offsets";
	if ((size_t)(e - b) != t->numel * elsize)
		return "data_offsets do not match dtype and shape";
	t->off = (size_t)b;
	t->size = (size_t)(e - b);
	return NULL;
}

static int
by_offset(const void *a, const void *b)
{
	const struct wh_st_tensor *x = a, *y = b;
	return x->off < y->off ? -1 : x->off > y->off;
}

static const char *
check_metadata(const struct wh_json *j, long node)
{
	if (j->nodes[node].type != WH_JOBJECT)
		return "__metadata__ is not an object";
	for (long m = node + 1; m < (long)j->nodes[node].next; m = j->nodes[m + 1].next)
		if (j->nodes[m + 1].type != WH_JSTRING)
			return "__metadata__ values must be strings";
	return NULL;
}

/* Read the entries of the parsed header object into st. */
static const char *
parse_entries(struct wh_safetensors *st, const struct wh_json *j)
{
	struct wh_buf name = { 0 };
	const char *why = NULL;

	st->t = wh_xcalloc(j->nodes[0].count ? j->nodes[0].count : 1, sizeof *st->t);
	for (long k = 1; k < (long)j->nodes[0].next && !why; k = j->nodes[k + 1].next) {
		if (wh_json_string_eq(j, k, "__metadata__")) {
			why = check_metadata(j, k + 1);
			continue;
		}
		struct wh_st_tensor *t = &st->t[st->n];
		wh_buf_clear(&name);
		wh_json_string(j, k, &name);
		t->name = wh_xstrndup(name.data ? name.data : "", name.len);
		st->n++;
		why = parse_entry(j, k + 1, t);
	}
	wh_buf_free(&name);
	return why;
}

/* Offsets must tile [0, data_size) with no hole and no overlap. */
static const char *
check_layout(struct wh_safetensors *st)
{
	struct wh_st_tensor *s = wh_xmalloc((st->n ? st->n : 1) * sizeof *s);
	size_t at = 0;
	const char *why = NULL;

	memcpy(s, st->t, st->n * sizeof *s);
	qsort(s, st->n, sizeof *s, by_offset);
	for (size_t i = 0; i < st->n && !why; i++) {
		if (s[i].off != at)
			why = "tensor data offsets leave a hole or overlap";
		at += s[i].size;
	}
	if (!why && at != st->data_size)
		why = "the byte buffer is not the size the header describes";
	free(s);
	return why;
}

static int
duplicate_names(const struct wh_safetensors *st)
{
	for (size_t i = 0; i < st->n; i++)
		for (size_t k = i + 1; k < st->n; k++)
			if (strcmp(st->t[i].name, st->t[k].name) == 0)
				return 1;
	return 0;
}

int
wh_safetensors_parse(struct wh_safetensors *st, const void *bytes, size_t size,
    struct wh_error *err)
{
	const unsigned char *p = bytes;
	struct wh_json j = { 0 };
	struct wh_jerror je;
	const char *why = NULL;
	uint64_t hlen = 0;

	st->t = NULL;
	st->n = 0;
	if (size < 8)
		return wh_error_set(err, "", 0, "too short for a safetensors file");
	for (int i = 7; i >= 0; i--)
		hlen = hlen << 8 | p[i];
	if (hlen > MAX_HEADER)
		return wh_error_set(err, "", 0, "header length %llu is too large",
		    (unsigned long long)hlen);
	if (hlen > size - 8)
		return wh_error_set(err, "", 0, "cut short: a %llu-byte header in a "
		    "%zu-byte file", (unsigned long long)hlen, size);
	if (hlen == 0 || p[8] != '{')
		return wh_error_set(err, "", 0, "the header is not a JSON object");
	if (wh_json_parse(&j, (const char *)p + 8, hlen, &je) < 0) {
		wh_json_free(&j);
		return wh_error_set(err, "", 0, "header JSON at byte %zu: %s",
		    je.offset + 8, je.msg);
	}
	st->data = p + 8 + hlen;
	st->data_size = size - 8 - hlen;
	if (j.nodes[0].type != WH_JOBJECT)
		why = "the header is not a JSON object";
	else if ((why = parse_entries(st, &j)) == NULL && (why = check_layout(st)) == NULL
	    && duplicate_names(st))
		why = "a tensor name occurs twice";
	wh_json_free(&j);
	if (why) {
		wh_safetensors_close(st);
		return wh_error_set(err, "", 0, "%s", why);
	}
	return 0;
}

int
wh_safetensors_open(struct wh_safetensors *st, const char *path,
    struct wh_error *err)
{
	memset(st, 0, sizeof *st);
	if (wh_map_open(&st->map, path, err) < 0)
		return -1;
	if (wh_safetensors_parse(st, st->map.data, st->map.size, err) < 0) {
		wh_map_close(&st->map);
		memset(st, 0, sizeof *st);
		return wh_error_in(err, path);
	}
	return 0;
}

void
wh_safetensors_close(struct wh_safetensors *st)
{
	for (size_t i = 0; i < st->n; i++)
		free(st->t[i].name);
	free(st->t);
	st->t = NULL;
	st->n = 0;
	if (st->map.data || st->map.size)
		wh_map_close(&st->map);
	memset(&st->map, 0, sizeof st->map);
}

const struct wh_st_tensor *
wh_safetensors_find(const struct wh_safetensors *st, const char *name)
{
	for (size_t i = 0; i < st->n; i++)
		if (strcmp(st->t[i].name, name) == 0)
			return &st->t[i];
	return NULL;
}

static const struct wh_st_tensor *
find_sized(const struct wh_safetensors *st, const char *name, size_t numel,
    struct wh_error *err)
{
	const struct wh_st_tensor *t = wh_safetensors_find(st, name);

	if (t == NULL)
		wh_error_set(err, "", 0, "tensor %s is missing", name);
	else if (t->numel != numel) {
		wh_error_set(err, "", 0, "tensor %s has %zu elements, not %zu", name,
		    t->numel, numel);
		t = NULL;
	}
	return t;
}

static float
half_to_f32(uint16_t h)
{
	uint32_t sign = (uint32_t)(h >> 15) << 31, exp = h >> 10 & 31, man = h & 1023;
	uint32_t bits;
	float f;

	if (exp == 31)
		bits = sign | 0x7f800000u | man << 13;
	else if (exp != 0)
		bits = sign | (exp + 112) << 23 | man << 13;
	else if (man == 0)
		bits = sign;
	else {
		f = (float)man / 16777216.0f;	/* man * 2^-24 */
		return sign ? -f : f;
	}
	memcpy(&f, &bits, 4);
	return f;
}

int
wh_safetensors_read_f32(const struct wh_safetensors *st, const char *name,
    float *out, size_t numel, struct wh_error *err)
{
	const struct wh_st_tensor *t = find_sized(st, name, numel, err);
	const unsigned char *p;

	if (t == NULL)
		return -1;
	p = st->data + t->off;
	for (size_t i = 0; i < numel; i++) {
		uint16_t h;
		uint32_t bits;
		switch (t->dtype) {
		case WH_F32:
			memcpy(&out[i], p + 4 * i, 4);
			break;
		case WH_F16:
			memcpy(&h, p + 2 * i, 2);
			out[i] = half_to_f32(h);
			break;
		case WH_BF16:
			memcpy(&h, p + 2 * i, 2);
			bits = (uint32_t)h << 16;
			memcpy(&out[i], &bits, 4);
			break;
		default:
			return wh_error_set(err, "", 0, "tensor %s is not F32, F16 or BF16",
			    name);
		}
	}
	return 0;
}

int
wh_safetensors_read_i32(const struct wh_safetensors *st, const char *name,
    int32_t *out, size_t numel, struct wh_error *err)
{
	const struct wh_st_tensor *t = find_sized(st, name, numel, err);

	if (t == NULL)
		return -1;
	if (t->dtype != WH_I32 && t->dtype != WH_I64)
		return wh_error_set(err, "", 0, "tensor %s is not I32 or I64", name);
	for (size_t i = 0; i < numel; i++) {
		int64_t v;
		if (t->dtype == WH_I32) {
			memcpy(&out[i], st->data + t->off + 4 * i, 4);
			continue;
		}
		memcpy(&v, st->data + t->off + 8 * i, 8);
		out[i] = (int32_t)v;
	}
	return 0;
}

static size_t
entry_numel(const struct wh_st_entry *e)
{
	size_t n = 1;
	for (int d = 0; d < e->ndim; d++)
		n *= (size_t)e->shape[d];
	return n;
}

static int
by_name(const void *a, const void *b)
{
	const struct wh_st_entry *const *x = a, *const *y = b;
	return strcmp((*x)->name, (*y)->name);
}

static void
write_header(struct wh_buf *h, const struct wh_st_entry **s, size_t n)
{
	size_t off = 0;

	wh_buf_adds(h, "{\"__metadata__\":{\"format\":\"pt\"}");
	for (size_t i = 0; i < n; i++) {
		size_t bytes = entry_numel(s[i]) * 4;
		wh_buf_addc(h, ',');
		wh_json_quote(h, s[i]->name, strlen(s[i]->name));
		wh_buf_adds(h, ":{\"dtype\":\"F32\",\"shape\":[");
		for (int d = 0; d < s[i]->ndim; d++)
			wh_buf_printf(h, d ? ",%lld" : "%lld", (long long)s[i]->shape[d]);
		wh_buf_printf(h, "],\"data_offsets\":[%zu,%zu]}", off, off + bytes);
		off += bytes;
	}
	wh_buf_addc(h, '}');
	while (h->len % 8)
		wh_buf_addc(h, ' ');
}

int
wh_safetensors_write(const char *path, const struct wh_st_entry *e, size_t n,
    struct wh_error *err)
{
	const struct wh_st_entry **s = wh_xmalloc((n ? n : 1) * sizeof *s);
	struct wh_buf h = { 0 };
	struct wh_atomic a;
	unsigned char len[8];
	int bad = 0;

	for (size_t i = 0; i < n; i++)
		s[i] = &e[i];
	qsort(s, n, sizeof *s, by_name);
	write_header(&h, s, n);
	for (int i = 0; i < 8; i++)
		len[i] = (unsigned char)((uint64_t)h.len >> (8 * i));
	if (wh_atomic_open(&a, path, err) < 0) {
		free(s);
		wh_buf_free(&h);
		return -1;
	}
	bad |= fwrite(len, 1, 8, a.fp) != 8;
	bad |= fwrite(h.data, 1, h.len, a.fp) != h.len;
	for (size_t i = 0; i < n && !bad; i++)
		bad |= fwrite(s[i]->data, 4, entry_numel(s[i]), a.fp) != entry_numel(s[i]);
	free(s);
	wh_buf_free(&h);
	if (bad) {
		wh_atomic_abort(&a);
		return wh_error_set(err, path, 0, "cannot write");
	}
	return wh_atomic_commit(&a, err);
}
