#include "module.h"

#include <gmodule.h>

#include "config.h"
#include "errors.h"

typedef gconstpointer (*ModuleEntry)(void);

const char *vh_module_dir(void)
{
    const char *dir = g_getenv("VIRT_HOSTDEV_MODULE_DIR");
    return dir && *dir ? dir : VH_MODULE_DIR;
}

gconstpointer vh_module_load(const char *file, const char *symbol, guint abi, const char *what, const char *needs,
                             GError **error)
{
    g_autofree char *path = g_build_filename(vh_module_dir(), file, NULL);
    GModule *module = g_module_open(path, G_MODULE_BIND_LAZY | G_MODULE_BIND_LOCAL);
    if (module == NULL) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                    "cannot load the %s %s: %s (it is installed with virt-hostdev; it needs %s)", what, path,
                    g_module_error(), needs);
        return NULL;
    }
    ModuleEntry entry = NULL;
    gconstpointer table = NULL;
    if (!g_module_symbol(module, symbol, (gpointer *)&entry) || entry == NULL || (table = entry()) == NULL ||
        *(const guint *)table != abi) {
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "%s is not a %s of this virt-hostdev version", path, what);
        g_module_close(module);
        return NULL;
    }
    g_module_make_resident(module);
    return table;
}
