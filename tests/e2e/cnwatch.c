// SPDX-License-Identifier: GPL-2.0
/*
 * cnwatch: a notification port on /dev/clusnotify for the e2e tests, with
 * nothing between the test and the kernel but ioctl() and read().
 *
 *   cnwatch [-c CLUSTER] [-w SECS] [-s] [-t SECS] [-n COUNT] FILTER...
 *	FILTER is TYPE or TYPE:MASK (MASK a number; the type's ALL if left
 *	out). Prints one line per record until -t seconds or -n records:
 *	  <kind> <type> <flag> id=.. parent=.. name=.. tname=.. payload=..
 *	  seq=.. ts=SECS.NSECS
 *	kind is snap, live, syn (made by the module) or lost.
 *   cnwatch [-c CLUSTER] [-w SECS] -g TYPE:ID	one object, by id
 *   cnwatch [-c CLUSTER] [-w SECS] -i		the cluster
 * The cluster (by default the namespace's first) is waited for up to -w
 * seconds (30). Exit: 0, 1 on error, 2 on bad usage, 3 if the object or
 * cluster is not there.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/clusnotify.h>

struct flag_name {
	uint64_t flag;
	const char *name;
};

struct type_info {
	uint32_t type;
	const char *name;
	uint64_t all;
	const struct flag_name *flags;
};

#define F(f, n) { CLUSNOTIFY_##f, n }
static const struct flag_name cluster_f[] = {
	F(CLUSTER_RECONNECT, "reconnect"), F(CLUSTER_STATE, "state"),
	F(CLUSTER_GROUP_ADDED, "group_added"), F(CLUSTER_HANDLE_CLOSE, "handle_close"),
	F(CLUSTER_NETWORK_ADDED, "network_added"), F(CLUSTER_NODE_ADDED, "node_added"),
	F(CLUSTER_RESOURCE_TYPE_ADDED, "resource_type_added"),
	F(CLUSTER_COMMON_PROPERTY, "common_property"),
	F(CLUSTER_PRIVATE_PROPERTY, "private_property"),
	F(CLUSTER_LOST_NOTIFICATIONS, "lost_notifications"), F(CLUSTER_RENAME, "rename"),
	F(CLUSTER_MEMBERSHIP, "membership"), F(CLUSTER_UPGRADED, "upgraded"), { 0, NULL },
};
static const struct flag_name group_f[] = {
	F(GROUP_DELETED, "deleted"), F(GROUP_COMMON_PROPERTY, "common_property"),
	F(GROUP_PRIVATE_PROPERTY, "private_property"), F(GROUP_STATE, "state"),
	F(GROUP_OWNER_NODE, "owner_node"), F(GROUP_PREFERRED_OWNERS, "preferred_owners"),
	F(GROUP_RESOURCE_ADDED, "resource_added"), F(GROUP_RESOURCE_GAINED, "resource_gained"),
	F(GROUP_RESOURCE_LOST, "resource_lost"), F(GROUP_HANDLE_CLOSE, "handle_close"),
	{ 0, NULL },
};
static const struct flag_name resource_f[] = {
	F(RESOURCE_COMMON_PROPERTY, "common_property"),
	F(RESOURCE_PRIVATE_PROPERTY, "private_property"), F(RESOURCE_STATE, "state"),
	F(RESOURCE_OWNER_GROUP, "owner_group"), F(RESOURCE_DEPENDENCIES, "dependencies"),
	F(RESOURCE_DEPENDENTS, "dependents"), F(RESOURCE_POSSIBLE_OWNERS, "possible_owners"),
	F(RESOURCE_DELETED, "deleted"), F(RESOURCE_DLL_UPGRADED, "dll_upgraded"),
	F(RESOURCE_HANDLE_CLOSE, "handle_close"), F(RESOURCE_TERMINAL_STATE, "terminal_state"),
	{ 0, NULL },
};
static const struct flag_name netif_f[] = {
	F(NETINTERFACE_DELETED, "deleted"), F(NETINTERFACE_COMMON_PROPERTY, "common_property"),
	F(NETINTERFACE_PRIVATE_PROPERTY, "private_property"), F(NETINTERFACE_STATE, "state"),
	F(NETINTERFACE_HANDLE_CLOSE, "handle_close"), { 0, NULL },
};
static const struct flag_name network_f[] = {
	F(NETWORK_DELETED, "deleted"), F(NETWORK_COMMON_PROPERTY, "common_property"),
	F(NETWORK_PRIVATE_PROPERTY, "private_property"), F(NETWORK_STATE, "state"),
	F(NETWORK_HANDLE_CLOSE, "handle_close"), { 0, NULL },
};
static const struct flag_name node_f[] = {
	F(NODE_NETINTERFACE_ADDED, "netinterface_added"), F(NODE_DELETED, "deleted"),
	F(NODE_COMMON_PROPERTY, "common_property"), F(NODE_PRIVATE_PROPERTY, "private_property"),
	F(NODE_STATE, "state"), F(NODE_GROUP_GAINED, "group_gained"),
	F(NODE_GROUP_LOST, "group_lost"), F(NODE_HANDLE_CLOSE, "handle_close"), { 0, NULL },
};
static const struct flag_name registry_f[] = {
	F(REGISTRY_ATTRIBUTES, "attributes"), F(REGISTRY_NAME, "name"),
	F(REGISTRY_SUBTREE, "subtree"), F(REGISTRY_VALUE, "value"),
	F(REGISTRY_HANDLE_CLOSE, "handle_close"), { 0, NULL },
};
static const struct flag_name quorum_f[] = { F(QUORUM_STATE, "state"), { 0, NULL } };
static const struct flag_name resource_type_f[] = {
	F(RESOURCE_TYPE_DELETED, "deleted"), F(RESOURCE_TYPE_COMMON_PROPERTY, "common_property"),
	F(RESOURCE_TYPE_PRIVATE_PROPERTY, "private_property"),
	F(RESOURCE_TYPE_POSSIBLE_OWNERS, "possible_owners"),
	F(RESOURCE_TYPE_DLL_UPGRADED, "dll_upgraded"), F(RESOURCE_TYPE_SPECIFIC, "specific"),
	{ 0, NULL },
};

static const struct type_info types[] = {
	{ CLUSNOTIFY_OBJ_CLUSTER, "cluster", CLUSNOTIFY_CLUSTER_ALL, cluster_f },
	{ CLUSNOTIFY_OBJ_GROUP, "group", CLUSNOTIFY_GROUP_ALL, group_f },
	{ CLUSNOTIFY_OBJ_RESOURCE, "resource", CLUSNOTIFY_RESOURCE_ALL, resource_f },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE, "resource_type", CLUSNOTIFY_RESOURCE_TYPE_ALL, resource_type_f },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, "netinterface", CLUSNOTIFY_NETINTERFACE_ALL, netif_f },
	{ CLUSNOTIFY_OBJ_NETWORK, "network", CLUSNOTIFY_NETWORK_ALL, network_f },
	{ CLUSNOTIFY_OBJ_NODE, "node", CLUSNOTIFY_NODE_ALL, node_f },
	{ CLUSNOTIFY_OBJ_REGISTRY, "registry", CLUSNOTIFY_REGISTRY_ALL, registry_f },
	{ CLUSNOTIFY_OBJ_QUORUM, "quorum", CLUSNOTIFY_QUORUM_ALL, quorum_f },
};
#define NTYPES (sizeof(types) / sizeof(types[0]))

static const struct type_info *type_by_name(const char *s, size_t len)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (strlen(types[i].name) == len && !strncmp(types[i].name, s, len))
			return &types[i];
	return NULL;
}

static const struct type_info *type_by_value(uint32_t t)
{
	size_t i;

	for (i = 0; i < NTYPES; i++)
		if (types[i].type == t)
			return &types[i];
	return NULL;
}

static const char *flag_name(const struct type_info *ti, uint64_t flag)
{
	const struct flag_name *f;

	for (f = ti ? ti->flags : NULL; f && f->name; f++)
		if (f->flag == flag)
			return f->name;
	return "?";
}

/* Prints a string with spaces and odd bytes escaped, so a line splits on ' '. */
static void put_str(const char *key, const char *s, size_t len)
{
	size_t i;

	printf(" %s=", key);
	for (i = 0; i < len; i++) {
		unsigned char c = (unsigned char)s[i];

		if (c <= ' ' || c == '\\' || c == 0x7f)
			printf("\\x%02x", c);
		else
			putchar(c);
	}
}

