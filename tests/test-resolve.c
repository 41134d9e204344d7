/* The one DEVICE resolver, through the libvirt test driver and
 * tests/data/host-names.xml: node devices named as other hosts name them
 * (old-style pci_VVVV_PPPP, a pci_0000_03_00_0 that sits at 0000:07:00.0,
 * a libvirt 7 mdev name), two identical USB sticks, a SCSI disk under
 * scsi_host2 and a NIC's net_ device; domain 'lab' shut off. What each
 * command wrote is checked in the file it edited or the XML it printed. */
#include <string.h>

#include "testutil.h"

#define MDEV_NAME "mdev_9f1c2d3e_4a5b_4c6d_8e7f_0a1b2c3d4e5f_0000_00_02_0"
#define NET_NAME "net_eth4_90_e2_ba_11_22_33"

/* virt-hostdev -c URI ARGS... */
#define vh(...) cmd_run_on("host-names.xml", __VA_ARGS__)

static char *read_file(const char *path)
{
    char *data = NULL;
    g_assert_true(g_file_get_contents(path, &data, NULL, NULL));
    return data;
}

static const char *const SRC_05_00_0 = "<address domain='0x0000' bus='0x05' slot='0x00' function='0x0'/>";
static const char *const SRC_05_00_1 = "<address domain='0x0000' bus='0x05' slot='0x00' function='0x1'/>";

static void test_old_style_names(void)
{
    g_autoptr(CmdResult) show = vh("show", "pci_8086_10fb", NULL);
    cmd_assert_exit(show, 0);
    g_assert_true(g_str_has_prefix(show->out, "pci_8086_10fb  0000:05:00.0"));

    g_autoptr(CmdResult) hostdev = vh("hostdev", "pci_8086_10fb_0", NULL);
    cmd_assert_exit(hostdev, 0);
    cmd_assert_contains(hostdev->out, SRC_05_00_1);
    g_assert_cmpuint(test_count(hostdev->out, "<hostdev "), ==, 1);

    g_autoptr(CmdResult) add = vh("add", "lab", "pci_8086_10fb", "--dry-run", NULL);
    cmd_assert_exit(add, 0);
    cmd_assert_contains(add->out, "<name>lab</name>");
    cmd_assert_contains(add->out, SRC_05_00_0);

    /* offline file edit, the device named through -c */
    g_autofree char *file = test_copy_to_tmp("domain/guest-q35.xml", "old-style.xml");
    g_autoptr(CmdResult) edit = vh("add", "--file", file, "--in-place", "pci_8086_10fb", NULL);
    cmd_assert_exit(edit, 0);
    g_autofree char *after = read_file(file);
    cmd_assert_contains(after, SRC_05_00_0);
}

/* A name is looked up, never parsed, when libvirt can be asked; offline
 * the modern form still reads as the address it spells. */
static void test_name_looked_up_not_guessed(void)
{
    g_autoptr(CmdResult) online = vh("hostdev", "pci_0000_03_00_0", NULL);
    cmd_assert_exit(online, 0);
    cmd_assert_contains(online->out, "bus='0x07' slot='0x00' function='0x0'");
    cmd_assert_lacks(online->out, "bus='0x03'");

    g_autoptr(CmdResult) offline = cmd_run(NULL, NULL, "hostdev", "pci_0000_03_00_0", NULL);
    cmd_assert_exit(offline, 0);
    cmd_assert_contains(offline->out, "bus='0x03' slot='0x00' function='0x0'");
}

static void test_mdev_libvirt7_name(void)
{
    g_autoptr(CmdResult) hostdev = vh("hostdev", MDEV_NAME, NULL);
    cmd_assert_exit(hostdev, 0);
    cmd_assert_contains(hostdev->out, "<address uuid='9f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f'/>");
    g_autoptr(CmdResult) show = vh("show", MDEV_NAME, NULL);
    cmd_assert_exit(show, 0);
    cmd_assert_contains(show->out, "9f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f");
    g_autoptr(CmdResult) add = vh("add", "lab", MDEV_NAME, "--dry-run", NULL);
    cmd_assert_exit(add, 0);
    cmd_assert_contains(add->out, "type='mdev'");
}

