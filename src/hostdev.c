#include "hostdev.h"

#include <string.h>

#include "errors.h"

void hostdev_opts_init(HostdevOpts *opts)
{
    *opts = (HostdevOpts){ .managed = TRUE, .rom_bar = ROM_BAR_DEFAULT, .vlan = -1 };
}

void hostdev_opts_clear(HostdevOpts *opts)
{
    g_free(opts->rom_file);
    g_free(opts->driver_model);
    g_free(opts->alias);
    g_free(opts->mac);
    hostdev_opts_init(opts);
}

gboolean hostdev_check(const Nodedev *dev, const HostdevOpts *opts, GError **error)
{
    g_autofree char *label = nodedev_label(dev);

    if (dev->problem) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s", dev->problem);
        return FALSE;
    }
    if (dev->kind == NODEDEV_OTHER && !dev->is_scsi) {
        g_autofree char *cap = vh_error_quote(dev->capability ? dev->capability : "?");
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "%s is a '%s' node device, not a PCI, USB, mdev or SCSI device that can be passed through",
                    label, cap);
        return FALSE;
    }
    if (opts->interface && dev->kind != NODEDEV_PCI) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--interface needs a PCI device (an SR-IOV VF), not %s", label);
        return FALSE;
    }
    if ((opts->mac || opts->vlan >= 0) && !opts->interface) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--mac and --vlan only apply with --interface");
        return FALSE;
    }
    if (dev->kind == NODEDEV_MDEV && !g_strv_contains((const char *const[]){ "vfio-pci", "vfio-ccw", "vfio-ap", NULL },
                                                      nodedev_mdev_model(dev))) {
        g_autofree char *api = vh_error_quote(nodedev_mdev_model(dev));
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "%s: its type's device API is '%s'; libvirt assigns vfio-pci, vfio-ccw and vfio-ap mdevs only",
                    label, api);
        return FALSE;
    }
    if (dev->kind == NODEDEV_MDEV && opts->boot_order) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--boot-order applies to PCI and USB devices, not to %s", label);
        return FALSE;
    }
    if (dev->kind != NODEDEV_PCI &&
        (opts->rom_bar != ROM_BAR_DEFAULT || opts->rom_file || opts->driver_vfio || opts->driver_model)) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                    "--rom-bar, --rom-file, --driver and --driver-model only apply to PCI devices, not %s", label);
        return FALSE;
    }
    return TRUE;
}

gboolean hostdev_alias_normalize(const char *alias, char **out, GError **error)
{
    g_autofree char *full = g_str_has_prefix(alias, "ua-") ? g_strdup(alias) : g_strconcat("ua-", alias, NULL);
    if (strlen(full) <= 3) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--alias '%s' is empty", alias);
        return FALSE;
    }
    for (const char *p = full; *p; p++) {
        if (!g_ascii_isalnum(*p) && *p != '-' && *p != '_') {
            g_set_error(error, VH_ERROR, VH_ERROR_USAGE,
                        "--alias '%s': only letters, digits, '-' and '_' are allowed (libvirt user aliases)", alias);
            return FALSE;
        }
    }
    *out = g_steal_pointer(&full);
    return TRUE;
}

gboolean hostdev_mac_normalize(const char *mac, char **out, GError **error)
{
    g_auto(GStrv) parts = g_strsplit(mac, ":", -1);
    guint octets[6];
    gboolean ok = g_strv_length(parts) == 6;
    for (int i = 0; ok && i < 6; i++) {
        ok = strlen(parts[i]) == 2 && g_ascii_isxdigit(parts[i][0]) && g_ascii_isxdigit(parts[i][1]);
        if (ok)
            octets[i] = (guint)(g_ascii_xdigit_value(parts[i][0]) * 16 + g_ascii_xdigit_value(parts[i][1]));
    }
    if (!ok) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--mac '%s': expected six hex octets, e.g. 52:54:00:12:34:56", mac);
        return FALSE;
    }
    if (octets[0] & 1) {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "--mac '%s' is a multicast address; a NIC needs a unicast one", mac);
        return FALSE;
    }
    *out = g_strdup_printf("%02x:%02x:%02x:%02x:%02x:%02x",
                           octets[0], octets[1], octets[2], octets[3], octets[4], octets[5]);
    return TRUE;
}

/* Lines are collected with their depth and joined at the end, so that the
 * caller decides indentation and line endings (we match the document). */
typedef struct {
    GString *out;
    const char *step;
    const char *newline;
    gboolean first;
} Emitter;

G_GNUC_PRINTF(3, 4)
static void emit(Emitter *e, int depth, const char *fmt, ...)
{
    va_list ap;
    if (!e->first)
        g_string_append(e->out, e->newline);
    e->first = FALSE;
    for (int i = 0; i < depth; i++)
        g_string_append(e->out, e->step);
    va_start(ap, fmt);
    g_string_append_vprintf(e->out, fmt, ap);
    va_end(ap);
}

