/* Helpers of the engine's views, the Runs view and the Jobs view. */
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "tui/ui.h"
#include "tui/views.h"

double
wh_tui_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

const char *
wh_tui_jstr(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsString(v) ? v->valuestring : "";
}

double
wh_tui_jnum(const cJSON *o, const char *key)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, key);

	return cJSON_IsNumber(v) ? v->valuedouble : NAN;
}

void
wh_tui_duration(double s, char *buf, size_t size)
{
	long t = isfinite(s) && s > 0 && s < 1e8 ? (long)s : 0;

	if (t >= 3600)
		snprintf(buf, size, "%ld:%02ld:%02ld", t / 3600, t / 60 % 60, t % 60);
	else
		snprintf(buf, size, "%ld:%02ld", t / 60, t % 60);
}

void
wh_tui_draw_log_tail(const char *log, int y, int h, int w)
{
	const char *end = log ? log + strlen(log) : NULL, *p = end;
	int lines = 0;

	if (p == NULL)
		return;
	if (p > log && p[-1] == '\n')
		p--;
	while (p > log && lines < h) {
		p--;
		if (*p == '\n')
			lines++;
	}
	if (*p == '\n')
		p++;
	for (int r = 0; r < h && p < end; r++) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		wh_ui_put(y + r, 0, w, p, n, WH_EL_NORMAL);
		p += n + (nl != NULL);
	}
}
