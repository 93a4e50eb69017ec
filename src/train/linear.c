/* Matrix products: linear layers (y = x·Wᵀ + b) and their backward, and the
 * general product attention uses. Built with BLAS they call cblas_sgemm on
 * one thread each, the linear layers splitting their rows over OpenMP's
 * threads (one threading layer: OpenBLAS's own pool would spin beside
 * OpenMP's); else loops that give each thread whole output rows. Either
 * way a run is the same for a given thread count; the loops' sums are the
 * same for any, OpenBLAS's may not be (it picks its small-matrix kernels by
 * the size of each thread's share). */
#include <string.h>

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#ifdef WH_HAVE_BLAS
#include <cblas.h>
#endif

#ifdef _OPENMP
#include <omp.h>
#endif

#include "whittle/model.h"
#include "ops.h"

void
wh_model_threads(int n)
{
#ifdef _OPENMP
	omp_set_num_threads(n);
#endif
	wh_linear_init();
}

/* Where the pool is stopped at start (below), this has nothing to do:
 * openblas_set_num_threads would start the pool again. */
void
wh_linear_init(void)
{
#if defined(WH_HAVE_BLAS) && !defined(HAVE_BLAS_THREAD_SHUTDOWN_)
	openblas_set_num_threads(1);
#endif
}

#ifdef HAVE_BLAS_THREAD_SHUTDOWN_
int blas_thread_shutdown_(void);

/* A threaded OpenBLAS starts its own pool in its library constructor, and
 * each of those threads spins (sched_yield) for about a tenth of a second
 * before it sleeps: every whittle command paid that, a whole core beside a
 * two-thread `whittle stats`, for a pool whittle never uses (one OpenBLAS
 * thread per OpenMP thread, above). The executable's constructors run after
 * its libraries', so this one stops the pool before main, with the
 * function OpenBLAS itself calls before a fork; from then on OpenBLAS
 * runs every product on the calling thread. Setting
 * OPENBLAS_NUM_THREADS=1 earlier would not do: libc's own constructor
 * resets the environment to the one the process was given. */
__attribute__((constructor))
static void
blas_pool_stop(void)
{
	openblas_set_num_threads(1);
	blas_thread_shutdown_();
}
#endif

static void
add_bias(float *out, const float *bias, int N, int O)
{
	if (bias == NULL)
		return;
	#pragma omp parallel for
	for (int n = 0; n < N; n++)
		for (int o = 0; o < O; o++)
			out[(size_t)n * O + o] += bias[o];
}

static void
bias_backward(float *dbias, const float *dout, int N, int O)
{
	if (dbias == NULL)
		return;
	#pragma omp parallel for
	for (int o = 0; o < O; o++) {
		float s = 0;
		for (int n = 0; n < N; n++)
			s += dout[(size_t)n * O + o];
		dbias[o] += s;
	}
}

#ifdef WH_HAVE_BLAS

void
wh_gemm(bool ta, bool tb, int M, int N, int K, float alpha, const float *A, int lda,
    const float *B, int ldb, float beta, float *C, int ldc)
{
	cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans,
	    tb ? CblasTrans : CblasNoTrans, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}

enum { PARALLEL_MIN = 1 << 17 };	/* multiply-adds worth a second thread */

/* This thread's share [*lo, *hi) of n items, in blocks of 16. */
static void
share(int n, int *lo, int *hi)
{
	int t = 0, nt = 1;
#ifdef _OPENMP
	t = omp_get_thread_num();
	nt = omp_get_num_threads();
#endif
	int per = ((n + nt - 1) / nt + 15) / 16 * 16;
	*lo = t * per < n ? t * per : n;
	*hi = *lo + per < n ? *lo + per : n;
}

/* Copy rows [r0, r1), columns [c0, c1) of resid into out, unless they
 * are the same matrix. */
static void
copy_block(float *out, const float *resid, int r0, int r1, int c0, int c1, int O)
{
	if (resid == out)
		return;
	for (int r = r0; r < r1; r++)
		memcpy(out + (size_t)r * O + c0, resid + (size_t)r * O + c0,
		    (size_t)(c1 - c0) * sizeof(float));
}

/* out = in · wᵀ, plus resid where it is not NULL: the residual is copied
 * into each thread's block of out and the product added to it there (beta
 * 1), which costs no more than the zeroing a product into an empty matrix
 * needs. Rows of the output split over threads; a product of few rows (a
 * token at a time in generation) splits its columns instead. Small
 * products stay on one thread. */
static void
linear_forward(float *out, const float *resid, const float *in, const float *w,
    int N, int K, int O)
{
	float beta = resid ? 1.0f : 0.0f;

	#pragma omp parallel if ((double)N * K * O >= PARALLEL_MIN)
	{
		int lo, hi;
		if (N >= 64) {
			share(N, &lo, &hi);
			if (lo < hi) {
				if (resid)
					copy_block(out, resid, lo, hi, 0, O, O);
				wh_gemm(false, true, hi - lo, O, K, 1.0f, in + (size_t)lo * K, K,
				    w, K, beta, out + (size_t)lo * O, O);
			}
		} else {
			share(O, &lo, &hi);
			if (lo < hi) {
				if (resid)
					copy_block(out, resid, 0, N, lo, hi, O);
				wh_gemm(false, true, N, hi - lo, K, 1.0f, in, K,
				    w + (size_t)lo * K, K, beta, out + lo, O);
			}
		}
	}
}