static void test_net_leads_to_pci(void)
{
    g_autoptr(CmdResult) hostdev = vh("hostdev", NET_NAME, NULL);
    cmd_assert_exit(hostdev, 0);
    cmd_assert_contains(hostdev->out, SRC_05_00_1);
    g_assert_cmpstr(hostdev->err, ==, "");
    g_autoptr(CmdResult) verbose = vh("-v", "hostdev", NET_NAME, NULL);
    cmd_assert_exit(verbose, 0);
    cmd_assert_contains(verbose->err, NET_NAME " is an interface of 0000:05:00.1");
    g_autoptr(CmdResult) nova = vh("nova-config", "--alias", "nic", NET_NAME, NULL);
    cmd_assert_exit(nova, 0);
    cmd_assert_contains(nova->out, "\"address\": \"0000:05:00.1\"");
    /* the interface and its function are one device */
    g_autoptr(CmdResult) twice = vh("hostdev", NET_NAME, "pci_8086_10fb_0", NULL);
    cmd_assert_error(twice, 2, "0000:05:00.1 is named twice", NULL);
}

static void test_scsi_block(void)
{
    g_autoptr(CmdResult) hostdev = vh("hostdev", "scsi_2_0_1_3", NULL);
    cmd_assert_exit(hostdev, 0);
    g_assert_cmpstr(hostdev->out, ==,
                    "<hostdev mode='subsystem' type='scsi' managed='no'>\n"
                    "  <source>\n"
                    "    <adapter name='scsi_host2'/>\n"
                    "    <address bus='0' target='1' unit='3'/>\n"
                    "  </source>\n"
                    "</hostdev>\n");

    /* in a domain: libvirt's domain.rng (validate) accepts the result */
    g_autofree char *file = test_copy_to_tmp("domain/guest-q35.xml", "scsi.xml");
    g_autoptr(CmdResult) edit = vh("add", "--file", file, "--in-place", "scsi_2_0_1_3", NULL);
    cmd_assert_exit(edit, 0);
    g_autofree char *after = read_file(file);
    cmd_assert_contains(after, "<adapter name='scsi_host2'/>");
    g_autoptr(CmdResult) valid = cmd_run(NULL, NULL, "validate", "--file", file, NULL);
    cmd_assert_exit(valid, 0);

    /* the same SCSI device twice: refused (libvirt says "Hostdev already
     * exists"), the file unchanged; a guest PCI address is a usage error */
    g_autoptr(CmdResult) again = vh("add", "--file", file, "--in-place", "scsi_2_0_1_3", NULL);
    cmd_assert_error(again, 1, "already has scsi 2:0:1:3", NULL);
    g_autofree char *fresh = test_copy_to_tmp("domain/guest-q35.xml", "scsi-pinned.xml");
    g_autofree char *fresh_before = read_file(fresh);
    g_autoptr(CmdResult) pinned = vh("add", "--file", fresh, "--in-place", "scsi_2_0_1_3",
                                     "--guest-address", "00:10.0", NULL);
    cmd_assert_error(pinned, 2, "SCSI devices take none", NULL);
    g_autofree char *fresh_after = read_file(fresh);
    g_assert_cmpstr(fresh_after, ==, fresh_before);
    g_autofree char *unchanged = read_file(file);
    g_assert_cmpstr(unchanged, ==, after);
    /* and removing it by its device takes it out again */
    g_autoptr(CmdResult) removed = vh("remove", "--file", file, "--in-place", "scsi_2_0_1_3", NULL);
    cmd_assert_exit(removed, 0);
    g_autofree char *gone = read_file(file);
    g_assert_null(strstr(gone, "scsi_host2"));

    /* libvirt itself (define with VIR_DOMAIN_DEFINE_VALIDATE) takes the SCSI
     * block and a USB source with ids and bus.device together */
    g_autoptr(CmdResult) define = vh("add", "lab", "scsi_2_0_1_3", "usb_1_4", NULL);
    cmd_assert_exit(define, 0);
    cmd_assert_contains(define->err, "defined domain 'lab'");

    /* the adapter itself is not a device to pass */
    g_autoptr(CmdResult) adapter = vh("hostdev", "scsi_host2", NULL);
    cmd_assert_error(adapter, 2, "scsi_host2", "'scsi_host' node device", NULL);
}

