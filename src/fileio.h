/* Reading inputs and replacing files atomically. */
#pragma once
#include <glib.h>

/* Read PATH ("-" for stdin) whole, refusing more than VH_XML_INPUT_MAX bytes. */
gboolean fileio_read(const char *path, char **data, gsize *len, GError **error);

/* An exclusive advisory lock on PATH's target, held across read-edit-write so
 * that two editors of one file serialise. */
typedef struct FileLock FileLock;
FileLock *fileio_lock(const char *path, GError **error);
void fileio_unlock(FileLock *lock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC(FileLock, fileio_unlock)
/* The real path the lock holds (symlinks resolved): read and write this. */
const char *fileio_lock_path(const FileLock *lock);

/* Replace PATH with DATA: temp file in the same directory, same mode and
 * owner, fsync, optional hard-linked backup PATH+SUFFIX, rename, fsync dir. */
gboolean fileio_replace(const char *path, const char *data, gsize len, const char *backup_suffix, GError **error);
