#include "nodedev.h"

#include <string.h>

#include "errors.h"
#include "xmlutil.h"

Nodedev *nodedev_new(NodedevKind kind)
{
    Nodedev *dev = g_new0(Nodedev, 1);
    dev->kind = kind;
    dev->pci_class = -1;
    dev->iommu_group = -1;
    dev->vf_max = -1;
    dev->subsys_vendor = dev->subsys_product = -1;
    return dev;
}

static void mdev_type_free(gpointer p)
{
    MdevType *t = p;
    g_free(t->id);
    g_free(t->name);
    g_free(t->device_api);
    g_free(t);
}

void nodedev_free(Nodedev *dev)
{
    if (dev == NULL)
        return;
    g_free(dev->name);
    g_free(dev->parent);
    g_free(dev->driver);
    g_free(dev->capability);
    g_free(dev->problem);
    g_free(dev->warning);
    g_free(dev->vendor_name);
    g_free(dev->product_name);
    if (dev->iommu_members)
        g_array_unref(dev->iommu_members);
    if (dev->vfs)
        g_array_unref(dev->vfs);
    if (dev->mdev_types)
        g_ptr_array_unref(dev->mdev_types);
    g_free(dev->uuid);
    g_free(dev->mdev_type);
    g_free(dev->mdev_device_api);
    g_free(dev->sysfs_path);
    g_free(dev->vpd_serial);
    g_free(dev);
}

/* A decimal element such as <bus>3</bus>, as libvirt writes nodedev XML. */
static gboolean read_decimal_child(xmlNode *cap, const char *name, guint max, guint *value,
                                   const char *what, GError **error)
{
    xmlNode *el = vh_xml_child(cap, name);
    if (el == NULL) {
        g_autofree char *type = vh_xml_prop(cap, "type");
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: <%s> missing in <capability type='%s'>",
                    what, name, type ? type : "?");
        return FALSE;
    }
    g_autofree char *text = vh_xml_text(el);
    if (pci_attr_parse(text, NULL, max, value, NULL))
        return TRUE;
    /* the label only for the error: this runs for every node device */
    g_autofree char *label = g_strdup_printf("%s: <%s>", what, name);
    return pci_attr_parse(text, label, max, value, error);
}

gboolean nodedev_read_address(xmlNode *el, gboolean all_required, PciAddr *addr, const char *what, GError **error)
{
    static const char *const names[] = { "domain", "bus", "slot", "function" };
    static const guint maxima[] = { PCI_DOMAIN_MAX, PCI_BUS_MAX, PCI_SLOT_MAX, PCI_FUNCTION_MAX };
    guint v[4] = { 0 };
    for (int i = 0; i < 4; i++) {
        g_autofree char *copy = NULL;
        const char *text = vh_xml_prop_ref(el, names[i], &copy);
        if (text == NULL && all_required) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: <address> without %s at line %u",
                        what, names[i], vh_xml_line(el));
            return FALSE;
        }
        if (text == NULL || pci_attr_parse(text, NULL, maxima[i], &v[i], NULL))
            continue;
        /* the label (and the line lookup) only for the error: this runs for
         * every address of every document */
        g_autofree char *label = g_strdup_printf("%s: %s at line %u", what, names[i], vh_xml_line(el));
        if (!pci_attr_parse(text, label, maxima[i], &v[i], error))
            return FALSE;
    }
    *addr = (PciAddr){ v[0], v[1], v[2], v[3] };
    return TRUE;
}

static GArray *read_address_list(xmlNode *parent, const char *what, GError **error)
{
    g_autoptr(GArray) list = g_array_new(FALSE, FALSE, sizeof(PciAddr));
    VH_XML_FOREACH_CHILD(el, parent, "address") {
        PciAddr a;
        if (!nodedev_read_address(el, TRUE, &a, what, error))
            return NULL;
        g_array_append_val(list, a);
    }
    return g_steal_pointer(&list);
}

static gboolean read_id(xmlNode *el, guint *value, const char *what, GError **error)
{
    g_autofree char *id = vh_xml_prop(el, "id");
    if (pci_attr_parse(id, NULL, 0xffff, value, NULL))
        return TRUE;
    g_autofree char *label = g_strdup_printf("%s: <%s id>", what, (const char *)el->name);
    return pci_attr_parse(id, label, 0xffff, value, error);
}

