#include "hostcrit.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "sysroot.h"

/* stacked devices (dm on md on a partition, a loop file on an overlay
 * layer, ...) rarely go deeper than a few levels; a loop of them ends here */
#define MAX_DEPTH 12

typedef struct {
    char *point;
    char *fstype;
    char *source;
    char *super;   /* the filesystem's own options (overlay layers) */
    guint major, minor;
} Mount;

typedef struct {
    HostCrit *crit;
    GPtrArray *mounts;  /* Mount*, in the kernel's order */
} Reader;

static void mount_free(Mount *m)
{
    g_free(m->point);
    g_free(m->fstype);
    g_free(m->source);
    g_free(m->super);
    g_free(m);
}

static void fact_free(HostCritFact *f)
{
    g_free(f->reason);
    g_array_unref(f->above);
    g_free(f);
}

void hostcrit_free(HostCrit *crit)
{
    if (crit == NULL)
        return;
    g_free(crit->root);
    g_ptr_array_unref(crit->facts);
    g_free(crit);
}

/* The kernel escapes space, tab, newline and backslash in these tables as
 * \ooo. */
static char *unescape(const char *s)
{
    GString *out = g_string_new(NULL);
    for (; *s; s++) {
        if (s[0] == '\\' && s[1] >= '0' && s[1] <= '3' && s[2] >= '0' && s[2] <= '7' && s[3] >= '0' &&
            s[3] <= '7') {
            g_string_append_c(out, (char)((s[1] - '0') * 64 + (s[2] - '0') * 8 + (s[3] - '0')));
            s += 3;
        } else {
            g_string_append_c(out, *s);
        }
    }
    return g_string_free(out, FALSE);
}

/* One line of /proc/self/mountinfo: ID PARENT MAJ:MIN ROOT POINT OPTIONS
 * [OPTIONAL...] - FSTYPE SOURCE SUPER; or of /proc/mounts: SOURCE POINT
 * FSTYPE OPTIONS. */
static Mount *parse_mount(const char *line, gboolean mountinfo)
{
    g_auto(GStrv) f = g_strsplit_set(line, " \t", -1);
    guint n = g_strv_length(f);
    Mount *m = g_new0(Mount, 1);
    if (!mountinfo) {
        if (n < 3) {
            mount_free(m);
            return NULL;
        }
        m->source = unescape(f[0]);
        m->point = unescape(f[1]);
        m->fstype = unescape(f[2]);
        m->super = unescape(n > 3 ? f[3] : "");
        return m;
    }
    guint dash = 6;
    while (dash < n && strcmp(f[dash], "-") != 0)
        dash++;
    if (n < 5 || dash + 2 >= n || sscanf(f[2], "%u:%u", &m->major, &m->minor) != 2) {
        mount_free(m);
        return NULL;
    }
    m->point = unescape(f[4]);
    m->fstype = unescape(f[dash + 1]);
    m->source = unescape(f[dash + 2]);
    m->super = unescape(dash + 3 < n ? f[dash + 3] : "");
    return m;
}

static GPtrArray *read_mounts(const char *root)
{
    GPtrArray *mounts = g_ptr_array_new_with_free_func((GDestroyNotify)mount_free);
    g_autofree char *text = sysroot_read(root, "proc/self/mountinfo");
    gboolean mountinfo = text != NULL;
    if (text == NULL)
        text = sysroot_read(root, "proc/mounts");
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
    for (char **l = lines; *l; l++) {
        Mount *m = **l ? parse_mount(*l, mountinfo) : NULL;
        if (m)
            g_ptr_array_add(mounts, m);
    }
    return mounts;
}

/* The mount that PATH is on: the last one (the visible one of a stack) at
 * the longest mount point that is a prefix of PATH, component-wise. */
static const Mount *mount_of(Reader *r, const char *path)
{
    const Mount *best = NULL;
    gsize best_len = 0;
    for (guint i = 0; i < r->mounts->len; i++) {
        const Mount *m = r->mounts->pdata[i];
        gsize len = strlen(m->point);
        gboolean prefix = strcmp(m->point, "/") == 0 ||
                          (strncmp(path, m->point, len) == 0 && (path[len] == '/' || path[len] == '\0'));
        if (prefix && (best == NULL || len >= best_len)) {
            best = m;
            best_len = len;
        }
    }
    return best;
}

