// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify post and clusnotify feed: events and objects in, by netlink.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cli.h"

#define MAX_WORDS	32

static const char post_usage[] =
	"post [--cluster NAME] --type TYPE --flag FLAG --id ID [--name NAME]\n"
	"        [--parent ID] [--type-name NAME] [--payload SPEC] [--verbose]\n"
	"   or: clusnotify post [--cluster NAME] --batch FILE|- [--verbose]\n"
	"\n"
	"Posts one event, or the events of FILE (one per line, as the 'event'\n"
	"lines of a feed script, the keyword optional) in as few messages as\n"
	"the kernel takes, to a cluster (default: the local one). Needs\n"
	"CAP_NET_ADMIN.\n"
	"\n"
	"  -c, --cluster NAME     the cluster\n"
	"  -T, --type TYPE        object type (NODE, GROUP, RESOURCE, ...)\n"
	"  -f, --flag FLAG        the flag that fired (STATE, DELETED, ...)\n"
	"  -i, --id ID            the object's id\n"
	"  -N, --name NAME        its name (default: the cluster's object's)\n"
	"  -p, --parent ID        its parent's id\n"
	"  -y, --type-name NAME   its type name (resources)\n"
	"  -P, --payload SPEC     u32:N, s32:N, u64:N, hex:BYTES or str:TEXT\n"
	"  -b, --batch FILE       post every event of FILE ('-': stdin)\n"
	"  -v, --verbose          print the sequence number of the last event\n"
	"  -h, --help             this text\n";

static const char feed_usage[] =
	"feed --cluster NAME [--unregister] [FILE|-]\n"
	"\n"
	"Registers cluster NAME and owns it while it reads the script FILE\n"
	"(default: stdin) line by line:\n"
	"  object <type> <id> <name> [parent=ID] [type-name=NAME] [state=N]\n"
	"  event <type> <id> <flag> [payload=SPEC] [name=..] [parent=..] [type-name=..]\n"
	"  delete <type> <id>\n"
	"  sleep <ms>\n"
	"  echo [text]    (prints text once every line before it is done)\n"
	"At end of file it exits, and the cluster turns disconnected (or is\n"
	"unregistered with --unregister). Needs CAP_NET_ADMIN.\n"
	"\n"
	"  -c, --cluster NAME   the cluster to register\n"
	"  -u, --unregister     unregister the cluster at end of file\n"
	"  -h, --help           this text\n";

static FILE *open_input(const char *path)
{
	FILE *f;

	if (!path || !strcmp(path, "-"))
		return stdin;
	f = fopen(path, "r");
	if (!f)
		errmsg("%s: %s", path, strerror(errno));
	return f;
}

/* Reads the batch: every line is kept, the items point into them. */
static int read_batch(FILE *f, const char *path, struct cn_item **evs,
		      size_t *n, char ***lines, size_t *nlines)
{
	char *line = NULL, *argv[MAX_WORDS];
	size_t cap = 0, lineno = 0;
	int argc;

	while (getline(&line, &cap, f) >= 0) {
		struct cn_item *grown;
		char **more;

		lineno++;
		more = realloc(*lines, (*nlines + 1) * sizeof(**lines));
		if (!more)
			goto nomem;
		*lines = more;
		(*lines)[(*nlines)++] = line;
		argc = tokenize(line, argv, MAX_WORDS);
		line = NULL;
		cap = 0;
		if (argc < 0)
			goto bad;
		if (!argc)
			continue;
		grown = realloc(*evs, (*n + 1) * sizeof(**evs));
		if (!grown)
			goto nomem;
		*evs = grown;
		if (!strcmp(argv[0], "event") ?
		    parse_event(&(*evs)[*n], argc - 1, argv + 1) :
		    parse_event(&(*evs)[*n], argc, argv))
			goto bad;
		(*n)++;
	}
	free(line);
	return 0;
bad:
	errmsg("%s:%zu: bad event", path, lineno);
	return -EINVAL;
nomem:
	free(line);
	errmsg("%s: out of memory", path);
	return -ENOMEM;
}