static void test_all_functions_by_name(void)
{
    g_autoptr(CmdResult) hostdev = vh("hostdev", "--all-functions", "pci_8086_10fb", NULL);
    cmd_assert_exit(hostdev, 0);
    g_assert_cmpuint(test_count(hostdev->out, "<hostdev "), ==, 2);
    cmd_assert_contains(hostdev->out, SRC_05_00_0);
    cmd_assert_contains(hostdev->out, SRC_05_00_1);
}

/* a VF is a device of its own: --all-functions on one never takes the other
 * VFs that share its slot number (tests/data/host.xml: 03:10.0 and 03:10.2,
 * VFs of 03:00.0 in groups 20 and 21) */
static void test_all_functions_of_a_vf(void)
{
    g_autoptr(CmdResult) vf = cmd_run_on("host.xml", "hostdev", "--all-functions", "0000:03:10.2", NULL);
    cmd_assert_exit(vf, 0);
    g_assert_cmpuint(test_count(vf->out, "<hostdev "), ==, 1);
    cmd_assert_contains(vf->out, "slot='0x10' function='0x2'");
    g_assert_null(strstr(vf->out, "function='0x0'"));
}

/* generate and nova-config take their facts from libvirt with -c */
static void test_generate_and_nova_with_connection(void)
{
    g_autoptr(CmdResult) gen = vh("generate", "--name", "g1", "--hostdev", "pci_8086_10fb", "--all-functions", NULL);
    cmd_assert_exit(gen, 0);
    g_assert_cmpuint(test_count(gen->out, "<hostdev "), ==, 2);
    cmd_assert_contains(gen->out, SRC_05_00_1);
    cmd_assert_contains(gen->out, "multifunction='on'");

    g_autoptr(CmdResult) nova = vh("nova-config", "--alias", "nvme", "pci_0000_03_00_0", NULL);
    cmd_assert_exit(nova, 0);
    cmd_assert_contains(nova->out,
                        "device_spec = {\"vendor_id\": \"144d\", \"product_id\": \"a809\", \"address\": \"0000:07:00.0\"}");
}

static void test_usb_bus_device(void)
{
    g_autofree char *file = test_copy_to_tmp("domain/guest-q35.xml", "usb.xml");
    g_autoptr(CmdResult) by_busdev = vh("add", "--file", file, "--in-place", "usb:001.009", NULL);
    cmd_assert_exit(by_busdev, 0);
    g_autoptr(CmdResult) by_name = vh("add", "--file", file, "--in-place", "usb_1_3", NULL);
    cmd_assert_exit(by_name, 0);
    g_autofree char *after = read_file(file);
    /* both sticks, each by its bus.device, with the ids libvirt checks too */
    cmd_assert_contains(after, "<address bus='1' device='9'/>");
    cmd_assert_contains(after, "<address bus='1' device='7'/>");
    g_assert_cmpuint(test_count(after, "<vendor id='0x0781'/>"), ==, 2);

    /* one device with these ids: its address is written as well */
    g_autoptr(CmdResult) unique = vh("hostdev", "usb:8087:0a2b", NULL);
    cmd_assert_exit(unique, 0);
    cmd_assert_contains(unique->out, "<vendor id='0x8087'/>");
    cmd_assert_contains(unique->out, "<address bus='1' device='4'/>");

    /* offline there is no host to ask: what was given, nothing more */
    g_autoptr(CmdResult) ids = cmd_run(NULL, NULL, "hostdev", "usb:0781:5567", NULL);
    cmd_assert_exit(ids, 0);
    cmd_assert_lacks(ids->out, "<address");
    g_autoptr(CmdResult) busdev = cmd_run(NULL, NULL, "hostdev", "usb:001.009", NULL);
    cmd_assert_exit(busdev, 0);
    cmd_assert_contains(busdev->out, "<address bus='1' device='9'/>");
    cmd_assert_lacks(busdev->out, "<vendor");
}

