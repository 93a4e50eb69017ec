/* Linear layers (y = x·Wᵀ + b) and their backward: cblas_sgemm when built
 * with BLAS, else loops that give each thread whole output rows, so sums
 * run in the same order whatever the thread count. */
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
#ifdef WH_HAVE_BLAS
	openblas_set_num_threads(n);
#endif
}

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
wh_linear_forward(float *out, const float *in, const float *w,
    const float *bias, int N, int K, int O)
{
	cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasTrans, N, O, K, 1.0f, in, K,
	    w, K, 0.0f, out, O);
	add_bias(out, bias, N, O);
}

void
wh_linear_backward(float *din, float *dw, float *dbias, const float *dout,
    const float *in, const float *w, int N, int K, int O)
{
	if (din)
		cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, N, K, O, 1.0f,
		    dout, O, w, K, 1.0f, din, K);
	cblas_sgemm(CblasRowMajor, CblasTrans, CblasNoTrans, O, K, N, 1.0f, dout, O,
	    in, K, 1.0f, dw, K);
	bias_backward(dbias, dout, N, O);
}

#else

/* Four rows of in against one row of w at a time: each weight read once
 * serves four dot products. */
void
wh_linear_forward(float *out, const float *in, const float *w,
    const float *bias, int N, int K, int O)
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
			for (int r = 0; r < rows; r++)
				out[(size_t)(n0 + r) * O + o] = acc[r];
		}
	}
	add_bias(out, bias, N, O);
}

void
wh_linear_backward(float *din, float *dw, float *dbias, const float *dout,
    const float *in, const float *w, int N, int K, int O)
{
	if (din) {
		#pragma omp parallel for
		for (int n = 0; n < N; n++) {
			float *dx = din + (size_t)n * K;
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