static void put_payload(const struct clusnotify_record *r, const unsigned char *p)
{
	uint32_t n = r->payload_len, i, v, count;
	int32_t q;

	printf(" payload=");
	if (!n) {
		printf("-");
		return;
	}
	if (r->object_type == CLUSNOTIFY_OBJ_CLUSTER &&
	    r->filter_flag == CLUSNOTIFY_CLUSTER_MEMBERSHIP && n >= 8) {
		memcpy(&q, p, 4);
		memcpy(&count, p + 4, 4);
		printf("quorate:%d,nodes:", q);
		for (i = 0; i < count && 8 + i < n; i++)
			printf("%s%u", i ? "." : "", p[8 + i]);
		return;
	}
	if (n == 4) {
		memcpy(&v, p, 4);
		printf("%d", (int32_t)v);
		return;
	}
	if (n == 8 && (r->flags & CLUSNOTIFY_RECORD_LOST)) {
		uint64_t lost;

		memcpy(&lost, p, 8);
		printf("lost:%llu", (unsigned long long)lost);
		return;
	}
	if (p[n - 1] == '\0' && strlen((const char *)p) == n - 1) {
		put_str("str", (const char *)p, n - 1);
		return;
	}
	printf("hex:");
	for (i = 0; i < n; i++)
		printf("%02x", p[i]);
}

