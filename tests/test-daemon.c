/* The libvirt verbs against a real libvirtd on qemu:///system, started by
 * this program (and stopped by its pid at the end) unless one already
 * answers. Debian 12 ships the monolithic libvirtd; it starts once the
 * libvirt-qemu user and the kvm and libvirt-qemu groups exist, which this
 * program creates when missing (root only; otherwise every case skips).
 *
 * SAFETY: these tests only define, edit and undefine inactive domains named
 * vh-test-* (and vhcorp-*: real-data corpus documents with our add results,
 * whose hostdev sources are fixtures, not this host's devices); hostdevs are managed='yes' and no domain is ever started, so no
 * host device is ever detached. Nothing here runs detach, reattach, reset or
 * --managed no: those are proven inside the disposable emulated guest. */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <json-glib/json-glib.h>

#include "realcorpus.h"
#include "testutil.h"

#define URI "qemu:///system"

static GPid daemon_pid;
/* the URI the virt-hostdev cases connect to: URI, or the same daemon over
 * qemu+ssh through the sshd this program starts on loopback */
static const char *vh_uri = URI;
static char *remote_uri;
static char *remote_skip;
static GPid sshd_pid;
static char *skip_reason;
static char *real_device;  /* a PCI address this host has, for add */
static guint domain_serial;

