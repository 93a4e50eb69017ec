/* Fuzz target for the safetensors header parser (clang -fsanitize=fuzzer;
 * `make fuzz-safetensors`): any bytes either fail with a message or give
 * tensors that lie inside the buffer and read without fault. Built with
 * FUZZ_REPLAY it is a unit test over a real file, cut and mutated by a
 * seeded generator, and hand-made hard cases. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/buf.h"
#include "whittle/safetensors.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct wh_safetensors st;
	struct wh_error err;

	if (wh_safetensors_parse(&st, data, size, &err) < 0) {
		if (err.msg[0] == '\0')
			abort();
		return 0;
	}
	for (size_t i = 0; i < st.n; i++) {
		const struct wh_st_tensor *t = &st.t[i];
		if (t->off > st.data_size || t->size > st.data_size - t->off)
			abort();
		if (wh_safetensors_find(&st, t->name) == NULL)
			abort();
		if (t->numel > 1 << 20)
			continue;
		float *f = wh_xmalloc((t->numel ? t->numel : 1) * sizeof(float));
		wh_safetensors_read_f32(&st, t->name, f, t->numel, &err);
		wh_safetensors_read_i32(&st, t->name, (int32_t *)f, t->numel, &err);
		free(f);
	}
	wh_safetensors_close(&st);
	return 0;
}

#ifdef FUZZ_REPLAY
#include "fuzz-replay.h"

static void
run(const void *p, size_t n)
{
	LLVMFuzzerTestOneInput(p, n);
}

/* A small valid file: two tensors of different dtypes. */
static size_t
sample(unsigned char *out)
{
	const char *h = "{\"__metadata__\":{\"format\":\"pt\"},"
	    "\"a\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[0,4]},"
	    "\"b\":{\"dtype\":\"I64\",\"shape\":[1,1],\"data_offsets\":[4,12]}}";
	size_t hl = strlen(h);

	for (int i = 0; i < 8; i++)
		out[i] = (unsigned char)(hl >> (8 * i));
	memcpy(out + 8, h, hl);
	memset(out + 8 + hl, 0x41, 12);
	return 8 + hl + 12;
}

int
main(void)
{
	static const char *const hard[] = {
		"", "\x02\0\0\0\0\0\0\0{}", "\x02\0\0\0\0\0\0\0[]",
		"\x01\0\0\0\0\0\0\0{", "\xff\xff\xff\xff\xff\xff\xff\x7f{}",
		"\x10\0\0\0\0\0\0\0{\"a\":{}}        ",
		"\x2e\0\0\0\0\0\0\0{\"a\":{\"dtype\":\"F32\",\"shape\":[],\"data_offsets\":[0,4]}}",
	};
	unsigned char buf[512], copy[512];
	size_t n = sample(buf);
	int cases = 0;

	for (size_t i = 0; i < sizeof hard / sizeof hard[0]; i++, cases++)
		run(hard[i], i == 0 ? 0 : 8 + strlen(hard[i] + 8));
	run(buf, n);
	for (int k = 0; k < 2000; k++, cases++) {
		size_t len = next_random() % (n + 1);
		memcpy(copy, buf, len);
		for (int flips = (int)(next_random() % 4); flips > 0 && len; flips--)
			copy[next_random() % len] = (unsigned char)next_random();
		run(copy, len);
	}
	printf("fuzz-safetensors replay: %d cases, no fault\n", cases);
	return 0;
}
#endif
