#include "domsplice.h"

#include <string.h>

#include "errors.h"

static const XmlSpan *span_of(DomDoc *dd, xmlNode *node, GError **error)
{
    const XmlSpan *s = domdoc_span(dd, node);
    if (s == NULL)
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: <%s> was added by this edit and cannot be edited again",
                    domdoc_what(dd), (const char *)node->name);
    return s;
}

/* Where the value of attribute NAME starts and ends in the start tag
 * [FROM, TO): scanned the way the parser reads it, quotes honoured. */
static gboolean find_attr_value(const char *data, gsize from, gsize to, const char *name, gsize *start, gsize *end)
{
    gsize nlen = strlen(name), p = from + 1;
    while (p < to && !g_ascii_isspace(data[p]) && data[p] != '>' && data[p] != '/')
        p++;  /* the element name */
    while (p < to) {
        while (p < to && (g_ascii_isspace(data[p]) || data[p] == '/'))
            p++;
        gsize key = p;
        while (p < to && data[p] != '=' && !g_ascii_isspace(data[p]) && data[p] != '>')
            p++;
        gsize key_end = p;
        while (p < to && g_ascii_isspace(data[p]))
            p++;
        if (p >= to || data[p] != '=')
            return FALSE;
        p++;
        while (p < to && g_ascii_isspace(data[p]))
            p++;
        if (p >= to || (data[p] != '\'' && data[p] != '"'))
            return FALSE;
        const char *close = memchr(data + p + 1, data[p], to - p - 1);
        if (close == NULL)
            return FALSE;
        if (key_end - key == nlen && memcmp(data + key, name, nlen) == 0) {
            *start = p + 1;
            *end = (gsize)(close - data);
            return TRUE;
        }
        p = (gsize)(close - data) + 1;
    }
    return FALSE;
}

gboolean domsplice_set_attr(DomDoc *dd, xmlNode *node, const char *name, const char *value, GError **error)
{
    const XmlSpan *s = span_of(dd, node, error);
    gsize len, start, end;
    const char *data = domdoc_data(dd, &len);
    if (s == NULL)
        return FALSE;
    if (!find_attr_value(data, s->start, s->start_end, name, &start, &end)) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: <%s> at line %u has no attribute %s", domdoc_what(dd),
                    (const char *)node->name, vh_xml_line(node), name);
        return FALSE;
    }
    g_autofree char *escaped = g_markup_escape_text(value, -1);
    domdoc_splice(dd, start, end - start, escaped);
    xmlSetProp(node, BAD_CAST name, BAD_CAST value);
    return TRUE;
}

/* BLOCK's lines, each after NEWLINE and INDENT (nothing between lines when
 * INDENT is NULL: the surroundings share lines). */
static char *indented(const DomDoc *dd, const char *indent, const char *block)
{
    const char *nl = domdoc_newline(dd);
    if (indent == NULL)
        return g_strdup(block);
    g_autofree char *joiner = g_strconcat(nl, indent, NULL);
    g_auto(GStrv) lines = g_strsplit(block, "\n", -1);
    g_autofree char *body = g_strjoinv(joiner, lines);
    return g_strconcat(joiner, body, NULL);
}

gboolean domsplice_insert_after(DomDoc *dd, xmlNode *sibling, const char *block, GError **error)
{
    const XmlSpan *s = span_of(dd, sibling, error);
    if (s == NULL)
        return FALSE;
    g_autofree char *indent = domdoc_indent(dd, sibling);
    g_autofree char *text = indented(dd, indent, block);
    domdoc_splice(dd, indent ? domdoc_line_end(dd, s->end) : s->end, 0, text);
    return TRUE;
}

static xmlNode *last_element(xmlNode *parent)
{
    xmlNode *last = NULL;
    for (xmlNode *c = vh_xml_child(parent, NULL); c; c = vh_xml_next(c, NULL))
        last = c;
    return last;
}

gboolean domsplice_append_child(DomDoc *dd, xmlNode *parent, const char *block, GError **error)
{
    xmlNode *last = last_element(parent);
    if (last)
        return domsplice_insert_after(dd, last, block, error);
    const XmlSpan *s = span_of(dd, parent, error);
    if (s == NULL)
        return FALSE;
    gsize len;
    const char *data = domdoc_data(dd, &len);
    g_autofree char *outer = domdoc_indent(dd, parent);
    g_autofree char *inner = outer ? g_strconcat(outer, domdoc_step(dd), NULL) : NULL;
    g_autofree char *body = indented(dd, inner, block);
    g_autofree char *closing = g_strconcat(outer ? domdoc_newline(dd) : "", outer ? outer : "", NULL);
    if (s->start_end == s->end) {
        /* <metadata/>: opened, the block inside, then closed */
        gsize slash = s->start_end - 2;
        while (slash > s->start && g_ascii_isspace(data[slash - 1]))
            slash--;
        g_autofree char *qname = parent->ns && parent->ns->prefix
                                     ? g_strdup_printf("%s:%s", parent->ns->prefix, parent->name)
                                     : g_strdup((const char *)parent->name);
        g_autofree char *text = g_strdup_printf(">%s%s</%s>", body, closing, qname);
        domdoc_splice(dd, slash, s->end - slash, text);
        return TRUE;
    }
    /* only blanks inside give way; anything else (a comment) is kept */
    gboolean blank = TRUE;
    for (gsize p = s->start_end; p < s->end_tag && blank; p++)
        blank = g_ascii_isspace(data[p]);
    g_autofree char *text = g_strconcat(body, closing, NULL);
    domdoc_splice(dd, blank ? s->start_end : s->end_tag, blank ? s->end_tag - s->start_end : 0, text);
    return TRUE;
}
