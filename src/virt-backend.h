/* The table of functions the libvirt backend module provides. Shared by
 * virt.c (the module, the only code that includes <libvirt/libvirt.h>) and
 * virt-loader.c (which opens the module with dlopen on first use). Every
 * string handed back is g_malloc'ed; errors are VH_ERROR_LIBVIRT GErrors
 * carrying libvirt's message. */
#pragma once
#include <glib.h>

#define VIRT_BACKEND_ABI 4
#define VIRT_BACKEND_SYMBOL "virt_hostdev_backend"

typedef struct VirtConn VirtConn;

/* One domain as the tool sees it. */
typedef struct {
    char *name;
    char *uuid;
    gboolean active;
    gboolean persistent; /* FALSE: a transient domain (virsh create), nothing to define */
    char *xml;       /* the persistent definition (inactive, secure) */
    char *live_xml;  /* the running configuration, when active */
} VirtDomain;

static inline void virt_domain_free(VirtDomain *dom)
{
    if (dom == NULL)
        return;
    g_free(dom->name);
    g_free(dom->uuid);
    g_free(dom->xml);
    g_free(dom->live_xml);
    g_free(dom);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(VirtDomain, virt_domain_free)

/* One node device: its name and its XML. */
typedef struct {
    char *name;
    char *xml;
} VirtNodedevXml;

static inline void virt_nodedev_xml_free(VirtNodedevXml *dev)
{
    if (dev == NULL)
        return;
    g_free(dev->name);
    g_free(dev->xml);
    g_free(dev);
}

/* Where a live/config change goes, as virsh attach-device's flags. */
typedef enum {
    VIRT_AFFECT_CURRENT = 0,
    VIRT_AFFECT_LIVE = 1 << 0,
    VIRT_AFFECT_CONFIG = 1 << 1,
} VirtAffect;

typedef struct {
    guint abi;
    /* URI NULL: $LIBVIRT_DEFAULT_URI, then libvirt's default */
    VirtConn *(*open)(const char *uri, GError **error);
    void (*close)(VirtConn *conn);
    /* the connection's canonical URI */
    char *(*uri)(VirtConn *conn);
    /* virConnectGetHostname: the host's own name */
    char *(*hostname)(VirtConn *conn, GError **error);
    /* virsh nodedev-dumpxml NAME; NOT_FOUND set when libvirt has no such device */
    char *(*nodedev_xml)(VirtConn *conn, const char *name, gboolean *not_found, GError **error);
    /* Every node device whose capability is CAP ("pci", "usb_device",
     * "mdev"; NULL: all), with its XML: one bulk listing. */
    GPtrArray *(*nodedev_list)(VirtConn *conn, const char *cap, GError **error);
    /* Every domain, defined and running, with its XML (WITH_XML). */
    GPtrArray *(*domain_list)(VirtConn *conn, gboolean with_xml, GError **error);
    /* One domain by name or UUID, with its XML. */
    VirtDomain *(*domain_get)(VirtConn *conn, const char *name_or_uuid, GError **error);
    /* Define XML with VIR_DOMAIN_DEFINE_VALIDATE. */
    gboolean (*domain_define)(VirtConn *conn, const char *xml, GError **error);
    /* virDomainAttachDeviceFlags / virDomainDetachDeviceFlags on the domain with UUID */
    gboolean (*device_attach)(VirtConn *conn, const char *uuid, const char *xml, VirtAffect affect, GError **error);
    gboolean (*device_detach)(VirtConn *conn, const char *uuid, const char *xml, VirtAffect affect, GError **error);
    /* host side: virNodeDeviceDetachFlags (DRIVER e.g. "vfio"), ReAttach, Reset */
    gboolean (*nodedev_detach)(VirtConn *conn, const char *name, const char *driver, GError **error);
    gboolean (*nodedev_reattach)(VirtConn *conn, const char *name, GError **error);
    gboolean (*nodedev_reset)(VirtConn *conn, const char *name, GError **error);
    /* virConnectGetLibVersion: the libvirt the connection talks to (the
     * daemon's for a remote URI), as major * 1000000 + minor * 1000 + micro */
    gboolean (*lib_version)(VirtConn *conn, guint64 *version, GError **error);
} VirtBackend;

typedef const VirtBackend *(*VirtBackendEntry)(void);
