#include "template.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "errors.h"
#include "fileio.h"
#include "module.h"
#include "pciaddr.h"
#include "template-format.h"
#include "xmlutil.h"

void template_info_free(TemplateInfo *info)
{
    if (info == NULL)
        return;
    g_free(info->name);
    g_free(info->path);
    g_free(info->dir);
    g_free(info->description);
    g_free(info);
}

void gen_network_free(GenNetwork *net)
{
    if (net == NULL)
        return;
    g_free(net->type);
    g_free(net->source);
    g_free(net->model);
    g_free(net->mac);
    g_free(net);
}

/* ------------------------------------------------------------ search path */

GPtrArray *template_search_path_for(const char *cli_dir, const char *xdg_config_home, const char *home,
                                    const char *env_dir, const char *installed_dir)
{
    GPtrArray *dirs = g_ptr_array_new_with_free_func(g_free);
    if (cli_dir && *cli_dir)
        g_ptr_array_add(dirs, g_strdup(cli_dir));
    if (xdg_config_home && *xdg_config_home)
        g_ptr_array_add(dirs, g_build_filename(xdg_config_home, "virt-hostdev", "templates", NULL));
    else if (home && *home)
        g_ptr_array_add(dirs, g_build_filename(home, ".config", "virt-hostdev", "templates", NULL));
    if (env_dir && *env_dir)
        g_ptr_array_add(dirs, g_strdup(env_dir));
    else if (installed_dir && *installed_dir)
        g_ptr_array_add(dirs, g_strdup(installed_dir));
    return dirs;
}

GPtrArray *template_search_path(const char *cli_dir)
{
    return template_search_path_for(cli_dir, g_getenv("XDG_CONFIG_HOME"), g_getenv("HOME"),
                                     secure_getenv("VIRT_HOSTDEV_TEMPLATE_DIR"), VH_TEMPLATE_DIR);
}

char *template_description(const char *text, gsize len)
{
    const char *p = text, *end = text + len;
    for (;;) {
        while (p < end && g_ascii_isspace(*p))
            p++;
        if (end - p >= 2 && p[0] == '<' && p[1] == '?') {
            const char *close = g_strstr_len(p, end - p, "?>");
            if (close == NULL)
                return g_strdup("");
            p = close + 2;
            continue;
        }
        break;
    }
    if (end - p < 4 || strncmp(p, "<!--", 4) != 0)
        return g_strdup("");
    p += 4;
    const char *close = g_strstr_len(p, end - p, "-->");
    if (close == NULL)
        return g_strdup("");
    g_autofree char *body = g_strndup(p, (gsize)(close - p));
    g_auto(GStrv) lines = g_strsplit(body, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_strstrip(*l);
        if (**l)
            return g_strdup(*l);
    }
    return g_strdup("");
}

static TemplateInfo *info_from_file(const char *name, const char *path, const char *dir, GError **error)
{
    g_autofree char *data = NULL;
    gsize len = 0;
    if (!fileio_read(path, &data, &len, error)) {
        g_prefix_error(error, "template '%s': ", name);
        return NULL;
    }
    TemplateInfo *info = g_new0(TemplateInfo, 1);
    info->name = g_strdup(name);
    info->path = g_strdup(path);
    info->dir = g_strdup(dir);
    info->description = template_description(data, len);
    return info;
}

static gint compare_infos(gconstpointer a, gconstpointer b)
{
    const TemplateInfo *x = *(TemplateInfo *const *)a, *y = *(TemplateInfo *const *)b;
    return strcmp(x->name, y->name);
}

