#include "domxml.h"

#include <string.h>

#include "errors.h"
#include "xmlutil.h"

typedef struct {
    gsize offset;   /* in the original bytes */
    gsize remove;   /* bytes removed at offset */
    char *text;     /* inserted at offset, after the removal */
    guint seq;
} Splice;

struct DomDoc {
    char *what;
    char *data;
    gsize len;
    xmlDoc *doc;
    GArray *spans;
    xmlNode *devices;
    char *newline;
    char *step;
    GArray *splices;
    /* a <devices> this edit creates: where its children go, and how they
     * are indented (NULL while the input's own <devices> is used) */
    gsize new_devices_at;
    char *new_devices_indent;
};

static void splice_clear(gpointer p)
{
    g_free(((Splice *)p)->text);
}

void domdoc_free(DomDoc *dd)
{
    if (dd == NULL)
        return;
    /* the big buffers before the thousands of small nodes: freeing a large
     * chunk makes malloc consolidate the small free chunks it holds */
    g_free(dd->data);
    if (dd->spans)
        g_array_unref(dd->spans);
    g_free(dd->what);
    if (dd->doc)
        xmlFreeDoc(dd->doc);
    g_free(dd->newline);
    g_free(dd->step);
    g_free(dd->new_devices_indent);
    if (dd->splices)
        g_array_unref(dd->splices);
    g_free(dd);
}

/* Whitespace between the start of N's line and N, or NULL when N shares its
 * line with other content. */
static char *line_indent(const DomDoc *dd, gsize pos)
{
    gsize p = pos;
    while (p > 0 && (dd->data[p - 1] == ' ' || dd->data[p - 1] == '\t'))
        p--;
    if (p > 0 && dd->data[p - 1] != '\n')
        return NULL;
    return g_strndup(dd->data + p, pos - p);
}

static char *node_indent(const DomDoc *dd, xmlNode *node)
{
    const XmlSpan *s = node ? vh_xml_span(dd->spans, node) : NULL;
    return s ? line_indent(dd, s->start) : NULL;
}

/* Learn the document's indentation unit: the difference between a parent's
 * and its first child's indentation. */
static void detect_layout(DomDoc *dd)
{
    /* the line ending where blocks go (after <devices>), should a file
     * mix them; else the document's first */
    const XmlSpan *devices = dd->devices ? vh_xml_span(dd->spans, dd->devices) : NULL;
    gsize from = devices ? devices->start_end : 0;
    const char *nl = memchr(dd->data + from, '\n', dd->len - from);
    if (nl == NULL)
        nl = memchr(dd->data, '\n', dd->len);
    dd->newline = g_strdup(nl && nl > dd->data && nl[-1] == '\r' ? "\r\n" : "\n");

    xmlNode *root = xmlDocGetRootElement(dd->doc);
    xmlNode *parent = dd->devices && vh_xml_child(dd->devices, NULL) ? dd->devices : root;
    g_autofree char *outer = node_indent(dd, parent);
    g_autofree char *inner = node_indent(dd, vh_xml_child(parent, NULL));
    if (outer && inner && g_str_has_prefix(inner, outer) && strlen(inner) > strlen(outer))
        dd->step = g_strdup(inner + strlen(outer));
    else if (inner && inner[0] == '\t')
        dd->step = g_strdup("\t");
    else
        dd->step = g_strdup("  ");
}

DomDoc *domdoc_adopt(char *data, gsize len, const char *what, GError **error)
{
    g_autoptr(DomDoc) dd = g_new0(DomDoc, 1);
    dd->what = g_strdup(what);
    dd->data = data;
    dd->len = len;
    dd->splices = g_array_new(FALSE, FALSE, sizeof(Splice));
    g_array_set_clear_func(dd->splices, splice_clear);

    if (!(dd->doc = vh_xml_parse_mapped(data, len, what, &dd->spans, error)))
        return NULL;
    xmlNode *root = xmlDocGetRootElement(dd->doc);
    if (!vh_xml_is(root, "domain")) {
        g_autofree char *name = vh_error_quote((const char *)root->name);
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "%s: root element is <%s>, expected a libvirt domain (<domain>)", what, name);
        return NULL;
    }
    dd->devices = vh_xml_child(root, "devices");
    detect_layout(dd);
    return g_steal_pointer(&dd);
}

