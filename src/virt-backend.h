/* The table of functions the libvirt backend module provides. Shared by
 * virt.c (the module, the only code that includes <libvirt/libvirt.h>) and
 * virt-loader.c (which opens the module with GModule on first use). */
#pragma once
#include <glib.h>

#define VIRT_BACKEND_ABI 1
#define VIRT_BACKEND_SYMBOL "virt_hostdev_backend"

typedef struct VirtConn VirtConn;

typedef struct {
    guint abi;
    /* URI NULL: $LIBVIRT_DEFAULT_URI, then libvirt's default */
    VirtConn *(*open)(const char *uri, GError **error);
    void (*close)(VirtConn *conn);
    /* virsh nodedev-dumpxml NAME */
    char *(*nodedev_xml)(VirtConn *conn, const char *name, GError **error);
} VirtBackend;

typedef const VirtBackend *(*VirtBackendEntry)(void);
