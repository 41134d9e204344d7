#include "txn.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "errors.h"

typedef enum {
    STEP_HOST_DETACH,
    STEP_HOST_REATTACH,
    STEP_LIVE_ATTACH,
    STEP_LIVE_DETACH,
    STEP_DEFINE,
    STEP_DEFINE_NEW,
} StepKind;

typedef struct {
    StepKind kind;
    char *name;      /* node device name (host steps) */
    char *label;     /* how messages name the device */
    char *driver;    /* HOST_DETACH: the driver it leaves */
    gboolean reset;  /* HOST_REATTACH */
    char *uuid, *domain;
    char *xml;       /* LIVE_*: the element */
    TxnEditFn edit;
    TxnCheckFn check;
    gpointer data;
    char *undo_hint; /* DEFINE */
    char *before;    /* DEFINE, once done: the definition it replaced */
} Step;

struct Txn {
    const VirtBackend *virt;
    VirtConn *conn;
    TxnNoteFn note;
    GPtrArray *steps;
    guint done;
    guint timeout_s, poll_ms, redo;
    int lock_fd;
};

static void step_free(Step *s)
{
    g_free(s->name);
    g_free(s->label);
    g_free(s->driver);
    g_free(s->uuid);
    g_free(s->domain);
    g_free(s->xml);
    g_free(s->undo_hint);
    g_free(s->before);
    g_free(s);
}

Txn *txn_new(const VirtBackend *virt, VirtConn *conn, TxnNoteFn note)
{
    Txn *txn = g_new0(Txn, 1);
    txn->virt = virt;
    txn->conn = conn;
    txn->note = note;
    txn->steps = g_ptr_array_new_with_free_func((GDestroyNotify)step_free);
    txn->timeout_s = 30;
    txn->poll_ms = 200;
    txn->redo = 5;
    txn->lock_fd = -1;
    return txn;
}

void txn_free(Txn *txn)
{
    if (txn == NULL)
        return;
    if (txn->lock_fd >= 0)
        close(txn->lock_fd);
    g_ptr_array_unref(txn->steps);
    g_free(txn);
}

void txn_set_timeout(Txn *txn, guint seconds, guint poll_ms)
{
    txn->timeout_s = seconds;
    txn->poll_ms = poll_ms ? poll_ms : 200;
}

void txn_set_redo(Txn *txn, guint redo)
{
    txn->redo = redo;
}

static void note(Txn *txn, const char *fmt, ...) G_GNUC_PRINTF(2, 3);
static void note(Txn *txn, const char *fmt, ...)
{
    if (txn->note == NULL)
        return;
    va_list ap;
    va_start(ap, fmt);
    g_autofree char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    txn->note(msg);
}

static Step *plan(Txn *txn, StepKind kind, const char *label)
{
    Step *s = g_new0(Step, 1);
    s->kind = kind;
    s->label = g_strdup(label);
    g_ptr_array_add(txn->steps, s);
    return s;
}

void txn_plan_host_detach(Txn *txn, const char *name, const char *label, const char *driver)
{
    Step *s = plan(txn, STEP_HOST_DETACH, label);
    s->name = g_strdup(name);
    s->driver = g_strdup(driver);
}

void txn_plan_host_reattach(Txn *txn, const char *name, const char *label, gboolean reset)
{
    Step *s = plan(txn, STEP_HOST_REATTACH, label);
    s->name = g_strdup(name);
    s->reset = reset;
}

static Step *plan_domain(Txn *txn, StepKind kind, const VirtDomain *dom, const char *label)
{
    Step *s = plan(txn, kind, label);
    s->uuid = g_strdup(dom->uuid);
    s->domain = g_strdup(dom->name);
    return s;
}

void txn_plan_live_attach(Txn *txn, const VirtDomain *dom, const char *xml, const char *label)
{
    plan_domain(txn, STEP_LIVE_ATTACH, dom, label)->xml = g_strdup(xml);
}

void txn_plan_live_detach(Txn *txn, const VirtDomain *dom, const char *xml, const char *label, TxnCheckFn gone,
                          gpointer data)
{
    Step *s = plan_domain(txn, STEP_LIVE_DETACH, dom, label);
    s->xml = g_strdup(xml);
    s->check = gone;
    s->data = data;
}

