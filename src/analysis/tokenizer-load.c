/* Reading a Hugging Face tokenizer.json into the tables encoding uses: the
 * vocab and merges of a byte-level BPE model, its normalizers, pre-tokenizer
 * steps and added tokens. Anything the file asks for that is not supported is
 * refused by name rather than guessed at. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <utf8proc.h>

#include "tokenizer-int.h"
#include "whittle/file.h"
#include "whittle/json.h"
#include "whittle/utf8.h"

#define MAX_ID ((1u << 24) - 1)	/* vocabularies are far smaller */

/* What loading needs besides the tokenizer being built. */
struct loader {
	struct wh_tokenizer *t;
	const struct wh_json *j;
	const char *name;
	struct wh_error *err;
	struct wh_buf bytes;		/* becomes t->bytes */
	struct wh_buf scratch, scratch2;
	struct wh_buf raw;		/* merges as bytes */
	struct pending *pend;		/* merges being read */
	size_t n_pend, cap_pend;
	uint32_t byte_cp[256];
	int16_t cp_byte[324];
	uint32_t n_entries_cap;
	struct tok_vocab_map other;	/* model tokens not of ByteLevel chars */
	struct wh_buf contents;		/* of the added tokens kept */
	size_t *content_off, *content_len;
};

void
tok_byte_level_tables(uint32_t byte_cp[256], int16_t cp_byte[324])
{
	uint32_t next = 256;

	for (int cp = 0; cp < 324; cp++)
		cp_byte[cp] = -1;
	for (int b = 0; b < 256; b++) {
		bool same = (b >= '!' && b <= '~') || (b >= 0xA1 && b <= 0xAC) ||
		    (b >= 0xAE && b <= 0xFF);
		byte_cp[b] = same ? (uint32_t)b : next++;
		cp_byte[byte_cp[b]] = (int16_t)b;
	}
}

uint64_t
tok_hash(const void *p, size_t n)
{
	const unsigned char *s = p;
	uint64_t h = 0x9E3779B97F4A7C15ULL ^ n;

	while (n >= 8) {
		uint64_t w;
		memcpy(&w, s, 8);
		h = (h ^ w) * 0xff51afd7ed558ccdULL;
		h ^= h >> 32;
		s += 8;
		n -= 8;
	}
	uint64_t w = 0;
	memcpy(&w, s, n);
	h ^= w;
	h = (h ^ (h >> 33)) * 0xff51afd7ed558ccdULL;
	h = (h ^ (h >> 33)) * 0xc4ceb9fe1a85ec53ULL;
	return h ^ (h >> 33);
}

static int
fail(struct loader *l, size_t offset, const char *fmt, const char *what)
{
	long line = 0;

	if (offset != (size_t)-1) {
		line = 1;
		for (size_t i = 0; i < offset && i < l->j->len; i++)
			line += l->j->text[i] == '\n';
	}
	return wh_error_set(l->err, l->name, line, fmt, what);
}

static const char *
node_type(const struct loader *l, long node)
{
	return wh_json_type_name(l->j->nodes[node].type);
}

/* The string of node into l->scratch (NUL-terminated). */
static const char *
str_of(struct loader *l, long node)
{
	wh_buf_clear(&l->scratch);
	wh_json_string(l->j, node, &l->scratch);
	wh_buf_addc(&l->scratch, '\0');
	l->scratch.len--;
	return l->scratch.data;
}

static int
want(struct loader *l, long node, enum wh_jtype type, const char *what)
{
	if (node < 0)
		return fail(l, (size_t)-1, "%s is missing", what);
	if (l->j->nodes[node].type != type) {
		char msg[300];
		snprintf(msg, sizeof msg, "%s is a JSON %s where a %s is expected",
		    what, node_type(l, node), wh_json_type_name(type));
		return fail(l, l->j->nodes[node].start, "%s", msg);
	}
	return 0;
}

/* The boolean member key of obj; dflt when absent or null. */
static int
bool_member(struct loader *l, long obj, const char *key, bool dflt, bool *out)
{
	long v = wh_json_member(l->j, obj, key);

	*out = dflt;
	if (v < 0 || l->j->nodes[v].type == WH_JNULL)
		return 0;
	if (l->j->nodes[v].type == WH_JTRUE || l->j->nodes[v].type == WH_JFALSE) {
		*out = l->j->nodes[v].type == WH_JTRUE;
		return 0;
	}
	return fail(l, l->j->nodes[v].start, "\"%s\" is not a boolean", key);
}

/* The "type" of obj, or "" when it has none. */
static const char *
type_of(struct loader *l, long obj)
{
	long v = wh_json_member(l->j, obj, "type");

	if (v < 0 || l->j->nodes[v].type != WH_JSTRING)
		return "";
	return str_of(l, v);
}

static int
id_of(struct loader *l, long node, const char *what, uint32_t *id)
{
	const struct wh_jnode *n = &l->j->nodes[node];
	uint64_t v = 0;

	if (n->type != WH_JNUMBER)
		return fail(l, n->start, "%s is not a number", what);
	for (size_t i = n->start; i < n->end; i++) {
		char c = l->j->text[i];
		if (c < '0' || c > '9' || v > MAX_ID)
			return fail(l, n->start, "%s is not a token id", what);
		v = v * 10 + (uint64_t)(c - '0');
	}
	if (v > MAX_ID)
		return fail(l, n->start, "%s is not a token id (0 to 16777215)", what);
	*id = (uint32_t)v;
	return 0;
}

/* ByteLevel chars of s[0..n) back to bytes, appended to out; false (out
 * unchanged) if a char is not in the ByteLevel alphabet. */
static bool
unmap_byte_level(const struct loader *l, const char *s, size_t n,
    struct wh_buf *out)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t start = out->len;
	char *p;

	wh_buf_reserve(out, n + 1);
	p = out->data + start;
	for (size_t i = 0; i < n; i++) {
		uint32_t cp = u[i];
		if (cp >= 0xC0 && cp < 0xE0 && i + 1 < n && (u[i + 1] & 0xC0) == 0x80)
			cp = (cp & 0x1F) << 6 | (u[++i] & 0x3F);
		else if (cp >= 0x80)
			cp = 0xFFFF;
		if (cp >= 324 || l->cp_byte[cp] < 0) {
			out->len = start;
			return false;
		}
		*p++ = (char)l->cp_byte[cp];
	}
	out->len = (size_t)(p - out->data);
	return true;
}

