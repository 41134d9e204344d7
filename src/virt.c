/* The libvirt backend: the only file that includes <libvirt/libvirt.h>.
 * Built as a loadable module so that offline verbs never load libvirt. */
#include <libvirt/libvirt.h>
#include <gmodule.h>
#include <libvirt/virterror.h>

#include "virt-backend.h"

/* Same quark string as errors.c: GError domains are matched by quark. */
#define VH_ERROR_QUARK g_quark_from_static_string("virt-hostdev-error-quark")
#define VH_ERROR_LIBVIRT_CODE 3

struct VirtConn {
    virConnectPtr conn;
};

G_DEFINE_AUTOPTR_CLEANUP_FUNC(virNodeDevice, virNodeDeviceFree)

static void silent_error(void *data, virErrorPtr err)
{
    (void)data;
    (void)err;
}

static void set_libvirt_error(GError **error, const char *context)
{
    const char *msg = virGetLastErrorMessage();
    g_set_error(error, VH_ERROR_QUARK, VH_ERROR_LIBVIRT_CODE, "%s: %s", context, msg ? msg : "unknown libvirt error");
    virResetLastError();
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

static char *backend_nodedev_xml(VirtConn *vc, const char *name, GError **error)
{
    g_autoptr(virNodeDevice) dev = virNodeDeviceLookupByName(vc->conn, name);
    if (dev == NULL) {
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
    /* libvirt allocates with malloc; hand back a g_malloc'ed copy */
    char *copy = g_strdup(xml);
    free(xml);
    return copy;
}

static const VirtBackend backend = {
    .abi = VIRT_BACKEND_ABI,
    .open = backend_open,
    .close = backend_close,
    .nodedev_xml = backend_nodedev_xml,
};

G_MODULE_EXPORT const VirtBackend *virt_hostdev_backend(void);

const VirtBackend *virt_hostdev_backend(void)
{
    return &backend;
}
