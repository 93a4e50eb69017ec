/* Unit tests of the tokenizer on small hand-built tokenizer.json texts: what
 * loading refuses and why, BPE merge order, both merge forms, ignore_merges,
 * added tokens, decoding, and one tokenizer shared by threads. */
#include <pthread.h>

#include "unit.h"
#include "whittle/tokenizer.h"

/* Byte-level vocab: "a" "b" "c" "Ġ" (space) and merges into ab, abc, Ġa, bc. */
#define VOCAB "{\"a\":0,\"b\":1,\"c\":2,\"\\u0120\":3,\"ab\":4,\"abc\":5," \
	"\"\\u0120a\":6,\"bc\":7,\"ca\":8,\"z\\\"\":9,\"z\":10,\"\\\"\":11}"
#define STRING_MERGES "[\"#version: 0.2\",\"a b\",\"ab c\",\"\\u0120 a\",\"b c\",\"z \\\"\"]"
#define PAIR_MERGES "[[\"a\",\"b\"],[\"ab\",\"c\"],[\"\\u0120\",\"a\"],[\"b\",\"c\"],[\"z\",\"\\\"\"]]"
#define BYTE_LEVEL "{\"type\":\"ByteLevel\",\"add_prefix_space\":false,\"use_regex\":true}"
#define ADDED "[{\"id\":12,\"content\":\"<x>\",\"special\":true,\"normalized\":false}," \
	"{\"id\":13,\"content\":\"<y>\",\"special\":false,\"normalized\":false,\"lstrip\":true}]"

static char json[4096];

/* A tokenizer.json with the given pieces. */
static const char *
make(const char *model_type, const char *merges, const char *extra_model,
    const char *normalizer, const char *pre, const char *decoder)
{
	snprintf(json, sizeof json, "{\"version\":\"1.0\",\"added_tokens\":%s,"
	    "\"normalizer\":%s,\"pre_tokenizer\":%s,\"decoder\":%s,"
	    "\"model\":{\"type\":\"%s\",\"dropout\":null,%s\"vocab\":%s,\"merges\":%s}}",
	    ADDED, normalizer, pre, decoder, model_type, extra_model, VOCAB, merges);
	return json;
}

static struct wh_tokenizer *
parse(const char *text, struct wh_error *err)
{
	return wh_tokenizer_parse(text, strlen(text), "tok.json", err);
}

/* The ids of text as "1 2 3". */
static const char *
ids_of(const struct wh_tokenizer *t, const char *text)
{
	static char out[1024];
	struct wh_ids ids = {0};
	size_t k = 0;

	wh_tokenizer_encode(t, text, strlen(text), &ids);
	out[0] = '\0';
	for (size_t i = 0; i < ids.n; i++)
		k += (size_t)snprintf(out + k, sizeof out - k, i ? " %u" : "%u", ids.v[i]);
	if (wh_tokenizer_count(t, text, strlen(text)) != ids.n)
		snprintf(out, sizeof out, "count differs from encode");
	wh_ids_free(&ids);
	return out;
}

/* Loading fails with a message that holds want. */
static void
check_refused(const char *text, const char *want)
{
	struct wh_error err = {0};
	struct wh_tokenizer *t = parse(text, &err);

	CHECK(t == NULL);
	if (t == NULL && strstr(err.msg, want) == NULL) {
		unit_failures++;
		fprintf(stderr, "message \"%s\" lacks \"%s\"\n", err.msg, want);
	}
	wh_tokenizer_free(t);
}