/* Whether a fact names the PCI device at SYS_PATH already. */
static gboolean held(Reader *r, const char *sys_path)
{
    g_autoptr(GArray) chain = sysroot_pci_chain(sys_path);
    for (guint i = 0; chain->len && i < r->crit->facts->len; i++)
        if (pci_addr_equal(&((const HostCritFact *)r->crit->facts->pdata[i])->device,
                           &g_array_index(chain, PciAddr, chain->len - 1)))
            return TRUE;
    return FALSE;
}

static void hold(Reader *r, const char *sys_path, const char *reason)
{
    g_autoptr(GArray) chain = sysroot_pci_chain(sys_path);
    if (chain->len == 0)
        return;  /* a virtual device: no PCI device holds it */
    const PciAddr *device = &g_array_index(chain, PciAddr, chain->len - 1);
    for (guint i = 0; i < r->crit->facts->len; i++) {
        const HostCritFact *f = r->crit->facts->pdata[i];
        if (pci_addr_equal(&f->device, device) && strcmp(f->reason, reason) == 0)
            return;
    }
    HostCritFact *f = g_new0(HostCritFact, 1);
    f->device = *device;
    f->reason = g_strdup(reason);
    f->usb = sysroot_usb_device(r->crit->root, sys_path, &f->usb_bus, &f->usb_device);
    g_array_set_size(chain, chain->len - 1);
    f->above = g_steal_pointer(&chain);
    g_ptr_array_add(r->crit->facts, f);
}

static void file_walk(Reader *r, const char *path, const Mount *skip, const char *reason, guint depth);

/* A block device by its name in /sys/class/block: its slaves (dm, md,
 * bcache), a loop device's backing file, or the device itself. */
static void block_walk(Reader *r, const char *name, const char *reason, guint depth)
{
    if (depth > MAX_DEPTH || name == NULL || *name == '\0' || strchr(name, '/'))
        return;
    g_autofree char *rel = g_strdup_printf("sys/class/block/%s", name);
    g_autofree char *slaves_rel = g_strconcat(rel, "/slaves", NULL);
    g_autoptr(GPtrArray) slaves = sysroot_list(r->crit->root, slaves_rel);
    for (guint i = 0; slaves && i < slaves->len; i++)
        block_walk(r, slaves->pdata[i], reason, depth + 1);
    g_autofree char *backing_rel = g_strconcat(rel, "/loop/backing_file", NULL);
    g_autofree char *backing = sysroot_read(r->crit->root, backing_rel);
    if (backing && backing[0] == '/')
        file_walk(r, backing, NULL, reason, depth + 1);
    if ((slaves && slaves->len) || backing)
        return;
    g_autofree char *path = sysroot_resolve(r->crit->root, rel);
    hold(r, path, reason);
}

/* A block device by its /dev path: /dev/NAME, /dev/mapper/NAME. */
static void dev_walk(Reader *r, const char *dev, const char *reason, guint depth)
{
    if (!g_str_has_prefix(dev, "/dev/"))
        return;
    if (!g_str_has_prefix(dev, "/dev/mapper/")) {
        g_autofree char *name = g_path_get_basename(dev);
        block_walk(r, name, reason, depth);
        return;
    }
    g_autoptr(GPtrArray) blocks = sysroot_list(r->crit->root, "sys/class/block");
    for (guint i = 0; blocks && i < blocks->len; i++) {
        g_autofree char *rel = g_strdup_printf("sys/class/block/%s/dm/name", (const char *)blocks->pdata[i]);
        g_autofree char *dm_name = sysroot_read(r->crit->root, rel);
        if (g_strcmp0(dm_name, dev + strlen("/dev/mapper/")) == 0)
            block_walk(r, blocks->pdata[i], reason, depth);
    }
}