GPtrArray *template_list(GPtrArray *dirs, GError **error)
{
    g_autoptr(GPtrArray) infos = g_ptr_array_new_with_free_func((GDestroyNotify)template_info_free);
    g_autoptr(GHashTable) seen = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    for (guint d = 0; d < dirs->len; d++) {
        const char *dir = dirs->pdata[d];
        g_autoptr(GError) dir_error = NULL;
        GDir *gd = g_dir_open(dir, 0, &dir_error);
        if (gd == NULL) {
            if (g_error_matches(dir_error, G_FILE_ERROR, G_FILE_ERROR_NOENT) ||
                g_error_matches(dir_error, G_FILE_ERROR, G_FILE_ERROR_NOTDIR))
                continue;
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "template directory %s: %s", dir, dir_error->message);
            return NULL;
        }
        g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func(g_free);
        for (const char *n; (n = g_dir_read_name(gd));)
            if (g_str_has_suffix(n, ".xml") && n[0] != '.' && strlen(n) > 4)
                g_ptr_array_add(names, g_strdup(n));
        g_dir_close(gd);
        for (guint i = 0; i < names->len; i++) {
            const char *file = names->pdata[i];
            g_autofree char *path = g_build_filename(dir, file, NULL);
            if (!g_file_test(path, G_FILE_TEST_IS_REGULAR))
                continue;
            g_autofree char *name = g_strndup(file, strlen(file) - 4);
            if (g_hash_table_contains(seen, name))
                continue;
            TemplateInfo *info = info_from_file(name, path, dir, error);
            if (info == NULL)
                return NULL;
            g_hash_table_add(seen, g_strdup(name));
            g_ptr_array_add(infos, info);
        }
    }
    g_ptr_array_sort(infos, compare_infos);
    return g_steal_pointer(&infos);
}

TemplateInfo *template_find(GPtrArray *dirs, const char *name, GError **error)
{
    if (name == NULL || *name == '\0') {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--template: empty template name");
        return NULL;
    }
    if (strchr(name, '/') || g_str_has_suffix(name, ".xml")) {
        g_autofree char *base = g_path_get_basename(name);
        g_autofree char *dir = g_path_get_dirname(name);
        if (g_str_has_suffix(base, ".xml"))
            base[strlen(base) - 4] = '\0';
        return info_from_file(base, name, dir, error);
    }
    g_autoptr(GPtrArray) infos = template_list(dirs, error);
    if (infos == NULL)
        return NULL;
    for (guint i = 0; i < infos->len; i++) {
        TemplateInfo *info = infos->pdata[i];
        if (strcmp(info->name, name) == 0) {
            infos->pdata[i] = NULL;
            g_ptr_array_remove_index(infos, i);
            return info;
        }
    }
    g_autoptr(GString) avail = g_string_new(NULL);
    for (guint i = 0; i < infos->len; i++)
        g_string_append_printf(avail, "%s%s", i ? ", " : "", ((TemplateInfo *)infos->pdata[i])->name);
    g_autoptr(GString) searched = g_string_new(NULL);
    for (guint i = 0; i < dirs->len; i++)
        g_string_append_printf(searched, "%s%s", i ? ", " : "", (const char *)dirs->pdata[i]);
    g_autofree char *hint = infos->len ? NULL : vh_build_tree_hint();
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "no template '%s' in %s (available: %s)%s%s", name,
                searched->len ? searched->str : "no directory", avail->len ? avail->str : "none", hint ? "; " : "",
                hint ? hint : "");
    return NULL;
}

/* ---------------------------------------------------------- option values */

gboolean gen_name_check(const char *name, GError **error)
{
    if (name == NULL || *name == '\0') {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "generate needs --name NAME");
        return FALSE;
    }
    if (!g_utf8_validate(name, -1, NULL)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--name: not valid UTF-8");
        return FALSE;
    }
    for (const char *p = name; *p; p++) {
        if (*p == '/') {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--name '%s': a libvirt domain name cannot contain '/'", name);
            return FALSE;
        }
        if (g_ascii_iscntrl(*p)) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--name: a libvirt domain name cannot contain control characters");
            return FALSE;
        }
    }
    return TRUE;
}

