/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The clusnotify generic netlink family, for the CLI.
 */
#ifndef CLUSNOTIFY_TOOLS_NL_H
#define CLUSNOTIFY_TOOLS_NL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <linux/clusnotify.h>

struct nl_sock;

struct cn_nl {
	struct nl_sock *sk;
	int family;
};

struct cn_cluster {
	uint32_t id;
	uint32_t state;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	uint64_t seq, posted, matched, delivered, lost;
	uint32_t objects, ports, reconnects;
};

/* An object (OBJECT_SET) or an event (EVENT_POST); NULL: omitted */
struct cn_item {
	uint32_t type;
	uint64_t flag;			/* events */
	const char *id;
	const char *parent;
	const char *name;
	const char *type_name;
	bool has_state;			/* objects */
	int32_t state;
	bool has_payload;		/* events */
	size_t payload_len;
	unsigned char payload[CLUSNOTIFY_PAYLOAD_MAX];
};

int cn_nl_open(struct cn_nl *nl);
void cn_nl_close(struct cn_nl *nl);
int cn_nl_register(struct cn_nl *nl, const char *name, uint32_t *id);
int cn_nl_unregister(struct cn_nl *nl, uint32_t id);
/* By name; an empty name is the first cluster of the dump. */
int cn_nl_cluster(struct cn_nl *nl, const char *name, struct cn_cluster *out);
int cn_nl_clusters(struct cn_nl *nl,
		   void (*fn)(const struct cn_cluster *c, void *arg), void *arg);
int cn_nl_object_set(struct cn_nl *nl, uint32_t cluster,
		     const struct cn_item *objs, size_t n);
int cn_nl_object_del(struct cn_nl *nl, uint32_t cluster,
		     const struct cn_item *objs, size_t n);
int cn_nl_post(struct cn_nl *nl, uint32_t cluster, const struct cn_item *evs,
	       size_t n, uint64_t *seq);

#endif /* CLUSNOTIFY_TOOLS_NL_H */