/* A virtio 9p share by its mount tag (the source of a 9p mount). */
static void virtio_9p_walk(Reader *r, const char *tag, const char *reason)
{
    const char *dir = "sys/bus/virtio/drivers/9pnet_virtio";
    g_autoptr(GPtrArray) devices = sysroot_list(r->crit->root, dir);
    for (guint i = 0; devices && i < devices->len; i++) {
        g_autofree char *rel = g_strdup_printf("%s/%s", dir, (const char *)devices->pdata[i]);
        g_autofree char *tag_rel = g_strconcat(rel, "/mount_tag", NULL);
        g_autofree char *found = sysroot_read(r->crit->root, tag_rel);
        if (g_strcmp0(found, tag) != 0)
            continue;
        g_autofree char *path = sysroot_resolve(r->crit->root, rel);
        hold(r, path, reason);
    }
}

/* A virtiofs share by its tag (/sys/fs/virtiofs/N/tag, Linux 6.9). */
static void virtiofs_walk(Reader *r, const char *tag, const char *reason)
{
    g_autoptr(GPtrArray) shares = sysroot_list(r->crit->root, "sys/fs/virtiofs");
    for (guint i = 0; shares && i < shares->len; i++) {
        g_autofree char *rel = g_strdup_printf("sys/fs/virtiofs/%s", (const char *)shares->pdata[i]);
        g_autofree char *tag_rel = g_strconcat(rel, "/tag", NULL);
        g_autofree char *found = sysroot_read(r->crit->root, tag_rel);
        if (g_strcmp0(found, tag) != 0)
            continue;
        g_autofree char *device_rel = g_strconcat(rel, "/device", NULL);
        g_autofree char *path = sysroot_resolve(r->crit->root, device_rel);
        hold(r, path, reason);
    }
}

/* The layers of an overlay (lowerdir=A:B,upperdir=C): each is a path on
 * some other mount. */
static void overlay_walk(Reader *r, const Mount *m, const char *reason, guint depth)
{
    g_auto(GStrv) options = g_strsplit(m->super, ",", -1);
    for (char **o = options; *o; o++) {
        const char *eq = strchr(*o, '=');
        if (eq == NULL || !(g_str_has_prefix(*o, "lowerdir=") || g_str_has_prefix(*o, "upperdir=") ||
                            g_str_has_prefix(*o, "lowerdir+=")))
            continue;
        g_auto(GStrv) layers = g_strsplit(eq + 1, ":", -1);
        for (char **l = layers; *l; l++)
            if ((*l)[0] == '/')
                file_walk(r, *l, m, reason, depth + 1);
    }
}

static void mount_walk(Reader *r, const Mount *m, const char *reason, guint depth)
{
    if (depth > MAX_DEPTH)
        return;
    if (m->major != 0) {
        g_autofree char *rel = g_strdup_printf("sys/dev/block/%u:%u", m->major, m->minor);
        g_autofree char *path = sysroot_resolve(r->crit->root, rel);
        g_autofree char *name = g_path_get_basename(path);
        if (sysroot_exists(r->crit->root, rel)) {
            block_walk(r, name, reason, depth);
            return;
        }
    }
    if (strcmp(m->fstype, "9p") == 0)
        virtio_9p_walk(r, m->source, reason);
    else if (strcmp(m->fstype, "virtiofs") == 0)
        virtiofs_walk(r, m->source, reason);
    else if (strcmp(m->fstype, "overlay") == 0)
        overlay_walk(r, m, reason, depth);
    else
        dev_walk(r, m->source, reason, depth); /* btrfs and others on an anonymous device number */
}

static void file_walk(Reader *r, const char *path, const Mount *skip, const char *reason, guint depth)
{
    const Mount *m = mount_of(r, path);
    if (m && m != skip)
        mount_walk(r, m, reason, depth);
}

