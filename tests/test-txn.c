/* The transaction (txn.c) against a fake backend table: each libvirt call
 * is logged and can be made to fail, so that every rollback path runs, in
 * order, with the message it gives. The real backend is proven by the
 * daemon suite (defines, concurrency) and the e2e guest (live detach,
 * detach/reattach). */
#include <string.h>
#include <sys/file.h>
#include <fcntl.h>
#include <unistd.h>

#include "errors.h"
#include "txn.h"

/* ---- the fake host ---- */

static struct {
    GString *log;        /* "call arg;" per call */
    char *xml;           /* the definition */
    char *live;          /* the live XML; NULL: shut off */
    gboolean persistent;
    gboolean releases;   /* a live detach is completed by the guest */
    const char *fail;    /* the call that fails ("define", "attach", ...) */
    const char *fail_undo; /* a second call that fails (an inverse) */
    int overwrite;       /* defines someone else undoes right away */
    int meddle_at;       /* someone else defines before this domain_get (1: the first) */
    int gets;
} fake;

struct VirtConn {
    int unused;
};

static void log_call(const char *call, const char *arg)
{
    g_string_append_printf(fake.log, "%s %s;", call, arg ? arg : "");
}

static gboolean maybe_fail(const char *call, GError **error)
{
    if (g_strcmp0(fake.fail, call) == 0 || g_strcmp0(fake.fail_undo, call) == 0) {
        g_set_error(error, VH_ERROR, VH_ERROR_LIBVIRT, "fake libvirt refuses %s", call);
        return FALSE;
    }
    return TRUE;
}

static char *fake_uri(VirtConn *c)
{
    (void)c;
    return g_strdup("fake:///txn");
}

static VirtDomain *fake_domain_get(VirtConn *c, const char *uuid, GError **error)
{
    (void)c;
    if (++fake.gets == fake.meddle_at) {
        g_free(fake.xml);
        fake.xml = g_strdup("<theirs/>");
    }
    VirtDomain *d = g_new0(VirtDomain, 1);
    d->name = g_strdup("vm");
    d->uuid = g_strdup(uuid);
    d->active = fake.live != NULL;
    d->persistent = fake.persistent;
    d->xml = g_strdup(fake.xml);
    d->live_xml = g_strdup(fake.live);
    (void)error;
    return d;
}

static gboolean fake_define(VirtConn *c, const char *xml, GError **error)
{
    (void)c;
    log_call("define", xml);
    if (!maybe_fail("define", error))
        return FALSE;
    g_free(fake.xml);
    /* someone else defines the old one again right after ours */
    fake.xml = g_strdup(fake.overwrite-- > 0 ? "<old/>" : xml);
    return TRUE;
}

static gboolean fake_attach(VirtConn *c, const char *uuid, const char *xml, VirtAffect affect, GError **error)
{
    (void)c, (void)uuid, (void)affect;
    log_call("attach", xml);
    if (!maybe_fail("attach", error))
        return FALSE;
    g_free(fake.live);
    fake.live = g_strdup("<live>dev</live>");
    return TRUE;
}

static gboolean fake_detach(VirtConn *c, const char *uuid, const char *xml, VirtAffect affect, GError **error)
{
    (void)c, (void)uuid, (void)affect;
    log_call("detach", xml);
    if (!maybe_fail("detach", error))
        return FALSE;
    if (fake.releases) {
        g_free(fake.live);
        fake.live = g_strdup("<live></live>");
    }
    return TRUE;
}

static gboolean fake_nodedev_detach(VirtConn *c, const char *name, const char *driver, GError **error)
{
    (void)c, (void)driver;
    log_call("nodedev-detach", name);
    return maybe_fail("nodedev-detach", error);
}

static gboolean fake_nodedev_reattach(VirtConn *c, const char *name, GError **error)
{
    (void)c;
    log_call("nodedev-reattach", name);
    return maybe_fail("nodedev-reattach", error);
}

static gboolean fake_nodedev_reset(VirtConn *c, const char *name, GError **error)
{
    (void)c;
    log_call("nodedev-reset", name);
    return maybe_fail("nodedev-reset", error);
}