void txn_plan_define(Txn *txn, const VirtDomain *dom, TxnEditFn edit, TxnCheckFn applied, gpointer data,
                     const char *undo_hint)
{
    Step *s = plan_domain(txn, STEP_DEFINE, dom, NULL);
    s->edit = edit;
    s->check = applied;
    s->data = data;
    s->undo_hint = g_strdup(undo_hint);
}

void txn_plan_define_new(Txn *txn, const char *name, const char *xml)
{
    Step *s = plan(txn, STEP_DEFINE_NEW, NULL);
    s->domain = g_strdup(name);
    s->xml = g_strdup(xml);
}

/* ---- the per-domain lock ---- */

char *txn_lock_path(const char *uri, const char *uuid)
{
    g_autofree char *key = g_strconcat(uri ? uri : "", "\n", uuid, NULL);
    g_autofree char *sum = g_compute_checksum_for_string(G_CHECKSUM_SHA256, key, -1);
    g_autofree char *file = g_strdup_printf("domain-%.32s.lock", sum);
    /* root's tools share /run/lock; a user's session its runtime dir */
    const char *runtime = secure_getenv("XDG_RUNTIME_DIR");
    if (access("/run/lock", W_OK) == 0)
        return g_build_filename("/run/lock", "virt-hostdev", file, NULL);
    if (runtime && *runtime)
        return g_build_filename(runtime, "virt-hostdev", file, NULL);
    g_autofree char *dir = g_strdup_printf("virt-hostdev-%u", (unsigned)getuid());
    return g_build_filename(g_get_tmp_dir(), dir, file, NULL);
}

static gboolean take_lock(Txn *txn, const char *uuid, GError **error)
{
    if (txn->lock_fd >= 0)
        return TRUE;
    g_autofree char *uri = txn->virt->uri(txn->conn);
    g_autofree char *path = txn_lock_path(uri, uuid);
    g_autofree char *dir = g_path_get_dirname(path);
    int fd = -1;
    if (g_mkdir_with_parents(dir, 0700) != 0 || (fd = g_open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0600)) < 0) {
        int e = errno;
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot open the lock %s: %s", path, g_strerror(e));
        return FALSE;
    }
    /* held until the transaction ends: the rollback is under it too */
    while (flock(fd, LOCK_EX) != 0) {
        if (errno != EINTR) {
            int e = errno;
            close(fd);
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot lock %s: %s", path, g_strerror(e));
            return FALSE;
        }
    }
    txn->lock_fd = fd;
    return TRUE;
}


/* ---- running the steps ---- */

static const char *step_domain(const Step *s)
{
    return s->domain ? s->domain : "?";
}

/* The live XML of the domain, NULL when it is not running any more. */
static gboolean live_gone(Txn *txn, Step *s, gboolean *gone, GError **error)
{
    g_autoptr(VirtDomain) now = txn->virt->domain_get(txn->conn, s->uuid, error);
    if (now == NULL)
        return FALSE;
    *gone = !now->active || now->live_xml == NULL || s->check(now->live_xml, s->data);
    return TRUE;
}

/* QEMU returns from a detach before the guest lets go of the device: wait
 * for the live XML to lose it (libvirt drops it on DEVICE_DELETED). */
static gboolean run_live_detach(Txn *txn, Step *s, GError **error)
{
    if (!txn->virt->device_detach(txn->conn, s->uuid, s->xml, VIRT_AFFECT_LIVE, error))
        return FALSE;
    gint64 deadline = g_get_monotonic_time() + (gint64)txn->timeout_s * G_USEC_PER_SEC;
    for (;;) {
        gboolean gone = FALSE;
        if (!live_gone(txn, s, &gone, error))
            return FALSE;
        if (gone)
            break;
        if (g_get_monotonic_time() >= deadline) {
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                        "the guest of domain '%s' has not released %s within %u s (its unplug request stays "
                        "pending; --timeout waits longer)",
                        step_domain(s), s->label, txn->timeout_s);
            return FALSE;
        }
        g_usleep((gulong)txn->poll_ms * 1000);
    }
    note(txn, "detached %s from the running domain '%s'", s->label, step_domain(s));
    return TRUE;
}