static int run_argv(const char *const *argv, char **out, char **err)
{
    int status = -1;
    g_autoptr(GError) error = NULL;
    /* output not asked for must not reach our stdout: it is the TAP stream */
    GSpawnFlags flags = G_SPAWN_SEARCH_PATH | (out ? 0 : G_SPAWN_STDOUT_TO_DEV_NULL) | (err ? 0 : G_SPAWN_STDERR_TO_DEV_NULL);
    if (!g_spawn_sync(NULL, (char **)argv, NULL, flags, NULL, NULL, out, err, &status, &error)) {
        g_test_message("%s: %s", argv[0], error->message);
        return -1;
    }
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

/* virsh -c qemu:///system ARGS...; returns stdout, NULL on failure */
static char *virsh(const char *first, ...) G_GNUC_NULL_TERMINATED;
static char *virsh(const char *first, ...)
{
    const char *prefix[] = { "virsh", "-q", "-c", URI, NULL };
    va_list ap;
    va_start(ap, first);
    g_autoptr(GPtrArray) argv = test_argv_va(prefix, first, ap);
    va_end(ap);
    char *out = NULL;
    g_autofree char *err = NULL;
    if (run_argv((const char *const *)argv->pdata, &out, &err) != 0) {
        g_test_message("virsh %s failed: %s", first, err ? err : "");
        g_free(out);
        return NULL;
    }
    return out;
}

static gboolean daemon_answers(void)
{
    const char *argv[] = { "virsh", "-c", URI, "version", NULL };
    g_autofree char *out = NULL, *err = NULL;
    return run_argv(argv, &out, &err) == 0;
}

static gboolean ensure_account(void)
{
    /* the accounts libvirt-daemon-system would create */
    const char *const groups[] = { "kvm", "libvirt-qemu" };
    for (guint i = 0; i < G_N_ELEMENTS(groups); i++) {
        const char *get[] = { "getent", "group", groups[i], NULL };
        const char *add[] = { "groupadd", "-r", groups[i], NULL };
        if (run_argv(get, NULL, NULL) != 0 && run_argv(add, NULL, NULL) != 0)
            return FALSE;
    }
    const char *get[] = { "getent", "passwd", "libvirt-qemu", NULL };
    const char *add[] = { "useradd", "-r", "-g", "libvirt-qemu", "-G", "kvm", "-d", "/var/lib/libvirt",
                          "-s", "/usr/sbin/nologin", "libvirt-qemu", NULL };
    if (run_argv(get, NULL, NULL) != 0 && run_argv(add, NULL, NULL) != 0)
        return FALSE;
    g_mkdir_with_parents("/var/log/libvirt/qemu", 0755);
    /* what Debian's udev rule does (GROUP="kvm", MODE="0660"): without it
     * libvirt finds the cached QEMU capabilities (probed with KVM) stale on
     * every define and probes QEMU again, 2 to 50 s each time */
    if (g_file_test("/dev/kvm", G_FILE_TEST_EXISTS)) {
        const char *chgrp[] = { "chgrp", "kvm", "/dev/kvm", NULL };
        const char *chmod[] = { "chmod", "0660", "/dev/kvm", NULL };
        run_argv(chgrp, NULL, NULL);
        run_argv(chmod, NULL, NULL);
    }
    return TRUE;
}

/* In the daemon, before exec: die with this test program, even when an
 * assertion aborts it before stop_daemon() runs. */
static void die_with_parent(gpointer data)
{
    (void)data;
    prctl(PR_SET_PDEATHSIG, SIGTERM);
}

static void start_daemon(void)
{
    if (daemon_answers()) {
        g_test_message("using the libvirtd that already answers on " URI);
        return;
    }
    if (geteuid() != 0) {
        skip_reason = g_strdup("a libvirtd on " URI " needs root");
        return;
    }
    if (!g_file_test("/usr/sbin/libvirtd", G_FILE_TEST_IS_EXECUTABLE)) {
        skip_reason = g_strdup("/usr/sbin/libvirtd is not installed (package libvirt-daemon)");
        return;
    }
    if (!ensure_account()) {
        skip_reason = g_strdup("cannot create the libvirt-qemu user and groups");
        return;
    }
    g_autofree char *pidfile = g_build_filename(test_tmpdir(), "libvirtd.pid", NULL);
    g_autofree char *pidarg = g_strconcat("--pid-file=", pidfile, NULL);
    g_autofree char *log = g_build_filename(test_tmpdir(), "libvirtd.log", NULL);
    const char *argv[] = { "/usr/sbin/libvirtd", pidarg, NULL };
    g_autoptr(GError) error = NULL;
    /* libvirtd logs errors about missing dbus/udev/dmidecode: keep them out
     * of the TAP stream */
    int log_fd = g_open(log, O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (!g_spawn_async_with_fds(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD, die_with_parent, NULL, &daemon_pid, -1,
                                log_fd, log_fd, &error)) {
        skip_reason = g_strdup_printf("cannot start libvirtd: %s", error->message);
        close(log_fd);
        return;
    }
    close(log_fd);
    gint64 start = g_get_monotonic_time();
    while (!daemon_answers()) {
        if (waitpid(daemon_pid, NULL, WNOHANG) == daemon_pid) {
            skip_reason = g_strdup_printf("libvirtd exited at start (log: %s)", log);
            daemon_pid = 0;
            return;
        }
        if (g_get_monotonic_time() - start > 60 * G_USEC_PER_SEC) {
            skip_reason = g_strdup("libvirtd did not answer within 60 s");
            return;
        }
        g_usleep(200 * 1000);
    }
    g_test_message("libvirtd (pid %d) ready in %.1f s", daemon_pid, (g_get_monotonic_time() - start) / 1e6);
}

static void stop_daemon(void)
{
    if (daemon_pid <= 0)
        return;
    kill(daemon_pid, SIGTERM);
    for (int i = 0; i < 100 && waitpid(daemon_pid, NULL, WNOHANG) != daemon_pid; i++)
        g_usleep(100 * 1000);
    kill(daemon_pid, SIGKILL);
    waitpid(daemon_pid, NULL, WNOHANG);
    g_spawn_close_pid(daemon_pid);
}

/* A PCI address of this host, not a bridge nor one the host needs itself
 * (its disk or NIC: "(host)"), read through virt-hostdev list. */
static void pick_real_device(void)
{
    const char *argv[] = { "-c", URI, "list", NULL };
    g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, argv);
    if (r->rc != 0)
        return;
    g_auto(GStrv) lines = g_strsplit(r->out, "\n", -1);
    for (char **l = lines; *l && real_device == NULL; l++) {
        char name[64], address[32], cls[32];
        if (sscanf(*l, "%63s %31s %31s", name, address, cls) == 3 && g_str_has_prefix(name, "pci_") &&
            strcmp(cls, "bridge") != 0 && !strstr(*l, " (host) "))
            real_device = g_strdup(address);
    }
}

/* Domains a crashed earlier run left behind (vh-test-PID-N, vhcorp-PID-N whose PID is
 * gone; a run going on beside this one keeps its own). */
static void undefine_leftovers(void)
{
    g_autofree char *names = virsh("list", "--all", "--name", NULL);
    g_auto(GStrv) lines = g_strsplit(names ? names : "", "\n", -1);
    for (char **l = lines; *l; l++) {
        int pid = 0;
        if ((sscanf(*l, "vh-test-%d-", &pid) == 1 || sscanf(*l, "vhcorp-%d-", &pid) == 1) && pid > 0 &&
            (kill(pid, 0) == 0 || errno != ESRCH))
            continue;
        if (g_str_has_prefix(*l, "vh-test-") || g_str_has_prefix(*l, "vhcorp-")) {
            g_autofree char *out = virsh("undefine", *l, NULL);
            (void)out;
        }
    }
}

static gboolean need_daemon(void)
{
    if (skip_reason) {
        g_test_skip(skip_reason);
        return FALSE;
    }
    return TRUE;
}

/* ---- a scratch domain per test ---- */

typedef struct {
    char *name;
} Scratch;

static const char domain_template[] =
    "<domain type='qemu'>\n"
    "  <name>%s</name>\n"
    "  <memory unit='MiB'>64</memory>\n"
    "  <vcpu>1</vcpu>\n"
    "  <os><type arch='x86_64' machine='q35'>hvm</type><boot dev='hd'/></os>\n"
    "  <devices>\n"
    "    <emulator>/usr/bin/qemu-system-x86_64</emulator>\n"
    "%s"
    "  </devices>\n"
    "</domain>\n";

static char *scratch_define(Scratch *sc, const char *extra_devices)
{
    sc->name = g_strdup_printf("vh-test-%d-%u", (int)getpid(), ++domain_serial);
    g_autofree char *xml = g_strdup_printf(domain_template, sc->name, extra_devices ? extra_devices : "");
    g_autofree char *path = g_build_filename(test_tmpdir(), "domain.xml", NULL);
    g_assert_true(g_file_set_contents(path, xml, -1, NULL));
    g_autofree char *out = virsh("define", path, NULL);
    g_assert_nonnull(out);
    return virsh("dumpxml", "--inactive", "--security-info", sc->name, NULL);
}

static void scratch_undefine(Scratch *sc)
{
    g_autofree char *out = virsh("undefine", sc->name, NULL);
    (void)out;
    g_free(sc->name);
}

static char *dumpxml(const Scratch *sc)
{
    return virsh("dumpxml", "--inactive", "--security-info", sc->name, NULL);
}

static CmdResult *vh_env(const char *const *env, const char *first, ...) G_GNUC_NULL_TERMINATED;
static CmdResult *vh_env(const char *const *env, const char *first, ...)
{
    g_autoptr(GPtrArray) argv = g_ptr_array_new();
    g_ptr_array_add(argv, (gpointer) "-c");
    g_ptr_array_add(argv, (gpointer)vh_uri);
    va_list ap;
    va_start(ap, first);
    for (const char *a = first; a; a = va_arg(ap, const char *)) {
        /* the safety rule, enforced: nothing here may detach */
        g_assert_cmpstr(a, !=, "detach");
        g_assert_cmpstr(a, !=, "reattach");
        g_assert_cmpstr(a, !=, "--reattach");
        g_assert_cmpstr(a, !=, "no");
        g_ptr_array_add(argv, (gpointer)a);
    }
    va_end(ap);
    g_ptr_array_add(argv, NULL);
    CmdResult *r = cmd_runv(env, NULL, (const char *const *)argv->pdata);
    /* over qemu+ssh the host-critical checks cannot read the far side's
     * /proc and /sys (issue 14a says so first); the cases judge the rest */
    if (vh_uri != (const char *)URI && g_str_has_prefix(r->err, "virt-hostdev: warning: host-critical devices")) {
        const char *nl = strchr(r->err, '\n');
        memmove(r->err, nl ? nl + 1 : r->err + strlen(r->err), strlen(nl ? nl + 1 : "") + 1);
    }
    return r;
}

#define vh(...) vh_env(NULL, __VA_ARGS__)

/* ---- cases ---- */

static void test_list_show(void)
{
    if (!need_daemon())
        return;
    gint64 start = g_get_monotonic_time();
    g_autoptr(CmdResult) list = vh("list", NULL);
    g_test_message("list on " URI ": %.1f ms", (g_get_monotonic_time() - start) / 1000.0);
    cmd_assert_exit(list, 0);
    g_assert_true(g_str_has_prefix(list->out, "NAME"));
    if (real_device == NULL) {
        g_test_skip("libvirt lists no PCI device on this host");
        return;
    }
    cmd_assert_contains(list->out, real_device);
    g_autoptr(CmdResult) show = vh("show", real_device, NULL);
    cmd_assert_exit(show, 0);
    cmd_assert_contains(show->out, "driver:");
    cmd_assert_contains(show->out, "assignable:");
}

/* The last PCI address on the sysfs path that /sys/CLASS_LINK leads to
 * ("dev/block/254:0", "class/net/eth0"), or NULL: found here from stat()
 * and the route table, not from mountinfo as virt-hostdev does. */
static char *pci_device_of(const char *class_link)
{
    g_autofree char *link = g_build_filename("/sys", class_link, NULL);
    g_autofree char *real = realpath(link, NULL);
    char *found = NULL;
    g_auto(GStrv) parts = g_strsplit(real ? real : "", "/", -1);
    for (char **p = parts; *p; p++) {
        unsigned d, b, s, f;
        char end;
        if (strlen(*p) == 12 && sscanf(*p, "%4x:%2x:%2x.%1x%c", &d, &b, &s, &f, &end) == 4) {
            g_free(found);
            found = g_strdup(*p);
        }
    }
    return found;
}

static char *default_route_iface(void)
{
    g_autofree char *routes = NULL;
    if (!g_file_get_contents("/proc/net/route", &routes, NULL, NULL))
        return NULL;
    g_auto(GStrv) lines = g_strsplit(routes, "\n", -1);
    for (char **l = lines; *l; l++) {
        char iface[64], dest[16], gw[16], flags[16], ref[16], use[16], metric[16], mask[16];
        if (sscanf(*l, "%63s %15s %15s %15s %15s %15s %15s %15s", iface, dest, gw, flags, ref, use, metric, mask) == 8 &&
            strcmp(dest, "00000000") == 0 && strcmp(mask, "00000000") == 0)
            return g_strdup(iface);
    }
    return NULL;
}

/* Whether / is a mount point of this process's view (it is not in a
 * chroot, where no tool can trace / to a device by its mounts). */
static gboolean root_is_mounted(void)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents("/proc/self/mountinfo", &text, NULL, NULL))
        return FALSE;
    g_auto(GStrv) lines = g_strsplit(text, "\n", -1);
    for (char **l = lines; *l; l++) {
        g_auto(GStrv) f = g_strsplit(*l, " ", 6);
        if (g_strv_length(f) >= 5 && strcmp(f[4], "/") == 0)
            return TRUE;
    }
    return FALSE;
}