DomDoc *domdoc_parse(const char *data, gsize len, const char *what, GError **error)
{
    /* with a NUL after it: the sentinel vh_xml_spans scans to */
    char *copy = g_malloc(len + 1);
    memcpy(copy, data, len);
    copy[len] = '\0';
    return domdoc_adopt(copy, len, what, error);
}

const char *domdoc_what(const DomDoc *dd) { return dd->what; }
xmlDoc *domdoc_xml(const DomDoc *dd) { return dd->doc; }
xmlNode *domdoc_devices(const DomDoc *dd) { return dd->devices; }
gboolean domdoc_changed(const DomDoc *dd) { return dd->splices->len > 0; }
const char *domdoc_step(const DomDoc *dd) { return dd->step; }
const char *domdoc_newline(const DomDoc *dd) { return dd->newline; }

static gint splice_compare(gconstpointer a, gconstpointer b)
{
    const Splice *x = a, *y = b;
    if (x->offset != y->offset)
        return x->offset < y->offset ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

gboolean domdoc_emit(const DomDoc *dd, DomDocEmit emit, gpointer user, GError **error)
{
    g_autoptr(GArray) sorted = g_array_sized_new(FALSE, FALSE, sizeof(Splice), dd->splices->len);
    g_array_append_vals(sorted, dd->splices->data, dd->splices->len);
    g_array_sort(sorted, splice_compare);

    gsize pos = 0;
    for (guint i = 0; i < sorted->len; i++) {
        const Splice *s = &g_array_index(sorted, Splice, i);
        if (s->offset > pos && !emit(dd->data + pos, s->offset - pos, user, error))
            return FALSE;
        if (s->offset + s->remove > pos)
            pos = s->offset + s->remove;
        if (s->text && *s->text && !emit(s->text, strlen(s->text), user, error))
            return FALSE;
    }
    return pos >= dd->len || emit(dd->data + pos, dd->len - pos, user, error);
}

static gboolean append_piece(const char *text, gsize len, gpointer out, GError **error)
{
    g_string_append_len(out, text, (gssize)len);
    return TRUE;
}

char *domdoc_render(const DomDoc *dd, gsize *len)
{
    GString *out = g_string_sized_new(dd->len + 1024);
    domdoc_emit(dd, append_piece, out, NULL);
    *len = out->len;
    return g_string_free(out, FALSE);
}

static void add_splice(DomDoc *dd, gsize offset, gsize remove, char *text)
{
    Splice s = { offset, remove, text, dd->splices->len };
    g_array_append_val(dd->splices, s);
}

/* A splice that renders after every other one at OFFSET (a closing tag). */
static void add_last_splice(DomDoc *dd, gsize offset, char *text)
{
    Splice s = { offset, 0, text, G_MAXUINT };
    g_array_append_val(dd->splices, s);
}

/* libvirt's order of <devices> children when it formats a domain. */
static const char *const device_order[] = {
    "emulator", "disk", "controller", "lease", "filesystem", "interface", "smartcard", "serial",
    "parallel", "console", "channel", "input", "tpm", "graphics", "sound", "audio", "video",
    "hostdev", "redirdev", "redirfilter", "hub", "watchdog", "memballoon", "rng", "panic",
    "shmem", "memory", "iommu", "vsock", "crypto",
};

static int device_rank(const xmlNode *node)
{
    for (guint i = 0; i < G_N_ELEMENTS(device_order); i++)
        if (xmlStrEqual(node->name, BAD_CAST device_order[i]))
            return (int)i;
    return -1;
}

/* The new block's text as inserted after an element or start tag: each line
 * on its own line, indented like its siblings. */
static char *indent_block(const DomDoc *dd, const char *indent, const char *block_text)
{
    g_autofree char *joiner = g_strconcat(dd->newline, indent, NULL);
    g_auto(GStrv) lines = g_strsplit(block_text, dd->newline, -1);
    g_autofree char *body = g_strjoinv(joiner, lines);
    return g_strconcat(joiner, body, NULL);
}

/* The indentation of <devices>' children: that of its first child from the
 * input (a block this edit added has no line of its own to measure), else
 * one step deeper than <devices>. NULL when the children share lines. */
static char *child_indent(const DomDoc *dd)
{
    if (dd->new_devices_indent)
        return g_strdup(dd->new_devices_indent);
    xmlNode *first = vh_xml_child(dd->devices, NULL);
    while (first) {
        const XmlSpan *s = vh_xml_span(dd->spans, first);
        if (s && s->start != s->end)
            break;
        first = vh_xml_next(first, NULL);
    }
    char *indent = node_indent(dd, first);
    if (indent || first)
        return indent;
    g_autofree char *outer = node_indent(dd, dd->devices);
    return outer ? g_strconcat(outer, dd->step, NULL) : NULL;
}

static xmlNode *new_dom_node(DomDoc *dd, xmlDoc *block, gsize offset)
{
    xmlNode *copy = xmlDocCopyNode(xmlDocGetRootElement(block), dd->doc, 1);
    /* a zero-width span at the insertion point, so that a later insertion
     * "after" this node lands after its text */
    XmlSpan span = { offset, offset, offset, offset };
    g_array_append_val(dd->spans, span);
    copy->_private = GUINT_TO_POINTER(dd->spans->len);
    return copy;
}

/* Where a block goes that should follow whatever ends at POS: the end of
 * POS's line (before its CR LF / LF), when the rest of that line holds only
 * comments, whitespace or stray text, so that a trailing comment stays with
 * the element it annotates and the new block gets lines of its own (which a
 * later removal takes away whole). POS itself when another tag follows on
 * the same line. */
static gsize insertion_point(const DomDoc *dd, gsize pos)
{
    gsize p = pos;
    while (p < dd->len && dd->data[p] != '\n') {
        if (dd->data[p] == '<') {
            if (dd->len - p < 4 || memcmp(dd->data + p, "<!--", 4) != 0)
                return pos;
            const char *end = g_strstr_len(dd->data + p + 4, (gssize)(dd->len - p - 4), "-->");
            if (end == NULL)
                return pos;
            p = (gsize)(end - dd->data) + 3;
            continue;
        }
        p++;
    }
    if (p >= dd->len)
        return pos;
    if (p > pos && dd->data[p - 1] == '\r')
        p--;
    return p;
}

/* Elements libvirt writes before <devices> in a domain. */
static gboolean before_devices(const xmlNode *node)
{
    static const char *const names[] = {
        "name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory",
        "currentMemory", "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads",
        "iothreadids", "defaultiothread", "cputune", "numatune", "resource", "sysinfo", "bootloader",
        "bootloader_args", "os", "idmap", "features", "cpu", "clock", "on_poweroff", "on_reboot",
        "on_crash", "on_lockfailure", "pm", "perf",
    };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++)
        if (xmlStrEqual(node->name, BAD_CAST names[i]))
            return TRUE;
    return FALSE;
}

