#include "fileio.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "errors.h"
#include "xmlutil.h"

#ifdef VH_FAULT_INJECTION
/* Test builds only (tests/meson.build builds virt-hostdev-fault with this):
 * VIRT_HOSTDEV_FAULT=STEP makes that step of an atomic replace fail with EIO,
 * VIRT_HOSTDEV_FAULT_TRACE=FILE appends the name of every step taken. */
static gboolean fault(const char *step)
{
    const char *trace = g_getenv("VIRT_HOSTDEV_FAULT_TRACE");
    if (trace) {
        FILE *f = fopen(trace, "a");
        if (f) {
            fprintf(f, "%s\n", step);
            fclose(f);
        }
    }
    if (g_strcmp0(g_getenv("VIRT_HOSTDEV_FAULT"), step) == 0) {
        errno = EIO;
        return TRUE;
    }
    return FALSE;
}
#else
#define fault(step) FALSE
#endif

/* SIZE_HINT: the file's size when known (a regular file): it is read
 * straight into a buffer of that size and a little more (for the read that
 * sees the end), not copied through a chunk. */
static gboolean read_fd(int fd, const char *label, gsize size_hint, char **data, gsize *len, GError **error)
{
    gsize size = MIN(size_hint, (gsize)VH_XML_INPUT_MAX) + 4096, used = 0;
    g_autofree char *buf = g_malloc(size + 1);
    for (;;) {
        if (size - used < 1024)
            buf = g_realloc(buf, (size *= 2) + 1);
        ssize_t n = read(fd, buf + used, size - used);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            int e = errno;
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "cannot read %s: %s", label, g_strerror(e));
            return FALSE;
        }
        if (n == 0)
            break;
        if (used + (gsize)n > VH_XML_INPUT_MAX) {
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s is larger than the %u MiB input limit", label,
                        VH_XML_INPUT_MAX / (1024 * 1024));
            return FALSE;
        }
        used += (gsize)n;
    }
    buf[used] = '\0';
    *len = used;
    *data = g_steal_pointer(&buf);
    return TRUE;
}

gboolean fileio_read(const char *path, char **data, gsize *len, GError **error)
{
    if (g_strcmp0(path, "-") == 0)
        return read_fd(STDIN_FILENO, "standard input", 0, data, len, error);
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "cannot open %s: %s", path, g_strerror(e));
        return FALSE;
    }
    struct stat st;
    gboolean known = fstat(fd, &st) == 0;
    if (known && S_ISDIR(st.st_mode)) {
        close(fd);
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "%s is a directory", path);
        return FALSE;
    }
    gsize hint = known && S_ISREG(st.st_mode) && st.st_size > 0 ? (gsize)st.st_size : 0;
    gboolean ok = read_fd(fd, path, hint, data, len, error);
    close(fd);
    return ok;
}

struct FileLock {
    int fd;
    char *path;
};

FileLock *fileio_lock(const char *path, GError **error)
{
    g_autofree char *real = realpath(path, NULL);
    if (real == NULL) {
        int e = errno;
        g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "cannot open %s: %s", path, g_strerror(e));
        return NULL;
    }
    /* The file we lock may be replaced by the editor holding the lock before
     * us: after getting it, check the path still names the locked inode. */
    for (int attempt = 0; attempt < 100; attempt++) {
        int fd = open(real, O_RDONLY | O_CLOEXEC);
        if (fd < 0) {
            int e = errno;
            g_set_error(error, VH_ERROR, VH_ERROR_INPUT, "cannot open %s: %s", path, g_strerror(e));
            return NULL;
        }
        while (flock(fd, LOCK_EX) < 0 && errno == EINTR)
            ;
        (void)fault("lock");
        struct stat held, now;
        if (fstat(fd, &held) == 0 && stat(real, &now) == 0 && held.st_ino == now.st_ino && held.st_dev == now.st_dev) {
            FileLock *lock = g_new0(FileLock, 1);
            lock->fd = fd;
            lock->path = g_steal_pointer(&real);
            return lock;
        }
        close(fd);
    }
    g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot lock %s: it keeps being replaced", path);
    return NULL;
}

void fileio_unlock(FileLock *lock)
{
    if (lock == NULL)
        return;
    close(lock->fd);
    g_free(lock->path);
    g_free(lock);
}

const char *fileio_lock_path(const FileLock *lock)
{
    return lock->path;
}

static gboolean write_all(int fd, const char *data, gsize len)
{
    while (len > 0) {
        ssize_t n = write(fd, data, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n == 0)
            errno = ENOSPC;
        if (n <= 0)
            return FALSE;
        data += n;
        len -= (gsize)n;
    }
    return TRUE;
}

static gboolean fsync_dir(const char *dir)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return FALSE;
    gboolean ok = !fault("fsync-dir") && fsync(fd) == 0;
    close(fd);
    return ok;
}

gboolean fileio_replace(const char *path, const char *data, gsize len, const char *backup_suffix, GError **error)
{
    if (fault("vanish")) /* test builds: another program removes the file under our lock */
        g_unlink(path);
    g_autofree char *real = realpath(path, NULL);
    if (real == NULL) {
        int e = errno;
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot write %s: %s", path, g_strerror(e));
        return FALSE;
    }
    g_autofree char *dir = g_path_get_dirname(real);
    g_autofree char *base = g_path_get_basename(real);
    g_autofree char *tmpl = g_strdup_printf("%s/.%s.XXXXXX", dir, base);
    struct stat st;
    if (stat(real, &st) != 0) {
        int e = errno;
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot write %s: %s", path, g_strerror(e));
        return FALSE;
    }
    int fd = fault("mkstemp") ? -1 : g_mkstemp_full(tmpl, O_WRONLY | O_CLOEXEC, st.st_mode & 07777);
    if (fd < 0) {
        int e = errno;
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot write %s: cannot create a temporary file in %s: %s",
                    path, dir, g_strerror(e));
        return FALSE;
    }
    int e = 0;
    errno = 0;
    if (fault("fchmod") || fchmod(fd, st.st_mode & 07777) != 0 ||
        ((fault("fchown") || fchown(fd, st.st_uid, st.st_gid) != 0) && geteuid() == 0) ||
        fault("write") || !write_all(fd, data, len) || fault("fsync") || fsync(fd) != 0)
        e = errno ? errno : EIO;
    if (close(fd) != 0 && e == 0)
        e = errno;
    if (e == 0 && backup_suffix) {
        g_autofree char *backup = g_strconcat(real, backup_suffix, NULL);
        /* a hard link keeps the old bytes; link() never replaces a file, so
         * an earlier backup (perhaps the only copy of an older state) is
         * refused rather than lost, atomically */
        if (fault("link") || link(real, backup) != 0) {
            e = errno;
            g_unlink(tmpl);
            if (e == EEXIST)
                g_set_error(error, VH_ERROR, VH_ERROR_FAILED,
                            "backup %s already exists: remove it or choose another --backup suffix "
                            "(%s is unchanged)", backup, path);
            else
                g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot keep a backup %s: %s", backup, g_strerror(e));
            return FALSE;
        }
    }
    if (e == 0 && (fault("rename") || rename(tmpl, real) != 0))
        e = errno;
    if (e != 0) {
        g_unlink(tmpl);
        g_set_error(error, VH_ERROR, VH_ERROR_FAILED, "cannot write %s: %s (the file is unchanged)", path,
                    g_strerror(e));
        return FALSE;
    }
    fsync_dir(dir);
    return TRUE;
}