static void
test_refusals(void)
{
	struct wh_error err = {0};

	CHECK(wh_tokenizer_load("/nonexistent/tokenizer.json", &err) == NULL);
	CHECK(strstr(err.file, "/nonexistent/tokenizer.json") != NULL);
	check_refused("{\"model\": {\"type\": \"BPE\",", "not valid JSON");
	check_refused("[1, 2]", "top level is not an object");
	check_refused(make("WordPiece", STRING_MERGES, "", "null", BYTE_LEVEL,
	    "{\"type\":\"ByteLevel\"}"), "unsupported model type \"WordPiece\"");
	check_refused(make("Unigram", STRING_MERGES, "", "null", BYTE_LEVEL,
	    "{\"type\":\"ByteLevel\"}"), "unsupported model type \"Unigram\"");
	check_refused(make("BPE", STRING_MERGES, "", "null",
	    "{\"type\":\"Metaspace\",\"replacement\":\"_\"}", "{\"type\":\"ByteLevel\"}"),
	    "unsupported pre-tokenizer \"Metaspace\"");
	check_refused(make("BPE", STRING_MERGES, "", "null",
	    "{\"type\":\"Sequence\",\"pretokenizers\":[{\"type\":\"Split\",\"pattern\":"
	    "{\"Regex\":\"a\"},\"behavior\":\"Isolated\",\"invert\":false}]}",
	    "{\"type\":\"ByteLevel\"}"), "no ByteLevel step");
	check_refused(make("BPE", STRING_MERGES, "", "{\"type\":\"Lowercase\"}",
	    BYTE_LEVEL, "{\"type\":\"ByteLevel\"}"), "unsupported normalizer \"Lowercase\"");
	check_refused(make("BPE", STRING_MERGES, "", "null", BYTE_LEVEL,
	    "{\"type\":\"WordPiece\"}"), "unsupported decoder");
	check_refused(make("BPE", "[\"a q\"]", "", "null", BYTE_LEVEL,
	    "{\"type\":\"ByteLevel\"}"), "merge \"a q\" uses a token the vocab lacks");
	check_refused(make("BPE", "[\"a b c\"]", "", "null", BYTE_LEVEL,
	    "{\"type\":\"ByteLevel\"}"), "not two tokens split by one space");
	check_refused(make("BPE", "[[\"a\"]]", "", "null", BYTE_LEVEL,
	    "{\"type\":\"ByteLevel\"}"), "not a pair of strings");
	check_refused(make("BPE", STRING_MERGES, "\"byte_fallback\":true,", "null",
	    BYTE_LEVEL, "{\"type\":\"ByteLevel\"}"), "byte_fallback");
	check_refused(make("BPE", STRING_MERGES, "\"continuing_subword_prefix\":\"##\",",
	    "null", BYTE_LEVEL, "{\"type\":\"ByteLevel\"}"), "continuing_subword_prefix");
	check_refused(make("BPE", STRING_MERGES, "", "null",
	    "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"(\"},\"behavior\":\"Isolated\"}",
	    "{\"type\":\"ByteLevel\"}"), "pre-tokenizer regex");
	check_refused(make("BPE", STRING_MERGES, "", "null",
	    "{\"type\":\"Split\",\"pattern\":{\"Regex\":\"a\"},\"behavior\":\"Removed\"}",
	    "{\"type\":\"ByteLevel\"}"), "unsupported Split behavior \"Removed\"");
	check_refused("{\"model\": {\"type\": \"BPE\"},\n\"pre_tokenizer\": 7}",
	    "pre_tokenizer is a JSON number");
	CHECK(err.line == 0);
	parse("{\n\n  \"model\": {\"type\": \"BPE\",", &err);
	CHECK(err.line == 3);
}

static void
test_bpe(const char *merges)
{
	struct wh_error err = {0};
	struct wh_tokenizer *t = parse(make("BPE", merges, "", "null", BYTE_LEVEL,
	    "{\"type\":\"ByteLevel\"}"), &err);

	CHECK(t != NULL);
	if (t == NULL) {
		fprintf(stderr, "load: %s\n", err.msg);
		return;
	}
	CHECK_STR(ids_of(t, "abc"), "5");
	CHECK_STR(ids_of(t, "bcab"), "7 4");		/* a b (rank 0) before b c */
	CHECK_STR(ids_of(t, " abc"), "3 5");		/* a b, then ab c; Ġ a lost */
	CHECK_STR(ids_of(t, " a"), "6");
	CHECK_STR(ids_of(t, "ca"), "2 0");		/* no merge c a */
	CHECK_STR(ids_of(t, "aqa"), "0 0");		/* q is in no token: dropped */
	CHECK_STR(ids_of(t, "\""), "11");		/* escaped quote in the vocab */
	CHECK_STR(ids_of(t, "a<x>b"), "0 12 1");	/* added token split out */
	CHECK_STR(ids_of(t, "a  <y>b"), "0 13 1");	/* lstrip takes the spaces */
	CHECK_STR(ids_of(t, ""), "");
	CHECK(wh_tokenizer_vocab_size(t) == 14);

	struct wh_buf out = {0};
	uint32_t ids[] = { 3, 5, 12, 7 }, bad = 99;
	CHECK(wh_tokenizer_decode(t, ids, 4, false, &out, &err) == 0);
	CHECK(out.len == 9 && memcmp(out.data, " abc<x>bc", 9) == 0);
	wh_buf_clear(&out);
	CHECK(wh_tokenizer_decode(t, ids, 4, true, &out, &err) == 0);
	CHECK(out.len == 6 && memcmp(out.data, " abcbc", 6) == 0);
	CHECK(wh_tokenizer_decode(t, &bad, 1, false, &out, &err) == -1);
	CHECK(strstr(err.msg, "99") != NULL);
	wh_buf_free(&out);
	wh_tokenizer_free(t);
}

static void
test_ignore_merges(void)
{
	struct wh_error err = {0};
	struct wh_tokenizer *t = parse(make("BPE", STRING_MERGES,
	    "\"ignore_merges\":true,", "null", BYTE_LEVEL, "{\"type\":\"ByteLevel\"}"), &err);

	CHECK(t != NULL);
	if (t) {
		CHECK_STR(ids_of(t, "ca"), "8");	/* in the vocab: taken whole */
		CHECK_STR(ids_of(t, "bcab"), "7 4");
	}
	wh_tokenizer_free(t);
}

static void
test_prefix_space_and_nfc(void)
{
	struct wh_error err = {0};
	struct wh_tokenizer *t = parse(make("BPE", STRING_MERGES, "",
	    "{\"type\":\"NFC\"}", "{\"type\":\"ByteLevel\",\"add_prefix_space\":true}",
	    "{\"type\":\"ByteLevel\"}"), &err);

	CHECK(t != NULL);
	if (t) {
		CHECK_STR(ids_of(t, "abc"), "3 5");	/* " abc" */
		CHECK_STR(ids_of(t, "a<x>a"), "6 12 6");	/* each piece */
	}
	wh_tokenizer_free(t);
}

struct shared {
	const struct wh_tokenizer *t;
	int bad;
};

static void *
encode_many(void *arg)
{
	struct shared *s = arg;
	static const char *texts[] = { "abc", "bcab", " abc", "a<x>b", "ca ca" };
	static const size_t want[] = { 1, 2, 2, 3, 5 };

	for (int round = 0; round < 2000; round++)
		for (size_t i = 0; i < 5; i++)
			if (wh_tokenizer_count(s->t, texts[i], strlen(texts[i])) != want[i])
				s->bad++;
	return NULL;
}

static void
test_threads(void)
{
	struct wh_error err = {0};
	struct wh_tokenizer *t = parse(make("BPE", PAIR_MERGES, "", "null", BYTE_LEVEL,
	    "{\"type\":\"ByteLevel\"}"), &err);
	struct shared s[4];
	pthread_t th[4];

	CHECK(t != NULL);
	if (t == NULL)
		return;
	for (int i = 0; i < 4; i++) {
		s[i] = (struct shared){ t, 0 };
		pthread_create(&th[i], NULL, encode_many, &s[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK(s[i].bad == 0);
	}
	wh_tokenizer_free(t);
}

/* Decoding what encoding gave gives the text back (for texts the normalizers
 * leave as they are and no lstrip/rstrip token eats spaces of), though tokens
 * end inside UTF-8 sequences. */
static void
test_round_trip(void)
{
	static const char *texts[] = { "Hello world  12345 it's I'LL x\n\n  y",
		"中文分词测试。数学题", "👍🏽 👨\u200d👩 a😀b", "<|im_end|>\t<think>x</think>",
		"\\frac{a}{b} + \\sqrt{x^2}", "" };
	char path[4096];
	struct wh_error err = {0};
	struct wh_ids ids = {0};
	struct wh_buf out = {0};

	snprintf(path, sizeof path, "%s/tests/tokenizer/tiny-qwen.json", WH_SRCDIR);
	struct wh_tokenizer *t = wh_tokenizer_load(path, &err);
	CHECK(t != NULL);
	for (size_t i = 0; t && i < sizeof texts / sizeof texts[0]; i++) {
		ids.n = 0;
		wh_buf_clear(&out);
		wh_tokenizer_encode(t, texts[i], strlen(texts[i]), &ids);
		CHECK(wh_tokenizer_decode(t, ids.v, ids.n, false, &out, &err) == 0);
		CHECK_STR(out.len ? out.data : "", texts[i]);
	}
	wh_ids_free(&ids);
	wh_buf_free(&out);
	wh_tokenizer_free(t);
}

int
main(void)
{
	test_refusals();
	test_bpe(STRING_MERGES);
	test_bpe(PAIR_MERGES);
	test_ignore_merges();
	test_prefix_space_and_nfc();
	test_threads();
	test_round_trip();
	return unit_done("tokenizer");
}
