/* Fuzz target for what the engine reads from others (clang -fsanitize=fuzzer;
 * `make fuzz-protocol`): the first byte picks a protocol request line, a
 * metrics JSON line or TensorBoard records. Built with FUZZ_REPLAY it is a
 * unit test that feeds seeds, cut short and mutated, through the same code. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/engine-proto.h"
#include "whittle/metrics.h"
#include "whittle/tfevents.h"

static void
ignore_point(void *arg, const struct wh_metric *m)
{
	(void)arg;
	if (m->name == NULL)
		abort();
}

static int
ignore_scalar(void *arg, const struct wh_tfevents_scalar *s)
{
	(void)arg;
	if (s->tag == NULL)
		abort();
	return 0;
}

static void
request(const char *p, size_t n)
{
	struct wh_engine_request q;
	struct wh_error err;
	struct wh_buf out = {0};
	const char *code;

	if (wh_engine_proto_parse(p, n, &q, &code, &err) < 0) {
		if (code == NULL || err.msg[0] == '\0')
			abort();
		wh_engine_proto_error(&out, q.id, code, err.msg);
	} else if (q.op == WH_OP_SUBMIT && q.job == NULL) {
		abort();
	}
	wh_engine_proto_free(&q);
	wh_buf_free(&out);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wh_error err;
	size_t off = 0;

	if (size == 0)
		return 0;
	switch (data[0] % 3) {
	case 0:
		request((const char *)data + 1, size - 1);
		break;
	case 1:
		wh_metrics_parse_line((const char *)data + 1, size - 1, 0, 0, ignore_point, NULL);
		break;
	case 2:
		wh_tfevents_scan(data + 1, size - 1, &off, ignore_scalar, NULL, &err);
		if (off > size - 1)
			abort();
		break;
	}
	return 0;
}

#ifdef FUZZ_REPLAY
static const char *const seeds[] = {
	"\0{\"v\":1,\"id\":1,\"op\":\"hello\"}",
	"\0{\"v\":1,\"id\":\"x\",\"op\":\"subscribe\",\"run\":\"20261126-104111-d426\",\"from\":12}",
	"\0{\"v\":1,\"id\":2,\"op\":\"submit\",\"job\":{\"backend\":\"exec\",\"argv\":[\"true\"]}}",
	"\0{\"v\":1,\"id\":3,\"op\":\"history\",\"run\":\"a\",\"from\":0,\"limit\":5}",
	"\0[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]]",
	"\x01{\"step\":3,\"name\":\"loss\",\"value\":1.5,\"tokens\":100}",
	"\x01{'loss': 2.5, 'grad_norm': 0.5, 'epoch': 0.1}",
	"\x01{\"loss\":null,\"step\":1e300,\"time\":-1}",
};

/* A TFRecord with one simple_value scalar, as torch's SummaryWriter writes. */
static size_t
tf_seed(uint8_t *out)
{
	static const uint8_t event[] = {
		0x09, 0, 0, 0, 0, 0, 0, 0xf0, 0x3f,	/* wall_time 1.0 */
		0x10, 0x07,				/* step 7 */
		0x2a, 0x0c, 0x0a, 0x0a,			/* summary { value { */
		0x0a, 0x01, 'x',			/* tag "x" */
		0x15, 0, 0, 0x80, 0x3f,			/* simple_value 1.0 */
	};
	uint8_t len[8] = { sizeof event };
	uint32_t c;

	out[0] = 2;
	memcpy(out + 1, len, 8);
	c = wh_tfevents_masked_crc(len, 8);
	memcpy(out + 9, &c, 4);
	memcpy(out + 13, event, sizeof event);
	c = wh_tfevents_masked_crc(event, sizeof event);
	memcpy(out + 13 + sizeof event, &c, 4);
	return 17 + sizeof event;
}

static uint64_t rng = 0x9e3779b97f4a7c15u;

static uint32_t
next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)rng;
}

/* Each seed whole, cut at every length, and with random bytes changed. */
static void
replay(const uint8_t *seed, size_t n)
{
	uint8_t buf[512];

	for (size_t cut = 0; cut <= n; cut++)
		LLVMFuzzerTestOneInput(seed, cut);
	for (int round = 0; round < 2000; round++) {
		memcpy(buf, seed, n);
		for (int k = 1 + next() % 4; k > 0; k--)
			buf[1 + next() % (n - 1)] = (uint8_t)next();
		LLVMFuzzerTestOneInput(buf, n);
	}
}

int
main(void)
{
	uint8_t tf[64];
	size_t n = tf_seed(tf);
	int checked = 0;

	for (size_t i = 0; i < sizeof seeds / sizeof seeds[0]; i++, checked++)
		replay((const uint8_t *)seeds[i], 1 + strlen(seeds[i] + 1));
	replay(tf, n);
	printf("fuzz-protocol replay: %d seeds, cut and mutated, no crash\n", checked + 1);
	return 0;
}
#endif
