#include "host.h"

#include <string.h>

#include "cli.h"
#include "errors.h"
#include "xmlutil.h"
#include "hostcrit.h"

/* The domains' definitions, fetched on a thread of their own: libvirt's
 * connections take calls from several threads, and formatting a thousand
 * definitions (libvirt's side) costs about what listing and reading the node
 * devices does, so the two overlap instead of adding up. */
typedef struct {
    const VirtBackend *virt;
    VirtConn *conn;
    GPtrArray *doms;
    GError *error;
} DomainFetch;

static gpointer fetch_domains(gpointer data)
{
    DomainFetch *fetch = data;
    fetch->doms = fetch->virt->domain_list(fetch->conn, TRUE, &fetch->error);
    return NULL;
}

static gboolean read_nodedevs(Host *host, const char *cap, GError **error)
{
    g_autoptr(GPtrArray) devices = host->virt->nodedev_list(host->conn, cap, error);
    if (devices == NULL)
        return FALSE;
    g_autofree const char **texts = g_new(const char *, devices->len + 1);
    g_autofree const char **names = g_new(const char *, devices->len + 1);
    for (guint i = 0; i < devices->len; i++) {
        texts[i] = ((const VirtNodedevXml *)devices->pdata[i])->xml;
        names[i] = ((const VirtNodedevXml *)devices->pdata[i])->name;
    }
    g_autoptr(GPtrArray) errors = NULL;
    g_autoptr(GPtrArray) models = nodedev_parse_many(texts, names, devices->len, &errors);
    for (guint i = 0; i < devices->len; i++) {
        /* one odd device must not hide the rest of the host (nor be listed
         * without a word: host_warn_devices) */
        if (models->pdata[i])
            inventory_take_device(host->inv, g_steal_pointer(&models->pdata[i]));
        else
            g_ptr_array_add(host->skipped,
                            g_strdup_printf("%s: %s", names[i], ((GError *)errors->pdata[i])->message));
    }
    inventory_sort(host->inv);
    return TRUE;
}

static gboolean host_read(Host *host, const char *cap, gboolean domains, GError **error);
/* The host-critical facts: from --root when given (a host tree mounted
 * elsewhere, e.g. a container's /host), else from / for this host. */
static void read_host_critical(Host *host)
{
    const char *root = host_cli.root;
    if (root == NULL) {
        g_autofree char *uri = host->virt->uri(host->conn);
        HostCritPlace place = hostcrit_uri_place(uri);
        if (place == HOSTCRIT_TEST_DRIVER)
            return;
        if (place == HOSTCRIT_REMOTE) {
            host->remote_uri = g_steal_pointer(&uri);
            return;
        }
        root = "/";
    }
    host->local_root = g_strdup(root);
    inventory_set_host_critical(host->inv, hostcrit_read(root));
}

void host_note_critical_unchecked(Host *host)
{
    static gboolean said;
    if (host->remote_uri == NULL || said)
        return;
    said = TRUE;
    cli_warning("host-critical devices (the host's root disk, swap, default route, console) cannot be checked on "
                "%s: its /proc and /sys are not readable from here",
                host->remote_uri);
}

gboolean host_open(Host *host, const char *cap, gboolean domains, GError **error)
{
    memset(host, 0, sizeof(*host));
    host->virt = virt_connect(global_opts.connect, &host->conn, error);
    return host->virt && host_read(host, cap, domains, error);
}

gboolean host_open_uri(Host *host, const char *uri, const char *cap, GError **error)
{
    memset(host, 0, sizeof(*host));
    host->virt = virt_backend_load(error);
    if (host->virt == NULL)
        return FALSE;
    vh_xml_init();
    host->conn = host->virt->open(uri, error);
    host->own_conn = host->conn != NULL;
    return host->conn && host_read(host, cap, FALSE, error);
}

static gboolean host_read(Host *host, const char *cap, gboolean domains, GError **error)
{
    host->inv = inventory_new();
    host->skipped = g_ptr_array_new_with_free_func(g_free);
    read_host_critical(host);
    DomainFetch fetch = { host->virt, host->conn, NULL, NULL };
    GThread *thread = domains ? g_thread_new("domains", fetch_domains, &fetch) : NULL;
    gboolean ok = read_nodedevs(host, cap, error);
    if (thread)
        g_thread_join(thread);
    g_autoptr(GPtrArray) doms = fetch.doms;
    if (!ok || !domains) {
        g_clear_error(&fetch.error);
        return ok;
    }
    if (doms == NULL) {
        g_propagate_error(error, fetch.error);
        return FALSE;
    }
    for (guint i = 0; i < doms->len; i++) {
        const VirtDomain *d = doms->pdata[i];
        g_autoptr(GError) err = NULL;
        if (!inventory_add_domain(host->inv, d->name, d->uuid, d->active, d->xml, d->live_xml, &err))
            cli_note("skipping domain %s: %s", d->name, err->message);
    }
    return TRUE;
}

