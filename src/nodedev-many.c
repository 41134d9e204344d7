/* Many node-device documents at once (a host's whole listing): one
 * streaming parse of their joined text, for libxml2's per-document set-up
 * costs more than a node device's parse. Pure. */
#include "nodedev.h"

#include <libxml/xmlreader.h>
#include <string.h>

#include "xmlutil.h"

/* Whether TEXT is one <device> element and nothing else but blanks: starts
 * with the start tag, ends with the end tag, and opens no second <device>.
 * Such texts can be parsed joined as the children of one wrapper element,
 * each child being exactly one text. */
static gboolean single_device_text(const char *text, gsize *start, gsize *end)
{
    gsize len = strlen(text), s = 0, e = len;
    while (s < len && g_ascii_isspace(text[s]))
        s++;
    while (e > s && g_ascii_isspace(text[e - 1]))
        e--;
    static const char open[] = "<device>", close[] = "</device>";
    if (e - s < sizeof(open) + sizeof(close) - 2 || memcmp(text + s, open, sizeof(open) - 1) != 0 ||
        memcmp(text + e - (sizeof(close) - 1), close, sizeof(close) - 1) != 0)
        return FALSE;
    /* (the text ends with "</device>", which holds no "<device") */
    for (const char *p = strstr(text + s + 1, "<device"); p; p = strstr(p + 1, "<device")) {
        if (p[7] == '>' || g_ascii_isspace(p[7]))
            return FALSE;
    }
    *start = s;
    *end = e;
    return TRUE;
}

/* TEXTS joined as the children of one element, or NULL when they cannot be
 * joined safely. */
static GString *join_texts(const char *const *texts, guint n)
{
    GString *all = g_string_new("<nodedevs>");
    for (guint i = 0; i < n; i++) {
        gsize s, e;
        if (!single_device_text(texts[i], &s, &e)) {
            g_string_free(all, TRUE);
            return NULL;
        }
        g_string_append_len(all, texts[i] + s, (gssize)(e - s));
    }
    g_string_append(all, "</nodedevs>");
    return all;
}

/* The models of TEXTS read in one streaming pass over their joined text, or
 * NULL when they cannot be joined or the joined text does not parse. */
static GPtrArray *parse_joined(const char *const *texts, const char *const *whats, guint n, GPtrArray *errors)
{
    g_autoptr(GString) all = join_texts(texts, n);
    if (all == NULL)
        return NULL;
    vh_xml_init();
    xmlTextReader *reader = xmlReaderForMemory(all->str, (int)all->len, NULL, NULL,
                                               XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING |
                                                   XML_PARSE_NOCDATA | XML_PARSE_NOBLANKS | XML_PARSE_COMPACT);
    if (reader == NULL)
        return NULL;
    xmlTextReaderSetStructuredErrorHandler(reader, (xmlStructuredErrorFunc)vh_xml_silence_structured, NULL);
    GPtrArray *devs = g_ptr_array_new_full(n, (GDestroyNotify)nodedev_free);
    guint base = errors->len;
    int ret = xmlTextReaderRead(reader) == 1 ? xmlTextReaderRead(reader) : -1;
    while (ret == 1) {
        if (xmlTextReaderNodeType(reader) != XML_READER_TYPE_ELEMENT || xmlTextReaderDepth(reader) != 1) {
            ret = xmlTextReaderRead(reader);
            continue;
        }
        xmlNode *el = xmlTextReaderExpand(reader);
        if (el == NULL || devs->len == n) {
            ret = -1;
            break;
        }
        GError *err = NULL;
        g_ptr_array_add(devs, nodedev_from_xml_node(el, whats[devs->len], &err));
        g_ptr_array_add(errors, err);
        ret = xmlTextReaderNext(reader);
    }
    xmlFreeTextReader(reader);
    if (ret != 0 || devs->len != n) {
        g_ptr_array_set_size(errors, base);
        g_clear_pointer(&devs, g_ptr_array_unref);
    }
    return devs;
}

static void error_free0(gpointer err)
{
    if (err)
        g_error_free(err);
}

GPtrArray *nodedev_parse_many(const char *const *texts, const char *const *whats, guint n, GPtrArray **errors_out)
{
    GPtrArray *errors = *errors_out = g_ptr_array_new_full(n, error_free0);
    /* one streaming parse of the joined texts: per document, libxml2's
     * set-up costs more than parsing a node device's few hundred bytes, and
     * the reader recycles each device's nodes for the next */
    GPtrArray *devs = parse_joined(texts, whats, n, errors);
    if (devs)
        return devs;
    devs = g_ptr_array_new_full(n, (GDestroyNotify)nodedev_free);
    for (guint i = 0; i < n; i++) {
        GError *err = NULL;
        g_ptr_array_add(devs, nodedev_parse(texts[i], strlen(texts[i]), whats[i], &err));
        g_ptr_array_add(errors, err);
    }
    return devs;
}
