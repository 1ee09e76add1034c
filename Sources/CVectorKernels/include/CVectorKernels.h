#ifndef CVECTORKERNELS_H
#define CVECTORKERNELS_H

/*
 * The hot loops of OpenKoi's offline embedder (a BERT encoder) and of vector recall.
 *
 * Each entry point picks an AVX2+FMA implementation at run time when the CPU has both
 * (__builtin_cpu_supports), and a portable C one otherwise, so one binary runs on any x86-64
 * and the same sources build on arm64. Matrices are row-major float32 with explicit row
 * strides ("ld", in floats), so a head's columns inside a wider matrix need no copy.
 *
 * Large matrix products and row scans are split across two threads (the machine this was
 * tuned on has two cores); okv_set_max_threads(1) turns that off.
 */

#include <stddef.h>

/* Which implementation runs: "avx2+fma" or "portable". */
const char *okv_kernel_name(void);

/* Chooses the implementation for calls made on the calling thread (the helper thread follows it
 * for the calls it shares): "portable", or NULL for the best the CPU supports. Returns the name
 * now in use there. For tests and comparisons. */
const char *okv_use_kernels(const char *name);

/* Caps the threads one call may use (1 or 2; default 2). For benchmarks and single-core hosts. */
void okv_set_max_threads(int threads);

/* out[n*ldo + o] = bias[o] + sum_k x[n*ldx + k] * w[o*ldw + k] for n < rows, o < cols, k < depth.
 * This is a linear layer y = x W^T + b with W stored as [cols][depth] (PyTorch's layout), so
 * the weights are used in place from the model file. bias may be NULL. */
void okv_matmul_bt(const float *x, size_t ldx, const float *w, size_t ldw, const float *bias,
                   float *out, size_t ldo, size_t rows, size_t cols, size_t depth);

/* sum_i a[i] * b[i]. */
float okv_dot(const float *a, const float *b, size_t count);

/* scores[r] = dot(query, rows + r*dimension) for r < count: one query against a contiguous matrix. */
void okv_dot_rows(const float *query, const float *rows, size_t count, size_t dimension, float *scores);

/* For each of `rows` rows of `dim` floats at stride ld: x = LayerNorm(x + residual) * gamma + beta
 * (population variance, eps inside the square root). residual may be NULL. */
void okv_layer_norm(float *x, const float *residual, size_t rows, size_t dim, size_t ld,
                    const float *gamma, const float *beta, float eps);

/* x = x * 0.5 * (1 + erf(x / sqrt 2)) in place: BERT's exact (erf) GELU. */
void okv_gelu(float *x, size_t count);

/* Each row of `cols` floats at stride ld becomes softmax(scale * row), in place. */
void okv_softmax_rows(float *x, size_t rows, size_t cols, size_t ld, float scale);

/* Multi-head self-attention of one sequence of `seq` tokens: q, k, v and out are [seq][heads*head_dim]
 * at stride ld; out = concat_h softmax(q_h k_h^T / sqrt(head_dim)) v_h. Only these tokens attend to
 * each other, which is what a padding mask does for a padded batch. scratch must hold
 * seq*seq + head_dim*seq floats. */
void okv_attention(const float *q, const float *k, const float *v, size_t ld, size_t seq, size_t heads,
                   size_t head_dim, float *out, float *scratch);

#endif
