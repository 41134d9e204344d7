/* Device model -> <hostdev> / <interface type='hostdev'> text. Pure. */
#pragma once
#include <glib.h>

#include "nodedev.h"
#include "pciaddr.h"

typedef enum { ROM_BAR_DEFAULT = -1, ROM_BAR_OFF = 0, ROM_BAR_ON = 1 } RomBar;

/* Options that shape a block; shared by every device of one command line. */
typedef struct {
    gboolean managed;      /* default TRUE */
    gboolean driver_vfio;  /* emit <driver name='vfio'/> */
    char *driver_model;    /* <driver model='…'/>: a VFIO variant driver (libvirt >= 10.0) */
    RomBar rom_bar;
    char *rom_file;
    guint boot_order;      /* 0: none */
    char *alias;           /* already prefixed with ua- */
    gboolean interface;    /* SR-IOV VF as <interface type='hostdev'> */
    char *mac;
    gint vlan;             /* -1: none */
} HostdevOpts;

void hostdev_opts_init(HostdevOpts *opts);
void hostdev_opts_clear(HostdevOpts *opts);

/* One block to emit: a device plus where the guest sees it. */
typedef struct {
    const Nodedev *dev;
    gboolean has_guest;
    PciAddr guest;
    gboolean multifunction;  /* multifunction='on' on the guest address */
    const char *alias;       /* overrides opts->alias (set per function) */
} HostdevBlock;

/* Check the options against the device (e.g. --interface needs PCI). */
gboolean hostdev_check(const Nodedev *dev, const HostdevOpts *opts, GError **error);

/* The block's text: lines joined by NEWLINE, nested lines indented by STEP,
 * no leading indentation and no final newline. */
char *hostdev_format(const HostdevBlock *block, const HostdevOpts *opts,
                     const char *step, const char *newline);

/* Validate and normalise user input for the options. */
gboolean hostdev_alias_normalize(const char *alias, char **out, GError **error);
gboolean hostdev_mac_normalize(const char *mac, char **out, GError **error);
