#include "CCurlShim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The real prototypes; calling a variadic function through a correctly typed pointer is well-defined. */
typedef CURLcode (*global_init_fn)(long);
typedef CURL *(*easy_init_fn)(void);
typedef void (*easy_cleanup_fn)(CURL *);
typedef CURLcode (*easy_setopt_fn)(CURL *, CURLoption, ...);
typedef CURLcode (*easy_perform_fn)(CURL *);
typedef CURLcode (*easy_getinfo_fn)(CURL *, CURLINFO, ...);
typedef const char *(*easy_strerror_fn)(CURLcode);
typedef struct curl_slist *(*slist_append_fn)(struct curl_slist *, const char *);
typedef void (*slist_free_all_fn)(struct curl_slist *);
typedef CURLM *(*multi_init_fn)(void);
typedef CURLMcode (*multi_add_fn)(CURLM *, CURL *);
typedef CURLMcode (*multi_remove_fn)(CURLM *, CURL *);
typedef CURLMcode (*multi_perform_fn)(CURLM *, int *);
typedef CURLMcode (*multi_poll_fn)(CURLM *, struct curl_waitfd *, unsigned int, int, int *);
typedef CURLMcode (*multi_wakeup_fn)(CURLM *);
typedef CURLMsg *(*multi_info_read_fn)(CURLM *, int *);
typedef CURLMcode (*multi_cleanup_fn)(CURLM *);
typedef CURLSH *(*share_init_fn)(void);
typedef CURLSHcode (*share_setopt_fn)(CURLSH *, CURLSHoption, ...);

