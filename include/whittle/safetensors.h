/* safetensors: the tensor file format of Hugging Face checkpoints. A reader
 * that maps a file, validates its header as the reference implementation
 * does and converts tensors to f32; a writer of f32 tensors, atomically. */
#ifndef WHITTLE_SAFETENSORS_H
#define WHITTLE_SAFETENSORS_H

#include <stddef.h>
#include <stdint.h>

#include "whittle/error.h"
#include "whittle/file.h"

enum wh_dtype { WH_F32, WH_F16, WH_BF16, WH_I32, WH_I64, WH_DTYPE_OTHER };

#define WH_ST_MAXDIM 8

/* One tensor of a file: its bytes are data[off, off + size) of the file's
 * byte buffer. */
struct wh_st_tensor {
	char *name;
	enum wh_dtype dtype;
	int ndim;
	int64_t shape[WH_ST_MAXDIM];
	size_t numel;
	size_t off, size;
};

struct wh_safetensors {
	struct wh_map map;	/* the file, when opened from one */
	const unsigned char *data;	/* the byte buffer after the header */
	size_t data_size;
	struct wh_st_tensor *t;
	size_t n;
};

/* Open and validate path; st owns the mapping until wh_safetensors_close.
 * Returns 0, or -1 with err set (naming the file). */
int wh_safetensors_open(struct wh_safetensors *st, const char *path,
    struct wh_error *err);
/* Validate bytes[0..size) (borrowed, must outlive st). Returns 0 or -1. */
int wh_safetensors_parse(struct wh_safetensors *st, const void *bytes,
    size_t size, struct wh_error *err);
void wh_safetensors_close(struct wh_safetensors *st);

/* The tensor named name, or NULL. */
const struct wh_st_tensor *wh_safetensors_find(const struct wh_safetensors *st,
    const char *name);
/* Copy tensor name (F32, F16 or BF16) into out as f32; it must have exactly
 * numel elements. Returns 0, or -1 with err set when missing or mismatched. */
int wh_safetensors_read_f32(const struct wh_safetensors *st, const char *name,
    float *out, size_t numel, struct wh_error *err);
/* Copy tensor name (I32 or I64) into out as int32. Returns 0 or -1. */
int wh_safetensors_read_i32(const struct wh_safetensors *st, const char *name,
    int32_t *out, size_t numel, struct wh_error *err);

/* A tensor to write: f32 values borrowed from the caller. */
struct wh_st_entry {
	const char *name;
	int ndim;
	int64_t shape[WH_ST_MAXDIM];
	const float *data;
};

/* Write entries as an F32 safetensors file at path through a temp file
 * (header padded to 8 bytes, tensors sorted by name, metadata
 * {"format":"pt"}). Returns 0, or -1 with err set and path untouched. */
int wh_safetensors_write(const char *path, const struct wh_st_entry *e,
    size_t n, struct wh_error *err);

#endif