/* The decimal address elements. libvirt names a PCI node device after its
 * sysfs address, so when an element holds an impossible value (libvirt's own
 * tests carry a bus of 4294967295) a pci_DDDD_BB_SS_F name is the authority,
 * with a warning naming the field; without such a name the device keeps a
 * problem and its address is never used. */
static void read_pci_address(Nodedev *dev, xmlNode *cap, const char *what)
{
    static const char *const names[] = { "domain", "bus", "slot", "function" };
    static const guint maxima[] = { PCI_DOMAIN_MAX, PCI_BUS_MAX, PCI_SLOT_MAX, PCI_FUNCTION_MAX };
    guint *fields[] = { &dev->pci.domain, &dev->pci.bus, &dev->pci.slot, &dev->pci.function };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *text = vh_xml_text(vh_xml_child(cap, names[i]));
        if (pci_attr_parse(text, NULL, maxima[i], fields[i], NULL))
            continue;
        guint any;
        const char *why = text && *text == '-'                               ? "negative"
                          : pci_attr_parse(text, NULL, G_MAXUINT, &any, NULL) ? "out of range"
                                                                              : "not a number";
        g_autofree char *shown = vh_error_quote(text ? text : "");
        PciAddr from_name;
        if (dev->name && pci_addr_parse_nodedev_name(dev->name, &from_name, NULL)) {
            dev->pci = from_name;
            dev->warning = g_strdup_printf("%s: <%s>%s</%s> is %s; using the address from the device name",
                                           dev->name, names[i], shown, names[i], why);
        } else {
            memset(&dev->pci, 0, sizeof(dev->pci));
            dev->problem = g_strdup_printf("%s: <%s>%s</%s> is %s, and the device name is not of the form "
                                           "pci_DDDD_BB_SS_F: its PCI address is unknown", what, names[i], shown,
                                           names[i], why);
        }
        return;
    }
}

/* <capability type='mdev_types'>: what a parent (a PCI device, a channel
 * subsystem, the AP matrix) can create; a repeated one replaces the first. */
static void read_mdev_types(Nodedev *dev, xmlNode *sub)
{
    g_clear_pointer(&dev->mdev_types, g_ptr_array_unref);
    dev->mdev_types = g_ptr_array_new_with_free_func(mdev_type_free);
    VH_XML_FOREACH_CHILD(t, sub, "type") {
        MdevType *mt = g_new0(MdevType, 1);
        mt->id = vh_xml_prop(t, "id");
        mt->name = vh_xml_text(vh_xml_child(t, "name"));
        mt->device_api = vh_xml_text(vh_xml_child(t, "deviceAPI"));
        g_autofree char *avail = vh_xml_text(vh_xml_child(t, "availableInstances"));
        guint a;
        mt->available = avail && pci_attr_parse(avail, "availableInstances", G_MAXINT, &a, NULL) ? (gint)a : -1;
        g_ptr_array_add(dev->mdev_types, mt);
    }
}

