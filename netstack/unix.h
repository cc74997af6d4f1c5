/* netstack/unix.h - AF_UNIX sockets (SOCK_STREAM, SOCK_DGRAM, SOCK_SEQPACKET).
 *
 * The family plugs into the socket layer through net_unix_family (netstack/socket.h);
 * the syscall handlers never see struct unix_sock. Names: filesystem paths (an S_IFSOCK
 * inode created through the VFS, found again by its (st_dev, st_ino)) and the abstract
 * namespace (a leading NUL; one table per Sentry, i.e. per sandbox). */
#ifndef CVISOR_NETSTACK_UNIX_H
#define CVISOR_NETSTACK_UNIX_H
#include <stddef.h>
#include "netstack/socket.h"

extern const struct net_family_ops net_unix_family;

/* net.unix.max_dgram_qlen: datagrams queued on a receiver not connected back. */
#define UNIX_MAX_DGRAM_QLEN 10

/* Debug counters (unit tests check for leaks): queued messages alive. */
extern long unix_live_skbs;
/* Bound names in the table. */
size_t unix_bound_count(void);

#endif
