#ifndef CPOSTGRESSHIM_H
#define CPOSTGRESSHIM_H

/*
 * libpq (Debian's libpq5), loaded with dlopen() when a daemon's [daemon] queue names a PostgreSQL
 * server: linking it would make every start pay for it, `openkoi --version` included (DESIGN.md §4).
 * No libpq header is needed: connections and results are opaque pointers, and the few constants
 * used are libpq's stable ABI values (below).
 *
 * Every wrapper except okpq_load() requires a successful okpq_load() first.
 */

#include <stddef.h>

/* ConnStatusType CONNECTION_OK; ExecStatusType PGRES_COMMAND_OK and PGRES_TUPLES_OK. */
#define OKPQ_CONNECTION_OK 0
#define OKPQ_COMMAND_OK 1
#define OKPQ_TUPLES_OK 2

/* Loads libpq once per process; thread-safe. Returns 0, or -1 with the dlopen/dlsym error in err. */
int okpq_load(char *err, size_t errlen);

void *okpq_connect(const char *conninfo);
int okpq_status(void *conn);
const char *okpq_error_message(void *conn);
void okpq_finish(void *conn);

/* PQexec: statements without parameters, several separated by ';' allowed. */
void *okpq_exec_script(void *conn, const char *sql);
/* PQexecParams with text parameters and text results; values[i] NULL is SQL NULL. */
void *okpq_exec(void *conn, const char *sql, int count, const char *const *values);
int okpq_result_status(void *result);
const char *okpq_result_error(void *result);
/* The SQLSTATE of a failed result ("40001", "23505"…), or NULL. */
const char *okpq_sqlstate(void *result);
int okpq_ntuples(void *result);
const char *okpq_value(void *result, int row, int column);
int okpq_is_null(void *result, int row, int column);
/* Rows an INSERT/UPDATE/DELETE touched ("" for other commands). */
const char *okpq_cmd_tuples(void *result);
void okpq_clear(void *result);

/* LISTEN support: the connection's socket, reading what arrived, and taking one notification. */
int okpq_socket(void *conn);
int okpq_consume_input(void *conn);
/* Copies the next pending notification's payload into payload (NUL-terminated, truncated to fit);
 * returns 1 when there was one, 0 when none is pending. */
int okpq_next_notification(void *conn, char *payload, size_t payloadlen);

#endif