/* This machine's own root disk and default-route NIC: show says
 * host-critical, list marks them, completion leaves them out, and add
 * refuses them even with --force (read-only: the domain is inactive and
 * nothing is defined). */
static void test_host_critical_here(void)
{
    if (!need_daemon())
        return;
    struct stat st;
    g_assert_cmpint(stat("/", &st), ==, 0);
    g_autofree char *dev_link = g_strdup_printf("dev/block/%u:%u", major(st.st_dev), minor(st.st_dev));
    g_autofree char *disk = root_is_mounted() ? pci_device_of(dev_link) : NULL;
    g_autofree char *iface = default_route_iface();
    g_autofree char *nic_link = iface ? g_strdup_printf("class/net/%s", iface) : NULL;
    g_autofree char *nic = nic_link ? pci_device_of(nic_link) : NULL;
    g_test_message("root on %s (%s), default route on %s (%s)", dev_link, disk ? disk : "no PCI device",
                   iface ? iface : "-", nic ? nic : "no PCI device");
    if (disk == NULL && nic == NULL) {
        g_test_skip("neither / (a mount here, not a chroot's directory) nor the default route is on a PCI device here");
        return;
    }
    Scratch sc;
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) complete = vh("__complete", "devices", NULL);
    g_autoptr(CmdResult) list = vh("list", NULL);
    const char *const devices[] = { disk, nic };
    const char *const what[] = { "holds / (", "default route" };
    for (guint i = 0; i < G_N_ELEMENTS(devices); i++) {
        if (devices[i] == NULL)
            continue;
        g_autoptr(CmdResult) show = vh("show", devices[i], NULL);
        cmd_assert_exit(show, 0);
        g_test_message("%s", show->out);
        cmd_assert_contains(show->out, "  host-critical:  yes — ");
        cmd_assert_contains(show->out, what[i]);
        g_autoptr(CmdResult) js = vh("--json", "show", devices[i], NULL);
        cmd_assert_exit(js, 0);
        g_autoptr(JsonNode) doc = test_parse_json_object(js->out);
        JsonArray *reasons = json_object_get_array_member(json_node_get_object(doc), "host_critical");
        g_assert_cmpuint(json_array_get_length(reasons), >=, 1);
        g_autofree char *row = g_strdup_printf("  %s  ", devices[i]);
        const char *line = strstr(list->out, row);
        g_assert_nonnull(line);
        g_autofree char *row_text = g_strndup(line, strcspn(line, "\n"));
        cmd_assert_contains(row_text, " (host) ");
        cmd_assert_lacks(complete->out, devices[i]);
        g_autoptr(CmdResult) add = vh("add", sc.name, devices[i], "--force", NULL);
        cmd_assert_error(add, 1, " is host-critical: ", what[i], "--force does not override this", NULL);
    }
    g_autofree char *after = dumpxml(&sc);
    g_assert_cmpstr(before, ==, after);
    scratch_undefine(&sc);
}

/* A remote host: the same daemon through libvirt's ext transport under a
 * URI with a host part (a relay of stdin/stdout to the daemon's socket
 * stands in for ssh). The check cannot be made there: one warning, show
 * says "not checked", and the rest of the verdict stands. */
static void test_host_critical_remote(void)
{
    if (!need_daemon() || real_device == NULL)
        return;
    g_autofree char *python = g_find_program_in_path("python3");
    if (python == NULL) {
        g_test_skip("python3 (the relay) is not installed");
        return;
    }
    g_autofree char *relay = g_build_filename(test_tmpdir(), "relay.py", NULL);
    g_autofree char *command = g_build_filename(test_tmpdir(), "relay.sh", NULL);
    g_assert_true(g_file_set_contents(relay,
                                      "import os, select, socket, sys\n"
                                      "s = socket.socket(socket.AF_UNIX)\n"
                                      "s.connect('/var/run/libvirt/libvirt-sock')\n"
                                      "while True:\n"
                                      "    r = select.select([0, s], [], [])[0]\n"
                                      "    d = os.read(0, 65536) if 0 in r else s.recv(65536)\n"
                                      "    if not d: break\n"
                                      "    s.sendall(d) if 0 in r else os.write(1, d)\n",
                                      -1, NULL));
    g_autofree char *script = g_strdup_printf("#!/bin/sh\nexec python3 %s\n", relay);
    g_assert_true(g_file_set_contents(command, script, -1, NULL));
    g_assert_cmpint(g_chmod(command, 0755), ==, 0);
    g_autofree char *uri = g_strdup_printf("qemu+ext://vh-remote.invalid/system?command=%s", command);
    const char *argv[] = { "-c", uri, "show", real_device, NULL };
    g_autoptr(CmdResult) show = cmd_runv(NULL, NULL, argv);
    cmd_assert_exit(show, 0);
    cmd_assert_contains(show->out, "  host-critical:  not checked (a remote host)\n");
    cmd_assert_lacks(show->out, "reset methods:");
    g_autofree char *warning = g_strdup_printf("virt-hostdev: warning: host-critical devices (the host's root disk, "
                                               "swap, default route, console) cannot be checked on %s: ", uri);
    cmd_assert_contains(show->err, warning);
    g_assert_cmpuint(test_count(show->err, "cannot be checked"), ==, 1);
    Scratch sc;
    g_autofree char *before = scratch_define(&sc, NULL);
    const char *add_argv[] = { "-c", uri, "add", sc.name, real_device, "--dry-run", "--force", NULL };
    g_autoptr(CmdResult) add = cmd_runv(NULL, NULL, add_argv);
    cmd_assert_exit(add, 0);
    g_assert_cmpuint(test_count(add->err, "cannot be checked"), ==, 1);
    g_autofree char *after = dumpxml(&sc);
    g_assert_cmpstr(before, ==, after);
    scratch_undefine(&sc);
}

