/* What the test-daemon programs share: the real libvirtd on qemu:///system
 * (started by daemon_setup() when none answers, stopped by its pid in
 * daemon_teardown(); the programs run one at a time, is_parallel: false in
 * meson.build, so that one never stops the daemon another is using), scratch
 * domains vh-test-PID-N, virsh, and the same daemon over qemu+ssh through an
 * sshd of the program's own.
 *
 * SAFETY: see test-daemon.c; vh_env() refuses detach, reattach and "no". */
#pragma once

#include <glib.h>

#include "testutil.h"

#define URI "qemu:///system"

/* the URI the virt-hostdev cases connect to: URI, or remote_uri */
extern const char *vh_uri;
extern char *remote_uri;
extern char *remote_skip;  /* why the qemu+ssh cases skip, or NULL */
extern char *skip_reason;  /* why every case skips, or NULL */
extern char *real_device;  /* a PCI address this host has, for add */
extern guint domain_serial;

typedef struct {
    char *name;
} Scratch;

/* an inactive qemu domain NAME whose <devices> also hold EXTRA_DEVICES */
char *domain_xml(const char *name, const char *extra_devices);

void daemon_setup(gboolean ssh);
void daemon_teardown(void);
gboolean need_daemon(void);
int run_argv(const char *const *argv, char **out, char **err);
/* virsh -c qemu:///system ARGS...; returns stdout, NULL on failure */
char *virsh(const char *first, ...) G_GNUC_NULL_TERMINATED;
char *scratch_define(Scratch *sc, const char *extra_devices);
void scratch_undefine(Scratch *sc);
char *dumpxml(const Scratch *sc);
CmdResult *vh_env(const char *const *env, const char *first, ...) G_GNUC_NULL_TERMINATED;
#define vh(...) vh_env(NULL, __VA_ARGS__)
/* PCI addresses of this host that are not bridges, at most MAX */
GPtrArray *real_devices(guint max);
/* the host devices the definition of SC holds, one address a line */
char *held(const Scratch *sc);
gboolean holds(const char *list, const char *address);

/* A case again over qemu+ssh: remote_NAME runs test_NAME with vh_uri set to
 * remote_uri. */
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