static void read_filesystems(Reader *r)
{
    static const char *const points[] = { "/", "/boot", "/boot/efi", "/usr", "/var" };
    for (guint p = 0; p < G_N_ELEMENTS(points); p++) {
        const Mount *m = NULL;
        for (guint i = 0; i < r->mounts->len; i++)
            if (strcmp(((const Mount *)r->mounts->pdata[i])->point, points[p]) == 0)
                m = r->mounts->pdata[i];
        if (m == NULL)
            continue;
        /* overlay, tmpfs and the like name no source of their own */
        g_autofree char *reason = strcmp(m->source, m->fstype) == 0 || strcmp(m->source, "none") == 0
                                      ? g_strdup_printf("holds %s (%s)", points[p], m->fstype)
                                      : g_strdup_printf("holds %s (%s on %s)", points[p], m->fstype, m->source);
        mount_walk(r, m, reason, 0);
    }
}

static void read_swaps(Reader *r)
{
    g_autofree char *text = sysroot_read(r->crit->root, "proc/swaps");
    g_auto(GStrv) lines = g_strsplit(text ? text : "", "\n", -1);
    for (char **l = lines; *l; l++) {
        if (l == lines)
            continue;  /* Filename Type Size Used Priority */
        g_auto(GStrv) f = g_strsplit_set(*l, " \t", 2);
        if (f[0] == NULL || f[0][0] != '/')
            continue;
        g_autofree char *file = unescape(f[0]);
        g_autofree char *reason = g_strdup_printf("holds active swap (%s)", file);
        if (g_str_has_prefix(file, "/dev/"))
            dev_walk(r, file, reason, 0);
        else
            file_walk(r, file, NULL, reason, 0);
    }
}

/* An interface, or the ports, slaves and parents under it (bridges, bonds,
 * VLANs, macvlans: lower_* links, brif/). */
static void net_walk(Reader *r, const char *iface, const char *reason, guint depth)
{
    if (depth > MAX_DEPTH || strchr(iface, '/') || strcmp(iface, "..") == 0)
        return;
    g_autofree char *rel = g_strdup_printf("sys/class/net/%s", iface);
    g_autofree char *path = sysroot_resolve(r->crit->root, rel);
    g_autoptr(GArray) chain = sysroot_pci_chain(path);
    if (chain->len) {
        hold(r, path, reason);
        return;
    }
    g_autoptr(GPtrArray) entries = sysroot_list(r->crit->root, rel);
    for (guint i = 0; entries && i < entries->len; i++)
        if (g_str_has_prefix(entries->pdata[i], "lower_"))
            net_walk(r, (const char *)entries->pdata[i] + strlen("lower_"), reason, depth + 1);
    g_autofree char *brif_rel = g_strconcat(rel, "/brif", NULL);
    g_autoptr(GPtrArray) ports = sysroot_list(r->crit->root, brif_rel);
    for (guint i = 0; ports && i < ports->len; i++)
        net_walk(r, ports->pdata[i], reason, depth + 1);
}

/* The blank-separated words of LINE. */
static GPtrArray *split_words(const char *line)
{
    g_auto(GStrv) f = g_strsplit_set(line, " \t", -1);
    GPtrArray *words = g_ptr_array_new_with_free_func(g_free);
    for (char **x = f; *x; x++)
        if (**x)
            g_ptr_array_add(words, g_strdup(*x));
    return words;
}

/* Interfaces of the default routes of the main table: IPv4 (destination
 * and mask 0, RTF_UP) and IPv6 (::/0, RTF_UP, not RTF_REJECT: the kernel's
 * unreachable default on lo). FAMILY gets bit 1 (IPv4) and/or 2 (IPv6) per interface. */
