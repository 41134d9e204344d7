/* PCI and USB addresses: parse and format, pure functions.
 *
 * One place for the address rules (like libvirt's virPCIDeviceAddress):
 * domain <= 0xffff, bus <= 0xff, slot <= 0x1f, function <= 7. */
#pragma once
#include <glib.h>

#define PCI_DOMAIN_MAX 0xffffu
#define PCI_BUS_MAX 0xffu
#define PCI_SLOT_MAX 0x1fu
#define PCI_FUNCTION_MAX 0x7u

typedef struct {
    guint domain;
    guint bus;
    guint slot;
    guint function;
} PciAddr;

typedef enum {
    PCI_FORMAT_PCI,   /* 0000:03:00.0 */
    PCI_FORMAT_NAME,  /* pci_0000_03_00_0 */
    PCI_FORMAT_XML,   /* <address domain='0x0000' bus='0x03' slot='0x00' function='0x0'/> */
    PCI_FORMAT_ATTRS, /* domain='0x0000' bus='0x03' slot='0x00' function='0x0' */
} PciFormat;

/* "0000:03:00.0" or "03:00.0" (hex, domain defaults to 0). */
gboolean pci_addr_parse(const char *text, PciAddr *addr, GError **error);
/* "pci_0000_03_00_0" */
gboolean pci_addr_parse_nodedev_name(const char *name, PciAddr *addr, GError **error);
/* Whether TEXT looks like a PCI address (so that callers can choose a parser);
 * it may still be out of range. */
gboolean pci_addr_looks_like(const char *text);
/* One number given on the command line: decimal, or hex with an explicit 0x.
 * WHAT names the component in messages ("bus"). */
gboolean pci_number_parse(const char *text, const char *what, guint max,
                          guint *value, GError **error);
/* One attribute value as libvirt writes or reads it: "0x1f" hex, "31" decimal. */
gboolean pci_attr_parse(const char *text, const char *what, guint max,
                        guint *value, GError **error);
/* A guest address as remove --guest-address takes it: the hex PCI form
 * ("0000:00:05.0"), or libvirt's attributes ("bus=0,slot=5,function=0",
 * absent ones 0). Messages name the option. */
gboolean pci_addr_parse_guest(const char *text, PciAddr *addr, GError **error);
/* Check all four components against their limits. */
gboolean pci_addr_check(const PciAddr *addr, GError **error);

char *pci_addr_format(const PciAddr *addr, PciFormat format);
gboolean pci_format_parse(const char *text, PciFormat *format, GError **error);

gboolean pci_addr_equal(const PciAddr *a, const PciAddr *b);
gboolean pci_addr_same_slot(const PciAddr *a, const PciAddr *b);
int pci_addr_compare(const PciAddr *a, const PciAddr *b);
/* Packed in 32 bits (domain 16, bus 8, slot 5, function 3), ordered as the
 * address: exact for every address within the PCI ranges above, which is all
 * the parsers let through. As a pointer it is a g_direct_hash key. */
guint32 pci_addr_key(const PciAddr *addr);
#define PCI_ADDR_HASH_KEY(addr) GUINT_TO_POINTER(pci_addr_key(addr))

/* USB "BBB.DDD" (lsusb's bus.device, decimal) */
gboolean usb_busdev_parse(const char *text, guint *bus, guint *device, GError **error);
/* USB "VVVV:PPPP" (hex) */
gboolean usb_ids_parse(const char *text, guint *vendor, guint *product, GError **error);
/* A canonical lower-case UUID, or FALSE. */
gboolean uuid_is_valid(const char *text);
