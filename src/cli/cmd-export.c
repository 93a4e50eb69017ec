/* whittle export: write a dataset in the layout a trainer takes, optionally
 * split into train and validation files. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "whittle/buf.h"
#include "whittle/export.h"
#include "whittle/file.h"
#include "whittle/hash.h"

struct out {
	struct wh_atomic a;
	bool open;
	size_t records;
};

/* OUT.PART.jsonl, where a .jsonl ending OUT is replaced (and a .gz after
 * it kept: OUT.PART.jsonl.gz). */
static char *
split_name(const char *path, const char *part)
{
	struct wh_buf b = {0};
	size_t n = strlen(path);
	bool gz = n > 3 && strcmp(path + n - 3, ".gz") == 0;

	n -= gz ? 3 : 0;
	if (n > 6 && strncmp(path + n - 6, ".jsonl", 6) == 0)
		n -= 6;
	wh_buf_printf(&b, "%.*s.%s.jsonl%s", (int)n, path, part, gz ? ".gz" : "");
	return wh_buf_take(&b);
}

/* Is record n in the training part? A seeded hash keeps it stable. */
static bool
in_train(size_t n, unsigned long seed, double frac)
{
	uint64_t key[2] = { seed, n };
	uint64_t h = wh_hash(WH_HASH_SEED, key, sizeof key);

	return (double)(h >> 11) / (double)(1ULL << 53) < frac;
}

/* Entry i's own system prompt: its member system (OpenThoughts, Sky-T1)
 * or the system turn of its chat; NULL if it has none. *where gets which. */
static char *
record_system(struct wh_dataset *ds, size_t i, struct wh_json *j,
    const char **where)
{
	struct wh_buf b = {0};
	long node;

	if (wh_dataset_parse(ds, i, j, NULL) < 0 ||
	    (node = wh_layout_system(&ds->layout, j, where)) < 0)
		return NULL;
	wh_json_string(j, node, &b);
	wh_buf_addc(&b, '\0');
	return wh_buf_take(&b);
}