static int post(const char *cluster, const struct cn_item *items, size_t n,
		bool verbose)
{
	struct clusnotify_feed_event *evs;
	struct clusnotify_cluster_entry c;
	struct clusnotify_feed *feed;
	size_t i, done = 0;
	uint64_t seq = 0;
	int ret;

	evs = calloc(n, sizeof(*evs));
	if (!evs)
		return EXIT_RUNTIME;
	for (i = 0; i < n; i++)
		evs[i] = item_event(&items[i]);
	ret = feed_open_or_complain(&feed);
	if (ret)
		goto out;
	ret = cluster_or_complain(feed, cluster, &c);
	if (!ret) {
		ret = clusnotify_feed_post(feed, c.cluster_id, evs, n, &done, &seq);
		if (ret && done)
			feed_complaint(feed, ret, "post to '%s' (the first %zu events posted)",
				       c.name, done);
		else if (ret)
			feed_complaint(feed, ret, "post to '%s'", c.name);
		else if (verbose)
			printf("posted %zu event%s to %s, last seq %" PRIu64 "\n",
			       n, n == 1 ? "" : "s", c.name, seq);
	}
	clusnotify_feed_close(feed);
out:
	free(evs);
	return ret ? EXIT_RUNTIME : EXIT_OK;
}

int cmd_post(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "type", required_argument, NULL, 'T' },
		{ "flag", required_argument, NULL, 'f' },
		{ "id", required_argument, NULL, 'i' },
		{ "name", required_argument, NULL, 'N' },
		{ "parent", required_argument, NULL, 'p' },
		{ "type-name", required_argument, NULL, 'y' },
		{ "payload", required_argument, NULL, 'P' },
		{ "batch", required_argument, NULL, 'b' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cluster = "", *type = NULL, *flag = NULL, *payload = NULL;
	const char *batch = NULL;
	struct cn_item *evs;
	char **lines = NULL;
	size_t n = 0, nlines = 0, i;
	bool verbose = false;
	int c, status = EXIT_USAGE;
	FILE *f;

	evs = calloc(1, sizeof(*evs));
	if (!evs)
		return EXIT_RUNTIME;
	while ((c = getopt_long(argc, argv, "c:T:f:i:N:p:y:P:b:vh", opts,
				NULL)) != -1) {
		switch (c) {
		case 'c':
			cluster = optarg;
			break;
		case 'T':
			type = optarg;
			break;
		case 'f':
			flag = optarg;
			break;
		case 'i':
			evs[0].id = optarg;
			break;
		case 'N':
			evs[0].name = optarg;
			break;
		case 'p':
			evs[0].parent = optarg;
			break;
		case 'y':
			evs[0].type_name = optarg;
			break;
		case 'P':
			payload = optarg;
			break;
		case 'b':
			batch = optarg;
			break;
		case 'v':
			verbose = true;
			break;
		case 'h':
			status = usage(post_usage, true);
			goto out;
		default:
			goto bad;
		}
	}
	if (optind != argc)
		goto bad;
	if (batch) {
		if (type || flag || evs[0].id || payload)
			goto bad;
		memset(&evs[0], 0, sizeof(evs[0]));
		f = open_input(batch);
		if (!f) {
			status = EXIT_RUNTIME;
			goto out;
		}
		c = read_batch(f, batch, &evs, &n, &lines, &nlines);
		if (f != stdin)
			fclose(f);
		if (c) {
			status = EXIT_RUNTIME;
			goto out;
		}
		if (!n) {
			errmsg("%s: no events", batch);
			status = EXIT_RUNTIME;
			goto out;
		}
	} else {
		if (!type || !flag || !evs[0].id)
			goto bad;
		if (parse_type(type, &evs[0].type) ||
		    parse_flags(evs[0].type, flag, &evs[0].flag) ||
		    (payload && parse_payload(payload, &evs[0])))
			goto bad;
		n = 1;
	}
	status = post(cluster, evs, n, verbose);
	goto out;
bad:
	status = usage(post_usage, false);
out:
	for (i = 0; i < nlines; i++)
		free(lines[i]);
	free(lines);
	free(evs);
	return status;
}

