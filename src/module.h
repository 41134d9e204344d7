/* The project's own loadable modules (libvirt-backend.so, json-backend.so):
 * heavy libraries stay out of the processes that do not need them, the
 * pattern systemd uses for its optional libraries. */
#pragma once
#include <glib.h>

/* The modules' directory: $VIRT_HOSTDEV_MODULE_DIR, else the installed one. */
const char *vh_module_dir(void);

/* When this process runs a binary from a meson build tree (its modules
 * beside it), a sentence telling how to run it there (`meson devenv`);
 * NULL for an installed binary. */
char *vh_build_tree_hint(void);

/* Open FILE in that directory and return the table its SYMBOL function
 * gives, checking that the table (which starts with a guint ABI) is of ABI.
 * WHAT names the module in errors, NEEDS the package it depends on. The
 * module stays loaded for the life of the process. */
gconstpointer vh_module_load(const char *file, const char *symbol, guint abi, const char *what, const char *needs,
                             GError **error);
