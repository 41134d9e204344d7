#include "xmlutil.h"

#include <string.h>

#include <libxml/SAX2.h>
#include <libxml/parserInternals.h>

#include "errors.h"

static void vh_xml_silence(void *ctx, const char *msg, ...)
{
    (void)ctx;
    (void)msg;
}

void vh_xml_silence_structured(void *ctx, const xmlError *err)
{
    (void)ctx;
    (void)err;
}

void vh_xml_init(void)
{
    static gsize initialized;
    if (g_once_init_enter(&initialized)) {
        xmlInitParser();
        /* our callers report errors as one line of their own */
        xmlSetGenericErrorFunc(NULL, vh_xml_silence);
        xmlSetStructuredErrorFunc(NULL, (xmlStructuredErrorFunc)vh_xml_silence_structured);
        g_once_init_leave(&initialized, 1);
    }
}

/* What the DOCTYPE guard saw; the parser is stopped at the first refusal. */
typedef enum {
    DOCTYPE_OK,
    DOCTYPE_EXTERNAL_ID,     /* <!DOCTYPE d SYSTEM "..."> / PUBLIC */
    DOCTYPE_INTERNAL_SUBSET, /* <!DOCTYPE d [ ... ]> */
} DoctypeVerdict;

/* One parse's state, in the context's _private. */
typedef struct {
    DoctypeVerdict verdict;
    internalSubsetSAXFunc internal_subset;
    VhElementHook hook;
    gpointer hook_data;
} ParseState;

static void hooked_start(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri,
                         int nb_namespaces, const xmlChar **namespaces, int nb_attributes, int nb_defaulted,
                         const xmlChar **attributes)
{
    xmlSAX2StartElementNs(ctx, localname, prefix, uri, nb_namespaces, namespaces, nb_attributes, nb_defaulted,
                          attributes);
    xmlParserCtxt *ctxt = ctx;
    ParseState *guard = ctxt->_private;
    guard->hook(ctxt, guard->hook_data, TRUE);
}

static void hooked_end(void *ctx, const xmlChar *localname, const xmlChar *prefix, const xmlChar *uri)
{
    xmlSAX2EndElementNs(ctx, localname, prefix, uri);
    xmlParserCtxt *ctxt = ctx;
    ParseState *guard = ctxt->_private;
    guard->hook(ctxt, guard->hook_data, FALSE);
}

/* Called when the parser has read "<!DOCTYPE name ExternalID?" and stands
 * on the '[' of an internal subset or on the closing '>'. Only the plain
 * form is let through, so no declaration (entity, element, attribute) is
 * ever parsed and nothing outside the input is ever named. */
static void guard_internal_subset(void *ctx, const xmlChar *name, const xmlChar *external_id,
                                  const xmlChar *system_id)
{
    xmlParserCtxt *ctxt = ctx;
    ParseState *guard = ctxt->_private;
    if (external_id || system_id)
        guard->verdict = DOCTYPE_EXTERNAL_ID;
    else if (ctxt->input && ctxt->input->cur < ctxt->input->end && *ctxt->input->cur == '[')
        guard->verdict = DOCTYPE_INTERNAL_SUBSET;
    if (guard->verdict != DOCTYPE_OK) {
        xmlStopParser(ctxt);
        return;
    }
    guard->internal_subset(ctx, name, external_id, system_id);
}

/* libxml2's message as one short line of printable text: its first line
 * only (a second one may quote the input's bytes), at most 160 bytes. */
static char *xml_message_line(const char *message)
{
    g_autofree char *first = g_strndup(message ? message : "", strcspn(message ? message : "", "\r\n"));
    g_strstrip(first);
    GString *out = g_string_new(NULL);
    for (const char *p = first; *p && out->len < 160; p++)
        g_string_append_c(out, g_ascii_isprint(*p) ? *p : '?');
    if (*first && out->len == 160)
        g_string_append(out, "...");
    if (out->len == 0)
        g_string_append(out, "not well-formed");
    return g_string_free(out, FALSE);
}

