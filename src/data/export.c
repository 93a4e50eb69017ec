/* Writing traces in trainers' layouts. */
#include <string.h>

#include "whittle/export.h"
#include "whittle/json.h"

static const char *format_names[] = {
	"messages", "sharegpt", "alpaca", "text", "jsonl", NULL
};

int
wh_export_format_parse(const char *name)
{
	for (int i = 0; format_names[i]; i++)
		if (strcmp(name, format_names[i]) == 0)
			return i;
	return -1;
}

void
wh_export_response(struct wh_buf *out, const struct wh_trace *t,
    const struct wh_export_opts *o)
{
	if (t->text[WH_THINKING]) {
		wh_buf_adds(out, o->think_open ? o->think_open : "<think>");
		wh_buf_addc(out, '\n');
		wh_buf_add(out, t->text[WH_THINKING], t->len[WH_THINKING]);
		wh_buf_addc(out, '\n');
		wh_buf_adds(out, o->think_close ? o->think_close : "</think>");
		if (t->text[WH_ANSWER])
			wh_buf_adds(out, "\n\n");
	}
	if (t->text[WH_ANSWER])
		wh_buf_add(out, t->text[WH_ANSWER], t->len[WH_ANSWER]);
}

static void
turn(struct wh_buf *out, const char *rk, const char *role, const char *ck,
    const char *text, size_t len)
{
	wh_buf_printf(out, "{\"%s\":\"%s\",\"%s\":", rk, role, ck);
	wh_json_quote(out, text, len);
	wh_buf_addc(out, '}');
}

static void
chat(struct wh_buf *out, const struct wh_trace *t, const struct wh_buf *resp,
    const struct wh_export_opts *o, int sharegpt)
{
	const char *rk = sharegpt ? "from" : "role", *ck = sharegpt ? "value" : "content";
	const char *q = t->text[WH_QUESTION] ? t->text[WH_QUESTION] : "";

	wh_buf_adds(out, sharegpt ? "{\"conversations\":[" : "{\"messages\":[");
	if (o->system) {
		turn(out, rk, "system", ck, o->system, strlen(o->system));
		wh_buf_addc(out, ',');
	}
	turn(out, rk, sharegpt ? "human" : "user", ck, q, t->len[WH_QUESTION]);
	wh_buf_addc(out, ',');
	turn(out, rk, sharegpt ? "gpt" : "assistant", ck, resp->data ? resp->data : "",
	    resp->len);
	wh_buf_adds(out, "]}\n");
}

void
wh_export_trace(struct wh_buf *out, const struct wh_trace *t, size_t n,
    const struct wh_export_opts *o)
{
	struct wh_buf resp = {0};

	wh_export_response(&resp, t, o);
	switch (o->format) {
	case WH_EXPORT_MESSAGES:
	case WH_EXPORT_SHAREGPT:
		chat(out, t, &resp, o, o->format == WH_EXPORT_SHAREGPT);
		break;
	case WH_EXPORT_ALPACA:
		wh_buf_adds(out, "{\"instruction\":");
		wh_json_quote(out, t->text[WH_QUESTION] ? t->text[WH_QUESTION] : "",
		    t->len[WH_QUESTION]);
		wh_buf_adds(out, ",\"input\":\"\",\"output\":");
		wh_json_quote(out, resp.data ? resp.data : "", resp.len);
		if (o->system) {
			wh_buf_adds(out, ",\"system\":");
			wh_json_quote(out, o->system, strlen(o->system));
		}
		wh_buf_adds(out, "}\n");
		break;
	case WH_EXPORT_TEXT: {
		struct wh_buf text = {0};
		if (o->system) {
			wh_buf_adds(&text, o->system);
			wh_buf_adds(&text, "\n\n");
		}
		if (t->text[WH_QUESTION]) {
			wh_buf_add(&text, t->text[WH_QUESTION], t->len[WH_QUESTION]);
			wh_buf_adds(&text, "\n\n");
		}
		wh_buf_add(&text, resp.data ? resp.data : "", resp.len);
		wh_buf_adds(out, "{\"text\":");
		wh_json_quote(out, text.data ? text.data : "", text.len);
		wh_buf_adds(out, "}\n");
		wh_buf_free(&text);
		break;
	}
	case WH_EXPORT_JSONL:
		wh_buf_printf(out, "{\"record\":%zu,\"generation\":%u", n, t->generation);
		for (int f = 0; f < WH_NFIELDS; f++) {
			wh_buf_printf(out, ",\"%s\":", wh_field_name(f));
			if (t->text[f])
				wh_json_quote(out, t->text[f], t->len[f]);
			else
				wh_buf_adds(out, "null");
		}
		wh_buf_adds(out, "}\n");
		break;
	}
	wh_buf_free(&resp);
}
