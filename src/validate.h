/* Schema and semantic validation of blocks and whole domains. */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

#include "domxml.h"

/* Parse one emitted block and check it against the project's compact
 * schemas/hostdev.rng (compiled into the binary). Returns the block's doc. */
xmlDoc *validate_block(const char *text, GError **error);

/* libvirt's full domain.rng, from $VIRT_HOSTDEV_SCHEMA_DIR or libvirt's
 * schema directory. WHAT names the document in the message. */
gboolean validate_domain_schema(xmlDoc *doc, const char *what, GError **error);
char *validate_libvirt_schema_path(void);

/* Checks libvirt's schema cannot express: duplicate host sources, two
 * devices at one guest PCI address, a multifunction slot without function 0
 * (or without multifunction='on' on it). Returns the problems found, each a
 * sentence naming the devices; empty when the domain is fine. */
GPtrArray *validate_domain_semantics(DomDoc *dd);
