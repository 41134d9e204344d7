/* The bash completion, run in a real bash (and in a terminal under tmux):
 * verbs, options and option values from the binary's own tables, files,
 * and from the test-driver host (tests/data/host.xml) domains, devices by
 * the inventory's verdict, what a domain holds, and what an unreachable
 * libvirt leaves (nothing); what a Tab costs. */
#include <glib/gstdio.h>
#include <string.h>

#include "bashcomp.h"
#include "testutil.h"

static void test_bash_words(void)
{
    if (!have_bash_completion())
        return;
    check_line("virt-hostdev a", (const char *const[]){ "add", "address", NULL }, TRUE);
    check_line("virt-hostdev ", (const char *const[]){ "address", "hostdev", "add", "remove", "validate", NULL }, FALSE);
    check_line("virt-hostdev help rem", (const char *const[]){ "remove", "remap", NULL }, TRUE);
    check_line("virt-hostdev ver", (const char *const[]){ "verify", NULL }, TRUE);
    check_line("virt-hostdev verify --r", (const char *const[]){ "--record", NULL }, TRUE);
    check_line("virt-hostdev add --man", (const char *const[]){ "--managed", NULL }, TRUE);
    check_line("virt-hostdev validate --f", (const char *const[]){ "--file", NULL }, TRUE);
    check_line("virt-hostdev --ver", (const char *const[]){ "--version", "--verbose", NULL }, TRUE);

    /* each verb's options, as the binary lists them */
    g_autoptr(GPtrArray) verbs = complete_query("verbs", NULL);
    for (guint v = 0; v < verbs->len; v++) {
        g_autoptr(GPtrArray) options = complete_query("options", verbs->pdata[v]);
        g_autofree char *line = g_strdup_printf("virt-hostdev %s --", (const char *)verbs->pdata[v]);
        g_autoptr(GPtrArray) reply = complete_line(line);
        for (guint i = 0; i < options->len; i++)
            if (!lines_contain(reply, options->pdata[i]))
                g_error("completing '%s': %s not offered", line, (const char *)options->pdata[i]);
    }
    g_autoptr(GPtrArray) validate = complete_line("virt-hostdev validate --");
    g_assert_false(lines_contain(validate, "--managed"));
}

static void test_bash_values(void)
{
    if (!have_bash_completion())
        return;
    check_line("virt-hostdev add --managed ", (const char *const[]){ "yes", "no", NULL }, TRUE);
    check_line("virt-hostdev add --managed=n", (const char *const[]){ "no", NULL }, TRUE);
    check_line("virt-hostdev address --format ", (const char *const[]){ "pci", "name", "xml", "attrs", NULL }, TRUE);
    check_line("virt-hostdev hostdev --rom-bar ", (const char *const[]){ "on", "off", NULL }, TRUE);
    check_line("virt-hostdev hostdev --driver ", (const char *const[]){ "vfio", NULL }, TRUE);
    check_line("virt-hostdev add --guest-address ", (const char *const[]){ "auto", NULL }, TRUE);
    check_line("virt-hostdev add --guest-address a", (const char *const[]){ "auto", NULL }, TRUE);
    /* auto needs a domain: hostdev refuses it, remove names the address
     * an element has */
    check_line("virt-hostdev hostdev --guest-address ", (const char *const[]){ NULL }, TRUE);
    check_line("virt-hostdev remove --file g.xml --guest-address ", (const char *const[]){ NULL }, TRUE);
    check_line("virt-hostdev remove vm --guest-address a", (const char *const[]){ NULL }, TRUE);
    /* generate --template: the names of the templates on the search path */
    check_line("virt-hostdev generate --template ",
               (const char *const[]){ "q35-ovmf", "i440fx-bios", "gpu-passthrough", NULL }, TRUE);
    check_line("virt-hostdev generate --name x --template q", (const char *const[]){ "q35-ovmf", NULL }, TRUE);
}

