// fuzz-xlsx.c - libFuzzer target for the workbook reader (src/xlsx.c, as record.c reads it): the
// input's bytes become the parts of a real zip (libzip, in memory), so that the XML readers are
// reached rather than stopped at the zip's checksums.  The input is split at zero bytes into
// the sheet, the shared strings and the styles; the workbook and its relationships are fixed.
// Any input must give rows in increasing order with UTF-8 cells, or one UTF-8 error, and no
// crash, leak or undefined behaviour.
#include "record.h"
#include "xlsx.h"
#include "fuzz.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <zip.h>

static const char workbook[] =
    "<workbook xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" "
    "xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
    "<sheets><sheet name=\"Sheet1\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>";
static const char rels[] =
    "<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
    "<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/worksheet\" Target=\"worksheets/sheet1.xml\"/>"
    "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/sharedStrings\" Target=\"sharedStrings.xml\"/>"
    "<Relationship Id=\"rId3\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/"
    "relationships/styles\" Target=\"styles.xml\"/></Relationships>";

// Add NAME holding LEN bytes of DATA (copied) to ZIP.
static void
add(zip_t *zip, const char *name, const void *data, size_t len)
{
    void *copy =
        len > 0 ? malloc(len) : NULL; // (libzip frees a buffer it is given, not an empty one)
    if (copy != NULL)
        memcpy(copy, data, len);
    zip_source_t *src = zip_source_buffer(zip, copy, len, copy != NULL);
    CHECK(src != NULL && zip_file_add(zip, name, src, ZIP_FL_OVERWRITE) >= 0);
}

// A workbook whose sheet, shared strings and styles are the three pieces of DATA; its bytes in
// *LEN.  Caller frees with free().
static char *
workbook_of(const uint8_t *data, size_t size, size_t *len)
{
    const char *piece[3] = {"", "", ""};
    size_t piece_len[3] = {0, 0, 0};
    const uint8_t *p = data, *end = data + size;
    for (int k = 0; k < 3 && p <= end; k++) {
        const uint8_t *z = memchr(p, 0, (size_t)(end - p));
        piece[k] = (const char *)p;
        piece_len[k] = (size_t)((z != NULL ? z : end) - p);
        p = z != NULL ? z + 1 : end + 1;
    }
    zip_error_t ze;
    zip_error_init(&ze);
    zip_source_t *mem = zip_source_buffer_create(NULL, 0, 0, &ze);
    CHECK(mem != NULL);
    zip_source_keep(mem);
    zip_t *zip = zip_open_from_source(mem, ZIP_TRUNCATE, &ze);
    CHECK(zip != NULL);
    add(zip, "xl/workbook.xml", workbook, strlen(workbook));
    add(zip, "xl/_rels/workbook.xml.rels", rels, strlen(rels));
    add(zip, "xl/worksheets/sheet1.xml", piece[0], piece_len[0]);
    add(zip, "xl/sharedStrings.xml", piece[1], piece_len[1]);
    add(zip, "xl/styles.xml", piece[2], piece_len[2]);
    CHECK(zip_close(zip) == 0);
    zip_stat_t st;
    CHECK(zip_source_stat(mem, &st) == 0 && zip_source_open(mem) == 0);
    char *bytes = malloc(st.size > 0 ? st.size : 1);
    CHECK(zip_source_read(mem, bytes, st.size) == (zip_int64_t)st.size);
    zip_source_close(mem);
    zip_source_free(mem);
    zip_error_fini(&ze);
    *len = st.size;
    return bytes;
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t len = 0;
    char *bytes = workbook_of(data, size, &len);
    CHECK(sc_xlsx_is_zip(bytes, len));
    sc_problems *problems = sc_problems_new();
    GPtrArray *notes = g_ptr_array_new_with_free_func(g_free);
    GError *error = NULL;
    sc_records *records = sc_records_parse_sheet(bytes, len, "fuzz.xlsx", NULL, SC_ENCODING_AUTO,
                                                 SC_FORMAT_AUTO, problems, notes, &error);
    CHECK((records == NULL) != (error == NULL));
    if (error != NULL) {
        CHECK(g_utf8_validate(error->message, -1, NULL));
        g_error_free(error);
    }
    guint last_row = 0;
    for (guint i = 0; records != NULL && i < records->records->len; i++) {
        const sc_record *r = g_ptr_array_index(records->records, i);
        CHECK(r->row > last_row);
        last_row = r->row;
        for (guint k = 0; k < r->n; k++)
            CHECK(g_utf8_validate(sc_record_value(r, k), -1, NULL));
    }
    for (guint i = 0; i < sc_problems_count(problems); i++)
        CHECK(g_utf8_validate(sc_problems_get(problems, i), -1, NULL));
    sc_records_free(records);
    g_ptr_array_unref(notes);
    sc_problems_free(problems);
    free(bytes);
    return 0;
}