GenNetwork *gen_network_parse(const char *text, GError **error)
{
    g_autoptr(GenNetwork) net = g_new0(GenNetwork, 1);
    g_auto(GStrv) parts = g_strsplit(text, ",", -1);
    for (char **p = parts; *p; p++) {
        const char *eq = strchr(*p, '=');
        g_autofree char *key = eq ? g_strndup(*p, (gsize)(eq - *p)) : g_strdup(*p);
        const char *value = eq ? eq + 1 : NULL;
        if (value == NULL || *value == '\0') {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                        "--network '%s': expected network=NAME or bridge=NAME[,model=MODEL][,mac=MAC]", text);
            return NULL;
        }
        if (p == parts) {
            if (strcmp(key, "network") != 0 && strcmp(key, "bridge") != 0) {
                g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                            "--network '%s': starts with network=NAME or bridge=NAME, not '%s='", text, key);
                return NULL;
            }
            net->type = g_strdup(key);
            net->source = g_strdup(value);
        } else if (strcmp(key, "model") == 0 && net->model == NULL) {
            for (const char *c = value; *c; c++) {
                if (!g_ascii_isalnum(*c) && *c != '-' && *c != '_') {
                    g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--network '%s': model '%s' is not a model name",
                                text, value);
                    return NULL;
                }
            }
            net->model = g_strdup(value);
        } else if (strcmp(key, "mac") == 0 && net->mac == NULL) {
            guint8 octets[6];
            if (strlen(value) != 17 ||
                sscanf(value, "%2hhx:%2hhx:%2hhx:%2hhx:%2hhx:%2hhx", &octets[0], &octets[1], &octets[2], &octets[3],
                       &octets[4], &octets[5]) != 6 ||
                (octets[0] & 1)) {
                g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                            "--network '%s': mac '%s' is not a unicast MAC address such as 52:54:00:12:34:56", text,
                            value);
                return NULL;
            }
            net->mac = g_ascii_strdown(value, -1);
        } else {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--network '%s': unknown or repeated '%s='", text, key);
            return NULL;
        }
    }
    if (net->type == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--network: empty value");
        return NULL;
    }
    if (net->model == NULL)
        net->model = g_strdup("virtio");
    return g_steal_pointer(&net);
}

gboolean gen_memory_parse(const char *text, guint64 *kib, GError **error)
{
    /* single letters in either case are powers of 1024 (as libvirt reads
     * k, M, G); the longer forms are exact, so that KB (1000) and KiB (1024)
     * stay apart */
    static const struct {
        const char *suffix;
        guint64 bytes;
    } units[] = {
        { "", 1024 * 1024 }, /* MiB when no unit */
        { "b", 1 },
        { "k", 1024 },
        { "m", 1024 * 1024 },
        { "g", 1024ull * 1024 * 1024 },
        { "t", 1024ull * 1024 * 1024 * 1024 },
        { "bytes", 1 },
        { "KiB", 1024 },
        { "MiB", 1024 * 1024 },
        { "GiB", 1024ull * 1024 * 1024 },
        { "TiB", 1024ull * 1024 * 1024 * 1024 },
        { "KB", 1000 },
        { "MB", 1000 * 1000 },
        { "GB", 1000ull * 1000 * 1000 },
        { "TB", 1000ull * 1000 * 1000 * 1000 },
    };
    const guint64 max_kib = 16ull * 1024 * 1024 * 1024; /* 16 TiB */
    const char *p = text;
    while (g_ascii_isdigit(*p))
        p++;
    if (p == text || (p - text) > 15) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--memory '%s': expected a size such as 8192 (MiB), 8G or 8GiB", text);
        return FALSE;
    }
    g_autofree char *digits = g_strndup(text, (gsize)(p - text));
    guint64 n = g_ascii_strtoull(digits, NULL, 10);
    for (guint i = 0; i < G_N_ELEMENTS(units); i++) {
        const char *suffix = units[i].suffix;
        gboolean match = strlen(suffix) == 1 ? g_ascii_strcasecmp(p, suffix) == 0 : strcmp(p, suffix) == 0;
        if (!match)
            continue;
        if (n == 0) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--memory '%s': must be more than 0", text);
            return FALSE;
        }
        if (n > max_kib * 1024 / units[i].bytes) {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--memory '%s': more than 16 TiB", text);
            return FALSE;
        }
        *kib = (n * units[i].bytes + 1023) / 1024;
        return TRUE;
    }
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                "--memory '%s': unknown unit '%s' (M/MiB, G/GiB, T/TiB are powers of 1024; MB, GB, TB of 1000)",
                text, p);
    return FALSE;
}

