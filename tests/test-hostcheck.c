/* hostcheck.c on the fake host trees of tests/data/check and on trees made
 * here for the cases in between (IR missing, IOMMU turned off on the command
 * line, unsafe interrupts allowed, a group that is not viable). */
#include <glib/gstdio.h>
#include <string.h>
#include <unistd.h>

#include "hostcheck.h"
#include "testutil.h"

static void assert_contains(const char *haystack, const char *needle)
{
    if (strstr(haystack, needle) == NULL)
        g_test_message("'%s' not in:\n%s", needle, haystack);
    g_assert_nonnull(strstr(haystack, needle));
}

static HostReport *run_fixture(const char *name)
{
    g_autofree char *rel = g_build_filename("check", name, NULL);
    g_autofree char *root = test_data_path(rel);
    g_assert_true(g_file_test(root, G_FILE_TEST_IS_DIR));
    return hostcheck_run(root);
}

static const CheckFinding *finding(const HostReport *r, const char *id)
{
    const CheckFinding *f = host_report_finding(r, id);
    if (f == NULL)
        g_test_message("no finding %s", id);
    g_assert_nonnull(f);
    return f;
}

static void assert_finding(const HostReport *r, const char *id, CheckStatus status, const char *needle)
{
    const CheckFinding *f = finding(r, id);
    if (f->status != status)
        g_test_message("%s: %s %s", id, check_status_name(f->status), f->message);
    g_assert_cmpstr(check_status_name(f->status), ==, check_status_name(status));
    if (needle)
        assert_contains(f->message, needle);
    /* every failure says what to do about it */
    if (status == CHECK_FAIL)
        g_assert_nonnull(f->fix);
}

/* --------------------------------------------------------------- fixtures */

static void test_intel_ready(void)
{
    g_autoptr(HostReport) r = run_fixture("intel-ready");
    g_assert_true(host_report_ready(r));
    g_assert_cmpint(r->cpu, ==, CPU_INTEL);
    assert_finding(r, "iommu", CHECK_OK, "5 IOMMU groups");
    assert_finding(r, "iommu-units", CHECK_OK, "dmar0, dmar1");
    assert_finding(r, "kernel-cmdline", CHECK_OK, "intel_iommu=on; iommu=pt");
    assert_finding(r, "interrupt-remapping", CHECK_OK, "every DMAR unit");
    assert_finding(r, "vfio-modules", CHECK_OK, NULL);
    assert_finding(r, "kvm", CHECK_OK, "kvm_intel");
    assert_finding(r, "vfio-devices", CHECK_OK, "2: 0000:01:00.0, 0000:01:00.1");
    assert_finding(r, "iommu-groups", CHECK_OK, NULL);
    assert_finding(r, "selinux", CHECK_OK, "not enabled");
    for (guint i = 0; i < r->findings->len; i++)
        g_assert_null(((CheckFinding *)r->findings->pdata[i])->fix);

    /* groups by number (15 after 3), members by address, drivers from links */
    g_assert_cmpuint(r->groups->len, ==, 5);
    const CheckGroup *g1 = r->groups->pdata[1], *g15 = r->groups->pdata[4];
    g_assert_cmpuint(g1->number, ==, 1);
    g_assert_cmpuint(g15->number, ==, 15);
    g_assert_cmpuint(g1->devices->len, ==, 3);
    const CheckDevice *bridge = g1->devices->pdata[0], *gpu = g1->devices->pdata[1];
    g_assert_cmpstr(bridge->address, ==, "0000:00:01.0");
    g_assert_cmpstr(bridge->driver, ==, "pcieport");
    g_assert_cmpstr(bridge->pci_class, ==, "0x060400");
    g_assert_cmpstr(gpu->address, ==, "0000:01:00.0");
    g_assert_cmpstr(gpu->vendor_id, ==, "10de");
    g_assert_cmpstr(gpu->product_id, ==, "1e87");
    g_assert_cmpstr(gpu->driver, ==, "vfio-pci");
    const CheckDevice *unbound = ((CheckGroup *)r->groups->pdata[3])->devices->pdata[1];
    g_assert_cmpstr(unbound->address, ==, "0000:00:14.2");
    g_assert_null(unbound->driver);
    g_assert_cmpuint(r->vfio->len, ==, 2);
}

