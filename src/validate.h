/* Schema and semantic validation of blocks and whole domains. */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

#include "domxml.h"

/* Parse one emitted block and check it against the project's compact
 * schemas/hostdev.rng (compiled into the binary). Returns the block's doc. */
xmlDoc *validate_block(const char *text, GError **error);
/* The same against a chosen form of the block's grammar: the whole one, or
 * the lean one without its optional elements (a block holding none of them
 * gets the same verdict from both; validate_block chooses it for them). */
typedef enum { VALIDATE_CHOOSE, VALIDATE_FULL, VALIDATE_LEAN } ValidateGrammar;
xmlDoc *validate_block_as(const char *text, ValidateGrammar which, GError **error);

/* libvirt's full domain.rng, from $VIRT_HOSTDEV_SCHEMA_DIR or libvirt's
 * schema directory. WHAT names the document in the message. */
gboolean validate_domain_schema(xmlDoc *doc, const char *what, GError **error);
char *validate_libvirt_schema_path(void);

/* Does libvirt's domain.rng on this machine accept DEVICE (one element of
 * <devices>) in a minimal domain? For features newer libvirt added, asked
 * when no connection tells the version. */
gboolean validate_libvirt_accepts_device(const char *device, GError **error);

/* Checks libvirt's schema cannot express, read from the domain index
 * (domindex_problems()): duplicate host sources, two devices at one
 * assigned guest PCI address, unreadable addresses and sources. Nothing
 * libvirt accepts is a problem: an empty or zpci-only address is
 * "unassigned", a console mirroring serial 0 no device, and function 0 of a
 * shared slot needs no multifunction='on' (libvirt sets it). Returns the
 * problems found, each a sentence naming the devices; empty when fine. */
GPtrArray *validate_domain_semantics(DomDoc *dd);
