/* netstack/hostinet.h - --network=host: the app's TCP and UDP sockets (AF_INET, AF_INET6)
 * are host sockets of the Sentry, relayed op by op (netstack/hostinet.c).
 *
 * The mode is one switch per Sentry, set by netstack_sandbox_init(NET_MODE_HOST) before
 * the first task; inet.c (and net_inet6_family) create host sockets while it is on, the
 * socket layer takes AF_NETLINK from hostinet_netlink_family() (the host's rtnetlink,
 * read-only) and refuses AF_PACKET (the netstack's interfaces are not the host's: showing
 * them would lie). */
#ifndef CVISOR_NETSTACK_HOSTINET_H
#define CVISOR_NETSTACK_HOSTINET_H
#include <stdbool.h>
#include "netstack/socket.h"

/* Turns host mode on (netstack_sandbox_init). */
void hostinet_enable(void);
/* Whether sockets are host sockets (NET_MODE_HOST). */
bool hostinet_enabled(void);
/* Creates a host socket of @family (AF_INET/AF_INET6) for socket(2): TCP (SOCK_STREAM,
 * protocol 0 or IPPROTO_TCP) and UDP (SOCK_DGRAM, 0 or IPPROTO_UDP) only; what Linux
 * knows but host mode does not relay (ping, raw) answers EAFNOSUPPORT, as runsc's
 * hostinet. Returns 0 and a new reference in *@out, or -errno. */
int hostinet_create(int family, int type, int protocol, struct net_socket **out);
/* AF_NETLINK in host mode: NETLINK_ROUTE sockets relayed to the host read-only (only
 * RTM_GET* requests to the kernel are sent; anything else is EPERM), so that `ip addr`,
 * getifaddrs and friends see the host's interfaces, as runsc's hostinet serves them. */
const struct net_family_ops *hostinet_netlink_family(void);

#endif