static void test_bash_files(void)
{
    if (!have_bash_completion())
        return;
    g_autofree char *dir = g_build_filename(test_tmpdir(), "files", NULL);
    g_autofree char *sub = g_build_filename(dir, "guests", NULL);
    g_assert_cmpint(g_mkdir_with_parents(sub, 0755), ==, 0);
    static const char *const names[] = { "gpu.xml", "notes.txt", "vbios.rom" };
    for (guint i = 0; i < G_N_ELEMENTS(names); i++) {
        g_autofree char *path = g_build_filename(dir, names[i], NULL);
        g_assert_true(g_file_set_contents(path, "<device/>\n", -1, NULL));
    }

    /* DEVICE: node-device XML files, directories and - */
    g_autoptr(GPtrArray) dev = complete_line_full("virt-hostdev hostdev ", NULL, dir, NULL);
    assert_reply("virt-hostdev hostdev ", dev, (const char *const[]){ "gpu.xml", "guests", "-", NULL }, TRUE);
    g_autoptr(GPtrArray) add = complete_line_full("virt-hostdev add -f guests/x.xml g", NULL, dir, NULL);
    assert_reply("virt-hostdev add -f guests/x.xml g", add, (const char *const[]){ "gpu.xml", "guests", NULL }, TRUE);

    /* --file, --rom-file: any file */
    g_autoptr(GPtrArray) file = complete_line_full("virt-hostdev add --file ", NULL, dir, NULL);
    assert_reply("virt-hostdev add --file ", file,
                 (const char *const[]){ "gpu.xml", "notes.txt", "vbios.rom", "guests", "-", NULL }, TRUE);
    g_autoptr(GPtrArray) rom = complete_line_full("virt-hostdev hostdev --rom-file v", NULL, dir, NULL);
    assert_reply("virt-hostdev hostdev --rom-file v", rom, (const char *const[]){ "vbios.rom", NULL }, TRUE);
}

/* The URI of -c/--connect reaches the binary; a failing binary leaves the
 * completion silent and quick. */
static void test_bash_connect_and_failures(void)
{
    if (!have_bash_completion())
        return;
    const char *binary = g_getenv("VIRT_HOSTDEV_BINARY");
    g_autofree char *log = g_build_filename(test_tmpdir(), "complete-args.log", NULL);
    g_autofree char *wrapper = g_build_filename(test_tmpdir(), "vh-wrapper", NULL);
    g_autofree char *script = g_strdup_printf("#!/bin/sh\necho \"$*\" >> '%s'\nexec '%s' \"$@\"\n", log, binary);
    g_assert_true(g_file_set_contents(wrapper, script, -1, NULL));
    g_assert_cmpint(g_chmod(wrapper, 0755), ==, 0);
    g_autofree char *wrapper_env = g_strconcat("VIRT_HOSTDEV=", wrapper, NULL);
    const char *env[] = { wrapper_env, NULL };

    static const struct {
        const char *line;
        const char *uri;
        const char *want;
    } cases[] = {
        { "virt-hostdev -c test:///default ad", "test:///default", "add" },
        { "virt-hostdev --connect qemu+ssh://root@host/system add --man", "qemu+ssh://root@host/system", "--managed" },
        { "virt-hostdev --connect=test:///default hostdev --rom-f", "test:///default", "--rom-file" },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_unlink(log);
        g_autoptr(GPtrArray) reply = complete_line_full(cases[i].line, env, NULL, NULL);
        assert_reply(cases[i].line, reply, (const char *const[]){ cases[i].want, NULL }, FALSE);
        g_autofree char *args = NULL;
        g_assert_true(g_file_get_contents(log, &args, NULL, NULL));
        g_autofree char *expect = g_strdup_printf("--connect %s __complete", cases[i].uri);
        if (strstr(args, expect) == NULL)
            g_error("completing '%s': the binary was called as '%s', without '%s'", cases[i].line, args, expect);
    }

    /* missing, failing and hanging binaries */
    g_autofree char *hang = g_build_filename(test_tmpdir(), "vh-hang", NULL);
    g_assert_true(g_file_set_contents(hang, "#!/bin/sh\necho add\nexec sleep 30\n", -1, NULL));
    g_assert_cmpint(g_chmod(hang, 0755), ==, 0);
    g_autofree char *hang_env = g_strconcat("VIRT_HOSTDEV=", hang, NULL);
    const char *const bad[] = { "VIRT_HOSTDEV=/nonexistent/virt-hostdev", "VIRT_HOSTDEV=false", hang_env };
    for (guint i = 0; i < G_N_ELEMENTS(bad); i++) {
        const char *bad_env[] = { bad[i], NULL };
        gint64 start = g_get_monotonic_time();
        g_autofree char *err = NULL;
        g_autoptr(GPtrArray) verbs = complete_line_full("virt-hostdev a", bad_env, NULL, &err);
        g_autoptr(GPtrArray) opts = complete_line_full("virt-hostdev add --", bad_env, NULL, NULL);
        gint64 elapsed_ms = (g_get_monotonic_time() - start) / 1000;
        g_test_message("%s: %" G_GINT64_FORMAT " ms", bad[i], elapsed_ms);
        g_assert_cmpstr(err, ==, "");
        g_assert_cmpuint(verbs->len, ==, 0);
        g_assert_cmpuint(opts->len, ==, 0);
        g_assert_cmpint(elapsed_ms, <, 10000);
    }
}

