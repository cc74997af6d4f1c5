/* netstack/packet.h - AF_PACKET sockets (packet.c) and their classic BPF socket filters
 * (packet_bpf.c: SO_ATTACH_FILTER), private to the two.
 *
 * References: struct packet_ns's list holds no socket reference (a socket leaves it in
 * its release op); a queued frame holds one packet reference; a socket owns its filter. */
#ifndef CVISOR_NETSTACK_PACKET_H
#define CVISOR_NETSTACK_PACKET_H
#include <linux/filter.h>
#include <stdbool.h>
#include <stdint.h>
#include "netstack/netns.h"

/* ---- classic BPF ---- */
struct net_bpf {
	int len;
	struct sock_filter insns[];
};

/* What a filter may ask besides the bytes (SKF_AD_*), and where the headers are. */
struct net_bpf_ctx {
	const uint8_t *data; /* the buffer; what the socket would receive starts at @start */
	size_t len;	     /* bytes at @data */
	size_t start;	     /* offset 0 of BPF_ABS loads; BPF_LEN is len - start */
	int mac_off, net_off; /* offsets of the link and network headers in @data (-1: none) */
	uint16_t protocol;    /* ethertype, host order */
	uint32_t pkttype, ifindex, hatype;
};

/* Validates a program as Linux's bpf_check_classic (1..4096 instructions, known opcodes,
 * jumps in range, no division by a constant 0, scratch memory written before read, a
 * RET last) and copies it. Returns it, or NULL with *@err = -EINVAL / -ENOMEM. */
struct net_bpf *net_bpf_new(const struct sock_filter *insns, int len, int *err);
/* Runs @prog over @c: returns how many bytes to keep (0: drop). */
uint32_t net_bpf_run(const struct net_bpf *prog, const struct net_bpf_ctx *c);

#endif
