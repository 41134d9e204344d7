/* The real libvirtd the test-daemon programs share: started when none
 * answers and stopped by its pid, scratch domains, virsh, the qemu+ssh
 * sshd (daemonutil.h). */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "testutil.h"
#include "daemonutil.h"

static GPid daemon_pid;
/* the URI the virt-hostdev cases connect to: URI, or the same daemon over
 * qemu+ssh through the sshd this program starts on loopback */
const char *vh_uri = URI;
char *remote_uri;
char *remote_skip;
static GPid sshd_pid;
char *skip_reason;
char *real_device;  /* a PCI address this host has, for add */
guint domain_serial;

int run_argv(const char *const *argv, char **out, char **err)
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
char *virsh(const char *first, ...)
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

gboolean need_daemon(void)
{
    if (skip_reason) {
        g_test_skip(skip_reason);
        return FALSE;
    }
    return TRUE;
}

/* ---- a scratch domain per test ---- */

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

char *domain_xml(const char *name, const char *extra_devices)
{
    return g_strdup_printf(domain_template, name, extra_devices ? extra_devices : "");
}

char *scratch_define(Scratch *sc, const char *extra_devices)
{
    sc->name = g_strdup_printf("vh-test-%d-%u", (int)getpid(), ++domain_serial);
    g_autofree char *xml = domain_xml(sc->name, extra_devices);
    g_autofree char *path = g_build_filename(test_tmpdir(), "domain.xml", NULL);
    g_assert_true(g_file_set_contents(path, xml, -1, NULL));
    g_autofree char *out = virsh("define", path, NULL);
    g_assert_nonnull(out);
    return virsh("dumpxml", "--inactive", "--security-info", sc->name, NULL);
}

void scratch_undefine(Scratch *sc)
{
    g_autofree char *out = virsh("undefine", sc->name, NULL);
    (void)out;
    g_free(sc->name);
}

char *dumpxml(const Scratch *sc)
{
    return virsh("dumpxml", "--inactive", "--security-info", sc->name, NULL);
}

CmdResult *vh_env(const char *const *env, const char *first, ...)
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
    if (strcmp(vh_uri, URI) != 0 && g_str_has_prefix(r->err, "virt-hostdev: warning: host-critical devices")) {
        const char *nl = strchr(r->err, '\n');
        memmove(r->err, nl ? nl + 1 : r->err + strlen(r->err), strlen(nl ? nl + 1 : "") + 1);
    }
    return r;
}

/* PCI addresses of this host that are not bridges, at most MAX. */
GPtrArray *real_devices(guint max)
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
char *held(const Scratch *sc)
{
    const char *argv[] = { "-c", vh_uri, "__complete", "held", sc->name, NULL };
    g_autoptr(CmdResult) r = cmd_runv(NULL, NULL, argv);
    cmd_assert_exit(r, 0);
    return g_strdup(r->out);
}

gboolean holds(const char *list, const char *address)
{
    g_autofree char *line = g_strconcat(address, "\n", NULL);
    g_autofree char *inner = g_strconcat("\n", line, NULL);
    return g_str_has_prefix(list, line) || strstr(list, inner) != NULL;
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

/* What each daemon program does before its cases (SSH: the qemu+ssh ones
 * too) and after them: the daemon it started, if any, is stopped by pid. */
void daemon_setup(gboolean ssh)
{
    start_daemon();
    if (skip_reason == NULL) {
        undefine_leftovers();
        pick_real_device();
    }
    if (ssh)
        start_sshd();
}

void daemon_teardown(void)
{
    stop_sshd();
    stop_daemon();
    g_free(real_device);
    g_free(skip_reason);
}
