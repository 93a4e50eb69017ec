/* Braille line charts (htop's graph meters, drawn with 2 x 4 dots a
 * cell): points bucketed into columns of dots, each spanning the least and
 * greatest value of its column and joined to the column before. */
#include <math.h>
#include <stdlib.h>

#include "tui/chart.h"
#include "whittle/buf.h"

void
wh_tui_braille(uint8_t bits, char out[3])
{
	out[0] = (char)0xe2;
	out[1] = (char)(0xa0 | (bits >> 6));
	out[2] = (char)(0x80 | (bits & 0x3f));
}

static void
dot(uint8_t *cells, int w, int px, int py)
{
	static const uint8_t bit[4][2] = {
		{ 0x01, 0x08 }, { 0x02, 0x10 }, { 0x04, 0x20 }, { 0x40, 0x80 }
	};

	cells[(py / 4) * w + px / 2] |= bit[py % 4][px % 2];
}

/* Dots from row a to row b (either order) in column px. */
static void
span(uint8_t *cells, int w, int px, int a, int b)
{
	for (int r = a < b ? a : b; r <= (a < b ? b : a); r++)
		dot(cells, w, px, r);
}

void
wh_tui_chart(const double *x, const double *y, size_t n, double x0,
    double x1, double lo, double hi, bool log_y, int w, int h, uint8_t *cells)
{
	int W = 2 * w, H = 4 * h, prev = -1;
	int *top = wh_xcalloc((size_t)W, sizeof *top), *bot = wh_xcalloc((size_t)W, sizeof *bot);
	int *first = wh_xcalloc((size_t)W, sizeof *first), *last = wh_xcalloc((size_t)W, sizeof *last);

	if (log_y) {
		lo = lo > 0 ? log10(lo) : 0;
		hi = hi > 0 ? log10(hi) : 0;
	}
	for (int c = 0; c < W; c++)
		top[c] = H, bot[c] = -1;
	for (size_t i = 0; i < n; i++) {
		double val = y[i];
		if (!isfinite(val) || !(x[i] >= x0 && x[i] <= x1) || (log_y && val <= 0))
			continue;
		if (log_y)
			val = log10(val);
		double fx = x1 > x0 ? (x[i] - x0) / (x1 - x0) : 0;
		double fy = hi > lo ? (val - lo) / (hi - lo) : 0.5;
		int col = (int)(fmin(fmax(fx, 0), 1) * (W - 1) + 0.5);
		int row = H - 1 - (int)(fmin(fmax(fy, 0), 1) * (H - 1) + 0.5);
		if (bot[col] < 0)
			first[col] = row;
		if (row < top[col])
			top[col] = row;
		if (row > bot[col])
			bot[col] = row;
		last[col] = row;
	}
	for (int c = 0; c < W; c++) {
		if (bot[c] < 0)
			continue;
		span(cells, w, c, top[c], bot[c]);
		if (prev >= 0) {	/* a line from the column before */
			int from = last[prev];
			for (int k = prev + 1; k <= c; k++) {
				int to = last[prev] + (first[c] - last[prev]) * (k - prev) / (c - prev);
				span(cells, w, k, from, to);
				from = to;
			}
		}
		prev = c;
	}
	free(top);
	free(bot);
	free(first);
	free(last);
}