typedef struct {
    const char *at;
    gsize left;
} MemReader;

static int mem_read(void *ctx, char *buffer, int len)
{
    MemReader *r = ctx;
    gsize n = MIN((gsize)len, r->left);
    memcpy(buffer, r->at, n);
    r->at += n;
    r->left -= n;
    return (int)n;
}

xmlDoc *vh_xml_parse(const char *data, gsize len, const char *what, GError **error)
{
    return vh_xml_parse_hooked(data, len, what, NULL, NULL, error);
}

xmlDoc *vh_xml_parse_hooked(const char *data, gsize len, const char *what, VhElementHook hook, gpointer hook_data,
                            GError **error)
{
    vh_xml_init();
    if (len == 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: empty input, expected an XML document", what);
        return NULL;
    }
    if (len > VH_XML_INPUT_MAX) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: input of %" G_GSIZE_FORMAT " bytes is over the %u MiB limit",
                    what, len, VH_XML_INPUT_MAX / (1024 * 1024));
        return NULL;
    }
    if (memchr(data, '\0', len) != NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: binary data (NUL byte), expected an XML document", what);
        return NULL;
    }

    /* DATA is read through a callback, as xmllint reads a file: the parser
     * then keeps a window of it, where a memory input would be one more
     * copy of the whole document (page faults dominate a large parse) */
    MemReader reader = { data, len };
    xmlParserCtxt *ctxt = xmlCreateIOParserCtxt(NULL, NULL, mem_read, NULL, &reader, XML_CHAR_ENCODING_NONE);
    if (ctxt == NULL || ctxt->sax == NULL)
        g_error("out of memory");
    ParseState guard = { DOCTYPE_OK, ctxt->sax->internalSubset, hook, hook_data };
    ctxt->_private = &guard;
    ctxt->sax->internalSubset = guard_internal_subset;
    if (hook) {
        ctxt->sax->startElementNs = hooked_start;
        ctxt->sax->endElementNs = hooked_end;
    }
    /* this parse's errors go to a silent handler of its own (it takes
     * precedence over any global one a library such as libvirt installs);
     * the message is read back from the context below */
    ctxt->sax->serror = (xmlStructuredErrorFunc)vh_xml_silence_structured;
    /* no NOENT (entities are never substituted), no DTDLOAD / DTDATTR /
     * DTDVALID (no DTD is read), NONET (nothing is fetched), no HUGE (the
     * parser keeps its depth and size limits); COMPACT, as xmllint, keeps
     * short text inside its node instead of a malloc'ed copy, and NOBLANKS
     * drops the indentation between elements altogether (half the nodes of
     * a formatted document): no reader looks at it, edits work on the bytes,
     * and RelaxNG ignores whitespace-only text. A third of a big domain's
     * parse and free. */
    xmlCtxtUseOptions(ctxt, XML_PARSE_NONET | XML_PARSE_NOERROR | XML_PARSE_NOWARNING | XML_PARSE_NOCDATA |
                                XML_PARSE_COMPACT | XML_PARSE_NOBLANKS);
    /* after the options (they reset it): no ID or IDREF registration for
     * every attribute — without a DTD (the guard refuses one) only xml:id could be
     * one, and nothing here looks IDs up. A twentieth of a large parse. */
    ctxt->loadsubset |= XML_SKIP_IDS;
    xmlParseDocument(ctxt);
    xmlDoc *doc = ctxt->myDoc;
    ctxt->myDoc = NULL;
    /* belt and braces, should a libxml2 version call the hook elsewhere:
     * a DTD that ended up with declarations or an external identifier */
    if (guard.verdict == DOCTYPE_OK && doc && doc->intSubset &&
        (doc->intSubset->children || doc->intSubset->ExternalID || doc->intSubset->SystemID))
        guard.verdict = doc->intSubset->children ? DOCTYPE_INTERNAL_SUBSET : DOCTYPE_EXTERNAL_ID;
    if (guard.verdict != DOCTYPE_OK) {
        if (guard.verdict == DOCTYPE_EXTERNAL_ID)
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "%s: DOCTYPE with an external DTD (SYSTEM/PUBLIC) is not accepted; "
                        "only a plain <!DOCTYPE NAME> is", what);
        else if (g_strstr_len(data, (gssize)len, "<!ENTITY") != NULL)
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "%s: entity declarations are not accepted (possible XXE or entity expansion attack)", what);
        else
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "%s: DOCTYPE internal subsets are not accepted; only a plain <!DOCTYPE NAME> is", what);
        if (doc)
            xmlFreeDoc(doc);
        doc = NULL;
    } else if (doc == NULL || !ctxt->wellFormed || ctxt->errNo == XML_ERR_NO_MEMORY) {
        /* NO_MEMORY: the tree builder refused a text node over libxml2's
         * 10 MB limit and stopped the parser without clearing wellFormed
         * (libxml2 2.9), so an unclosed element could pass */
        const xmlError *err = xmlCtxtGetLastError(ctxt);
        g_autofree char *msg = xml_message_line(err ? err->message : NULL);
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: malformed XML at line %d: %s",
                    what, err ? err->line : 0, msg);
        if (doc)
            xmlFreeDoc(doc);
        doc = NULL;
    } else if (xmlDocGetRootElement(doc) == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: no root element", what);
        xmlFreeDoc(doc);
        doc = NULL;
    }
    ctxt->_private = NULL;
    xmlFreeParserCtxt(ctxt);
    return doc;
}

