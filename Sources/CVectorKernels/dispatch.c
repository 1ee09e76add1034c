/* Entry points: pick the kernel table once, split large calls across two threads. */

#include <math.h>
#include <pthread.h>
#include <string.h>
#include <time.h>

#include "CVectorKernels.h"
#include "kernels.h"

/* ---- Which implementation ------------------------------------------------------------------ */

static const okv_kernels *best_supported(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return &okv_avx2_kernels;
#endif
    return &okv_portable_kernels;
}

/* Chosen on first use (every writer stores the same value). */
static const okv_kernels *chosen;
/* okv_use_kernels() for this thread only, so a test can pin an implementation without changing
 * what other threads run. */
static _Thread_local const okv_kernels *pinned;

static const okv_kernels *kernels(void) {
    if (pinned) return pinned;
    const okv_kernels *k = __atomic_load_n(&chosen, __ATOMIC_ACQUIRE);
    if (k) return k;
    k = best_supported();
    __atomic_store_n(&chosen, k, __ATOMIC_RELEASE);
    return k;
}

const char *okv_kernel_name(void) { return kernels()->name; }

const char *okv_use_kernels(const char *name) {
    pinned = name && strcmp(name, okv_portable_kernels.name) == 0 ? &okv_portable_kernels : NULL;
    return kernels()->name;
}

/* ---- Two-way split ------------------------------------------------------------------------- */

/* One helper thread, started on first use and kept: creating a thread per call (~30-50 us) would
 * eat most of the gain on the ~0.2 ms matrix products of a short text. After a job the helper
 * spins briefly for the next one (the products of a forward pass come back to back), then sleeps. */
typedef void (*part_fn)(void *context, int part);

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    part_fn fn;
    void *context;
    unsigned long posted, finished; /* job numbers */
    int state;                      /* 0 not started, 1 running, -1 could not start */
} team = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0, 0};

/* Held by the one caller using the helper; others run both halves themselves. */
static pthread_mutex_t team_owner = PTHREAD_MUTEX_INITIALIZER;
static int max_threads = 2;

void okv_set_max_threads(int threads) { __atomic_store_n(&max_threads, threads < 2 ? 1 : 2, __ATOMIC_RELAXED); }

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

/* Busy-waits up to budget_ns while *word == value: waking a sleeping thread costs more than a
 * short spin when the next event is microseconds away. */
static void spin_while_equal(unsigned long *word, unsigned long value, long long budget_ns) {
    long long deadline = now_ns() + budget_ns;
    for (int i = 1; __atomic_load_n(word, __ATOMIC_ACQUIRE) == value; i++) {
#if defined(__x86_64__) || defined(__i386__)
        __builtin_ia32_pause();
#endif
        if (i % 64 == 0 && now_ns() > deadline) return;
    }
}

static void *helper(void *unused) {
    (void)unused;
    unsigned long seen = 0;
    for (;;) {
        spin_while_equal(&team.posted, seen, 50000);
        pthread_mutex_lock(&team.lock);
        while (team.posted == seen) pthread_cond_wait(&team.wake, &team.lock);
        seen = team.posted;
        part_fn fn = team.fn;
        void *context = team.context;
        pthread_mutex_unlock(&team.lock);
        fn(context, 1);
        pthread_mutex_lock(&team.lock);
        __atomic_store_n(&team.finished, seen, __ATOMIC_RELEASE);
        pthread_cond_signal(&team.done);
        pthread_mutex_unlock(&team.lock);
    }
    return NULL;
}

static int helper_ready(void) {
    pthread_mutex_lock(&team.lock);
    if (team.state == 0) {
        pthread_t thread;
        pthread_attr_t attributes;
        pthread_attr_init(&attributes);
        pthread_attr_setdetachstate(&attributes, PTHREAD_CREATE_DETACHED);
        team.state = pthread_create(&thread, &attributes, helper, NULL) == 0 ? 1 : -1;
        pthread_attr_destroy(&attributes);
    }
    int ready = team.state == 1;
    pthread_mutex_unlock(&team.lock);
    return ready;
}

/* Runs fn(context, 0) here and fn(context, 1) on the helper, or both here when it is busy. */
static void run_split(part_fn fn, void *context) {
    if (__atomic_load_n(&max_threads, __ATOMIC_RELAXED) < 2 || pthread_mutex_trylock(&team_owner) != 0) {
        fn(context, 0);
        fn(context, 1);
        return;
    }
    if (!helper_ready()) {
        pthread_mutex_unlock(&team_owner);
        fn(context, 0);
        fn(context, 1);
        return;
    }
    pthread_mutex_lock(&team.lock);
    team.fn = fn;
    team.context = context;
    unsigned long job = team.posted + 1;
    __atomic_store_n(&team.posted, job, __ATOMIC_RELEASE);
    pthread_cond_signal(&team.wake);
    pthread_mutex_unlock(&team.lock);
    fn(context, 0);
    spin_while_equal(&team.finished, job - 1, 200000);
    pthread_mutex_lock(&team.lock);
    while (team.finished != job) pthread_cond_wait(&team.done, &team.lock);
    pthread_mutex_unlock(&team.lock);
    pthread_mutex_unlock(&team_owner);
}