static const VirtBackend fake_backend = {
    .abi = VIRT_BACKEND_ABI,
    .uri = fake_uri,
    .domain_get = fake_domain_get,
    .domain_define = fake_define,
    .device_attach = fake_attach,
    .device_detach = fake_detach,
    .nodedev_detach = fake_nodedev_detach,
    .nodedev_reattach = fake_nodedev_reattach,
    .nodedev_reset = fake_nodedev_reset,
};

static VirtConn conn;
static GString *notes;

static void collect(const char *message)
{
    g_string_append_printf(notes, "%s\n", message);
}

static void fake_reset(const char *live)
{
    if (fake.log)
        g_string_free(fake.log, TRUE);
    g_free(fake.xml);
    g_free(fake.live);
    memset(&fake, 0, sizeof(fake));
    fake.log = g_string_new(NULL);
    fake.xml = g_strdup("<old/>");
    fake.live = g_strdup(live);
    fake.persistent = TRUE;
    fake.releases = TRUE;
    if (notes)
        g_string_free(notes, TRUE);
    notes = g_string_new(NULL);
}

static char *edit_new(const char *current, gpointer data, GError **error)
{
    (void)current, (void)data, (void)error;
    return g_strdup("<new/>");
}

static gboolean is_new(const char *xml, gpointer data)
{
    (void)data;
    return g_strcmp0(xml, "<new/>") == 0;
}

static gboolean dev_gone(const char *live, gpointer data)
{
    (void)data;
    return strstr(live, "dev") == NULL;
}

static const VirtDomain dom = { .name = (char *)"vm", .uuid = (char *)"u-u-i-d" };

static Txn *new_txn(void)
{
    Txn *txn = txn_new(&fake_backend, &conn, collect);
    txn_set_timeout(txn, 1, 10);
    return txn;
}

/* remove --live --config --reattach whose define fails: the guest gets its
 * device back, the host driver is not touched. */
static void test_remove_define_fails(void)
{
    fake_reset("<live>dev</live>");
    fake.fail = "define";
    g_autoptr(Txn) txn = new_txn();
    txn_plan_live_detach(txn, &dom, "<hostdev/>", "0000:03:00.0", dev_gone, NULL);
    txn_plan_define(txn, &dom, edit_new, is_new, NULL, "virt-hostdev add vm 0000:03:00.0");
    txn_plan_host_reattach(txn, "pci_0000_03_00_0", "0000:03:00.0", FALSE);
    g_autoptr(GError) error = NULL;
    g_assert_false(txn_commit(txn, &error));
    g_assert_error(error, VH_ERROR, VH_ERROR_LIBVIRT);
    g_assert_cmpstr(fake.log->str, ==, "detach <hostdev/>;define <new/>;attach <hostdev/>;");
    g_assert_cmpstr(fake.xml, ==, "<old/>");
    g_assert_cmpstr(fake.live, ==, "<live>dev</live>");
    g_assert_cmpstr(error->message, ==,
                    "fake libvirt refuses define; not done: giving 0000:03:00.0 back to the host; "
                    "undone: attached 0000:03:00.0 to the running domain 'vm' again");
    g_assert_cmpstr(notes->str, ==, "detached 0000:03:00.0 from the running domain 'vm'\n");
}

/* A guest that never lets go: exit 1 after the timeout, nothing defined,
 * nothing given back. */
static void test_live_detach_timeout(void)
{
    fake_reset("<live>dev</live>");
    fake.releases = FALSE;
    g_autoptr(Txn) txn = new_txn();
    txn_plan_live_detach(txn, &dom, "<hostdev/>", "0000:03:00.0", dev_gone, NULL);
    txn_plan_define(txn, &dom, edit_new, is_new, NULL, "hint");
    txn_plan_host_reattach(txn, "pci_0000_03_00_0", "0000:03:00.0", FALSE);
    gint64 start = g_get_monotonic_time();
    g_autoptr(GError) error = NULL;
    g_assert_false(txn_commit(txn, &error));
    g_assert_cmpint(g_get_monotonic_time() - start, >=, G_USEC_PER_SEC);
    g_assert_cmpint(vh_error_exit_code(error), ==, 1);
    g_assert_cmpstr(fake.log->str, ==, "detach <hostdev/>;");
    g_assert_cmpstr(fake.xml, ==, "<old/>");
    g_assert_nonnull(strstr(error->message, "the guest of domain 'vm' has not released 0000:03:00.0 within 1 s"));
    g_assert_nonnull(strstr(error->message, "not done: changing the definition of domain 'vm', giving 0000:03:00.0 "
                                            "back to the host"));
    g_assert_null(strstr(error->message, "undone"));
}

