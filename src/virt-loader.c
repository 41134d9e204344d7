#include "virt-loader.h"

#include <gmodule.h>

#include "config.h"
#include "errors.h"
#include "xmlutil.h"

static const VirtBackend *loaded;
static VirtConn *connection;

const char *virt_module_dir(void)
{
    const char *dir = g_getenv("VIRT_HOSTDEV_MODULE_DIR");
    return dir && *dir ? dir : VH_MODULE_DIR;
}

const VirtBackend *virt_backend_load(GError **error)
{
    if (loaded)
        return loaded;
    g_autofree char *path = g_build_filename(virt_module_dir(), "libvirt-backend.so", NULL);
    GModule *module = g_module_open(path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    if (module == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "cannot load the libvirt backend %s: %s (it is installed with virt-hostdev; "
                    "it needs libvirt0)", path, g_module_error());
        return NULL;
    }
    VirtBackendEntry entry = NULL;
    if (!g_module_symbol(module, VIRT_BACKEND_SYMBOL, (gpointer *)&entry) || entry == NULL ||
        entry()->abi != VIRT_BACKEND_ABI) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "%s is not a libvirt backend of this virt-hostdev version", path);
        g_module_close(module);
        return NULL;
    }
    g_module_make_resident(module);
    return loaded = entry();
}

VirtConn *virt_connection(const char *uri, GError **error)
{
    if (connection)
        return connection;
    const VirtBackend *backend = virt_backend_load(error);
    if (backend == NULL)
        return NULL;
    /* libvirt's drivers parse with libxml2 in this process */
    vh_xml_init();
    return connection = backend->open(uri, error);
}

void virt_connection_close(void)
{
    if (connection && loaded)
        loaded->close(connection);
    connection = NULL;
}

const VirtBackend *virt_connect(const char *uri, VirtConn **conn, GError **error)
{
    *conn = virt_connection(uri, error);
    return *conn ? loaded : NULL;
}
