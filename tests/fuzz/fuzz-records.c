// fuzz-records.c - libFuzzer target for the records reader (src/record.c): any bytes, read with
// detection and with forced encodings and formats, must give UTF-8 values on increasing rows,
// UTF-8 messages, and no crash, leak or undefined behaviour.
#include "record.h"
#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>

// Abort (a crash to libFuzzer) when an invariant does not hold.

// Parse DATA once and check what comes out.
static void
parse_once(const uint8_t *data, size_t size, const char *path, sc_encoding encoding,
           sc_format format)
{
    sc_problems *problems = sc_problems_new();
    GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
    GError *error = NULL;
    sc_records *records =
        sc_records_parse((const char *)data, size, path, encoding, format, problems, notes, &error);
    CHECK((records == NULL) != (error == NULL));
    if (error != NULL) {
        CHECK(g_utf8_validate(error->message, -1, NULL));
        g_error_free(error);
    }
    if (records != NULL) {
        for (guint i = 0; i < records->columns->len; i++)
            CHECK(g_utf8_validate(g_ptr_array_index(records->columns, i), -1, NULL));
        guint last_row = 0;
        for (guint i = 0; i < records->records->len; i++) {
            const sc_record *r = g_ptr_array_index(records->records, i);
            CHECK(r->row > last_row);
            last_row = r->row;
            for (guint k = 0; k < r->n; k++) {
                const char *key = r->names[k], *value = sc_record_value(r, k);
                CHECK(g_utf8_validate(key, -1, NULL) && g_utf8_validate(value, -1, NULL));
                CHECK(sc_record_get(r, key) == value); // names are unique: the first is it
            }
        }
    }
    for (guint i = 0; i < sc_problems_count(problems); i++)
        CHECK(g_utf8_validate(sc_problems_get(problems, i), -1, NULL));
    for (guint i = 0; i < notes->len; i++)
        CHECK(g_utf8_validate(g_ptr_array_index(notes, i), -1, NULL));

    sc_records_free(records);
    g_ptr_array_unref(notes);
    sc_problems_free(problems);
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    // As a user's file would be read (detected), then with one forced encoding and format
    // chosen by the input's size, so every combination is reached.
    parse_once(data, size, "fuzz", SC_ENCODING_AUTO, SC_FORMAT_AUTO);
    parse_once(data, size, "fuzz.csv", size % 2 ? SC_ENCODING_UTF8 : SC_ENCODING_GB18030,
               size / 2 % 2 ? SC_FORMAT_CSV : SC_FORMAT_TSV);
    return 0;
}
