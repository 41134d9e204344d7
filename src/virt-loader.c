#include "virt-loader.h"

#include "errors.h"
#include "module.h"
#include "xmlutil.h"

static const VirtBackend *loaded;
static VirtConn *connection;

const VirtBackend *virt_backend_load(GError **error)
{
    if (loaded == NULL)
        loaded = vh_module_load("libvirt-backend.so", VIRT_BACKEND_SYMBOL, VIRT_BACKEND_ABI, "libvirt backend",
                                "libvirt0", error);
    return loaded;
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
