#include "hostcheck.h"

#include "hostcrit.h"
#include "sysroot.h"

#include <stdarg.h>
#include <string.h>

#define GRUB_FIX_TAIL \
    " to GRUB_CMDLINE_LINUX in /etc/default/grub, run update-grub (grub2-mkconfig -o /boot/grub2/grub.cfg " \
    "on Fedora/RHEL) and reboot"

const char *check_status_name(CheckStatus status)
{
    switch (status) {
    case CHECK_OK:
        return "ok";
    case CHECK_WARN:
        return "warn";
    case CHECK_FAIL:
        return "fail";
    }
    return "?";
}

static void finding_free(CheckFinding *f)
{
    g_free(f->message);
    g_free(f->fix);
    g_free(f);
}

static void device_free(CheckDevice *d)
{
    g_free(d->address);
    g_free(d->vendor_id);
    g_free(d->product_id);
    g_free(d->pci_class);
    g_free(d->driver);
    g_strfreev(d->reset_methods);
    g_ptr_array_unref(d->host_critical);
    g_free(d);
}

static void group_free(CheckGroup *g)
{
    g_ptr_array_unref(g->devices);
    g_free(g);
}

void host_report_free(HostReport *report)
{
    if (report == NULL)
        return;
    g_free(report->root);
    g_ptr_array_unref(report->findings);
    g_ptr_array_unref(report->groups);
    g_ptr_array_unref(report->vfio);
    g_free(report);
}

gboolean host_report_ready(const HostReport *report)
{
    for (guint i = 0; i < report->findings->len; i++)
        if (((const CheckFinding *)report->findings->pdata[i])->status == CHECK_FAIL)
            return FALSE;
    return TRUE;
}

const CheckFinding *host_report_finding(const HostReport *report, const char *id)
{
    for (guint i = 0; i < report->findings->len; i++) {
        const CheckFinding *f = report->findings->pdata[i];
        if (strcmp(f->id, id) == 0)
            return f;
    }
    return NULL;
}

static void add_finding(HostReport *r, const char *id, const char *title, CheckStatus status, const char *fix,
                        const char *fmt, ...) G_GNUC_PRINTF(6, 7);
static void add_finding(HostReport *r, const char *id, const char *title, CheckStatus status, const char *fix,
                        const char *fmt, ...)
{
    CheckFinding *f = g_new0(CheckFinding, 1);
    f->id = id;
    f->title = title;
    f->status = status;
    va_list ap;
    va_start(ap, fmt);
    f->message = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    f->fix = g_strdup(fix);
    g_ptr_array_add(r->findings, f);
}

/* ---------------------------------------------------------------- reading */

