/* Metric points from JSON: whittle's own lines, a trainer's log dicts and the
 * Hugging Face Trainer's trainer_state.json, and the line whittle writes. */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

#include "whittle/json.h"
#include "whittle/metrics.h"

/* Members that qualify the points of a line rather than being points. */
static const char *const qualifiers[] = {
	"step", "global_step", "time", "wall_time", "tokens",
	"num_input_tokens_seen", NULL
};

static int
is_qualifier(const char *key)
{
	for (int i = 0; qualifiers[i]; i++)
		if (strcmp(key, qualifiers[i]) == 0)
			return 1;
	return 0;
}

static double
number_of(const cJSON *o, const char *a, const char *b, double dflt)
{
	const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, a);

	if (!cJSON_IsNumber(v) && b != NULL)
		v = cJSON_GetObjectItemCaseSensitive(o, b);
	return cJSON_IsNumber(v) ? v->valuedouble : dflt;
}

/* Call fn for the points of object o; returns how many. */
static int
object_points(const cJSON *o, int64_t default_step, double now,
    wh_metrics_fn fn, void *arg)
{
	struct wh_metric m;
	const cJSON *name = cJSON_GetObjectItemCaseSensitive(o, "name");
	const cJSON *value = cJSON_GetObjectItemCaseSensitive(o, "value");
	const cJSON *v;
	int n = 0;

	m.step = (int64_t)number_of(o, "step", "global_step", (double)default_step);
	m.time = number_of(o, "time", "wall_time", now);
	m.tokens = number_of(o, "tokens", "num_input_tokens_seen", -1);
	if (cJSON_IsString(name) && (cJSON_IsNumber(value) || cJSON_IsNull(value))) {
		m.name = name->valuestring;
		m.value = cJSON_IsNumber(value) ? value->valuedouble : NAN;
		fn(arg, &m);
		return 1;
	}
	cJSON_ArrayForEach(v, o) {
		if (!(cJSON_IsNumber(v) || cJSON_IsNull(v)) || v->string == NULL ||
		    is_qualifier(v->string))
			continue;
		m.name = v->string;
		m.value = cJSON_IsNumber(v) ? v->valuedouble : NAN;
		n++;
		fn(arg, &m);
	}
	return n;
}

/* A Python dict repr ({'loss': 2.1}) as JSON, when it has no double quotes. */
static char *
python_dict(const char *line, size_t len)
{
	if (len < 2 || line[0] != '{' || line[1] != '\'' || memchr(line, '"', len))
		return NULL;
	char *s = wh_xstrndup(line, len);
	for (char *p = s; *p; p++)
		if (*p == '\'')
			*p = '"';
	return s;
}

int
wh_metrics_parse_line(const char *line, size_t len, int64_t default_step,
    double now, wh_metrics_fn fn, void *arg)
{
	char *converted;
	cJSON *o;
	int n;

	while (len > 0 && (*line == ' ' || *line == '\t'))
		line++, len--;
	if (len == 0 || *line != '{')
		return -1;
	converted = python_dict(line, len);
	o = converted ? cJSON_Parse(converted) : cJSON_ParseWithLength(line, len);
	free(converted);
	if (!cJSON_IsObject(o)) {
		cJSON_Delete(o);
		return -1;
	}
	n = object_points(o, default_step, now, fn, arg);
	cJSON_Delete(o);
	return n;
}

int
wh_metrics_trainer_state(const char *text, size_t len, int64_t *last_step,
    double now, wh_metrics_fn fn, void *arg, struct wh_error *err)
{
	cJSON *o = cJSON_ParseWithLength(text, len), *e;
	const cJSON *hist = cJSON_GetObjectItemCaseSensitive(o, "log_history");
	int64_t top = *last_step;
	int n = 0;

	if (!cJSON_IsArray(hist)) {
		cJSON_Delete(o);
		return wh_error_set(err, NULL, 0, "not a trainer_state.json (no log_history)");
	}
	cJSON_ArrayForEach(e, hist) {
		int64_t step = (int64_t)number_of(e, "step", NULL, -1);
		if (!cJSON_IsObject(e) || step <= *last_step)
			continue;
		n += object_points(e, step, now, fn, arg);
		if (step > top)
			top = step;
	}
	*last_step = top;
	cJSON_Delete(o);
	return n;
}

static void
add_number(struct wh_buf *out, double v)
{
	if (isfinite(v))
		wh_buf_printf(out, "%.17g", v);
	else
		wh_buf_adds(out, "null");
}

void
wh_metrics_format(struct wh_buf *out, const struct wh_metric *m)
{
	wh_buf_printf(out, "{\"step\":%lld,\"time\":%.6f,", (long long)m->step, m->time);
	if (m->tokens >= 0)
		wh_buf_printf(out, "\"tokens\":%.0f,", m->tokens);
	wh_buf_adds(out, "\"name\":");
	wh_json_quote(out, m->name, strlen(m->name));
	wh_buf_adds(out, ",\"value\":");
	add_number(out, m->value);
	wh_buf_adds(out, "}\n");
}
