/* Domain templates for `generate`: where they are, what they say about
 * themselves, and how one becomes a domain.
 *
 * A template is a plain, complete libvirt domain XML file (templates/NAME.xml):
 * `virsh define` accepts it as it is. Its leading comment's first line is its
 * description. Generating works on the DOM, not on text placeholders: the
 * elements a GenSpec names (name, uuid, memory, vcpu, disks, interfaces,
 * hypervisor hiding) are replaced or added, everything else is kept. See
 * templates/README.md. template_apply() is pure; the search functions read
 * directories. */
#pragma once
#include <glib.h>

typedef struct {
    char *name;         /* file name without .xml */
    char *path;
    char *dir;          /* the search-path directory it was found in */
    char *description;  /* first line of the leading comment, "" when none */
} TemplateInfo;

void template_info_free(TemplateInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(TemplateInfo, template_info_free)

/* The directories searched, first match wins: CLI_DIR (--template-dir, may
 * be NULL), XDG_CONFIG_HOME/virt-hostdev/templates (HOME/.config when
 * XDG_CONFIG_HOME is unset or empty), then ENV_DIR
 * ($VIRT_HOSTDEV_TEMPLATE_DIR, for uninstalled builds) when set, else
 * INSTALLED_DIR. Pure. */
GPtrArray *template_search_path_for(const char *cli_dir, const char *xdg_config_home, const char *home,
                                    const char *env_dir, const char *installed_dir);
/* The same from the process environment and config.h's VH_TEMPLATE_DIR. */
GPtrArray *template_search_path(const char *cli_dir);

/* The description of a template: the first non-empty line of the comment
 * before its root element, or "" when there is none. Pure. */
char *template_description(const char *text, gsize len);

/* Every *.xml in DIRS (missing directories skipped), a name found in an
 * earlier directory hiding later ones; sorted by name. */
GPtrArray *template_list(GPtrArray *dirs, GError **error);

/* NAME is a template name looked up in DIRS, or a path to a file (it
 * contains '/' or ends in .xml). Not found: VH_ERROR_USAGE naming the
 * directories searched and the templates available. */
TemplateInfo *template_find(GPtrArray *dirs, const char *name, GError **error);

typedef struct {
    char *type;    /* "network" or "bridge" */
    char *source;  /* network or bridge name */
    char *model;   /* virtio unless given */
    char *mac;     /* NULL: libvirt picks one */
} GenNetwork;

void gen_network_free(GenNetwork *net);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(GenNetwork, gen_network_free)

/* "network=NAME" or "bridge=NAME", optionally followed by ",model=MODEL"
 * and ",mac=MAC". */
GenNetwork *gen_network_parse(const char *text, GError **error);

/* "4096" (MiB), or a number with a unit as libvirt reads them: b, k/KiB,
 * KB, M/MiB, MB, G/GiB, GB, T/TiB, TB (K/M/G/T are powers of 1024, KB/MB/…
 * powers of 1000). Rounded up to whole KiB; 0 and more than 16 TiB are
 * refused. */
gboolean gen_memory_parse(const char *text, guint64 *kib, GError **error);

typedef struct {
    const char *name;       /* required */
    const char *uuid;       /* canonical lower-case; required */
    guint64 memory_kib;     /* 0: the template's */
    guint vcpus;            /* 0: the template's */
    GPtrArray *disks;       /* char* absolute paths, may be NULL */
    GPtrArray *networks;    /* GenNetwork*, may be NULL */
    gboolean hide_hypervisor;
    gboolean drop_os_boot;  /* per-device boot order requested: remove <os><boot> */
} GenSpec;

/* Check NAME as a libvirt domain name. */
gboolean gen_name_check(const char *name, GError **error);

/* The domain TEXT (a template, WHAT naming it in messages) turned into
 * SPEC's domain, formatted the way libvirt formats domain XML (two-space
 * indentation, single-quoted attributes). Pure. */
char *template_apply(const char *text, gsize len, const char *what, const GenSpec *spec, GError **error);

/* The value written by hide_hypervisor into <hyperv><vendor_id value=…/>
 * (at most 12 characters, as KVM allows). */
#define GEN_HYPERV_VENDOR_ID "virt-hostdev"
