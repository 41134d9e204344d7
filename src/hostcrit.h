/* Host-critical devices: the PCI devices this host cannot give away without
 * losing itself. Read from /proc and /sys under a root prefix ("/" for this
 * host; tests use fake trees), never written:
 * - the filesystems mounted on /, /boot, /boot/efi, /usr and /var
 *   (/proc/self/mountinfo) and active swap (/proc/swaps), through
 *   partitions, device-mapper (LVM, LUKS) and md slaves, loop devices'
 *   backing files, overlay layers and virtio 9p / virtiofs tags, to the PCI
 *   device of each block device (NVMe, SATA/SAS/SCSI HBA, virtio-blk, USB
 *   controller, ...) and, for a USB disk, to the USB device too;
 * - the interfaces of the IPv4 and IPv6 default routes (/proc/net/route,
 *   /proc/net/ipv6_route), through bridge ports, bonds and VLANs (lower_*);
 * - the boot VGA (boot_vga) while a console runs on it (vtconsole), and a
 *   PCI device behind the console's frame buffer.
 * Each fact names the PCI device that holds it and the bridges above it.
 * The group rule (another member of the IOMMU group) is the inventory's:
 * inventory_host_critical. */
#pragma once
#include <glib.h>

#include "pciaddr.h"

typedef struct {
    PciAddr device;  /* the PCI device that holds it */
    char *reason;    /* "holds / (ext4 on nvme0n1p2)" */
    GArray *above;   /* PciAddr: the root port and bridges above DEVICE, outermost first */
    gboolean usb;    /* a USB device behind DEVICE holds it too (a USB disk): */
    guint usb_bus, usb_device;  /* that one */
} HostCritFact;

typedef struct {
    char *root;
    GPtrArray *facts;  /* HostCritFact*, in the order found */
} HostCrit;

HostCrit *hostcrit_read(const char *root);

/* Where a libvirt URI (as libvirt gives it back) leads: this host (no host
 * part: qemu:///system, lxc:///), the test driver (no host at all), or a
 * remote host, whose /proc and /sys are not readable from here. */
typedef enum { HOSTCRIT_THIS_HOST, HOSTCRIT_TEST_DRIVER, HOSTCRIT_REMOTE } HostCritPlace;
HostCritPlace hostcrit_uri_place(const char *uri);

/* THE host-critical rule: whether the PCI device DEVICE is host-critical,
 * given the other non-bridge members of its IOMMU group (GROUP_MATES, group
 * number GROUP): it holds a fact, a group mate does (a group goes to a
 * guest whole), or it is a bridge or root port above a device that does.
 * REASONS (may be NULL) gets one line each. The inventory asks it with
 * libvirt's groups, check with the kernel's. */
gboolean hostcrit_judge(const HostCrit *crit, const PciAddr *device, int group, const PciAddr *group_mates,
                        guint n_mates, GPtrArray *reasons);
/* The same for the USB device BUS.DEVICE: whether it holds a fact itself
 * (a filesystem on a USB disk; its controller is judged as a PCI device). */
gboolean hostcrit_judge_usb(const HostCrit *crit, guint bus, guint device, GPtrArray *reasons);
void hostcrit_free(HostCrit *crit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HostCrit, hostcrit_free)
