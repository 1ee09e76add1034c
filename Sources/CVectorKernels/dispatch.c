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

/* ---- Sharing a call with a second thread ------------------------------------------------- */

/* One helper thread, started on first use and kept (creating a thread per call, ~30-50 us, would
 * eat the gain on the ~0.2 ms products of a short text). A call is cut into chunks that both
 * threads claim from a counter, so the caller never waits for the helper to start: when the other
 * core is busy the caller simply does every chunk itself, and at worst waits for the one chunk the
 * helper holds. After a job the helper spins briefly for the next (a forward pass issues them
 * back to back), then sleeps. */
typedef void (*chunk_fn)(void *context, size_t chunk);

typedef struct {
    chunk_fn fn;
    void *context;
    size_t chunks;
    size_t next; /* atomic: the next unclaimed chunk */
} job;

static struct {
    pthread_mutex_t lock;
    pthread_cond_t wake, done;
    job *open;             /* the job the helper may join, or NULL */
    unsigned long posted;  /* atomic: jobs posted so far */
    int helping;           /* the helper is inside `open` */
    int state;             /* 0 not started, 1 running, -1 could not start */
} team = {PTHREAD_MUTEX_INITIALIZER, PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, NULL, 0, 0, 0};

/* Held by the one caller using the helper; others run their chunks alone. */
static pthread_mutex_t team_owner = PTHREAD_MUTEX_INITIALIZER;
static int max_threads = 2;

void okv_set_max_threads(int threads) { __atomic_store_n(&max_threads, threads < 2 ? 1 : 2, __ATOMIC_RELAXED); }

static long long now_ns(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (long long)t.tv_sec * 1000000000LL + t.tv_nsec;
}

static inline void pause_briefly(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}

static void work_on(job *j) {
    for (;;) {
        size_t chunk = __atomic_fetch_add(&j->next, 1, __ATOMIC_RELAXED);
        if (chunk >= j->chunks) return;
        j->fn(j->context, chunk);
    }
}

static void *helper(void *unused) {
    (void)unused;
    unsigned long seen = 0;
    for (;;) {
        /* Waking a sleeping thread costs more than a short spin when the next job is microseconds away. */
        long long deadline = now_ns() + 50000;
        for (int i = 1; __atomic_load_n(&team.posted, __ATOMIC_ACQUIRE) == seen; i++) {
            pause_briefly();
            if (i % 64 == 0 && now_ns() > deadline) break;
        }
        pthread_mutex_lock(&team.lock);
        while (team.posted == seen) pthread_cond_wait(&team.wake, &team.lock);
        seen = team.posted;
        job *j = team.open;
        team.helping = j != NULL;
        pthread_mutex_unlock(&team.lock);
        if (!j) continue; /* woke after the caller had finished alone */
        work_on(j);
        pthread_mutex_lock(&team.lock);
        team.helping = 0;
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

/* Runs fn(context, c) for every c < chunks, on this thread and (when free) the helper. */
static void run_chunks(chunk_fn fn, void *context, size_t chunks) {
    job j = {fn, context, chunks, 0};
    if (__atomic_load_n(&max_threads, __ATOMIC_RELAXED) < 2 || chunks < 2 || pthread_mutex_trylock(&team_owner) != 0) {
        work_on(&j);
        return;
    }
    if (!helper_ready()) {
        pthread_mutex_unlock(&team_owner);
        work_on(&j);
        return;
    }
    pthread_mutex_lock(&team.lock);
    team.open = &j;
    __atomic_store_n(&team.posted, team.posted + 1, __ATOMIC_RELEASE);
    pthread_cond_signal(&team.wake);
    pthread_mutex_unlock(&team.lock);
    work_on(&j);
    /* Close the job (j lives on this stack), then wait out a chunk the helper may still hold. */
    pthread_mutex_lock(&team.lock);
    team.open = NULL;
    while (team.helping) pthread_cond_wait(&team.done, &team.lock);
    pthread_mutex_unlock(&team.lock);
    pthread_mutex_unlock(&team_owner);
}

/* Below this many multiply-adds a call stays on one thread: the hand-off costs a few microseconds. */
#define SPLIT_WORK (1u << 20)

/* ---- Matrix product ------------------------------------------------------------------------ */

/* Columns per chunk: a multiple of 3 (the AVX2 kernel's block width), ~20-80 us of work each. */
#define MATMUL_CHUNK_COLS 48

typedef struct {
    const okv_kernels *kernels; /* the caller's, also used on the helper thread */
    const float *x, *w, *bias;
    float *out;
    size_t ldx, ldw, ldo, rows, cols, depth;
} matmul_job;

static void matmul_chunk(void *context, size_t chunk) {
    const matmul_job *j = context;
    size_t begin = chunk * MATMUL_CHUNK_COLS, end = begin + MATMUL_CHUNK_COLS < j->cols ? begin + MATMUL_CHUNK_COLS : j->cols;
    j->kernels->matmul_bt(j->x, j->ldx, j->w, j->ldw, j->bias, j->out, j->ldo, j->rows, begin, end, j->depth);
}

void okv_matmul_bt(const float *x, size_t ldx, const float *w, size_t ldw, const float *bias, float *out,
                   size_t ldo, size_t rows, size_t cols, size_t depth) {
    if (rows * cols * depth < SPLIT_WORK) {
        kernels()->matmul_bt(x, ldx, w, ldw, bias, out, ldo, rows, 0, cols, depth);
        return;
    }
    matmul_job job = {kernels(), x, w, bias, out, ldx, ldw, ldo, rows, cols, depth};
    run_chunks(matmul_chunk, &job, (cols + MATMUL_CHUNK_COLS - 1) / MATMUL_CHUNK_COLS);
}

/* ---- Vector search ------------------------------------------------------------------------- */

float okv_dot(const float *a, const float *b, size_t count) { return kernels()->dot(a, b, count); }

/* Rows per chunk of a scan: ~1.5 MB of a 384-d matrix. */
#define SCAN_CHUNK_ROWS 1024

typedef struct {
    const okv_kernels *kernels;
    const float *query, *rows;
    float *scores;
    size_t count, dimension;
} scan_job;

static void scan_chunk(void *context, size_t chunk) {
    const scan_job *j = context;
    size_t begin = chunk * SCAN_CHUNK_ROWS, end = begin + SCAN_CHUNK_ROWS < j->count ? begin + SCAN_CHUNK_ROWS : j->count;
    j->kernels->dot_rows(j->query, j->rows + begin * j->dimension, end - begin, j->dimension, j->scores + begin);
}

void okv_dot_rows(const float *query, const float *rows, size_t count, size_t dimension, float *scores) {
    if (count * dimension < SPLIT_WORK) {
        kernels()->dot_rows(query, rows, count, dimension, scores);
        return;
    }
    scan_job job = {kernels(), query, rows, scores, count, dimension};
    run_chunks(scan_chunk, &job, (count + SCAN_CHUNK_ROWS - 1) / SCAN_CHUNK_ROWS);
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
