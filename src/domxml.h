/* A domain document kept as its original bytes plus a DOM: queries run on
 * the DOM, edits are recorded as byte splices so that everything we do not
 * touch stays byte-for-byte identical. Pure: no I/O. */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

#include "nodedev.h"
#include "pciaddr.h"
#include "xmlutil.h"

typedef struct DomDoc DomDoc;

DomDoc *domdoc_parse(const char *data, gsize len, const char *what, GError **error);
/* The same on DATA itself, which the document then owns (also on error);
 * DATA[LEN] must be a NUL. A large file is not copied once more. */
DomDoc *domdoc_adopt(char *data, gsize len, const char *what, GError **error);
void domdoc_free(DomDoc *dd);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(DomDoc, domdoc_free)

const char *domdoc_what(const DomDoc *dd);
xmlDoc *domdoc_xml(const DomDoc *dd);
/* <devices>, or NULL when the domain has none yet. */
xmlNode *domdoc_devices(const DomDoc *dd);
gboolean domdoc_changed(const DomDoc *dd);
/* The edited document's bytes (the original when nothing changed). */
char *domdoc_render(const DomDoc *dd, gsize *len);
/* The same bytes handed to EMIT piece by piece, in order, without joining
 * them (the output of a large document is not one more copy of it). */
typedef gboolean (*DomDocEmit)(const char *text, gsize len, gpointer user, GError **error);
gboolean domdoc_emit(const DomDoc *dd, DomDocEmit emit, gpointer user, GError **error);

/* "disk 'vda' (line 23)": how messages name a device element. */
char *domdoc_describe(xmlNode *device);

/* The PCI address attributes of <address> element A (absent ones are 0),
 * and whether it says multifunction='on' (MULTIFUNCTION may be NULL); on
 * a bad value, nodedev_read_address()'s message naming WHAT. */
gboolean domdoc_read_pci_address(const xmlNode *a, PciAddr *addr, gboolean *multifunction, const char *what,
                                 GError **error);


/* The host device a <hostdev> / <interface type='hostdev'> points at, as a
 * model holding just the source, or NULL for other elements (and SCSI). */
Nodedev *domdoc_hostdev_source(xmlNode *device, GError **error);
/* The same without a model when the source is a PCI address: TRUE with
 * *PCI; FALSE for any other (ERROR set when it cannot be read). Asked of
 * every device of a document. */
gboolean domdoc_hostdev_pci_source(xmlNode *device, PciAddr *pci, GError **error);
gboolean nodedev_same_source(const Nodedev *a, const Nodedev *b);

/* Insert BLOCK_TEXT (formatted with domdoc_step()/domdoc_newline(), no
 * indentation) as a child of <devices>, where libvirt's own order puts an
 * element named like BLOCK's root: after its last sibling of that name, else
 * before the first element libvirt writes after it. BLOCK is copied into the
 * DOM so later queries see it; the new node is returned. A domain without
 * <devices> (or with an empty <devices/>) gets one, placed and indented
 * where libvirt writes it (after <os>, <features>, <on_crash>, <pm>, ...). */
xmlNode *domdoc_insert_device(DomDoc *dd, const char *block_text, xmlDoc *block, GError **error);
/* The original bytes of an element parsed from the input. */
char *domdoc_element_text(const DomDoc *dd, xmlNode *node);
/* Remove a device element, with its line when it has one to itself. */
gboolean domdoc_remove_device(DomDoc *dd, xmlNode *device, GError **error);

const char *domdoc_step(const DomDoc *dd);
const char *domdoc_newline(const DomDoc *dd);

/* For edits outside <devices> (domsplice.c): the original bytes, an
 * element's span in them (NULL for one added by this edit), a splice
 * (TEXT copied; NULL removes only), the indentation of NODE's line (NULL
 * when it shares its line), and where a block that should follow POS goes
 * (the end of POS's line when only comments and blanks follow it). */
const char *domdoc_data(const DomDoc *dd, gsize *len);
const XmlSpan *domdoc_span(const DomDoc *dd, xmlNode *node);
void domdoc_splice(DomDoc *dd, gsize offset, gsize remove, const char *text);
char *domdoc_indent(const DomDoc *dd, xmlNode *node);
gsize domdoc_line_end(const DomDoc *dd, gsize pos);
