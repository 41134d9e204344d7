/* Each element's bytes in the text it was parsed from (XmlSpan): recorded
 * from the parser's own positions while it builds the tree, or scanned
 * from the text where libxml2 converted it from another encoding (its
 * positions are then in the converted text). Declared in xmlutil.h. */
#include "xmlutil.h"

#include <string.h>

#include <libxml/parserInternals.h>

#include "errors.h"

/* ---- by scanning the text ---- */

/* Find the end of a construct starting at P: the first occurrence of TERM. */
static gsize skip_to(const char *data, gsize len, gsize p, const char *term)
{
    gsize tl = strlen(term);
    for (; p + tl <= len; p++)
        if (memcmp(data + p, term, tl) == 0)
            return p + tl;
    return len;
}

/* The bytes a tag's scan stops at outside quotes: the end of the data (the
 * NUL after it), quotes, the '>' that ends the tag and a DOCTYPE's '['. */
static const guint8 tag_stop[256] = { ['\0'] = 1, ['"'] = 1, ['\''] = 1, ['>'] = 1, ['['] = 1 };

/* Skip a tag body to just past its '>', honouring quoted attribute values.
 * DATA[LEN] is a NUL (vh_xml_parse refused any other), so the loops test
 * one table entry per byte and not the length: this runs over nearly every
 * byte of a document. */
static gsize skip_tag(const char *data, gsize len, gsize p, gboolean *internal_subset)
{
    const char *s = data + p;
    for (;;) {
        while (!tag_stop[(guchar)*s])
            s++;
        char c = *s;
        if (c == '\0')
            return len;
        if (c == '>')
            return (gsize)(s - data) + 1;
        if (c == '[') {
            if (internal_subset)
                *internal_subset = TRUE;
            s++;
            continue;
        }
        for (s++; *s != c; s++)
            if (*s == '\0')
                return len;
        s++;
    }
}

static void number_elements(xmlNode *node, guint *counter)
{
    for (; node; node = node->next) {
        if (node->type != XML_ELEMENT_NODE)
            continue;
        node->_private = GUINT_TO_POINTER(++*counter);
        number_elements(node->children, counter);
    }
}

/* The start tag at P ends at END: record its span, and keep it open unless
 * it closes itself. FALSE when the text holds more tags than DOC elements. */
static gboolean open_span(XmlSpan *spans, guint count, guint *n, guint *open, guint *depth, gsize p, gsize end,
                          const char *data)
{
    if (*n == count)
        return FALSE;
    spans[*n] = (XmlSpan){ p, end, end, end };
    if (data[end - 2] != '/')
        open[(*depth)++] = *n;
    ++*n;
    return TRUE;
}

GArray *vh_xml_spans(const char *data, gsize len, xmlDoc *doc, GError **error)
{
    /* the elements are numbered first: their count sizes both arrays, so the
     * scan writes in place (a start tag more than there are elements is a
     * mismatch; the open ones are never more than the elements) */
    guint count = 0;
    number_elements(xmlDocGetRootElement(doc), &count);
    g_autoptr(GArray) array = g_array_sized_new(FALSE, FALSE, sizeof(XmlSpan), count);
    g_array_set_size(array, count);
    XmlSpan *spans = (XmlSpan *)(void *)array->data;
    g_autofree guint *open = g_new(guint, count + 1);
    guint n = 0, depth = 0;
    gboolean mapped = TRUE;
    gsize p = 0;

    while (p < len && mapped) {
        const char *lt = memchr(data + p, '<', len - p);
        if (lt == NULL)
            break;
        p = (gsize)(lt - data);
        const char *s = data + p;
        gsize rest = len - p;
        if (rest >= 4 && memcmp(s, "<!--", 4) == 0) {
            p = skip_to(data, len, p + 4, "-->");
        } else if (rest >= 9 && memcmp(s, "<![CDATA[", 9) == 0) {
            p = skip_to(data, len, p + 9, "]]>");
        } else if (rest >= 2 && s[1] == '?') {
            p = skip_to(data, len, p + 2, "?>");
        } else if (rest >= 2 && s[1] == '!') {
            gboolean subset = FALSE;
            p = skip_tag(data, len, p + 2, &subset);
            if (subset) {
                g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                            "DOCTYPE internal subsets are not accepted in domain documents");
                return NULL;
            }
        } else if (rest >= 2 && s[1] == '/') {
            gsize end = skip_tag(data, len, p + 2, NULL);
            if (depth == 0)
                break;
            XmlSpan *span = &spans[open[--depth]];
            span->end_tag = p;
            span->end = end;
            p = end;
        } else {
            gsize end = skip_tag(data, len, p + 1, NULL);
            mapped = open_span(spans, count, &n, open, &depth, p, end, data);
            p = end;
        }
    }

    if (!mapped || n != count || depth != 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "cannot map the document's elements to its text (%u elements, %s%u tags)", count,
                    mapped ? "" : "over ", n);
        return NULL;
    }
    return g_steal_pointer(&array);
}

