/* Reading the devices of a domain document (no edits): a device's short
 * description for messages, guest PCI addresses as libvirt parses them, and
 * hostdev sources as node devices. Declared in domxml.h. */
#include "domxml.h"

#include <string.h>

#include "errors.h"
#include "xmlutil.h"

char *domdoc_describe(xmlNode *device)
{
    const char *name = (const char *)device->name;
    g_autofree char *detail = NULL;
    guint line = vh_xml_line(device);

    if (vh_xml_is(device, "disk")) {
        g_autofree char *target = vh_xml_prop(vh_xml_child(device, "target"), "dev");
        detail = target ? g_strdup_printf("disk '%s'", target) : NULL;
    } else if (vh_xml_is(device, "controller")) {
        g_autofree char *type = vh_xml_prop(device, "type");
        g_autofree char *index = vh_xml_prop(device, "index");
        g_autofree char *model = vh_xml_prop(device, "model");
        detail = g_strdup_printf("controller type='%s' index='%s'%s%s%s", type ? type : "?", index ? index : "?",
                                 model ? " (" : "", model ? model : "", model ? ")" : "");
    } else if (vh_xml_is(device, "interface")) {
        g_autofree char *mac = vh_xml_prop(vh_xml_child(device, "mac"), "address");
        g_autofree char *type = vh_xml_prop(device, "type");
        detail = mac ? g_strdup_printf("interface %s", mac) : g_strdup_printf("interface type='%s'", type ? type : "?");
    } else if (vh_xml_is(device, "hostdev")) {
        g_autoptr(Nodedev) src = domdoc_hostdev_source(device, NULL);
        g_autofree char *label = src ? nodedev_label(src) : NULL;
        detail = label ? g_strdup_printf("hostdev %s", label) : NULL;
    } else {
        g_autofree char *model = vh_xml_prop(vh_xml_child(device, "model"), "type");
        if (model == NULL)
            model = vh_xml_prop(device, "model");
        detail = model ? g_strdup_printf("%s (model %s)", name, model) : NULL;
    }
    return g_strdup_printf("%s (line %u)", detail ? detail : name, line);
}

/* The value of attribute ATTR when held as one text node (always in
 * documents we parsed), else NULL. */
static const char *attr_text(const xmlAttr *attr)
{
    const xmlNode *t = attr->children;
    return t && t->type == XML_TEXT_NODE && t->next == NULL ? (const char *)t->content : NULL;
}

/* The <address> attributes in one walk over them: this runs for every
 * device of every document. FALSE when one is not plain. */
static gboolean read_pci_attrs(const xmlNode *a, PciAddr *addr, gboolean *multifunction)
{
    static const char *const names[] = { "domain", "bus", "slot", "function" };
    static const guint maxima[] = { PCI_DOMAIN_MAX, PCI_BUS_MAX, PCI_SLOT_MAX, PCI_FUNCTION_MAX };
    guint v[4] = { 0 };
    for (const xmlAttr *attr = a->properties; attr; attr = attr->next) {
        const char *name = (const char *)attr->name, *text = attr_text(attr);
        int i = name[0] == 'd' ? 0 : name[0] == 'b' ? 1 : name[0] == 's' ? 2 : name[0] == 'f' ? 3 : -1;
        if (i >= 0 && g_str_equal(name, names[i])) {
            if (text == NULL || !pci_attr_parse(text, NULL, maxima[i], &v[i], NULL))
                return FALSE;
        } else if (g_str_equal(name, "multifunction")) {
            *multifunction = g_strcmp0(text, "on") == 0;
        }
    }
    *addr = (PciAddr){ v[0], v[1], v[2], v[3] };
    return TRUE;
}

gboolean domdoc_read_pci_address(const xmlNode *a, PciAddr *addr, gboolean *multifunction, const char *what,
                                 GError **error)
{
    gboolean multi = FALSE;
    if (read_pci_attrs(a, addr, &multi)) {
        if (multifunction)
            *multifunction = multi;
        return TRUE;
    }
    /* the one reader of address attributes says what is wrong */
    return nodedev_read_address((xmlNode *)a, FALSE, addr, what, error);
}

typedef enum { SOURCE_NONE, SOURCE_SCSI, SOURCE_SUBSYSTEM } SourceForm;

/* How DEVICE names a host device: not at all (ERROR set when it should and
 * cannot: no <source>, or no <address> where one is needed), as a SCSI
 * adapter's, or by a subsystem TYPE ("pci" for <interface type='hostdev'>,
 * in *TYPE_COPY when copied) with its <source> and <source><address>. */
