/* Tests of the Runs view's Braille charts: a lone spike among a hundred
 * thousand points still shows, a flat line sits in the middle, values
 * beyond the scale are drawn on its edge, log scale, points outside the x
 * window are left out, and the bytes of a Braille pattern. */
#include <math.h>

#include "tui/chart.h"
#include "unit.h"

#define N 100000
#define W 10
#define H 2

static double xs[N], ys[N];

/* Whether column px (of 2 * W) has a dot in row py (of 4 * H). */
static int
lit(const uint8_t *cells, int px, int py)
{
	static const uint8_t bit[4][2] = {
		{ 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 }
	};

	return (cells[(py / 4) * W + px / 2] & bit[py % 4][px % 2]) != 0;
}

static int
lit_in_row(const uint8_t *cells, int py)
{
	int n = 0;

	for (int px = 0; px < 2 * W; px++)
		n += lit(cells, px, py);
	return n;
}

static void
test_spike(void)
{
	uint8_t cells[W * H] = {0};

	for (int i = 0; i < N; i++)
		xs[i] = i, ys[i] = 1;
	ys[N / 2 + 7] = 2;	/* one point of 100000 */
	wh_tui_chart(xs, ys, N, 0, N - 1, 1, 2, false, W, H, cells);
	CHECK(lit_in_row(cells, 0) >= 1);		/* the spike reaches the top */
	CHECK(lit_in_row(cells, 4 * H - 1) == 2 * W);	/* the line along the bottom */
	CHECK(lit(cells, 2 * W / 2, 0) || lit(cells, 2 * W / 2 - 1, 0));
}

static void
test_flat_and_edges(void)
{
	uint8_t cells[W * H] = {0};
	double x[3] = { 0, 1, 2 }, y[3] = { 5, 5, 5 };

	wh_tui_chart(x, y, 3, 0, 2, 5, 5, false, W, H, cells);
	CHECK(lit_in_row(cells, 4 * H / 2) + lit_in_row(cells, 4 * H / 2 - 1) > 0);
	memset(cells, 0, sizeof cells);
	double out[3] = { -100, 0.5, 100 };	/* below, inside, above [0, 1] */
	wh_tui_chart(x, out, 3, 0, 2, 0, 1, false, W, H, cells);
	CHECK(lit(cells, 0, 4 * H - 1));		/* first point on the bottom edge */
	CHECK(lit(cells, 2 * W - 1, 0));		/* last point on the top edge */
	memset(cells, 0, sizeof cells);
	double lg[3] = { 1, 10, 100 }, neg[3] = { -1, 0, -5 };
	wh_tui_chart(x, lg, 3, 0, 2, 1, 100, true, W, H, cells);
	CHECK(lit(cells, W - 1, 4 * H / 2) || lit(cells, W, 4 * H / 2) ||
	    lit(cells, W - 1, 4 * H / 2 - 1) || lit(cells, W, 4 * H / 2 - 1));	/* 10: the middle */
	memset(cells, 0, sizeof cells);
	wh_tui_chart(x, neg, 3, 0, 2, 1, 100, true, W, H, cells);
	for (int i = 0; i < W * H; i++)
		CHECK(cells[i] == 0);			/* nothing <= 0 on a log scale */
}

static void
test_window(void)
{
	uint8_t cells[W * H] = {0};
	double x[4] = { 0, 10, 20, 30 }, y[4] = { 1, 0, 0, 1 };

	/* only the points at 10 and 20 are in [10, 20]: a flat line at 0 */
	wh_tui_chart(x, y, 4, 10, 20, 0, 1, false, W, H, cells);
	CHECK(lit_in_row(cells, 4 * H - 1) == 2 * W);
	for (int py = 0; py < 4 * H - 1; py++)
		CHECK(lit_in_row(cells, py) == 0);
}

static void
test_braille(void)
{
	char u[3];

	wh_tui_braille(0xff, u);
	CHECK(memcmp(u, "\xe2\xa3\xbf", 3) == 0);	/* U+28FF */
	wh_tui_braille(0x01, u);
	CHECK(memcmp(u, "\xe2\xa0\x81", 3) == 0);	/* U+2801 */
}

int
main(void)
{
	test_spike();
	test_flat_and_edges();
	test_window();
	test_braille();
	return unit_done("test-tui-chart");
}
