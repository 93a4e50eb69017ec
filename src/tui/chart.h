/* Braille line charts for the Runs view: points into a grid of Braille
 * patterns that the view draws in its theme's elements. */
#ifndef WH_TUI_CHART_H
#define WH_TUI_CHART_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Plot points (x[i], y[i]) as Braille dots into cells[h * w] (row by
 * row; each a Braille pattern, bits ORed in), x from x0 to x1 (points
 * outside are left out), y from lo (bottom) to hi (top). Each column of dots spans the least and greatest
 * value that falls in it and joins the column before, so a spike between
 * two columns still shows however many points share a column. Values
 * outside [lo, hi] are drawn on the edge; with log_y, on a log scale
 * (values <= 0 are left out). */
void wh_tui_chart(const double *x, const double *y, size_t n, double x0,
    double x1, double lo, double hi, bool log_y, int w, int h, uint8_t *cells);
/* The UTF-8 bytes of Braille pattern bits (3 bytes into out). */
void wh_tui_braille(uint8_t bits, char out[3]);

#endif