static SourceForm source_form(xmlNode *device, const char **type, char **type_copy, xmlNode **source, xmlNode **addr,
                              GError **error)
{
    /* asked of every device element, several times per edit: no copies */
    if (vh_xml_is(device, "interface")) {
        if (!vh_xml_prop_is(device, "type", "hostdev"))
            return SOURCE_NONE;
        *type = "pci";
    } else if (vh_xml_is(device, "hostdev")) {
        *type = vh_xml_prop_ref(device, "type", type_copy);
    } else {
        return SOURCE_NONE;
    }
    if (vh_xml_prop_is(device, "mode", "capabilities"))
        return SOURCE_NONE;
    /* a SCSI device on a host adapter (not iSCSI, which names no host device) */
    if (g_strcmp0(*type, "scsi") == 0)
        return SOURCE_SCSI;
    gboolean subsystem = g_strcmp0(*type, "pci") == 0 || g_strcmp0(*type, "usb") == 0 || g_strcmp0(*type, "mdev") == 0;
    if (!subsystem)
        return SOURCE_NONE;
    const char *shown = vh_xml_is(device, "interface") ? "hostdev" : *type;
    if (!(*source = vh_xml_child(device, "source"))) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "<%s type='%s'> without <source>", (const char *)device->name,
                    shown);
        return SOURCE_NONE;
    }
    *addr = vh_xml_child(*source, "address");
    if (*addr == NULL && g_strcmp0(*type, "usb") != 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "<%s type='%s'> without <address> in <source>",
                    (const char *)device->name, shown);
        return SOURCE_NONE;
    }
    return SOURCE_SUBSYSTEM;
}

gboolean domdoc_hostdev_pci_source(xmlNode *device, PciAddr *pci, GError **error)
{
    const char *type = NULL;
    g_autofree char *type_copy = NULL;
    xmlNode *source = NULL, *addr = NULL;
    if (source_form(device, &type, &type_copy, &source, &addr, error) != SOURCE_SUBSYSTEM ||
        strcmp(type, "pci") != 0)
        return FALSE;
    return domdoc_read_pci_address(addr, pci, NULL, "hostdev source", error);
}

Nodedev *domdoc_hostdev_source(xmlNode *device, GError **error)
{
    const char *type = NULL;
    g_autofree char *type_copy = NULL;
    xmlNode *source = NULL, *addr = NULL;
    g_autoptr(Nodedev) dev = NULL;
    switch (source_form(device, &type, &type_copy, &source, &addr, error)) {
    case SOURCE_NONE:
        return NULL;
    case SOURCE_SCSI:
        return nodedev_scsi_source(device);
    case SOURCE_SUBSYSTEM:
        break;
    }
    if (g_strcmp0(type, "pci") == 0 && addr) {
        dev = nodedev_new(NODEDEV_PCI);
        if (!domdoc_read_pci_address(addr, &dev->pci, NULL, "hostdev source", error))
            return NULL;
    } else if (g_strcmp0(type, "usb") == 0) {
        dev = nodedev_new(NODEDEV_USB);
        xmlNode *vendor = vh_xml_child(source, "vendor"), *product = vh_xml_child(source, "product");
        if (vendor && product) {
            g_autofree char *v = vh_xml_prop(vendor, "id"), *p = vh_xml_prop(product, "id");
            dev->usb_has_ids = pci_attr_parse(v, "usb vendor", 0xffff, &dev->vendor_id, error) &&
                               pci_attr_parse(p, "usb product", 0xffff, &dev->product_id, error);
            if (!dev->usb_has_ids)
                return NULL;
        }
        if (addr) {
            g_autofree char *b = vh_xml_prop(addr, "bus"), *d = vh_xml_prop(addr, "device");
            dev->usb_has_busdev = pci_attr_parse(b, "usb bus", 0xff, &dev->usb_bus, error) &&
                                  pci_attr_parse(d, "usb device", 0xff, &dev->usb_device, error);
            if (!dev->usb_has_busdev)
                return NULL;
        }
        if (!dev->usb_has_ids && !dev->usb_has_busdev) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT,
                        "<hostdev type='usb'> whose <source> has neither <vendor> and <product> nor <address>");
            return NULL;
        }
    } else if (g_strcmp0(type, "mdev") == 0 && addr) {
        dev = nodedev_new(NODEDEV_MDEV);
        g_autofree char *uuid = vh_xml_prop(addr, "uuid");
        if (uuid == NULL) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "<hostdev type='mdev'> without a uuid in <source><address>");
            return NULL;
        }
        dev->uuid = g_ascii_strdown(uuid, -1);
    }
    return g_steal_pointer(&dev);
}

gboolean nodedev_same_source(const Nodedev *a, const Nodedev *b)
{
    if (a->kind != b->kind)
        return FALSE;
    switch (a->kind) {
    case NODEDEV_PCI:
        return pci_addr_equal(&a->pci, &b->pci);
    case NODEDEV_USB:
        if (a->usb_has_busdev && b->usb_has_busdev)
            return a->usb_bus == b->usb_bus && a->usb_device == b->usb_device;
        return a->usb_has_ids && b->usb_has_ids && a->vendor_id == b->vendor_id && a->product_id == b->product_id;
    case NODEDEV_MDEV:
        return a->uuid && b->uuid && g_ascii_strcasecmp(a->uuid, b->uuid) == 0;
    case NODEDEV_OTHER:
        return nodedev_same_scsi(a, b);
    }
    return FALSE;
}
