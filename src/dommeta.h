/* The identities recorded in a domain's <metadata>, in the project's
 * namespace (identity.h):
 *   <metadata>
 *     <vh:hostdevs xmlns:vh='http://virt-hostdev.org/xmlns/identity/1.0'>
 *       <vh:hostdev source='0000:01:00.0' vendor='0x10de' …/>
 *     </vh:hostdevs>
 *   </metadata>
 * one entry per PCI hostdev, keyed by its source address (and alias).
 * Edits are byte splices like every other (domsplice.h). */
#pragma once
#include <glib.h>

#include "domxml.h"
#include "identity.h"

/* Entries of DD as Identity*, in document order; NODES (optional) receives
 * each entry's element. An unreadable entry is an error naming DD. */
GPtrArray *dommeta_read(DomDoc *dd, GPtrArray *nodes, GError **error);

/* The entry of IDS (from dommeta_read) for a hostdev with source SOURCE and
 * alias ALIAS (may be NULL): by source, else by alias. -1 when none. */
gint dommeta_lookup(GPtrArray *ids, const PciAddr *source, const char *alias);

/* Record IDS (Identity*): an entry with the same source is rewritten,
 * others are added; <metadata> and our element are created once, where
 * libvirt writes them. */
gboolean dommeta_record(DomDoc *dd, GPtrArray *ids, GError **error);

/* Drop the entries whose source is one of SOURCES (PciAddr); our element
 * goes with its last entry, <metadata> with its last child, so that an add
 * and a remove leave the document as it was. */
gboolean dommeta_forget(DomDoc *dd, GArray *sources, GError **error);

/* The hook of add and remove: record the identities of ADDED (the
 * inserted hostdev elements, Nodedev* DEVICES in the same order); forget
 * the sources of REMOVED (Nodedev*). Either may be NULL. */
gboolean dommeta_note_edit(DomDoc *dd, GPtrArray *added, GPtrArray *devices, GPtrArray *removed, GError **error);
