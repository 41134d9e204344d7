/* --in-place edits are atomic: concurrent editors serialise, symlinks,
 * mode, owner and backups are kept, and every failure (read-only or full
 * file system, injected I/O errors at each step of the replace) leaves the
 * original bytes untouched, no temporary file behind, and one error line.
 *
 * Real read-only and full file systems come from a tmpfs mounted in a
 * private mount namespace (root only; skipped elsewhere); every other
 * failure is injected into virt-hostdev-fault, a test build of the binary
 * (VIRT_HOSTDEV_FAULT=STEP, see src/fileio.c). */
#include <errno.h>
#include <glib.h>
#include <glib/gstdio.h>
#include <sched.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "domxml.h"
#include "testutil.h"
#include "validate.h"

#define ERROR_PREFIX "virt-hostdev: error: "
#define GUEST "domain/guest-i440fx.xml"

/* a private mount namespace for the tmpfs tests, when we may have one */
static gboolean have_mounts;
static const char *no_mounts_reason = "not root";

typedef struct {
    int rc;
    char *out;
    char *err;
} Result;

static void result_free(Result *r)
{
    g_free(r->out);
    g_free(r->err);
    g_free(r);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC(Result, result_free)

static Result *run_argv(const char *const *env, const char *const *argv)
{
    Result *r = g_new0(Result, 1);
    r->rc = test_run_env(argv, env, NULL, &r->out, &r->err);
    return r;
}

/* Run the fault-injecting build of the binary. */
static Result *run_fault(const char *const *env, const char *const *argv)
{
    const char *normal = g_getenv("VIRT_HOSTDEV_BINARY");
    g_autofree char *saved = g_strdup(normal);
    const char *fault = g_getenv("VIRT_HOSTDEV_FAULT_BINARY");
    g_assert_nonnull(fault);
    g_setenv("VIRT_HOSTDEV_BINARY", fault, TRUE);
    Result *r = run_argv(env, argv);
    g_setenv("VIRT_HOSTDEV_BINARY", saved, TRUE);
    return r;
}

static char *read_bytes(const char *path, gsize *len)
{
    char *data = NULL;
    g_autoptr(GError) error = NULL;
    g_file_get_contents(path, &data, len, &error);
    g_assert_no_error(error);
    return data;
}

/* A fresh directory for the running test case. */
static char *scratch_dir(void)
{
    g_autofree char *name = g_strdelimit(g_strdup(g_test_get_path() + 1), "/", '-');
    char *dir = g_build_filename(test_tmpdir(), name, NULL);
    g_assert_cmpint(g_mkdir_with_parents(dir, 0755), ==, 0);
    return dir;
}

static char *copy_guest(const char *dir, const char *name)
{
    gsize len;
    g_autofree char *data = test_data_read(GUEST, &len);
    char *path = g_build_filename(dir, name, NULL);
    g_autoptr(GError) error = NULL;
    g_file_set_contents(path, data, (gssize)len, &error);
    g_assert_no_error(error);
    return path;
}

static void assert_bytes(const char *path, const char *want, gsize want_len)
{
    gsize len;
    g_autofree char *got = read_bytes(path, &len);
    g_assert_cmpmem(got, len, want, want_len);
}

static void assert_same_as_guest(const char *path)
{
    gsize len;
    g_autofree char *want = test_data_read(GUEST, &len);
    assert_bytes(path, want, len);
}

/* Exactly the names listed (NULL-terminated) in DIR: no temp files left. */
static void assert_dir_holds(const char *dir, ...)
{
    g_autoptr(GPtrArray) want = g_ptr_array_new();
    va_list ap;
    va_start(ap, dir);
    for (const char *n = va_arg(ap, const char *); n; n = va_arg(ap, const char *))
        g_ptr_array_add(want, (gpointer)n);
    va_end(ap);
    guint count = 0;
    GDir *d = g_dir_open(dir, 0, NULL);
    g_assert_nonnull(d);
    for (const char *n; (n = g_dir_read_name(d));) {
        gboolean listed = FALSE;
        for (guint i = 0; i < want->len; i++)
            listed = listed || g_strcmp0(n, want->pdata[i]) == 0;
        if (!listed)
            g_test_message("unexpected file %s in %s", n, dir);
        g_assert_true(listed);
        count++;
    }
    g_dir_close(d);
    g_assert_cmpuint(count, ==, want->len);
}

static void assert_one_error(const Result *r, int code, const char *needle)
{
    if (r->rc != code)
        g_test_message("exit %d, stderr: %s", r->rc, r->err);
    g_assert_cmpint(r->rc, ==, code);
    g_assert_cmpstr(r->out, ==, "");
    g_assert_true(g_str_has_prefix(r->err, ERROR_PREFIX));
    g_assert_true(g_str_has_suffix(r->err, "\n"));
    g_assert_true(strchr(r->err, '\n') == r->err + strlen(r->err) - 1); /* one line */
    if (needle && strstr(r->err, needle) == NULL)
        g_test_message("'%s' not in: %s", needle, r->err);
    g_assert_nonnull(strstr(r->err, needle));
}

/* The hostdev sources in the domain document at PATH, as "0000:03:00.0 …";
 * the document must parse and pass the semantic checks. */
static char *hostdevs_in(const char *path)
{
    gsize len;
    g_autofree char *data = read_bytes(path, &len);
    g_autoptr(GError) error = NULL;
    g_autoptr(DomDoc) dd = domdoc_parse(data, len, path, &error);
    g_assert_no_error(error);
    g_autoptr(GPtrArray) problems = validate_domain_semantics(dd);
    if (problems->len)
        g_test_message("%s: %s", path, (const char *)problems->pdata[0]);
    g_assert_cmpuint(problems->len, ==, 0);
    GString *out = g_string_new(NULL);
    for (xmlNode *d = xmlFirstElementChild(domdoc_devices(dd)); d; d = xmlNextElementSibling(d)) {
        g_autoptr(Nodedev) src = domdoc_hostdev_source(d, NULL);
        if (src) {
            g_autofree char *label = nodedev_label(src);
            g_string_append_printf(out, "%s%s", out->len ? " " : "", label);
        }
    }
    return g_string_free(out, FALSE);
}

/* ------------------------------------------------------------ concurrency */

static GPid spawn_edit(const char *path, const char *device)
{
    const char *argv[] = { g_getenv("VIRT_HOSTDEV_BINARY"), "-q", "add", "--in-place", "--file", path, device,
                           "--guest-address", "auto", NULL };
    GPid pid;
    g_autoptr(GError) error = NULL;
    g_assert_true(g_spawn_async(NULL, (char **)argv, NULL,
                                G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, &pid, &error));
    g_assert_no_error(error);
    return pid;
}

static int wait_exit(GPid pid)
{
    int status;
    g_assert_cmpint(waitpid(pid, &status, 0), ==, pid);
    g_spawn_close_pid(pid);
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* Two editors adding different devices to one file at the same moment:
 * the lock serialises them, so both devices always end up in the file, on
 * different guest slots (both pick "auto"), and the file stays valid. */
static void test_concurrent_adds(void)
{
    g_autofree char *dir = scratch_dir();
    guint iterations = g_test_slow() ? 200 : 50;
    for (guint i = 0; i < iterations; i++) {
        g_autofree char *path = copy_guest(dir, "guest.xml");
        GPid a = spawn_edit(path, "03:00.0");
        GPid b = spawn_edit(path, "0000:01:00.0");
        g_assert_cmpint(wait_exit(a), ==, 0);
        g_assert_cmpint(wait_exit(b), ==, 0);
        g_autofree char *found = hostdevs_in(path);
        g_assert_nonnull(strstr(found, "0000:03:00.0"));
        g_assert_nonnull(strstr(found, "0000:01:00.0"));
        g_assert_nonnull(strstr(found, "0000:06:00.0"));
        assert_dir_holds(dir, "guest.xml", NULL);
    }
}

/* --------------------------------------------------- what a replace keeps */

static void test_symlink(void)
{
    g_autofree char *dir = scratch_dir();
    g_autofree char *real_dir = g_build_filename(dir, "store", NULL);
    g_assert_cmpint(g_mkdir(real_dir, 0755), ==, 0);
    g_autofree char *target = copy_guest(real_dir, "guest.xml");
    g_autofree char *link = g_build_filename(dir, "guest.xml", NULL);
    g_assert_cmpint(symlink("store/guest.xml", link), ==, 0);

    const char *argv[] = { "-q", "add", "--in-place", "--file", link, "03:00.0", NULL };
    g_autoptr(Result) r = run_argv(NULL, argv);
    g_assert_cmpint(r->rc, ==, 0);
    g_assert_cmpstr(r->err, ==, "");
    /* the link is still a link to the same name, and the target changed */
    g_assert_true(g_file_test(link, G_FILE_TEST_IS_SYMLINK));
    g_autofree char *dest = g_file_read_link(link, NULL);
    g_assert_cmpstr(dest, ==, "store/guest.xml");
    g_autofree char *found = hostdevs_in(target);
    g_assert_nonnull(strstr(found, "0000:03:00.0"));
    assert_dir_holds(real_dir, "guest.xml", NULL);
    assert_dir_holds(dir, "guest.xml", "store", NULL);
}

static void test_mode_owner(void)
{
    g_autofree char *dir = scratch_dir();
    g_autofree char *path = copy_guest(dir, "guest.xml");
    g_assert_cmpint(g_chmod(path, 0604), ==, 0);
    gboolean root = geteuid() == 0;
    if (root)
        g_assert_cmpint(chown(path, 4321, 8765), ==, 0);
    GStatBuf before;
    g_assert_cmpint(g_stat(path, &before), ==, 0);

    const char *argv[] = { "-q", "add", "-i", "--file", path, "03:00.0", NULL };
    g_autoptr(Result) r = run_argv(NULL, argv);
    g_assert_cmpint(r->rc, ==, 0);
    GStatBuf after;
    g_assert_cmpint(g_stat(path, &after), ==, 0);
    g_assert_cmpuint(after.st_ino, !=, before.st_ino); /* replaced, not rewritten */
    g_assert_cmpint(after.st_mode & 07777, ==, 0604);
    if (root) {
        g_assert_cmpint(after.st_uid, ==, 4321);
        g_assert_cmpint(after.st_gid, ==, 8765);
    } else {
        g_test_message("owner not checked: not root");
    }
}

static void test_backup(void)
{
    g_autofree char *dir = scratch_dir();
    g_autofree char *path = copy_guest(dir, "guest.xml");
    g_autofree char *backup = g_strconcat(path, ".orig", NULL);

    const char *first[] = { "-q", "add", "-i", "--backup", ".orig", "--file", path, "03:00.0", NULL };
    g_autoptr(Result) r1 = run_argv(NULL, first);
    g_assert_cmpint(r1->rc, ==, 0);
    assert_same_as_guest(backup);
    gsize mid_len;
    g_autofree char *mid = read_bytes(path, &mid_len);

    /* a second edit with the same suffix is refused: the old backup may be
     * the only copy of the original; neither file changes */
    const char *second[] = { "-q", "add", "-i", "--backup", ".orig", "--file", path, "01:00.0", NULL };
    g_autoptr(Result) r2 = run_argv(NULL, second);
    assert_one_error(r2, 1, backup);
    g_assert_nonnull(strstr(r2->err, "already exists: remove it or choose another --backup suffix"));
    assert_same_as_guest(backup);
    assert_bytes(path, mid, mid_len);
    assert_dir_holds(dir, "guest.xml", "guest.xml.orig", NULL);

    /* another suffix keeps the bytes just before that edit */
    const char *third[] = { "-q", "add", "-i", "--backup", ".2", "--file", path, "01:00.0", NULL };
    g_autoptr(Result) r3 = run_argv(NULL, third);
    g_assert_cmpint(r3->rc, ==, 0);
    g_autofree char *backup2 = g_strconcat(path, ".2", NULL);
    assert_bytes(backup2, mid, mid_len);
    assert_same_as_guest(backup);
    g_autofree char *found = hostdevs_in(path);
    g_assert_nonnull(strstr(found, "0000:01:00.0"));
    assert_dir_holds(dir, "guest.xml", "guest.xml.2", "guest.xml.orig", NULL);
}

/* The order of the steps: data synced before the rename, the directory
 * synced after it. */
static void test_step_order(void)
{
    g_autofree char *dir = scratch_dir();
    g_autofree char *path = copy_guest(dir, "guest.xml");
    g_autofree char *trace = g_build_filename(test_tmpdir(), "trace.txt", NULL);
    g_autofree char *trace_env = g_strconcat("VIRT_HOSTDEV_FAULT_TRACE=", trace, NULL);
    const char *env[] = { trace_env, NULL };
    const char *argv[] = { "-q", "add", "-i", "--backup", ".bak", "--file", path, "03:00.0", NULL };
    g_autoptr(Result) r = run_fault(env, argv);
    g_assert_cmpint(r->rc, ==, 0);
    g_autofree char *steps = read_bytes(trace, NULL);
    g_assert_cmpstr(steps, ==, "lock\nvanish\nmkstemp\nfchmod\nfchown\nwrite\nfsync\nlink\nrename\nfsync-dir\n");
    g_unlink(trace);
}

/* ------------------------------------------------------------ failures */

static void test_fault(gconstpointer data)
{
    const char *step = data;
    g_autofree char *dir = scratch_dir();
    g_autofree char *path = copy_guest(dir, "guest.xml");
    g_autofree char *fault_env = g_strconcat("VIRT_HOSTDEV_FAULT=", step, NULL);
    const char *env[] = { fault_env, NULL };
    const char *argv[] = { "add", "--in-place", "--backup", ".bak", "--file", path, "03:00.0", NULL };
    g_autoptr(Result) r = run_fault(env, argv);
    assert_one_error(r, 1, path);
    g_assert_nonnull(strstr(r->err, g_strerror(EIO)));
    assert_same_as_guest(path);
    /* no temporary file left; a backup only when the failure came later */
    if (g_str_equal(step, "rename"))
        assert_dir_holds(dir, "guest.xml", "guest.xml.bak", NULL);
    else
        assert_dir_holds(dir, "guest.xml", NULL);
}

static void test_missing_file(void)
{
    g_autofree char *dir = scratch_dir();
    g_autofree char *path = g_build_filename(dir, "gone.xml", NULL);
    const char *argv[] = { "add", "--in-place", "--file", path, "03:00.0", NULL };
    g_autoptr(Result) r = run_argv(NULL, argv);
    assert_one_error(r, 2, path);
    assert_dir_holds(dir, NULL);

    /* a dangling symlink: nothing is created at its target */
    g_autofree char *link = g_build_filename(dir, "dangling.xml", NULL);
    g_assert_cmpint(symlink("nowhere.xml", link), ==, 0);
    const char *argv2[] = { "add", "--in-place", "--file", link, "03:00.0", NULL };
    g_autoptr(Result) r2 = run_argv(NULL, argv2);
    assert_one_error(r2, 2, link);
    assert_dir_holds(dir, "dangling.xml", NULL);
}

/* The file removed by someone else while we edit it (flock is advisory):
 * it is not brought back, and the error says so. */
static void test_vanished_during_edit(void)
{
    g_autofree char *dir = scratch_dir();
    g_autofree char *path = copy_guest(dir, "guest.xml");
    const char *env[] = { "VIRT_HOSTDEV_FAULT=vanish", NULL };
    const char *argv[] = { "add", "--in-place", "--file", path, "03:00.0", NULL };
    g_autoptr(Result) r = run_fault(env, argv);
    assert_one_error(r, 1, path);
    g_assert_nonnull(strstr(r->err, g_strerror(ENOENT)));
    assert_dir_holds(dir, NULL);
}

/* A tmpfs at DIR in our private mount namespace. */
static gboolean mount_tmpfs(const char *dir, const char *options)
{
    if (!have_mounts) {
        g_test_skip(no_mounts_reason);
        return FALSE;
    }
    if (mount("tmpfs", dir, "tmpfs", 0, options) != 0) {
        g_autofree char *why = g_strdup_printf("cannot mount a tmpfs: %s", g_strerror(errno));
        g_test_skip(why);
        return FALSE;
    }
    return TRUE;
}

static void test_read_only_fs(void)
{
    g_autofree char *dir = scratch_dir();
    if (!mount_tmpfs(dir, "size=1m,mode=0755"))
        return;
    g_autofree char *path = copy_guest(dir, "guest.xml");
    g_assert_cmpint(mount(NULL, dir, NULL, MS_REMOUNT | MS_RDONLY, NULL), ==, 0);
    const char *argv[] = { "add", "--in-place", "--file", path, "03:00.0", NULL };
    g_autoptr(Result) r = run_argv(NULL, argv);
    assert_one_error(r, 1, path);
    g_assert_nonnull(strstr(r->err, g_strerror(EROFS)));
    assert_same_as_guest(path);
    assert_dir_holds(dir, "guest.xml", NULL);
    g_assert_cmpint(umount(dir), ==, 0);
}

static void test_full_fs(void)
{
    g_autofree char *dir = scratch_dir();
    if (!mount_tmpfs(dir, "size=64k,mode=0755"))
        return;
    g_autofree char *path = copy_guest(dir, "guest.xml");
    /* fill the file system up */
    g_autofree char *filler = g_build_filename(dir, "filler", NULL);
    FILE *f = fopen(filler, "w");
    g_assert_nonnull(f);
    char block[4096];
    memset(block, 'x', sizeof block);
    while (fwrite(block, 1, sizeof block, f) == sizeof block && fflush(f) == 0)
        ;
    fclose(f);
    while ((f = fopen(filler, "a")) != NULL) {
        gboolean wrote = fputc('x', f) != EOF && fflush(f) == 0;
        fclose(f);
        if (!wrote)
            break;
    }

    const char *argv[] = { "add", "--in-place", "--file", path, "03:00.0", NULL };
    g_autoptr(Result) r = run_argv(NULL, argv);
    assert_one_error(r, 1, path);
    g_assert_nonnull(strstr(r->err, g_strerror(ENOSPC)));
    assert_same_as_guest(path);
    assert_dir_holds(dir, "guest.xml", "filler", NULL);
    g_assert_cmpint(umount(dir), ==, 0);
}

/* Without root, a directory we may not write to does the same (root
 * ignores the mode bits, hence the tmpfs above). */
static void test_read_only_dir(void)
{
    if (geteuid() == 0) {
        g_test_skip("root may write to any directory; see /atomic/fs/read-only");
        return;
    }
    g_autofree char *dir = scratch_dir();
    g_autofree char *path = copy_guest(dir, "guest.xml");
    g_assert_cmpint(g_chmod(dir, 0555), ==, 0);
    const char *argv[] = { "add", "--in-place", "--file", path, "03:00.0", NULL };
    g_autoptr(Result) r = run_argv(NULL, argv);
    g_assert_cmpint(g_chmod(dir, 0755), ==, 0);
    assert_one_error(r, 1, path);
    assert_same_as_guest(path);
    assert_dir_holds(dir, "guest.xml", NULL);
}

static void setup_mount_namespace(void)
{
    if (geteuid() != 0)
        return;
    if (unshare(CLONE_NEWNS) != 0) {
        no_mounts_reason = "no private mount namespace (unshare failed)";
        return;
    }
    if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) {
        no_mounts_reason = "cannot make mounts private";
        return;
    }
    have_mounts = TRUE;
}

int main(int argc, char **argv)
{
    /* before any thread exists: unshare() refuses a shared fs context */
    setup_mount_namespace();
    g_test_init(&argc, &argv, NULL);

    g_test_add_func("/atomic/concurrent-adds", test_concurrent_adds);
    g_test_add_func("/atomic/keeps/symlink", test_symlink);
    g_test_add_func("/atomic/keeps/mode-owner", test_mode_owner);
    g_test_add_func("/atomic/keeps/backup", test_backup);
    g_test_add_func("/atomic/step-order", test_step_order);
    static const char *const steps[] = { "mkstemp", "fchmod", "write", "fsync", "link", "rename" };
    for (guint i = 0; i < G_N_ELEMENTS(steps); i++) {
        g_autofree char *name = g_strdup_printf("/atomic/fault/%s", steps[i]);
        g_test_add_data_func(name, steps[i], test_fault);
    }
    g_test_add_func("/atomic/missing-file", test_missing_file);
    g_test_add_func("/atomic/vanished-during-edit", test_vanished_during_edit);
    g_test_add_func("/atomic/fs/read-only", test_read_only_fs);
    g_test_add_func("/atomic/fs/full", test_full_fs);
    g_test_add_func("/atomic/read-only-dir", test_read_only_dir);
    return g_test_run();
}