/* add defines, the change is exactly the new element, remove undoes it. */
static void test_add_remove_roundtrip(void)
{
    if (!need_daemon() || real_device == NULL)
        return;
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) add = vh("add", sc.name, real_device, "--guest-address", "auto", "--alias", "pass0", "--force", NULL);
    cmd_assert_exit(add, 0);
    cmd_assert_contains(add->err, "defined domain");
    g_autofree char *after = dumpxml(&sc);
    g_autofree char *src = g_strdup_printf("bus='0x%.2s' slot='0x%.2s' function='0x%.1s'", real_device + 5,
                                           real_device + 8, real_device + 11);
    cmd_assert_contains(after, "<hostdev mode='subsystem' type='pci' managed='yes'>");
    cmd_assert_contains(after, src);
    cmd_assert_contains(after, "<alias name='ua-pass0'/>");

    /* completion sees the domain and what it holds */
    const char *domains[] = { "-c", vh_uri, "__complete", "domains", NULL };
    g_autoptr(CmdResult) names = cmd_runv(NULL, NULL, domains);
    cmd_assert_contains(names->out, sc.name);
    const char *held[] = { "-c", vh_uri, "__complete", "held", sc.name, NULL };
    g_autoptr(CmdResult) holds = cmd_runv(NULL, NULL, held);
    g_autofree char *held_line = g_strconcat(real_device, "\n", NULL);
    g_assert_cmpstr(holds->out, ==, held_line);

    g_autoptr(CmdResult) rm = vh("remove", sc.name, "--alias", "pass0", NULL);
    cmd_assert_exit(rm, 0);
    g_autofree char *again = dumpxml(&sc);
    /* libvirt added the root port that auto placement asked for; the
     * hostdev itself is gone */
    cmd_assert_lacks(again, "<hostdev");
    g_assert_nonnull(before);
    scratch_undefine(&sc);
}

/* What show calls not assignable, add refuses: exit 1 naming the reasons,
 * the definition as it was; --force defines it. This host's own bridge (a
 * host bridge or root port; every PC has one) is the device. */
static void test_policy_refusal(void)
{
    if (!need_daemon())
        return;
    const char *argv[] = { "-c", vh_uri, "list", "--class", "bridge", "--names", NULL };
    g_autoptr(CmdResult) bridges = cmd_runv(NULL, NULL, argv);
    cmd_assert_exit(bridges, 0);
    g_auto(GStrv) names = g_strsplit(bridges->out, "\n", 2);
    if (names[0] == NULL || *names[0] == '\0') {
        g_test_skip("libvirt lists no PCI bridge on this host");
        return;
    }
    g_autoptr(CmdResult) show = vh("show", names[0], NULL);
    cmd_assert_contains(show->out, "assignable:     no");
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) refused = vh("add", sc.name, names[0], NULL);
    cmd_assert_error(refused, 1, "is not assignable", "bridge", "(--force overrides)", NULL);
    g_autofree char *unchanged = dumpxml(&sc);
    g_assert_cmpstr(before, ==, unchanged);
    g_autoptr(CmdResult) forced = vh("add", sc.name, names[0], "--force", NULL);
    cmd_assert_exit(forced, 0);
    cmd_assert_contains(forced->err, "is not assignable (--force)");
    g_autofree char *after = dumpxml(&sc);
    cmd_assert_contains(after, "<hostdev mode='subsystem' type='pci' managed='yes'>");
    scratch_undefine(&sc);
}

/* libvirt accepts a hostdev for hardware that does not exist; we do not. */
static void test_unknown_device(void)
{
    if (!need_daemon())
        return;
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) r = vh("add", sc.name, "0000:7e:1f.7", NULL);
    g_autofree char *scheme = g_strndup(vh_uri, (gsize)(strchr(vh_uri, ':') - vh_uri));
    cmd_assert_error(r, 2, "no device 0000:7e:1f.7 on ", scheme, NULL);
    g_autofree char *after = dumpxml(&sc);
    g_assert_cmpstr(before, ==, after);
    scratch_undefine(&sc);
}

/* A stale entry, whose host device is gone, is removed by address. */
static void test_remove_stale(void)
{
    if (!need_daemon())
        return;
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc,
        "    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
        "      <source><address domain='0x0000' bus='0x7e' slot='0x1f' function='0x7'/></source>\n"
        "    </hostdev>\n");
    cmd_assert_contains(before, "bus='0x7e'");
    g_autoptr(CmdResult) r = vh("remove", sc.name, "0000:7e:1f.7", NULL);
    cmd_assert_exit(r, 0);
    g_autofree char *after = dumpxml(&sc);
    cmd_assert_lacks(after, "<hostdev");
    scratch_undefine(&sc);
}

static void test_held_elsewhere(void)
{
    if (!need_daemon() || real_device == NULL)
        return;
    Scratch a = { 0 }, b = { 0 };
    g_autofree char *a0 = scratch_define(&a, NULL);
    g_autofree char *b0 = scratch_define(&b, NULL);
    g_autoptr(CmdResult) first = vh("add", a.name, real_device, "--force", NULL);
    cmd_assert_exit(first, 0);
    g_autoptr(CmdResult) second = vh("add", b.name, real_device, NULL);
    g_autofree char *who = g_strdup_printf("held by the definition of domain '%s' (shut off)", a.name);
    cmd_assert_error(second, 1, who, "--force", NULL);
    g_autofree char *b1 = dumpxml(&b);
    g_assert_cmpstr(b0, ==, b1);
    g_autoptr(CmdResult) forced = vh("add", b.name, real_device, "--force", NULL);
    cmd_assert_exit(forced, 0);
    g_autofree char *b2 = dumpxml(&b);
    cmd_assert_contains(b2, "<hostdev");
    g_assert_nonnull(a0);
    scratch_undefine(&a);
    scratch_undefine(&b);
}

/* A define libvirt refuses leaves the old definition as it was. */
static void test_define_refused(void)
{
    if (!need_daemon() || real_device == NULL)
        return;
    /* a per-device boot order in a domain that boots with <os><boot>:
     * libvirt refuses the mix */
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) boot = vh("add", sc.name, real_device, "--boot-order", "1", "--force", "--quiet", NULL);
    cmd_assert_error(boot, 1, "libvirt refused the new definition", "boot", NULL);
    g_autofree char *after = dumpxml(&sc);
    g_assert_cmpstr(before, ==, after);
    scratch_undefine(&sc);

}

/* PCI addresses of this host that are not bridges, at most MAX. */
static GPtrArray *real_devices(guint max)
{
    GPtrArray *out = g_ptr_array_new_with_free_func(g_free);
    const char *argv[] = { "-c", URI, "list", NULL };
    g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, argv);
    g_auto(GStrv) lines = g_strsplit(r->rc == 0 ? r->out : "", "\n", -1);
    for (char **l = lines; *l && out->len < max; l++) {
        char name[64], address[32], cls[32];
        if (sscanf(*l, "%63s %31s %31s", name, address, cls) == 3 && g_str_has_prefix(name, "pci_") &&
            strcmp(cls, "bridge") != 0)
            g_ptr_array_add(out, g_strdup(address));
    }
    return out;
}

/* The host devices the definition of SC holds, one address a line. */
static char *held(const Scratch *sc)
{
    const char *argv[] = { "-c", vh_uri, "__complete", "held", sc->name, NULL };
    g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, argv);
    cmd_assert_exit(r, 0);
    return g_strdup(r->out);
}