static struct tok_entry *
entry(struct loader *l, uint32_t id)
{
	struct wh_tokenizer *t = l->t;

	if (id >= l->n_entries_cap) {
		uint32_t cap = l->n_entries_cap ? l->n_entries_cap : 1024;
		while (cap <= id)
			cap *= 2;
		t->entries = wh_xrealloc(t->entries, cap * sizeof *t->entries);
		for (uint32_t i = l->n_entries_cap; i < cap; i++)
			t->entries[i] = (struct tok_entry){ .added = -1 };
		l->n_entries_cap = cap;
	}
	if (id >= t->n_ids)
		t->n_ids = id + 1;
	return &t->entries[id];
}

/* Append what the ByteLevel decoder makes of string s[0..n): its chars turned
 * back into bytes, or s itself when a char is not in the alphabet. Returns
 * whether s was made of ByteLevel chars only. */
static bool
decoded(const struct loader *l, const char *s, size_t n, struct wh_buf *out)
{
	if (unmap_byte_level(l, s, n, out))
		return true;
	wh_buf_add(out, s, n);
	return false;
}

/* Record model token id, whose string is s[0..n). */
static void
set_entry(struct loader *l, uint32_t id, const char *s, size_t n)
{
	size_t off = l->bytes.len;
	bool byte_level = decoded(l, s, n, &l->bytes);
	struct tok_entry *e = entry(l, id);

	l->t->bytes = l->bytes.data;
	e->off = (uint32_t)off;
	e->len = (uint32_t)(l->bytes.len - off);
	e->in_model = 1;
	e->byte_level = byte_level;
}

/* The id whose bytes are s[0..n), of hash h, in map m, or TOK_NONE. */
static uint32_t
map_find_hashed(const struct wh_tokenizer *t, const struct tok_vocab_map *m,
    const char *s, size_t n, uint64_t h)
{
	for (uint64_t i = h;; i++) {
		uint64_t v = m->slot[i & m->mask];
		if (v == 0)
			return TOK_NONE;
		if (v >> 32 != h >> 32)
			continue;
		uint32_t id = (uint32_t)v - 1;
		const struct tok_entry *e = &t->entries[id];
		if (e->len == n && memcmp(t->bytes + e->off, s, n) == 0)
			return id;
	}
}

static uint32_t
map_find(const struct wh_tokenizer *t, const struct tok_vocab_map *m,
    const char *s, size_t n)
{
	return map_find_hashed(t, m, s, n, tok_hash(s, n));
}

uint32_t
tok_vocab_find(const struct wh_tokenizer *t, const char *s, size_t n)
{
	return map_find(t, &t->vocab, s, n);
}

/* The entry the first slot for hash h points to if its hash matches: where
 * a lookup of h will read, for prefetching. */
static const struct tok_entry *
map_guess(const struct wh_tokenizer *t, const struct tok_vocab_map *m, uint64_t h)
{
	uint64_t v = m->slot[h & m->mask];

	return v && v >> 32 == h >> 32 ? &t->entries[(uint32_t)v - 1] : NULL;
}

/* Insert model id, whose bytes are set, into m; an equal string already
 * there is replaced, as a later key of a JSON object replaces an earlier one.
 * Returns whether the string was new. */
static bool
map_insert(const struct wh_tokenizer *t, struct tok_vocab_map *m, uint32_t id)
{
	const struct tok_entry *e = &t->entries[id];
	const char *s = t->bytes + e->off;
	uint64_t h = tok_hash(s, e->len), mine = (h >> 32 << 32) | (id + 1);

	for (uint64_t i = h;; i++) {
		uint64_t *v = &m->slot[i & m->mask];
		if (*v == 0) {
			*v = mine;
			return true;
		}
		const struct tok_entry *o = &t->entries[(uint32_t)*v - 1];
		if (*v >> 32 == h >> 32 && o->len == e->len &&
		    memcmp(t->bytes + o->off, s, e->len) == 0) {
			*v = mine;
			return false;
		}
	}
}

static uint32_t
map_mask(uint32_t n)
{
	uint32_t cap = 1024;

	while (cap < 2 * n)
		cap *= 2;
	return cap - 1;
}

static int
load_vocab(struct loader *l, long vocab)
{
	struct wh_tokenizer *t = l->t;
	const struct wh_json *j = l->j;
	uint32_t n = j->nodes[vocab].count;
	long k = vocab + 1;

	t->vocab.mask = l->other.mask = map_mask(n);
	t->vocab.slot = wh_xcalloc((size_t)t->vocab.mask + 1, sizeof *t->vocab.slot);
	l->other.slot = wh_xcalloc((size_t)t->vocab.mask + 1, sizeof *t->vocab.slot);
	for (uint32_t i = 0; i < n; i++, k = j->nodes[k + 1].next) {
		const struct wh_jnode *key = &j->nodes[k];
		uint32_t id = 0;
		if (id_of(l, k + 1, "a vocab id", &id) < 0)
			return -1;
		if (key->escaped)
			str_of(l, k);
		else {
			wh_buf_clear(&l->scratch);
			wh_buf_add(&l->scratch, j->text + key->start + 1,
			    key->end - key->start - 2);
		}
		set_entry(l, id, l->scratch.data ? l->scratch.data : "", l->scratch.len);
		if (map_insert(t, t->entries[id].byte_level ? &t->vocab : &l->other, id))
			t->model_size++;
	}
	return 0;
}

const struct tok_merge *
tok_merge_find(const struct tok_merge_map *m, uint32_t a, uint32_t b)
{
	uint64_t pair = (uint64_t)a << 32 | b;

	for (uint64_t i = tok_hash(&pair, sizeof pair);; i++) {
		const struct tok_merge *s = &m->slot[i & m->mask];
		if (s->rank == TOK_NONE)
			return NULL;
		if (s->pair == pair)
			return s;
	}
}

/* A later merge of the same pair replaces an earlier one, as in HF. */
static void
merge_insert(struct tok_merge_map *m, uint32_t a, uint32_t b, uint32_t rank,
    uint32_t id)
{
	uint64_t pair = (uint64_t)a << 32 | b;

	for (uint64_t i = tok_hash(&pair, sizeof pair);; i++) {
		struct tok_merge *s = &m->slot[i & m->mask];
		if (s->rank == TOK_NONE || s->pair == pair) {
			*s = (struct tok_merge){ pair, rank, id };
			return;
		}
	}
}

