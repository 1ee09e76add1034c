#ifndef CCURLSHIM_H
#define CCURLSHIM_H

/*
 * libcurl, loaded with dlopen() on first use.
 *
 * Linking libcurl makes every process start pay for ~30 shared libraries (4–8 ms, DESIGN.md §4), even
 * `openkoi --version`. So curl.h is included for its types and constants only: no curl_* symbol is
 * referenced, and each okc_* wrapper calls through a pointer resolved by okc_load(). The wrappers are
 * non-variadic because Swift cannot call C variadic functions.
 *
 * Every wrapper except okc_load() requires a successful okc_load() first.
 */

#include <stddef.h>

/* curl's type-checking macros wrap curl_easy_setopt() by name; the shim never calls it by name. */
#define CURL_DISABLE_TYPECHECK 1
#include <curl/curl.h>

/* Loads libcurl and runs curl_global_init() once per process; thread-safe. Returns 0 on success,
 * otherwise -1 with a reason (the dlopen/dlsym error) written to err. */
int okc_load(char *err, size_t errlen);

CURL *okc_easy_init(void);
void okc_easy_cleanup(CURL *easy);
CURLcode okc_easy_setopt_long(CURL *easy, CURLoption option, long value);
CURLcode okc_easy_setopt_ptr(CURL *easy, CURLoption option, void *value);
CURLcode okc_easy_setopt_str(CURL *easy, CURLoption option, const char *value);
/* For CURLOPT_WRITEFUNCTION and CURLOPT_HEADERFUNCTION, which share this prototype. */
CURLcode okc_easy_setopt_write_func(CURL *easy, CURLoption option, curl_write_callback callback);
/* Blocking, and abortable only from callbacks; CurlTransport uses okc_transfer_perform() instead. */
CURLcode okc_easy_perform(CURL *easy);
CURLcode okc_easy_getinfo_long(CURL *easy, CURLINFO info, long *value);
const char *okc_easy_strerror(CURLcode code);
struct curl_slist *okc_slist_append(struct curl_slist *list, const char *string);
void okc_slist_free_all(struct curl_slist *list);

/*
 * A transfer that another thread can abort at once.
 *
 * curl_easy_perform() checks for an abort only in its progress callback, about once a second while the
 * connection is idle. okc_transfer_perform() drives the easy handle through a private multi handle
 * instead, so okc_transfer_cancel() can wake curl_multi_poll() and the connection closes immediately —
 * during DNS, connect, or a stalled stream alike.
 */
typedef struct okc_transfer okc_transfer;

/* Returns NULL when out of memory. */
okc_transfer *okc_transfer_create(void);
/* Runs the transfer to completion on the calling thread. Returns CURLE_ABORTED_BY_CALLBACK once
 * cancelled. Call at most once per okc_transfer. */
CURLcode okc_transfer_perform(okc_transfer *transfer, CURL *easy);
/* Thread-safe; idempotent; may be called before, during or after okc_transfer_perform(). */
void okc_transfer_cancel(okc_transfer *transfer);
/* The caller guarantees no other thread still uses the transfer. */
void okc_transfer_destroy(okc_transfer *transfer);

#endif
