/* Fuzz target for the tokenizer (clang -fsanitize=fuzzer; `make
 * fuzz-tokenizer`): the first byte picks loading the rest as a tokenizer.json
 * or encoding it as text. Built with FUZZ_REPLAY it is a unit test that feeds
 * the fixtures, cut short and mutated, and random texts through the same code. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/file.h"
#include "whittle/tokenizer.h"

static const char *const fixtures[] = { "tiny-qwen.json", "tiny-gpt2.json" };
static struct wh_tokenizer *loaded[2];

static void
load_fixtures(void)
{
	for (int i = 0; i < 2; i++) {
		char path[4096];
		struct wh_error err;
		snprintf(path, sizeof path, "%s/tests/tokenizer/%s", WH_SRCDIR, fixtures[i]);
		if ((loaded[i] = wh_tokenizer_load(path, &err)) == NULL) {
			fprintf(stderr, "%s: %s\n", path, err.msg);
			abort();
		}
	}
}

/* Encode, count and decode must agree and never fail on ids encode gives. */
static void
encode_checked(const struct wh_tokenizer *t, const char *text, size_t len)
{
	struct wh_ids ids = {0};
	struct wh_buf out = {0};
	struct wh_error err;

	wh_tokenizer_encode(t, text, len, &ids);
	if (wh_tokenizer_count(t, text, len) != ids.n ||
	    wh_tokenizer_decode(t, ids.v, ids.n, false, &out, &err) != 0)
		abort();
	wh_buf_free(&out);
	wh_ids_free(&ids);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char sample[] = "Hello <|im_end|> world  12345 it's\n\n 中文 é";
	struct wh_error err;

	if (size == 0)
		return 0;
	if (loaded[0] == NULL)
		load_fixtures();
	if (data[0] & 1) {
		encode_checked(loaded[(data[0] >> 1) & 1], (const char *)data + 1, size - 1);
		return 0;
	}
	struct wh_tokenizer *t = wh_tokenizer_parse((const char *)data + 1, size - 1,
	    "fuzz", &err);
	if (t) {
		encode_checked(t, sample, sizeof sample - 1);
		wh_tokenizer_free(t);
	}
	return 0;
}

#ifdef FUZZ_REPLAY
#include "fuzz-replay.h"

static void
run(uint8_t mode, const char *bytes, size_t n)
{
	uint8_t *in = malloc(n + 1);

	in[0] = mode;
	memcpy(in + 1, bytes, n);
	LLVMFuzzerTestOneInput(in, n + 1);
	free(in);
}

/* The fixture whole, cut at many places, and with bytes changed. */
static void
replay_fixture(const char *name)
{
	char path[4096];
	struct wh_map m;
	struct wh_error err;

	snprintf(path, sizeof path, "%s/tests/tokenizer/%s", WH_SRCDIR, name);
	if (wh_map_open(&m, path, &err) < 0)
		abort();
	char *copy = malloc(m.size);
	run(0, m.data, m.size);
	for (int i = 0; i < 100; i++)
		run(0, m.data, next_random() % m.size);
	for (int i = 0; i < 200; i++) {
		memcpy(copy, m.data, m.size);
		for (int k = 0; k < 4; k++)
			copy[next_random() % m.size] = "\"\\{}[],:0 azĠ"[next_random() % 14];
		run(0, copy, m.size);
	}
	free(copy);
	wh_map_close(&m);
}

/* Random texts, biased to the bytes that matter: ASCII, UTF-8 lead and
 * continuation bytes, '<' and '|' of special tokens. */
static void
replay_texts(void)
{
	static const char alphabet[] = "ab <|>'s1\n\t\xc3\xa9\xe4\xb8\xad\x80\xff\xcc\x81";
	char text[300];

	for (int i = 0; i < 2000; i++) {
		size_t n = next_random() % sizeof text;
		for (size_t k = 0; k < n; k++)
			text[k] = alphabet[next_random() % (sizeof alphabet - 1)];
		run((uint8_t)(1 | (i & 2)), text, n);
	}
}

int
main(void)
{
	for (int i = 0; i < 2; i++)
		replay_fixture(fixtures[i]);
	replay_texts();
	for (int i = 0; i < 2; i++)
		wh_tokenizer_free(loaded[i]);
	puts("fuzz-tokenizer replay: done");
	return 0;
}
#endif