const XmlSpan *vh_xml_span(GArray *spans, xmlNode *node)
{
    guint idx = GPOINTER_TO_UINT(node->_private);
    if (idx == 0 || idx > spans->len)
        return NULL;
    return &g_array_index(spans, XmlSpan, idx - 1);
}

/* ---- from the parser's positions ---- */

typedef struct {
    const char *data;
    gsize len;
    GArray *spans; /* XmlSpan; its first N are recorded (it grows ahead) */
    guint n;
    GArray *open;  /* guint: indexes of the open elements' spans; DEPTH used */
    guint depth;
    gboolean lost; /* a position not in DATA's terms: scan instead */
} Recorder;

/* The byte of DATA the parser stands on; FALSE once positions are not
 * DATA's (a converted encoding). xmlByteConsumed() without an encoder. */
static gboolean position(xmlParserCtxt *ctxt, Recorder *r, gsize *at)
{
    xmlParserInput *in = ctxt->input;
    if (r->lost || in == NULL || in->buf == NULL || in->buf->encoder != NULL)
        return !(r->lost = TRUE);
    gsize consumed = (gsize)in->consumed + (gsize)(in->cur - in->base);
    if (consumed == 0 || consumed > r->len)
        return !(r->lost = TRUE);
    *at = consumed;
    return TRUE;
}

static void opened(xmlParserCtxt *ctxt, Recorder *r, gsize at)
{
    const char *lt = memrchr(r->data, '<', at);
    char c = r->data[at];
    if (lt == NULL || (c != '>' && c != '/') || ctxt->node == NULL) {
        r->lost = TRUE;
        return;
    }
    if (r->n == r->spans->len)
        g_array_set_size(r->spans, r->n * 2);
    if (r->depth == r->open->len)
        g_array_set_size(r->open, r->depth * 2);
    gsize end = at + (c == '/' ? 2 : 1);
    g_array_index(r->spans, XmlSpan, r->n) = (XmlSpan){ (gsize)(lt - r->data), end, end, end };
    g_array_index(r->open, guint, r->depth++) = r->n++;
    ctxt->node->_private = GUINT_TO_POINTER(r->n);
}

static void closed(Recorder *r, gsize at)
{
    if (r->depth == 0) {
        r->lost = TRUE;
        return;
    }
    XmlSpan *span = &g_array_index(r->spans, XmlSpan, g_array_index(r->open, guint, --r->depth));
    if (at == span->start_end && r->data[at - 2] == '/')
        return; /* <empty/>: as recorded */
    const char *lt = at > span->start_end ? memrchr(r->data + span->start_end, '<', at - span->start_end) : NULL;
    if (lt == NULL) {
        r->lost = TRUE;
        return;
    }
    span->end_tag = (gsize)(lt - r->data);
    span->end = at;
}

/* Opened: the parser stands on the start tag's '>' or "/>" (attribute
 * values hold no '<', so the last '<' before it is the tag's). Closed: it
 * stands just after the end tag's '>', or after the "/>" of an empty one. */
static void record(xmlParserCtxt *ctxt, gpointer data, gboolean start)
{
    Recorder *r = data;
    gsize at;
    if (!position(ctxt, r, &at))
        return;
    if (start)
        opened(ctxt, r, at);
    else
        closed(r, at);
}

xmlDoc *vh_xml_parse_mapped(const char *data, gsize len, const char *what, GArray **spans, GError **error)
{
    /* a formatted domain has an element for every 60-odd bytes */
    Recorder r = { data, len, g_array_new(FALSE, FALSE, sizeof(XmlSpan)), 0, g_array_new(FALSE, FALSE, sizeof(guint)),
                   0, FALSE };
    g_array_set_size(r.spans, (guint)(len / 48) + 16);
    g_array_set_size(r.open, 64);
    xmlDoc *doc = vh_xml_parse_hooked(data, len, what, record, &r, error);
    g_array_unref(r.open);
    g_array_set_size(r.spans, r.n);
    if (doc == NULL) {
        g_array_unref(r.spans);
        return NULL;
    }
    if (!r.lost) {
        *spans = r.spans;
        return doc;
    }
    g_array_unref(r.spans);
    if (!(*spans = vh_xml_spans(data, len, doc, error))) {
        g_prefix_error(error, "%s: ", what);
        xmlFreeDoc(doc);
        return NULL;
    }
    return doc;
}
