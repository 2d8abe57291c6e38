// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify clusters, objects and stats.
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
	"Lists the clusters of this network namespace.\n"
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

static void print_cluster(const struct cn_cluster *c, void *arg)
{
	const struct show_opts *o = arg;

	if (o->cluster && strcmp(o->cluster, c->name))
		return;
	if (o->json) {
		printf("{\"id\":%" PRIu32 ",\"name\":", c->id);
		json_string(c->name);
		printf(",\"state\":\"%s\",\"objects\":%" PRIu32 ",\"ports\":%" PRIu32
		       ",\"seq\":%" PRIu64 ",\"posted\":%" PRIu64
		       ",\"matched\":%" PRIu64 ",\"delivered\":%" PRIu64
		       ",\"lost\":%" PRIu64 ",\"reconnects\":%" PRIu32 "}\n",
		       cluster_state_name(c->state), c->objects, c->ports, c->seq,
		       c->posted, c->matched, c->delivered, c->lost, c->reconnects);
	} else {
		printf("%-6" PRIu32 " %-24s %-12s %8" PRIu32 " %6" PRIu32
		       " %10" PRIu64 "\n", c->id, c->name,
		       cluster_state_name(c->state), c->objects, c->ports,
		       c->seq);
	}
}

int cmd_clusters(int argc, char **argv)
{
	struct show_opts o;
	struct cn_nl nl;
	int ret;

	ret = parse_opts(argc, argv, clusters_usage, "jh", &o);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (nl_open_or_complain(&nl))
		return EXIT_RUNTIME;
	if (!o.json)
		printf("%-6s %-24s %-12s %8s %6s %10s\n", "ID", "NAME", "STATE",
		       "OBJECTS", "PORTS", "SEQ");
	ret = cn_nl_clusters(&nl, print_cluster, &o);
	if (ret)
		errmsg("cannot list clusters: %s", strerror(-ret));
	cn_nl_close(&nl);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}

static void print_object(const struct cn_item *it, void *arg)
{
	const struct show_opts *o = arg;
	const char *type = clusnotify_type_name(it->type);

	if (o->json) {
		printf("{\"type\":\"%s\",\"id\":", type ? type : "?");
		json_string(it->id);
		fputs(",\"name\":", stdout);
		json_string(it->name);
		fputs(",\"parent\":", stdout);
		json_string(it->parent);
		fputs(",\"type_name\":", stdout);
		json_string(it->type_name);
		printf(",\"state\":%" PRId32 "}\n", it->state);
	} else {
		printf("%-18s %-20s %-24s %-20s %-16s %6" PRId32 "\n",
		       type ? type : "?", it->id, it->name, it->parent,
		       it->type_name, it->state);
	}
}

int cmd_objects(int argc, char **argv)
{
	struct cn_cluster c;
	struct show_opts o;
	struct cn_nl nl;
	int ret;

	ret = parse_opts(argc, argv, objects_usage, "c:jh", &o);
	if (ret)
		return ret < 0 ? EXIT_OK : ret;
	if (nl_open_or_complain(&nl))
		return EXIT_RUNTIME;
	ret = cluster_or_complain(&nl, o.cluster, &c);
	if (!ret) {
		if (!o.json)
			printf("%-18s %-20s %-24s %-20s %-16s %6s\n", "TYPE", "ID",
			       "NAME", "PARENT", "TYPE NAME", "STATE");
		ret = cn_nl_objects(&nl, c.id, print_object, &o);
		if (ret)
			errmsg("cannot list the objects of '%s': %s", c.name,
			       strerror(-ret));
	}
	cn_nl_close(&nl);
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

static void print_cluster_stats(const struct cn_cluster *c, void *arg)
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
	       "\n  reconnects: %" PRIu32 "\n",
	       c->name, c->id, cluster_state_name(c->state), c->seq, c->posted,
	       c->matched, c->delivered, c->lost, c->objects, c->ports,
	       c->reconnects);
}

int cmd_stats(int argc, char **argv)
{
	struct cn_cluster c;
	struct show_opts o;
	struct cn_nl nl;
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
	if (nl_open_or_complain(&nl))
		return EXIT_RUNTIME;
	ret = o.cluster ? cluster_or_complain(&nl, o.cluster, &c) : 0;
	if (!ret)
		ret = cn_nl_clusters(&nl, print_cluster_stats, &o);
	cn_nl_close(&nl);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}
