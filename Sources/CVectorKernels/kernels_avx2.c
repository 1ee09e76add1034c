/* AVX2 + FMA kernels, compiled for those instructions function by function (target attribute), so
 * the rest of the binary keeps the baseline ISA; dispatch.c calls them only when the CPU has both. */

#if defined(__x86_64__) || defined(__i386__)

#include <immintrin.h>
#include <math.h>
#include <stdint.h>

#include "kernels.h"

#define AVX2 __attribute__((target("avx2,fma")))
#define AVX2_INLINE __attribute__((target("avx2,fma"), always_inline)) static inline

/* Lanes [0, remaining) on, for the last partial vector of a row (remaining in 1...7). */
AVX2_INLINE __m256i tail_mask(size_t remaining) {
    static const int32_t table[16] = {-1, -1, -1, -1, -1, -1, -1, -1, 0, 0, 0, 0, 0, 0, 0, 0};
    return _mm256_loadu_si256((const __m256i *)(table + 8 - remaining));
}

AVX2_INLINE float hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}

/* The four horizontal sums [sum a, sum b, sum c, sum d] in one vector. */
AVX2_INLINE __m128 hsum4(__m256 a, __m256 b, __m256 c, __m256 d) {
    __m256 abcd = _mm256_hadd_ps(_mm256_hadd_ps(a, b), _mm256_hadd_ps(c, d));
    return _mm_add_ps(_mm256_castps256_ps128(abcd), _mm256_extractf128_ps(abcd, 1));
}

/* One R x C block of the product (R x rows by C weight rows, R <= 4, C <= 3): 12 accumulators
 * and 3 weight vectors fill 15 of the 16 ymm registers; x comes in as FMA memory operands, so
 * every 8 floats of depth cost 7 loads for 12 multiply-adds. Constant R and C unroll fully. */
AVX2_INLINE void block(const float *x, size_t ldx, const float *w, size_t ldw, const float *bias, float *out,
                       size_t ldo, size_t depth, int R, int C) {
    __m256 acc[4][3];
    for (int i = 0; i < R; i++)
        for (int j = 0; j < C; j++) acc[i][j] = _mm256_setzero_ps();
    size_t k = 0;
    for (; k + 8 <= depth; k += 8) {
        __m256 wv[3];
        for (int j = 0; j < C; j++) wv[j] = _mm256_loadu_ps(w + j * ldw + k);
        for (int i = 0; i < R; i++) {
            __m256 xv = _mm256_loadu_ps(x + i * ldx + k);
            for (int j = 0; j < C; j++) acc[i][j] = _mm256_fmadd_ps(xv, wv[j], acc[i][j]);
        }
    }
    if (k < depth) {
        __m256i mask = tail_mask(depth - k);
        __m256 wv[3];
        for (int j = 0; j < C; j++) wv[j] = _mm256_maskload_ps(w + j * ldw + k, mask);
        for (int i = 0; i < R; i++) {
            __m256 xv = _mm256_maskload_ps(x + i * ldx + k, mask);
            for (int j = 0; j < C; j++) acc[i][j] = _mm256_fmadd_ps(xv, wv[j], acc[i][j]);
        }
    }
    for (int j = 0; j < C; j++) {
        float b = bias ? bias[j] : 0.0f;
        if (R == 4) {
            float sums[4];
            _mm_storeu_ps(sums, hsum4(acc[0][j], acc[1][j], acc[2][j], acc[3][j]));
            for (int i = 0; i < 4; i++) out[i * ldo + j] = b + sums[i];
        } else {
            for (int i = 0; i < R; i++) out[i * ldo + j] = b + hsum(acc[i][j]);
        }
    }
}

AVX2 static void matmul_bt(const float *x, size_t ldx, const float *w, size_t ldw, const float *bias, float *out,
                           size_t ldo, size_t rows, size_t col_begin, size_t col_end, size_t depth) {
    size_t chunk = okv_row_chunk(depth);
    for (size_t n0 = 0; n0 < rows; n0 += chunk) {
        size_t n1 = n0 + chunk < rows ? n0 + chunk : rows;
        size_t o = col_begin;
        for (; o + 3 <= col_end; o += 3) {
            const float *wo = w + o * ldw, *bo = bias ? bias + o : NULL;
            size_t n = n0;
            for (; n + 4 <= n1; n += 4) block(x + n * ldx, ldx, wo, ldw, bo, out + n * ldo + o, ldo, depth, 4, 3);
            for (; n < n1; n++) block(x + n * ldx, ldx, wo, ldw, bo, out + n * ldo + o, ldo, depth, 1, 3);
        }
        for (; o < col_end; o++) {
            const float *wo = w + o * ldw, *bo = bias ? bias + o : NULL;
            size_t n = n0;
            for (; n + 4 <= n1; n += 4) block(x + n * ldx, ldx, wo, ldw, bo, out + n * ldo + o, ldo, depth, 4, 1);
            for (; n < n1; n++) block(x + n * ldx, ldx, wo, ldw, bo, out + n * ldo + o, ldo, depth, 1, 1);
        }
    }
}