/* ------------------------------------------------------------- DOM edits */

/* libvirt's order of a domain's top-level elements, of <devices> children
 * and of <features> children (as virDomainDefFormat writes them). */
static const char *const domain_order[] = {
    "name", "uuid", "genid", "title", "description", "metadata", "maxMemory", "memory", "currentMemory",
    "blkiotune", "memtune", "memoryBacking", "vcpu", "vcpus", "iothreads", "iothreadids", "cputune",
    "numatune", "resource", "sysinfo", "bootloader", "bootloader_args", "os", "idmap", "features", "cpu",
    "clock", "on_poweroff", "on_reboot", "on_crash", "on_lockfailure", "pm", "perf", "devices", "seclabel",
    "keywrap", "launchSecurity", NULL,
};

static const char *const devices_order[] = {
    "emulator", "disk", "controller", "lease", "filesystem", "interface", "smartcard", "serial", "parallel",
    "console", "channel", "input", "tpm", "graphics", "sound", "audio", "video", "hostdev", "redirdev",
    "redirfilter", "hub", "watchdog", "memballoon", "rng", "panic", "shmem", "memory", "iommu", "vsock",
    "crypto", NULL,
};

static const char *const features_order[] = {
    "acpi", "apic", "pae", "hap", "viridian", "privnet", "hyperv", "kvm", "pvspinlock", "capabilities",
    "pmu", "vmport", "gic", "smm", "ioapic", "hpt", "vmcoreinfo", "htm", "nested-hv", "msrs", "ccf-assist",
    "xen", "cfpc", "sbbc", "ibs", "tcg", "async-teardown", NULL,
};

static const char *const hyperv_order[] = {
    "relaxed", "vapic", "spinlocks", "vpindex", "runtime", "synic", "stimer", "reset", "vendor_id",
    "frequencies", "reenlightenment", "tlbflush", "ipi", "evmcs", "avic", NULL,
};

static gint order_index(const char *const *order, const xmlChar *name)
{
    for (gint i = 0; order[i]; i++)
        if (strcmp(order[i], (const char *)name) == 0)
            return i;
    return -1;
}

/* Add NODE to PARENT after the last child that comes no later than NODE in
 * ORDER; as the first element child when there is none. */
static xmlNode *insert_ordered(xmlNode *parent, xmlNode *node, const char *const *order)
{
    gint want = order_index(order, node->name);
    xmlNode *after = NULL;
    for (xmlNode *c = parent->children; c; c = c->next) {
        if (c->type != XML_ELEMENT_NODE)
            continue;
        gint idx = order_index(order, c->name);
        if (idx >= 0 && idx <= want)
            after = c;
    }
    if (after)
        return xmlAddNextSibling(after, node);
    xmlNode *first = vh_xml_child(parent, NULL);
    if (first)
        return xmlAddPrevSibling(first, node);
    return xmlAddChild(parent, node);
}

static xmlNode *child_or_new(xmlNode *parent, const char *name, const char *const *order)
{
    xmlNode *c = vh_xml_child(parent, name);
    if (c)
        return c;
    return insert_ordered(parent, xmlNewNode(NULL, (const xmlChar *)name), order);
}

static void set_text(xmlNode *node, const char *text)
{
    while (node->children) {
        xmlNode *c = node->children;
        xmlUnlinkNode(c);
        xmlFreeNode(c);
    }
    xmlAddChild(node, xmlNewText((const xmlChar *)text));
}

static void set_prop(xmlNode *node, const char *name, const char *value)
{
    xmlSetProp(node, (const xmlChar *)name, (const xmlChar *)value);
}

static xmlNode *new_child(xmlNode *parent, const char *name)
{
    return xmlNewChild(parent, NULL, (const xmlChar *)name, NULL);
}