/* Whether the connection leads to this machine, whose sysfs is then the
 * host's (one rule with the host-critical check: hostcrit_uri_place). */
static gboolean host_is_local(Host *host)
{
    g_autofree char *uri = host->virt ? host->virt->uri(host->conn) : NULL;
    return uri && hostcrit_uri_place(uri) == HOSTCRIT_THIS_HOST;
}

/* A hex value of a sysfs attribute file ("0x1af4\n"), or -1. */
static gint read_sysfs_hex(const char *dir, const char *name)
{
    g_autofree char *path = g_build_filename(dir, name, NULL);
    g_autofree char *text = NULL;
    guint value;
    if (!g_file_get_contents(path, &text, NULL, NULL) || !pci_attr_parse(g_strstrip(text), name, 0xffff, &value, NULL))
        return -1;
    return (gint)value;
}

void host_read_subsystem_ids(Host *host)
{
    if (!host_is_local(host))
        return;
    GPtrArray *all = inventory_devices(host->inv);
    for (guint i = 0; i < all->len; i++) {
        Nodedev *dev = all->pdata[i];
        if (dev->kind != NODEDEV_PCI || dev->sysfs_path == NULL || !g_str_has_prefix(dev->sysfs_path, "/sys/"))
            continue;
        dev->subsys_vendor = read_sysfs_hex(dev->sysfs_path, "subsystem_vendor");
        dev->subsys_product = read_sysfs_hex(dev->sysfs_path, "subsystem_device");
        if (dev->subsys_vendor < 0 || dev->subsys_product < 0)
            dev->subsys_vendor = dev->subsys_product = -1;
    }
}

void host_clear(Host *host)
{
    if (host->own_conn)
        host->virt->close(host->conn);
    host->own_conn = FALSE;
    g_clear_pointer(&host->inv, inventory_free);
    g_clear_pointer(&host->kept, g_ptr_array_unref);
    g_clear_pointer(&host->skipped, g_ptr_array_unref);
    g_clear_pointer(&host->remote_uri, g_free);
    g_clear_pointer(&host->local_root, g_free);
}

void host_warn_devices(Host *host, GPtrArray *devices, gboolean skipped)
{
    for (guint i = 0; skipped && host->skipped && i < host->skipped->len; i++)
        cli_warning("skipping node device %s", (const char *)host->skipped->pdata[i]);
    for (guint i = 0; devices && i < devices->len; i++) {
        const Nodedev *dev = devices->pdata[i];
        if (dev->warning)
            cli_warning("%s", dev->warning);
        else if (dev->problem && skipped)
            cli_warning("%s; the device is left out", dev->problem);
    }
}

VirtDomain *host_domain(Host *host, const char *name, GError **error)
{
    return host->virt->domain_get(host->conn, name, error);
}

Nodedev *host_keep(Host *host, Nodedev *dev)
{
    if (host->kept == NULL)
        host->kept = g_ptr_array_new_with_free_func((GDestroyNotify)nodedev_free);
    g_ptr_array_add(host->kept, dev);
    return dev;
}

/* The address column: PCI address, USB bus.device, mdev UUID. */
char *host_device_address(const Nodedev *dev)
{
    switch (dev->kind) {
    case NODEDEV_PCI:
        return pci_addr_format(&dev->pci, PCI_FORMAT_PCI);
    case NODEDEV_USB:
        return dev->usb_has_busdev ? g_strdup_printf("%03u.%03u", dev->usb_bus, dev->usb_device) : NULL;
    case NODEDEV_MDEV:
        return g_strdup(dev->uuid);
    case NODEDEV_OTHER:
        break;
    }
    return NULL;
}

char *host_device_ids(const Nodedev *dev)
{
    if (dev->kind != NODEDEV_PCI && dev->kind != NODEDEV_USB)
        return NULL;
    if (dev->kind == NODEDEV_USB && !dev->usb_has_ids)
        return NULL;
    return g_strdup_printf("%04x:%04x", dev->vendor_id, dev->product_id);
}

char *host_device_description(const Nodedev *dev)
{
    if (dev->kind == NODEDEV_MDEV)
        return g_strdup_printf("%s on %s", dev->mdev_type ? dev->mdev_type : "mdev", dev->parent ? dev->parent : "?");
    if (dev->vendor_name && dev->product_name)
        return g_strdup_printf("%s %s", dev->vendor_name, dev->product_name);
    return g_strdup(dev->product_name ? dev->product_name : dev->vendor_name ? dev->vendor_name : "");
}