/* One read-edit-define; *APPLIED: whether the read-back holds the change. */
static gboolean define_once(Txn *txn, Step *s, gboolean *applied, char **before, GError **error)
{
    g_autoptr(VirtDomain) cur = txn->virt->domain_get(txn->conn, s->uuid, error);
    if (cur == NULL)
        return FALSE;
    if (!cur->persistent) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "domain '%s' is transient: it has no persistent definition to change (--config)", cur->name);
        return FALSE;
    }
    g_autofree char *xml = s->edit(cur->xml, s->data, error);
    if (xml == NULL)
        return FALSE;
    /* someone else's change since our read is never overwritten: redo the
     * edit on it (libvirt has no compare-and-swap define; the read-back
     * below catches what lands after this read) */
    g_autoptr(VirtDomain) again = txn->virt->domain_get(txn->conn, s->uuid, error);
    if (again == NULL)
        return FALSE;
    if (g_strcmp0(again->xml, cur->xml) != 0) {
        *applied = FALSE;
        return TRUE;
    }
    if (!txn->virt->domain_define(txn->conn, xml, error))
        return FALSE;
    g_autoptr(VirtDomain) back = txn->virt->domain_get(txn->conn, s->uuid, error);
    if (back == NULL)
        return FALSE;
    *applied = s->check(back->xml, s->data);
    g_free(*before);
    *before = g_steal_pointer(&cur->xml);
    return TRUE;
}

static gboolean run_define(Txn *txn, Step *s, GError **error)
{
    if (!take_lock(txn, s->uuid, error))
        return FALSE;
    for (guint attempt = 0;; attempt++) {
        gboolean applied = FALSE;
        if (!define_once(txn, s, &applied, &s->before, error))
            return FALSE;
        if (applied)
            break;
        /* another tool defined the domain between our read and our define */
        if (attempt >= txn->redo) {
            g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                        "the change to domain '%s' is not in its definition after %u attempts: someone else keeps "
                        "defining it",
                        step_domain(s), attempt + 1);
            return FALSE;
        }
        note(txn, "the definition of domain '%s' changed under our edit; redoing the edit on the new one",
             step_domain(s));
        g_usleep((gulong)g_random_int_range(20, 200) * 1000 * (attempt + 1));
    }
    note(txn, "defined domain '%s'", step_domain(s));
    return TRUE;
}

/* A new domain: an existing one of that name is never replaced. */
static gboolean run_define_new(Txn *txn, Step *s, GError **error)
{
    g_autoptr(VirtDomain) existing = txn->virt->domain_get(txn->conn, s->domain, NULL);
    if (existing) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "domain '%s' already exists; --define never replaces a domain (use add/remove to change it)",
                    s->domain);
        return FALSE;
    }
    if (!txn->virt->domain_define(txn->conn, s->xml, error))
        return FALSE;
    note(txn, "defined domain '%s'", s->domain);
    return TRUE;
}

static gboolean run_step(Txn *txn, Step *s, GError **error)
{
    const VirtBackend *v = txn->virt;
    switch (s->kind) {
    case STEP_HOST_DETACH:
        if (!v->nodedev_detach(txn->conn, s->name, "vfio", error))
            return FALSE;
        note(txn, "detached %s from %s", s->label, s->driver ? s->driver : "no driver");
        return TRUE;
    case STEP_HOST_REATTACH:
        if (s->reset && !v->nodedev_reset(txn->conn, s->name, error))
            return FALSE;
        if (!v->nodedev_reattach(txn->conn, s->name, error))
            return FALSE;
        note(txn, "gave %s back to the host", s->label);
        return TRUE;
    case STEP_LIVE_ATTACH:
        if (!v->device_attach(txn->conn, s->uuid, s->xml, VIRT_AFFECT_LIVE, error))
            return FALSE;
        note(txn, "attached %s to the running domain '%s'", s->label, step_domain(s));
        return TRUE;
    case STEP_LIVE_DETACH:
        return run_live_detach(txn, s, error);
    case STEP_DEFINE:
        return run_define(txn, s, error);
    case STEP_DEFINE_NEW:
        return run_define_new(txn, s, error);
    }
    g_assert_not_reached();
}

