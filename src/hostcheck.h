/* Host readiness for PCI passthrough, read from /proc and /sys under a root
 * prefix (so that tests run on fake trees): IOMMU on, interrupt remapping,
 * vfio modules, IOMMU groups and their drivers, devices on vfio-pci, the
 * SELinux boolean virt_manage_sysfs. Reads only; never writes anything.
 *
 * Interrupt remapping is judged without dmesg (not readable offline, and
 * rotated away): on Intel from the IR bit (bit 3) of every DMAR unit's
 * extended capability register, /sys/class/iommu/dmar*\/intel-iommu/ecap;
 * otherwise from /proc/interrupts, where remapped interrupt chips are named
 * IR-PCI-MSI, IR-IO-APIC, …; intremap=off on the kernel command line turns
 * it off whatever the hardware says.
 *
 * Reset methods and host-critical devices (hostcrit.c) are read from the
 * same root: a group is usable when it has a device to give and none the
 * host needs; the summary says which usable groups can be reset. */
#pragma once
#include <glib.h>

typedef enum { CHECK_OK, CHECK_WARN, CHECK_FAIL } CheckStatus;

const char *check_status_name(CheckStatus status);

typedef struct {
    const char *id;   /* stable key: iommu, iommu-units, kernel-cmdline, … */
    const char *title;
    CheckStatus status;
    char *message;
    char *fix;        /* what to do about it, NULL when nothing */
} CheckFinding;

typedef struct {
    char *address;    /* 0000:01:00.0 */
    char *vendor_id;  /* "10de", NULL when unknown */
    char *product_id;
    char *pci_class;  /* "0x030000", NULL when unknown */
    char *driver;     /* NULL: no driver bound */
    gboolean bridge;  /* by class: a PCI-to-PCI bridge or root port */
    char **reset_methods;     /* the kernel's reset_method; NULL when unknown */
    GPtrArray *host_critical; /* reasons the host needs it (hostcrit_judge); empty when none */
} CheckDevice;

typedef struct {
    guint number;
    GPtrArray *devices;  /* CheckDevice*, by address */
} CheckGroup;

typedef enum { CPU_UNKNOWN, CPU_INTEL, CPU_AMD } CpuVendor;

typedef struct {
    char *root;
    CpuVendor cpu;
    GPtrArray *findings;   /* CheckFinding*, in a fixed order */
    GPtrArray *groups;     /* CheckGroup*, by number */
    GPtrArray *vfio;       /* char* addresses of devices bound to vfio-pci */
} HostReport;

void host_report_free(HostReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(HostReport, host_report_free)

/* Inspect the host whose /proc and /sys are under ROOT ("/" for this one). */
HostReport *hostcheck_run(const char *root);

/* No finding failed. */
gboolean host_report_ready(const HostReport *report);
/* The finding with ID, or NULL. */
const CheckFinding *host_report_finding(const HostReport *report, const char *id);
