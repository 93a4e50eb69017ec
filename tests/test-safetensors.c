/* safetensors: a written file reads back, a real Hugging Face file reads,
 * and malformed headers are refused with a message instead of a crash. */
#include <stdint.h>

#include "unit.h"
#include "whittle/safetensors.h"

static void
check_round_trip(void)
{
	float a[6] = { 1, -2, 3.5f, 0, 1e-30f, 7 }, b[3] = { 9, 8, 7 }, out[6];
	struct wh_st_entry e[2] = {
		{ "z.weight", 2, { 2, 3 }, a },
		{ "a.bias", 1, { 3 }, b },
	};
	const char *path = unit_file("rt.safetensors", "", 0);
	struct wh_safetensors st;
	struct wh_error err;

	CHECK(wh_safetensors_write(path, e, 2, &err) == 0);
	CHECK(wh_safetensors_open(&st, path, &err) == 0);
	CHECK(st.n == 2);
	CHECK((st.data - (const unsigned char *)st.map.data) % 8 == 0);
	CHECK(wh_safetensors_read_f32(&st, "z.weight", out, 6, &err) == 0);
	CHECK(memcmp(out, a, sizeof a) == 0);
	CHECK(wh_safetensors_read_f32(&st, "a.bias", out, 3, &err) == 0);
	CHECK(memcmp(out, b, sizeof b) == 0);
	CHECK(wh_safetensors_find(&st, "a.bias")->off == 0);	/* sorted by name */
	CHECK(wh_safetensors_read_f32(&st, "a.bias", out, 4, &err) < 0);
	CHECK(wh_safetensors_read_f32(&st, "missing", out, 3, &err) < 0);
	CHECK(wh_safetensors_read_i32(&st, "a.bias", (int32_t *)out, 3, &err) < 0);
	wh_safetensors_close(&st);
	unlink(path);
}

/* A file of header text h followed by n zero bytes. */
static int
parse(const char *h, size_t n)
{
	size_t hl = strlen(h);
	unsigned char *f = calloc(1, 8 + hl + n);
	struct wh_safetensors st;
	struct wh_error err;
	int rc;

	for (int i = 0; i < 8; i++)
		f[i] = (unsigned char)(hl >> (8 * i));
	memcpy(f + 8, h, hl);
	rc = wh_safetensors_parse(&st, f, 8 + hl + n, &err);
	if (rc == 0)
		wh_safetensors_close(&st);
	free(f);
	return rc;
}

static void
check_bad_headers(void)
{
	CHECK(parse("{}", 0) == 0);
	CHECK(parse("{\"a\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]}}  ", 4) == 0);
	CHECK(parse("{\"__metadata__\":{\"format\":\"pt\"}}", 0) == 0);
	CHECK(parse("{\"__metadata__\":{\"format\":1}}", 0) < 0);
	CHECK(parse("[]", 0) < 0);
	CHECK(parse("{", 0) < 0);
	CHECK(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4]}}", 4) < 0);
	CHECK(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}", 8) < 0);
	CHECK(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8) < 0);
	CHECK(parse("{\"a\":{\"dtype\":\"X\",\"shape\":[1],\"data_offsets\":[0,4]}}", 4) < 0);
	CHECK(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[-1],\"data_offsets\":[0,4]}}", 4) < 0);
	CHECK(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]},"
	    "\"a\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[4,8]}}", 8) < 0);
	CHECK(parse("{\"a\":{\"dtype\":\"F32\",\"shape\":[99999999999999,99999999999999],"
	    "\"data_offsets\":[0,4]}}", 4) < 0);
}

static void
check_too_long(void)
{
	unsigned char f[16] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, '{', '}' };
	struct wh_safetensors st;
	struct wh_error err;

	CHECK(wh_safetensors_parse(&st, f, sizeof f, &err) < 0);
	CHECK(wh_safetensors_parse(&st, f, 4, &err) < 0);
}

/* A file cut short: the error names the file and keeps its message (it
 * used to be formatted from itself, and came out empty). */
static void
check_cut_file(void)
{
	unsigned char f[12] = { 100, 0, 0, 0, 0, 0, 0, 0, '{', '"', 'a', '"' };
	const char *path = unit_file("cut.safetensors", f, sizeof f);
	struct wh_safetensors st;
	struct wh_error err;

	CHECK(wh_safetensors_open(&st, path, &err) < 0);
	CHECK(strcmp(err.file, path) == 0);
	CHECK(strcmp(err.msg, "cut short: a 100-byte header in a 12-byte file") == 0);
	unlink(path);
}

static void
check_hf_file(void)
{
	const char *src = getenv("SRCDIR");
	char path[4096];
	struct wh_safetensors st;
	struct wh_error err;

	snprintf(path, sizeof path, "%s/../shared/data/hf-fixtures/tiny-qwen2/model.safetensors",
	    src ? src : WH_SRCDIR);
	if (access(path, R_OK) != 0) {
		printf("skipping the Hugging Face file: %s is absent\n", path);
		return;
	}
	CHECK(wh_safetensors_open(&st, path, &err) == 0);
	const struct wh_st_tensor *t = wh_safetensors_find(&st, "model.layers.1.self_attn.q_proj.bias");
	CHECK(t != NULL && t->ndim == 1 && t->shape[0] == 64 && t->dtype == WH_F32);
	wh_safetensors_close(&st);
}

int
main(void)
{
	check_round_trip();
	check_bad_headers();
	check_too_long();
	check_cut_file();
	check_hf_file();
	return unit_done("test-safetensors");
}
