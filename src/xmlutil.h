/* Hardened libxml2 parsing and small DOM helpers, shared by every XML reader. */
#pragma once
#include <glib.h>
#include <libxml/parser.h>
#include <libxml/tree.h>

G_DEFINE_AUTOPTR_CLEANUP_FUNC(xmlDoc, xmlFreeDoc)

/* Inputs above this size are refused (a domain with thousands of devices is
 * well under 1 MiB; nodedev dumps are a few KiB). */
#define VH_XML_INPUT_MAX (16u * 1024u * 1024u)

/* Initialise libxml2 once with its own error printing off (our callers
 * report one line of their own); also before libvirt, which uses it. */
void vh_xml_init(void);
/* A structured error handler that drops the error (it is read back from
 * the parser instead). */
void vh_xml_silence_structured(void *ctx, const xmlError *err);

/* Parse DATA with network access, DTD loading and entity substitution off;
 * documents declaring entities are refused. WHAT names the input in errors. */
xmlDoc *vh_xml_parse(const char *data, gsize len, const char *what, GError **error);
/* The same, calling HOOK(ctxt, HOOK_DATA, START) just after libxml2's tree
 * builder has opened (START) or closed each element (ctxt->node is the
 * element opened). For xmlspans.c. */
typedef void (*VhElementHook)(xmlParserCtxt *ctxt, gpointer hook_data, gboolean start);
xmlDoc *vh_xml_parse_hooked(const char *data, gsize len, const char *what, VhElementHook hook, gpointer hook_data,
                            GError **error);

/* Byte range of one element in the text it was parsed from. */
typedef struct {
    gsize start;       /* '<' of the start tag */
    gsize start_end;   /* just after the start tag's '>' */
    gsize end_tag;     /* '<' of the end tag (== start_end when self-closing) */
    gsize end;         /* just after the end tag's '>' */
} XmlSpan;

/* vh_xml_parse, also mapping every element to its bytes (*SPANS, XmlSpan
 * in document order; vh_xml_span() finds a node's): from the parser's own
 * positions as it reads, or, in a document libxml2 converted from another
 * encoding, by scanning DATA. DATA[LEN] must be a NUL. (xmlspans.c) */
xmlDoc *vh_xml_parse_mapped(const char *data, gsize len, const char *what, GArray **spans, GError **error);
/* The scan alone, for an accepted DOC parsed from DATA (DATA[LEN] a NUL):
 * record the spans in document order and number DOC's elements the same
 * way. The tests hold it and the parser's positions to the same answer. */
GArray *vh_xml_spans(const char *data, gsize len, xmlDoc *doc, GError **error);
const XmlSpan *vh_xml_span(GArray *spans, xmlNode *node);

gboolean vh_xml_is(const xmlNode *node, const char *name);
/* First element child named NAME (or any element when NAME is NULL). */
xmlNode *vh_xml_child(const xmlNode *node, const char *name);
xmlNode *vh_xml_next(const xmlNode *node, const char *name);
/* Attribute value as a g_malloc'ed string, or NULL. */
char *vh_xml_prop(const xmlNode *node, const char *name);
gboolean vh_xml_prop_is(const xmlNode *node, const char *name, const char *value);
/* Attribute value without a copy when it is held as one text node (always
 * in documents we parsed), else a copy stored in *COPY (g_free it; a
 * g_autofree variable). NULL when absent. */
const char *vh_xml_prop_ref(const xmlNode *node, const char *name, char **copy);
/* Trimmed text content as a g_malloc'ed string, or NULL. */
char *vh_xml_text(const xmlNode *node);
guint vh_xml_line(const xmlNode *node);

#define VH_XML_FOREACH_CHILD(child, parent, name) \
    for (xmlNode *child = vh_xml_child((parent), (name)); child; child = vh_xml_next(child, (name)))
