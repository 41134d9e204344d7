/* A generated domain as text, formatted as libvirt formats a definition:
 * two-space indentation, one element per line, attributes in single quotes
 * before namespace declarations, an empty <devices> open and closed on lines
 * of their own (so that hostdevs can be added on lines of their own). */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

char *template_format(xmlNode *root);