/* The model id of ByteLevel string s[0..n), or TOK_NONE. */
static uint32_t
vocab_id(struct loader *l, const char *s, size_t n, struct wh_buf *tmp)
{
	wh_buf_clear(tmp);
	if (!unmap_byte_level(l, s, n, tmp))
		return TOK_NONE;
	return tok_vocab_find(l->t, tmp->data ? tmp->data : "", tmp->len);
}

/* Merges are read in three passes so that the vocab lookups, which miss
 * the cache, can be prefetched some merges ahead: strings to bytes and
 * hashes, then bytes to ids, then ids into the merge map. */

/* A merge read, not yet resolved to ids. */
struct pending {
	long node;		/* its JSON node, for errors */
	uint32_t off, la, lb;	/* a and b as bytes: raw[off..+la), then lb */
	bool byte_level;	/* a and b are made of ByteLevel chars */
	uint64_t h[3];		/* hashes of a, b and a + b */
	uint32_t id[3];		/* ids of a, b and a + b */
};

/* Pass 1 for merge a + b, read from JSON node node. */
static void
add_pending(struct loader *l, long node, const char *a, size_t na, const char *b,
    size_t nb)
{
	size_t off = l->raw.len, la;
	struct pending *p;

	if (l->n_pend == l->cap_pend) {
		l->cap_pend = l->cap_pend ? 2 * l->cap_pend : 1024;
		l->pend = wh_xrealloc(l->pend, l->cap_pend * sizeof *l->pend);
	}
	p = &l->pend[l->n_pend++];
	*p = (struct pending){ .node = node, .off = (uint32_t)off };
	if (!unmap_byte_level(l, a, na, &l->raw))
		return;
	la = l->raw.len - off;
	if (!unmap_byte_level(l, b, nb, &l->raw)) {
		l->raw.len = off;
		return;
	}
	p->byte_level = true;
	p->la = (uint32_t)la;
	p->lb = (uint32_t)(l->raw.len - off - la);
}

/* The text of string node s: in place when it has no escapes, else decoded
 * into buf. */
static const char *
str_view(struct loader *l, long s, size_t *n, struct wh_buf *buf)
{
	const struct wh_jnode *node = &l->j->nodes[s];

	if (!node->escaped) {
		*n = node->end - node->start - 2;
		return l->j->text + node->start + 1;
	}
	wh_buf_clear(buf);
	wh_json_string(l->j, s, buf);
	*n = buf->len;
	return buf->data ? buf->data : "";
}

/* Pass 1 for one merge in either on-disk form: "a b" or ["a", "b"]. */
static int
read_merge(struct loader *l, long m)
{
	const struct wh_json *j = l->j;
	size_t at = j->nodes[m].start, na, nb, n;

	if (j->nodes[m].type == WH_JARRAY) {
		if (j->nodes[m].count != 2 || j->nodes[m + 1].type != WH_JSTRING ||
		    j->nodes[j->nodes[m + 1].next].type != WH_JSTRING)
			return fail(l, at, "%s", "a merge is not a pair of strings");
		const char *a = str_view(l, m + 1, &na, &l->scratch);
		const char *b = str_view(l, j->nodes[m + 1].next, &nb, &l->scratch2);
		add_pending(l, m, a, na, b, nb);
		return 0;
	}
	if (j->nodes[m].type != WH_JSTRING)
		return fail(l, at, "%s", "a merge is neither a string nor a pair");
	const char *s = str_view(l, m, &n, &l->scratch);
	if (n >= 8 && memcmp(s, "#version", 8) == 0)
		return 0;
	const char *sp = memchr(s, ' ', n);
	if (sp == NULL || memchr(sp + 1, ' ', n - (size_t)(sp + 1 - s)) != NULL) {
		char what[200];
		snprintf(what, sizeof what, "%.*s", (int)(n > 150 ? 150 : n), s);
		return fail(l, at, "merge \"%s\" is not two tokens split by one space", what);
	}
	add_pending(l, m, s, (size_t)(sp - s), sp + 1, n - (size_t)(sp - s) - 1);
	return 0;
}

static int
merge_lacks_token(struct loader *l, const struct pending *p)
{
	const struct wh_json *j = l->j;
	char what[200];
	size_t n;
	const char *s;

	if (j->nodes[p->node].type == WH_JARRAY) {
		size_t na, nb;
		const char *a = str_view(l, p->node + 1, &na, &l->scratch);
		const char *b = str_view(l, j->nodes[p->node + 1].next, &nb, &l->scratch2);
		snprintf(what, sizeof what, "%.*s %.*s", (int)(na > 80 ? 80 : na), a,
		    (int)(nb > 80 ? 80 : nb), b);
	} else {
		s = str_view(l, p->node, &n, &l->scratch);
		snprintf(what, sizeof what, "%.*s", (int)(n > 160 ? 160 : n), s);
	}
	return fail(l, j->nodes[p->node].start,
	    "merge \"%s\" uses a token the vocab lacks", what);
}

/* Pass 2: hashes, then ids, with the slots, entries and bytes a lookup reads
 * prefetched 12, 6 and 3 merges ahead. */
static int
resolve_merges(struct loader *l)
{
	const struct wh_tokenizer *t = l->t;
	const struct tok_vocab_map *m = &t->vocab;
	struct pending *p = l->pend;
	size_t n = l->n_pend;

	for (size_t i = 0; i < n; i++) {
		const char *r = l->raw.data + p[i].off;
		p[i].h[0] = tok_hash(r, p[i].la);
		p[i].h[1] = tok_hash(r + p[i].la, p[i].lb);
		p[i].h[2] = tok_hash(r, p[i].la + p[i].lb);
	}
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 3; k++) {
			const struct tok_entry *e;
			if (i + 12 < n)
				__builtin_prefetch(&m->slot[p[i + 12].h[k] & m->mask]);
			if (i + 6 < n && (e = map_guess(t, m, p[i + 6].h[k])))
				__builtin_prefetch(e);
			if (i + 3 < n && (e = map_guess(t, m, p[i + 3].h[k])))
				__builtin_prefetch(t->bytes + e->off);
		}
		const char *r = l->raw.data + p[i].off;
		p[i].id[0] = map_find_hashed(t, m, r, p[i].la, p[i].h[0]);
		p[i].id[1] = map_find_hashed(t, m, r + p[i].la, p[i].lb, p[i].h[1]);
		p[i].id[2] = map_find_hashed(t, m, r, p[i].la + p[i].lb, p[i].h[2]);
		if (!p[i].byte_level || p[i].id[0] == TOK_NONE ||
		    p[i].id[1] == TOK_NONE || p[i].id[2] == TOK_NONE)
			return merge_lacks_token(l, &p[i]);
	}
	return 0;
}

