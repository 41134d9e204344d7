/* What Proxmox VE and KubeVirt read about a host's PCI devices, built from
 * the devices (names by fleet.h's rule). Pure: the documents are returned
 * as text, or written into a JSON builder.
 *
 * Proxmox VE: one cluster resource mapping per name, as the command that
 * creates it (pvesh create /cluster/mapping/pci --id NAME --map …), one
 * --map per device and node: several for one node are Proxmox's
 * alternatives (a free one is taken when the VM starts). A whole slot
 * (WHOLE_SLOTS, --all-functions) is mapped by its path without function,
 * with the ids of its lowest function, as Proxmox's "All Functions".
 *
 * KubeVirt: the KubeVirt CR patch that permits the devices
 * (spec.configuration.permittedHostDevices.pciHostDevices[]), or with VM
 * the fragment of a VMI spec that asks for them
 * (spec.domain.devices.hostDevices[]); YAML, or JSON into a builder. */
#pragma once
#include <glib.h>

#include "jsonw.h"

/* One host's part: the Proxmox node name and the devices (Nodedev*, PCI
 * with ids: fleet_check_pci first). */
typedef struct {
    const char *node;
    GPtrArray *devices;
} ExportHost;

typedef struct ExportDoc ExportDoc;

void export_doc_free(ExportDoc *doc);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(ExportDoc, export_doc_free)

/* The mappings for HOSTS (ExportHost*) named from NAME (Proxmox's id
 * rules: a letter, then letters, digits, '-' and '_'). */
ExportDoc *export_proxmox(GPtrArray *hosts, const char *name, gboolean whole_slots, GError **error);
/* The KubeVirt document for HOSTS; NAME is DOMAIN/NAME, or NAME with the
 * domain of the device's vendor when it is a known one. */
ExportDoc *export_kubevirt(GPtrArray *hosts, const char *name, gboolean vm, GError **error);

/* The text form: the pvesh commands (one line each), or YAML. */
char *export_doc_text(const ExportDoc *doc);
/* The --json form (schemas/export.schema.json). */
void export_doc_json(const ExportDoc *doc, VhJson *b);

/* Notes for stderr about what the document cannot say (strings, owned by
 * DOC). */
GPtrArray *export_doc_notes(const ExportDoc *doc);