/* The inverse of done step S; *WHAT says what it did or should have. */
static gboolean undo_step(Txn *txn, Step *s, char **what, char **hint, GError **error)
{
    const VirtBackend *v = txn->virt;
    const char *dom = step_domain(s);
    switch (s->kind) {
    case STEP_HOST_DETACH:
        *what = g_strdup_printf("gave %s back to the host", s->label);
        *hint = g_strdup_printf("virt-hostdev reattach %s", s->label);
        return v->nodedev_reattach(txn->conn, s->name, error);
    case STEP_HOST_REATTACH:
        *what = g_strdup_printf("detached %s from the host again", s->label);
        *hint = g_strdup_printf("virt-hostdev detach %s", s->label);
        return v->nodedev_detach(txn->conn, s->name, "vfio", error);
    case STEP_LIVE_ATTACH:
        *what = g_strdup_printf("detached %s from the running domain '%s' again", s->label, dom);
        *hint = g_strdup_printf("virt-hostdev remove %s %s --live", dom, s->label);
        return v->device_detach(txn->conn, s->uuid, s->xml, VIRT_AFFECT_LIVE, error);
    case STEP_LIVE_DETACH:
        *what = g_strdup_printf("attached %s to the running domain '%s' again", s->label, dom);
        *hint = g_strdup_printf("virt-hostdev add %s %s --live", dom, s->label);
        return v->device_attach(txn->conn, s->uuid, s->xml, VIRT_AFFECT_LIVE, error);
    case STEP_DEFINE:
        *what = g_strdup_printf("restored the previous definition of domain '%s'", dom);
        *hint = g_strdup(s->undo_hint ? s->undo_hint : "virsh edit");
        return v->domain_define(txn->conn, s->before, error);
    case STEP_DEFINE_NEW:
        /* the backend has no undefine: say how */
        *what = g_strdup_printf("undefining the new domain '%s'", dom);
        *hint = g_strdup_printf("virsh undefine %s", dom);
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "virt-hostdev does not undefine domains");
        return FALSE;
    }
    g_assert_not_reached();
}

/* What step S would have done, for "not done:". */
static char *step_intent(const Step *s)
{
    switch (s->kind) {
    case STEP_HOST_DETACH:
        return g_strdup_printf("detaching %s from the host", s->label);
    case STEP_HOST_REATTACH:
        return g_strdup_printf("giving %s back to the host", s->label);
    case STEP_LIVE_ATTACH:
        return g_strdup_printf("attaching %s to the running domain '%s'", s->label, step_domain(s));
    case STEP_LIVE_DETACH:
        return g_strdup_printf("detaching %s from the running domain '%s'", s->label, step_domain(s));
    case STEP_DEFINE:
        return g_strdup_printf("changing the definition of domain '%s'", step_domain(s));
    case STEP_DEFINE_NEW:
        return g_strdup_printf("defining the new domain '%s'", step_domain(s));
    }
    g_assert_not_reached();
}

static void append_list(GString *msg, const char *head, GPtrArray *items)
{
    if (items->len == 0)
        return;
    g_string_append_printf(msg, "; %s: ", head);
    for (guint i = 0; i < items->len; i++)
        g_string_append_printf(msg, "%s%s", i ? ", " : "", (const char *)items->pdata[i]);
}

/* Undo steps [0, FAILED) newest first; the failure's message grows the
 * account of it. */
static void rollback(Txn *txn, guint failed, GError *error)
{
    g_autoptr(GPtrArray) undone = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func(g_free);
    g_autoptr(GPtrArray) skipped = g_ptr_array_new_with_free_func(g_free);
    for (guint i = failed; i > 0; i--) {
        Step *s = txn->steps->pdata[i - 1];
        g_autofree char *what = NULL, *hint = NULL;
        g_autoptr(GError) err = NULL;
        if (undo_step(txn, s, &what, &hint, &err))
            g_ptr_array_add(undone, g_steal_pointer(&what));
        else
            g_ptr_array_add(kept, g_strdup_printf("%s failed: %s (run: %s)", what, err->message, hint));
    }
    for (guint i = failed + 1; i < txn->steps->len; i++)
        g_ptr_array_add(skipped, step_intent(txn->steps->pdata[i]));
    GString *msg = g_string_new(error->message);
    append_list(msg, "not done", skipped);
    append_list(msg, "undone", undone);
    append_list(msg, "NOT undone", kept);
    g_free(error->message);
    error->message = g_string_free(msg, FALSE);
}

gboolean txn_commit(Txn *txn, GError **error)
{
    for (; txn->done < txn->steps->len; txn->done++) {
        GError *err = NULL;
        if (!run_step(txn, txn->steps->pdata[txn->done], &err)) {
            rollback(txn, txn->done, err);
            g_propagate_error(error, err);
            return FALSE;
        }
    }
    return TRUE;
}