static void read_default_routes(Reader *r, GHashTable *family)
{
    g_autofree char *v4 = sysroot_read(r->crit->root, "proc/net/route");
    g_auto(GStrv) lines = g_strsplit(v4 ? v4 : "", "\n", -1);
    for (char **l = lines; *l; l++) {
        g_autoptr(GPtrArray) w = split_words(*l);
        if (w->len < 8 || l == lines)
            continue;
        guint flags = (guint)strtoul(w->pdata[3], NULL, 16);
        if (strcmp(w->pdata[1], "00000000") == 0 && strcmp(w->pdata[7], "00000000") == 0 && (flags & 1))
            g_hash_table_insert(family, g_strdup(w->pdata[0]),
                                GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(family, w->pdata[0])) | 1));
    }
    g_autofree char *v6 = sysroot_read(r->crit->root, "proc/net/ipv6_route");
    g_auto(GStrv) lines6 = g_strsplit(v6 ? v6 : "", "\n", -1);
    for (char **l = lines6; *l; l++) {
        g_autoptr(GPtrArray) w = split_words(*l);
        if (w->len < 10)
            continue;
        guint flags = (guint)strtoul(w->pdata[8], NULL, 16);
        const char *iface = w->pdata[9];
        if (strspn(w->pdata[0], "0") == 32 && strcmp(w->pdata[1], "00") == 0 && (flags & 0x1) &&
            !(flags & 0x200) && strcmp(iface, "lo") != 0)
            g_hash_table_insert(family, g_strdup(iface),
                                GUINT_TO_POINTER(GPOINTER_TO_UINT(g_hash_table_lookup(family, iface)) | 2));
    }
}