/* Whitespace-only text is layout: dropped, the output is re-indented. */
static void strip_blank_text(xmlNode *node)
{
    xmlNode *c = node->children;
    while (c) {
        xmlNode *next = c->next;
        if (c->type == XML_TEXT_NODE && xmlIsBlankNode(c)) {
            xmlUnlinkNode(c);
            xmlFreeNode(c);
        } else if (c->type == XML_ELEMENT_NODE) {
            strip_blank_text(c);
        }
        c = next;
    }
}

static gboolean machine_is_q35(xmlNode *root)
{
    xmlNode *type = vh_xml_child(vh_xml_child(root, "os"), "type");
    g_autofree char *machine = type ? vh_xml_prop(type, "machine") : NULL;
    return machine && strstr(machine, "q35") != NULL;
}

/* First target name PREFIX + a, b, …, z, aa, ab, … not in USED. */
static char *free_target(GHashTable *used, const char *prefix)
{
    for (guint i = 0;; i++) {
        char suffix[4];
        if (i < 26)
            g_snprintf(suffix, sizeof suffix, "%c", 'a' + i);
        else
            g_snprintf(suffix, sizeof suffix, "%c%c", 'a' + (i / 26 - 1), 'a' + i % 26);
        char *name = g_strconcat(prefix, suffix, NULL);
        if (!g_hash_table_contains(used, name)) {
            g_hash_table_add(used, name);
            return g_strdup(name);
        }
        g_free(name);
    }
}

static void add_disk(xmlNode *devices, const char *path, gboolean q35, GHashTable *used_targets)
{
    gboolean cdrom = g_str_has_suffix(path, ".iso") || g_str_has_suffix(path, ".ISO");
    gboolean block = g_str_has_prefix(path, "/dev/");
    gboolean qcow2 = g_str_has_suffix(path, ".qcow2") || g_str_has_suffix(path, ".qcow");
    xmlNode *disk = xmlNewNode(NULL, (const xmlChar *)"disk");
    set_prop(disk, "type", block ? "block" : "file");
    set_prop(disk, "device", cdrom ? "cdrom" : "disk");
    xmlNode *driver = new_child(disk, "driver");
    set_prop(driver, "name", "qemu");
    set_prop(driver, "type", qcow2 ? "qcow2" : "raw");
    if (!cdrom)
        set_prop(driver, "discard", "unmap");
    xmlNode *source = new_child(disk, "source");
    set_prop(source, block ? "dev" : "file", path);
    xmlNode *target = new_child(disk, "target");
    const char *bus = cdrom ? (q35 ? "sata" : "ide") : "virtio";
    g_autofree char *dev = free_target(used_targets, cdrom ? (q35 ? "sd" : "hd") : "vd");
    set_prop(target, "dev", dev);
    set_prop(target, "bus", bus);
    if (cdrom)
        new_child(disk, "readonly");
    insert_ordered(devices, disk, devices_order);
}

static void add_interface(xmlNode *devices, const GenNetwork *net)
{
    xmlNode *iface = xmlNewNode(NULL, (const xmlChar *)"interface");
    set_prop(iface, "type", net->type);
    if (net->mac)
        set_prop(new_child(iface, "mac"), "address", net->mac);
    set_prop(new_child(iface, "source"), net->type, net->source);
    set_prop(new_child(iface, "model"), "type", net->model);
    insert_ordered(devices, iface, devices_order);
}

static void hide_hypervisor(xmlNode *root)
{
    xmlNode *features = child_or_new(root, "features", domain_order);
    xmlNode *hyperv = vh_xml_child(features, "hyperv");
    if (hyperv == NULL) {
        hyperv = insert_ordered(features, xmlNewNode(NULL, (const xmlChar *)"hyperv"), features_order);
        set_prop(hyperv, "mode", "custom");
    }
    xmlNode *vendor = vh_xml_child(hyperv, "vendor_id");
    if (vendor == NULL) {
        vendor = insert_ordered(hyperv, xmlNewNode(NULL, (const xmlChar *)"vendor_id"), hyperv_order);
        set_prop(vendor, "state", "on");
        set_prop(vendor, "value", GEN_HYPERV_VENDOR_ID);
    }
    set_prop(vendor, "state", "on");
    g_autofree char *value = vh_xml_prop(vendor, "value");
    if (value == NULL || *value == '\0')
        set_prop(vendor, "value", GEN_HYPERV_VENDOR_ID);
    xmlNode *kvm = child_or_new(features, "kvm", features_order);
    xmlNode *hidden = vh_xml_child(kvm, "hidden");
    if (hidden == NULL)
        hidden = new_child(kvm, "hidden");
    set_prop(hidden, "state", "on");
}