/* Open a <devices> of this edit's own: after the last element libvirt
 * writes before it (else the domain's last element), on a line of its own,
 * or in place of an empty <devices/>. Children are then inserted at one
 * point, ahead of the closing tag (a splice that renders last there). */
static gboolean open_devices(DomDoc *dd, GError **error)
{
    xmlNode *root = xmlDocGetRootElement(dd->doc);
    g_autofree char *outer = NULL;
    gsize offset;
    if (dd->devices) {
        const XmlSpan *s = vh_xml_span(dd->spans, dd->devices);
        outer = node_indent(dd, dd->devices);
        offset = s->start;
        add_splice(dd, offset, s->end - s->start, g_strdup("<devices>"));
    } else {
        xmlNode *after = NULL, *last = NULL;
        for (xmlNode *c = vh_xml_child(root, NULL); c; c = vh_xml_next(c, NULL)) {
            last = c;
            if (before_devices(c))
                after = c;
        }
        if (after == NULL)
            after = last;
        if (after == NULL) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: an empty <domain> has no place for <devices>", dd->what);
            return FALSE;
        }
        outer = node_indent(dd, after);
        offset = insertion_point(dd, vh_xml_span(dd->spans, after)->end);
        dd->devices = xmlNewDocNode(dd->doc, NULL, BAD_CAST "devices", NULL);
        xmlAddNextSibling(after, dd->devices);
        XmlSpan span = { offset, offset, offset, offset };
        g_array_append_val(dd->spans, span);
        dd->devices->_private = GUINT_TO_POINTER(dd->spans->len);
        add_splice(dd, offset, 0, g_strconcat(outer ? dd->newline : "", outer ? outer : "", "<devices>", NULL));
    }
    add_last_splice(dd, offset, g_strconcat(dd->newline, outer ? outer : "", "</devices>", NULL));
    dd->new_devices_at = offset;
    dd->new_devices_indent = g_strconcat(outer ? outer : "", dd->step, NULL);
    return TRUE;
}