static gboolean holds(const char *list, const char *address)
{
    g_autofree char *line = g_strconcat(address, "\n", NULL);
    g_autofree char *inner = g_strconcat("\n", line, NULL);
    return g_str_has_prefix(list, line) || strstr(list, inner) != NULL;
}

/* One wave: every device's VERB at once, each a process of its own; then
 * the definition read back. Returns how many exited 0 without their change
 * being in it (lost updates); *OK counts those that exited 0. */
static guint concurrent_wave(const Scratch *sc, GPtrArray *devices, const char *verb, guint *ok)
{
    g_autoptr(GArray) pids = g_array_new(FALSE, FALSE, sizeof(GPid));
    for (guint i = 0; i < devices->len; i++) {
        const char *argv[] = { g_getenv("VIRT_HOSTDEV_BINARY"), "-q", "-c", vh_uri, verb, sc->name, devices->pdata[i],
                               /* never started: a device the host needs is safe here */
                               strcmp(verb, "add") == 0 ? "--force" : NULL, "--allow-host-critical", NULL };
        GPid pid;
        g_autoptr(GError) error = NULL;
        g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
                                    G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                                    NULL, NULL, &pid, &error));
        g_array_append_val(pids, pid);
    }
    g_autoptr(GArray) codes = g_array_new(FALSE, FALSE, sizeof(int));
    for (guint i = 0; i < pids->len; i++) {
        int status = 0;
        waitpid(g_array_index(pids, GPid, i), &status, 0);
        int code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        g_array_append_val(codes, code);
    }
    g_autofree char *now = held(sc);
    guint lost = 0;
    for (guint i = 0; i < devices->len; i++) {
        if (g_array_index(codes, int, i) != 0)
            continue;
        (*ok)++;
        if (holds(now, devices->pdata[i]) != (strcmp(verb, "add") == 0))
            lost++;
    }
    return lost;
}

/* Three virt-hostdev processes at once on one domain, 54 operations: every
 * one that exited 0 is in the final definition (issue 13: 31 of 53 were
 * lost before the per-domain lock and the read-back). */
static void test_concurrent_processes(void)
{
    if (!need_daemon())
        return;
    g_autoptr(GPtrArray) devices = real_devices(3);
    if (devices->len < 3) {
        g_test_skip("fewer than 3 PCI devices that are not bridges");
        return;
    }
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    guint ok = 0, lost = 0, ops = 0;
    for (int round = 0; round < 9; round++) {
        lost += concurrent_wave(&sc, devices, "add", &ok);
        lost += concurrent_wave(&sc, devices, "remove", &ok);
        ops += 2 * devices->len;
        /* the next round starts from an empty definition */
        g_autofree char *left = held(&sc);
        g_assert_cmpstr(left, ==, "");
    }
    g_test_message("%u operations from %u processes at once: %u exited 0, %u of them lost", ops, devices->len, ok,
                   lost);
    g_assert_cmpuint(ops, >=, 50);
    g_assert_cmpuint(ok, ==, ops);
    g_assert_cmpuint(lost, ==, 0);
    g_assert_nonnull(before);
    scratch_undefine(&sc);
}

/* Someone else (virsh) keeps defining the domain while add runs: the add
 * exits 0 only when its change is in the definition read back, and theirs
 * is kept too. */
static void test_concurrent_other_tool(void)
{
    if (!need_daemon() || real_device == NULL)
        return;
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autofree char *script = g_strdup_printf(
        "i=0; while [ $i -lt 40 ]; do virsh -q -c " URI " desc %s --config --new-desc other-$i >/dev/null; "
        "i=$((i + 1)); done", sc.name);
    const char *argv[] = { "sh", "-c", script, NULL };
    GPid pid;
    g_assert_true(g_spawn_async(NULL, (char **)argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_SEARCH_PATH, NULL,
                                NULL, &pid, NULL));
    g_autoptr(CmdResult) add = vh("add", sc.name, real_device, "--force", NULL);
    waitpid(pid, NULL, 0);
    g_spawn_close_pid(pid);
    g_autofree char *now = held(&sc);
    if (add->rc == 0)
        g_assert_true(holds(now, real_device));
    else
        cmd_assert_contains(add->err, "someone else keeps defining it");
    g_autofree char *after = dumpxml(&sc);
    cmd_assert_contains(after, "other-39");
    g_assert_nonnull(before);
    scratch_undefine(&sc);
}

static void test_live_needs_running(void)
{
    if (!need_daemon() || real_device == NULL)
        return;
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) r = vh("add", sc.name, real_device, "--live", NULL);
    cmd_assert_error(r, 1, "is not running", NULL);
    g_autofree char *after = dumpxml(&sc);
    g_assert_cmpstr(before, ==, after);
    scratch_undefine(&sc);
}

/* --guest-address auto on the domain index fixtures (offline, a host
 * address no device has): libvirt defines each result with
 * VIR_DOMAIN_DEFINE_VALIDATE and keeps the address we wrote. */
static void test_index_placements(void)
{
    if (!need_daemon())
        return;
    static const char *const fixtures[] = {
        "q35-virtinstall", "q35-one-device", "no-devices", "i440fx-full-bridge", "i440fx-full",
        "multifunction-unmarked", "i440fx-pxb-full",
    };
    for (guint i = 0; i < G_N_ELEMENTS(fixtures); i++) {
        g_autofree char *rel = g_strdup_printf("domain/index/%s.xml", fixtures[i]);
        g_autofree char *path = test_copy_to_tmp(rel, "index-in.xml");
        g_autoptr(CmdResult) r = cmd_run(NULL, NULL, "add", "--file", path, "0000:7f:00.0", "--guest-address", "auto",
                                         NULL);
        cmd_assert_exit(r, 0);
        /* what the edit wrote: the last guest address of the document */
        const char *hostdev = strstr(r->out, "bus='0x7f' slot='0x00' function='0x0'/>");
        g_assert_nonnull(hostdev);
        const char *guest = strstr(hostdev, "<address type='pci'");
        g_assert_nonnull(guest);
        g_autofree char *wanted = g_strndup(guest, (gsize)(strchr(guest, '>') - guest + 1));
        /* a name of this run's own, and the qemu domain type (no KVM needed) */
        g_autofree char *name = g_strdup_printf("vh-test-%d-%u", (int)getpid(), ++domain_serial);
        GRegex *re = g_regex_new("<name>[^<]*</name>", 0, 0, NULL);
        g_autofree char *named = g_regex_replace_literal(re, r->out, -1, 0, "<name>%NAME%</name>", G_REGEX_MATCH_DEFAULT,
                                                         NULL);
        g_regex_unref(re);
        g_auto(GStrv) parts = g_strsplit(named, "%NAME%", 2);
        g_autofree char *joined = g_strjoinv(name, parts);
        g_auto(GStrv) typed = g_strsplit(joined, "type='kvm'>", 2);
        g_autofree char *doc = g_strjoinv("type='qemu'>", typed);
        g_auto(GStrv) typed2 = g_strsplit(doc, "type=\"kvm\">", 2);
        g_autofree char *final = g_strjoinv("type=\"qemu\">", typed2);
        g_autofree char *out_path = g_build_filename(test_tmpdir(), "index-out.xml", NULL);
        g_assert_true(g_file_set_contents(out_path, final, -1, NULL));
        g_autofree char *defined = virsh("define", "--validate", out_path, NULL);
        if (defined == NULL)
            g_error("%s: libvirt refused the result", fixtures[i]);
        g_autofree char *dump = virsh("dumpxml", "--inactive", name, NULL);
        g_autofree char *gone = virsh("undefine", name, NULL);
        g_assert_nonnull(dump);
        if (strstr(dump, wanted) == NULL)
            g_error("%s: libvirt did not keep %s", fixtures[i], wanted);
    }
}

