/* Byte-preserving edits of a domain document outside <devices>: an
 * attribute value rewritten in place, a block added after an element or as
 * a parent's last child. The DOM is kept in step for attribute values;
 * inserted blocks are text only (callers re-read the rendered document). */
#pragma once
#include <glib.h>

#include "domxml.h"

/* Set attribute NAME of NODE (parsed from the input, and holding NAME) to
 * VALUE, in the bytes (quote kept) and in the DOM. */
gboolean domsplice_set_attr(DomDoc *dd, xmlNode *node, const char *name, const char *value, GError **error);

/* BLOCK (lines joined with "\n", no indentation) on lines of its own after
 * SIBLING, indented like it. */
gboolean domsplice_insert_after(DomDoc *dd, xmlNode *sibling, const char *block, GError **error);

/* BLOCK as the last child of PARENT, indented like PARENT's last element
 * child, else one step deeper than PARENT; a self-closing PARENT is opened. */
gboolean domsplice_append_child(DomDoc *dd, xmlNode *parent, const char *block, GError **error);