xmlNode *domdoc_insert_device(DomDoc *dd, const char *block_text, xmlDoc *block, GError **error)
{
    xmlNode *root = xmlDocGetRootElement(block);
    xmlNode *after = NULL, *before = NULL;

    if (dd->new_devices_indent == NULL &&
        (dd->devices == NULL ||
         vh_xml_span(dd->spans, dd->devices)->start_end == vh_xml_span(dd->spans, dd->devices)->end) &&
        !open_devices(dd, error))
        return NULL;
    int rank = device_rank(root);
    /* the rank only until a neighbour is known: a big domain's devices are
     * mostly of the added kind */
    for (xmlNode *c = vh_xml_child(dd->devices, NULL); c; c = vh_xml_next(c, NULL)) {
        if (xmlStrEqual(c->name, root->name))
            after = c;
        else if (before == NULL && after == NULL && device_rank(c) > rank)
            before = c;
    }
    if (after == NULL && before != NULL) {
        /* right after the element preceding BEFORE, so that a comment
         * introducing BEFORE stays with it */
        for (xmlNode *p = before->prev; p && after == NULL; p = p->prev)
            if (p->type == XML_ELEMENT_NODE)
                after = p;
    } else if (after == NULL) {
        for (xmlNode *c = vh_xml_child(dd->devices, NULL); c; c = vh_xml_next(c, NULL))
            after = c;
    }

    g_autofree char *indent = child_indent(dd);
    gsize offset;
    xmlNode *copy;
    char *text = indent ? indent_block(dd, indent, block_text) : g_strdup(block_text);
    if (after) {
        const XmlSpan *span = vh_xml_span(dd->spans, after);
        /* a block added earlier in this edit has a zero-width span: follow it exactly */
        offset = span->start == span->end ? span->end : insertion_point(dd, span->end);
        copy = new_dom_node(dd, block, offset);
        xmlAddNextSibling(after, copy);
    } else if (dd->new_devices_indent) {
        offset = dd->new_devices_at;
        copy = new_dom_node(dd, block, offset);
        xmlAddChild(dd->devices, copy);
    } else {
        /* first child: on the line after <devices> */
        const XmlSpan *devices = vh_xml_span(dd->spans, dd->devices);
        offset = devices->start_end;
        copy = new_dom_node(dd, block, offset);
        if (dd->devices->children)
            xmlAddPrevSibling(dd->devices->children, copy);
        else
            xmlAddChild(dd->devices, copy);
        gsize end_tag = devices->end_tag;
        if (indent && memchr(dd->data + offset, '\n', end_tag - offset) == NULL) {
            /* <devices></devices> on one line: </devices> moves to a line
             * of its own; whitespace between the tags gives way, anything
             * else (a comment) is kept before the new block */
            g_autofree char *outer = node_indent(dd, dd->devices);
            char *closing = g_strconcat(text, dd->newline, outer ? outer : "", NULL);
            g_free(text);
            text = closing;
            gboolean blank = TRUE;
            for (gsize p = offset; p < end_tag && blank; p++)
                blank = g_ascii_isspace(dd->data[p]);
            add_splice(dd, blank ? offset : end_tag, blank ? end_tag - offset : 0, text);
            return copy;
        }
        offset = insertion_point(dd, offset);
        XmlSpan *mine = &g_array_index(dd->spans, XmlSpan, dd->spans->len - 1);
        *mine = (XmlSpan){ offset, offset, offset, offset };
    }
    add_splice(dd, offset, 0, text);
    return copy;
}

