/* A 64-bit FNV-1a hash, for cache keys and for recognising a file again. */
#ifndef WHITTLE_HASH_H
#define WHITTLE_HASH_H

#include <stddef.h>
#include <stdint.h>

#define WH_HASH_SEED 0xcbf29ce484222325ULL

uint64_t wh_hash(uint64_t h, const void *p, size_t n);

#endif
