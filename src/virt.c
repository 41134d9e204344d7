/* The libvirt backend: the only file that includes <libvirt/libvirt.h>.
 * Built as a loadable module so that offline verbs never load libvirt. */
#include <libvirt/libvirt.h>
#include <libvirt/virterror.h>
#include <string.h>

#include "virt-backend.h"

/* Same quark string as errors.c: GError domains are matched by quark. */
#define VH_ERROR_QUARK g_quark_from_static_string("virt-hostdev-error-quark")
#define VH_ERROR_LIBVIRT_CODE 3

struct VirtConn {
    virConnectPtr conn;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNodeDevice, virNodeDeviceFree)
G_DEFINE_AUTOPTR_CLEANUP_FUNC(virDomain, virDomainFree)

static void silent_error(void *data, virErrorPtr err)
{
    (void)data;
    (void)err;
}

static void set_libvirt_error(GError **error, const char *context)
{
    /* some drivers fail without saying why */
    const char *msg = virGetLastError() ? virGetLastErrorMessage() : "the libvirt driver gave no reason";
    g_set_error(error, VH_ERROR_QUARK, VH_ERROR_LIBVIRT_CODE, "%s: %s", context, msg ? msg : "unknown libvirt error");
    virResetLastError();
}

/* libvirt allocates with malloc; everything we hand back is g_malloc'ed */
static char *take_string(char *s)
{
    char *copy = g_strdup(s);
    free(s);
    return copy;
}

static VirtConn *backend_open(const char *uri, GError **error)
{
    /* libvirt prints every error to stderr by default; we report one line */
    virSetErrorFunc(NULL, silent_error);
    if (virInitialize() < 0) {
        set_libvirt_error(error, "cannot initialize libvirt");
        return NULL;
    }
    virConnectPtr conn = virConnectOpen(uri);
    if (conn == NULL) {
        g_autofree char *context = g_strdup_printf("cannot connect to %s", uri ? uri : "the default libvirt URI");
        set_libvirt_error(error, context);
        return NULL;
    }
    VirtConn *vc = g_new0(VirtConn, 1);
    vc->conn = conn;
    return vc;
}

static void backend_close(VirtConn *vc)
{
    if (vc == NULL)
        return;
    virConnectClose(vc->conn);
    g_free(vc);
}

static char *backend_uri(VirtConn *vc)
{
    char *uri = virConnectGetURI(vc->conn);
    return uri ? take_string(uri) : g_strdup("?");
}

/* virsh hostname: the name the host gives itself (for a fleet engine's
 * node name) */
static char *backend_hostname(VirtConn *vc, GError **error)
{
    char *name = virConnectGetHostname(vc->conn);
    if (name == NULL) {
        set_libvirt_error(error, "cannot read the host's name");
        return NULL;
    }
    return take_string(name);
}

static char *backend_nodedev_xml(VirtConn *vc, const char *name, gboolean *not_found, GError **error)
{
    *not_found = FALSE;
    g_autoptr(virNodeDevice) dev = virNodeDeviceLookupByName(vc->conn, name);
    if (dev == NULL) {
        *not_found = virGetLastErrorCode() == VIR_ERR_NO_NODE_DEVICE;
        g_autofree char *context = g_strdup_printf("no node device '%s'", name);
        set_libvirt_error(error, context);
        return NULL;
    }
    char *xml = virNodeDeviceGetXMLDesc(dev, 0);
    if (xml == NULL) {
        g_autofree char *context = g_strdup_printf("cannot read node device '%s'", name);
        set_libvirt_error(error, context);
        return NULL;
    }
    return take_string(xml);
}

/* CAP: one capability or several, comma-separated ("pci,usb_device"):
 * libvirt lists the devices having any of them. */
static unsigned int cap_flag(const char *cap)
{
    if (cap == NULL)
        return 0;
    unsigned int flags = 0;
    g_auto(GStrv) caps = g_strsplit(cap, ",", -1);
    for (char **c = caps; *c; c++) {
        if (strcmp(*c, "pci") == 0)
            flags |= VIR_CONNECT_LIST_NODE_DEVICES_CAP_PCI_DEV;
        else if (strcmp(*c, "usb_device") == 0)
            flags |= VIR_CONNECT_LIST_NODE_DEVICES_CAP_USB_DEV;
        else if (strcmp(*c, "mdev") == 0)
            flags |= VIR_CONNECT_LIST_NODE_DEVICES_CAP_MDEV;
        else
            return 0; /* unknown: all of them */
    }
    return flags;
}

