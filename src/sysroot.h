/* Reading a host's /proc and /sys under a root prefix ("/" for this host),
 * so that tests run on fake trees. Reads only; never writes anything.
 * RELATIVE paths name files under the root without a leading slash
 * ("sys/class/block/sda"). */
#pragma once
#include <glib.h>

#include "pciaddr.h"

char *sysroot_path(const char *root, const char *relative);
/* A small file, trimmed; NULL when unreadable (or over 1 MiB). */
char *sysroot_read(const char *root, const char *relative);
gboolean sysroot_exists(const char *root, const char *relative);
/* Entry names of a directory (dot files skipped), sorted; NULL when it
 * cannot be read. */
GPtrArray *sysroot_list(const char *root, const char *relative);
/* The basename of a symlink's target (a driver link), NULL when none. */
char *sysroot_link_name(const char *root, const char *relative);
/* Where RELATIVE leads with every symlink on the way followed inside the
 * root (as the kernel would, with the root as "/"): a path relative to the
 * root, e.g. "sys/devices/pci0000:00/0000:00:02.0/virtio1/block/vda". */
char *sysroot_resolve(const char *root, const char *relative);
/* The PCI devices a sysfs device path passes through, outermost first
 * (root ports and bridges, then the device itself). Components that are no
 * PCI address (pci0000:00, virtio1, nvme0) are skipped. */
GArray *sysroot_pci_chain(const char *sys_path);
/* The USB device nearest the end of a sysfs device path (a disk on a USB
 * stick: ".../usb1/1-5/1-5:1.0/host6/.../block/sda" passes through 1-5) by
 * its bus and device numbers (busnum, devnum); FALSE when it passes through
 * none. */
gboolean sysroot_usb_device(const char *root, const char *sys_path, guint *bus, guint *device);
/* The kernel's reset methods of the PCI device ADDR (reset_method, in the
 * kernel's order of preference): an empty vector when the device has none,
 * NULL when unknown (no such device, or a kernel before 5.15 without the
 * attribute). */
char **sysroot_reset_methods(const char *root, const PciAddr *addr);