static void set_vcpus(xmlNode *root, guint vcpus)
{
    xmlNode *vcpu = child_or_new(root, "vcpu", domain_order);
    g_autofree char *n = g_strdup_printf("%u", vcpus);
    set_text(vcpu, n);
    xmlUnsetProp(vcpu, (const xmlChar *)"current");
    if (xmlHasProp(vcpu, (const xmlChar *)"placement") == NULL)
        set_prop(vcpu, "placement", "static");
    /* a topology must multiply up to the vcpu count: one socket of N cores */
    xmlNode *topology = vh_xml_child(vh_xml_child(root, "cpu"), "topology");
    if (topology) {
        set_prop(topology, "sockets", "1");
        if (xmlHasProp(topology, (const xmlChar *)"dies"))
            set_prop(topology, "dies", "1");
        set_prop(topology, "cores", n);
        set_prop(topology, "threads", "1");
    }
}

static void set_memory(xmlNode *root, guint64 kib)
{
    g_autofree char *n = g_strdup_printf("%" G_GUINT64_FORMAT, kib);
    xmlNode *memory = child_or_new(root, "memory", domain_order);
    set_text(memory, n);
    set_prop(memory, "unit", "KiB");
    xmlNode *current = vh_xml_child(root, "currentMemory");
    if (current) {
        set_text(current, n);
        set_prop(current, "unit", "KiB");
    }
}

/* ------------------------------------------------------------------ apply */

char *template_apply(const char *text, gsize len, const char *what, const GenSpec *spec, GError **error)
{
    g_autoptr(xmlDoc) doc = vh_xml_parse(text, len, what, error);
    if (doc == NULL)
        return NULL;
    xmlNode *root = xmlDocGetRootElement(doc);
    if (!vh_xml_is(root, "domain")) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: not a domain template (root element <%s>, not <domain>)",
                    what, (const char *)root->name);
        return NULL;
    }
    xmlNode *devices = vh_xml_child(root, "devices");
    if (devices == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: the template has no <devices> element", what);
        return NULL;
    }
    strip_blank_text(root);

    set_text(child_or_new(root, "name", domain_order), spec->name);
    set_text(child_or_new(root, "uuid", domain_order), spec->uuid);
    if (spec->memory_kib)
        set_memory(root, spec->memory_kib);
    if (spec->vcpus)
        set_vcpus(root, spec->vcpus);
    if (spec->drop_os_boot) {
        xmlNode *os = vh_xml_child(root, "os");
        for (xmlNode *b = vh_xml_child(os, "boot"), *next; b; b = next) {
            next = vh_xml_next(b, "boot");
            xmlUnlinkNode(b);
            xmlFreeNode(b);
        }
    }
    if (spec->hide_hypervisor)
        hide_hypervisor(root);

    gboolean q35 = machine_is_q35(root);
    g_autoptr(GHashTable) targets = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    VH_XML_FOREACH_CHILD(disk, devices, "disk") {
        g_autofree char *dev = vh_xml_prop(vh_xml_child(disk, "target"), "dev");
        if (dev)
            g_hash_table_add(targets, g_steal_pointer(&dev));
    }
    for (guint i = 0; spec->disks && i < spec->disks->len; i++)
        add_disk(devices, spec->disks->pdata[i], q35, targets);
    for (guint i = 0; spec->networks && i < spec->networks->len; i++)
        add_interface(devices, spec->networks->pdata[i]);

    return template_format(root);
}