gboolean vh_xml_is(const xmlNode *node, const char *name)
{
    return node && node->type == XML_ELEMENT_NODE && (name == NULL || xmlStrEqual(node->name, BAD_CAST name));
}

xmlNode *vh_xml_next(const xmlNode *node, const char *name)
{
    for (xmlNode *n = node ? node->next : NULL; n; n = n->next)
        if (vh_xml_is(n, name))
            return n;
    return NULL;
}

xmlNode *vh_xml_child(const xmlNode *node, const char *name)
{
    for (xmlNode *n = node ? node->children : NULL; n; n = n->next)
        if (vh_xml_is(n, name))
            return n;
    return NULL;
}

char *vh_xml_prop(const xmlNode *node, const char *name)
{
    if (node == NULL)
        return NULL;
    xmlChar *v = xmlGetNoNsProp(node, BAD_CAST name);
    if (v == NULL)
        return NULL;
    char *copy = g_strdup((const char *)v);
    xmlFree(v);
    return copy;
}

const char *vh_xml_prop_ref(const xmlNode *node, const char *name, char **copy)
{
    *copy = NULL;
    if (node == NULL || node->type != XML_ELEMENT_NODE)
        return NULL;
    /* the common case without a copy: an attribute (no namespace) holding
     * one text node; this is asked for every device of every domain */
    for (const xmlAttr *a = node->properties; a; a = a->next) {
        if (a->ns != NULL || !xmlStrEqual(a->name, BAD_CAST name))
            continue;
        const xmlNode *t = a->children;
        if (t == NULL)
            return "";
        if (t->next == NULL && t->type == XML_TEXT_NODE && t->content)
            return (const char *)t->content;
        break;
    }
    return *copy = vh_xml_prop(node, name);
}

gboolean vh_xml_prop_is(const xmlNode *node, const char *name, const char *value)
{
    g_autofree char *copy = NULL;
    return g_strcmp0(vh_xml_prop_ref(node, name, &copy), value) == 0;
}

char *vh_xml_text(const xmlNode *node)
{
    if (node == NULL)
        return NULL;
    xmlChar *v = xmlNodeGetContent(node);
    if (v == NULL)
        return NULL;
    char *copy = g_strstrip(g_strdup((const char *)v));
    xmlFree(v);
    return copy;
}

guint vh_xml_line(const xmlNode *node)
{
    long line = xmlGetLineNo(node);
    return line > 0 ? (guint)line : 0;
}
