/* Each record's loss under a model: the documents of a training file run
 * through the model in packed rows, as in training, without generation or
 * any update; the mean token loss of each written as a JSON line. */
#include <stdio.h>
#include <stdlib.h>

#include "whittle/file.h"
#include "train-int.h"

int
wh_train_losses(struct wh_model *m, const struct wh_train_data *d, int B, int T,
    FILE *out)
{
	size_t N = (size_t)B * T, next = 0;
	size_t *docs = wh_xmalloc(d->ndocs * sizeof *docs);
	int32_t *tok = wh_xmalloc(3 * N * sizeof *tok), *tgt = tok + N, *pos = tgt + N;
	long *who = wh_xmalloc(N * sizeof *who), count;
	float *row_loss = wh_xmalloc(N * sizeof *row_loss);
	struct wh_batches bl = { 0 };

	for (size_t i = 0; i < d->ndocs; i++)
		docs[i] = i;
	wh_batches_header(out, d);
	while (next < d->ndocs) {
		wh_train_pack(d, docs, d->ndocs, &next, B, T, tok, tgt, pos, who);
		struct wh_batch b = { B, T, tok, tgt, pos };
		wh_model_forward(m, &b, false, &count);
		wh_model_row_losses(m, row_loss);
		wh_batches_add(&bl, row_loss, tgt, pos, who, N);
		for (size_t k = 0; k < bl.n; k++) {
			const char *id = d->id[bl.doc[k]];
			fprintf(out, "{\"record\":%zu,", d->record[bl.doc[k]]);
			if (id)
				fprintf(out, "\"id\":%s,", id);
			if (bl.targets[k])
				fprintf(out, "\"loss\":%.6g,", bl.sum[k] / bl.targets[k]);
			else
				fprintf(out, "\"loss\":null,");
			fprintf(out, "\"targets\":%ld}\n", bl.targets[k]);
		}
		bl.n = 0;
	}
	wh_batches_close(&bl);
	free(docs);
	free(tok);
	free(who);
	free(row_loss);
	return fflush(out) == 0 && !ferror(out) ? 0 : -1;
}