static void test_usb_ambiguous_ids(void)
{
    g_autofree char *file = test_copy_to_tmp("domain/guest-q35.xml", "ambiguous.xml");
    g_autofree char *before = read_file(file);
    g_autoptr(CmdResult) add = vh("add", "--file", file, "--in-place", "usb:0781:5567", NULL);
    cmd_assert_error(add, 1, "usb:0781:5567 matches 2 devices", "usb:001.007 (usb_1_3)", "usb:001.009 (usb_1_4)",
                     "name one as usb:BBB.DDD", NULL);
    g_autofree char *after = read_file(file);
    g_assert_cmpstr(after, ==, before);

    g_autoptr(CmdResult) show = vh("show", "usb:0781:5567", NULL);
    cmd_assert_error(show, 1, "usb:001.007 (usb_1_3)", "usb:001.009 (usb_1_4)", NULL);
    g_autoptr(CmdResult) domain = vh("add", "lab", "usb:0781:5567", "--dry-run", NULL);
    cmd_assert_error(domain, 1, "matches 2 devices", NULL);
}

static void test_unknown_name(void)
{
    g_autofree char *uri = test_driver_uri("host-names.xml");
    g_autofree char *needle = g_strdup_printf("no device 'pci_dead_beef' on %s", uri);
    g_autoptr(CmdResult) hostdev = vh("hostdev", "pci_dead_beef", NULL);
    cmd_assert_error(hostdev, 2, needle, NULL);
    g_autoptr(CmdResult) show = vh("show", "usb_9_9", NULL);
    cmd_assert_error(show, 2, "no device 'usb_9_9' on", NULL);

    g_autofree char *file = test_copy_to_tmp("domain/guest-q35.xml", "unknown.xml");
    g_autofree char *before = read_file(file);
    g_autoptr(CmdResult) add = vh("add", "--file", file, "--in-place", "pci_8086_10fb", "pci_dead_beef", NULL);
    cmd_assert_error(add, 2, needle, NULL);
    g_autofree char *after = read_file(file);
    g_assert_cmpstr(after, ==, before);

    /* an old-style name offline needs libvirt: the default URI is asked */
    g_autoptr(CmdResult) offline = cmd_run(NULL, NULL, "hostdev", "pci_8086_10fb", NULL);
    cmd_assert_error(offline, 2, "no device 'pci_8086_10fb' on test:///default", NULL);
}

/* remove through libvirt still takes addresses the host no longer has */
static void test_remove_stale_source(void)
{
    g_autofree char *file = test_copy_to_tmp("domain/guest-q35.xml", "stale.xml");
    g_autofree char *before = read_file(file);
    g_autoptr(CmdResult) add = cmd_run(NULL, NULL, "add", "--file", file, "--in-place", "0000:42:00.0", NULL);
    cmd_assert_exit(add, 0);
    g_autoptr(CmdResult) remove = vh("remove", "--file", file, "--in-place", "0000:42:00.0", NULL);
    cmd_assert_exit(remove, 0);
    g_autofree char *after = read_file(file);
    g_assert_cmpstr(after, ==, before);
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/resolve/old-style-names", test_old_style_names);
    g_test_add_func("/resolve/name-looked-up-not-guessed", test_name_looked_up_not_guessed);
    g_test_add_func("/resolve/mdev-libvirt7-name", test_mdev_libvirt7_name);
    g_test_add_func("/resolve/net-leads-to-pci", test_net_leads_to_pci);
    g_test_add_func("/resolve/scsi-block", test_scsi_block);
    g_test_add_func("/resolve/all-functions-by-name", test_all_functions_by_name);
    g_test_add_func("/resolve/all-functions-of-a-vf", test_all_functions_of_a_vf);
    g_test_add_func("/resolve/generate-nova-with-connection", test_generate_and_nova_with_connection);
    g_test_add_func("/resolve/usb-bus-device", test_usb_bus_device);
    g_test_add_func("/resolve/usb-ambiguous-ids", test_usb_ambiguous_ids);
    g_test_add_func("/resolve/unknown-name", test_unknown_name);
    g_test_add_func("/resolve/remove-stale-source", test_remove_stale_source);
    return g_test_run();
}
