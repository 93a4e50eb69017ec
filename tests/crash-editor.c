/* A helper for the crash and round-trip tests: drives the dataset store the
 * way an editing session does, printing what it has acknowledged, so that a
 * test can kill it with SIGKILL at any moment and check nothing was lost.
 *   crash-editor edit FILE      set record 1's question to edit-0, edit-1, ...
 *   crash-editor save FILE      the same, saving the file after each edit
 *   crash-editor question FILE  print record 1's question after restoring
 *   crash-editor copy FILE OUT  save FILE, unedited, to OUT */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "whittle/dataset.h"

static int
fail(const struct wh_error *err)
{
	char msg[1200];

	wh_error_format(err, msg, sizeof msg);
	fprintf(stderr, "crash-editor: %s\n", msg);
	return 1;
}

int
main(int argc, char **argv)
{
	struct wh_open_opts o = { .journal = true };
	struct wh_dataset *ds;
	struct wh_error err;
	char text[64];

	if (argc < 3)
		return 2;
	if (strcmp(argv[1], "copy") == 0)
		o.journal = false;
	if (wh_dataset_open(&ds, argv[2], &o, &err) < 0)
		return fail(&err);
	if (strcmp(argv[1], "copy") == 0) {
		if (argc != 4 || wh_dataset_save(ds, argv[3], &err) < 0)
			return fail(&err);
	} else if (strcmp(argv[1], "question") == 0) {
		struct wh_trace t;
		if (wh_dataset_trace(ds, 0, 0, &t, &err) < 0)
			return fail(&err);
		puts(t.text[WH_QUESTION]);
		wh_trace_free(&t);
	} else {
		int save = strcmp(argv[1], "save") == 0;
		setvbuf(stdout, NULL, _IOLBF, 0);
		for (long i = 0; ; i++) {
			snprintf(text, sizeof text, "edit-%ld", i);
			if (wh_dataset_set_field(ds, 0, 0, WH_QUESTION, text, strlen(text), &err) < 0)
				return fail(&err);
			printf("ack %ld\n", i);
			if (save && wh_dataset_save(ds, NULL, &err) < 0)
				return fail(&err);
		}
	}
	wh_dataset_close(ds);
	return 0;
}