static int compare_names(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void read_routes(Reader *r)
{
    g_autoptr(GHashTable) family = g_hash_table_new_full(g_str_hash, g_str_equal, g_free, NULL);
    read_default_routes(r, family);
    guint n = 0;
    g_autofree const char **ifaces = (const char **)g_hash_table_get_keys_as_array(family, &n);
    qsort(ifaces, n, sizeof(*ifaces), compare_names);
    for (guint i = 0; i < n; i++) {
        const char *iface = ifaces[i];
        guint bits = GPOINTER_TO_UINT(g_hash_table_lookup(family, iface));
        g_autofree char *reason =
            g_strdup_printf("carries the %s (%s)",
                            bits == 1 ? "IPv4 default route" : bits == 2 ? "IPv6 default route"
                                                                         : "IPv4 and IPv6 default routes",
                            iface);
        net_walk(r, iface, reason, 0);
    }
}

/* The console's driver when one is bound other than the dummy ("frame
 * buffer device", "VGA+"), else NULL. */
static char *console_driver(Reader *r)
{
    g_autoptr(GPtrArray) cons = sysroot_list(r->crit->root, "sys/class/vtconsole");
    for (guint i = 0; cons && i < cons->len; i++) {
        g_autofree char *bind_rel = g_strdup_printf("sys/class/vtconsole/%s/bind", (const char *)cons->pdata[i]);
        g_autofree char *name_rel = g_strdup_printf("sys/class/vtconsole/%s/name", (const char *)cons->pdata[i]);
        g_autofree char *bind = sysroot_read(r->crit->root, bind_rel);
        g_autofree char *name = sysroot_read(r->crit->root, name_rel);
        if (g_strcmp0(bind, "1") != 0 || name == NULL || strstr(name, "dummy"))
            continue;
        /* "(S) frame buffer device": the (S)ystem / (M)odule mark dropped */
        const char *n = name[0] == '(' && strchr(name, ')') ? strchr(name, ')') + 1 : name;
        while (*n == ' ')
            n++;
        return g_strdup(n);
    }
    return NULL;
}

static void read_console(Reader *r)
{
    g_autofree char *console = console_driver(r);
    if (console == NULL)
        return;
    g_autoptr(GPtrArray) devices = sysroot_list(r->crit->root, "sys/bus/pci/devices");
    for (guint i = 0; devices && i < devices->len; i++) {
        g_autofree char *rel = g_strdup_printf("sys/bus/pci/devices/%s", (const char *)devices->pdata[i]);
        g_autofree char *vga_rel = g_strconcat(rel, "/boot_vga", NULL);
        g_autofree char *vga = sysroot_read(r->crit->root, vga_rel);
        if (g_strcmp0(vga, "1") != 0)
            continue;
        g_autofree char *path = sysroot_resolve(r->crit->root, rel);
        g_autofree char *reason = g_strdup_printf("is the boot VGA, and the console runs on it (%s)", console);
        hold(r, path, reason);
    }
    /* a frame buffer console on a driver's own frame buffer (amdgpudrmfb,
     * nouveaufb, ...): its device need not be the boot VGA */
    if (!strstr(console, "frame buffer"))
        return;
    g_autoptr(GPtrArray) fbs = sysroot_list(r->crit->root, "sys/class/graphics");
    for (guint i = 0; fbs && i < fbs->len; i++) {
        if (!g_str_has_prefix(fbs->pdata[i], "fb"))
            continue;
        g_autofree char *rel = g_strdup_printf("sys/class/graphics/%s/device", (const char *)fbs->pdata[i]);
        if (!sysroot_exists(r->crit->root, rel))
            continue;
        g_autofree char *path = sysroot_resolve(r->crit->root, rel);
        g_autofree char *reason = g_strdup_printf("drives the console's frame buffer (%s)", (const char *)fbs->pdata[i]);
        if (!held(r, path))  /* the boot VGA's own frame buffer says nothing new */
            hold(r, path, reason);
    }
}

HostCrit *hostcrit_read(const char *root)
{
    HostCrit *crit = g_new0(HostCrit, 1);
    crit->root = g_strdup(root && *root ? root : "/");
    crit->facts = g_ptr_array_new_with_free_func((GDestroyNotify)fact_free);
    Reader r = { crit, read_mounts(crit->root) };
    read_filesystems(&r);
    read_swaps(&r);
    read_routes(&r);
    read_console(&r);
    g_ptr_array_unref(r.mounts);
    return crit;
}

static void add_reason(GPtrArray *reasons, char *text)
{
    if (reasons)
        g_ptr_array_add(reasons, text);
    else
        g_free(text);
}

gboolean hostcrit_judge(const HostCrit *crit, const PciAddr *device, int group, const PciAddr *group_mates,
                        guint n_mates, GPtrArray *reasons)
{
    gboolean critical = FALSE;
    for (guint i = 0; i < crit->facts->len; i++) {
        const HostCritFact *f = crit->facts->pdata[i];
        if (pci_addr_equal(&f->device, device)) {
            add_reason(reasons, g_strdup(f->reason));
            critical = TRUE;
            continue;
        }
        for (guint a = 0; a < f->above->len; a++) {
            if (!pci_addr_equal(&g_array_index(f->above, PciAddr, a), device))
                continue;
            g_autofree char *below = pci_addr_format(&f->device, PCI_FORMAT_PCI);
            add_reason(reasons, g_strdup_printf("a bridge above %s, which %s", below, f->reason));
            critical = TRUE;
        }
    }
    for (guint m = 0; m < n_mates; m++) {
        for (guint i = 0; i < crit->facts->len; i++) {
            const HostCritFact *f = crit->facts->pdata[i];
            if (!pci_addr_equal(&f->device, &group_mates[m]) || pci_addr_equal(&group_mates[m], device))
                continue;
            g_autofree char *label = pci_addr_format(&group_mates[m], PCI_FORMAT_PCI);
            add_reason(reasons, g_strdup_printf("IOMMU group %d also holds %s, which %s", group, label, f->reason));
            critical = TRUE;
        }
    }
    return critical;
}

gboolean hostcrit_judge_usb(const HostCrit *crit, guint bus, guint device, GPtrArray *reasons)
{
    gboolean critical = FALSE;
    for (guint i = 0; i < crit->facts->len; i++) {
        const HostCritFact *f = crit->facts->pdata[i];
        if (!f->usb || f->usb_bus != bus || f->usb_device != device)
            continue;
        critical = TRUE;
        add_reason(reasons, g_strdup(f->reason));
    }
    return critical;
}

HostCritPlace hostcrit_uri_place(const char *uri)
{
    const char *colon = uri ? strchr(uri, ':') : NULL;
    if (colon == NULL)
        return HOSTCRIT_THIS_HOST;
    gsize scheme = (gsize)(colon - uri);
    if (scheme >= 4 && (scheme == 4 || uri[4] == '+') && g_ascii_strncasecmp(uri, "test", 4) == 0)
        return HOSTCRIT_TEST_DRIVER;
    if (strncmp(colon, "://", 3) != 0)
        return HOSTCRIT_THIS_HOST;
    const char *host = colon + 3;
    return *host == '\0' || *host == '/' ? HOSTCRIT_THIS_HOST : HOSTCRIT_REMOTE;
}