static void test_no_iommu(void)
{
    g_autoptr(HostReport) r = run_fixture("no-iommu");
    g_assert_false(host_report_ready(r));
    assert_finding(r, "iommu", CHECK_FAIL, "no IOMMU group");
    const CheckFinding *f = finding(r, "iommu");
    assert_contains(f->fix, "intel_iommu=on");
    assert_contains(f->fix, "GRUB_CMDLINE_LINUX");
    assert_contains(f->fix, "update-grub");
    assert_finding(r, "iommu-units", CHECK_FAIL, "no IOMMU unit");
    assert_contains(finding(r, "iommu-units")->fix, "VT-d");
    assert_finding(r, "kernel-cmdline", CHECK_FAIL, "no intel_iommu=on");
    assert_finding(r, "interrupt-remapping", CHECK_WARN, "not checked");
    assert_finding(r, "vfio-modules", CHECK_WARN, "vfio, vfio_pci, vfio_iommu_type1");
    assert_contains(finding(r, "vfio-modules")->fix, "modprobe vfio-pci");
    assert_finding(r, "vfio-devices", CHECK_OK, "none");
    g_assert_cmpuint(r->groups->len, ==, 0);
}

static void test_amd_selinux(void)
{
    g_autoptr(HostReport) r = run_fixture("amd-selinux");
    g_assert_true(host_report_ready(r));
    g_assert_cmpint(r->cpu, ==, CPU_AMD);
    assert_finding(r, "iommu-units", CHECK_OK, "AMD-Vi (IVHD) units: ivhd0");
    assert_finding(r, "kernel-cmdline", CHECK_OK, "on by default");
    assert_finding(r, "interrupt-remapping", CHECK_OK, "/proc/interrupts");
    assert_finding(r, "vfio-modules", CHECK_OK, NULL);
    assert_finding(r, "kvm", CHECK_OK, "kvm_amd");
    assert_finding(r, "selinux", CHECK_WARN, "virt_manage_sysfs is off");
    g_assert_cmpstr(finding(r, "selinux")->fix, ==, "setsebool -P virt_manage_sysfs 1");
    assert_contains(finding(r, "selinux")->message, "enforcing");
    assert_finding(r, "vfio-devices", CHECK_OK, "0000:0b:00.0, 0000:0b:00.1");
}

/* ------------------------------------------------------- synthetic trees */

static char *tree;

static void put(const char *relative, const char *content)
{
    g_autofree char *path = g_build_filename(tree, relative, NULL);
    g_autofree char *dir = g_path_get_dirname(path);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_true(g_file_set_contents(path, content, -1, NULL));
}

static void put_link(const char *relative, const char *target)
{
    g_autofree char *path = g_build_filename(tree, relative, NULL);
    g_autofree char *dir = g_path_get_dirname(path);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    g_assert_cmpint(symlink(target, path), ==, 0);
}

static void pci(const char *address, const char *cls, const char *driver, guint group)
{
    g_autofree char *base = g_strdup_printf("sys/bus/pci/devices/%s", address);
    g_autofree char *c = g_strconcat(base, "/class", NULL);
    put(c, cls);
    if (driver) {
        g_autofree char *d = g_strconcat(base, "/driver", NULL);
        g_autofree char *t = g_strdup_printf("../../../../bus/pci/drivers/%s", driver);
        put_link(d, t);
    }
    g_autofree char *member = g_strdup_printf("sys/kernel/iommu_groups/%u/devices/%s", group, address);
    g_autofree char *target = g_strdup_printf("../../../../devices/pci0000:00/%s", address);
    put_link(member, target);
}