/* ---- issue 17: add results from the real-data corpus, defined ---- */

#define CORPUS_TARGET 100

/* virsh define --validate PATH; the error text, NULL when defined. */
static char *corpus_define(const char *path)
{
    const char *argv[] = { "virsh", "-q", "-c", URI, "define", "--validate", path, NULL };
    g_autofree char *out = NULL;
    char *err = NULL;
    if (run_argv(argv, &out, &err) == 0) {
        g_free(err);
        return NULL;
    }
    return err ? g_strstrip(err) : g_strdup("virsh failed");
}

static void corpus_undefine(const char *name)
{
    g_autofree char *out = virsh("undefine", name, NULL);
    (void)out;
}

typedef struct {
    guint tried, input_refused, add_refused, defined, kept;
    GPtrArray *offenders;
} CorpusTally;

/* Define RESULT (the add of DEVICE) as NAME, read it back, undefine it. */
static void corpus_define_result(CorpusTally *t, const RcDoc *d, const char *name, const char *result, guint bus)
{
    g_autofree char *path = g_build_filename(test_tmpdir(), "corpus-result.xml", NULL);
    g_assert_true(g_file_set_contents(path, result, -1, NULL));
    g_autofree char *err = corpus_define(path);
    if (err) {
        g_ptr_array_add(t->offenders, g_strdup_printf("%s: libvirt refused the result: %s", d->path, err));
        return;
    }
    t->defined++;
    g_autofree char *back = virsh("dumpxml", "--inactive", name, NULL);
    corpus_undefine(name);
    g_autoptr(GArray) wrote = rc_pins_of_bus(result, bus);
    g_autoptr(GArray) kept = rc_pins_of_bus(back, bus);
    if (rc_same_pins(wrote, kept)) {
        t->kept++;
        return;
    }
    RcPci w = wrote->len ? g_array_index(wrote, RcPci, 0) : (RcPci){ 0 };
    RcPci k = kept->len ? g_array_index(kept, RcPci, 0) : (RcPci){ 0 };
    g_ptr_array_add(t->offenders, g_strdup_printf("%s: we wrote %02x:%02x.%x, libvirt keeps %02x:%02x.%x", d->path,
                                                  w.bus, w.slot, w.function, k.bus, k.slot, k.function));
}

/* One corpus document: its input must define here (else it is not this
 * host's to judge), then each add result. Nothing stays defined. */
static void corpus_try(CorpusTally *t, const RcDoc *d, const char *const *devices)
{
    g_autofree char *text = NULL;
    if (!g_file_get_contents(d->path, &text, NULL, NULL))
        return;
    g_autofree char *name = g_strdup_printf("vhcorp-%d-%u", (int)getpid(), ++domain_serial);
    g_autofree char *renamed = rc_rename_domain(text, name);
    if (renamed == NULL)
        return;
    t->tried++;
    g_autofree char *in = g_build_filename(test_tmpdir(), "corpus-input.xml", NULL);
    g_assert_true(g_file_set_contents(in, renamed, -1, NULL));
    g_autofree char *err = corpus_define(in);
    if (err) {
        t->input_refused++;
        return;
    }
    corpus_undefine(name);
    static const guint bus[2] = { 0x6d, 0x6e };
    for (int k = 0; k < 2; k++) {
        const char *argv[] = { "add", "--file", in, devices[k], "--guest-address", "auto",
                               k ? "--all-functions" : NULL, NULL };
        g_autofree char *out = NULL, *aerr = NULL;
        if (test_run(argv, NULL, &out, &aerr) != 0) {
            t->add_refused++;
            continue;
        }
        corpus_define_result(t, d, name, out, bus[k]);
    }
}

static void test_corpus_defines(void)
{
    if (!need_daemon())
        return;
    g_autofree char *skip = NULL, *note = NULL;
    g_autoptr(GPtrArray) docs = rc_corpus_load(&skip, &note);
    if (docs == NULL) {
        g_test_skip(skip);
        return;
    }
    g_autofree char *nvme = test_data_path("realcorpus/pci_0000_6d_00_0.xml");
    g_autofree char *gpu = test_data_path("realcorpus/pci_0000_6e_00_0.xml");
    const char *devices[] = { nvme, gpu };
    CorpusTally t = { .offenders = g_ptr_array_new_with_free_func(g_free) };
    gint64 start = g_get_monotonic_time();
    /* virt-install's first, then libvirt's; x86_64 PC machines, accepted */
    for (int pass = 0; pass < 2; pass++)
        for (guint i = 0; i < docs->len && t.defined < CORPUS_TARGET + 20; i++) {
            const RcDoc *d = docs->pdata[i];
            if (d->virt_install == (pass == 0) && d->verdict == RC_ACCEPTED && d->x86 &&
                (d->family == RC_FAM_Q35 || d->family == RC_FAM_I440FX))
                corpus_try(&t, d, devices);
        }
    g_test_message("corpus defines: %u inputs tried, %u not definable here, %u adds refused; %u results defined "
                   "with --validate, %u kept every guest address we wrote (%.1f s)",
                   t.tried, t.input_refused, t.add_refused, t.defined, t.kept,
                   (g_get_monotonic_time() - start) / 1e6);
    for (guint i = 0; i < t.offenders->len && i < 20; i++)
        g_test_message("  %s", (char *)t.offenders->pdata[i]);
    guint offenders = t.offenders->len;
    g_ptr_array_unref(t.offenders);
    g_assert_cmpuint(offenders, ==, 0);
    g_assert_cmpuint(t.kept, >=, CORPUS_TARGET);
}

/* ---- issue 14: identity, verify, remap on the real daemon ---- */

/* A PCI device of this host that is no bridge and whose vendor:product no
 * other device has (so that verify has one candidate), or NULL. */
static char *unique_device(void)
{
    const char *argv[] = { "-c", URI, "list", NULL };
    g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, argv);
    g_auto(GStrv) lines = g_strsplit(r->rc == 0 ? r->out : "", "\n", -1);
    for (char **l = lines; *l; l++) {
        char name[64], address[32], cls[32], ids[32];
        if (sscanf(*l, "%63s %31s %31s %31s", name, address, cls, ids) != 4 || !g_str_has_prefix(name, "pci_") ||
            strcmp(cls, "bridge") == 0 || test_count(r->out, ids) != 1)
            continue;
        return g_strdup(address);
    }
    return NULL;
}