/* din's rows and dw's rows split over threads. */
void
wh_linear_backward(float *din, bool add, float *dw, float *dbias, const float *dout,
    const float *in, const float *w, int N, int K, int O)
{
	#pragma omp parallel if ((double)N * K * O >= PARALLEL_MIN)
	{
		int lo, hi;
		if (din) {
			share(N, &lo, &hi);
			if (lo < hi)
				wh_gemm(false, false, hi - lo, K, O, 1.0f, dout + (size_t)lo * O, O,
				    w, K, add ? 1.0f : 0.0f, din + (size_t)lo * K, K);
		}
		share(O, &lo, &hi);
		if (lo < hi)
			wh_gemm(true, false, hi - lo, K, N, 1.0f, dout + lo, O, in, K, 1.0f,
			    dw + (size_t)lo * K, K);
	}
	bias_backward(dbias, dout, N, O);
}

#else

/* One row of C at a time: its sums over k in order, or as wh_dot's when
 * both operands run along k. */
void
wh_gemm(bool ta, bool tb, int M, int N, int K, float alpha, const float *A, int lda,
    const float *B, int ldb, float beta, float *C, int ldc)
{
	for (int i = 0; i < M; i++) {
		float *c = C + (size_t)i * ldc;
		if (!ta && tb) {
			for (int j = 0; j < N; j++)
				c[j] = (beta == 0 ? 0 : beta * c[j]) + alpha
				    * wh_dot(A + (size_t)i * lda, B + (size_t)j * ldb, K);
			continue;
		}
		for (int j = 0; j < N; j++)
			c[j] = beta == 0 ? 0 : beta * c[j];
		for (int k = 0; k < K; k++) {
			float a = alpha * (ta ? A[(size_t)k * lda + i] : A[(size_t)i * lda + k]);
			if (tb)
				for (int j = 0; j < N; j++)
					c[j] += a * B[(size_t)j * ldb + k];
			else
				for (int j = 0; j < N; j++)
					c[j] += a * B[(size_t)k * ldb + j];
		}
	}
}

/* Four rows of in against one row of w at a time: each weight read once
 * serves four dot products; each sum starts from resid's element where
 * resid is not NULL. */
static void
linear_forward(float *out, const float *resid, const float *in, const float *w,
    int N, int K, int O)
{
	#pragma omp parallel for
	for (int n0 = 0; n0 < N; n0 += 4) {
		int rows = N - n0 < 4 ? N - n0 : 4;
		const float *x[4];
		for (int r = 0; r < 4; r++)
			x[r] = in + (size_t)(n0 + (r < rows ? r : 0)) * K;
		for (int o = 0; o < O; o++) {
			const float *wo = w + (size_t)o * K;
			float s0 = 0, s1 = 0, s2 = 0, s3 = 0;
			for (int i = 0; i < K; i++) {
				s0 += x[0][i] * wo[i];
				s1 += x[1][i] * wo[i];
				s2 += x[2][i] * wo[i];
				s3 += x[3][i] * wo[i];
			}
			float acc[4] = { s0, s1, s2, s3 };
			for (int r = 0; r < rows; r++) {
				size_t at = (size_t)(n0 + r) * O + o;
				out[at] = resid ? resid[at] + acc[r] : acc[r];
			}
		}
	}
}

void
wh_linear_backward(float *din, bool add, float *dw, float *dbias, const float *dout,
    const float *in, const float *w, int N, int K, int O)
{
	if (din) {
		#pragma omp parallel for
		for (int n = 0; n < N; n++) {
			float *dx = din + (size_t)n * K;
			if (!add)
				memset(dx, 0, K * sizeof(float));
			for (int o = 0; o < O; o++) {
				float d = dout[(size_t)n * O + o];
				const float *wo = w + (size_t)o * K;
				for (int i = 0; i < K; i++)
					dx[i] += d * wo[i];
			}
		}
	}
	#pragma omp parallel for
	for (int o = 0; o < O; o++) {
		float *dwo = dw + (size_t)o * K;
		for (int n = 0; n < N; n++) {
			float d = dout[(size_t)n * O + o];
			const float *x = in + (size_t)n * K;
			for (int i = 0; i < K; i++)
				dwo[i] += d * x[i];
		}
	}
	bias_backward(dbias, dout, N, O);
}

#endif

void
wh_linear_forward(float *out, const float *in, const float *w,
    const float *bias, int N, int K, int O)
{
	linear_forward(out, NULL, in, w, N, K, O);
	add_bias(out, bias, N, O);
}

void
wh_linear_forward_add(float *out, const float *resid, const float *in,
    const float *w, int N, int K, int O)
{
	linear_forward(out, resid, in, w, N, K, O);
}