/* Pass 3: into the merge map, in rank order (a later merge of the same pair
 * replaces an earlier one, as in HF). */
static void
insert_merges(struct loader *l)
{
	struct tok_merge_map *mm = &l->t->merges;
	const struct pending *p = l->pend;

	for (size_t i = 0; i < l->n_pend; i++) {
		if (i + 8 < l->n_pend) {
			uint64_t pair = (uint64_t)p[i + 8].id[0] << 32 | p[i + 8].id[1];
			__builtin_prefetch(&mm->slot[tok_hash(&pair, sizeof pair) & mm->mask]);
		}
		merge_insert(mm, p[i].id[0], p[i].id[1], (uint32_t)i, p[i].id[2]);
	}
}

static int
load_merges(struct loader *l, long merges)
{
	const struct wh_json *j = l->j;
	uint32_t n = j->nodes[merges].count;
	long m = merges + 1;

	l->t->merges.mask = map_mask(n);
	l->t->merges.slot = wh_xmalloc(((size_t)l->t->merges.mask + 1) *
	    sizeof *l->t->merges.slot);
	for (uint32_t i = 0; i <= l->t->merges.mask; i++)
		l->t->merges.slot[i].rank = TOK_NONE;
	wh_buf_reserve(&l->raw, 1);
	for (uint32_t i = 0; i < n; i++, m = j->nodes[m].next)
		if (read_merge(l, m) < 0)
			return -1;
	if (resolve_merges(l) < 0)
		return -1;
	insert_merges(l);
	return 0;
}

/* The options of the model that change results must be ones whittle does. */
static int
check_model_options(struct loader *l, long model)
{
	static const char *empty_only[] = { "continuing_subword_prefix",
		"end_of_word_suffix" };
	const struct wh_json *j = l->j;
	bool fallback;
	long v;

	for (size_t i = 0; i < 2; i++) {
		v = wh_json_member(j, model, empty_only[i]);
		if (v >= 0 && j->nodes[v].type != WH_JNULL &&
		    !(j->nodes[v].type == WH_JSTRING && j->nodes[v].end - j->nodes[v].start == 2))
			return fail(l, j->nodes[v].start,
			    "unsupported: the BPE model sets %s", empty_only[i]);
	}
	v = wh_json_member(j, model, "dropout");
	if (v >= 0 && j->nodes[v].type != WH_JNULL &&
	    !(j->nodes[v].type == WH_JNUMBER && strtod(j->text + j->nodes[v].start, NULL) == 0))
		return fail(l, j->nodes[v].start, "%s",
		    "unsupported: BPE dropout makes encoding random");
	if (bool_member(l, model, "byte_fallback", false, &fallback) < 0)
		return -1;
	if (fallback)
		return fail(l, (size_t)-1, "%s", "unsupported: byte_fallback (a "
		    "SentencePiece-style BPE, not a byte-level one)");
	if (bool_member(l, model, "ignore_merges", false, &l->t->ignore_merges) < 0 ||
	    bool_member(l, model, "fuse_unk", false, &l->t->fuse_unk) < 0)
		return -1;
	return 0;
}

static int
load_unk(struct loader *l, long model)
{
	long v = wh_json_member(l->j, model, "unk_token");

	l->t->unk_id = TOK_NONE;
	if (v < 0 || l->j->nodes[v].type == WH_JNULL)
		return 0;
	if (want(l, v, WH_JSTRING, "model.unk_token") < 0)
		return -1;
	const char *s = str_of(l, v);
	struct wh_buf tmp = {0};
	l->t->unk_id = vocab_id(l, s, l->scratch.len, &tmp);
	wh_buf_free(&tmp);
	if (l->t->unk_id == TOK_NONE)
		return fail(l, l->j->nodes[v].start, "%s",
		    "the unk_token is not in the vocab");
	return 0;
}

static int
load_model(struct loader *l, long model)
{
	const struct wh_json *j = l->j;

	if (want(l, model, WH_JOBJECT, "model") < 0)
		return -1;
	const char *type = type_of(l, model);
	if (strcmp(type, "BPE") != 0)
		return fail(l, j->nodes[model].start, "unsupported model type \"%s\": "
		    "whittle reads byte-level BPE tokenizers only", type);
	if (check_model_options(l, model) < 0)
		return -1;
	long vocab = wh_json_member(j, model, "vocab");
	long merges = wh_json_member(j, model, "merges");
	if (want(l, vocab, WH_JOBJECT, "model.vocab") < 0 ||
	    want(l, merges, WH_JARRAY, "model.merges") < 0 ||
	    load_vocab(l, vocab) < 0 || load_merges(l, merges) < 0 ||
	    load_unk(l, model) < 0)
		return -1;
	struct wh_buf tmp = {0};
	for (int b = 0; b < 256; b++) {
		char c[2];
		size_t n = wh_utf8_encode(l->byte_cp[b], c);
		l->t->byte_id[b] = vocab_id(l, c, n, &tmp);
	}
	wh_buf_free(&tmp);
	return 0;
}

static int
add_normalizer(struct loader *l, long n)
{
	static const struct { const char *type; int options; } forms[] = {
		{ "NFC", UTF8PROC_STABLE | UTF8PROC_COMPOSE },
		{ "NFD", UTF8PROC_STABLE | UTF8PROC_DECOMPOSE },
		{ "NFKC", UTF8PROC_STABLE | UTF8PROC_COMPOSE | UTF8PROC_COMPAT },
		{ "NFKD", UTF8PROC_STABLE | UTF8PROC_DECOMPOSE | UTF8PROC_COMPAT },
	};

	if (l->j->nodes[n].type == WH_JNULL)
		return 0;
	if (want(l, n, WH_JOBJECT, "normalizer") < 0)
		return -1;
	const char *type = type_of(l, n);
	if (strcmp(type, "Sequence") == 0) {
		long list = wh_json_member(l->j, n, "normalizers");
		if (want(l, list, WH_JARRAY, "normalizer.normalizers") < 0)
			return -1;
		for (long e = list + 1; e < (long)l->j->nodes[list].next; e = l->j->nodes[e].next)
			if (add_normalizer(l, e) < 0)
				return -1;
		return 0;
	}
	for (size_t i = 0; i < sizeof forms / sizeof forms[0]; i++)
		if (strcmp(type, forms[i].type) == 0) {
			if (l->t->n_norm == (int)(sizeof l->t->norm / sizeof l->t->norm[0]))
				return fail(l, l->j->nodes[n].start, "%s",
				    "too many normalizers");
			l->t->norm[l->t->n_norm++] = forms[i].options;
			return 0;
		}
	return fail(l, l->j->nodes[n].start, "unsupported normalizer \"%s\"", type);
}