AVX2 static float dot(const float *a, const float *b, size_t count) {
    __m256 s0 = _mm256_setzero_ps(), s1 = _mm256_setzero_ps();
    size_t k = 0;
    for (; k + 16 <= count; k += 16) {
        s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), s0);
        s1 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k + 8), _mm256_loadu_ps(b + k + 8), s1);
    }
    for (; k + 8 <= count; k += 8) s0 = _mm256_fmadd_ps(_mm256_loadu_ps(a + k), _mm256_loadu_ps(b + k), s0);
    if (k < count) {
        __m256i mask = tail_mask(count - k);
        s1 = _mm256_fmadd_ps(_mm256_maskload_ps(a + k, mask), _mm256_maskload_ps(b + k, mask), s1);
    }
    return hsum(_mm256_add_ps(s0, s1));
}

/* Four rows per pass share each query load; the scan is bound by memory bandwidth, not FMAs. */
AVX2 static void dot_rows(const float *query, const float *rows, size_t count, size_t dimension, float *scores) {
    size_t r = 0;
    for (; r + 4 <= count; r += 4) {
        const float *r0 = rows + r * dimension, *r1 = r0 + dimension, *r2 = r1 + dimension, *r3 = r2 + dimension;
        __m256 a0 = _mm256_setzero_ps(), a1 = _mm256_setzero_ps(), a2 = _mm256_setzero_ps(),
               a3 = _mm256_setzero_ps();
        size_t k = 0;
        for (; k + 8 <= dimension; k += 8) {
            __m256 q = _mm256_loadu_ps(query + k);
            a0 = _mm256_fmadd_ps(q, _mm256_loadu_ps(r0 + k), a0);
            a1 = _mm256_fmadd_ps(q, _mm256_loadu_ps(r1 + k), a1);
            a2 = _mm256_fmadd_ps(q, _mm256_loadu_ps(r2 + k), a2);
            a3 = _mm256_fmadd_ps(q, _mm256_loadu_ps(r3 + k), a3);
        }
        if (k < dimension) {
            __m256i mask = tail_mask(dimension - k);
            __m256 q = _mm256_maskload_ps(query + k, mask);
            a0 = _mm256_fmadd_ps(q, _mm256_maskload_ps(r0 + k, mask), a0);
            a1 = _mm256_fmadd_ps(q, _mm256_maskload_ps(r1 + k, mask), a1);
            a2 = _mm256_fmadd_ps(q, _mm256_maskload_ps(r2 + k, mask), a2);
            a3 = _mm256_fmadd_ps(q, _mm256_maskload_ps(r3 + k, mask), a3);
        }
        _mm_storeu_ps(scores + r, hsum4(a0, a1, a2, a3));
    }
    for (; r < count; r++) scores[r] = dot(query, rows + r * dimension, dimension);
}

AVX2 static void layer_norm_row(float *x, const float *residual, size_t dim, const float *gamma, const float *beta,
                                float eps) {
    size_t body = dim - dim % 8;
    __m256 sum = _mm256_setzero_ps();
    float tail = 0;
    for (size_t i = 0; i < body; i += 8) {
        __m256 v = _mm256_loadu_ps(x + i);
        if (residual) v = _mm256_add_ps(v, _mm256_loadu_ps(residual + i));
        _mm256_storeu_ps(x + i, v);
        sum = _mm256_add_ps(sum, v);
    }
    for (size_t i = body; i < dim; i++) {
        if (residual) x[i] += residual[i];
        tail += x[i];
    }
    float mean = (hsum(sum) + tail) / (float)dim;
    __m256 m = _mm256_set1_ps(mean), squares = _mm256_setzero_ps();
    tail = 0;
    for (size_t i = 0; i < body; i += 8) {
        __m256 d = _mm256_sub_ps(_mm256_loadu_ps(x + i), m);
        squares = _mm256_fmadd_ps(d, d, squares);
    }
    for (size_t i = body; i < dim; i++) tail += (x[i] - mean) * (x[i] - mean);
    float inv = 1.0f / sqrtf((hsum(squares) + tail) / (float)dim + eps);
    __m256 s = _mm256_set1_ps(inv);
    for (size_t i = 0; i < body; i += 8) {
        __m256 d = _mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), m), s);
        _mm256_storeu_ps(x + i, _mm256_fmadd_ps(d, _mm256_loadu_ps(gamma + i), _mm256_loadu_ps(beta + i)));
    }
    for (size_t i = body; i < dim; i++) x[i] = (x[i] - mean) * inv * gamma[i] + beta[i];
}

