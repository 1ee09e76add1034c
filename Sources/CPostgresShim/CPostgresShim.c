#include "CPostgresShim.h"

#include <dlfcn.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

/* libpq's prototypes, with its opaque types as void pointers. */
typedef struct {
    char *relname;
    int be_pid;
    char *extra;
} pg_notify;

static struct {
    void *(*connectdb)(const char *);
    int (*status)(const void *);
    char *(*error_message)(const void *);
    void (*finish)(void *);
    void *(*exec)(void *, const char *);
    void *(*exec_params)(void *, const char *, int, const unsigned int *, const char *const *, const int *,
                         const int *, int);
    int (*result_status)(const void *);
    char *(*result_error_message)(const void *);
    char *(*result_error_field)(const void *, int);
    int (*ntuples)(const void *);
    char *(*getvalue)(const void *, int, int);
    int (*getisnull)(const void *, int, int);
    char *(*cmd_tuples)(void *);
    void (*clear)(void *);
    int (*socket)(const void *);
    int (*consume_input)(void *);
    pg_notify *(*notifies)(void *);
    void (*freemem)(void *);
} api;

static pthread_once_t load_once = PTHREAD_ONCE_INIT;
static int load_status = -1;
static char load_error[512];

#define RESOLVE(field, name)                                                                                 \
    do {                                                                                                     \
        *(void **)(&api.field) = dlsym(handle, name);                                                        \
        if (!api.field) {                                                                                    \
            snprintf(load_error, sizeof load_error, "libpq has no %s: %s", name, dlerror());                 \
            return;                                                                                          \
        }                                                                                                    \
    } while (0)

static void load(void) {
    void *handle = dlopen("libpq.so.5", RTLD_NOW | RTLD_LOCAL);
    if (!handle) {
        snprintf(load_error, sizeof load_error, "cannot load libpq.so.5 (Debian package libpq5): %s", dlerror());
        return;
    }
    RESOLVE(connectdb, "PQconnectdb");
    RESOLVE(status, "PQstatus");
    RESOLVE(error_message, "PQerrorMessage");
    RESOLVE(finish, "PQfinish");
    RESOLVE(exec, "PQexec");
    RESOLVE(exec_params, "PQexecParams");
    RESOLVE(result_status, "PQresultStatus");
    RESOLVE(result_error_message, "PQresultErrorMessage");
    RESOLVE(result_error_field, "PQresultErrorField");
    RESOLVE(ntuples, "PQntuples");
    RESOLVE(getvalue, "PQgetvalue");
    RESOLVE(getisnull, "PQgetisnull");
    RESOLVE(cmd_tuples, "PQcmdTuples");
    RESOLVE(clear, "PQclear");
    RESOLVE(socket, "PQsocket");
    RESOLVE(consume_input, "PQconsumeInput");
    RESOLVE(notifies, "PQnotifies");
    RESOLVE(freemem, "PQfreemem");
    load_status = 0;
}

int okpq_load(char *err, size_t errlen) {
    pthread_once(&load_once, load);
    if (load_status != 0 && err && errlen > 0) snprintf(err, errlen, "%s", load_error);
    return load_status;
}

void *okpq_connect(const char *conninfo) { return api.connectdb(conninfo); }
int okpq_status(void *conn) { return api.status(conn); }
const char *okpq_error_message(void *conn) { return api.error_message(conn); }
void okpq_finish(void *conn) { api.finish(conn); }

void *okpq_exec_script(void *conn, const char *sql) { return api.exec(conn, sql); }

void *okpq_exec(void *conn, const char *sql, int count, const char *const *values) {
    return api.exec_params(conn, sql, count, NULL, values, NULL, NULL, 0);
}

int okpq_result_status(void *result) { return api.result_status(result); }
const char *okpq_result_error(void *result) { return api.result_error_message(result); }
/* PG_DIAG_SQLSTATE is 'C'. */
const char *okpq_sqlstate(void *result) { return api.result_error_field(result, 'C'); }
int okpq_ntuples(void *result) { return api.ntuples(result); }
const char *okpq_value(void *result, int row, int column) { return api.getvalue(result, row, column); }
int okpq_is_null(void *result, int row, int column) { return api.getisnull(result, row, column); }
const char *okpq_cmd_tuples(void *result) { return api.cmd_tuples(result); }
void okpq_clear(void *result) { api.clear(result); }

int okpq_socket(void *conn) { return api.socket(conn); }
int okpq_consume_input(void *conn) { return api.consume_input(conn); }

int okpq_next_notification(void *conn, char *payload, size_t payloadlen) {
    pg_notify *note = api.notifies(conn);
    if (!note) return 0;
    snprintf(payload, payloadlen, "%s", note->extra ? note->extra : "");
    api.freemem(note);
    return 1;
}