static GPtrArray *backend_nodedev_list(VirtConn *vc, const char *cap, GError **error)
{
    virNodeDevicePtr *devs = NULL;
    /* virsh nodedev-list passes an "inactive too" flag that the test driver
     * refuses; the plain listing is what every driver supports */
    int n = virConnectListAllNodeDevices(vc->conn, &devs, cap_flag(cap));
    if (n < 0 && cap) {
        /* drivers without capability filtering: list all, filter by XML */
        virResetLastError();
        n = virConnectListAllNodeDevices(vc->conn, &devs, 0);
    }
    if (n < 0) {
        set_libvirt_error(error, "cannot list node devices");
        return NULL;
    }
    GPtrArray *out = g_ptr_array_new_full((guint)n, (GDestroyNotify)virt_nodedev_xml_free);
    gboolean ok = TRUE;
    for (int i = 0; i < n; i++) {
        if (ok) {
            char *xml = virNodeDeviceGetXMLDesc(devs[i], 0);
            if (xml == NULL) {
                /* a device that vanished since the listing is not an error */
                virResetLastError();
            } else {
                VirtNodedevXml *d = g_new0(VirtNodedevXml, 1);
                d->name = g_strdup(virNodeDeviceGetName(devs[i]));
                d->xml = take_string(xml);
                g_ptr_array_add(out, d);
            }
        }
        virNodeDeviceFree(devs[i]);
    }
    free(devs);
    return out;
}

static VirtDomain *domain_info(virDomainPtr dom, gboolean with_xml, gboolean *gone, GError **error)
{
    *gone = FALSE;
    g_autoptr(VirtDomain) d = g_new0(VirtDomain, 1);
    char uuid[VIR_UUID_STRING_BUFLEN];
    d->name = g_strdup(virDomainGetName(dom));
    if (virDomainGetUUIDString(dom, uuid) == 0)
        d->uuid = g_strdup(uuid);
    int active = virDomainIsActive(dom);
    d->active = active > 0;
    d->persistent = virDomainIsPersistent(dom) != 0;
    if (!with_xml)
        return g_steal_pointer(&d);
    char *xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_INACTIVE | VIR_DOMAIN_XML_SECURE);
    if (xml == NULL) {
        *gone = virGetLastErrorCode() == VIR_ERR_NO_DOMAIN;
        g_autofree char *context = g_strdup_printf("cannot read the definition of domain '%s'", d->name);
        set_libvirt_error(error, context);
        return NULL;
    }
    d->xml = take_string(xml);
    if (d->active) {
        xml = virDomainGetXMLDesc(dom, VIR_DOMAIN_XML_SECURE);
        if (xml == NULL) {
            *gone = virGetLastErrorCode() == VIR_ERR_NO_DOMAIN;
            g_autofree char *context = g_strdup_printf("cannot read the live XML of domain '%s'", d->name);
            set_libvirt_error(error, context);
            return NULL;
        }
        d->live_xml = take_string(xml);
    }
    return g_steal_pointer(&d);
}

static GPtrArray *backend_domain_list(VirtConn *vc, gboolean with_xml, GError **error)
{
    virDomainPtr *doms = NULL;
    int n = virConnectListAllDomains(vc->conn, &doms, 0);
    if (n < 0) {
        set_libvirt_error(error, "cannot list domains");
        return NULL;
    }
    GPtrArray *out = g_ptr_array_new_full((guint)n, (GDestroyNotify)virt_domain_free);
    gboolean ok = TRUE;
    for (int i = 0; i < n; i++) {
        if (ok) {
            g_autoptr(GError) err = NULL;
            gboolean gone;
            VirtDomain *d = domain_info(doms[i], with_xml, &gone, &err);
            if (d) {
                g_ptr_array_add(out, d);
            } else if (!gone) {
                /* a domain undefined while we list it is simply gone; any
                 * other failure must not hide what a domain holds */
                g_propagate_error(error, g_steal_pointer(&err));
                ok = FALSE;
            }
        }
        virDomainFree(doms[i]);
    }
    free(doms);
    if (!ok)
        g_clear_pointer(&out, g_ptr_array_unref);
    return out;
}

static virDomainPtr lookup_domain(VirtConn *vc, const char *name_or_uuid, GError **error)
{
    virDomainPtr dom = virDomainLookupByName(vc->conn, name_or_uuid);
    if (dom == NULL && strlen(name_or_uuid) == VIR_UUID_STRING_BUFLEN - 1) {
        virResetLastError();
        dom = virDomainLookupByUUIDString(vc->conn, name_or_uuid);
    }
    if (dom == NULL) {
        g_autofree char *context = g_strdup_printf("no domain '%s'", name_or_uuid);
        set_libvirt_error(error, context);
    }
    return dom;
}

static VirtDomain *backend_domain_get(VirtConn *vc, const char *name_or_uuid, GError **error)
{
    g_autoptr(virDomain) dom = lookup_domain(vc, name_or_uuid, error);
    gboolean gone;
    return dom ? domain_info(dom, TRUE, &gone, error) : NULL;
}

static gboolean backend_domain_define(VirtConn *vc, const char *xml, GError **error)
{
    g_autoptr(virDomain) dom = virDomainDefineXMLFlags(vc->conn, xml, VIR_DOMAIN_DEFINE_VALIDATE);
    if (dom == NULL) {
        set_libvirt_error(error, "libvirt refused the new definition");
        return FALSE;
    }
    return TRUE;
}