/* A definition whose hostdev names a device that "moved": libvirt keeps our
 * <metadata>; verify --record records the device, and after its recorded
 * address and source are shifted to one this host does not have (as a
 * renumbering leaves them), verify says moved and remap defines the source
 * back where the device is, read back from libvirt. Domain vh-test-PID-identity:
 * inactive, managed='yes', never started. */
static void test_identity_remap(void)
{
    if (!need_daemon())
        return;
    g_autofree char *dev = unique_device();
    if (dev == NULL) {
        g_test_skip("no PCI device with ids of its own on this host");
        return;
    }
    g_autofree char *name = g_strdup_printf("vh-test-%d-identity", (int)getpid());
    g_autofree char *src = g_strdup_printf("<address domain='0x%.4s' bus='0x%.2s' slot='0x%.2s' function='0x%.1s'/>",
                                           dev, dev + 5, dev + 8, dev + 11);
    g_autofree char *hostdev = g_strdup_printf("    <hostdev mode='subsystem' type='pci' managed='yes'>\n"
                                               "      <source>%s</source>\n    </hostdev>\n", src);
    g_autofree char *xml = g_strdup_printf(domain_template, name, hostdev);
    g_autofree char *path = g_build_filename(test_tmpdir(), "t14b.xml", NULL);
    g_assert_true(g_file_set_contents(path, xml, -1, NULL));
    g_autofree char *defined = virsh("define", path, NULL);
    g_assert_nonnull(defined);

    g_autoptr(CmdResult) unknown = vh("--json", "verify", name, NULL);
    cmd_assert_exit(unknown, 1);
    cmd_assert_contains(unknown->out, "\"status\" : \"unknown\"");
    g_autoptr(CmdResult) rec = vh("verify", name, "--record", NULL);
    cmd_assert_exit(rec, 0);
    g_autofree char *recorded = virsh("dumpxml", "--inactive", name, NULL);
    g_test_message("recorded:\n%s", recorded);
    /* libvirt writes <metadata> again with libxml2's double quotes */
    char q = strstr(recorded, "source=\"") ? '"' : '\'';
    g_autofree char *entry = g_strdup_printf("source=%c%s%c", q, dev, q);
    cmd_assert_contains(recorded, "http://virt-hostdev.org/xmlns/identity/1.0");
    cmd_assert_contains(recorded, entry);
    /* the subsystem ids libvirt does not report, from this host's sysfs */
    g_autofree char *sysfs = g_strdup_printf("/sys/bus/pci/devices/%s/subsystem_vendor", dev);
    g_autofree char *subsys = NULL;
    if (g_file_get_contents(sysfs, &subsys, NULL, NULL)) {
        g_autofree char *attr = g_strdup_printf("subsystem_vendor=%c%s%c", q, g_strstrip(subsys), q);
        cmd_assert_contains(recorded, attr);
    }

    /* the renumbering: bus 0xfe slot 0x1f, the same function */
    g_autofree char *gone = g_strdup_printf("0000:fe:1f.%c", dev[11]);
    g_autofree char *gone_src = g_strdup_printf("<address domain='0x0000' bus='0xfe' slot='0x1f' function='0x%c'/>",
                                                dev[11]);
    g_autofree char *gone_entry = g_strdup_printf("source=%c%s%c", q, gone, q);
    GString *shifted = g_string_new(recorded);
    g_assert_cmpuint(g_string_replace(shifted, src, gone_src, 1), ==, 1);
    g_assert_cmpuint(g_string_replace(shifted, entry, gone_entry, 1), ==, 1);
    g_assert_true(g_file_set_contents(path, shifted->str, -1, NULL));
    g_string_free(shifted, TRUE);
    g_autofree char *redefined = virsh("define", path, NULL);
    g_assert_nonnull(redefined);

    g_autoptr(CmdResult) moved = vh("verify", name, NULL);
    cmd_assert_exit(moved, 1);
    g_autofree char *line = g_strdup_printf("%s  moved      %s", gone, dev);
    cmd_assert_contains(moved->out, line);
    g_autoptr(CmdResult) remap = vh("remap", name, NULL);
    cmd_assert_exit(remap, 0);
    cmd_assert_contains(remap->err, "defined domain");
    g_autofree char *back = virsh("dumpxml", "--inactive", name, NULL);
    g_test_message("remapped:\n%s", back);
    cmd_assert_contains(back, src);
    cmd_assert_contains(back, entry);
    cmd_assert_lacks(back, gone_entry);
    g_autoptr(CmdResult) ok = vh("verify", name, NULL);
    cmd_assert_exit(ok, 0);
    /* a card of another subsystem (same chip, another board) is not it */
    g_autofree char *subsys_attr = g_strdup_printf("subsystem_product=%c", q);
    const char *at = strstr(back, subsys_attr);
    if (at) {
        GString *other = g_string_new(back);
        gsize off = (gsize)(at - back) + strlen(subsys_attr);
        g_string_overwrite(other, off, "0xdead");
        g_assert_true(g_file_set_contents(path, other->str, -1, NULL));
        g_string_free(other, TRUE);
        g_autofree char *again = virsh("define", path, NULL);
        g_assert_nonnull(again);
        g_autoptr(CmdResult) replaced = vh("verify", name, NULL);
        cmd_assert_exit(replaced, 1);
        g_autofree char *rline = g_strdup_printf("%s  replaced", dev);
        cmd_assert_contains(replaced->out, rline);
    }
    g_autofree char *out = virsh("undefine", name, NULL);
    g_assert_nonnull(out);
}

/* ---- the same daemon over qemu+ssh, through an sshd of our own ---- */

static gboolean write_file(const char *dir, const char *name, const char *text, char **path)
{
    *path = g_build_filename(dir, name, NULL);
    return g_file_set_contents(*path, text, -1, NULL);
}

static gboolean remote_answers(void)
{
    const char *argv[] = { "virsh", "-c", remote_uri, "version", NULL };
    g_autofree char *out = NULL, *err = NULL;
    return run_argv(argv, &out, &err) == 0;
}

/* A throwaway host key and client key, an sshd listening on 127.0.0.1 only
 * (a port of this run's own) that takes only that key, and an ssh wrapper
 * (libvirt's command= parameter) that keeps known_hosts in our directory.
 * libvirt runs virt-ssh-helper on the far side, which talks to URI. */
