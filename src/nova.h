/* OpenStack nova's [pci] configuration for a host's devices: the
 * device_spec entries that offer them, the alias entries that name them
 * (one name per function of a multifunction device: fleet.h's rule), and
 * the flavor property that asks for each name once. nova's own rules are
 * kept: the entries of one alias name share a device_type (nova refuses
 * the alias otherwise), and a PF never shares the device_spec set with one
 * of its VFs (nova-compute refuses to start). Pure: the text and JSON are
 * built here, written by the caller. Every JSON value, in the text lines
 * as well, is written by json-glib (jsonw.c). */
#pragma once
#include <glib.h>

#include "jsonw.h"

typedef struct {
    const char *alias;    /* the base name (required) */
    gboolean legacy;      /* passthrough_whitelist (nova before Zed) */
    const char *physnet;  /* physical_network of the SR-IOV VFs, or NULL */
    const char *flavor;   /* print the openstack command for this flavor, or NULL */
    guint count;          /* devices of each name per instance (>= 1) */
} NovaOptions;

typedef struct NovaConfig NovaConfig;

/* The configuration for DEVICES (Nodedev*, PCI with ids: fleet_check_pci
 * first). A refusal of nova's rules is VH_ERROR_FAILED; bad options are
 * VH_ERROR_USAGE. */
NovaConfig *nova_config_new(GPtrArray *devices, const NovaOptions *opts, GError **error);
void nova_config_free(NovaConfig *config);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(NovaConfig, nova_config_free)

/* The nova.conf lines, and after a blank line the flavor command when asked. */
char *nova_config_text(const NovaConfig *config);
/* The --json document (schemas/nova-config.schema.json), as one object. */
void nova_config_json(const NovaConfig *config, VhJson *b);