static struct {
    global_init_fn global_init;
    easy_init_fn easy_init;
    easy_cleanup_fn easy_cleanup;
    easy_setopt_fn easy_setopt;
    easy_perform_fn easy_perform;
    easy_getinfo_fn easy_getinfo;
    easy_strerror_fn easy_strerror;
    slist_append_fn slist_append;
    slist_free_all_fn slist_free_all;
    multi_init_fn multi_init;
    multi_add_fn multi_add_handle;
    multi_remove_fn multi_remove_handle;
    multi_perform_fn multi_perform;
    multi_poll_fn multi_poll;
    multi_wakeup_fn multi_wakeup;
    multi_info_read_fn multi_info_read;
    multi_cleanup_fn multi_cleanup;
    share_init_fn share_init;
    share_setopt_fn share_setopt;
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[512];

/* DNS answers and TLS sessions are shared by all transfers, so a second request to the same API skips
 * the lookup and resumes the TLS session. Connections are not shared: curl documents that as unsafe
 * across concurrent threads. */
static CURLSH *share;
static pthread_mutex_t share_locks[CURL_LOCK_DATA_LAST];

static void share_lock(CURL *easy, curl_lock_data data, curl_lock_access access, void *user) {
    (void)easy, (void)access, (void)user;
    pthread_mutex_lock(&share_locks[data]);
}

static void share_unlock(CURL *easy, curl_lock_data data, void *user) {
    (void)easy, (void)user;
    pthread_mutex_unlock(&share_locks[data]);
}

static void setup_share(void) {
    share = api.share_init();
    if (share == NULL) return;
    for (int i = 0; i < CURL_LOCK_DATA_LAST; i++) pthread_mutex_init(&share_locks[i], NULL);
    api.share_setopt(share, CURLSHOPT_LOCKFUNC, share_lock);
    api.share_setopt(share, CURLSHOPT_UNLOCKFUNC, share_unlock);
    api.share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    api.share_setopt(share, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
}

#define RESOLVE(field, symbol)                                                                          \
    do {                                                                                                \
        *(void **)(&api.field) = dlsym(lib, symbol);                                                    \
        if (api.field == NULL) {                                                                        \
            snprintf(load_error, sizeof load_error, "libcurl lacks %s (version 7.68 or newer needed)", \
                     symbol);                                                                           \
            return;                                                                                     \
        }                                                                                               \
    } while (0)

static void load(void) {
#ifdef __APPLE__
    static const char *const names[] = {"libcurl.4.dylib", NULL};
#else
    /* Debian's libcurl4 (OpenSSL); the GnuTLS build has the same ABI and is often installed already. */
    static const char *const names[] = {"libcurl.so.4", "libcurl-gnutls.so.4", NULL};
#endif
    void *lib = NULL;
    for (int i = 0; names[i] != NULL && lib == NULL; i++) {
        lib = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
        if (lib == NULL && i == 0) {
            const char *reason = dlerror();
            snprintf(load_error, sizeof load_error, "%s", reason ? reason : "dlopen failed");
        }
    }
    if (lib == NULL) return;

    RESOLVE(global_init, "curl_global_init");
    RESOLVE(easy_init, "curl_easy_init");
    RESOLVE(easy_cleanup, "curl_easy_cleanup");
    RESOLVE(easy_setopt, "curl_easy_setopt");
    RESOLVE(easy_perform, "curl_easy_perform");
    RESOLVE(easy_getinfo, "curl_easy_getinfo");
    RESOLVE(easy_strerror, "curl_easy_strerror");
    RESOLVE(slist_append, "curl_slist_append");
    RESOLVE(slist_free_all, "curl_slist_free_all");
    RESOLVE(multi_init, "curl_multi_init");
    RESOLVE(multi_add_handle, "curl_multi_add_handle");
    RESOLVE(multi_remove_handle, "curl_multi_remove_handle");
    RESOLVE(multi_perform, "curl_multi_perform");
    RESOLVE(multi_poll, "curl_multi_poll");
    RESOLVE(multi_wakeup, "curl_multi_wakeup");
    RESOLVE(multi_info_read, "curl_multi_info_read");
    RESOLVE(multi_cleanup, "curl_multi_cleanup");
    RESOLVE(share_init, "curl_share_init");
    RESOLVE(share_setopt, "curl_share_setopt");

    CURLcode code = api.global_init(CURL_GLOBAL_DEFAULT);
    if (code != CURLE_OK) {
        snprintf(load_error, sizeof load_error, "curl_global_init failed: %s", api.easy_strerror(code));
        return;
    }
    setup_share();
    load_status = 0;
}

int okc_load(char *err, size_t errlen) {
    pthread_once(&load_once, load);
    if (load_status != 0 && err != NULL && errlen > 0) snprintf(err, errlen, "%s", load_error);
    return load_status;
}

CURL *okc_easy_init(void) {
    CURL *easy = api.easy_init();
    if (easy != NULL && share != NULL) api.easy_setopt(easy, CURLOPT_SHARE, share);
    return easy;
}

void okc_easy_cleanup(CURL *easy) { api.easy_cleanup(easy); }

CURLcode okc_easy_setopt_long(CURL *easy, CURLoption option, long value) {
    return api.easy_setopt(easy, option, value);
}

CURLcode okc_easy_setopt_ptr(CURL *easy, CURLoption option, void *value) {
    return api.easy_setopt(easy, option, value);
}

CURLcode okc_easy_setopt_str(CURL *easy, CURLoption option, const char *value) {
    return api.easy_setopt(easy, option, value);
}

CURLcode okc_easy_setopt_write_func(CURL *easy, CURLoption option, curl_write_callback callback) {
    return api.easy_setopt(easy, option, callback);
}

CURLcode okc_easy_perform(CURL *easy) { return api.easy_perform(easy); }

CURLcode okc_easy_getinfo_long(CURL *easy, CURLINFO info, long *value) {
    return api.easy_getinfo(easy, info, value);
}

const char *okc_easy_strerror(CURLcode code) { return api.easy_strerror(code); }

struct curl_slist *okc_slist_append(struct curl_slist *list, const char *string) {
    return api.slist_append(list, string);
}

void okc_slist_free_all(struct curl_slist *list) { api.slist_free_all(list); }

struct okc_transfer {
    atomic_int cancelled;
    /* Guards `multi`: cancel() may wake it from any thread while perform() creates and frees it. */
    pthread_mutex_t lock;
    CURLM *multi;
};

okc_transfer *okc_transfer_create(void) {
    okc_transfer *t = calloc(1, sizeof *t);
    if (t == NULL) return NULL;
    atomic_init(&t->cancelled, 0);
    pthread_mutex_init(&t->lock, NULL);
    return t;
}

static CURLcode drive(okc_transfer *t, CURLM *multi, CURL *easy) {
    for (;;) {
        /* A wakeup sent between this check and curl_multi_poll() is not lost: it stays pending. */
        if (atomic_load(&t->cancelled)) return CURLE_ABORTED_BY_CALLBACK;
        int running = 0;
        if (api.multi_perform(multi, &running) != CURLM_OK) return CURLE_FAILED_INIT;
        if (running == 0) {
            int queued = 0;
            CURLMsg *msg;
            while ((msg = api.multi_info_read(multi, &queued)) != NULL) {
                if (msg->msg == CURLMSG_DONE && msg->easy_handle == easy) return msg->data.result;
            }
            return CURLE_FAILED_INIT;
        }
        if (api.multi_poll(multi, NULL, 0, 1000, NULL) != CURLM_OK) return CURLE_FAILED_INIT;
    }
}

CURLcode okc_transfer_perform(okc_transfer *t, CURL *easy) {
    CURLM *multi = api.multi_init();
    if (multi == NULL) return CURLE_OUT_OF_MEMORY;
    pthread_mutex_lock(&t->lock);
    t->multi = multi;
    pthread_mutex_unlock(&t->lock);

    CURLcode result = CURLE_FAILED_INIT;
    if (api.multi_add_handle(multi, easy) == CURLM_OK) {
        result = drive(t, multi, easy);
        /* Removing an unfinished transfer closes its connection, which is how the server learns of it. */
        api.multi_remove_handle(multi, easy);
    }

    pthread_mutex_lock(&t->lock);
    t->multi = NULL;
    pthread_mutex_unlock(&t->lock);
    api.multi_cleanup(multi);
    return result;
}

void okc_transfer_cancel(okc_transfer *t) {
    atomic_store(&t->cancelled, 1);
    pthread_mutex_lock(&t->lock);
    if (t->multi != NULL) api.multi_wakeup(t->multi);
    pthread_mutex_unlock(&t->lock);
}

void okc_transfer_destroy(okc_transfer *t) {
    if (t == NULL) return;
    pthread_mutex_destroy(&t->lock);
    free(t);
}
