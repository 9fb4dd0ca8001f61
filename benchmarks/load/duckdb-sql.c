/*
 * A minimal DuckDB shell: runs each argument as one SQL statement in an in-memory database and prints
 * the first value of the last statement's result. It links the DuckDB engine that duckdb_jdbc 2.0.0.1
 * carries (libduckdb_java.so exports DuckDB's C API), so DuckDB runs as a native process of its own, as
 * its CLI users run it, without a JVM: no DuckDB CLI binary can be fetched on this machine.
 * Built by run-writer-vs-duckdb.sh:  gcc -O2 -o duckdb-sql duckdb-sql.c libduckdb.so
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

typedef struct { void *internal; } *duckdb_database;
typedef struct { void *internal; } *duckdb_connection;
typedef struct { char opaque[256]; } duckdb_result; /* larger than DuckDB's 48-byte struct */

extern int duckdb_open(const char *path, duckdb_database *out);
extern int duckdb_connect(duckdb_database db, duckdb_connection *out);
extern int duckdb_query(duckdb_connection c, const char *sql, duckdb_result *out);
extern const char *duckdb_result_error(duckdb_result *r);
extern uint64_t duckdb_row_count(duckdb_result *r);
extern uint64_t duckdb_column_count(duckdb_result *r);
extern char *duckdb_value_varchar(duckdb_result *r, uint64_t col, uint64_t row);
extern void duckdb_free(void *p);
extern void duckdb_destroy_result(duckdb_result *r);
extern void duckdb_disconnect(duckdb_connection *c);
extern void duckdb_close(duckdb_database *db);

int main(int argc, char **argv) {
    duckdb_database db;
    duckdb_connection con;
    if (duckdb_open(NULL, &db) != 0 || duckdb_connect(db, &con) != 0) {
        fprintf(stderr, "duckdb: cannot open an in-memory database\n");
        return 1;
    }
    int rc = 0;
    for (int i = 1; i < argc && rc == 0; i++) {
        duckdb_result result;
        memset(&result, 0, sizeof result);
        if (duckdb_query(con, argv[i], &result) != 0) {
            fprintf(stderr, "duckdb: %s\n", duckdb_result_error(&result));
            rc = 1;
        } else if (i == argc - 1 && duckdb_row_count(&result) > 0 && duckdb_column_count(&result) > 0) {
            char *v = duckdb_value_varchar(&result, 0, 0);
            printf("%s\n", v ? v : "NULL");
            duckdb_free(v);
        }
        duckdb_destroy_result(&result);
    }
    duckdb_disconnect(&con);
    duckdb_close(&db);
    return rc;
}