/* add --managed no --live --config whose define fails: unplugged again,
 * then given back to the host, newest first. */
static void test_add_rollback_order(void)
{
    fake_reset("<live></live>");
    fake.fail = "define";
    g_autoptr(Txn) txn = new_txn();
    txn_plan_host_detach(txn, "pci_0000_03_00_0", "0000:03:00.0", "e1000e");
    txn_plan_live_attach(txn, &dom, "<hostdev/>", "0000:03:00.0");
    txn_plan_define(txn, &dom, edit_new, is_new, NULL, "hint");
    g_autoptr(GError) error = NULL;
    g_assert_false(txn_commit(txn, &error));
    g_assert_cmpstr(fake.log->str, ==,
                    "nodedev-detach pci_0000_03_00_0;attach <hostdev/>;define <new/>;detach <hostdev/>;"
                    "nodedev-reattach pci_0000_03_00_0;");
    g_assert_cmpstr(error->message, ==,
                    "fake libvirt refuses define; undone: detached 0000:03:00.0 from the running domain 'vm' again, "
                    "gave 0000:03:00.0 back to the host");
    g_assert_cmpstr(notes->str, ==, "detached 0000:03:00.0 from e1000e\nattached 0000:03:00.0 to the running "
                                    "domain 'vm'\n");
}

/* An inverse that fails is named, with the command that finishes it. */
static void test_undo_fails(void)
{
    fake_reset(NULL);
    fake.fail = "define";
    fake.fail_undo = "nodedev-detach";
    g_autoptr(Txn) txn = new_txn();
    txn_plan_host_reattach(txn, "pci_0000_03_00_0", "0000:03:00.0", TRUE);
    txn_plan_define(txn, &dom, edit_new, is_new, NULL, "hint");
    g_autoptr(GError) error = NULL;
    g_assert_false(txn_commit(txn, &error));
    g_assert_cmpstr(fake.log->str, ==, "nodedev-reset pci_0000_03_00_0;nodedev-reattach pci_0000_03_00_0;"
                                       "define <new/>;nodedev-detach pci_0000_03_00_0;");
    g_assert_cmpstr(error->message, ==,
                    "fake libvirt refuses define; NOT undone: detached 0000:03:00.0 from the host again failed: "
                    "fake libvirt refuses nodedev-detach (run: virt-hostdev detach 0000:03:00.0)");
}

/* A define someone else undoes is redone; one that never stays fails. */
static void test_read_back(void)
{
    fake_reset(NULL);
    fake.overwrite = 2;
    g_autoptr(Txn) txn = new_txn();
    txn_plan_define(txn, &dom, edit_new, is_new, NULL, "hint");
    g_autoptr(GError) error = NULL;
    g_assert_true(txn_commit(txn, &error));
    g_assert_cmpstr(fake.xml, ==, "<new/>");
    g_assert_cmpstr(fake.log->str, ==, "define <new/>;define <new/>;define <new/>;");
    g_assert_nonnull(strstr(notes->str, "changed under our edit; redoing"));
    g_assert_true(g_str_has_suffix(notes->str, "defined domain 'vm'\n"));
    /* its lock is held until the transaction ends */
    g_clear_pointer(&txn, txn_free);

    fake_reset(NULL);
    fake.overwrite = 100;
    g_autoptr(Txn) busy = new_txn();
    txn_set_redo(busy, 2);
    txn_plan_define(busy, &dom, edit_new, is_new, NULL, "hint");
    g_assert_false(txn_commit(busy, &error));
    g_assert_cmpint(vh_error_exit_code(error), ==, 1);
    g_assert_nonnull(strstr(error->message, "is not in its definition after 3 attempts"));
    g_assert_null(strstr(notes->str, "defined domain"));
}