char *domdoc_element_text(const DomDoc *dd, xmlNode *node)
{
    const XmlSpan *s = vh_xml_span(dd->spans, node);
    if (s == NULL || s->start == s->end)
        return NULL;
    return g_strndup(dd->data + s->start, s->end - s->start);
}

gboolean domdoc_remove_device(DomDoc *dd, xmlNode *device, GError **error)
{
    const XmlSpan *s = vh_xml_span(dd->spans, device);
    if (s == NULL || s->start == s->end) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s: cannot remove an element added in the same edit", dd->what);
        return FALSE;
    }
    gsize start = s->start, end = s->end;
    gsize line_start = start;
    while (line_start > 0 && (dd->data[line_start - 1] == ' ' || dd->data[line_start - 1] == '\t'))
        line_start--;
    gsize tail = end;
    while (tail < dd->len && (dd->data[tail] == ' ' || dd->data[tail] == '\t'))
        tail++;
    gboolean line_ends = tail < dd->len && (dd->data[tail] == '\n' ||
                                            (dd->data[tail] == '\r' && tail + 1 < dd->len && dd->data[tail + 1] == '\n'));
    gboolean own_line_start = line_start > 0 && dd->data[line_start - 1] == '\n';
    if (own_line_start && (line_ends || insertion_point(dd, end) == end)) {
        /* the element has its line to itself, or only a tag follows it
         * ("\n  <hostdev>...</hostdev></devices>"): the line break before
         * it, its indentation and trailing blanks go with it. Taking the
         * break before rather than after keeps the removals of adjacent
         * elements apart, and undoes an insertion exactly. */
        start = line_start - 1;
        if (start > 0 && dd->data[start - 1] == '\r')
            start--;
        end = line_ends ? tail : end;
    } else if (line_start == 0 && line_ends) {
        /* on the document's first line: the line break after it */
        start = 0;
        end = tail + (dd->data[tail] == '\r' ? 2 : 1);
    }
    add_splice(dd, start, end - start, NULL);
    xmlUnlinkNode(device);
    xmlFreeNode(device);
    return TRUE;
}

const char *domdoc_data(const DomDoc *dd, gsize *len)
{
    *len = dd->len;
    return dd->data;
}

const XmlSpan *domdoc_span(const DomDoc *dd, xmlNode *node)
{
    const XmlSpan *s = vh_xml_span(dd->spans, node);
    return s && s->start != s->end ? s : NULL;
}

void domdoc_splice(DomDoc *dd, gsize offset, gsize remove, const char *text)
{
    add_splice(dd, offset, remove, g_strdup(text));
}

char *domdoc_indent(const DomDoc *dd, xmlNode *node) { return node_indent(dd, node); }
gsize domdoc_line_end(const DomDoc *dd, gsize pos) { return insertion_point(dd, pos); }