/* The GPT-2 pattern the ByteLevel pre-tokenizer splits with (use_regex). */
static const char gpt2_pattern[] =
    "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

/* White space as Oniguruma's \s has it (Unicode White_Space); PCRE2's \s
 * also matches U+180E, which Unicode 6.3 took out of it. */
#define ONIG_SPACE "\\t-\\r \\x{85}\\x{a0}\\x{1680}\\x{2000}-\\x{200a}" \
	"\\x{2028}\\x{2029}\\x{202f}\\x{205f}\\x{3000}"

/* The chars that the reference's regex (Unicode 16.0) has in the general
 * categories the patterns use and PCRE2 10.42 (Unicode 14.0) does not: those
 * Unicode 15.0 and 16.0 added, such as the emoji U+1FAE8 (S) or CJK
 * Extension H (L). Found by comparing the reference's classes, as
 * tests/tokenizer/unicode-props.js writes them, with PCRE2's; a PCRE2 that
 * has them already is not changed by adding them. */
static const uint32_t newer_L[][2] = {
	{ 0x1C89, 0x1C8A }, { 0xA7CB, 0xA7CD }, { 0xA7DA, 0xA7DC },
	{ 0x105C0, 0x105F3 }, { 0x10D4A, 0x10D65 }, { 0x10D6F, 0x10D85 },
	{ 0x10EC2, 0x10EC4 }, { 0x1123F, 0x11240 }, { 0x11380, 0x11389 },
	{ 0x1138B, 0x1138B }, { 0x1138E, 0x1138E }, { 0x11390, 0x113B5 },
	{ 0x113B7, 0x113B7 }, { 0x113D1, 0x113D1 }, { 0x113D3, 0x113D3 },
	{ 0x11BC0, 0x11BE0 }, { 0x11F02, 0x11F02 }, { 0x11F04, 0x11F10 },
	{ 0x11F12, 0x11F33 }, { 0x1342F, 0x1342F }, { 0x13441, 0x13446 },
	{ 0x13460, 0x143FA }, { 0x16100, 0x1611D }, { 0x16D40, 0x16D6C },
	{ 0x18CFF, 0x18CFF }, { 0x1B132, 0x1B132 }, { 0x1B155, 0x1B155 },
	{ 0x1DF25, 0x1DF2A }, { 0x1E030, 0x1E06D }, { 0x1E4D0, 0x1E4EB },
	{ 0x1E5D0, 0x1E5ED }, { 0x1E5F0, 0x1E5F0 }, { 0x2B739, 0x2B739 },
	{ 0x2EBF0, 0x2EE5D }, { 0x31350, 0x323AF }
};

static const uint32_t newer_N[][2] = {
	{ 0x10D40, 0x10D49 }, { 0x116D0, 0x116E3 }, { 0x11BF0, 0x11BF9 },
	{ 0x11F50, 0x11F59 }, { 0x16130, 0x16139 }, { 0x16D70, 0x16D79 },
	{ 0x1CCF0, 0x1CCF9 }, { 0x1D2C0, 0x1D2D3 }, { 0x1E4F0, 0x1E4F9 },
	{ 0x1E5F1, 0x1E5FA }
};

static const uint32_t newer_P[][2] = {
	{ 0x1B4E, 0x1B4F }, { 0x1B7F, 0x1B7F }, { 0x10D6E, 0x10D6E },
	{ 0x113D4, 0x113D5 }, { 0x113D7, 0x113D8 }, { 0x11B00, 0x11B09 },
	{ 0x11BE1, 0x11BE1 }, { 0x11F43, 0x11F4F }, { 0x16D6D, 0x16D6F },
	{ 0x1E5FF, 0x1E5FF }
};

static const uint32_t newer_S[][2] = {
	{ 0x2427, 0x2429 }, { 0x2FFC, 0x2FFF }, { 0x31E4, 0x31E5 },
	{ 0x31EF, 0x31EF }, { 0x10D8E, 0x10D8F }, { 0x1CC00, 0x1CCEF },
	{ 0x1CD00, 0x1CEB3 }, { 0x1F6DC, 0x1F6DC }, { 0x1F774, 0x1F776 },
	{ 0x1F77B, 0x1F77F }, { 0x1F7D9, 0x1F7D9 }, { 0x1F8B2, 0x1F8BB },
	{ 0x1F8C0, 0x1F8C1 }, { 0x1FA75, 0x1FA77 }, { 0x1FA87, 0x1FA89 },
	{ 0x1FA8F, 0x1FA8F }, { 0x1FAAD, 0x1FAAF }, { 0x1FABB, 0x1FABF },
	{ 0x1FAC6, 0x1FAC6 }, { 0x1FACE, 0x1FACF }, { 0x1FADA, 0x1FADC },
	{ 0x1FADF, 0x1FADF }, { 0x1FAE8, 0x1FAE9 }, { 0x1FAF7, 0x1FAF8 },
	{ 0x1FBCB, 0x1FBEF }
};

static const uint32_t newer_M[][2] = {
	{ 0x897, 0x897 }, { 0xCF3, 0xCF3 }, { 0xECE, 0xECE },
	{ 0x10D69, 0x10D6D }, { 0x10EFC, 0x10EFF }, { 0x11241, 0x11241 },
	{ 0x113B8, 0x113C0 }, { 0x113C2, 0x113C2 }, { 0x113C5, 0x113C5 },
	{ 0x113C7, 0x113CA }, { 0x113CC, 0x113D0 }, { 0x113D2, 0x113D2 },
	{ 0x113E1, 0x113E2 }, { 0x11F00, 0x11F01 }, { 0x11F03, 0x11F03 },
	{ 0x11F34, 0x11F3A }, { 0x11F3E, 0x11F42 }, { 0x11F5A, 0x11F5A },
	{ 0x13440, 0x13440 }, { 0x13447, 0x13455 }, { 0x1611E, 0x1612F },
	{ 0x1E08F, 0x1E08F }, { 0x1E4EC, 0x1E4EF }, { 0x1E5EE, 0x1E5EF }
};