static gint compare_strings(gconstpointer a, gconstpointer b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static gboolean cmdline_has(char **words, const char *word)
{
    return words && g_strv_contains((const char *const *)words, word);
}

static const char *cmdline_value(char **words, const char *key)
{
    gsize n = strlen(key);
    const char *value = NULL;
    for (char **w = words; w && *w; w++)
        if (strncmp(*w, key, n) == 0 && (*w)[n] == '=')
            value = *w + n + 1; /* the last one wins, as in the kernel */
    return value;
}

/* ---------------------------------------------------------------- checks */

static void read_cpu_vendor(HostReport *r, GPtrArray *units)
{
    g_autofree char *cpuinfo = sysroot_read(r->root, "proc/cpuinfo");
    if (cpuinfo && strstr(cpuinfo, "GenuineIntel"))
        r->cpu = CPU_INTEL;
    else if (cpuinfo && (strstr(cpuinfo, "AuthenticAMD") || strstr(cpuinfo, "HygonGenuine")))
        r->cpu = CPU_AMD;
    for (guint i = 0; r->cpu == CPU_UNKNOWN && units && i < units->len; i++) {
        if (g_str_has_prefix(units->pdata[i], "dmar"))
            r->cpu = CPU_INTEL;
        else if (g_str_has_prefix(units->pdata[i], "ivhd"))
            r->cpu = CPU_AMD;
    }
}

/* The kernel parameters that turn the IOMMU on. AMD-Vi is on by default and
 * amd_iommu= has no "on" value (the kernel ignores it as unknown), so on
 * AMD only the optional passthrough mode is suggested. */
static const char *iommu_param(const HostReport *r)
{
    return r->cpu == CPU_AMD ? "iommu=pt" : "intel_iommu=on iommu=pt";
}

static void read_groups(HostReport *r)
{
    g_autoptr(GPtrArray) names = sysroot_list(r->root, "sys/kernel/iommu_groups");
    for (guint i = 0; names && i < names->len; i++) {
        guint64 number;
        if (!g_ascii_string_to_unsigned(names->pdata[i], 10, 0, G_MAXUINT, &number, NULL))
            continue;
        CheckGroup *g = g_new0(CheckGroup, 1);
        g->number = (guint)number;
        g->devices = g_ptr_array_new_with_free_func((GDestroyNotify)device_free);
        g_autofree char *dir = g_strdup_printf("sys/kernel/iommu_groups/%s/devices", (const char *)names->pdata[i]);
        g_autoptr(GPtrArray) members = sysroot_list(r->root, dir);
        for (guint m = 0; members && m < members->len; m++) {
            const char *addr = members->pdata[m];
            CheckDevice *d = g_new0(CheckDevice, 1);
            d->address = g_strdup(addr);
            g_autofree char *base = g_strdup_printf("sys/bus/pci/devices/%s", addr);
            g_autofree char *vendor_path = g_strconcat(base, "/vendor", NULL);
            g_autofree char *device_path = g_strconcat(base, "/device", NULL);
            g_autofree char *class_path = g_strconcat(base, "/class", NULL);
            g_autofree char *driver_path = g_strconcat(base, "/driver", NULL);
            g_autofree char *vendor = sysroot_read(r->root, vendor_path);
            g_autofree char *device = sysroot_read(r->root, device_path);
            d->vendor_id = vendor ? g_strdup(g_str_has_prefix(vendor, "0x") ? vendor + 2 : vendor) : NULL;
            d->product_id = device ? g_strdup(g_str_has_prefix(device, "0x") ? device + 2 : device) : NULL;
            d->pci_class = sysroot_read(r->root, class_path);
            d->driver = sysroot_link_name(r->root, driver_path);
            d->bridge = d->pci_class && g_str_has_prefix(d->pci_class, "0x0604");
            PciAddr a;
            d->reset_methods = pci_addr_parse(addr, &a, NULL) ? sysroot_reset_methods(r->root, &a) : NULL;
            d->host_critical = g_ptr_array_new_with_free_func(g_free);
            if (g_strcmp0(d->driver, "vfio-pci") == 0)
                g_ptr_array_add(r->vfio, g_strdup(addr));
            g_ptr_array_add(g->devices, d);
        }
        g_ptr_array_add(r->groups, g);
    }
    g_ptr_array_sort(r->vfio, compare_strings);
}

static gint compare_groups(gconstpointer a, gconstpointer b)
{
    const CheckGroup *x = *(CheckGroup *const *)a, *y = *(CheckGroup *const *)b;
    return x->number < y->number ? -1 : x->number > y->number;
}

static void check_iommu(HostReport *r, GPtrArray *units, char **cmdline)
{
    g_autofree char *fix = r->cpu == CPU_AMD
                               ? g_strdup("enable AMD-Vi (IOMMU) in the firmware (BIOS/UEFI) setup and reboot; "
                                          "the kernel turns AMD-Vi on by default, no parameter is needed")
                               : g_strdup_printf("enable VT-d in the firmware setup, add %s" GRUB_FIX_TAIL,
                                                 iommu_param(r));
    if (r->groups->len > 0)
        add_finding(r, "iommu", "IOMMU", CHECK_OK, NULL, "enabled: %u IOMMU groups in /sys/kernel/iommu_groups",
                    r->groups->len);
    else
        add_finding(r, "iommu", "IOMMU", CHECK_FAIL, fix,
                    "off: no IOMMU group in /sys/kernel/iommu_groups, so no device can be assigned");

    /* hardware units */
    g_autoptr(GString) list = g_string_new(NULL);
    for (guint i = 0; units && i < units->len; i++)
        g_string_append_printf(list, "%s%s", i ? ", " : "", (const char *)units->pdata[i]);
    if (units && units->len > 0)
        add_finding(r, "iommu-units", "IOMMU hardware", CHECK_OK, NULL, "%s: %s",
                    r->cpu == CPU_INTEL ? "Intel VT-d (DMAR) units" : r->cpu == CPU_AMD ? "AMD-Vi (IVHD) units"
                                                                                       : "IOMMU units",
                    list->str);
    else if (r->groups->len > 0)
        add_finding(r, "iommu-units", "IOMMU hardware", CHECK_OK, NULL,
                    "no unit listed in /sys/class/iommu, but the kernel made IOMMU groups");
    else
        add_finding(r, "iommu-units", "IOMMU hardware", CHECK_FAIL,
                    r->cpu == CPU_AMD ? "enable AMD-Vi / IOMMU in the firmware (BIOS/UEFI) setup"
                                      : "enable VT-d in the firmware (BIOS/UEFI) setup",
                    "no IOMMU unit in /sys/class/iommu: the firmware does not offer one, or the kernel did not "
                    "enable it");

    /* kernel command line */
    if (cmdline == NULL) {
        add_finding(r, "kernel-cmdline", "kernel command line", CHECK_WARN, NULL, "cannot read /proc/cmdline");
        return;
    }
    const char *intel = cmdline_value(cmdline, "intel_iommu");
    const char *amd = cmdline_value(cmdline, "amd_iommu");
    const char *generic = cmdline_value(cmdline, "iommu");
    const char *off = g_strcmp0(generic, "off") == 0 ? "iommu=off"
                      : intel && g_str_has_prefix(intel, "off") && r->cpu != CPU_AMD ? "intel_iommu=off"
                      : g_strcmp0(amd, "off") == 0 && r->cpu != CPU_INTEL ? "amd_iommu=off"
                                                                        : NULL;
    g_autofree char *pt = g_strdup(cmdline_has(cmdline, "iommu=pt") ? "; iommu=pt (passthrough for host devices)"
                                                                    : "");
    if (off) {
        g_autofree char *remove = g_strdup_printf("remove %s and add %s" GRUB_FIX_TAIL, off, iommu_param(r));
        add_finding(r, "kernel-cmdline", "kernel command line", CHECK_FAIL, remove, "%s turns the IOMMU off", off);
    } else if (r->cpu != CPU_AMD && intel && strstr(intel, "on")) {
        add_finding(r, "kernel-cmdline", "kernel command line", CHECK_OK, NULL, "intel_iommu=%s%s", intel, pt);
    } else if (r->cpu == CPU_AMD) {
        /* nothing on the command line can turn AMD-Vi on: without groups the
         * cause is the firmware, which the "iommu" finding reports */
        add_finding(r, "kernel-cmdline", "kernel command line", CHECK_OK, NULL, "%s%s%s",
                    amd ? "amd_iommu=" : "AMD-Vi needs no parameter (on by default)", amd ? amd : "", pt);
    } else if (r->groups->len > 0) {
        add_finding(r, "kernel-cmdline", "kernel command line", CHECK_OK, NULL,
                    "no intel_iommu=on, but the kernel enables the IOMMU by default "
                    "(CONFIG_INTEL_IOMMU_DEFAULT_ON)%s", pt);
    } else {
        add_finding(r, "kernel-cmdline", "kernel command line", CHECK_FAIL, fix,
                    "no intel_iommu=on: the kernel leaves the IOMMU off%s",
                    r->cpu == CPU_UNKNOWN ? " (on Intel; AMD-Vi needs no parameter)" : "");
    }
}

static void check_interrupt_remapping(HostReport *r, GPtrArray *units, char **cmdline)
{
    static const char fix[] =
        "enable interrupt remapping (x2APIC / VT-d / AMD-Vi) in the firmware setup; as an unsafe last resort, "
        "'options vfio_iommu_type1 allow_unsafe_interrupts=1' in /etc/modprobe.d/vfio.conf";
    const char *id = "interrupt-remapping", *title = "interrupt remapping";
    g_autofree char *unsafe = sysroot_read(r->root, "sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts");
    gboolean allow_unsafe = unsafe && (unsafe[0] == 'Y' || unsafe[0] == '1');
    CheckStatus missing = allow_unsafe ? CHECK_WARN : CHECK_FAIL;
    const char *unsafe_note = allow_unsafe ? " (allow_unsafe_interrupts=Y lets vfio go on without it, unsafely)"
                                           : ": vfio refuses to assign devices";

    if (r->groups->len == 0) {
        add_finding(r, id, title, CHECK_WARN, NULL, "not checked: the IOMMU is off");
        return;
    }
    const char *intremap = cmdline_value(cmdline, "intremap");
    if (g_strcmp0(intremap, "off") == 0) {
        add_finding(r, id, title, missing, "remove intremap=off from the kernel command line",
                    "turned off by intremap=off on the kernel command line%s", unsafe_note);
        return;
    }
    /* Intel: the IR bit of every DMAR unit's extended capabilities */
    guint dmar = 0, with_ir = 0;
    g_autoptr(GString) lacking = g_string_new(NULL);
    for (guint i = 0; units && i < units->len; i++) {
        const char *unit = units->pdata[i];
        if (!g_str_has_prefix(unit, "dmar"))
            continue;
        g_autofree char *rel = g_strdup_printf("sys/class/iommu/%s/intel-iommu/ecap", unit);
        g_autofree char *ecap = sysroot_read(r->root, rel);
        guint64 value;
        if (ecap == NULL || !g_ascii_string_to_unsigned(ecap, 16, 0, G_MAXUINT64, &value, NULL))
            continue;
        dmar++;
        if (value & (1u << 3))
            with_ir++;
        else
            g_string_append_printf(lacking, "%s%s", lacking->len ? ", " : "", unit);
    }
    if (dmar > 0) {
        if (with_ir == dmar)
            add_finding(r, id, title, CHECK_OK, NULL, "supported by every DMAR unit (IR bit of intel-iommu/ecap)");
        else
            add_finding(r, id, title, missing, fix, "not supported by %s (IR bit of intel-iommu/ecap clear)%s",
                        lacking->str, unsafe_note);
        return;
    }
    /* otherwise: remapped interrupt chips in /proc/interrupts */
    g_autofree char *interrupts = sysroot_read(r->root, "proc/interrupts");
    if (interrupts == NULL) {
        add_finding(r, id, title, CHECK_WARN, NULL, "cannot tell: /proc/interrupts is not readable");
    } else if (strstr(interrupts, "IR-")) {
        add_finding(r, id, title, CHECK_OK, NULL, "on: remapped interrupts (IR-) in /proc/interrupts");
    } else if (strstr(interrupts, "PCI-MSI") || strstr(interrupts, "IO-APIC")) {
        add_finding(r, id, title, missing, fix, "off: no remapped (IR-) interrupt in /proc/interrupts%s",
                    unsafe_note);
    } else {
        add_finding(r, id, title, CHECK_WARN, NULL, "cannot tell: no MSI or IO-APIC interrupt in /proc/interrupts");
    }
}

static void check_modules(HostReport *r)
{
    static const char *const modules[] = { "vfio", "vfio_pci", "vfio_iommu_type1" };
    g_autoptr(GString) missing = g_string_new(NULL);
    for (guint i = 0; i < G_N_ELEMENTS(modules); i++) {
        g_autofree char *rel = g_strdup_printf("sys/module/%s", modules[i]);
        if (!sysroot_exists(r->root, rel))
            g_string_append_printf(missing, "%s%s", missing->len ? ", " : "", modules[i]);
    }
    if (missing->len == 0)
        add_finding(r, "vfio-modules", "vfio modules", CHECK_OK, NULL, "vfio, vfio_pci and vfio_iommu_type1 loaded");
    else
        add_finding(r, "vfio-modules", "vfio modules", CHECK_WARN,
                    "modprobe vfio-pci; to load it at boot: echo vfio-pci > /etc/modules-load.d/vfio-pci.conf",
                    "not loaded: %s (libvirt loads vfio-pci itself for managed devices)", missing->str);

    if (sysroot_exists(r->root, "sys/module/kvm"))
        add_finding(r, "kvm", "KVM", CHECK_OK, NULL, "kvm module loaded%s",
                    sysroot_exists(r->root, "sys/module/kvm_intel")  ? " (kvm_intel)"
                    : sysroot_exists(r->root, "sys/module/kvm_amd") ? " (kvm_amd)"
                                                         : "");
    else
        add_finding(r, "kvm", "KVM", CHECK_WARN,
                    r->cpu == CPU_AMD ? "modprobe kvm_amd; enable SVM in the firmware setup"
                                      : "modprobe kvm_intel; enable VT-x in the firmware setup",
                    "kvm module not loaded: guests would run without hardware virtualization");
}

static void check_vfio_devices(HostReport *r)
{
    if (r->vfio->len == 0) {
        add_finding(r, "vfio-devices", "devices on vfio-pci", CHECK_OK, NULL,
                    "none (managed devices are bound to vfio-pci when their guest starts)");
        return;
    }
    g_ptr_array_add(r->vfio, NULL);
    g_autofree char *list = g_strjoinv(", ", (char **)r->vfio->pdata);
    g_ptr_array_remove_index(r->vfio, r->vfio->len - 1);
    add_finding(r, "vfio-devices", "devices on vfio-pci", CHECK_OK, NULL, "%u: %s", r->vfio->len, list);
}

/* vfio only lets a group be used when every member is on vfio-pci (or a
 * stub, or no driver), bridges excepted. */
static void check_groups_viable(HostReport *r)
{
    g_autoptr(GString) bad = g_string_new(NULL);
    for (guint i = 0; i < r->groups->len; i++) {
        const CheckGroup *g = r->groups->pdata[i];
        gboolean has_vfio = FALSE;
        for (guint d = 0; d < g->devices->len; d++)
            has_vfio = has_vfio || g_strcmp0(((const CheckDevice *)g->devices->pdata[d])->driver, "vfio-pci") == 0;
        if (!has_vfio)
            continue;
        for (guint d = 0; d < g->devices->len; d++) {
            const CheckDevice *dev = g->devices->pdata[d];
            if (dev->bridge || dev->driver == NULL || strcmp(dev->driver, "vfio-pci") == 0 ||
                strcmp(dev->driver, "pci-stub") == 0)
                continue;
            g_string_append_printf(bad, "%sgroup %u: %s on %s", bad->len ? "; " : "", g->number, dev->address,
                                   dev->driver);
        }
    }
    if (bad->len == 0)
        add_finding(r, "iommu-groups", "IOMMU groups", CHECK_OK, NULL,
                    "every group with a device on vfio-pci is usable");
    else
        add_finding(r, "iommu-groups", "IOMMU groups", CHECK_WARN,
                    "assign the other members of the group too, or move the device to a slot with its own group",
                    "not usable while a member stays on a host driver: %s", bad->str);
}

/* Each device's host-critical reasons, by the one rule with the kernel's
 * groups; the finding names the devices that hold something. */
static void check_host_critical(HostReport *r)
{
    g_autoptr(HostCrit) crit = hostcrit_read(r->root);
    for (guint i = 0; i < r->groups->len; i++) {
        const CheckGroup *g = r->groups->pdata[i];
        g_autoptr(GArray) mates = g_array_new(FALSE, FALSE, sizeof(PciAddr));
        for (guint d = 0; d < g->devices->len; d++) {
            const CheckDevice *dev = g->devices->pdata[d];
            PciAddr a;
            if (!dev->bridge && pci_addr_parse(dev->address, &a, NULL))
                g_array_append_val(mates, a);
        }
        for (guint d = 0; d < g->devices->len; d++) {
            CheckDevice *dev = g->devices->pdata[d];
            PciAddr a;
            if (pci_addr_parse(dev->address, &a, NULL))
                hostcrit_judge(crit, &a, (int)g->number, (const PciAddr *)(void *)mates->data, mates->len,
                               dev->host_critical);
        }
    }
    g_autoptr(GString) list = g_string_new(NULL);
    for (guint i = 0; i < crit->facts->len; i++) {
        const HostCritFact *f = crit->facts->pdata[i];
        g_autofree char *a = pci_addr_format(&f->device, PCI_FORMAT_PCI);
        g_string_append_printf(list, "%s%s %s", list->len ? "; " : "", a, f->reason);
        if (f->usb)
            g_string_append_printf(list, " (USB device %03u.%03u)", f->usb_bus, f->usb_device);
    }
    if (list->len)
        add_finding(r, "host-critical", "host-critical", CHECK_OK, NULL,
                    "kept from guests with their IOMMU groups and the bridges above them: %s", list->str);
    else
        add_finding(r, "host-critical", "host-critical", CHECK_OK, NULL,
                    "no PCI device holds /, /boot, /usr, /var, swap, a default route or the console");
}

/* Usable groups (something to give, nothing the host needs) and whether
 * every device in them can be reset. */
static void check_reset_methods(HostReport *r)
{
    guint usable = 0, resettable = 0, unknown = 0;
    g_autoptr(GString) none = g_string_new(NULL);
    for (guint i = 0; i < r->groups->len; i++) {
        const CheckGroup *g = r->groups->pdata[i];
        gboolean endpoint = FALSE, critical = FALSE, all_reset = TRUE, known = TRUE;
        g_autoptr(GString) lacking = g_string_new(NULL);
        for (guint d = 0; d < g->devices->len; d++) {
            const CheckDevice *dev = g->devices->pdata[d];
            critical = critical || dev->host_critical->len > 0;
            /* bridges and the chipset (class 0x06) stay with the host */
            if (dev->bridge || (dev->pci_class && g_str_has_prefix(dev->pci_class, "0x06")))
                continue;
            endpoint = TRUE;
            known = known && dev->reset_methods != NULL;
            if (dev->reset_methods && dev->reset_methods[0] == NULL) {
                all_reset = FALSE;
                g_string_append_printf(lacking, "%s%s", lacking->len ? ", " : "", dev->address);
            }
        }
        if (!endpoint || critical)
            continue;
        usable++;
        if (all_reset && known)
            resettable++;
        else if (all_reset)
            unknown++;
        else
            g_string_append_printf(none, "%sgroup %u (%s)", none->len ? "; " : "", g->number, lacking->str);
    }
    g_autofree char *unknown_text = unknown ? g_strdup_printf(", %u not known (no reset_method: a kernel before "
                                                              "5.15)", unknown)
                                            : g_strdup("");
    if (none->len == 0)
        add_finding(r, "reset-methods", "reset methods", CHECK_OK, NULL,
                    "%u usable IOMMU groups: %u with a reset method for every device%s", usable, resettable,
                    unknown_text);
    else
        add_finding(r, "reset-methods", "reset methods", CHECK_WARN,
                    "prefer devices with a reset method (flr, pm, bus) for guests that come and go",
                    "%u usable IOMMU groups: %u with a reset method for every device%s; no reset method: %s "
                    "(state survives between guests; reattach may hang)",
                    usable, resettable, unknown_text, none->str);
}

static void check_selinux(HostReport *r)
{
    g_autofree char *enforce = sysroot_read(r->root, "sys/fs/selinux/enforce");
    if (enforce == NULL) {
        add_finding(r, "selinux", "SELinux", CHECK_OK, NULL, "not enabled");
        return;
    }
    const char *mode = enforce[0] == '1' ? "enforcing" : "permissive";
    g_autofree char *boolean = sysroot_read(r->root, "sys/fs/selinux/booleans/virt_manage_sysfs");
    if (boolean == NULL)
        add_finding(r, "selinux", "SELinux", CHECK_OK, NULL, "%s; the policy has no virt_manage_sysfs boolean", mode);
    else if (boolean[0] == '1')
        add_finding(r, "selinux", "SELinux", CHECK_OK, NULL, "%s; virt_manage_sysfs is on", mode);
    else
        add_finding(r, "selinux", "SELinux", CHECK_WARN, "setsebool -P virt_manage_sysfs 1",
                    "%s; the boolean virt_manage_sysfs is off: libvirt may be denied managing devices in sysfs",
                    mode);
}

HostReport *hostcheck_run(const char *root)
{
    HostReport *r = g_new0(HostReport, 1);
    r->root = g_strdup(root && *root ? root : "/");
    r->findings = g_ptr_array_new_with_free_func((GDestroyNotify)finding_free);
    r->groups = g_ptr_array_new_with_free_func((GDestroyNotify)group_free);
    r->vfio = g_ptr_array_new_with_free_func(g_free);

    g_autoptr(GPtrArray) units = sysroot_list(r->root, "sys/class/iommu");
    read_cpu_vendor(r, units);
    g_autofree char *cmdline_text = sysroot_read(r->root, "proc/cmdline");
    g_auto(GStrv) cmdline = cmdline_text ? g_strsplit_set(cmdline_text, " \t\n", -1) : NULL;
    read_groups(r);
    g_ptr_array_sort(r->groups, compare_groups);

    check_iommu(r, units, cmdline);
    check_interrupt_remapping(r, units, cmdline);
    check_modules(r);
    check_vfio_devices(r);
    check_groups_viable(r);
    check_host_critical(r);
    check_reset_methods(r);
    check_selinux(r);
    return r;
}
