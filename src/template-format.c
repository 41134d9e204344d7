#include "template-format.h"

#include "xmlutil.h"

static void append_escaped(GString *out, const char *s, gboolean attr)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': g_string_append(out, "&amp;"); break;
        case '<': g_string_append(out, "&lt;"); break;
        case '>': g_string_append(out, "&gt;"); break;
        case '\r': g_string_append(out, "&#13;"); break;
        case '\'': g_string_append(out, attr ? "&apos;" : "'"); break;
        case '\n': g_string_append(out, attr ? "&#10;" : "\n"); break;
        case '\t': g_string_append(out, attr ? "&#9;" : "\t"); break;
        default: g_string_append_c(out, *s); break;
        }
    }
}

static void append_qname(GString *out, const xmlNs *ns, const xmlChar *name)
{
    if (ns && ns->prefix)
        g_string_append_printf(out, "%s:", (const char *)ns->prefix);
    g_string_append(out, (const char *)name);
}

static void format_node(GString *out, xmlNode *n, guint depth)
{
    for (guint i = 0; i < depth; i++)
        g_string_append(out, "  ");
    switch (n->type) {
    case XML_COMMENT_NODE:
        g_string_append_printf(out, "<!--%s-->\n", (const char *)n->content);
        return;
    case XML_PI_NODE:
        g_string_append_printf(out, "<?%s %s?>\n", (const char *)n->name, n->content ? (const char *)n->content : "");
        return;
    case XML_TEXT_NODE:
    case XML_CDATA_SECTION_NODE:
        append_escaped(out, (const char *)n->content, FALSE);
        g_string_append_c(out, '\n');
        return;
    case XML_ELEMENT_NODE:
        break;
    default:
        return;
    }
    g_string_append_c(out, '<');
    append_qname(out, n->ns, n->name);
    /* attributes, then namespace declarations, as libvirt writes them */
    for (xmlAttr *a = n->properties; a; a = a->next) {
        g_string_append_c(out, ' ');
        append_qname(out, a->ns, a->name);
        xmlChar *value = xmlNodeGetContent((xmlNode *)a);
        g_string_append(out, "='");
        append_escaped(out, value ? (const char *)value : "", TRUE);
        g_string_append_c(out, '\'');
        xmlFree(value);
    }
    for (xmlNs *ns = n->nsDef; ns; ns = ns->next) {
        g_string_append(out, ns->prefix ? " xmlns:" : " xmlns");
        if (ns->prefix)
            g_string_append(out, (const char *)ns->prefix);
        g_string_append(out, "='");
        append_escaped(out, (const char *)ns->href, TRUE);
        g_string_append_c(out, '\'');
    }
    if (n->children == NULL && vh_xml_is(n, "devices") && n->parent && n->parent->type == XML_ELEMENT_NODE) {
        /* open and close, so that devices can be added on lines of their own */
        g_string_append(out, ">\n");
        for (guint i = 0; i < depth; i++)
            g_string_append(out, "  ");
        g_string_append(out, "</devices>\n");
        return;
    }
    if (n->children == NULL) {
        g_string_append(out, "/>\n");
        return;
    }
    if (n->children->next == NULL && n->children->type == XML_TEXT_NODE) {
        g_string_append_c(out, '>');
        append_escaped(out, (const char *)n->children->content, FALSE);
    } else {
        g_string_append(out, ">\n");
        for (xmlNode *c = n->children; c; c = c->next)
            format_node(out, c, depth + 1);
        for (guint i = 0; i < depth; i++)
            g_string_append(out, "  ");
    }
    g_string_append(out, "</");
    append_qname(out, n->ns, n->name);
    g_string_append(out, ">\n");
}

char *template_format(xmlNode *root)
{
    GString *out = g_string_new(NULL);
    format_node(out, root, 0);
    return g_string_free(out, FALSE);
}