static gboolean parse_pci_cap(Nodedev *dev, xmlNode *cap, const char *what, GError **error)
{
    xmlNode *el;

    static const char *const components[] = { "domain", "bus", "slot", "function" };
    for (guint i = 0; i < G_N_ELEMENTS(components); i++) {
        if (vh_xml_child(cap, components[i]) == NULL) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: <%s> missing in <capability type='pci'>", what,
                        components[i]);
            return FALSE;
        }
    }
    read_pci_address(dev, cap, what);

    if ((el = vh_xml_child(cap, "class"))) {
        g_autofree char *text = vh_xml_text(el);
        guint cls;
        g_autofree char *label = g_strdup_printf("%s: <class>", what);
        if (!pci_attr_parse(text, label, 0xffffff, &cls, error))
            return FALSE;
        dev->pci_class = cls;
    }
    if ((el = vh_xml_child(cap, "vendor"))) {
        if (!read_id(el, &dev->vendor_id, what, error))
            return FALSE;
        dev->vendor_name = vh_xml_text(el);
    }
    if ((el = vh_xml_child(cap, "product"))) {
        if (!read_id(el, &dev->product_id, what, error))
            return FALSE;
        dev->product_name = vh_xml_text(el);
    }
    if ((el = vh_xml_child(cap, "iommuGroup"))) {
        g_autofree char *number = vh_xml_prop(el, "number");
        guint n;
        g_autofree char *label = g_strdup_printf("%s: <iommuGroup number>", what);
        if (!pci_attr_parse(number, label, G_MAXINT, &n, error))
            return FALSE;
        dev->iommu_group = (gint)n;
        if (!(dev->iommu_members = read_address_list(el, what, error)))
            return FALSE;
    }
    VH_XML_FOREACH_CHILD(sub, cap, "capability") {
        g_autofree char *type = vh_xml_prop(sub, "type");
        if (g_strcmp0(type, "pci-bridge") == 0) {
            dev->header = PCI_HEADER_PCI_BRIDGE;
        } else if (g_strcmp0(type, "cardbus-bridge") == 0) {
            dev->header = PCI_HEADER_CARDBUS_BRIDGE;
        } else if (g_strcmp0(type, "phys_function") == 0) {
            xmlNode *a = vh_xml_child(sub, "address");
            if (a) {
                if (!nodedev_read_address(a, TRUE, &dev->pf, what, error))
                    return FALSE;
                dev->is_vf = TRUE;
            }
        } else if (g_strcmp0(type, "virt_functions") == 0) {
            g_autofree char *max = vh_xml_prop(sub, "maxCount");
            guint m = 0;
            g_autofree char *label = g_strdup_printf("%s: <capability type='virt_functions' maxCount>", what);
            if (max && !pci_attr_parse(max, label, G_MAXINT, &m, error))
                return FALSE;
            /* a repeated capability replaces the earlier one */
            g_clear_pointer(&dev->vfs, g_array_unref);
            if (!(dev->vfs = read_address_list(sub, what, error)))
                return FALSE;
            dev->vf_max = max ? (gint)m : (gint)dev->vfs->len;
        } else if (g_strcmp0(type, "mdev_types") == 0) {
            read_mdev_types(dev, sub);
        } else if (g_strcmp0(type, "vpd") == 0) {
            g_free(dev->vpd_serial);
            dev->vpd_serial = vh_xml_text(vh_xml_child(vh_xml_child(sub, "fields"), "serial_number"));
            if (dev->vpd_serial && *dev->vpd_serial == '\0')
                g_clear_pointer(&dev->vpd_serial, g_free);
        }
    }
    return TRUE;
}

static gboolean parse_usb_cap(Nodedev *dev, xmlNode *cap, const char *what, GError **error)
{
    xmlNode *vendor = vh_xml_child(cap, "vendor");
    xmlNode *product = vh_xml_child(cap, "product");
    if (vendor == NULL || product == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: USB device without <vendor> and <product>", what);
        return FALSE;
    }
    if (!read_id(vendor, &dev->vendor_id, what, error) || !read_id(product, &dev->product_id, what, error))
        return FALSE;
    dev->vendor_name = vh_xml_text(vendor);
    dev->product_name = vh_xml_text(product);
    dev->usb_has_ids = TRUE;
    if (vh_xml_child(cap, "bus") && vh_xml_child(cap, "device")) {
        if (!read_decimal_child(cap, "bus", 0xff, &dev->usb_bus, what, error) ||
            !read_decimal_child(cap, "device", 0xff, &dev->usb_device, what, error))
            return FALSE;
        dev->usb_has_busdev = TRUE;
    }
    return TRUE;
}

static char *uuid_from_mdev_name(const char *name)
{
    if (name == NULL || !g_str_has_prefix(name, "mdev_"))
        return NULL;
    char *uuid = g_strdup(name + 5);
    g_strdelimit(uuid, "_", '-');
    if (!uuid_is_valid(uuid)) {
        g_free(uuid);
        return NULL;
    }
    return uuid;
}

