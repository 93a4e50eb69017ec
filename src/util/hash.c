/* FNV-1a, 64 bits. */
#include "whittle/hash.h"

uint64_t
wh_hash(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;

	while (n--) {
		h ^= *s++;
		h *= 0x100000001b3ULL;
	}
	return h;
}
