// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify: watch, post and list cluster events.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"

const char *prog = "clusnotify";

static const struct {
	const char *name;
	int (*fn)(int argc, char **argv);
	const char *what;
} cmds[] = {
	{ "watch", cmd_watch, "print the events of a cluster as they come" },
	{ "post", cmd_post, "post events to a cluster (CAP_NET_ADMIN)" },
	{ "feed", cmd_feed, "own a cluster and feed it from a script (CAP_NET_ADMIN)" },
	{ "clusters", cmd_clusters, "list the clusters of this network namespace" },
	{ "objects", cmd_objects, "list the objects a cluster keeps" },
	{ "stats", cmd_stats, "show the counters of clusters or of one port" },
};

void errmsg(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

int usage(const char *text, bool help)
{
	fprintf(help ? stdout : stderr, "Usage: %s %s", prog, text);
	return help ? EXIT_OK : EXIT_USAGE;
}

int feed_open_or_complain(struct clusnotify_feed **feed)
{
	int ret = clusnotify_feed_open(feed, 0);

	if (ret == -ENOENT)
		errmsg("generic netlink family '%s' not found: is the module loaded?",
		       CLUSNOTIFY_GENL_NAME);
	else if (ret)
		errmsg("netlink: %s", strerror(-ret));
	return ret;
}

int feed_complaint(struct clusnotify_feed *feed, int ret, const char *fmt, ...)
{
	const char *why = clusnotify_feed_errmsg(feed);
	va_list ap;

	if (!ret)
		return 0;
	fprintf(stderr, "%s: ", prog);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s", strerror(-ret));
	if (*why && strcmp(why, strerror(-ret)))
		fprintf(stderr, " (%s)", why);
	fputc('\n', stderr);
	return ret;
}

/* Says why a cluster lookup by @name (NULL or "": the local one) failed. */
int cluster_complaint(int ret, const char *name)
{
	if (ret == -ENOENT && name && *name)
		errmsg("no cluster '%s'", name);
	else if (ret == -ENOENT)
		errmsg("no cluster is registered");
	else if (ret)
		errmsg("cannot list clusters: %s", strerror(-ret));
	return ret;
}

int cluster_or_complain(struct clusnotify_feed *feed, const char *name,
			struct clusnotify_cluster_entry *c)
{
	return cluster_complaint(clusnotify_feed_get_cluster(feed, 0, name, c),
				 name);
}

struct clusnotify_feed_event item_event(const struct cn_item *it)
{
	return (struct clusnotify_feed_event){
		.type = it->type, .flag = it->flag, .id = it->id,
		.parent_id = it->parent, .name = it->name,
		.type_name = it->type_name,
		.payload = it->has_payload ? it->payload : NULL,
		.payload_len = it->has_payload ? it->payload_len : 0,
	};
}

struct clusnotify_feed_object item_object(const struct cn_item *it)
{
	return (struct clusnotify_feed_object){
		.type = it->type, .id = it->id, .name = it->name,
		.parent_id = it->parent, .type_name = it->type_name,
		.flags = it->has_state ? CLUSNOTIFY_FEED_OBJ_STATE : 0,
		.state = it->state,
	};
}

const char *cluster_state_name(uint32_t state)
{
	switch (state) {
	case CLUSNOTIFY_CLUSTER_CONNECTED:
		return "connected";
	case CLUSNOTIFY_CLUSTER_DISCONNECTED:
		return "disconnected";
	case CLUSNOTIFY_CLUSTER_DELETED:
		return "deleted";
	default:
		return "unknown";
	}
}

void json_string(const char *s)
{
	putchar('"');
	for (; *s; s++) {
		unsigned char c = *s;

		if (c == '"' || c == '\\')
			printf("\\%c", c);
		else if (c == '\n')
			fputs("\\n", stdout);
		else if (c == '\t')
			fputs("\\t", stdout);
		else if (c < 0x20 || c == 0x7f)
			printf("\\u%04x", c);
		else
			putchar(c);
	}
	putchar('"');
}

static void show_usage(FILE *f)
{
	size_t i;

	fprintf(f, "Usage: %s <command> [options]\n\nCommands:\n", prog);
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++)
		fprintf(f, "  %-10s %s\n", cmds[i].name, cmds[i].what);
	fprintf(f, "\n'%s <command> --help' describes each; see clusnotify(1).\n",
		prog);
}

int main(int argc, char **argv)
{
	size_t i;

	if (argc < 2) {
		show_usage(stderr);
		return EXIT_USAGE;
	}
	if (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h") ||
	    !strcmp(argv[1], "help")) {
		show_usage(stdout);
		return EXIT_OK;
	}
	for (i = 0; i < sizeof(cmds) / sizeof(cmds[0]); i++) {
		if (!strcmp(argv[1], cmds[i].name)) {
			static char name[64];

			/* getopt's messages then name the subcommand. */
			snprintf(name, sizeof(name), "%s %s", prog, argv[1]);
			argv[1] = name;
			return cmds[i].fn(argc - 1, argv + 1);
		}
	}
	errmsg("unknown command '%s'", argv[1]);
	show_usage(stderr);
	return EXIT_USAGE;
}