/* A fresh Intel host with one DMAR unit whose ecap is ECAP. */
static void new_intel_tree(const char *ecap, const char *cmdline)
{
    static guint serial;
    g_free(tree);
    g_autofree char *name = g_strdup_printf("tree-%u", serial++);
    tree = g_build_filename(test_tmpdir(), name, NULL);
    put("proc/cpuinfo", "vendor_id\t: GenuineIntel\n");
    put("proc/cmdline", cmdline);
    put("sys/class/iommu/dmar0/intel-iommu/ecap", ecap);
    put("sys/module/vfio/refcnt", "1");
    put("sys/module/vfio_pci/refcnt", "1");
    put("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "N");
    put("sys/module/kvm/refcnt", "1");
    pci("0000:01:00.0", "0x030000", "vfio-pci", 1);
}

static void test_no_interrupt_remapping(void)
{
    /* 0xf050d2: bit 3 clear */
    new_intel_tree("f050d2\n", "quiet intel_iommu=on\n");
    g_autoptr(HostReport) r = hostcheck_run(tree);
    g_assert_false(host_report_ready(r));
    assert_finding(r, "interrupt-remapping", CHECK_FAIL, "not supported by dmar0");
    assert_contains(finding(r, "interrupt-remapping")->message, "vfio refuses");
    assert_contains(finding(r, "interrupt-remapping")->fix, "allow_unsafe_interrupts=1");

    /* with unsafe interrupts allowed, a warning */
    put("sys/module/vfio_iommu_type1/parameters/allow_unsafe_interrupts", "Y\n");
    g_autoptr(HostReport) r2 = hostcheck_run(tree);
    g_assert_true(host_report_ready(r2));
    assert_finding(r2, "interrupt-remapping", CHECK_WARN, "allow_unsafe_interrupts=Y");
}

static void test_intremap_off(void)
{
    new_intel_tree("f050da\n", "intel_iommu=on intremap=off\n");
    g_autoptr(HostReport) r = hostcheck_run(tree);
    assert_finding(r, "interrupt-remapping", CHECK_FAIL, "intremap=off");
}

static void test_cmdline_off(void)
{
    new_intel_tree("f050da\n", "intel_iommu=on intel_iommu=off\n");
    g_autoptr(HostReport) r = hostcheck_run(tree);
    g_assert_false(host_report_ready(r));
    assert_finding(r, "kernel-cmdline", CHECK_FAIL, "intel_iommu=off turns the IOMMU off");
    assert_contains(finding(r, "kernel-cmdline")->fix, "remove intel_iommu=off");
    new_intel_tree("f050da\n", "iommu=off\n");
    g_autoptr(HostReport) r2 = hostcheck_run(tree);
    assert_finding(r2, "kernel-cmdline", CHECK_FAIL, "iommu=off");
}

static void test_default_on_kernel(void)
{
    /* no intel_iommu=on, but groups exist: the kernel's default */
    new_intel_tree("f050da\n", "root=/dev/sda1 ro\n");
    g_autoptr(HostReport) r = hostcheck_run(tree);
    g_assert_true(host_report_ready(r));
    assert_finding(r, "kernel-cmdline", CHECK_OK, "CONFIG_INTEL_IOMMU_DEFAULT_ON");
}

/* AMD-Vi is on by default and amd_iommu= has no "on": an AMD host without
 * groups fails on the firmware, never on the command line, and no fix names
 * amd_iommu=on. */
static void test_amd_no_iommu(void)
{
    static guint serial;
    g_free(tree);
    g_autofree char *name = g_strdup_printf("amd-tree-%u", serial++);
    tree = g_build_filename(test_tmpdir(), name, NULL);
    put("proc/cpuinfo", "vendor_id\t: AuthenticAMD\n");
    put("proc/cmdline", "root=/dev/sda1 ro quiet\n");
    put("sys/module/vfio/refcnt", "1");
    g_autoptr(HostReport) r = hostcheck_run(tree);
    g_assert_false(host_report_ready(r));
    g_assert_cmpint(r->cpu, ==, CPU_AMD);
    assert_finding(r, "kernel-cmdline", CHECK_OK, "AMD-Vi needs no parameter (on by default)");
    assert_finding(r, "iommu", CHECK_FAIL, "no IOMMU group");
    assert_contains(finding(r, "iommu")->fix, "enable AMD-Vi (IOMMU) in the firmware");
    assert_finding(r, "iommu-units", CHECK_FAIL, "no IOMMU unit");
    for (guint i = 0; i < r->findings->len; i++) {
        const CheckFinding *f = r->findings->pdata[i];
        g_assert_null(strstr(f->message, "amd_iommu=on"));
        g_assert_true(f->fix == NULL || strstr(f->fix, "amd_iommu=on") == NULL);
    }

    /* amd_iommu=off is the one parameter that matters */
    put("proc/cmdline", "root=/dev/sda1 amd_iommu=off\n");
    g_autoptr(HostReport) off = hostcheck_run(tree);
    assert_finding(off, "kernel-cmdline", CHECK_FAIL, "amd_iommu=off turns the IOMMU off");
    assert_contains(finding(off, "kernel-cmdline")->fix, "remove amd_iommu=off");
    g_assert_null(strstr(finding(off, "kernel-cmdline")->fix, "amd_iommu=on"));
}

static void test_group_not_viable(void)
{
    new_intel_tree("f050da\n", "intel_iommu=on\n");
    pci("0000:00:01.0", "0x060400", "pcieport", 1);
    pci("0000:02:00.0", "0x020000", "e1000e", 1);
    g_autoptr(HostReport) r = hostcheck_run(tree);
    assert_finding(r, "iommu-groups", CHECK_WARN, "group 1: 0000:02:00.0 on e1000e");
    g_assert_null(strstr(finding(r, "iommu-groups")->message, "pcieport"));
}

static void test_missing_everything(void)
{
    /* an empty root: nothing readable, nothing crashes */
    g_free(tree);
    tree = g_build_filename(test_tmpdir(), "empty-root", NULL);
    g_assert_cmpint(g_mkdir_with_parents(tree, 0755), ==, 0);
    g_autoptr(HostReport) r = hostcheck_run(tree);
    g_assert_false(host_report_ready(r));
    g_assert_cmpint(r->cpu, ==, CPU_UNKNOWN);
    assert_finding(r, "kernel-cmdline", CHECK_WARN, "cannot read /proc/cmdline");
    assert_finding(r, "iommu", CHECK_FAIL, NULL);
}

static void test_status_names(void)
{
    g_assert_cmpstr(check_status_name(CHECK_OK), ==, "ok");
    g_assert_cmpstr(check_status_name(CHECK_WARN), ==, "warn");
    g_assert_cmpstr(check_status_name(CHECK_FAIL), ==, "fail");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/hostcheck/fixture/intel-ready", test_intel_ready);
    g_test_add_func("/hostcheck/fixture/no-iommu", test_no_iommu);
    g_test_add_func("/hostcheck/fixture/amd-selinux", test_amd_selinux);
    g_test_add_func("/hostcheck/tree/no-interrupt-remapping", test_no_interrupt_remapping);
    g_test_add_func("/hostcheck/tree/intremap-off", test_intremap_off);
    g_test_add_func("/hostcheck/tree/cmdline-off", test_cmdline_off);
    g_test_add_func("/hostcheck/tree/default-on-kernel", test_default_on_kernel);
    g_test_add_func("/hostcheck/tree/amd-no-iommu", test_amd_no_iommu);
    g_test_add_func("/hostcheck/tree/group-not-viable", test_group_not_viable);
    g_test_add_func("/hostcheck/tree/missing-everything", test_missing_everything);
    g_test_add_func("/hostcheck/status-names", test_status_names);
    int rc = g_test_run();
    g_free(tree);
    return rc;
}