static const struct {
	const char *name;
	const uint32_t (*range)[2];
	size_t n;
} newer_unicode[] = {
	{ "L", newer_L, sizeof newer_L / sizeof *newer_L },
	{ "N", newer_N, sizeof newer_N / sizeof *newer_N },
	{ "P", newer_P, sizeof newer_P / sizeof *newer_P },
	{ "S", newer_S, sizeof newer_S / sizeof *newer_S },
	{ "M", newer_M, sizeof newer_M / sizeof *newer_M },
};

bool
tok_newer_char(uint32_t c)
{
	/* None below U+0897, none in CJK, kana and Hangul. */
	if (c < 0x897 || (c >= 0x3200 && c < 0xA7CB) || (c > 0xA7DC && c < 0x105C0))
		return false;
	for (size_t k = 0; k < sizeof newer_unicode / sizeof *newer_unicode; k++) {
		const uint32_t (*r)[2] = newer_unicode[k].range;
		size_t lo = 0, hi = newer_unicode[k].n;
		while (lo < hi) {
			size_t mid = (lo + hi) / 2;
			if (c < r[mid][0])
				hi = mid;
			else if (c > r[mid][1])
				lo = mid + 1;
			else
				return true;
		}
	}
	return false;
}

/* Append the chars of newer_unicode to add to \p{NAME}, the name at
 * p[0..n) up to its closing brace; returns whether NAME has any. */
static bool
add_newer_chars(const char *p, size_t n, struct wh_buf *out)
{
	const char *close = memchr(p, '}', n);
	size_t n_classes = sizeof newer_unicode / sizeof *newer_unicode;

	for (size_t i = 0; close && i < n_classes; i++)
		if (strlen(newer_unicode[i].name) == (size_t)(close - p) &&
		    memcmp(newer_unicode[i].name, p, (size_t)(close - p)) == 0) {
			for (size_t k = 0; k < newer_unicode[i].n; k++)
				wh_buf_printf(out, "\\x{%x}-\\x{%x}", newer_unicode[i].range[k][0],
				    newer_unicode[i].range[k][1]);
			return true;
		}
	return false;
}

/* Append pattern p[0..n), written for Oniguruma (which HF runs), to out as
 * PCRE2 means the same: \s and \S spelt out as Oniguruma's classes (inside a
 * class, \s becomes its members; \S there is left as it is); with newer,
 * \p{L}, \p{N}, \p{P}, \p{S} and \p{M} (and \P outside a class) get the
 * chars of newer_unicode. Returns whether any did. */
static bool
onig_to_pcre2(const char *p, size_t n, bool newer, struct wh_buf *out)
{
	bool in_class = false, changed = false;

	for (size_t i = 0; i < n; i++) {
		if (newer && p[i] == '\\' && i + 3 < n && (p[i + 1] == 'p' ||
		    (p[i + 1] == 'P' && !in_class)) && p[i + 2] == '{' &&
		    memchr(p + i + 3, '}', n - i - 3)) {
			size_t k = (size_t)((const char *)memchr(p + i, '}', n - i) - p);
			wh_buf_printf(out, "%s\\p%.*s", in_class ? "" : p[i + 1] == 'p' ?
			    "[" : "[^", (int)(k + 1 - i - 2), p + i + 2);
			changed |= add_newer_chars(p + i + 3, n - i - 3, out);
			if (!in_class)
				wh_buf_addc(out, ']');
			i = k;
			continue;
		}
		if (p[i] == '\\' && i + 1 < n) {
			if (p[i + 1] == 's' || (p[i + 1] == 'S' && !in_class))
				wh_buf_printf(out, "%s%s%s", in_class ? "" : p[i + 1] == 's' ?
				    "[" : "[^", ONIG_SPACE, in_class ? "" : "]");
			else
				wh_buf_add(out, p + i, 2);
			i++;
			continue;
		}
		if (p[i] == '[' && !in_class) {
			in_class = true;
			wh_buf_addc(out, '[');
			if (i + 1 < n && p[i + 1] == '^')
				wh_buf_addc(out, p[++i]);
			if (i + 1 < n && p[i + 1] == ']')
				wh_buf_addc(out, p[++i]);
			continue;
		}
		if (p[i] == ']')
			in_class = false;
		wh_buf_addc(out, p[i]);
	}
	return changed;
}

/* Compile pattern[0..n) into *re, JIT too when it can (*jit says so). */
static int
compile(struct loader *l, long at, const struct wh_buf *pattern,
    pcre2_code **re, bool *jit)
{
	int code;
	PCRE2_SIZE where;

	*re = pcre2_compile((PCRE2_SPTR)(pattern->data ? pattern->data : ""),
	    pattern->len, PCRE2_UTF | PCRE2_UCP, &code, &where, NULL);
	if (*re == NULL) {
		PCRE2_UCHAR msg[200];
		char what[300];
		pcre2_get_error_message(code, msg, sizeof msg);
		snprintf(what, sizeof what, "%s at offset %zu", (char *)msg, (size_t)where);
		return fail(l, l->j->nodes[at].start, "pre-tokenizer regex: %s", what);
	}
	*jit = pcre2_jit_compile(*re, PCRE2_JIT_COMPLETE) == 0;
	return 0;
}

static int
add_step(struct loader *l, long at, const char *onig, size_t len,
    bool prefix_space)
{
	struct wh_tokenizer *t = l->t;
	struct wh_buf pattern = {0};
	int rc = 0;

	if (t->n_step == (int)(sizeof t->step / sizeof t->step[0]))
		return fail(l, l->j->nodes[at].start, "%s", "too many pre-tokenizers");
	struct tok_step *s = &t->step[t->n_step++];
	s->prefix_space = prefix_space;
	if (onig == NULL)
		return 0;
	onig_to_pcre2(onig, len, false, &pattern);
	rc = compile(l, at, &pattern, &s->re, &s->jit);
	wh_buf_clear(&pattern);
	if (rc == 0 && onig_to_pcre2(onig, len, true, &pattern))
		rc = compile(l, at, &pattern, &s->re_newer, &s->jit_newer);
	wh_buf_free(&pattern);
	return rc;
}