static void emit_guest_info(Emitter *e, const HostdevBlock *b, const HostdevOpts *opts)
{
    const char *alias = b->alias ? b->alias : opts->alias;
    if (opts->boot_order)
        emit(e, 1, "<boot order='%u'/>", opts->boot_order);
    if (alias)
        emit(e, 1, "<alias name='%s'/>", alias);
    if (b->dev->kind == NODEDEV_PCI && (opts->rom_bar != ROM_BAR_DEFAULT || opts->rom_file)) {
        g_autofree char *file = opts->rom_file ? g_markup_printf_escaped(" file='%s'", opts->rom_file) : g_strdup("");
        if (opts->rom_bar != ROM_BAR_DEFAULT)
            emit(e, 1, "<rom bar='%s'%s/>", opts->rom_bar == ROM_BAR_ON ? "on" : "off", file);
        else
            emit(e, 1, "<rom%s/>", file);
    }
    if (b->has_guest) {
        g_autofree char *attrs = pci_addr_format(&b->guest, PCI_FORMAT_ATTRS);
        emit(e, 1, "<address type='pci' %s%s/>", attrs, b->multifunction ? " multifunction='on'" : "");
    }
}

/* <driver name='vfio' model='…'/>, each attribute only when asked for */
static void emit_driver(Emitter *e, const HostdevOpts *opts)
{
    if (opts->driver_vfio && opts->driver_model)
        emit(e, 1, "<driver name='vfio' model='%s'/>", opts->driver_model);
    else if (opts->driver_vfio)
        emit(e, 1, "<driver name='vfio'/>");
    else if (opts->driver_model)
        emit(e, 1, "<driver model='%s'/>", opts->driver_model);
}

char *hostdev_format(const HostdevBlock *b, const HostdevOpts *opts, const char *step, const char *newline)
{
    Emitter e = { g_string_new(NULL), step, newline, TRUE };
    const Nodedev *dev = b->dev;
    const char *managed = opts->managed ? "yes" : "no";

    if (dev->kind == NODEDEV_PCI && opts->interface) {
        g_autofree char *attrs = pci_addr_format(&dev->pci, PCI_FORMAT_ATTRS);
        emit(&e, 0, "<interface type='hostdev' managed='%s'>", managed);
        if (opts->mac)
            emit(&e, 1, "<mac address='%s'/>", opts->mac);
        emit_driver(&e, opts);
        emit(&e, 1, "<source>");
        emit(&e, 2, "<address type='pci' %s/>", attrs);
        emit(&e, 1, "</source>");
        if (opts->vlan >= 0) {
            emit(&e, 1, "<vlan>");
            emit(&e, 2, "<tag id='%d'/>", opts->vlan);
            emit(&e, 1, "</vlan>");
        }
        emit_guest_info(&e, b, opts);
        emit(&e, 0, "</interface>");
    } else if (dev->kind == NODEDEV_PCI) {
        g_autofree char *attrs = pci_addr_format(&dev->pci, PCI_FORMAT_ATTRS);
        emit(&e, 0, "<hostdev mode='subsystem' type='pci' managed='%s'>", managed);
        emit_driver(&e, opts);
        emit(&e, 1, "<source>");
        emit(&e, 2, "<address %s/>", attrs);
        emit(&e, 1, "</source>");
        emit_guest_info(&e, b, opts);
        emit(&e, 0, "</hostdev>");
    } else if (dev->kind == NODEDEV_USB) {
        emit(&e, 0, "<hostdev mode='subsystem' type='usb' managed='%s'>", managed);
        emit(&e, 1, "<source>");
        /* libvirt matches every field given: ids and bus.device together
         * pick one of two identical sticks and still check what it is */
        if (dev->usb_has_ids) {
            emit(&e, 2, "<vendor id='0x%04x'/>", dev->vendor_id);
            emit(&e, 2, "<product id='0x%04x'/>", dev->product_id);
        }
        if (dev->usb_has_busdev)
            emit(&e, 2, "<address bus='%u' device='%u'/>", dev->usb_bus, dev->usb_device);
        emit(&e, 1, "</source>");
        emit_guest_info(&e, b, opts);
        emit(&e, 0, "</hostdev>");
    } else if (dev->is_scsi) {
        /* managed='no' as virt-xml writes: a SCSI device is not detached
         * from a host driver, its sg node is opened where it is */
        emit(&e, 0, "<hostdev mode='subsystem' type='scsi' managed='no'>");
        emit(&e, 1, "<source>");
        emit(&e, 2, "<adapter name='scsi_host%u'/>", dev->scsi_host);
        emit(&e, 2, "<address bus='%u' target='%u' unit='%u'/>", dev->scsi_bus, dev->scsi_target, dev->scsi_unit);
        emit(&e, 1, "</source>");
        emit_guest_info(&e, b, opts);
        emit(&e, 0, "</hostdev>");
    } else {
        /* libvirt never manages mdevs (they are created, not detached), so
         * no managed attribute: libvirt itself writes none. */
        emit(&e, 0, "<hostdev mode='subsystem' type='mdev' model='%s'>", nodedev_mdev_model(dev));
        emit(&e, 1, "<source>");
        emit(&e, 2, "<address uuid='%s'/>", dev->uuid);
        emit(&e, 1, "</source>");
        emit_guest_info(&e, b, opts);
        emit(&e, 0, "</hostdev>");
    }
    return g_string_free(e.out, FALSE);
}