static const char *const host_domains[] = { "web1", "win11", NULL };
/* free, assignable devices of tests/data/host.xml, by name and address */
static const char *const free_devices[] = {
    "0000:00:02.0", "pci_0000_00_02_0", "0000:00:14.0", "pci_0000_00_14_0", "0000:00:1f.3", "pci_0000_00_1f_3",
    "0000:00:1f.4", "pci_0000_00_1f_4", "0000:01:00.0", "pci_0000_01_00_0", "0000:01:00.1", "pci_0000_01_00_1",
    "0000:01:00.2", "pci_0000_01_00_2", "0000:01:00.3", "pci_0000_01_00_3", "0000:03:10.0", "pci_0000_03_10_0",
    "0000:03:10.2", "pci_0000_03_10_2", "0001:40:00.0", "pci_0001_40_00_0",
    /* USB devices by name and lsusb's bus.device (not the root hubs) */
    "usb_1_5", "usb:001.005", "usb_2_3", "usb:002.003", NULL,
};
/* held by web1 (03:00.1), its IOMMU group mate (03:00.0), bridges */
static const char *const not_free[] = {
    "0000:03:00.1", "pci_0000_03_00_1", "0000:03:00.0", "pci_0000_03_00_0", "0000:00:01.0", "pci_0000_00_01_0",
    "0000:00:1c.0", "pci_0000_00_1c_0", "0001:00:01.0", "pci_0001_00_01_0", NULL,
};

