/* Portable kernels: plain C that -O3 vectorises for the baseline ISA (SSE2 on x86-64, NEON on arm64).
 * Eight independent partial sums per dot product let the compiler vectorise without -ffast-math. */

#include <math.h>

#include "kernels.h"

static inline float dot8(const float *a, const float *b, size_t count) {
    float lanes[8] = {0};
    size_t k = 0;
    for (; k + 8 <= count; k += 8)
        for (int j = 0; j < 8; j++) lanes[j] += a[k + j] * b[k + j];
    float sum = ((lanes[0] + lanes[4]) + (lanes[1] + lanes[5])) + ((lanes[2] + lanes[6]) + (lanes[3] + lanes[7]));
    for (; k < count; k++) sum += a[k] * b[k];
    return sum;
}

/* Two x rows against two weight rows per pass: each load feeds two multiply-adds. */
static void matmul_bt(const float *x, size_t ldx, const float *w, size_t ldw, const float *bias, float *out,
                      size_t ldo, size_t rows, size_t col_begin, size_t col_end, size_t depth) {
    size_t chunk = okv_row_chunk(depth);
    for (size_t n0 = 0; n0 < rows; n0 += chunk) {
        size_t n1 = n0 + chunk < rows ? n0 + chunk : rows;
        size_t o = col_begin;
        for (; o + 2 <= col_end; o += 2) {
            const float *w0 = w + o * ldw, *w1 = w0 + ldw;
            float b0 = bias ? bias[o] : 0, b1 = bias ? bias[o + 1] : 0;
            size_t n = n0;
            for (; n + 2 <= n1; n += 2) {
                const float *x0 = x + n * ldx, *x1 = x0 + ldx;
                float a00[8] = {0}, a01[8] = {0}, a10[8] = {0}, a11[8] = {0};
                size_t k = 0;
                for (; k + 8 <= depth; k += 8)
                    for (int j = 0; j < 8; j++) {
                        a00[j] += x0[k + j] * w0[k + j];
                        a01[j] += x0[k + j] * w1[k + j];
                        a10[j] += x1[k + j] * w0[k + j];
                        a11[j] += x1[k + j] * w1[k + j];
                    }
                float s00 = 0, s01 = 0, s10 = 0, s11 = 0;
                for (int j = 0; j < 8; j++) {
                    s00 += a00[j];
                    s01 += a01[j];
                    s10 += a10[j];
                    s11 += a11[j];
                }
                for (; k < depth; k++) {
                    s00 += x0[k] * w0[k];
                    s01 += x0[k] * w1[k];
                    s10 += x1[k] * w0[k];
                    s11 += x1[k] * w1[k];
                }
                out[n * ldo + o] = b0 + s00;
                out[n * ldo + o + 1] = b1 + s01;
                out[(n + 1) * ldo + o] = b0 + s10;
                out[(n + 1) * ldo + o + 1] = b1 + s11;
            }
            for (; n < n1; n++) {
                out[n * ldo + o] = b0 + dot8(x + n * ldx, w0, depth);
                out[n * ldo + o + 1] = b1 + dot8(x + n * ldx, w1, depth);
            }
        }
        for (; o < col_end; o++)
            for (size_t n = n0; n < n1; n++)
                out[n * ldo + o] = (bias ? bias[o] : 0) + dot8(x + n * ldx, w + o * ldw, depth);
    }
}

static float dot(const float *a, const float *b, size_t count) { return dot8(a, b, count); }

static void dot_rows(const float *query, const float *rows, size_t count, size_t dimension, float *scores) {
    for (size_t r = 0; r < count; r++) scores[r] = dot8(query, rows + r * dimension, dimension);
}

static void layer_norm_row(float *x, const float *residual, size_t dim, const float *gamma, const float *beta,
                           float eps) {
    if (residual)
        for (size_t i = 0; i < dim; i++) x[i] += residual[i];
    float sum = 0;
    for (size_t i = 0; i < dim; i++) sum += x[i];
    float mean = sum / (float)dim, squares = 0;
    for (size_t i = 0; i < dim; i++) squares += (x[i] - mean) * (x[i] - mean);
    float inv = 1.0f / sqrtf(squares / (float)dim + eps);
    for (size_t i = 0; i < dim; i++) x[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
}

static inline float erf_approx(float v) {
    static const float alpha[] = OKV_ERF_ALPHA, beta[] = OKV_ERF_BETA;
    float x = v < -4.0f ? -4.0f : (v > 4.0f ? 4.0f : v), x2 = x * x;
    float p = alpha[0], q = beta[0];
    for (int i = 1; i < 7; i++) p = p * x2 + alpha[i];
    for (int i = 1; i < 5; i++) q = q * x2 + beta[i];
    return x * p / q;
}

static void gelu(float *x, size_t count) {
    for (size_t i = 0; i < count; i++) x[i] = 0.5f * x[i] * (1.0f + erf_approx(x[i] * 0.70710678118654752f));
}

static void softmax_row(float *x, size_t count, float scale) {
    if (count == 0) return;
    float top = x[0];
    for (size_t i = 1; i < count; i++) top = x[i] > top ? x[i] : top;
    float sum = 0;
    for (size_t i = 0; i < count; i++) {
        x[i] = expf((x[i] - top) * scale);
        sum += x[i];
    }
    float inv = 1.0f / sum;
    for (size_t i = 0; i < count; i++) x[i] *= inv;
}

const okv_kernels okv_portable_kernels = {
    "portable", matmul_bt, dot, dot_rows, layer_norm_row, gelu, softmax_row,
};
