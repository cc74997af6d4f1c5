/* netstack/netdev_ioctl.h - the interface ioctls every socket answers (SIOCGIFCONF,
 * SIOCGIF*, SIOCSIF*, SIOCADDRT/SIOCDELRT, SIOC[SGD]ARP): what `ifconfig`, `route`, `arp`
 * and libc's if_nametoindex use. Called by netstack/socket.c's sock_ioctl. */
#ifndef CVISOR_NETSTACK_NETDEV_IOCTL_H
#define CVISOR_NETSTACK_NETDEV_IOCTL_H
#include <stdint.h>
#include "vfs/vfs.h"

/* Implements those ioctls (netdevice(7), route(8), arp(7)) in the caller's namespace, with @arg a
 * guest address read and written through c->mem. Returns 0, -errno as Linux
 * (-ENODEV, -EADDRNOTAVAIL, -EPERM without CAP_NET_ADMIN, -EFAULT), or -ENOIOCTLCMD
 * (515) when @cmd is not one of them. */
long netdev_ioctl(const struct vfs_ctx *c, unsigned int cmd, uint64_t arg);

#endif
