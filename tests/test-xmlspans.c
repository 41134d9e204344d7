/* The byte span of every element, two ways: recorded from libxml2's own
 * positions while it parses (vh_xml_parse_mapped, what every edit uses) and
 * scanned from the text (vh_xml_spans, the fallback for documents libxml2
 * converts from another encoding). They must agree on every document we
 * have: edge cases written here, the project's fixtures, ../shared/corpus
 * and libvirt 9.0's own test domains; a converted document must still map
 * to its own bytes. */
#include <string.h>

#include "realcorpus.h"
#include "testutil.h"
#include "xmlutil.h"

/* DATA parsed both ways: the same spans, and each element numbered alike.
 * FALSE when the parser refuses DATA (both ways refuse it then). */
static gboolean same_spans(const char *data, gsize len, const char *what)
{
    g_autoptr(GError) error = NULL;
    GArray *mapped = NULL;
    g_autoptr(xmlDoc) doc = vh_xml_parse_mapped(data, len, what, &mapped, &error);
    if (doc == NULL)
        return FALSE;
    g_autoptr(GArray) recorded = mapped;
    g_autoptr(GArray) scanned = vh_xml_spans(data, len, doc, &error);
    if (scanned == NULL)
        g_error("%s: the scan fails where the parser mapped it: %s", what, error->message);
    g_assert_cmpuint(recorded->len, ==, scanned->len);
    for (guint i = 0; i < recorded->len; i++) {
        const XmlSpan *a = &g_array_index(recorded, XmlSpan, i), *b = &g_array_index(scanned, XmlSpan, i);
        if (memcmp(a, b, sizeof *a) != 0)
            g_error("%s: element %u: parser %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT
                    ", scan %" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT "/%" G_GSIZE_FORMAT "-%" G_GSIZE_FORMAT,
                    what, i, a->start, a->start_end, a->end_tag, a->end, b->start, b->start_end, b->end_tag, b->end);
    }
    return TRUE;
}

static void check_text(const char *text)
{
    g_assert_true(same_spans(text, strlen(text), text));
}

static void test_edge_cases(void)
{
    check_text("<a/>");
    check_text("<a></a>");
    check_text("<a >\n  <b x='1' y=\"2\" />\n  <c\n   z='3'\n  ></c >\n</a>");
    check_text("<a x='&gt; and >' y=\"'\"><b/></a>");  /* a '>' and quotes in values */
    check_text("<a><!-- <b> </b> <c/> --><d/></a>");     /* tags in a comment */
    check_text("<a><![CDATA[ <b></b> ]]><c/></a>");       /* and in CDATA */
    check_text("<?xml version='1.0' encoding='UTF-8'?>\r\n<!DOCTYPE a>\r\n<a>\r\n<?pi <x>?><b/></a>\r\n");
    check_text("\xef\xbb\xbf<a><b>t&amp;t</b></a>");        /* a byte-order mark, an entity */
    check_text("<domain xmlns:q='http://libvirt.org/schemas/domain/qemu/1.0'><q:commandline/></domain>");
    /* a text of many times libxml2's input window: positions past a shrink */
    GString *big = g_string_new("<a>");
    for (guint i = 0; i < 20000; i++)
        g_string_append_printf(big, "\n  <b n='%u'>x</b><c/>", i);
    g_string_append(big, "\n</a>");
    g_assert_true(same_spans(big->str, big->len, "a large document"));
    g_string_free(big, TRUE);
}

/* libxml2 converts a Latin-1 document: the spans are the scan's, and they
 * are in the document's own bytes. */
static void test_converted_encoding(void)
{
    const char *text = "<?xml version='1.0' encoding='ISO-8859-1'?>\n<a t='\xe9\xe9\xe9'><b>\xe9</b><c/></a>\n";
    gsize len = strlen(text);
    g_autoptr(GError) error = NULL;
    GArray *mapped = NULL;
    g_autoptr(xmlDoc) doc = vh_xml_parse_mapped(text, len, "latin-1", &mapped, &error);
    g_assert_no_error(error);
    g_autoptr(GArray) spans = mapped;
    g_assert_cmpuint(spans->len, ==, 3);
    const XmlSpan *c = vh_xml_span(spans, xmlDocGetRootElement(doc)->children->next);
    g_assert_nonnull(c);
    g_autofree char *bytes = g_strndup(text + c->start, c->end - c->start);
    g_assert_cmpstr(bytes, ==, "<c/>");
    g_assert_true(same_spans(text, len, "latin-1"));
}

static void check_files(GPtrArray *paths, guint *mapped)
{
    for (guint i = 0; i < paths->len; i++) {
        g_autofree char *data = NULL;
        gsize len;
        g_assert_true(g_file_get_contents(paths->pdata[i], &data, &len, NULL));
        *mapped += same_spans(data, len, paths->pdata[i]);
    }
}

static void test_fixtures_and_shared_corpus(void)
{
    g_autoptr(GPtrArray) paths = g_ptr_array_new_with_free_func(g_free);
    g_autofree char *data = g_build_filename(g_getenv("VIRT_HOSTDEV_SOURCE_DIR"), "tests", "data", NULL);
    g_autofree char *shared = g_build_filename(g_getenv("VIRT_HOSTDEV_SOURCE_DIR"), "..", "shared", "corpus", NULL);
    test_find_xml(data, paths);
    guint fixtures = paths->len;
    test_find_xml(shared, paths);
    guint mapped = 0;
    check_files(paths, &mapped);
    g_assert_cmpuint(fixtures, >, 50);
    g_test_message("%u of %u documents (%u fixtures) parsed and mapped alike both ways", mapped, paths->len, fixtures);
}

static void test_libvirt_test_domains(void)
{
    g_autofree char *skip = NULL, *note = NULL;
    g_autoptr(GPtrArray) docs = rc_corpus_load(&skip, &note);
    if (docs == NULL) {
        g_test_skip(skip);
        return;
    }
    g_autoptr(GPtrArray) paths = g_ptr_array_new();
    for (guint i = 0; i < docs->len; i++)
        g_ptr_array_add(paths, ((RcDoc *)docs->pdata[i])->path);
    guint mapped = 0;
    check_files(paths, &mapped);
    g_assert_cmpuint(mapped, >, 1000);
    g_test_message("%u of %u libvirt test domains parsed and mapped alike both ways", mapped, paths->len);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/xmlspans/edge-cases", test_edge_cases);
    g_test_add_func("/xmlspans/converted-encoding", test_converted_encoding);
    g_test_add_func("/xmlspans/fixtures-and-shared-corpus", test_fixtures_and_shared_corpus);
    g_test_add_func("/xmlspans/libvirt-test-domains", test_libvirt_test_domains);
    return g_test_run();
}
