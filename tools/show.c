// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify clusters, objects and stats: read through the device's
 * enumeration ioctls, so that whoever may open /dev/clusnotify may list
 * (netlink reads are for admins).
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <clusnotify.h>

#include "cli.h"

static const char clusters_usage[] =
	"clusters [--json]\n"
	"\n"
	"Lists the clusters of this network namespace: id, name, state,\n"
	"objects, ports, last sequence number, epoch and the sequence numbers\n"
	"the journal holds (FIRST..LAST, \"-\" when it is empty).\n"
	"\n"
	"  -j, --json   one JSON object per line\n"
	"  -h, --help   this text\n";

static const char objects_usage[] =
	"objects [--cluster NAME] [--json]\n"
	"\n"
	"Lists the objects a cluster (default: the local one) keeps.\n"
	"\n"
	"  -c, --cluster NAME   the cluster\n"
	"  -j, --json           one JSON object per line\n"
	"  -h, --help           this text\n";

static const char stats_usage[] =
	"stats [--cluster NAME] [--json]\n"
	"   or: clusnotify stats [--pid PID] --fd FD [--json]\n"
	"\n"
	"Prints the counters of every cluster (or of one), or of the port open\n"
	"as FD in process PID (default: this process; needs ptrace access).\n"
	"\n"
	"  -c, --cluster NAME   one cluster\n"
	"  -p, --pid PID        the process that holds the port\n"
	"  -f, --fd FD          the port's file descriptor in that process\n"
	"  -j, --json           JSON\n"
	"  -h, --help           this text\n";

/*
 * Options shared by the three: cluster, pid, fd, json. Returns 0, -1 after
 * --help, or EXIT_USAGE.
 */
struct show_opts {
	const char *cluster;
	bool json;
	long pid;
	long fd;
};

