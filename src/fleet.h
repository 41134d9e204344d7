/* What the fleet engines (OpenStack nova, Proxmox VE, KubeVirt) share when
 * they are told about a host's PCI devices: the name each device is asked
 * for by, and the facts each of them needs. Pure: devices in, names out.
 *
 * The naming rule, one place for every engine: a device is asked for by
 * BASE, except a further function of a multifunction device (another
 * function of the same slot among the devices, SR-IOV VFs excepted, which
 * stand alone): BASE-CLASS (gpu-audio, gpu-usb-controller, gpu-serial-bus)
 * when the function's class is known and no other function of the slot
 * has it, else BASE-N with N the function number (nic-1). The lowest
 * function given of a slot is BASE. */
#pragma once
#include <glib.h>

#include "nodedev.h"

/* The name of each of DEVICES (char*, in order). */
GPtrArray *fleet_names(GPtrArray *devices, const char *base);

/* Every device is a PCI device with vendor and product ids (ENGINE names
 * the reader in the message). SPECS are the DEVICE arguments: devices
 * beyond them came with --all-functions and are named by address. */
gboolean fleet_check_pci(GPtrArray *devices, char **specs, const char *engine, GError **error);

/* Whether DEV stands for its slot when a whole slot is one unit (Proxmox's
 * "All Functions"): the lowest function of it among DEVICES, or a device
 * that stands alone (a VF, not PCI). */
gboolean fleet_slot_leader(GPtrArray *devices, const Nodedev *dev);

/* DEVICES in the order the names appear first: the distinct names. */
GPtrArray *fleet_distinct(GPtrArray *names);

/* "VVVV:DDDD", lower case (upper with UPPER) */
char *fleet_ids(const Nodedev *dev, gboolean upper);