static void test_bash_host_default_uri(void)
{
    if (!have_bash_completion())
        return;
    g_autofree char *uri = host_uri();
    check_on(uri, "virt-hostdev add ", host_domains, TRUE, NULL);
    check_on(uri, "virt-hostdev add wi", (const char *const[]){ "win11", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 ", free_devices, TRUE, not_free);
    /* ':' is in COMP_WORDBREAKS: readline replaces only what follows the
     * last colon, so the candidates must come back trimmed to that */
    check_on(uri, "virt-hostdev add win11 0000:01:", (const char *const[]){ "00.0", "00.1", "00.2", "00.3", NULL },
             TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 0000:0", (const char *const[]){ "00:02.0", "01:00.0", "03:10.2", NULL },
             FALSE, (const char *const[]){ "03:00.1", "0000:01:00.0", NULL });
    check_on(uri, "virt-hostdev add win11 0001:4", (const char *const[]){ "40:00.0", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 pci_0000_01",
             (const char *const[]){ "pci_0000_01_00_0", "pci_0000_01_00_1", "pci_0000_01_00_2", "pci_0000_01_00_3",
                                    NULL },
             TRUE, NULL);
    /* after options, their values and other devices, still devices */
    check_on(uri, "virt-hostdev add win11 --managed no gpu.xml --guest-address auto ", free_devices, TRUE, NULL);
    check_on(uri, "virt-hostdev add --all-functions win11 0000:01:", (const char *const[]){ "00.0", NULL }, FALSE,
             NULL);

    check_on(uri, "virt-hostdev remove ", host_domains, TRUE, NULL);
    check_on(uri, "virt-hostdev remove web1 ", (const char *const[]){ "0000:03:00.1", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remove web1 0000:03:", (const char *const[]){ "00.1", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remove win11 ", (const char *const[]){ NULL }, TRUE, NULL);

    /* show, detach, reattach: every PCI device, held or not */
    check_on(uri, "virt-hostdev show ", free_devices, FALSE, NULL);
    check_on(uri, "virt-hostdev show ", (const char *const[]){ "0000:03:00.1", "pci_0000_03_00_1", "0000:00:01.0", NULL },
             FALSE, NULL);
    check_on(uri, "virt-hostdev show 0000:03:1", (const char *const[]){ "10.0", "10.2", NULL }, TRUE, NULL);
    /* detach: not what running web1 has, nor its group mate (issue 16) */
    check_on(uri, "virt-hostdev detach --group 0000:03:", (const char *const[]){ "10.0", "10.2", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev reattach pci_0000_03_1",
             (const char *const[]){ "pci_0000_03_10_0", "pci_0000_03_10_2", NULL }, TRUE, NULL);

    check_on(uri, "virt-hostdev list --class ",
             (const char *const[]){ "gpu", "audio", "multimedia", "net", "storage", "usb-controller", "serial-bus",
                                    "serial", "bridge", "accelerator", "other", "usb", "mdev", NULL },
             TRUE, NULL);
    check_on(uri, "virt-hostdev list --class u", (const char *const[]){ "usb-controller", "usb", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev validate ", host_domains, TRUE, NULL);
    check_on(uri, "virt-hostdev validate web1 ", (const char *const[]){ NULL }, TRUE, NULL);
    /* verify and remap: one DOMAIN, nothing after it */
    check_on(uri, "virt-hostdev verify ", host_domains, TRUE, NULL);
    check_on(uri, "virt-hostdev remap w", (const char *const[]){ "web1", "win11", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remap web1 ", (const char *const[]){ NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev verify --file guest.xml ", (const char *const[]){ NULL }, TRUE, NULL);

    /* with --file, the first argument is a device: no domains */
    check_on(uri, "virt-hostdev add --file guest.xml ", (const char *const[]){ "0000:01:00.0", NULL }, FALSE,
             host_domains);
    check_on(uri, "virt-hostdev validate --file guest.xml ", (const char *const[]){ NULL }, TRUE, NULL);
}

/* Through -c/--connect on the line, which wins over $LIBVIRT_DEFAULT_URI
 * (test:///default, whose only domain is "test"). */
static void test_bash_host_connect(void)
{
    if (!have_bash_completion())
        return;
    g_autofree char *uri = host_uri();
    const struct {
        const char *line; /* URI: the test host's */
        const char *const *want;
        gboolean exact;
    } cases[] = {
        { "virt-hostdev -c URI add ", host_domains, TRUE },
        { "virt-hostdev --connect URI add win11 ", free_devices, TRUE },
        { "virt-hostdev --connect=URI add win11 0000:01:", (const char *const[]){ "00.0", "00.1", "00.2", "00.3", NULL },
          TRUE },
        { "virt-hostdev add -c URI win11 0001:", (const char *const[]){ "40:00.0", NULL }, TRUE },
        { "virt-hostdev -c URI remove web1 ", (const char *const[]){ "0000:03:00.1", NULL }, TRUE },
        { "virt-hostdev -c URI validate w", host_domains, TRUE },
        { "virt-hostdev -c URI show pci_0000_03_00_", (const char *const[]){ "pci_0000_03_00_0", "pci_0000_03_00_1", NULL },
          TRUE },
    };
    for (guint i = 0; i < G_N_ELEMENTS(cases); i++) {
        g_auto(GStrv) parts = g_strsplit(cases[i].line, "URI", 2);
        g_autofree char *line = g_strjoinv(uri, parts);
        check_on("test:///default", line, cases[i].want, cases[i].exact, (const char *const[]){ "test", NULL });
    }
    /* the default connection itself */
    check_on("test:///default", "virt-hostdev add ", (const char *const[]){ "test", NULL }, TRUE, NULL);
}

/* Issue 16: what remove DOMAIN takes, devices named once, short forms,
 * generate --hostdev, USB for show, and detach by the verdict. */
static void test_bash_host_issue16(void)
{
    if (!have_bash_completion())
        return;
    g_autofree char *uri = host_uri();
    /* web1 holds 0000:03:00.1 at guest 0000:00:06.0 as ua-uplink */
    check_on(uri, "virt-hostdev remove web1 --guest-address ", (const char *const[]){ "0000:00:06.0", NULL }, TRUE,
             NULL);
    check_on(uri, "virt-hostdev remove web1 --guest-address 0000:00:", (const char *const[]){ "06.0", NULL }, TRUE,
             NULL);
    check_on(uri, "virt-hostdev remove web1 --alias ", (const char *const[]){ "ua-uplink", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remove web1 --alias ua-u", (const char *const[]){ "ua-uplink", NULL }, TRUE, NULL);
    /* a new alias is a name of one's own: nothing offered */
    check_on(uri, "virt-hostdev add win11 --alias ", (const char *const[]){ NULL }, TRUE, NULL);
    /* a device named already is not offered again, in any spelling */
    check_on(uri, "virt-hostdev remove web1 ", (const char *const[]){ "0000:03:00.1", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remove web1 0000:03:00.1 ", (const char *const[]){ NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev remove web1 pci_0000_03_00_1 ", (const char *const[]){ NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 01:00.0 0000:01:00.", (const char *const[]){ "00.1", "00.2", "00.3", NULL },
             TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 pci_0000_01_00_0 pci_0000_01_00_",
             (const char *const[]){ "pci_0000_01_00_1", "pci_0000_01_00_2", "pci_0000_01_00_3", NULL }, TRUE, NULL);
    /* short forms: PCI domain 0000 without its domain */
    check_on(uri, "virt-hostdev add win11 03:", (const char *const[]){ "10.0", "10.2", NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 01:00.", (const char *const[]){ "00.0", "00.1", "00.2", "00.3", NULL }, TRUE,
             NULL);
    check_on(uri, "virt-hostdev show 03:00", (const char *const[]){ "00.0", "00.1", NULL }, TRUE, NULL);
    /* USB for show (every one) and add (the verdict's) */
    check_on(uri, "virt-hostdev show usb_", (const char *const[]){ "usb_1_5", "usb_2_3", "usb_usb1", "usb_usb2", NULL },
             TRUE, NULL);
    check_on(uri, "virt-hostdev add win11 usb", (const char *const[]){ "usb_1_5", "usb_2_3", NULL }, FALSE,
             (const char *const[]){ "usb_usb1", NULL });
    check_on(uri, "virt-hostdev add win11 usb:00", (const char *const[]){ "001.005", "002.003", NULL }, TRUE, NULL);
    /* generate --hostdev: devices as add offers them, and XML files */
    check_on(uri, "virt-hostdev generate --name g --hostdev 01:", (const char *const[]){ "00.0", "00.1", "00.2", "00.3",
             NULL }, TRUE, NULL);
    check_on(uri, "virt-hostdev generate --name g --hostdev ", free_devices, FALSE, not_free);
    /* detach: no root port, no LPC bridge, nothing running web1 has (nor
     * its IOMMU group mate), no USB; the free ones are */
    static const char *const detach_free[] = {
        "0000:01:00.0", "pci_0000_01_00_0", "0000:03:10.0", "0000:00:1f.3", "0001:40:00.0", NULL,
    };
    static const char *const never_detach[] = {
        "0000:00:01.0", "pci_0000_00_01_0", "0000:00:1c.0", "0000:00:1f.0", "pci_0000_00_1f_0", "0000:03:00.1",
        "pci_0000_03_00_1", "0000:03:00.0", "0001:00:01.0", "usb_1_5", NULL,
    };
    check_on(uri, "virt-hostdev detach ", detach_free, FALSE, never_detach);
}

/* libvirt unreachable: nothing offered, nothing on the terminal. */
static void test_bash_host_unreachable(void)
{
    if (!have_bash_completion())
        return;
    static const char *const lines[] = {
        "virt-hostdev add ", "virt-hostdev add win11 ", "virt-hostdev remove web1 ", "virt-hostdev show ",
        "virt-hostdev -c test:///nonexistent/other.xml validate ",
    };
    for (guint i = 0; i < G_N_ELEMENTS(lines); i++) {
        g_autofree char *uri_env = g_strdup("LIBVIRT_DEFAULT_URI=test:///nonexistent/host.xml");
        const char *env[] = { uri_env, NULL };
        g_autofree char *err = NULL;
        g_autoptr(GPtrArray) reply = complete_line_full(lines[i], env, NULL, &err);
        g_assert_cmpstr(err, ==, "");
        g_assert_cmpuint(reply->len, ==, 0);
    }
}

static int compare_gint64(gconstpointer a, gconstpointer b)
{
    gint64 x = *(const gint64 *)a, y = *(const gint64 *)b;
    return x < y ? -1 : x > y;
}

/* Median wall time of RUNS runs of ARGV, in microseconds. */
static gint64 median_us(const char *const *argv, char **envp, guint runs)
{
    g_autoptr(GArray) times = g_array_new(FALSE, FALSE, sizeof(gint64));
    for (guint i = 0; i < runs; i++) {
        g_autofree char *out = NULL;
        gint64 start = g_get_monotonic_time();
        int rc = spawn(argv, envp, NULL, &out, NULL);
        gint64 t = g_get_monotonic_time() - start;
        g_assert_cmpint(rc, ==, 0);
        g_assert_cmpstr(out, !=, "");
        g_array_append_val(times, t);
    }
    g_array_sort(times, compare_gint64);
    return g_array_index(times, gint64, runs / 2);
}

/* What a Tab costs: the queries the completion makes, against the test
 * host. Only a generous bound is asserted (machines are shared); the
 * numbers are in the test log. */
static void test_completion_latency(void)
{
    g_autofree char *uri = host_uri();
    const char *binary = g_getenv("VIRT_HOSTDEV_BINARY");
    g_auto(GStrv) envp = child_environ();
    envp = g_environ_setenv(envp, "LIBVIRT_DEFAULT_URI", uri, TRUE);
    static const char *const queries[][3] = {
        { "devices", "free", NULL }, { "domains", NULL, NULL }, { "devices", NULL, NULL }, { "held", "web1", NULL },
    };
    for (guint q = 0; q < G_N_ELEMENTS(queries); q++) {
        const char *argv[] = { binary, "__complete", queries[q][0], queries[q][1], NULL };
        gint64 us = median_us(argv, envp, 20);
        g_test_message("latency: virt-hostdev __complete %s%s%s: median of 20 runs %.1f ms", queries[q][0],
                       queries[q][1] ? " " : "", queries[q][1] ? queries[q][1] : "", (double)us / 1000.0);
        g_assert_cmpint(us, <, 500 * 1000);
    }
    if (!have_bash_completion())
        return;
    /* a whole Tab in bash (bash-completion loaded each time, so an upper
     * bound): "add win11 " asks for the valued options and the devices */
    gint64 start = g_get_monotonic_time();
    for (guint i = 0; i < 5; i++) {
        g_autoptr(GPtrArray) reply = complete_on(uri, "virt-hostdev add win11 ");
        g_assert_cmpuint(reply->len, >, 0);
    }
    gint64 per_tab = (g_get_monotonic_time() - start) / 5;
    g_test_message("latency: 'virt-hostdev add win11 <TAB>' in a fresh bash with bash-completion: %.1f ms",
                   (double)per_tab / 1000.0);
    g_assert_cmpint(per_tab, <, 2000 * 1000);
}

/* ---- a terminal: Tab Tab in bash under tmux ---- */

static int tmux(const char *socket, const char *const *args, char **envp, char **out)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer) "tmux");
    g_ptr_array_add(argv, (gpointer) "-S");
    g_ptr_array_add(argv, (gpointer)socket);
    g_ptr_array_add(argv, (gpointer) "-f");
    g_ptr_array_add(argv, (gpointer) "/dev/null");
    for (const char *const *a = args; *a; a++)
        g_ptr_array_add(argv, (gpointer)*a);
    g_ptr_array_add(argv, NULL);
    g_autofree char *err = NULL;
    int rc = spawn((const char *const *)argv->pdata, envp, NULL, out, &err);
    if (rc != 0)
        g_test_message("tmux %s: exit %d: %s", args[0], rc, err);
    return rc;
}

static void test_tmux_tab_tab(void)
{
    g_autofree char *tmux_path = g_find_program_in_path("tmux");
    if (tmux_path == NULL) {
        g_test_skip("tmux not installed");
        return;
    }
    if (!have_bash_completion())
        return;
    /* a private server, its socket in the scratch directory */
    g_autofree char *socket = g_build_filename(test_tmpdir(), "tmux.sock", NULL);
    g_auto(GStrv) envp = child_environ();
    envp = g_environ_setenv(envp, "TERM", "xterm", TRUE);
    envp = g_environ_setenv(envp, "INPUTRC", "/dev/null", TRUE);
    envp = g_environ_setenv(envp, "PS1", "$ ", TRUE);
    envp = g_environ_setenv(envp, "HISTFILE", "/dev/null", TRUE);

    const char *start[] = { "new-session", "-d", "-x", "200", "-y", "50", "bash --norc --noprofile", NULL };
    if (tmux(socket, start, envp, NULL) != 0) {
        g_test_skip("cannot start a tmux session");
        return;
    }
    g_autofree char *completion = source_path("completions/virt-hostdev");
    g_autofree char *bindir = binary_dir();
    g_autofree char *setup = g_strdup_printf("PS1='$ '; export PATH='%s':\"$PATH\"; source %s; source '%s'; clear",
                                             bindir, BASH_COMPLETION_MAIN, completion);
    const char *send_setup[] = { "send-keys", "-t", "0", "-l", setup, NULL };
    const char *enter[] = { "send-keys", "-t", "0", "Enter", NULL };
    const char *type[] = { "send-keys", "-t", "0", "-l", "virt-hostdev ad", NULL };
    const char *tab[] = { "send-keys", "-t", "0", "Tab", NULL };
    const char *capture[] = { "capture-pane", "-p", "-t", "0", NULL };
    const char *kill[] = { "kill-server", NULL };

    g_assert_cmpint(tmux(socket, send_setup, envp, NULL), ==, 0);
    g_assert_cmpint(tmux(socket, enter, envp, NULL), ==, 0);
    g_usleep(300 * 1000);
    g_assert_cmpint(tmux(socket, type, envp, NULL), ==, 0);

    /* readline: the first Tab inserts the common prefix ("ad" -> "add");
     * then, nothing being left to insert, Tab Tab lists add and address */
    g_autofree char *screen = NULL;
    gboolean completed = FALSE, listed = FALSE;
    g_autoptr(GRegex) list = g_regex_new("^add\\s+address\\s*$", G_REGEX_MULTILINE, 0, NULL);
    for (int tabs = 1; tabs <= 3 && !listed; tabs++) {
        g_assert_cmpint(tmux(socket, tab, envp, NULL), ==, 0);
        if (tabs == 2)
            continue;
        for (int attempt = 0; attempt < 50; attempt++) {
            g_usleep(100 * 1000);
            g_clear_pointer(&screen, g_free);
            if (tmux(socket, capture, envp, &screen) != 0)
                break;
            completed = strstr(screen, "$ virt-hostdev add") != NULL;
            listed = g_regex_match(list, screen, 0, NULL);
            if (tabs == 1 ? completed : listed)
                break;
        }
        if (tabs == 1 && !completed)
            break;
    }
    tmux(socket, kill, envp, NULL);
    g_test_message("screen:\n%s", screen ? screen : "(none)");
    g_assert_nonnull(screen);
    g_assert_true(completed);
    g_assert_true(listed);
    g_assert_nonnull(strstr(screen, "address"));
}

/* Poll the pane until RE matches (5 s at most); returns the last screen. */
static char *tmux_wait_for(const char *socket, char **envp, GRegex *re)
{
    const char *capture[] = { "capture-pane", "-p", "-t", "0", NULL };
    char *screen = NULL;
    for (int attempt = 0; attempt < 50; attempt++) {
        g_usleep(100 * 1000);
        g_clear_pointer(&screen, g_free);
        if (tmux(socket, capture, envp, &screen) != 0)
            break;
        if (g_regex_match(re, screen, 0, NULL))
            break;
    }
    return screen;
}

/* The whole workflow on a terminal, against the test host: domains after
 * "add", then Tab Tab lists the free devices, then an address completes
 * across its colons. */
static void test_tmux_add_devices(void)
{
    g_autofree char *tmux_path = g_find_program_in_path("tmux");
    if (tmux_path == NULL) {
        g_test_skip("tmux not installed");
        return;
    }
    if (!have_bash_completion())
        return;
    g_autofree char *socket = g_build_filename(test_tmpdir(), "tmux-host.sock", NULL);
    g_autofree char *uri = host_uri();
    g_auto(GStrv) envp = child_environ();
    envp = g_environ_setenv(envp, "TERM", "xterm", TRUE);
    envp = g_environ_setenv(envp, "INPUTRC", "/dev/null", TRUE);
    envp = g_environ_setenv(envp, "PS1", "$ ", TRUE);
    envp = g_environ_setenv(envp, "HISTFILE", "/dev/null", TRUE);
    envp = g_environ_setenv(envp, "LIBVIRT_DEFAULT_URI", uri, TRUE);

    const char *start[] = { "new-session", "-d", "-x", "200", "-y", "50", "bash --norc --noprofile", NULL };
    if (tmux(socket, start, envp, NULL) != 0) {
        g_test_skip("cannot start a tmux session");
        return;
    }
    g_autofree char *completion = source_path("completions/virt-hostdev");
    g_autofree char *bindir = binary_dir();
    g_autofree char *setup = g_strdup_printf("PS1='$ '; export PATH='%s':\"$PATH\"; source %s; source '%s'; clear",
                                             bindir, BASH_COMPLETION_MAIN, completion);
    const char *send_setup[] = { "send-keys", "-t", "0", "-l", setup, NULL };
    const char *enter[] = { "send-keys", "-t", "0", "Enter", NULL };
    const char *tab[] = { "send-keys", "-t", "0", "Tab", NULL };
    const char *kill[] = { "kill-server", NULL };
    g_assert_cmpint(tmux(socket, send_setup, envp, NULL), ==, 0);
    g_assert_cmpint(tmux(socket, enter, envp, NULL), ==, 0);
    g_usleep(300 * 1000);

    /* "add w" Tab: both domains start with w; "i" Tab completes win11 */
    const char *type_add[] = { "send-keys", "-t", "0", "-l", "virt-hostdev add wi", NULL };
    g_assert_cmpint(tmux(socket, type_add, envp, NULL), ==, 0);
    g_assert_cmpint(tmux(socket, tab, envp, NULL), ==, 0);
    g_autoptr(GRegex) domain_done = g_regex_new("\\$ virt-hostdev add win11\\s*$", G_REGEX_MULTILINE, 0, NULL);
    g_autofree char *screen1 = tmux_wait_for(socket, envp, domain_done);

    /* Tab Tab: the free devices, listed in columns */
    g_assert_cmpint(tmux(socket, tab, envp, NULL), ==, 0);
    g_usleep(200 * 1000);
    g_assert_cmpint(tmux(socket, tab, envp, NULL), ==, 0);
    g_autoptr(GRegex) listed = g_regex_new("pci_0001_40_00_0", 0, 0, NULL);
    g_autofree char *screen2 = tmux_wait_for(socket, envp, listed);

    /* an address across its colons: "0001:4" Tab -> 0001:40:00.0 */
    const char *type_addr[] = { "send-keys", "-t", "0", "-l", "0001:4", NULL };
    g_assert_cmpint(tmux(socket, type_addr, envp, NULL), ==, 0);
    g_assert_cmpint(tmux(socket, tab, envp, NULL), ==, 0);
    g_autoptr(GRegex) addr_done = g_regex_new("\\$ virt-hostdev add win11 0001:40:00\\.0\\s*$", G_REGEX_MULTILINE, 0, NULL);
    g_autofree char *screen3 = tmux_wait_for(socket, envp, addr_done);
    tmux(socket, kill, envp, NULL);

    g_test_message("screen after 'add wi' Tab:\n%s", screen1 ? screen1 : "(none)");
    g_test_message("screen after Tab Tab:\n%s", screen2 ? screen2 : "(none)");
    g_test_message("screen after '0001:4' Tab:\n%s", screen3 ? screen3 : "(none)");
    g_assert_nonnull(screen3);
    g_assert_true(g_regex_match(domain_done, screen1, 0, NULL));
    for (const char *const *d = free_devices; *d; d++)
        if (strstr(screen2, *d) == NULL)
            g_error("Tab Tab after 'virt-hostdev add win11 ' did not list %s:\n%s", *d, screen2);
    g_assert_null(strstr(screen2, "0000:03:00.1"));
    g_assert_null(strstr(screen2, "pci_0000_00_01_0"));
    g_assert_true(g_regex_match(addr_done, screen3, 0, NULL));
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    g_test_add_func("/docs/bash/words", test_bash_words);
    g_test_add_func("/docs/bash/values", test_bash_values);
    g_test_add_func("/docs/bash/files", test_bash_files);
    g_test_add_func("/docs/bash/connect-and-failures", test_bash_connect_and_failures);
    g_test_add_func("/docs/bash/tmux", test_tmux_tab_tab);
    g_test_add_func("/docs/bash/tmux-add-devices", test_tmux_add_devices);
    g_test_add_func("/docs/bash/host-default-uri", test_bash_host_default_uri);
    g_test_add_func("/docs/bash/host-connect", test_bash_host_connect);
    g_test_add_func("/docs/bash/host-unreachable", test_bash_host_unreachable);
    g_test_add_func("/docs/bash/host-issue16", test_bash_host_issue16);
    g_test_add_func("/docs/completion-latency", test_completion_latency);
    return g_test_run();
}