static void print_record(const struct clusnotify_record *r)
{
	const unsigned char *base = (const unsigned char *)r;
	const char *s = (const char *)base + r->hdr_len;
	const struct type_info *ti = type_by_value(r->object_type);
	/* A snapshot's end marker and a GAP are no object's state: own kinds. */
	const char *kind = r->flags & CLUSNOTIFY_RECORD_LOST ? "lost" :
			   r->flags & CLUSNOTIFY_RECORD_SNAPSHOT_END ? "end" :
			   r->flags & CLUSNOTIFY_RECORD_GAP ? "gap" :
			   r->flags & CLUSNOTIFY_RECORD_SNAPSHOT ? "snap" :
			   r->flags & CLUSNOTIFY_RECORD_SYNTHETIC ? "syn" : "live";

	printf("%s %s %s", kind, ti ? ti->name : "?", flag_name(ti, r->filter_flag));
	put_str("id", s, r->id_len);
	s += r->id_len + 1;
	put_str("parent", s, r->parent_len);
	s += r->parent_len + 1;
	put_str("name", s, r->name_len);
	s += r->name_len + 1;
	put_str("tname", s, r->type_len);
	put_payload(r, base + r->payload_off);
	printf(" seq=%llu ts=%llu.%09llu\n", (unsigned long long)r->seq,
	       (unsigned long long)(r->timestamp_ns / 1000000000ULL),
	       (unsigned long long)(r->timestamp_ns % 1000000000ULL));
}

static double mono(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int get_cluster(int fd, const char *name, double wait,
		       struct clusnotify_cluster_info *ci)
{
	double end = mono() + wait;

	for (;;) {
		memset(ci, 0, sizeof(*ci));
		ci->size = sizeof(*ci);
		snprintf(ci->name, sizeof(ci->name), "%s", name);
		if (!ioctl(fd, CLUSNOTIFY_IOC_GET_CLUSTER, ci))
			return 0;
		if (errno != ENOENT) {
			perror("cnwatch: GET_CLUSTER");
			return 1;
		}
		if (mono() >= end) {
			fprintf(stderr, "cnwatch: no cluster '%s'\n", name);
			return 3;
		}
		usleep(100 * 1000);
	}
}

static int get_object(int fd, uint32_t cluster, const char *spec)
{
	struct clusnotify_object_info oi;
	const struct type_info *ti;
	const char *colon = strchr(spec, ':');

	ti = colon ? type_by_name(spec, (size_t)(colon - spec)) : NULL;
	if (!ti) {
		fprintf(stderr, "cnwatch: bad -g %s\n", spec);
		return 2;
	}
	memset(&oi, 0, sizeof(oi));
	oi.size = sizeof(oi);
	oi.flags = CLUSNOTIFY_OBJECT_BY_ID;
	oi.cluster_id = cluster;
	oi.object_type = ti->type;
	snprintf(oi.id, sizeof(oi.id), "%s", colon + 1);
	if (ioctl(fd, CLUSNOTIFY_IOC_GET_OBJECT, &oi)) {
		if (errno == ENOENT)
			return 3;
		perror("cnwatch: GET_OBJECT");
		return 1;
	}
	printf("object %s", ti->name);
	put_str("id", oi.id, strlen(oi.id));
	put_str("parent", oi.parent_id, strlen(oi.parent_id));
	put_str("name", oi.name, strlen(oi.name));
	put_str("tname", oi.type_name, strlen(oi.type_name));
	printf(" state=%d\n", oi.state);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: cnwatch [-c CLUSTER] [-w SECS] [-s] [-t SECS] [-n COUNT] TYPE[:MASK]...\n"
		"       cnwatch [-c CLUSTER] [-w SECS] -g TYPE:ID\n"
		"       cnwatch [-c CLUSTER] [-w SECS] -i\n");
}