AVX2_INLINE __m256 gelu8(__m256 v) {
    static const float alpha[] = OKV_ERF_ALPHA, beta[] = OKV_ERF_BETA;
    __m256 x = _mm256_mul_ps(v, _mm256_set1_ps(0.70710678118654752f));
    x = _mm256_max_ps(_mm256_min_ps(x, _mm256_set1_ps(4.0f)), _mm256_set1_ps(-4.0f));
    __m256 x2 = _mm256_mul_ps(x, x), p = _mm256_set1_ps(alpha[0]), q = _mm256_set1_ps(beta[0]);
    for (int i = 1; i < 7; i++) p = _mm256_fmadd_ps(p, x2, _mm256_set1_ps(alpha[i]));
    for (int i = 1; i < 5; i++) q = _mm256_fmadd_ps(q, x2, _mm256_set1_ps(beta[i]));
    __m256 erf = _mm256_div_ps(_mm256_mul_ps(x, p), q);
    __m256 half = _mm256_mul_ps(v, _mm256_set1_ps(0.5f));
    return _mm256_fmadd_ps(half, erf, half);
}

AVX2 static void gelu(float *x, size_t count) {
    size_t i = 0;
    for (; i + 8 <= count; i += 8) _mm256_storeu_ps(x + i, gelu8(_mm256_loadu_ps(x + i)));
    if (i < count) {
        __m256i mask = tail_mask(count - i);
        _mm256_maskstore_ps(x + i, mask, gelu8(_mm256_maskload_ps(x + i, mask)));
    }
}

/* Cephes' expf: x = n ln2 + r with |r| <= ln2/2, a degree-5 polynomial for e^r, 2^n from the exponent
 * bits. Inputs are clamped to [-87, 88] so 2^n stays a normal float (softmax feeds x <= 0). */
AVX2_INLINE __m256 exp8(__m256 x) {
    x = _mm256_max_ps(_mm256_min_ps(x, _mm256_set1_ps(88.0f)), _mm256_set1_ps(-87.0f));
    __m256 n = _mm256_round_ps(_mm256_mul_ps(x, _mm256_set1_ps(1.44269504088896341f)),
                               _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC);
    __m256 r = _mm256_fnmadd_ps(n, _mm256_set1_ps(0.693359375f), x);
    r = _mm256_fnmadd_ps(n, _mm256_set1_ps(-2.12194440e-4f), r);
    __m256 p = _mm256_set1_ps(1.9875691500e-4f);
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.3981999507e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(8.3334519073e-3f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(4.1665795894e-2f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(1.6666665459e-1f));
    p = _mm256_fmadd_ps(p, r, _mm256_set1_ps(5.0000001201e-1f));
    p = _mm256_fmadd_ps(p, _mm256_mul_ps(r, r), _mm256_add_ps(r, _mm256_set1_ps(1.0f)));
    __m256i bits = _mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23);
    return _mm256_mul_ps(p, _mm256_castsi256_ps(bits));
}

AVX2 static void softmax_row(float *x, size_t count, float scale) {
    if (count == 0) return;
    float top = x[0];
    for (size_t i = 1; i < count; i++) top = x[i] > top ? x[i] : top;
    __m256 t = _mm256_set1_ps(top), s = _mm256_set1_ps(scale), sum = _mm256_setzero_ps();
    size_t i = 0;
    for (; i + 8 <= count; i += 8) {
        __m256 e = exp8(_mm256_mul_ps(_mm256_sub_ps(_mm256_loadu_ps(x + i), t), s));
        _mm256_storeu_ps(x + i, e);
        sum = _mm256_add_ps(sum, e);
    }
    float total = hsum(sum);
    for (; i < count; i++) {
        x[i] = expf((x[i] - top) * scale);
        total += x[i];
    }
    float inv = 1.0f / total;
    for (i = 0; i < count; i++) x[i] *= inv;
}

const okv_kernels okv_avx2_kernels = {
    "avx2+fma", matmul_bt, dot, dot_rows, layer_norm_row, gelu, softmax_row,
};

#endif