static int
add_split(struct loader *l, long p)
{
	long pattern = wh_json_member(l->j, p, "pattern");
	long behavior = wh_json_member(l->j, p, "behavior");
	bool invert;

	if (want(l, pattern, WH_JOBJECT, "Split.pattern") < 0 ||
	    want(l, behavior, WH_JSTRING, "Split.behavior") < 0 ||
	    bool_member(l, p, "invert", false, &invert) < 0)
		return -1;
	if (!wh_json_string_eq(l->j, behavior, "Isolated") || invert)
		return fail(l, l->j->nodes[p].start, "unsupported Split behavior \"%s\" "
		    "(only Isolated, not inverted)", str_of(l, behavior));
	long re = wh_json_member(l->j, pattern, "Regex");
	if (re < 0)
		return fail(l, l->j->nodes[pattern].start, "%s",
		    "unsupported Split pattern (only {\"Regex\": ...})");
	if (want(l, re, WH_JSTRING, "Split.pattern.Regex") < 0)
		return -1;
	str_of(l, re);
	return add_step(l, p, l->scratch.data, l->scratch.len, false);
}

static int
add_byte_level(struct loader *l, long p)
{
	bool prefix, use_regex;

	if (bool_member(l, p, "add_prefix_space", true, &prefix) < 0 ||
	    bool_member(l, p, "use_regex", true, &use_regex) < 0)
		return -1;
	if (!prefix && !use_regex)
		return 0;
	return add_step(l, p, use_regex ? gpt2_pattern : NULL,
	    sizeof gpt2_pattern - 1, prefix);
}

/* One pre-tokenizer; *byte_level is set once ByteLevel has been seen, after
 * which nothing may come (later steps would see ByteLevel chars). */
static int
add_pre_tokenizer(struct loader *l, long p, bool *byte_level)
{
	if (want(l, p, WH_JOBJECT, "pre_tokenizer") < 0)
		return -1;
	const char *type = type_of(l, p);
	if (strcmp(type, "Sequence") == 0) {
		long list = wh_json_member(l->j, p, "pretokenizers");
		if (want(l, list, WH_JARRAY, "pre_tokenizer.pretokenizers") < 0)
			return -1;
		for (long e = list + 1; e < (long)l->j->nodes[list].next; e = l->j->nodes[e].next)
			if (add_pre_tokenizer(l, e, byte_level) < 0)
				return -1;
		return 0;
	}
	if (*byte_level)
		return fail(l, l->j->nodes[p].start, "unsupported: pre-tokenizer \"%s\" "
		    "after ByteLevel", type);
	if (strcmp(type, "Split") == 0)
		return add_split(l, p);
	if (strcmp(type, "ByteLevel") == 0) {
		*byte_level = true;
		return add_byte_level(l, p);
	}
	return fail(l, l->j->nodes[p].start, "unsupported pre-tokenizer \"%s\"", type);
}

static int
load_pipeline(struct loader *l, long root)
{
	const struct wh_json *j = l->j;
	long norm = wh_json_member(j, root, "normalizer");
	long pre = wh_json_member(j, root, "pre_tokenizer");
	long dec = wh_json_member(j, root, "decoder");
	bool byte_level = false;

	if (norm >= 0 && add_normalizer(l, norm) < 0)
		return -1;
	if (pre < 0 || j->nodes[pre].type == WH_JNULL)
		return fail(l, (size_t)-1, "%s", "unsupported: no pre_tokenizer (not a "
		    "byte-level tokenizer)");
	if (add_pre_tokenizer(l, pre, &byte_level) < 0)
		return -1;
	if (!byte_level)
		return fail(l, j->nodes[pre].start, "%s", "unsupported: the pre_tokenizer "
		    "has no ByteLevel step (not a byte-level tokenizer)");
	if (dec < 0 || j->nodes[dec].type != WH_JOBJECT ||
	    strcmp(type_of(l, dec), "ByteLevel") != 0)
		return fail(l, dec < 0 ? (size_t)-1 : j->nodes[dec].start, "%s",
		    "unsupported decoder (only ByteLevel)");
	return 0;
}

static void
trie_init(struct tok_trie *tr)
{
	tr->cap = 64;
	tr->node = wh_xcalloc(tr->cap, sizeof *tr->node);
	tr->node[0].added = -1;
	tr->n = 1;
}

static uint32_t
trie_child(struct tok_trie *tr, uint32_t at, uint8_t byte)
{
	uint32_t c;

	for (c = tr->node[at].child; c; c = tr->node[c].sibling)
		if (tr->node[c].byte == byte)
			return c;
	if (tr->n == tr->cap) {
		tr->cap *= 2;
		tr->node = wh_xrealloc(tr->node, tr->cap * sizeof *tr->node);
	}
	c = tr->n++;
	tr->node[c] = (struct tok_trie_node){ .sibling = tr->node[at].child,
		.added = -1, .byte = byte };
	tr->node[at].child = c;
	return c;
}

static void
trie_add(struct tok_trie *tr, const char *s, size_t n, int32_t added)
{
	uint32_t at = 0;

	tr->first[(uint8_t)s[0]] = true;
	for (size_t i = 0; i < n; i++)
		at = trie_child(tr, at, (uint8_t)s[i]);
	if (tr->node[at].added < 0)
		tr->node[at].added = added;
}

/* The id HF gives a new added token: its model id if the model has it, else
 * one past the largest added id (or the model's size, whichever is more). */
static uint32_t
added_id(struct loader *l, const char *s, size_t n, uint32_t *max_added)
{
	struct wh_buf tmp = {0};
	uint32_t id = vocab_id(l, s, n, &tmp);

	wh_buf_free(&tmp);
	if (id == TOK_NONE)
		id = map_find(l->t, &l->other, s, n);
	if (id == TOK_NONE)
		id = *max_added == TOK_NONE || *max_added < l->t->model_size ?
		    l->t->model_size : *max_added + 1;
	if (*max_added == TOK_NONE || id > *max_added)
		*max_added = id;
	return id;
}

