# Disposable Debian chroots for scripts/test-package and scripts/test-platform
# (sourced, not run). A release's base system is debootstrapped once, with
# the packages a caller asks for, and kept as a tarball in the cache:
#
#   ${VIRT_HOSTDEV_CACHE:-$HOME/.cache/virt-hostdev}/chroot-RELEASE-HASH.tar
#
# HASH covers the release and the package lists (and vh_chroot_format, to be
# raised when the way a chroot is made changes), so a changed list makes a
# new tarball instead of reusing a stale one. Each run unpacks
# a fresh copy (seconds) instead of debootstrapping (minutes) and throws it
# away afterwards. Commands run in the chroot inside their own mount and PID
# namespaces (unshare): its /proc and the read-only bind mounts vanish with
# the namespace, so nothing stays mounted on the host, and removing the copy
# never reaches into a mounted host directory (rm --one-file-system).

vh_cache=${VIRT_HOSTDEV_CACHE:-${HOME:-/root}/.cache/virt-hostdev}
vh_mirror=${VIRT_HOSTDEV_DEBIAN_MIRROR:-http://deb.debian.org/debian}
vh_chroot_format=1

# vh_chroot_can_run: is this a root shell with debootstrap and unshare?
# (prints why not)
vh_chroot_can_run() {
    if [ "$(id -u)" -ne 0 ]; then
        echo "not root"
        return 1
    fi
    for t in debootstrap unshare chroot tar; do
        if ! command -v "$t" >/dev/null 2>&1; then
            echo "$t not installed"
            return 1
        fi
    done
    if ! unshare --mount --pid --fork true 2>/dev/null; then
        echo "cannot make mount/PID namespaces here"
        return 1
    fi
    return 0
}

# vh_chroot_exec ROOT [SRC:DEST[:rw]]... -- CMD...: run CMD in ROOT with
# /proc, a private /dev/shm and /dev/pts, and the given bind mounts (in
# order; read-only unless marked :rw).
# With vh_chroot_private_net=1, also in a network namespace of its own (loopback
# only): what runs there (a libvirtd) cannot touch the host's network.
# /sys only when a caller binds it (read-only, as every bind here).
vh_chroot_exec() {
    root=$1
    shift
    net=""
    [ "${vh_chroot_private_net:-0}" != 1 ] || net=--net
    binds=""
    while [ $# -gt 0 ] && [ "$1" != "--" ]; do binds="$binds $1"; shift; done
    shift
    # shellcheck disable=SC2016
    unshare --mount --propagation private --pid --fork $net sh -ec '
        root=$1 binds=$2 net=$3
        shift 3
        if [ -n "$net" ] && command -v ip >/dev/null; then ip link set lo up; fi
        mount -t proc proc "$root/proc"
        mkdir -p "$root/dev/shm" "$root/dev/pts"
        mount -t tmpfs -o mode=1777 shm "$root/dev/shm"
        mount -t devpts -o newinstance,ptmxmode=0666 devpts "$root/dev/pts"
        for b in $binds; do
            mode=ro
            case $b in *:rw) mode=rw b=${b%:rw} ;; esac
            src=${b%%:*} dest=$root${b#*:}
            if [ -d "$src" ]; then
                mkdir -p "$dest"
            else
                mkdir -p "$(dirname "$dest")"
                [ -e "$dest" ] || : >"$dest"
            fi
            mount --bind "$src" "$dest"
            [ "$mode" = rw ] || mount -o remount,bind,ro "$dest"
        done
        exec chroot "$root" /usr/bin/env -i HOME=/root LC_ALL=C.UTF-8 \
            PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin "$@"
    ' vh-chroot "$root" "$binds" "$net" "$@"
}

# vh_chroot_tarball RELEASE "PKG..." "DOWNLOAD..." LOG: print the cached
# tarball of RELEASE with PKG installed and DOWNLOAD's packages (and their
# dependencies) in apt's cache but not installed, making it when missing
vh_chroot_tarball() {
    release=$1 pkgs=$2 download=$3 log=$4
    hash=$(printf '%s\n%s\n%s\n%s\n' "$vh_chroot_format" "$release" "$pkgs" "$download" | sha256sum | cut -c1-12)
    tarball=$vh_cache/chroot-$release-$hash.tar
    if [ -f "$tarball" ]; then
        echo "$tarball"
        return 0
    fi
    mkdir -p "$vh_cache"
    work=$(mktemp -d "$vh_cache/chroot-$release.XXXXXX")
    root=$work/root
    echo "debootstrap $release into $root (cached afterwards as $tarball)" >&2
    if ! debootstrap --variant=minbase "$release" "$root" "$vh_mirror" >"$log" 2>&1; then
        tail -5 "$log" >&2
        rm -rf --one-file-system "$work"
        return 1
    fi
    # no daemons started by package scripts inside the chroot
    printf '#!/bin/sh\nexit 101\n' >"$root/usr/sbin/policy-rc.d"
    chmod 755 "$root/usr/sbin/policy-rc.d"
    cp /etc/resolv.conf "$root/etc/resolv.conf"
    # shellcheck disable=SC2086
    if ! vh_chroot_exec "$root" -- sh -ec '
            export DEBIAN_FRONTEND=noninteractive
            apt-get update -qq
            [ -z "$1" ] || apt-get install -y -qq --no-install-recommends $1
            apt-get clean
            [ -z "$2" ] || apt-get install -y -qq --no-install-recommends --download-only $2' sh "$pkgs" "$download" >>"$log" 2>&1; then
        tail -5 "$log" >&2
        rm -rf --one-file-system "$work"
        return 1
    fi
    tar -C "$root" -cf "$tarball.new" .
    # one tarball per release: an older package list's goes
    rm -f "$vh_cache/chroot-$release-"*.tar
    mv "$tarball.new" "$tarball"
    rm -rf --one-file-system "$work"
    echo "$tarball"
}

# vh_chroot_unpack TARBALL DIR: a fresh copy of the cached system in DIR
vh_chroot_unpack() {
    rm -rf --one-file-system "$2"
    mkdir -p "$2"
    tar -C "$2" -xf "$1"
}