int main(int argc, char **argv)
{
	struct clusnotify_filter filters[CLUSNOTIFY_FILTERS_MAX];
	struct clusnotify_cluster_info ci;
	struct clusnotify_add_filters af;
	const char *cluster = "", *get = NULL;
	double timeout = 0, wait = 30, end;
	long count = -1, seen = 0;
	bool snapshot = false, info = false;
	static unsigned char buf[1 << 16];
	unsigned int nf = 0;
	int c, fd, ret;

	setvbuf(stdout, NULL, _IOLBF, 0);
	while ((c = getopt(argc, argv, "c:w:st:n:g:i")) != -1) {
		switch (c) {
		case 'c': cluster = optarg; break;
		case 'w': wait = atof(optarg); break;
		case 's': snapshot = true; break;
		case 't': timeout = atof(optarg); break;
		case 'n': count = atol(optarg); break;
		case 'g': get = optarg; break;
		case 'i': info = true; break;
		default: usage(); return 2;
		}
	}
	for (; optind < argc; optind++) {
		const char *arg = argv[optind], *colon = strchr(arg, ':');
		const struct type_info *ti;
		uint64_t mask;

		ti = type_by_name(arg, colon ? (size_t)(colon - arg) : strlen(arg));
		if (!ti || nf == CLUSNOTIFY_FILTERS_MAX) {
			usage();
			return 2;
		}
		mask = colon ? strtoull(colon + 1, NULL, 0) : ti->all;
		filters[nf].object_type = ti->type;
		filters[nf].reserved = 0;
		filters[nf].flags = mask;
		nf++;
	}
	if (!nf && !get && !info) {
		usage();
		return 2;
	}

	fd = open("/dev/clusnotify", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		perror("cnwatch: /dev/clusnotify");
		return 1;
	}
	ret = get_cluster(fd, cluster, wait, &ci);
	if (ret)
		return ret;
	if (info) {
		printf("cluster id=%u name=%s state=%u objects=%u seq=%llu\n",
		       ci.cluster_id, ci.name, ci.state, ci.objects,
		       (unsigned long long)ci.seq);
		return 0;
	}
	if (get)
		return get_object(fd, ci.cluster_id, get);

	memset(&af, 0, sizeof(af));
	af.size = sizeof(af);
	af.cluster_id = ci.cluster_id;
	af.count = nf;
	af.key = 0x1234;
	af.filters = (uintptr_t)filters;
	if (ioctl(fd, CLUSNOTIFY_IOC_ADD_FILTERS, &af)) {
		perror("cnwatch: ADD_FILTERS");
		return 1;
	}
	if (snapshot && ioctl(fd, CLUSNOTIFY_IOC_SNAPSHOT)) {
		perror("cnwatch: SNAPSHOT");
		return 1;
	}
	printf("ready cluster=%u name=%s\n", ci.cluster_id, ci.name);

	end = timeout > 0 ? mono() + timeout : 0;
	while (count < 0 || seen < count) {
		struct pollfd p = { .fd = fd, .events = POLLIN };
		int ms = -1;
		ssize_t n, off;

		if (end) {
			ms = (int)((end - mono()) * 1000);
			if (ms <= 0)
				break;
		}
		ret = poll(&p, 1, ms);
		if (ret < 0) {
			if (errno == EINTR)
				continue;
			perror("cnwatch: poll");
			return 1;
		}
		if (!ret)
			break;
		n = read(fd, buf, sizeof(buf));
		if (n < 0) {
			perror("cnwatch: read");
			return 1;
		}
		for (off = 0; off < n && (count < 0 || seen < count);) {
			const struct clusnotify_record *r = (const void *)(buf + off);

			print_record(r);
			seen++;
			off += r->len;
		}
	}
	return 0;
}
