/* TensorBoard event files: the CRC32-C check values, the real files HF
 * Trainer and SummaryWriter wrote (../shared/data/hf-fixtures), records cut
 * short, corrupted, and TF2-style tensor scalars built here. */
#include <math.h>
#include <stdint.h>

#include "unit.h"
#include "whittle/buf.h"
#include "whittle/file.h"
#include "whittle/tfevents.h"

#define FIXTURES WH_SRCDIR "/../shared/data/hf-fixtures/hf-trainer-run/"

struct tally {
	int n, loss, acc, bad_value;
	double first_loss;
	int64_t first_step;
	char last_tag[64];
};

static int
count(void *arg, const struct wh_tfevents_scalar *s)
{
	struct tally *t = arg;

	if (t->n++ == 0) {
		t->first_loss = s->value;
		t->first_step = s->step;
	}
	snprintf(t->last_tag, sizeof t->last_tag, "%.*s", (int)s->tag_len, s->tag);
	if (s->tag_len == 10 && memcmp(s->tag, "train/loss", 10) == 0) {
		t->loss++;
		if (fabs(s->value - 3.0 / (1 + s->step)) > 1e-6)
			t->bad_value++;
	}
	if (s->tag_len == 13 && memcmp(s->tag, "eval/accuracy", 13) == 0) {
		t->acc++;
		double want = s->step / 40.0 < 1 ? s->step / 40.0 : 1;
		if (fabs(s->value - want) > 1e-6)
			t->bad_value++;
	}
	return 0;
}

static void
test_crc(void)
{
	/* RFC 3720 B.4 check value, and the value for "123456789". */
	uint8_t zeros[32] = {0};
	CHECK(wh_tfevents_crc32c(zeros, 32) == 0x8a9136aau);
	CHECK(wh_tfevents_crc32c("123456789", 9) == 0xe3069283u);
}

static int
map(const char *path, struct wh_map *m)
{
	struct wh_error err;

	if (wh_map_open(m, path, &err) < 0) {
		printf("SKIP: %s\n", err.msg);
		return -1;
	}
	return 0;
}

static void
test_summarywriter(void)
{
	struct wh_map m;
	struct tally t = {0};
	struct wh_error err;
	size_t off = 0;

	if (map(FIXTURES "events.out.tfevents.summarywriter", &m) < 0)
		return;
	CHECK(wh_tfevents_scan((const uint8_t *)m.data, m.size, &off, count, &t, &err) == 0);
	CHECK(off == m.size);
	CHECK(t.loss == 50);
	CHECK(t.acc == 50);
	CHECK(t.bad_value == 0);
	CHECK(t.n == 100);	/* the histograms and texts are skipped */

	/* Every cut leaves the offset at a record boundary and reads the same
	 * points once the rest arrives. */
	for (size_t cut = 0; cut < m.size; cut += 997) {
		struct tally a = {0};
		size_t o = 0;
		CHECK(wh_tfevents_scan((const uint8_t *)m.data, cut, &o, count, &a, &err) == 0);
		CHECK(o <= cut);
		CHECK(wh_tfevents_scan((const uint8_t *)m.data, m.size, &o, count, &a, &err) == 0);
		CHECK(a.n == 100 && a.bad_value == 0);
	}
	wh_map_close(&m);
}

static void
test_trainer(void)
{
	struct wh_map m;
	struct tally t = {0};
	struct wh_error err;
	size_t off = 0;

	if (map(FIXTURES "events.out.tfevents.trainer.0", &m) < 0)
		return;
	CHECK(wh_tfevents_scan((const uint8_t *)m.data, m.size, &off, count, &t, &err) == 0);
	CHECK(off == m.size);
	/* trainer_state.json: step 1 loss 5.569329738616943 */
	CHECK(t.first_step == 1);
	CHECK(t.n > 150);

	/* A flipped byte is a CRC error naming the record's offset. */
	char *copy = wh_xmalloc(m.size);
	memcpy(copy, m.data, m.size);
	copy[m.size / 2] ^= 0x40;
	struct tally u = {0};
	off = 0;
	CHECK(wh_tfevents_scan((const uint8_t *)copy, m.size, &off, count, &u, &err) == -1);
	CHECK(strstr(err.msg, "CRC") != NULL);
	CHECK(err.line >= 0 && (size_t)err.line == off);
	free(copy);
	wh_map_close(&m);
}

/* Protobuf encoding of an Event with one tensor-valued scalar (TF2 style). */
static void
varint(struct wh_buf *b, uint64_t v)
{
	do {
		uint8_t c = v & 0x7f;
		v >>= 7;
		wh_buf_addc(b, (char)(c | (v ? 0x80 : 0)));
	} while (v);
}

static void
bytes_field(struct wh_buf *b, int num, const struct wh_buf *inner)
{
	varint(b, (uint64_t)num << 3 | 2);
	varint(b, inner->len);
	wh_buf_add(b, inner->data, inner->len);
}

static void
record(struct wh_buf *out, const struct wh_buf *data)
{
	uint8_t len[8];
	uint32_t c;

	for (int i = 0; i < 8; i++)
		len[i] = (uint8_t)(data->len >> (8 * i));
	wh_buf_add(out, len, 8);
	c = wh_tfevents_masked_crc(len, 8);
	wh_buf_add(out, &c, 4);
	wh_buf_add(out, data->data, data->len);
	c = wh_tfevents_masked_crc(data->data, data->len);
	wh_buf_add(out, &c, 4);
}

static void
test_tensor(void)
{
	struct wh_buf tensor = {0}, value = {0}, summary = {0}, event = {0}, file = {0};
	double d = 0.125;
	struct tally t = {0};
	struct wh_error err;
	size_t off = 0;

	varint(&tensor, 1 << 3 | 0);
	varint(&tensor, 2);		/* DT_DOUBLE */
	varint(&tensor, 6 << 3 | 2);	/* packed double_val */
	varint(&tensor, 8);
	wh_buf_add(&tensor, &d, 8);
	varint(&value, 1 << 3 | 2);
	varint(&value, 8);
	wh_buf_add(&value, "eval/acc", 8);
	bytes_field(&value, 8, &tensor);
	bytes_field(&summary, 1, &value);
	varint(&event, 2 << 3 | 0);
	varint(&event, 300);		/* step */
	bytes_field(&event, 5, &summary);
	record(&file, &event);
	CHECK(wh_tfevents_scan((const uint8_t *)file.data, file.len, &off, count, &t, &err) == 0);
	CHECK(t.n == 1 && t.first_step == 300 && t.first_loss == 0.125);
	CHECK_STR(t.last_tag, "eval/acc");

	/* A truncated Event inside a good frame is malformed, not a crash. */
	struct wh_buf bad = {0};
	event.len -= 3;
	record(&bad, &event);
	off = 0;
	CHECK(wh_tfevents_scan((const uint8_t *)bad.data, bad.len, &off, count, &t, &err) == -1);
	wh_buf_free(&tensor);
	wh_buf_free(&value);
	wh_buf_free(&summary);
	wh_buf_free(&event);
	wh_buf_free(&file);
	wh_buf_free(&bad);
}

int
main(void)
{
	test_crc();
	test_summarywriter();
	test_trainer();
	test_tensor();
	return unit_done("test-tfevents");
}