void host_json_users(VhJson *b, GPtrArray *users)
{
    vh_json_member(b, "used_by");
    vh_json_begin_array(b);
    for (guint i = 0; i < users->len; i++) {
        const DeviceUser *u = users->pdata[i];
        vh_json_begin_object(b);
        cli_json_string(b, "domain", u->domain);
        cli_json_string(b, "uuid", u->uuid);
        cli_json_bool(b, "running", u->active);
        cli_json_bool(b, "managed", u->managed);
        cli_json_bool(b, "live_only", u->live_only);
        vh_json_end_object(b);
    }
    vh_json_end_array(b);
}

static void host_json_group(VhJson *b, Inventory *inv, const Nodedev *dev)
{
    vh_json_begin_object(b);
    vh_json_member(b, "number");
    if (dev->iommu_group >= 0)
        vh_json_int(b, dev->iommu_group);
    else
        vh_json_null(b);
    vh_json_member(b, "members");
    vh_json_begin_array(b);
    GPtrArray *members = inventory_group(inv, dev);
    for (guint i = 0; members && i < members->len; i++) {
        const Nodedev *m = members->pdata[i];
        g_autofree char *address = pci_addr_format(&m->pci, PCI_FORMAT_PCI);
        vh_json_begin_object(b);
        cli_json_string(b, "address", address);
        cli_json_string(b, "name", m->name);
        cli_json_string(b, "driver", m->driver);
        cli_json_string(b, "class", nodedev_class_name(m));
        vh_json_end_object(b);
    }
    /* members the device's own XML names but the inventory lacks (a device
     * described offline): their address is all that is known */
    for (guint i = 0; dev->iommu_members && i < dev->iommu_members->len; i++) {
        const PciAddr *a = &g_array_index(dev->iommu_members, PciAddr, i);
        gboolean listed = FALSE;
        for (guint j = 0; members && j < members->len && !listed; j++)
            listed = pci_addr_equal(&((const Nodedev *)members->pdata[j])->pci, a);
        if (listed)
            continue;
        g_autofree char *address = pci_addr_format(a, PCI_FORMAT_PCI);
        g_autofree char *name = pci_addr_format(a, PCI_FORMAT_NAME);
        vh_json_begin_object(b);
        cli_json_string(b, "address", address);
        cli_json_string(b, "name", name);
        cli_json_string(b, "driver", NULL);
        cli_json_string(b, "class", NULL);
        vh_json_end_object(b);
    }
    vh_json_end_array(b);
    vh_json_end_object(b);
}

void host_json_device(VhJson *b, Inventory *inv, const Nodedev *dev, gboolean group_detail)
{
    g_autofree char *address = host_device_address(dev);
    g_autofree char *vendor = NULL, *product = NULL;
    if (dev->kind == NODEDEV_PCI || (dev->kind == NODEDEV_USB && dev->usb_has_ids)) {
        vendor = g_strdup_printf("%04x", dev->vendor_id);
        product = g_strdup_printf("%04x", dev->product_id);
    }
    cli_json_string(b, "name", dev->name);
    cli_json_string(b, "address", address);
    cli_json_string(b, "class", nodedev_class_name(dev));
    cli_json_string(b, "vendor_id", vendor);
    cli_json_string(b, "product_id", product);
    cli_json_string(b, "vendor", dev->vendor_name);
    cli_json_string(b, "product", dev->product_name);
    cli_json_string(b, "driver", dev->driver);
    vh_json_member(b, "iommu_group");
    if (group_detail)
        host_json_group(b, inv, dev);
    else if (dev->iommu_group >= 0)
        vh_json_int(b, dev->iommu_group);
    else
        vh_json_null(b);
    host_json_users(b, inventory_users(inv, dev));
    g_autoptr(GPtrArray) critical = g_ptr_array_new_with_free_func(g_free);
    gboolean checked = inventory_host_critical_checked(inv);
    if (checked)
        inventory_host_critical(inv, dev, critical);
    g_ptr_array_add(critical, NULL);
    cli_json_strv(b, "host_critical", checked ? (char **)critical->pdata : NULL);
}


gboolean host_check_assignable(Host *host, GPtrArray *devices, const AssignContext *ctx, gboolean force,
                               GError **error)
{
    g_autoptr(GPtrArray) notes = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) warnings = g_ptr_array_new_with_free_func(g_free);
    host_note_critical_unchecked(host);
    gboolean ok = inventory_check_assignable(host->inv, devices, ctx, force, notes, warnings, error);
    for (guint i = 0; i < warnings->len; i++)
        cli_warning("%s", (const char *)warnings->pdata[i]);
    for (guint i = 0; i < notes->len; i++)
        cli_note("%s", (const char *)notes->pdata[i]);
    return ok;
}
