/* Loads the libvirt backend module on the first connection. */
#pragma once
#include <glib.h>

#include "virt-backend.h"

const VirtBackend *virt_backend_load(GError **error);

/* One connection per process, opened on first use and closed at exit. */
VirtConn *virt_connection(const char *uri, GError **error);
void virt_connection_close(void);
/* The backend and the connection to URI, for verbs that need libvirt. */
const VirtBackend *virt_connect(const char *uri, VirtConn **conn, GError **error);