static gboolean parse_mdev_cap(Nodedev *dev, xmlNode *cap, const char *what, GError **error)
{
    dev->uuid = vh_xml_text(vh_xml_child(cap, "uuid"));
    if (dev->uuid == NULL)
        dev->uuid = uuid_from_mdev_name(dev->name);
    if (dev->uuid == NULL || !uuid_is_valid(dev->uuid)) {
        g_autofree char *name = vh_error_quote(dev->name ? dev->name : "");
        dev->problem = g_strdup_printf("%s: mediated device %s without a valid UUID", what, name);
    }
    xmlNode *type = vh_xml_child(cap, "type");
    dev->mdev_type = vh_xml_prop(type, "id");
    /* the type's device API, where the mdev's own XML states it */
    dev->mdev_device_api = vh_xml_text(vh_xml_child(type, "deviceAPI"));
    if (dev->mdev_device_api == NULL)
        dev->mdev_device_api = vh_xml_text(vh_xml_child(cap, "deviceAPI"));
    if ((cap = vh_xml_child(cap, "iommuGroup"))) {
        g_autofree char *number = vh_xml_prop(cap, "number");
        guint n;
        if (number && pci_attr_parse(number, "<iommuGroup number>", G_MAXINT, &n, NULL))
            dev->iommu_group = (gint)n;
    }
    return TRUE;
}

/* A SCSI device with an unusable address stays a (listed) node device that
 * cannot be passed through: one odd disk must not hide the host. */
static void parse_scsi_cap(Nodedev *dev, xmlNode *cap, const char *what)
{
    g_autoptr(GError) err = NULL;
    dev->is_scsi = read_decimal_child(cap, "host", G_MAXINT, &dev->scsi_host, what, &err) &&
                   read_decimal_child(cap, "bus", G_MAXINT, &dev->scsi_bus, what, &err) &&
                   read_decimal_child(cap, "target", G_MAXINT, &dev->scsi_target, what, &err) &&
                   read_decimal_child(cap, "lun", G_MAXINT, &dev->scsi_unit, what, &err);
    if (!dev->is_scsi)
        dev->problem = g_strdup(err->message);
}

Nodedev *nodedev_from_xml_node(xmlNode *device, const char *what, GError **error)
{
    if (!vh_xml_is(device, "device")) {
        g_autofree char *root = vh_error_quote(device ? (const char *)device->name : "?");
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                    "%s: root element is <%s>, expected a node device (<device>, as virsh nodedev-dumpxml prints)",
                    what, root);
        return NULL;
    }
    xmlNode *cap = vh_xml_child(device, "capability");
    if (cap == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s: <device> without <capability>", what);
        return NULL;
    }
    g_autoptr(Nodedev) dev = nodedev_new(NODEDEV_OTHER);
    dev->name = vh_xml_text(vh_xml_child(device, "name"));
    dev->parent = vh_xml_text(vh_xml_child(device, "parent"));
    dev->driver = vh_xml_text(vh_xml_child(vh_xml_child(device, "driver"), "name"));
    dev->capability = vh_xml_prop(cap, "type");
    dev->sysfs_path = vh_xml_text(vh_xml_child(device, "path"));

    gboolean ok = TRUE;
    if (g_strcmp0(dev->capability, "pci") == 0) {
        dev->kind = NODEDEV_PCI;
        ok = parse_pci_cap(dev, cap, what, error);
    } else if (g_strcmp0(dev->capability, "usb_device") == 0) {
        dev->kind = NODEDEV_USB;
        ok = parse_usb_cap(dev, cap, what, error);
    } else if (g_strcmp0(dev->capability, "mdev") == 0) {
        dev->kind = NODEDEV_MDEV;
        ok = parse_mdev_cap(dev, cap, what, error);
    } else if (g_strcmp0(dev->capability, "scsi") == 0) {
        parse_scsi_cap(dev, cap, what);
    } else {
        /* css, ap_matrix: parents of mdevs, not passed through themselves */
        VH_XML_FOREACH_CHILD(sub, cap, "capability") {
            if (vh_xml_prop_is(sub, "type", "mdev_types"))
                read_mdev_types(dev, sub);
        }
    }
    return ok ? g_steal_pointer(&dev) : NULL;
}

/* A decimal attribute of a SCSI address, as libvirt's parser reads it. */
static gboolean scsi_attr(xmlNode *el, const char *name, guint *value)
{
    g_autofree char *text = vh_xml_prop(el, name);
    return text && pci_attr_parse(text, NULL, G_MAXINT, value, NULL);
}

