/* The trainer's numeric kernels: matrix products through BLAS when built
 * --with-blas, else portable loops over OpenMP threads; each output element
 * is summed in a fixed order, so results do not depend on scheduling. */
#ifndef WHITTLE_TRAIN_OPS_H
#define WHITTLE_TRAIN_OPS_H

#include <stdbool.h>
#include <math.h>
#include <stddef.h>
#include <stdint.h>

/* An elementwise kernel built for AVX-512 and AVX2 besides the baseline,
 * the variant picked when the program loads: the x86-64 baseline has only
 * 128-bit vectors. Results differ between variants in the last bits (the
 * order of a vector sum), never between runs on one machine. */
#ifdef HAVE_TARGET_CLONES
#define WH_CLONES __attribute__((target_clones("avx512f", "arch=haswell", "default")))
#else
#define WH_CLONES
#endif

/* Keep BLAS on its caller's thread (wh_model_new calls it). */
void wh_linear_init(void);

/* C[M][N] = alpha · op(A) · op(B) + beta · C, row-major with leading
 * dimensions lda, ldb, ldc; op transposes A (ta) or B (tb). Runs on the
 * calling thread. */
void wh_gemm(bool ta, bool tb, int M, int N, int K, float alpha, const float *A,
    int lda, const float *B, int ldb, float beta, float *C, int ldc);

/* out[N][O] = in[N][K] · w[O][K]ᵀ (+ bias[O] when not NULL). */
void wh_linear_forward(float *out, const float *in, const float *w,
    const float *bias, int N, int K, int O);
/* out[N][O] = resid[N][O] + in[N][K] · w[O][K]ᵀ (resid may be out). */
void wh_linear_forward_add(float *out, const float *resid, const float *in,
    const float *w, int N, int K, int O);
/* The backward of wh_linear_forward given dout[N][O]: din = dout · w, or
 * din += dout · w when add (nothing when din is NULL); dw += doutᵀ · in,
 * dbias += Σ dout (when not NULL). */
void wh_linear_backward(float *din, bool add, float *dw, float *dbias,
    const float *dout, const float *in, const float *w, int N, int K, int O);

/* Σ a[i]·b[i] for i < n, kept in 8 interleaved partial sums added in a
 * fixed order: the same result on every call, and no chain of dependent
 * additions (the compiler vectorizes it). */
static inline float
wh_dot(const float *a, const float *b, int n)
{
	float s[8] = { 0 }, r = 0;
	int i = 0;

	for (; i + 8 <= n; i += 8)
		#pragma omp simd
		for (int j = 0; j < 8; j++)
			s[j] += a[i + j] * b[i + j];
	for (int j = 0; i < n; i++, j++)
		s[j] += a[i] * b[i];
	for (int j = 0; j < 8; j++)
		r += s[j];
	return r;
}

/* e^x for x <= 0 (softmax's and the sigmoid's arguments), within 2 ulp of
 * expf, and inline so loops over arrays vectorize (libm's expf is a call
 * per element): e^x = 2^n · e^r with n = round(x / ln 2), |r| <= ln 2 / 2,
 * e^r by its Taylor polynomial (Cephes' coefficients), 2^n put in the
 * exponent bits. Below -87.3 it gives e^-87.3, about 1e-38. */
static inline float
wh_expf(float x)
{
	union { float f; int32_t i; } two;
	float n, r, p;

	x = x > -87.3f ? x : -87.3f;
	n = (x * 1.44269504f + 12582912.0f) - 12582912.0f;	/* round to int */
	r = x - n * 0.693359375f + n * 2.12194440e-4f;
	p = 1.9875691500e-4f;
	p = p * r + 1.3981999507e-3f;
	p = p * r + 8.3334519073e-3f;
	p = p * r + 4.1665795894e-2f;
	p = p * r + 1.6666665459e-1f;
	p = p * r + 5.0000001201e-1f;
	p = p * r * r + r + 1.0f;
	two.i = ((int32_t)n + 127) << 23;
	return p * two.f;
}

/* 1 / (1 + e^-x), through e^-|x|. */
static inline float
wh_sigmoid(float x)
{
	float e = wh_expf(-fabsf(x)), q = 1.0f / (1.0f + e);

	return x >= 0 ? q : e * q;
}

/* A seeded generator (splitmix64): the same seed, the same numbers. */
static inline uint64_t
wh_rng_next(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

/* Uniform in [0, 1). */
static inline double
wh_rng_uniform(uint64_t *s)
{
	return (double)(wh_rng_next(s) >> 11) * 0x1.0p-53;
}

#endif
