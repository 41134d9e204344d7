/* The real libvirtd (daemonutil.h) under concurrent edits: lost updates
 * between our own processes and another tool, the live refusal, the same
 * over qemu+ssh, and the man page's remote examples. SAFETY as in
 * test-daemon.c: inactive vh-test-* domains only, never started. */
#include <string.h>
#include <sys/wait.h>

#include "realcorpus.h" /* before daemonutil.h: its URI macro meets libxml2 names */
#include "daemonutil.h"
#include "testutil.h"

/* Three PCI devices of this host for a concurrent case, or NULL when the
 * case is skipped (no daemon, fewer devices). */
static GPtrArray *three_devices(void)
{
    if (!need_daemon())
        return NULL;
    GPtrArray *devices = real_devices(3);
    if (devices->len < 3) {
        g_test_skip("fewer than 3 PCI devices that are not bridges");
        g_ptr_array_unref(devices);
        return NULL;
    }
    return devices;
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
    g_autoptr(GPtrArray) devices = three_devices();
    if (devices == NULL)
        return;
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

/* The guest address the definition XML gives the hostdev of host device
 * DEV ("0000:03:00.0"), as "0000:01:00.0"; NULL when none holds it. */
static char *guest_of(const char *xml, const char *dev)
{
    xmlDoc *doc = rc_parse(xml, strlen(xml));
    g_assert_nonnull(doc);
    GPtrArray *hostdevs = rc_device_elements(doc, "hostdev");
    char *guest = NULL;
    for (guint i = 0; guest == NULL && i < hostdevs->len; i++) {
        RcPci s = rc_source_address(hostdevs->pdata[i]), g = rc_guest_address(hostdevs->pdata[i]);
        g_autofree char *src = g_strdup_printf("%04x:%02x:%02x.%x", s.domain, s.bus, s.slot, s.function);
        if (s.present && g.present && strcmp(src, dev) == 0)
            guest = g_strdup_printf("%04x:%02x:%02x.%x", g.domain, g.bus, g.slot, g.function);
    }
    g_ptr_array_unref(hostdevs);
    xmlFreeDoc(doc);
    return guest;
}

/* Three processes add at once with --guest-address auto: what each one
 * reports ("DEV: guest address X") is where the definition read back has
 * it. The slot a process previewed may be taken by another meanwhile: it
 * reports the one its redo under the lock took. */
static void test_concurrent_reports(void)
{
    g_autoptr(GPtrArray) devices = three_devices();
    if (devices == NULL)
        return;
    Scratch sc = { 0 };
    g_autofree char *before = scratch_define(&sc, NULL);
    guint checked = 0;
    for (int round = 0; round < 3; round++) {
        GPid pids[3];
        gint errs[3];
        for (guint i = 0; i < 3; i++) {
            /* never started: a device the host needs is safe here */
            const char *argv[] = { g_getenv("VIRT_HOSTDEV_BINARY"), "-c", vh_uri, "add", sc.name, devices->pdata[i],
                                   "--guest-address", "auto", "--force", "--allow-host-critical", NULL };
            g_assert_true(g_spawn_async_with_pipes(NULL, (char **)argv, NULL,
                                                   G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                                                   &pids[i], NULL, NULL, &errs[i], NULL));
        }
        char *errs_text[3];
        for (guint i = 0; i < 3; i++) {
            g_autoptr(GIOChannel) ch = g_io_channel_unix_new(errs[i]);
            g_io_channel_set_close_on_unref(ch, TRUE);
            errs_text[i] = NULL;
            g_io_channel_read_to_end(ch, &errs_text[i], NULL, NULL);
            int status = 0;
            waitpid(pids[i], &status, 0);
            g_assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
        }
        g_autofree char *now = dumpxml(&sc);
        for (guint i = 0; i < 3; i++) {
            g_autofree char *err = errs_text[i];
            g_autofree char *mark = g_strdup_printf("%s: guest address ", (char *)devices->pdata[i]);
            const char *at = err ? strstr(err, mark) : NULL;
            g_assert_nonnull(at);
            g_autofree char *reported = g_strndup(at + strlen(mark), strlen("0000:00:00.0"));
            g_autofree char *defined = guest_of(now, devices->pdata[i]);
            g_assert_cmpstr(reported, ==, defined);
            checked++;
        }
        for (guint i = 0; i < 3; i++) {
            g_autoptr(CmdResult) r = vh("-q", "remove", sc.name, devices->pdata[i], NULL);
            cmd_assert_exit(r, 0);
        }
    }
    g_test_message("%u concurrent adds: each reported the guest address it has in the definition", checked);
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

/* The concurrency cases again, over qemu+ssh. */
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
    daemon_setup(TRUE);
    g_test_add_func("/daemon/concurrent-processes", test_concurrent_processes);
    g_test_add_func("/daemon/concurrent-other-tool", test_concurrent_other_tool);
    g_test_add_func("/daemon/concurrent-reports", test_concurrent_reports);
    g_test_add_func("/daemon/live-needs-running", test_live_needs_running);
    g_test_add_func("/daemon/ssh/concurrent-processes", remote_concurrent_processes);
    g_test_add_func("/daemon/ssh/concurrent-other-tool", remote_concurrent_other_tool);
    g_test_add_func("/daemon/ssh/live-needs-running", remote_live_needs_running);
    g_test_add_func("/daemon/ssh/man-examples", remote_man_examples);
    int rc = g_test_run();
    daemon_teardown();
    return rc;
}