Nodedev *nodedev_scsi_source(xmlNode *hostdev)
{
    if (!vh_xml_is(hostdev, "hostdev") || !vh_xml_prop_is(hostdev, "type", "scsi") ||
        vh_xml_prop_is(hostdev, "mode", "capabilities"))
        return NULL;
    xmlNode *source = vh_xml_child(hostdev, "source");
    if (source == NULL || (xmlHasProp(source, BAD_CAST "protocol") && !vh_xml_prop_is(source, "protocol", "adapter")))
        return NULL;
    g_autofree char *adapter = vh_xml_prop(vh_xml_child(source, "adapter"), "name");
    xmlNode *addr = vh_xml_child(source, "address");
    g_autoptr(Nodedev) dev = nodedev_new(NODEDEV_OTHER);
    if (adapter == NULL || !g_str_has_prefix(adapter, "scsi_host") ||
        !pci_attr_parse(adapter + strlen("scsi_host"), NULL, G_MAXINT, &dev->scsi_host, NULL) || addr == NULL ||
        !scsi_attr(addr, "bus", &dev->scsi_bus) || !scsi_attr(addr, "target", &dev->scsi_target) ||
        !scsi_attr(addr, "unit", &dev->scsi_unit))
        return NULL;
    dev->capability = g_strdup("scsi");
    dev->is_scsi = TRUE;
    return g_steal_pointer(&dev);
}

gboolean nodedev_same_scsi(const Nodedev *a, const Nodedev *b)
{
    return a->is_scsi && b->is_scsi && a->scsi_host == b->scsi_host && a->scsi_bus == b->scsi_bus &&
           a->scsi_target == b->scsi_target && a->scsi_unit == b->scsi_unit;
}

Nodedev *nodedev_parse(const char *data, gsize len, const char *what, GError **error)
{
    g_autoptr(xmlDoc) doc = vh_xml_parse(data, len, what, error);
    if (doc == NULL)
        return NULL;
    return nodedev_from_xml_node(xmlDocGetRootElement(doc), what, error);
}

DevSpecKind devspec_classify(const char *spec)
{
    if (g_strcmp0(spec, "-") == 0 || g_str_has_suffix(spec, ".xml"))
        return DEVSPEC_XML;
    if (g_str_has_prefix(spec, "usb:"))
        return strchr(spec + 4, ':') ? DEVSPEC_USB_IDS : DEVSPEC_USB_BUSDEV;
    /* node-device names never hold ':'; let the address parser explain */
    if (g_str_has_prefix(spec, "pci_") || strchr(spec, ':'))
        return DEVSPEC_PCI_ADDRESS;
    if (uuid_is_valid(spec) || g_str_has_prefix(spec, "mdev_"))
        return DEVSPEC_MDEV_UUID;
    /* libvirt names a node device after its subsystem (pci_, usb_, net_,
     * scsi_host, computer …): a word not starting with a letter is no name,
     * and looking it up would only ask libvirt to say so */
    if (spec == NULL || !g_ascii_isalpha(spec[0]))
        return DEVSPEC_INVALID;
    return DEVSPEC_NODEDEV_NAME;
}

/* Why SPEC (DEVSPEC_INVALID) names no device, with the likely intent. */
static void invalid_spec_error(const char *spec, GError **error)
{
    static const char forms[] = "a PCI address (0000:03:00.0, 03:00.0), a node-device name (pci_0000_03_00_0), "
                                "usb:VVVV:PPPP, usb:BBB.DDD, an mdev UUID or a node-device XML file";
    if (spec == NULL || *spec == '\0') {
        g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "an empty DEVICE argument: expected %s", forms);
        return;
    }
    g_autofree char *t = vh_error_quote(spec);
    const char *hint = "";
    if (strspn(spec, "0123456789") == strlen(spec))
        hint = " (decimal BUS SLOT FUNCTION are read by 'virt-hostdev address BUS SLOT FUNCTION')";
    else if (strspn(spec, "0123456789abcdefABCDEF.") == strlen(spec) && strchr(spec, '.') != strrchr(spec, '.'))
        hint = " (a PCI address separates bus and slot with ':', as in 03:00.0)";
    g_set_error(error, VH_ERROR, VH_ERROR_USAGE, "'%s' is not a DEVICE%s: expected %s", t, hint, forms);
}