static int parse_opts(int argc, char **argv, const char *text,
		      const char *shortopts, struct show_opts *o)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "pid", required_argument, NULL, 'p' },
		{ "fd", required_argument, NULL, 'f' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	uint64_t v;
	int c;

	o->cluster = NULL;
	o->json = false;
	o->pid = 0;
	o->fd = -1;
	while ((c = getopt_long(argc, argv, shortopts, opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			o->cluster = optarg;
			break;
		case 'p':
			if (parse_u64(optarg, &v) || !v || v > INT32_MAX)
				return usage(text, false);
			o->pid = v;
			break;
		case 'f':
			if (parse_u64(optarg, &v) || v > INT32_MAX)
				return usage(text, false);
			o->fd = v;
			break;
		case 'j':
			o->json = true;
			break;
		case 'h':
			usage(text, true);
			return -1;
		default:
			return usage(text, false);
		}
	}
	if (optind != argc)
		return usage(text, false);
	return 0;
}

static int port_open_or_complain(struct clusnotify_port **port)
{
	int ret = clusnotify_port_open(port);

	if (ret == -ENOENT)
		errmsg("/dev/%s not found: is the module loaded?",
		       CLUSNOTIFY_DEVICE_NAME);
	else if (ret)
		errmsg("cannot open /dev/%s: %s", CLUSNOTIFY_DEVICE_NAME,
		       strerror(-ret));
	return ret;
}

/* Resolves a cluster by name (NULL: the local one), reporting why not. */
static int port_cluster_or_complain(struct clusnotify_port *port,
				    const char *name,
				    struct clusnotify_cluster_info *ci)
{
	return cluster_complaint(clusnotify_get_cluster(port, name, ci), name);
}

#define BATCH 64

/* Calls @fn for each cluster of the port's namespace; 0 or -errno. */
static int each_cluster(struct clusnotify_port *port,
			void (*fn)(const struct clusnotify_cluster_entry *c,
				   void *arg),
			void *arg)
{
	static struct clusnotify_cluster_entry e[BATCH];
	uint64_t cursor = 0;
	int i, n;

	while ((n = clusnotify_list_clusters(port, &cursor, e, BATCH)) > 0)
		for (i = 0; i < n; i++)
			fn(&e[i], arg);
	return n;
}

/*
 * The journal is a run with no hole that ends at the cluster's last event
 * (see JOURNAL in the uapi header): it holds journal_first .. seq, or
 * nothing (both 0) when journal_events is 0.
 */
static uint64_t journal_last(const struct clusnotify_cluster_entry *c)
{
	return c->journal_events ? c->seq : 0;
}

static void print_cluster(const struct clusnotify_cluster_entry *c, void *arg)
{
	const struct show_opts *o = arg;
	char journal[48] = "-";

	if (o->cluster && strcmp(o->cluster, c->name))
		return;
	if (o->json) {
		printf("{\"id\":%" PRIu32 ",\"name\":", c->cluster_id);
		json_string(c->name);
		printf(",\"state\":\"%s\",\"objects\":%" PRIu32 ",\"ports\":%" PRIu32
		       ",\"seq\":%" PRIu64 ",\"posted\":%" PRIu64
		       ",\"matched\":%" PRIu64 ",\"delivered\":%" PRIu64
		       ",\"lost\":%" PRIu64 ",\"reconnects\":%" PRIu32
		       ",\"epoch\":%" PRIu64 ",\"journal_events\":%" PRIu32
		       ",\"journal_bytes\":%" PRIu64 ",\"journal_first\":%" PRIu64
		       ",\"journal_last\":%" PRIu64 "}\n",
		       cluster_state_name(c->state), c->objects, c->ports,
		       (uint64_t)c->seq, (uint64_t)c->posted, (uint64_t)c->matched,
		       (uint64_t)c->delivered, (uint64_t)c->lost, c->reconnects,
		       (uint64_t)c->epoch, c->journal_events,
		       (uint64_t)c->journal_bytes,
		       c->journal_events ? (uint64_t)c->journal_first : 0,
		       journal_last(c));
	} else {
		if (c->journal_events)
			snprintf(journal, sizeof(journal), "%" PRIu64 "..%" PRIu64,
				 (uint64_t)c->journal_first, journal_last(c));
		printf("%-6" PRIu32 " %-24s %-12s %8" PRIu32 " %6" PRIu32
		       " %10" PRIu64 " %20" PRIu64 " %s\n", c->cluster_id, c->name,
		       cluster_state_name(c->state), c->objects, c->ports,
		       (uint64_t)c->seq, (uint64_t)c->epoch, journal);
	}
}

int cmd_clusters(int argc, char **argv)
{
	struct clusnotify_port *port;
	struct show_opts o;
	int ret;

	ret = parse_opts(argc, argv, clusters_usage, "jh", &o);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (port_open_or_complain(&port))
		return EXIT_RUNTIME;
	if (!o.json)
		printf("%-6s %-24s %-12s %8s %6s %10s %20s %s\n", "ID", "NAME",
		       "STATE", "OBJECTS", "PORTS", "SEQ", "EPOCH", "JOURNAL");
	ret = each_cluster(port, print_cluster, &o);
	if (ret)
		errmsg("cannot list clusters: %s", strerror(-ret));
	clusnotify_port_close(port);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}

static void print_object(const struct clusnotify_object_entry *it,
			 const struct show_opts *o)
{
	const char *type = clusnotify_type_name(it->object_type);

	if (o->json) {
		printf("{\"type\":\"%s\",\"id\":", type ? type : "?");
		json_string(it->id);
		fputs(",\"name\":", stdout);
		json_string(it->name);
		fputs(",\"parent\":", stdout);
		json_string(it->parent_id);
		fputs(",\"type_name\":", stdout);
		json_string(it->type_name);
		printf(",\"state\":%" PRId32 "}\n", it->state);
	} else {
		printf("%-18s %-20s %-24s %-20s %-16s %6" PRId32 "\n",
		       type ? type : "?", it->id, it->name, it->parent_id,
		       it->type_name, it->state);
	}
}

int cmd_objects(int argc, char **argv)
{
	static struct clusnotify_object_entry e[BATCH];
	struct clusnotify_cluster_info c;
	struct clusnotify_port *port;
	uint64_t cursor = 0;
	struct show_opts o;
	int ret, i;

	ret = parse_opts(argc, argv, objects_usage, "c:jh", &o);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (port_open_or_complain(&port))
		return EXIT_RUNTIME;
	ret = port_cluster_or_complain(port, o.cluster, &c);
	if (!ret) {
		if (!o.json)
			printf("%-18s %-20s %-24s %-20s %-16s %6s\n", "TYPE", "ID",
			       "NAME", "PARENT", "TYPE NAME", "STATE");
		while ((ret = clusnotify_list_objects(port, c.cluster_id,
						      CLUSNOTIFY_OBJ_NONE,
						      &cursor, e, BATCH)) > 0)
			for (i = 0; i < ret; i++)
				print_object(&e[i], &o);
		if (ret)
			errmsg("cannot list the objects of '%s': %s", c.name,
			       strerror(-ret));
	}
	clusnotify_port_close(port);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}

/* The port open as @fd in process @pid, through pidfd_getfd(2). */
static int borrow_fd(long pid, long fd)
{
	int pidfd, ret;

	if (!pid || pid == getpid())
		return dup(fd);
	pidfd = syscall(SYS_pidfd_open, (pid_t)pid, 0);
	if (pidfd < 0)
		return -1;
	ret = syscall(SYS_pidfd_getfd, pidfd, (int)fd, 0);
	close(pidfd);
	return ret;
}

static int port_stats(const struct show_opts *o)
{
	struct clusnotify_port_stats s;
	struct clusnotify_port *port;
	int fd, ret;

	fd = borrow_fd(o->pid, o->fd);
	if (fd < 0) {
		errmsg("cannot get fd %ld of process %ld: %s", o->fd,
		       o->pid ? o->pid : (long)getpid(), strerror(errno));
		return EXIT_RUNTIME;
	}
	ret = clusnotify_port_attach(&port, fd);
	if (ret) {
		close(fd);
		errmsg("%s", strerror(-ret));
		return EXIT_RUNTIME;
	}
	ret = clusnotify_port_stats(port, &s);
	clusnotify_port_close(port);
	if (ret) {
		errmsg("fd %ld is not a clusnotify port: %s", o->fd, strerror(-ret));
		return EXIT_RUNTIME;
	}
	printf(o->json ?
	       "{\"queued\":%" PRIu64 ",\"queued_bytes\":%" PRIu64
	       ",\"matched\":%" PRIu64 ",\"delivered\":%" PRIu64
	       ",\"lost\":%" PRIu64 ",\"read\":%" PRIu64 ",\"filters\":%" PRIu32
	       ",\"registrations\":%" PRIu32 ",\"clusters\":%" PRIu32 "}\n" :
	       "queued: %" PRIu64 "\nqueued_bytes: %" PRIu64 "\nmatched: %" PRIu64
	       "\ndelivered: %" PRIu64 "\nlost: %" PRIu64 "\nread: %" PRIu64
	       "\nfilters: %" PRIu32 "\nregistrations: %" PRIu32
	       "\nclusters: %" PRIu32 "\n",
	       (uint64_t)s.queued, (uint64_t)s.queued_bytes, (uint64_t)s.matched,
	       (uint64_t)s.delivered, (uint64_t)s.lost, (uint64_t)s.read,
	       s.filters, s.registrations, s.clusters);
	return EXIT_OK;
}

static void print_cluster_stats(const struct clusnotify_cluster_entry *c,
				void *arg)
{
	const struct show_opts *o = arg;

	if (o->cluster && strcmp(o->cluster, c->name))
		return;
	if (o->json) {
		print_cluster(c, arg);
		return;
	}
	printf("cluster %s (id %" PRIu32 ", %s)\n"
	       "  seq: %" PRIu64 "\n  posted: %" PRIu64 "\n  matched: %" PRIu64
	       "\n  delivered: %" PRIu64 "\n  lost: %" PRIu64
	       "\n  objects: %" PRIu32 "\n  ports: %" PRIu32
	       "\n  reconnects: %" PRIu32 "\n  epoch: %" PRIu64
	       "\n  journal: %" PRIu32 " events, %" PRIu64 " bytes",
	       c->name, c->cluster_id, cluster_state_name(c->state),
	       (uint64_t)c->seq, (uint64_t)c->posted, (uint64_t)c->matched,
	       (uint64_t)c->delivered, (uint64_t)c->lost, c->objects, c->ports,
	       c->reconnects, (uint64_t)c->epoch, c->journal_events,
	       (uint64_t)c->journal_bytes);
	if (c->journal_events)
		printf(", seq %" PRIu64 "..%" PRIu64, (uint64_t)c->journal_first,
		       journal_last(c));
	putchar('\n');
}

int cmd_stats(int argc, char **argv)
{
	struct clusnotify_cluster_info c;
	struct clusnotify_port *port;
	struct show_opts o;
	int ret;

	ret = parse_opts(argc, argv, stats_usage, "c:p:f:jh", &o);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (o.fd >= 0) {
		if (o.cluster)
			return usage(stats_usage, false);
		return port_stats(&o);
	}
	if (o.pid)
		return usage(stats_usage, false);
	if (port_open_or_complain(&port))
		return EXIT_RUNTIME;
	ret = o.cluster ? port_cluster_or_complain(port, o.cluster, &c) : 0;
	if (!ret) {
		ret = each_cluster(port, print_cluster_stats, &o);
		if (ret)
			errmsg("cannot list clusters: %s", strerror(-ret));
	}
	clusnotify_port_close(port);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}
