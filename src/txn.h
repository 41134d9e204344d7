/* The transaction: every side effect virt-hostdev has on a host (detach,
 * reattach, reset, live attach, live detach, define) is a step of a plan.
 * A verb plans the steps; txn_commit() runs them in order, each recording
 * its inverse; when one fails, the inverses of those done run newest first
 * and the error says what was undone and what could not be (with the
 * command that finishes the job by hand). Messages say what happened, after
 * it happened.
 *
 * A define is a read-edit-define under a per-domain lock (keyed by the
 * connection's URI and the domain's UUID, so that virt-hostdev processes
 * queue instead of overwriting each other), followed by a read-back: when
 * the change is not in the definition (someone else's define won), the edit
 * is redone on the new definition (bounded, with jitter), else it fails.
 *
 * The backend is the libvirt module's function table; tests give a fake. */
#pragma once
#include <glib.h>

#include "virt-backend.h"

typedef struct Txn Txn;

/* DEFINE: the new definition made from CURRENT (the definition as read
 * under the lock); NULL with ERROR set refuses. */
typedef char *(*TxnEditFn)(const char *current, gpointer data, GError **error);
/* Whether XML holds the change: a definition read back after a define, or
 * the live XML of a domain being unplugged (TRUE: the device is gone). */
typedef gboolean (*TxnCheckFn)(const char *xml, gpointer data);
/* Where the facts go (stderr notes for the CLI). */
typedef void (*TxnNoteFn)(const char *message);

Txn *txn_new(const VirtBackend *virt, VirtConn *conn, TxnNoteFn note);
void txn_free(Txn *txn);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Txn, txn_free)

/* Seconds a live detach waits for the guest (default 30), and the poll
 * interval in milliseconds (default 200). */
void txn_set_timeout(Txn *txn, guint seconds, guint poll_ms);
/* Read-back redos of a define (default 5). */
void txn_set_redo(Txn *txn, guint redo);

/* ---- the plan: LABEL names the device in messages (0000:03:00.0) ---- */

/* Bind node device NAME (on host driver DRIVER, or NULL) to vfio-pci. */
void txn_plan_host_detach(Txn *txn, const char *name, const char *label, const char *driver);
/* Give NAME back to its host driver, with RESET first. */
void txn_plan_host_reattach(Txn *txn, const char *name, const char *label, gboolean reset);
/* Hot-plug element XML into the running domain DOM. */
void txn_plan_live_attach(Txn *txn, const VirtDomain *dom, const char *xml, const char *label);
/* Unplug element XML from the running domain and wait until GONE says the
 * live XML no longer holds it. */
void txn_plan_live_detach(Txn *txn, const VirtDomain *dom, const char *xml, const char *label, TxnCheckFn gone,
                          gpointer data);
/* Read-edit-define the persistent definition of DOM: EDIT makes it,
 * APPLIED checks the read-back. UNDO_HINT: the command that reverts the
 * change by hand when its inverse fails. */
void txn_plan_define(Txn *txn, const VirtDomain *dom, TxnEditFn edit, TxnCheckFn applied, gpointer data,
                     const char *undo_hint);

/* Define the new domain NAME from XML; refused when NAME exists. */
void txn_plan_define_new(Txn *txn, const char *name, const char *xml);

/* Run the plan. On failure everything done is undone (newest first) and
 * ERROR says what failed, what was undone and what was not. */
gboolean txn_commit(Txn *txn, GError **error);

/* The lock file of a domain (also for the tests): under
 * /run/lock/virt-hostdev when writable (root), else $XDG_RUNTIME_DIR. */
char *txn_lock_path(const char *uri, const char *uuid);