Nodedev *nodedev_from_spec(const char *spec, GError **error)
{
    g_autoptr(Nodedev) dev = NULL;

    switch (devspec_classify(spec)) {
    case DEVSPEC_PCI_ADDRESS:
        dev = nodedev_new(NODEDEV_PCI);
        if (!(g_str_has_prefix(spec, "pci_") ? pci_addr_parse_nodedev_name(spec, &dev->pci, error)
                                              : pci_addr_parse(spec, &dev->pci, error)))
            return NULL;
        break;
    case DEVSPEC_USB_IDS:
        dev = nodedev_new(NODEDEV_USB);
        if (!usb_ids_parse(spec + 4, &dev->vendor_id, &dev->product_id, error))
            return NULL;
        dev->usb_has_ids = TRUE;
        break;
    case DEVSPEC_USB_BUSDEV:
        dev = nodedev_new(NODEDEV_USB);
        if (!usb_busdev_parse(spec + 4, &dev->usb_bus, &dev->usb_device, error))
            return NULL;
        dev->usb_has_busdev = TRUE;
        break;
    case DEVSPEC_MDEV_UUID:
        dev = nodedev_new(NODEDEV_MDEV);
        dev->uuid = g_str_has_prefix(spec, "mdev_") ? uuid_from_mdev_name(spec) : g_strdup(spec);
        if (dev->uuid == NULL) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "'%s' is not a valid mdev name (mdev_<uuid>)", spec);
            return NULL;
        }
        break;
    case DEVSPEC_INVALID:
        invalid_spec_error(spec, error);
        return NULL;
    case DEVSPEC_XML:
    case DEVSPEC_NODEDEV_NAME:
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "'%s' must be read or looked up first", spec);
        return NULL;
    }
    return g_steal_pointer(&dev);
}

const char *nodedev_mdev_model(const Nodedev *dev)
{
    if (dev->mdev_device_api)
        return dev->mdev_device_api;
    /* channel I/O subchannels and the crypto adapter matrix of s390 */
    if (dev->parent && g_str_has_prefix(dev->parent, "css_"))
        return "vfio-ccw";
    if (g_strcmp0(dev->parent, "ap_matrix") == 0)
        return "vfio-ap";
    return "vfio-pci";
}

char *nodedev_label(const Nodedev *dev)
{
    switch (dev->kind) {
    case NODEDEV_PCI:
        return pci_addr_format(&dev->pci, PCI_FORMAT_PCI);
    case NODEDEV_USB:
        if (dev->usb_has_busdev && !dev->usb_has_ids)
            return g_strdup_printf("usb %03u.%03u", dev->usb_bus, dev->usb_device);
        /* two sticks of one model differ only there */
        if (dev->usb_has_busdev)
            return g_strdup_printf("usb %04x:%04x at %03u.%03u", dev->vendor_id, dev->product_id, dev->usb_bus,
                                   dev->usb_device);
        return g_strdup_printf("usb %04x:%04x", dev->vendor_id, dev->product_id);
    case NODEDEV_MDEV:
        return g_strdup_printf("mdev %s", dev->uuid);
    case NODEDEV_OTHER:
        if (dev->is_scsi)
            return g_strdup_printf("scsi %u:%u:%u:%u", dev->scsi_host, dev->scsi_bus, dev->scsi_target,
                                   dev->scsi_unit);
        break;
    }
    return vh_error_quote(dev->name ? dev->name : "?");
}

const char *nodedev_class_name(const Nodedev *dev)
{
    if (dev->kind == NODEDEV_USB)
        return "usb";
    if (dev->kind == NODEDEV_MDEV)
        return "mdev";
    if (dev->kind == NODEDEV_PCI && dev->header != PCI_HEADER_ENDPOINT)
        return "bridge";
    if (dev->kind != NODEDEV_PCI || dev->pci_class < 0)
        return dev->capability ? dev->capability : "other";
    guint base = (guint)(dev->pci_class >> 16) & 0xff;
    guint sub = (guint)(dev->pci_class >> 8) & 0xff;
    switch (base) {
    case 0x01: return "storage";
    case 0x02: return "net";
    case 0x03: return "gpu";
    case 0x04: return sub == 0x03 || sub == 0x01 ? "audio" : "multimedia";
    case 0x06: return "bridge";
    case 0x07: return "serial";
    case 0x0c:
        return sub == 0x03 ? "usb-controller" : "serial-bus";
    case 0x12: return "accelerator";
    }
    return "other";
}
