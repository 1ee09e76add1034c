#ifndef OKV_KERNELS_H
#define OKV_KERNELS_H

/* One implementation of each kernel; dispatch.c picks a table at first use. */

#include <stddef.h>

typedef struct {
    const char *name;
    /* cols in [col_begin, col_end) of okv_matmul_bt, so two threads can each take a range. */
    void (*matmul_bt)(const float *x, size_t ldx, const float *w, size_t ldw, const float *bias, float *out,
                      size_t ldo, size_t rows, size_t col_begin, size_t col_end, size_t depth);
    float (*dot)(const float *a, const float *b, size_t count);
    void (*dot_rows)(const float *query, const float *rows, size_t count, size_t dimension, float *scores);
    void (*layer_norm_row)(float *x, const float *residual, size_t dim, const float *gamma, const float *beta,
                           float eps);
    void (*gelu)(float *x, size_t count);
    void (*softmax_row)(float *x, size_t count, float scale);
} okv_kernels;

extern const okv_kernels okv_portable_kernels;
#if defined(__x86_64__) || defined(__i386__)
extern const okv_kernels okv_avx2_kernels;
#endif

/* Rows of x kept together so they stay in L2 while every weight row passes over them
 * (~256 KiB of x per chunk). Shared so both implementations tile the same way. */
static inline size_t okv_row_chunk(size_t depth) {
    size_t rows = (256 * 1024 / sizeof(float)) / (depth ? depth : 1);
    rows -= rows % 4;
    return rows < 4 ? 4 : rows;
}

/* Eigen's rational erf approximation on [-4, 4] (|error| < 5e-7; beyond, erf is +/-1 in float). */
#define OKV_ERF_ALPHA \
    { -2.72614225801306e-10f, 2.77068142495902e-08f, -2.10102402082508e-06f, -5.69250639462346e-05f, \
      -7.34990630326855e-04f, -2.95459980854025e-03f, -1.60960333262415e-02f }
#define OKV_ERF_BETA \
    { -1.45660718464996e-05f, -2.13374055278905e-04f, -1.68282697438203e-03f, -7.37332916720468e-03f, \
      -1.42647390514189e-02f }

#endif