/* Someone else's define between our read and our define is never
 * overwritten: the edit is redone on theirs, defined once. */
static void test_changed_before_define(void)
{
    fake_reset(NULL);
    fake.meddle_at = 2;
    g_autoptr(Txn) txn = new_txn();
    txn_plan_define(txn, &dom, edit_new, is_new, NULL, "hint");
    g_autoptr(GError) error = NULL;
    g_assert_true(txn_commit(txn, &error));
    g_assert_cmpstr(fake.log->str, ==, "define <new/>;");
    g_assert_nonnull(strstr(notes->str, "changed under our edit; redoing"));
}

/* A transient domain has no definition to change: refused at the define,
 * after which the live half is undone. */
static void test_transient(void)
{
    fake_reset("<live>dev</live>");
    fake.persistent = FALSE;
    g_autoptr(Txn) txn = new_txn();
    txn_plan_live_detach(txn, &dom, "<hostdev/>", "0000:03:00.0", dev_gone, NULL);
    txn_plan_define(txn, &dom, edit_new, is_new, NULL, "hint");
    g_autoptr(GError) error = NULL;
    g_assert_false(txn_commit(txn, &error));
    g_assert_cmpstr(fake.log->str, ==, "detach <hostdev/>;attach <hostdev/>;");
    g_assert_nonnull(strstr(error->message, "domain 'vm' is transient"));
    g_assert_nonnull(strstr(error->message, "undone: attached 0000:03:00.0 to the running domain 'vm' again"));
}

/* The define waits for another holder of the domain's lock. */
typedef struct {
    gboolean done;
    gboolean ok;
} Waiter;

static gpointer commit_thread(gpointer data)
{
    Waiter *w = data;
    g_autoptr(Txn) txn = new_txn();
    txn_plan_define(txn, &dom, edit_new, is_new, NULL, "hint");
    w->ok = txn_commit(txn, NULL);
    g_atomic_int_set(&w->done, TRUE);
    return NULL;
}

static void test_lock(void)
{
    fake_reset(NULL);
    g_autofree char *path = txn_lock_path("fake:///txn", dom.uuid);
    g_autofree char *other = txn_lock_path("fake:///other", dom.uuid);
    g_assert_cmpstr(path, !=, other);
    g_autofree char *dir = g_path_get_dirname(path);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0700), ==, 0);
    int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
    g_assert_cmpint(fd, >=, 0);
    g_assert_cmpint(flock(fd, LOCK_EX), ==, 0);
    Waiter w = { 0 };
    GThread *t = g_thread_new("commit", commit_thread, &w);
    g_usleep(300 * 1000);
    g_assert_false(g_atomic_int_get(&w.done));
    g_assert_cmpstr(fake.log->str, ==, "");
    flock(fd, LOCK_UN);
    g_thread_join(t);
    close(fd);
    g_assert_true(w.ok);
    g_assert_cmpstr(fake.xml, ==, "<new/>");
}

int main(int argc, char **argv)
{
    g_test_init(&argc, &argv, NULL);
    /* the lock under the test's own runtime directory */
    g_autofree char *runtime = g_dir_make_tmp("test-txn-XXXXXX", NULL);
    g_setenv("XDG_RUNTIME_DIR", runtime, TRUE);
    g_test_add_func("/txn/remove-define-fails", test_remove_define_fails);
    g_test_add_func("/txn/live-detach-timeout", test_live_detach_timeout);
    g_test_add_func("/txn/add-rollback-order", test_add_rollback_order);
    g_test_add_func("/txn/undo-fails", test_undo_fails);
    g_test_add_func("/txn/read-back", test_read_back);
    g_test_add_func("/txn/changed-before-define", test_changed_before_define);
    g_test_add_func("/txn/transient", test_transient);
    g_test_add_func("/txn/lock", test_lock);
    return g_test_run();
}