/* One line of a feed script; 0, or -EINVAL for the caller to locate. */
static int feed_line(struct clusnotify_feed *feed, uint32_t id, int argc,
		     char **argv)
{
	static struct cn_item it;
	struct clusnotify_feed_object obj;
	struct clusnotify_feed_event ev;
	uint64_t ms;
	int ret, i;

	if (!strcmp(argv[0], "object")) {
		if (parse_object(&it, argc - 1, argv + 1))
			return -EINVAL;
		obj = item_object(&it);
		ret = clusnotify_feed_set_objects(feed, id, &obj, 1, NULL);
	} else if (!strcmp(argv[0], "event")) {
		if (parse_event(&it, argc - 1, argv + 1))
			return -EINVAL;
		ev = item_event(&it);
		ret = clusnotify_feed_post(feed, id, &ev, 1, NULL, NULL);
	} else if (!strcmp(argv[0], "delete")) {
		memset(&it, 0, sizeof(it));
		if (argc != 3 || parse_type(argv[1], &it.type))
			return -EINVAL;
		it.id = argv[2];
		obj = item_object(&it);
		ret = clusnotify_feed_del_objects(feed, id, &obj, 1, NULL);
	} else if (!strcmp(argv[0], "sleep")) {
		struct timespec ts;

		if (argc != 2 || parse_u64(argv[1], &ms))
			return -EINVAL;
		ts.tv_sec = ms / 1000;
		ts.tv_nsec = ms % 1000 * 1000000;
		while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
			;
		ret = 0;
	} else if (!strcmp(argv[0], "echo")) {
		for (i = 1; i < argc; i++)
			printf("%s%s", argv[i], i + 1 < argc ? " " : "");
		putchar('\n');
		fflush(stdout);
		ret = 0;
	} else {
		errmsg("unknown command '%s'", argv[0]);
		return -EINVAL;
	}
	feed_complaint(feed, ret, "%s", argv[0]);
	return ret ? -EIO : 0;
}

int cmd_feed(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "unregister", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	char *line = NULL, *words[MAX_WORDS];
	const char *cluster = NULL, *path;
	size_t cap = 0, lineno = 0;
	bool unregister = false;
	int c, ret, status = EXIT_RUNTIME;
	struct clusnotify_feed *feed;
	uint32_t id;
	FILE *f;

	while ((c = getopt_long(argc, argv, "c:uh", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cluster = optarg;
			break;
		case 'u':
			unregister = true;
			break;
		case 'h':
			return usage(feed_usage, true);
		default:
			return usage(feed_usage, false);
		}
	}
	if (!cluster || !*cluster || argc - optind > 1)
		return usage(feed_usage, false);
	path = optind < argc ? argv[optind] : "-";
	f = open_input(path);
	if (!f)
		return EXIT_RUNTIME;
	if (feed_open_or_complain(&feed))
		goto out_file;
	ret = clusnotify_feed_register(feed, cluster, &id);
	if (ret) {
		feed_complaint(feed, ret, "cannot register cluster '%s'", cluster);
		goto out_nl;
	}
	while (getline(&line, &cap, f) >= 0) {
		lineno++;
		c = tokenize(line, words, MAX_WORDS);
		if (c < 0 || (c > 0 && (ret = feed_line(feed, id, c, words)))) {
			if (c < 0 || ret == -EINVAL)
				errmsg("%s:%zu: bad line", path, lineno);
			goto out_line;
		}
	}
	status = EXIT_OK;
	if (unregister) {
		ret = clusnotify_feed_unregister(feed, id);
		if (feed_complaint(feed, ret, "cannot unregister '%s'", cluster))
			status = EXIT_RUNTIME;
	}
out_line:
	free(line);
out_nl:
	clusnotify_feed_close(feed);
out_file:
	if (f != stdin)
		fclose(f);
	return status;
}
