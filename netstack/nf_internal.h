/* netstack/nf_internal.h - what the netfilter files share (not for the rest of the
 * netstack: see netfilter.h): the per-namespace tables, their compiled rules, the
 * extension (match/target) descriptors, the packet being evaluated, and the conntrack
 * entry.
 *
 * A table keeps the rules as iptables gave them (struct ipt_entry blobs, returned as they
 * are by IPT_SO_GET_ENTRIES, with our counters and comefrom) plus a compiled array of
 * struct nf_rule that the evaluator walks (extension pointers, jump targets as indexes):
 * the blob is never interpreted twice. */
#ifndef CVISOR_NETSTACK_NF_INTERNAL_H
#define CVISOR_NETSTACK_NF_INTERNAL_H
/* glibc's netinet/in.h and net/if.h before the uapi headers (libc-compat), and these
 * before netns.h (whose IFF_LOWER_UP macro would break linux/if.h's enum) */
#include <netinet/in.h>
#include <netinet/ip.h>
#include <net/if.h>
#include <linux/netfilter.h>
#include <linux/netfilter_ipv4.h>
#include <linux/netfilter_ipv4/ip_tables.h>
#include <linux/netfilter/nf_conntrack_common.h>
#include <linux/netfilter/nf_conntrack_tuple_common.h>
#include <stdbool.h>
#include <stdint.h>
#include "netstack/ip4.h"
#include "netstack/netfilter.h"

#define NF_HOOKS NF_INET_NUMHOOKS /* 5: PREROUTING INPUT FORWARD OUTPUT POSTROUTING */

enum nf_table_id { NF_TABLE_FILTER, NF_TABLE_NAT, NF_TABLES };

struct nf_ext;
struct nf_conn;

/* One match of a rule (its extension and the data after struct xt_entry_match). */
struct nf_match_ref {
	const struct nf_ext *ext;
	const void *data;
};

/* One rule, compiled from its struct ipt_entry. */
struct nf_rule {
	struct ipt_entry *e;	/* in the table's blob */
	struct nf_match_ref *m; /* nmatch of them (in the table's match array) */
	unsigned nmatch;
	const struct nf_ext *target; /* NULL: the standard target */
	const void *tdata;	     /* the target's data */
	int verdict;		     /* standard target: < 0 an NF verdict/XT_RETURN, >= 0 a jump */
	unsigned jump;		     /* standard jump: the index of the rule jumped to */
	bool is_std;		     /* the standard target (verdict/jump) */
	bool is_error;		     /* the ERROR target (chain heads and the table's end) */
};

/* One table of one namespace. */
struct nf_table {
	const char *name;
	unsigned valid_hooks;
	unsigned hook_entry[NF_HOOKS], underflow[NF_HOOKS]; /* byte offsets (0xFFFFFFFF: none) */
	unsigned hook_rule[NF_HOOKS], underflow_rule[NF_HOOKS]; /* the same as rule indexes */
	unsigned num_entries, size, initial_entries;
	unsigned stacksize;    /* user chains: the deepest jump stack a traversal needs */
	uint8_t *blob;	       /* size bytes of struct ipt_entry */
	struct nf_rule *rules; /* num_entries */
	struct nf_match_ref *matches;
	bool trivial;	   /* only unconditional ACCEPT policies: nothing to evaluate */
	bool instantiated; /* looked up once (Linux creates a netns's table on first use) */
	unsigned inst_seq; /* order of instantiation (/proc/net/ip_tables_names) */
};

struct nf_ct_ns;

/* The namespace's netfilter state (netns.nf). */
struct nf_ns {
	struct nf_table tables[NF_TABLES];
	unsigned inst_seq;
	bool ct_enabled; /* conntrack runs (nat instantiated, or a rule needs it) */
	struct nf_ct_ns *ct;
};

/* The packet a hook evaluates. */
struct nf_pkt {
	struct netns *ns;
	struct pkt *p; /* p->data at the IPv4 header */
	struct iphdr *iph;
	uint8_t *l4;	  /* the transport header (first fragment only), or NULL */
	size_t l4len;	  /* bytes readable at l4 */
	uint16_t fragoff; /* in 8-byte units */
	unsigned hook;	  /* NF_INET_* */
	struct net_iface *in, *out;
	const char *table;
	struct nf_conn *ct; /* the connection (NULL: untracked or invalid) */
	enum ip_conntrack_info ctinfo;
	bool untracked; /* conntrack does not run in this namespace */
	int reject;	/* REJECT chose this (IPT_* + 1), sent after the traversal */
};

/* ---- extensions (nf_ext.c) ---- */
/* What a check sees (xt_mtchk_param / xt_tgchk_param). */
struct nf_ext_check {
	const char *table;
	unsigned hook_mask;
	const struct ipt_ip *ip;
};
struct nf_ext {
	const char *name;
	uint8_t revision;
	bool is_target;
	unsigned size;	   /* data bytes (before XT_ALIGN) */
	const char *table; /* only in this table, or NULL */
	unsigned hooks;	   /* only from these hooks, or 0 */
	uint16_t proto;	   /* only with -p this (not inverted), or 0 */
	bool needs_ct;	   /* loads conntrack */
	int (*check)(const struct nf_ext_check *c, const void *data); /* -errno */
	bool (*match)(struct nf_pkt *pk, const void *data, bool *hotdrop);
	unsigned (*target)(struct nf_pkt *pk, const void *data); /* NF_* or XT_CONTINUE */
};
/* The extension @name at @revision (@target: a target), or NULL; *@err says why not:
 * -ENOENT no such name, -EPROTONOSUPPORT the name without that revision. */