static void start_sshd(void)
{
    if (skip_reason || !g_file_test("/usr/sbin/sshd", G_FILE_TEST_IS_EXECUTABLE) || geteuid() != 0) {
        remote_skip = g_strdup(skip_reason ? skip_reason : "no /usr/sbin/sshd (openssh-server), or not root");
        return;
    }
    g_autofree char *dir = g_build_filename(test_tmpdir(), "ssh", NULL);
    g_mkdir_with_parents(dir, 0700);
    g_mkdir_with_parents("/run/sshd", 0755);
    g_autofree char *host_key = g_build_filename(dir, "host_key", NULL);
    g_autofree char *id = g_build_filename(dir, "id", NULL);
    const char *kh[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", host_key, NULL };
    const char *ki[] = { "ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", id, NULL };
    guint port = 20000 + (guint)getpid() % 20000;
    g_autofree char *pub = NULL, *pidfile = g_build_filename(dir, "sshd.pid", NULL);
    g_autofree char *idpub = g_strconcat(id, ".pub", NULL);
    g_autofree char *sshd_text = g_strdup_printf(
        "Port %u\nListenAddress 127.0.0.1\nHostKey %s\nPidFile %s\nAuthorizedKeysFile %s\n"
        "PermitRootLogin prohibit-password\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "UsePAM no\nStrictModes no\n", port, host_key, pidfile, idpub);
    g_autofree char *ssh_text = g_strdup_printf(
        "IdentityFile %s\nIdentitiesOnly yes\nUserKnownHostsFile %s/known_hosts\nStrictHostKeyChecking accept-new\n"
        "BatchMode yes\n", id, dir);
    g_autofree char *sshd_conf = NULL, *ssh_conf = NULL, *wrapper = NULL;
    g_autofree char *wrapper_text = NULL;
    if (run_argv(kh, NULL, NULL) != 0 || run_argv(ki, NULL, NULL) != 0 ||
        !write_file(dir, "sshd_config", sshd_text, &sshd_conf) || !write_file(dir, "ssh_config", ssh_text, &ssh_conf) ||
        !(wrapper_text = g_strdup_printf("#!/bin/sh\nexec ssh -F %s \"$@\"\n", ssh_conf)) ||
        !write_file(dir, "ssh", wrapper_text, &wrapper) || g_chmod(wrapper, 0755) != 0) {
        remote_skip = g_strdup("cannot write the sshd's keys and configuration");
        return;
    }
    g_autofree char *log = g_build_filename(dir, "sshd.log", NULL);
    /* in the foreground, as our child: stopped by its pid, and dying with
     * this program even when an assertion aborts it */
    const char *sshd[] = { "/usr/sbin/sshd", "-D", "-f", sshd_conf, "-E", log, NULL };
    g_autoptr(GError) error = NULL;
    if (!g_spawn_async(NULL, (char **)sshd, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                       die_with_parent, NULL, &sshd_pid, &error)) {
        remote_skip = g_strdup_printf("sshd did not start: %s", error->message);
        return;
    }
    remote_uri = g_strdup_printf("qemu+ssh://root@127.0.0.1:%u/system?command=%s", port, wrapper);
    for (int i = 0; i < 50 && !remote_answers(); i++)
        g_usleep(200 * 1000);
    if (!remote_answers())
        remote_skip = g_strdup_printf("%s does not answer (log: %s)", remote_uri, log);
    else
        g_test_message("sshd (pid %d) on 127.0.0.1:%u: %s", sshd_pid, port, remote_uri);
}

static void stop_sshd(void)
{
    if (sshd_pid <= 0)
        return;
    kill(sshd_pid, SIGTERM);
    waitpid(sshd_pid, NULL, 0);
    g_spawn_close_pid(sshd_pid);
}

/* The define, concurrency and refusal cases again, over qemu+ssh. */
#define REMOTE(name)                       \
    static void remote_##name(void)        \
    {                                      \
        if (remote_skip) {                 \
            g_test_skip(remote_skip);      \
            return;                        \
        }                                  \
        vh_uri = remote_uri;               \
        test_##name();                     \
        vh_uri = URI;                      \
    }
REMOTE(add_remove_roundtrip)
REMOTE(unknown_device)
REMOTE(policy_refusal)
REMOTE(held_elsewhere)
REMOTE(define_refused)
REMOTE(concurrent_processes)
REMOTE(concurrent_other_tool)
REMOTE(live_needs_running)

/* The man page's remote examples, over qemu+ssh: listing, and an add and a
 * remove of a shut-off domain (the live ones need a running guest: e2e). */
static void remote_man_examples(void)
{
    if (remote_skip || real_device == NULL) {
        g_test_skip(remote_skip ? remote_skip : "no PCI device");
        return;
    }
    vh_uri = remote_uri;
    g_autoptr(CmdResult) free_list = vh("list", "--free", NULL);
    cmd_assert_exit(free_list, 0);
    g_assert_true(g_str_has_prefix(free_list->out, "NAME"));
    g_autoptr(CmdResult) json = vh("--json", "list", "--assignable", NULL);
    cmd_assert_exit(json, 0);
    cmd_assert_contains(json->out, "\"devices\"");
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    g_autoptr(CmdResult) add = vh("add", sc.name, real_device, "--force", NULL);
    cmd_assert_exit(add, 0);
    g_autofree char *now = held(&sc);
    g_assert_true(holds(now, real_device));
    g_autoptr(CmdResult) live = vh("remove", sc.name, real_device, "--live", "--config", "--timeout", "60", NULL);
    cmd_assert_error(live, 1, "is not running", NULL);
    g_autoptr(CmdResult) rm = vh("remove", sc.name, real_device, NULL);
    cmd_assert_exit(rm, 0);
    g_autofree char *after = held(&sc);
    g_assert_cmpstr(after, ==, "");
    g_assert_nonnull(before);
    scratch_undefine(&sc);
    vh_uri = URI;
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    start_daemon();
    if (skip_reason == NULL) {
        undefine_leftovers();
        pick_real_device();
    }
    start_sshd();
    g_test_add_func("/daemon/list-show", test_list_show);
    g_test_add_func("/daemon/host-critical-here", test_host_critical_here);
    g_test_add_func("/daemon/host-critical-remote", test_host_critical_remote);
    g_test_add_func("/daemon/add-remove-roundtrip", test_add_remove_roundtrip);
    g_test_add_func("/daemon/unknown-device", test_unknown_device);
    g_test_add_func("/daemon/policy-refusal", test_policy_refusal);
    g_test_add_func("/daemon/remove-stale", test_remove_stale);
    g_test_add_func("/daemon/held-elsewhere", test_held_elsewhere);
    g_test_add_func("/daemon/define-refused", test_define_refused);
    g_test_add_func("/daemon/concurrent-processes", test_concurrent_processes);
    g_test_add_func("/daemon/concurrent-other-tool", test_concurrent_other_tool);
    g_test_add_func("/daemon/live-needs-running", test_live_needs_running);
    g_test_add_func("/daemon/index-placements", test_index_placements);
    g_test_add_func("/daemon/corpus-defines", test_corpus_defines);
    g_test_add_func("/daemon/identity-remap", test_identity_remap);
    g_test_add_func("/daemon/ssh/add-remove-roundtrip", remote_add_remove_roundtrip);
    g_test_add_func("/daemon/ssh/unknown-device", remote_unknown_device);
    g_test_add_func("/daemon/ssh/policy-refusal", remote_policy_refusal);
    g_test_add_func("/daemon/ssh/held-elsewhere", remote_held_elsewhere);
    g_test_add_func("/daemon/ssh/define-refused", remote_define_refused);
    g_test_add_func("/daemon/ssh/concurrent-processes", remote_concurrent_processes);
    g_test_add_func("/daemon/ssh/concurrent-other-tool", remote_concurrent_other_tool);
    g_test_add_func("/daemon/ssh/live-needs-running", remote_live_needs_running);
    g_test_add_func("/daemon/ssh/man-examples", remote_man_examples);
    int rc = g_test_run();
    stop_sshd();
    stop_daemon();
    g_free(real_device);
    g_free(skip_reason);
    return rc;
}
