/* Node-device XML (virsh nodedev-dumpxml) and DEVICE arguments -> one
 * device model. Pure: no libvirt, no files (callers hand in the text). */
#pragma once
#include <glib.h>
#include <libxml/tree.h>

#include "pciaddr.h"

typedef enum {
    NODEDEV_PCI,
    NODEDEV_USB,
    NODEDEV_MDEV,
    NODEDEV_OTHER,  /* net, scsi_host, …: not something to pass through */
} NodedevKind;

/* The PCI header type (the low 7 bits of config byte 0x0e), as libvirt
 * shows it: a nested <capability type='pci-bridge'/> or 'cardbus-bridge'. */
typedef enum {
    PCI_HEADER_ENDPOINT,
    PCI_HEADER_PCI_BRIDGE,
    PCI_HEADER_CARDBUS_BRIDGE,
} PciHeader;

typedef struct {
    char *id;
    char *name;
    char *device_api;
    gint available;  /* -1 when unknown */
} MdevType;

typedef struct {
    NodedevKind kind;
    char *name;        /* node-device name, NULL when unknown */
    char *parent;
    char *driver;      /* current host driver, NULL when unbound/unknown */
    char *capability;  /* root capability type: pci, usb_device, mdev, net… */

    /* PCI */
    PciAddr pci;
    char *problem;     /* why the device cannot be used (bad address, no UUID), or NULL */
    char *warning;     /* a value of the XML that was replaced (the address taken from the
                          pci_DDDD_BB_SS_F name instead), for one warning line, or NULL */
    PciHeader header;
    gint64 pci_class;  /* -1 when unknown */
    guint vendor_id, product_id;
    char *vendor_name, *product_name;
    gint iommu_group;  /* -1 when unknown */
    GArray *iommu_members;  /* PciAddr */
    gboolean is_vf;
    PciAddr pf;        /* when is_vf */
    GArray *vfs;       /* PciAddr, when an SR-IOV PF */
    gint vf_max;       /* -1 when not a PF */
    GPtrArray *mdev_types;  /* MdevType* */

    /* USB: by vendor/product, or by bus/device (both may be known) */
    gboolean usb_has_ids, usb_has_busdev;
    guint usb_bus, usb_device;

    /* mdev */
    char *uuid;
    char *mdev_type;

    /* SCSI device (kind NODEDEV_OTHER, capability "scsi"): the adapter
     * scsi_host<scsi_host> and the address on it, as <hostdev type='scsi'>
     * names it */
    gboolean is_scsi;
    guint scsi_host, scsi_bus, scsi_target, scsi_unit;
    char *mdev_device_api;  /* vfio-pci, vfio-ccw, vfio-ap: from the mdev's own XML, or
                               filled in by the inventory from its parent's types */

    /* identity (issue 14): <path>, and the serial number of a PCI device's
     * <capability type='vpd'> (the card's own, unlike its address) */
    char *sysfs_path;
    char *vpd_serial;
    /* subsystem ids: libvirt reports none; read from sysfs for a
     * connection to this host (host_read_subsystem_ids), else -1 */
    gint subsys_vendor, subsys_product;
} Nodedev;

Nodedev *nodedev_new(NodedevKind kind);
void nodedev_free(Nodedev *dev);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Nodedev, nodedev_free)

/* Parse one <device> element. WHAT names the input in error messages. */
Nodedev *nodedev_from_xml_node(xmlNode *device, const char *what, GError **error);
/* <address domain= bus= slot= function=/> attributes (hex or decimal, as
 * libvirt reads them); missing ones are 0 unless ALL_REQUIRED. */
gboolean nodedev_read_address(xmlNode *el, gboolean all_required, PciAddr *addr, const char *what, GError **error);
/* Parse a whole nodedev document (root <device>). */
Nodedev *nodedev_parse(const char *data, gsize len, const char *what, GError **error);
/* N documents at once (WHATS name them): a model per text, NULL where one
 * does not parse; *ERRORS is set to a new array of a GError* per text (NULL
 * where it parsed). */
GPtrArray *nodedev_parse_many(const char *const *texts, const char *const *whats, guint n, GPtrArray **errors);

/* The source of a <hostdev type='scsi'> whose adapter is named
 * scsi_host<N>, as a model (is_scsi); NULL for any other element or source
 * (iSCSI, an adapter given by its parent's address). For the domain
 * index's duplicate check: libvirt refuses one SCSI device twice. */
Nodedev *nodedev_scsi_source(xmlNode *hostdev);
/* Whether A and B are the same SCSI device (both is_scsi). */
gboolean nodedev_same_scsi(const Nodedev *a, const Nodedev *b);

/* How a DEVICE argument names a device (the design's "Naming a device"). */
typedef enum {
    DEVSPEC_PCI_ADDRESS,   /* 0000:03:00.0 / 03:00.0 / pci_0000_03_00_0 */
    DEVSPEC_USB_IDS,       /* usb:046d:c52b */
    DEVSPEC_USB_BUSDEV,    /* usb:001.005 */
    DEVSPEC_MDEV_UUID,     /* a UUID, or mdev_<uuid> */
    DEVSPEC_XML,           /* a path ending in .xml, or - */
    DEVSPEC_NODEDEV_NAME,  /* another node-device name: needs libvirt to resolve */
    DEVSPEC_INVALID,       /* none of these: empty, or not starting with a letter as
                            * every libvirt node-device name does ("3", "03.00.0") */
} DevSpecKind;

DevSpecKind devspec_classify(const char *spec);
/* Build the model straight from SPEC when it needs neither a file nor libvirt
 * (every kind except XML and NODEDEV_NAME). */
Nodedev *nodedev_from_spec(const char *spec, GError **error);

/* The model attribute of an mdev's <hostdev>: the type's device_api when
 * known, else by the parent (css_* -> vfio-ccw, ap_matrix -> vfio-ap), else
 * vfio-pci. */
const char *nodedev_mdev_model(const Nodedev *dev);

/* Short human label, e.g. "0000:03:00.0", "usb 046d:c52b", "mdev 4b20…",
 * "scsi 0:0:0:0" (host:bus:target:lun, as lsscsi). */
char *nodedev_label(const Nodedev *dev);
/* gpu, audio, net, storage, usb-controller, serial-bus, bridge, other… */
const char *nodedev_class_name(const Nodedev *dev);
