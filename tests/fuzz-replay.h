/* What the fuzz targets' replay tests share: a seeded xorshift generator, so
 * that the mutated inputs they feed are the same on every run. */
#ifndef WHITTLE_TESTS_FUZZ_REPLAY_H
#define WHITTLE_TESTS_FUZZ_REPLAY_H

#include <stdint.h>

static uint64_t fuzz_rng = 0x9e3779b97f4a7c15ULL;

static uint64_t
next_random(void)
{
	fuzz_rng ^= fuzz_rng << 13;
	fuzz_rng ^= fuzz_rng >> 7;
	fuzz_rng ^= fuzz_rng << 17;
	return fuzz_rng;
}

#endif