const struct nf_ext *nf_ext_find(const char *name, uint8_t revision, bool target, int *err);
/* xt_check_match/xt_check_target: size, table, hooks, protocol, then the extension's
 * own check. */
int nf_ext_check(const struct nf_ext *x, const void *data, unsigned datasize,
		 const struct nf_ext_check *c);

/* ---- tables (nf_table.c) ---- */
struct nf_ns *nf_ns_of(struct netns *ns);
/* The table named @name, instantiating it on first use; NULL for an unknown name. */
struct nf_table *nf_table_lookup(struct nf_ns *nf, const char *name);
/* Validates and compiles the blob of @repl (Linux's translate_table) into @t, which the
 * caller has zeroed; @blob is @repl->size bytes the table takes over on success.
 * Returns 0 or -EINVAL/-ELOOP/-ENOENT/-ENOMEM. */
int nf_table_translate(struct nf_table *t, const struct ipt_replace *repl, uint8_t *blob);
void nf_table_free(struct nf_table *t);

/* ---- evaluation (nf_eval.c) ---- */
/* Linux's ipt_do_table: the verdict (NF_ACCEPT / NF_DROP) of @t for @pk at pk->hook. */
unsigned nf_table_eval(struct nf_table *t, struct nf_pkt *pk);
/* Fills pk->iph, l4, l4len, fragoff from pk->p. False when the packet is too short. */
bool nf_pkt_parse(struct nf_pkt *pk);

/* ---- connection tracking (nf_conntrack.c) ---- */
#define NF_CT_DIRS 2
struct nf_tuple {
	uint32_t src, dst;
	uint16_t sport, dport; /* network order; ICMP echo: the id in both */
	uint8_t proto;
};
struct nf_conn {
	struct nf_tuple tuple[NF_CT_DIRS]; /* IP_CT_DIR_ORIGINAL, IP_CT_DIR_REPLY */
	uint32_t id;			   /* pkt.nfct_id */
	unsigned long status;		   /* IPS_* */
	int64_t expires_ns;
	uint8_t tcp_state; /* nf_conntrack.c's TCP states */
	uint8_t tcp_fin;   /* FIN seen: bit per direction */
};
bool nf_tuple_eq(const struct nf_tuple *a, const struct nf_tuple *b);
/* nf_ct_invert_tuple: the tuple of the answer (ICMP: the id kept, the type answered). */
void nf_tuple_invert(struct nf_tuple *inv, const struct nf_tuple *t);
/* Tracks @pk (conntrack's PREROUTING/OUTPUT entry, nf_conntrack_in): finds or creates its
 * connection, sets pk->ct/ctinfo, updates state and timeout. A packet that already
 * carries a connection (looped back) keeps it. False: drop (table full). */
bool nf_ct_in(struct nf_pkt *pk);
/* The connection of a packet that crossed loopback (p->nfct_id), or NULL. */
struct nf_conn *nf_ct_by_id(struct nf_ns *nf, uint32_t id);
/* Confirms @pk's connection (its first packet got through: POSTROUTING/INPUT). */
void nf_ct_confirm(struct nf_pkt *pk);
/* @pk is dropped: a connection its packet created and nothing confirmed goes with it
 * (Linux frees an unconfirmed conntrack with its skb). */
void nf_ct_drop_unconfirmed(struct nf_pkt *pk);
/* Tracked connections (unit tests). */
unsigned nf_ct_count(struct nf_ns *nf);
/* True when @t is used by a connection other than @ct (either direction). */
bool nf_ct_tuple_taken(struct nf_ns *nf, const struct nf_tuple *t, const struct nf_conn *ct);
/* Re-hashes @ct after NAT changed its reply tuple. */
void nf_ct_rehash(struct nf_ns *nf, struct nf_conn *ct);
int nf_ct_ns_init(struct nf_ns *nf);
void nf_ct_ns_fini(struct nf_ns *nf);
/* Seconds before @ct expires (the conntrack match's --ctexpire). */
unsigned long nf_ct_expires_s(const struct nf_conn *ct);

/* ---- NAT (nf_nat.c) ---- */
enum nf_nat_manip { NF_NAT_MANIP_SRC, NF_NAT_MANIP_DST };
/* Sets up the translation of pk->ct to @range (Linux's nf_nat_setup_info): chooses a
 * unique tuple, changes the reply tuple, marks the status. Returns NF_ACCEPT/NF_DROP. */
struct nf_nat_range2;
unsigned nf_nat_setup(struct nf_pkt *pk, const struct nf_nat_range2 *range, enum nf_nat_manip m);
/* The nat table's hook (nf_nat_inet_fn): runs the table for a new connection whose
 * translation of this hook's kind is not set up yet, then rewrites the packet. */
unsigned nf_nat_hook(struct nf_pkt *pk);

#endif