/* Below this many multiply-adds a call stays on one thread: the hand-off costs a few microseconds. */
#define SPLIT_WORK (1u << 20)

/* ---- Matrix product ------------------------------------------------------------------------ */

typedef struct {
    const okv_kernels *kernels; /* the caller's, also used on the helper thread */
    const float *x, *w, *bias;
    float *out;
    size_t ldx, ldw, ldo, rows, cols, depth, middle;
} matmul_job;

static void matmul_part(void *context, int part) {
    const matmul_job *j = context;
    size_t begin = part == 0 ? 0 : j->middle, end = part == 0 ? j->middle : j->cols;
    j->kernels->matmul_bt(j->x, j->ldx, j->w, j->ldw, j->bias, j->out, j->ldo, j->rows, begin, end, j->depth);
}

void okv_matmul_bt(const float *x, size_t ldx, const float *w, size_t ldw, const float *bias, float *out,
                   size_t ldo, size_t rows, size_t cols, size_t depth) {
    if (rows * cols * depth < SPLIT_WORK || cols < 6) {
        kernels()->matmul_bt(x, ldx, w, ldw, bias, out, ldo, rows, 0, cols, depth);
        return;
    }
    /* Split on a multiple of 3, the AVX2 kernel's block width, so neither half has a ragged edge. */
    matmul_job job = {kernels(), x, w, bias, out, ldx, ldw, ldo, rows, cols, depth, (cols / 2) - (cols / 2) % 3};
    run_split(matmul_part, &job);
}

/* ---- Vector search ------------------------------------------------------------------------- */

float okv_dot(const float *a, const float *b, size_t count) { return kernels()->dot(a, b, count); }

typedef struct {
    const okv_kernels *kernels;
    const float *query, *rows;
    float *scores;
    size_t count, dimension;
} scan_job;

static void scan_part(void *context, int part) {
    const scan_job *j = context;
    size_t middle = j->count / 2, begin = part == 0 ? 0 : middle, end = part == 0 ? middle : j->count;
    j->kernels->dot_rows(j->query, j->rows + begin * j->dimension, end - begin, j->dimension, j->scores + begin);
}

void okv_dot_rows(const float *query, const float *rows, size_t count, size_t dimension, float *scores) {
    if (count * dimension < SPLIT_WORK) {
        kernels()->dot_rows(query, rows, count, dimension, scores);
        return;
    }
    scan_job job = {kernels(), query, rows, scores, count, dimension};
    run_split(scan_part, &job);
}

/* ---- Encoder pieces ------------------------------------------------------------------------ */

void okv_layer_norm(float *x, const float *residual, size_t rows, size_t dim, size_t ld, const float *gamma,
                    const float *beta, float eps) {
    const okv_kernels *k = kernels();
    for (size_t r = 0; r < rows; r++) k->layer_norm_row(x + r * ld, residual ? residual + r * ld : NULL, dim, gamma, beta, eps);
}

void okv_gelu(float *x, size_t count) { kernels()->gelu(x, count); }

void okv_softmax_rows(float *x, size_t rows, size_t cols, size_t ld, float scale) {
    const okv_kernels *k = kernels();
    for (size_t r = 0; r < rows; r++) k->softmax_row(x + r * ld, cols, scale);
}

void okv_attention(const float *q, const float *k, const float *v, size_t ld, size_t seq, size_t heads,
                   size_t head_dim, float *out, float *scratch) {
    const okv_kernels *kn = kernels();
    float *scores = scratch, *vt = scratch + seq * seq;
    float scale = 1.0f / sqrtf((float)head_dim);
    for (size_t h = 0; h < heads; h++) {
        size_t col = h * head_dim;
        kn->matmul_bt(q + col, ld, k + col, ld, NULL, scores, seq, seq, 0, seq, head_dim);
        for (size_t r = 0; r < seq; r++) kn->softmax_row(scores + r * seq, seq, scale);
        /* v_h transposed, so scores x v_h is again a product with a transposed operand. */
        for (size_t t = 0; t < seq; t++)
            for (size_t d = 0; d < head_dim; d++) vt[d * seq + t] = v[t * ld + col + d];
        kn->matmul_bt(scores, seq, vt, seq, NULL, out + col, ld, seq, 0, head_dim, seq);
    }
}