static unsigned int affect_flags(VirtAffect affect)
{
    unsigned int flags = VIR_DOMAIN_AFFECT_CURRENT;
    if (affect & VIRT_AFFECT_LIVE)
        flags |= VIR_DOMAIN_AFFECT_LIVE;
    if (affect & VIRT_AFFECT_CONFIG)
        flags |= VIR_DOMAIN_AFFECT_CONFIG;
    return flags;
}

static gboolean backend_device_attach(VirtConn *vc, const char *uuid, const char *xml, VirtAffect affect,
                                      GError **error)
{
    g_autoptr(virDomain) dom = lookup_domain(vc, uuid, error);
    if (dom == NULL)
        return FALSE;
    /* every libvirt call, virDomainGetName too, resets the last error:
     * name the domain before the call whose error we report */
    g_autofree char *context = g_strdup_printf("cannot attach the device to domain '%s'", virDomainGetName(dom));
    if (virDomainAttachDeviceFlags(dom, xml, affect_flags(affect)) < 0) {
        set_libvirt_error(error, context);
        return FALSE;
    }
    return TRUE;
}

static gboolean backend_device_detach(VirtConn *vc, const char *uuid, const char *xml, VirtAffect affect,
                                      GError **error)
{
    g_autoptr(virDomain) dom = lookup_domain(vc, uuid, error);
    if (dom == NULL)
        return FALSE;
    /* every libvirt call, virDomainGetName too, resets the last error:
     * name the domain before the call whose error we report */
    g_autofree char *context = g_strdup_printf("cannot detach the device from domain '%s'", virDomainGetName(dom));
    if (virDomainDetachDeviceFlags(dom, xml, affect_flags(affect)) < 0) {
        set_libvirt_error(error, context);
        return FALSE;
    }
    return TRUE;
}

static virNodeDevicePtr lookup_nodedev(VirtConn *vc, const char *name, GError **error)
{
    virNodeDevicePtr dev = virNodeDeviceLookupByName(vc->conn, name);
    if (dev == NULL) {
        g_autofree char *context = g_strdup_printf("no node device '%s'", name);
        set_libvirt_error(error, context);
    }
    return dev;
}

static gboolean backend_nodedev_detach(VirtConn *vc, const char *name, const char *driver, GError **error)
{
    g_autoptr(virNodeDevice) dev = lookup_nodedev(vc, name, error);
    if (dev == NULL)
        return FALSE;
    if (virNodeDeviceDetachFlags(dev, driver, 0) < 0) {
        g_autofree char *context = g_strdup_printf("cannot detach %s from the host", name);
        set_libvirt_error(error, context);
        return FALSE;
    }
    return TRUE;
}

static gboolean backend_nodedev_reattach(VirtConn *vc, const char *name, GError **error)
{
    g_autoptr(virNodeDevice) dev = lookup_nodedev(vc, name, error);
    if (dev == NULL)
        return FALSE;
    if (virNodeDeviceReAttach(dev) < 0) {
        g_autofree char *context = g_strdup_printf("cannot give %s back to the host", name);
        set_libvirt_error(error, context);
        return FALSE;
    }
    return TRUE;
}

static gboolean backend_nodedev_reset(VirtConn *vc, const char *name, GError **error)
{
    g_autoptr(virNodeDevice) dev = lookup_nodedev(vc, name, error);
    if (dev == NULL)
        return FALSE;
    if (virNodeDeviceReset(dev) < 0) {
        g_autofree char *context = g_strdup_printf("cannot reset %s", name);
        set_libvirt_error(error, context);
        return FALSE;
    }
    return TRUE;
}

static gboolean backend_lib_version(VirtConn *vc, guint64 *version, GError **error)
{
    unsigned long v = 0;
    if (virConnectGetLibVersion(vc->conn, &v) < 0) {
        set_libvirt_error(error, "cannot get the libvirt version of the connection");
        return FALSE;
    }
    *version = v;
    return TRUE;
}

static const VirtBackend backend = {
    .abi = VIRT_BACKEND_ABI,
    .open = backend_open,
    .close = backend_close,
    .uri = backend_uri,
    .hostname = backend_hostname,
    .nodedev_xml = backend_nodedev_xml,
    .nodedev_list = backend_nodedev_list,
    .domain_list = backend_domain_list,
    .domain_get = backend_domain_get,
    .domain_define = backend_domain_define,
    .device_attach = backend_device_attach,
    .device_detach = backend_device_detach,
    .nodedev_detach = backend_nodedev_detach,
    .nodedev_reattach = backend_nodedev_reattach,
    .nodedev_reset = backend_nodedev_reset,
    .lib_version = backend_lib_version,
};

__attribute__((visibility("default"))) const VirtBackend *virt_hostdev_backend(void);

const VirtBackend *virt_hostdev_backend(void)
{
    return &backend;
}