static int
export_exec(const struct wh_cmd *self, int argc, char **argv)
{
	static const struct option longopts[] = {
		WH_CLI_COMMON_LONGOPTS,
		{ "format", required_argument, NULL, 'f' },
		{ "output", required_argument, NULL, 'o' },
		{ "think-open", required_argument, NULL, 'T' },
		{ "think-close", required_argument, NULL, 'C' },
		{ "system", required_argument, NULL, 's' },
		{ "keep-system", no_argument, NULL, 'K' },
		{ "split", required_argument, NULL, 'S' },
		{ "seed", required_argument, NULL, 'e' },
		{ "generation", required_argument, NULL, 'g' },
		{ NULL, 0, NULL, 0 }
	};
	struct wh_cli_common o = {0};
	struct wh_export_opts eo = { .format = WH_EXPORT_MESSAGES };
	const char *output = NULL, *gen_arg = "0";
	double split = 0;
	unsigned long seed = 0;
	int c, rc = WH_EXIT_OK;
	bool keep_system = false;

	optind = 1;
	while ((c = getopt_long(argc, argv, ":" WH_CLI_COMMON_SHORTOPTS "f:o:g:",
	    longopts, NULL)) != -1) {
		int k = wh_cli_common_opt(self, &o, c, optarg), f;
		char *end;
		if (k < 0)
			return WH_EXIT_USAGE;
		if (k == 1)
			continue;
		switch (c) {
		case 'f':
			if ((f = wh_export_format_parse(optarg)) < 0)
				return wh_cli_usage(self, "--format %s: use messages, sharegpt, "
				    "alpaca, text or jsonl", optarg);
			eo.format = (enum wh_export_format)f;
			break;
		case 'o': output = optarg; break;
		case 'T': eo.think_open = optarg; break;
		case 'C': eo.think_close = optarg; break;
		case 's': eo.system = optarg; break;
		case 'K': keep_system = true; break;
		case 'g': gen_arg = optarg; break;
		case 'S':
			split = strtod(optarg, &end);
			if (*end || !(split > 0 && split < 1))
				return wh_cli_usage(self, "--split %s: give the training share, "
				    "between 0 and 1 (e.g. 0.95)", optarg);
			break;
		case 'e':
			seed = strtoul(optarg, &end, 10);
			if (*end || !*optarg)
				return wh_cli_usage(self, "--seed %s: give a whole number", optarg);
			break;
		default:
			return wh_cli_bad_option(self, c, argv);
		}
	}
	if (o.help)
		return wh_cli_help(self);
	if (argc - optind != 1)
		return wh_cli_usage(self, "export takes one FILE");
	bool all_gens = strcmp(gen_arg, "all") == 0;
	long gen = all_gens || strcmp(gen_arg, "0") == 0 ? 0 : wh_cli_positive(gen_arg);
	if (gen < 0)
		return wh_cli_usage(self, "--generation %s: give 0, 1, ... or all", gen_arg);
	if (split > 0 && output == NULL)
		return wh_cli_usage(self, "--split needs -o FILE to name the two outputs");

	struct wh_dataset *ds;
	struct wh_error err;
	if (wh_cli_open(argv[optind], &o, &ds) < 0)
		return WH_EXIT_ERROR;
	if (!ds->layout_known) {
		wh_error_set(&err, ds->path, 0, "no known layout: give one with --map "
		    "(see whittle-formats(5))");
		wh_cli_error(&err);
		wh_dataset_close(ds);
		return WH_EXIT_ERROR;
	}

	struct out outs[2] = {0};
	const char *names[2] = { output, NULL };
	char *owned[2] = { NULL, NULL };
	if (split > 0) {
		names[0] = owned[0] = split_name(output, "train");
		names[1] = owned[1] = split_name(output, "valid");
	}
	for (int k = 0; k < 2 && names[k]; k++) {
		if (wh_cli_not_input(argv[optind], names[k]) < 0) {
			rc = WH_EXIT_ERROR;
			goto done;
		}
		if (wh_cli_open_output(&outs[k].a, names[k], &err) < 0) {
			wh_cli_error(&err);
			rc = WH_EXIT_ERROR;
			goto done;
		}
		outs[k].open = true;
	}
	FILE *stream[2] = { output ? outs[0].a.fp : stdout, outs[1].a.fp };

	struct wh_buf line = {0};
	struct wh_json j = {0};
	const char *system = eo.system, *where = NULL;
	size_t n = 0, bad = 0, total = wh_dataset_entries(ds);
	long first = keep_system || system ? -1 : wh_dataset_nth_good(ds, 0);
	char *own = first < 0 ? NULL : record_system(ds, (size_t)first, &j, &where);
	if (own)
		fprintf(stderr, "whittle: the records carry a system prompt (%s), which "
		    "is not exported: --keep-system keeps each record's, --system TEXT "
		    "sets one\n", where);
	free(own);
	for (size_t i = 0; i < total; i++) {
		struct wh_trace t;
		uint32_t g = (uint32_t)gen, n_gens = 1;
		own = keep_system ? record_system(ds, i, &j, &where) : NULL;
		eo.system = own ? own : system;
		do {
			if (wh_dataset_trace(ds, i, g, &t, &err) < 0) {
				if (ds->state[i] == WH_REC_BAD && bad++ < WH_BAD_KEPT)
					wh_cli_error(&err);
				break;
			}
			if (g == (uint32_t)gen || all_gens) {
				if (g == (uint32_t)gen)
					n++;
				n_gens = all_gens ? t.n_generations : 1;
				int k = split > 0 && !in_train(n, seed, split);
				wh_buf_clear(&line);
				wh_export_trace(&line, &t, n, &eo);
				fwrite(line.data, 1, line.len, stream[k]);
				outs[k].records++;
			}
			wh_trace_free(&t);
		} while (++g < n_gens);
		free(own);
		if ((i & 1023) == 0)
			wh_cli_progress_records("exporting", i, total);
	}
	wh_cli_progress_records("exporting", total, total);
	wh_buf_free(&line);
	wh_json_free(&j);
	for (int k = 0; k < 2; k++) {
		if (!outs[k].open)
			continue;
		outs[k].open = false;
		if (wh_atomic_commit(&outs[k].a, &err) < 0) {
			wh_cli_error(&err);
			rc = WH_EXIT_ERROR;
		}
	}
	if (rc == WH_EXIT_OK && names[1])
		fprintf(stderr, "whittle: wrote %zu records to %s and %zu to %s\n",
		    outs[0].records, names[0], outs[1].records, names[1]);
	else if (rc == WH_EXIT_OK && output)
		fprintf(stderr, "whittle: wrote %zu records to %s\n", outs[0].records,
		    output);
	if (bad)
		fprintf(stderr, "whittle: skipped %zu bad records%s\n", bad,
		    bad > WH_BAD_KEPT ? " (whittle stats lists them)" : "");
done:
	for (int k = 0; k < 2; k++) {
		if (outs[k].open)
			wh_atomic_abort(&outs[k].a);
		free(owned[k]);
	}
	wh_dataset_close(ds);
	return rc;
}

const struct wh_cmd wh_cmd_export = {
	"export", "write a dataset in a trainer's layout (messages, sharegpt, ...)",
	"usage: whittle export [OPTIONS] FILE [-o OUT]\n"
	"\n"
	"Write every good record of FILE as one JSON line in a trainer's layout,\n"
	"the thinking wrapped in <think>...</think> before the answer. Bad records\n"
	"are skipped and listed on stderr. Without -o the lines go to stdout.\n"
	"\n"
	"  -f, --format F     messages (default; TRL, OpenAI), sharegpt\n"
	"                     (LLaMA-Factory, axolotl), alpaca, text, jsonl\n"
	"  -o, --output OUT   write OUT (atomically: a crash leaves no half file)\n"
	"  --think-open S     the opening delimiter (default <think>)\n"
	"  --think-close S    the closing delimiter (default </think>)\n"
	"  --system TEXT      add a system turn\n"
	"  --keep-system      keep each record's own system prompt (its member\n"
	"                     system or system turn; else --system TEXT's)\n"
	"  --split FRAC       write OUT's .train.jsonl and .valid.jsonl, FRAC of the\n"
	"                     records in train, chosen by a seeded hash\n"
	"  --seed N           seed of the split (default 0)\n"
	"  -g, --generation K export the K-th generation (0-based), or all of them\n"
	"  --map SPEC, --layout NAME, -j N, -h  as for whittle stats\n",
	export_exec
};