/* Whether content s[0..n) came before: HF keeps the first of equal ones. */
static bool
added_seen(const struct loader *l, const char *s, size_t n)
{
	for (size_t i = 0; i < l->t->n_added; i++)
		if (l->content_len[i] == n &&
		    memcmp(l->contents.data + l->content_off[i], s, n) == 0)
			return true;
	return false;
}

/* Record added token a (its id and flags set), whose content is s[0..n). */
static void
add_added(struct loader *l, struct tok_added *a, const char *s, size_t n,
    bool normalized)
{
	struct wh_tokenizer *t = l->t;
	struct wh_buf b = {0};

	decoded(l, s, n, &b);
	a->dec_len = b.len;
	a->dec = wh_buf_take(&b);
	if (normalized && t->n_norm)
		tok_normalize(t, s, n, &b);
	else
		wh_buf_add(&b, s, n);
	a->len = b.len;
	a->text = wh_buf_take(&b);
	entry(l, a->id)->added = (int32_t)(a - t->added);
	if (a->len)
		trie_add(normalized ? &t->norm_trie : &t->raw_trie, a->text, a->len,
		    (int32_t)(a - t->added));
}

static int
load_added(struct loader *l, long list)
{
	struct wh_tokenizer *t = l->t;
	const struct wh_json *j = l->j;
	uint32_t n = list < 0 ? 0 : j->nodes[list].count, max_added = TOK_NONE;
	long e = list + 1;
	int rc = 0;

	t->added = wh_xcalloc(n + 1, sizeof *t->added);
	l->content_off = wh_xcalloc(n + 1, sizeof *l->content_off);
	l->content_len = wh_xcalloc(n + 1, sizeof *l->content_len);
	trie_init(&t->raw_trie);
	trie_init(&t->norm_trie);
	for (uint32_t i = 0; i < n && rc == 0; i++, e = j->nodes[e].next) {
		bool normalized, flags[4];
		long content = wh_json_member(j, e, "content");
		if ((rc = want(l, e, WH_JOBJECT, "an added token")) < 0 ||
		    (rc = want(l, content, WH_JSTRING, "added token content")) < 0 ||
		    (rc = bool_member(l, e, "normalized", true, &normalized)) < 0 ||
		    (rc = bool_member(l, e, "single_word", false, &flags[0])) < 0 ||
		    (rc = bool_member(l, e, "lstrip", false, &flags[1])) < 0 ||
		    (rc = bool_member(l, e, "rstrip", false, &flags[2])) < 0 ||
		    (rc = bool_member(l, e, "special", false, &flags[3])) < 0)
			break;
		size_t len;
		const char *s = str_view(l, content, &len, &l->scratch);
		if (len == 0 || added_seen(l, s, len))
			continue;
		struct tok_added *a = &t->added[t->n_added];
		l->content_off[t->n_added] = l->contents.len;
		l->content_len[t->n_added++] = len;
		wh_buf_add(&l->contents, s, len);
		a->id = added_id(l, s, len, &max_added);
		a->single_word = flags[0];
		a->lstrip = flags[1];
		a->rstrip = flags[2];
		a->special = flags[3];
		add_added(l, a, s, len, normalized);
	}
	return rc;
}

static int
load_root(struct loader *l)
{
	const struct wh_json *j = l->j;
	long added;

	if (j->nodes[0].type != WH_JOBJECT)
		return fail(l, 0, "%s", "not a tokenizer.json: the top level is not an object");
	if (load_pipeline(l, 0) < 0 || load_model(l, wh_json_member(j, 0, "model")) < 0)
		return -1;
	added = wh_json_member(j, 0, "added_tokens");
	if (added >= 0 && j->nodes[added].type != WH_JNULL) {
		if (want(l, added, WH_JARRAY, "added_tokens") < 0)
			return -1;
	}
	return load_added(l, added >= 0 && j->nodes[added].type == WH_JARRAY ? added : -1);
}

struct wh_tokenizer *
wh_tokenizer_parse(const char *json, size_t len, const char *name,
    struct wh_error *err)
{
	struct wh_json j = {0};
	struct wh_jerror je;
	struct loader l = { .name = name, .err = err, .j = &j };

	if (wh_json_parse(&j, json, len, &je) < 0) {
		l.t = NULL;
		fail(&l, je.offset, "not valid JSON: %s", je.msg);
		wh_json_free(&j);
		return NULL;
	}
	l.t = wh_xcalloc(1, sizeof *l.t);
	tok_byte_level_tables(l.byte_cp, l.cp_byte);
	int rc = load_root(&l);
	l.t->bytes = l.bytes.data;
	wh_buf_free(&l.scratch);
	wh_buf_free(&l.scratch2);
	wh_buf_free(&l.raw);
	free(l.pend);
	wh_buf_free(&l.contents);
	free(l.content_off);
	free(l.content_len);
	free(l.other.slot);
	wh_json_free(&j);
	if (rc < 0) {
		wh_tokenizer_free(l.t);
		return NULL;
	}
	l.t->pool = tok_pool_new();
	return l.t;
}

struct wh_tokenizer *
wh_tokenizer_load(const char *path, struct wh_error *err)
{
	struct wh_buf in_folder = {0};
	struct wh_tokenizer *t = NULL;
	struct stat st;
	struct wh_map m;

	if (stat(path, &st) == 0 && S_ISDIR(st.st_mode)) {
		wh_buf_printf(&in_folder, "%s/tokenizer.json", path);
		path = in_folder.data;	/* a model's folder */
	}
	if (wh_map_open(&m, path, err) == 0) {
		t = wh_tokenizer_parse(m.data ? m.data : "", m.size, path, err);
		wh_map_close(&m);
	}
	wh_buf_free(&in_folder);
	return t;
}

void
wh_tokenizer_free(struct wh_tokenizer *t)
{
	if (t == NULL)
		return;
	for (int i = 0; i < t->n_step; i++) {
		pcre2_code_free(t->step[i].re);
		pcre2_code_free(t->step[i].re_newer);
	}
	for (size_t i = 0; i < t->n_added; i++) {
		free(t->added[i].text);
		free(t->added[i].dec);
	}
	free(t->added);
	free(t->raw_trie.node);
	free(t->norm_trie.node);
	free(t->vocab.slot);
	free(t->merges.slot);
	free(t->entries);
	free(t->bytes);
	if (t->pool)
		tok_pool_free(t->pool);
	free(t);
}
