// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify watch: subscribe through the native library and print.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include <clusnotify.h>

#include "cli.h"

static const char watch_usage[] =
	"watch [--cluster NAME] [--object TYPE:ID[:FLAGS]]... [--key N]\n"
	"        [--snapshot] [--json] [--count N] [--timeout MS] [--ready]\n"
	"        [--since EPOCH:SEQ] [--resume-file FILE] [TYPE[:FLAGS]]...\n"
	"\n"
	"Prints the events of a cluster (default: the local one) as they come,\n"
	"one per line, until SIGINT or SIGTERM. TYPE[:FLAGS] filters by object\n"
	"type and flag names (FLAGS: names joined by ',', or ALL); with neither\n"
	"filters nor --object, every type is watched.\n"
	"\n"
	"  -c, --cluster NAME        the cluster to watch\n"
	"  -o, --object TYPE:ID[:FLAGS]  watch one object (default flags: ALL)\n"
	"  -k, --key N               the key of the filters and registrations\n"
	"  -s, --snapshot            print the current state of what is watched first\n"
	"  -j, --json                one JSON object per line\n"
	"  -n, --count N             exit after N events\n"
	"  -t, --timeout MS          exit after MS milliseconds\n"
	"  -r, --ready               print a line (\"ready\") once subscribed\n"
	"  -S, --since EPOCH:SEQ     first the events after SEQ of EPOCH that the\n"
	"                            cluster's journal holds, or a GAP line\n"
	"  -R, --resume-file FILE    write EPOCH:SEQ of each event handled to FILE,\n"
	"                            and resume from it (as --since) on start\n"
	"  -h, --help                this text\n";

struct watch {
	struct clusnotify_port *port;
	struct clusnotify_cluster_info cluster;
	bool json;
	int resume_fd;
};

static void hex(const void *p, size_t len)
{
	const unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i++)
		printf("%02x", b[i]);
}

/* The epoch, and a GAP's or LOST's range, as JSON members. */
static void print_json_info(const struct watch *w,
			    const struct clusnotify_event *ev)
{
	struct clusnotify_event_info info = { .size = sizeof(info) };

	if (clusnotify_event_info(w->port, ev, &info))
		return;
	printf(",\"epoch\":%" PRIu64 ",\"gap\":%s", info.epoch,
	       ev->flags & CLUSNOTIFY_RECORD_GAP ? "true" : "false");
	if (info.range_first || info.range_last)
		printf(",\"range_first\":%" PRIu64 ",\"range_last\":%" PRIu64,
		       info.range_first, info.range_last);
	/* The previous values, where the kernel filled them in. */
	if (info.prev_state != CLUSNOTIFY_STATE_UNKNOWN)
		printf(",\"prev_state\":%" PRId32, info.prev_state);
	if (info.prev_owner_len) {
		fputs(",\"prev_owner\":", stdout);
		json_string(info.prev_owner);
	}
}

static void print_json(const struct watch *w, const struct clusnotify_event *ev)
{
	const char *type = clusnotify_type_name(ev->object_type);
	const char *flag = clusnotify_flag_name(ev->object_type, ev->filter_flag);

	fputs("{\"cluster\":", stdout);
	json_string(w->cluster.name);
	printf(",\"cluster_id\":%" PRIu32 ",\"seq\":%" PRIu64
	       ",\"timestamp_ns\":%" PRIu64 ",\"type\":",
	       ev->cluster_id, ev->seq, ev->timestamp_ns);
	json_string(type ? type : "?");
	fputs(",\"flag\":", stdout);
	if (flag)
		json_string(flag);
	else
		printf("\"0x%" PRIx64 "\"", ev->filter_flag);
	printf(",\"key\":%" PRIu64 ",\"id\":", ev->key);
	json_string(ev->object_id);
	fputs(",\"name\":", stdout);
	json_string(ev->name);
	fputs(",\"parent\":", stdout);
	json_string(ev->parent_id);
	fputs(",\"type_name\":", stdout);
	json_string(ev->type_name);
	fputs(",\"payload\":\"", stdout);
	hex(ev->payload, ev->payload_len);
	putchar('"');
	if (ev->payload_len == 4) {
		int32_t v;

		memcpy(&v, ev->payload, sizeof(v));
		printf(",\"value\":%" PRId32, v);
	} else if (ev->payload_len == 8) {
		uint64_t v;

		memcpy(&v, ev->payload, sizeof(v));
		printf(",\"value\":%" PRIu64, v);
	}
	printf(",\"snapshot\":%s,\"lost\":%s,\"synthetic\":%s,\"snapshot_end\":%s",
	       ev->flags & CLUSNOTIFY_RECORD_SNAPSHOT ? "true" : "false",
	       ev->flags & CLUSNOTIFY_RECORD_LOST ? "true" : "false",
	       ev->flags & CLUSNOTIFY_RECORD_SYNTHETIC ? "true" : "false",
	       ev->flags & CLUSNOTIFY_RECORD_SNAPSHOT_END ? "true" : "false");
	print_json_info(w, ev);
	puts("}");
}

static void print_human(const struct watch *w, const struct clusnotify_event *ev)
{
	const char *type = clusnotify_type_name(ev->object_type);
	const char *flag = clusnotify_flag_name(ev->object_type, ev->filter_flag);
	time_t t = ev->timestamp_ns / 1000000000;
	char when[32] = "-";
	struct tm tm;

	if (ev->timestamp_ns && localtime_r(&t, &tm))
		strftime(when, sizeof(when), "%H:%M:%S", &tm);
	printf("%s.%03u %s #%" PRIu64 " %s %s", when,
	       (unsigned int)(ev->timestamp_ns / 1000000 % 1000),
	       w->cluster.name, ev->seq, type ? type : "?", flag ? flag : "?");
	if (!flag)
		printf("(0x%" PRIx64 ")", ev->filter_flag);
	printf(" id=\"%s\"", ev->object_id);
	if (ev->name_len)
		printf(" name=\"%s\"", ev->name);
	if (ev->parent_len)
		printf(" parent=\"%s\"", ev->parent_id);
	if (ev->type_len)
		printf(" type-name=\"%s\"", ev->type_name);
	if (ev->payload_len == 4) {
		int32_t v;

		memcpy(&v, ev->payload, sizeof(v));
		printf(" payload=u32:%" PRId32, v);
	} else if (ev->payload_len == 8) {
		uint64_t v;

		memcpy(&v, ev->payload, sizeof(v));
		printf(" payload=u64:%" PRIu64, v);
	} else if (ev->payload_len) {
		fputs(" payload=hex:", stdout);
		hex(ev->payload, ev->payload_len > 64 ? 64 : ev->payload_len);
		if (ev->payload_len > 64)
			fputs("...", stdout);
	}
	if (ev->key)
		printf(" key=%" PRIu64, ev->key);
	if (ev->flags & CLUSNOTIFY_RECORD_GAP) {
		struct clusnotify_event_info info = { .size = sizeof(info) };

		if (!clusnotify_event_info(w->port, ev, &info))
			printf(" [gap: events %" PRIu64 "..%" PRIu64
			       " of epoch %" PRIu64 " cannot be had]",
			       info.range_first, info.range_last, info.epoch);
	}
	if (ev->flags & CLUSNOTIFY_RECORD_SNAPSHOT_END)
		fputs(" [end of snapshot]", stdout);
	else if (ev->flags & CLUSNOTIFY_RECORD_SNAPSHOT)
		fputs(" [snapshot]", stdout);
	if (ev->flags & CLUSNOTIFY_RECORD_LOST)
		fputs(" [lost]", stdout);
	if (ev->flags & CLUSNOTIFY_RECORD_SYNTHETIC)
		fputs(" [synthetic]", stdout);
	putchar('\n');
}

/* TYPE[:FLAGS] into a filter; ALL when FLAGS is left out. */
static int parse_filter(char *arg, struct clusnotify_filter *f)
{
	char *flags = strchr(arg, ':');
	uint64_t mask;

	if (flags)
		*flags++ = '\0';
	memset(f, 0, sizeof(*f));
	if (parse_type(arg, &f->object_type) ||
	    parse_flags(f->object_type, flags ? flags : "ALL", &mask))
		return -EINVAL;
	f->flags = mask;
	return 0;
}

/*
 * Decimal only: the resume file pads with zeros, which parse_u64() would
 * take for octal; with them gone, digits alone are decimal to it.
 */
static int parse_dec(const char *s, uint64_t *v)
{
	if (*s < '0' || *s > '9' || s[strspn(s, "0123456789")])
		return -EINVAL;
	while (s[0] == '0' && s[1])
		s++;
	return parse_u64(s, v);
}

/* EPOCH:SEQ, both decimal. */
static int parse_since(const char *s, uint64_t since[2])
{
	char buf[64], *seq;

	if (strlen(s) >= sizeof(buf))
		return -EINVAL;
	strcpy(buf, s);
	seq = strchr(buf, ':');
	if (!seq)
		return -EINVAL;
	*seq++ = '\0';
	return parse_dec(buf, &since[0]) || parse_dec(seq, &since[1]) ?
	       -EINVAL : 0;
}

/*
 * The resume file holds one line, EPOCH:SEQ, of the last event handled,
 * rewritten in place with one write: a kill leaves the previous or the new
 * one. Returns the fd (since[] filled if it held one), or -errno.
 */
static int resume_open(const char *path, uint64_t since[2], bool *have)
{
	char buf[64];
	ssize_t n;
	int fd;

	fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -errno;
	n = pread(fd, buf, sizeof(buf) - 1, 0);
	if (n > 0) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
		if (parse_since(buf, since)) {
			close(fd);
			return -EBADMSG;
		}
		*have = true;
	}
	return fd;
}

/* Numbered records move the resume point: events, markers, GAPs. */
static int resume_note(struct watch *w, const struct clusnotify_event *ev)
{
	struct clusnotify_event_info info = { .size = sizeof(info) };
	char line[64];
	int n;

	if (w->resume_fd < 0 || !ev->seq ||
	    (ev->flags & CLUSNOTIFY_RECORD_LOST) ||
	    ((ev->flags & CLUSNOTIFY_RECORD_SNAPSHOT) &&
	     !(ev->flags & CLUSNOTIFY_RECORD_SNAPSHOT_END)) ||
	    clusnotify_event_info(w->port, ev, &info))
		return 0;
	n = snprintf(line, sizeof(line), "%020" PRIu64 ":%020" PRIu64 "\n",
		     info.epoch, ev->seq);
	return pwrite(w->resume_fd, line, n, 0) == n ? 0 : -errno;
}

static int subscribe(struct watch *w, struct clusnotify_filter *filters,
		     unsigned int nfilters, char **objects, unsigned int nobjects,
		     uint64_t key, const uint64_t *since)
{
	unsigned int i;
	uint32_t type;
	uint64_t mask;
	char *id, *flags;
	int ret;

	if (nfilters) {
		ret = since ?
		      clusnotify_add_filters_since(w->port, w->cluster.cluster_id,
						   filters, nfilters, key,
						   since[0], since[1]) :
		      clusnotify_add_filters(w->port, w->cluster.cluster_id,
					     filters, nfilters, key);
		if (ret) {
			errmsg("cannot add filters: %s", strerror(-ret));
			return ret;
		}
	}
	for (i = 0; i < nobjects; i++) {
		id = strchr(objects[i], ':');
		if (!id) {
			errmsg("--object wants TYPE:ID[:FLAGS], not '%s'", objects[i]);
			return -EINVAL;
		}
		*id++ = '\0';
		flags = strrchr(id, ':');
		if (flags)
			*flags++ = '\0';
		if (parse_type(objects[i], &type) ||
		    parse_flags(type, flags ? flags : "ALL", &mask))
			return -EINVAL;
		ret = clusnotify_register(w->port, w->cluster.cluster_id, type,
					  id, mask, key, NULL);
		if (ret) {
			errmsg("cannot watch %s '%s': %s", objects[i], id,
			       strerror(-ret));
			return ret;
		}
	}
	return 0;
}

static int signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		return -errno;
	return signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static int loop(struct watch *w, int sfd, uint64_t count, int64_t timeout)
{
	int64_t deadline = timeout >= 0 ? now_ms() + timeout : -1;
	struct pollfd pfd[2] = {
		{ .fd = clusnotify_port_fd(w->port), .events = POLLIN },
		{ .fd = sfd, .events = POLLIN },
	};
	struct clusnotify_event ev;
	uint64_t seen = 0;
	int ret, wait;

	for (;;) {
		while (!(ret = clusnotify_read_event(w->port, &ev, 0))) {
			if (w->json)
				print_json(w, &ev);
			else
				print_human(w, &ev);
			fflush(stdout);
			ret = resume_note(w, &ev);
			if (ret) {
				errmsg("resume file: %s", strerror(-ret));
				return EXIT_RUNTIME;
			}
			if (count && ++seen == count)
				return EXIT_OK;
		}
		if (ret != -ETIMEDOUT) {
			errmsg("read: %s", strerror(-ret));
			return EXIT_RUNTIME;
		}
		wait = -1;
		if (deadline >= 0) {
			int64_t left = deadline - now_ms();

			if (left <= 0)
				return EXIT_OK;
			wait = left > 1000000 ? 1000000 : (int)left;
		}
		ret = poll(pfd, 2, wait);
		if (ret < 0 && errno != EINTR) {
			errmsg("poll: %s", strerror(errno));
			return EXIT_RUNTIME;
		}
		if (pfd[1].revents)
			return EXIT_OK;
	}
}

int cmd_watch(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "object", required_argument, NULL, 'o' },
		{ "key", required_argument, NULL, 'k' },
		{ "snapshot", no_argument, NULL, 's' },
		{ "json", no_argument, NULL, 'j' },
		{ "count", required_argument, NULL, 'n' },
		{ "timeout", required_argument, NULL, 't' },
		{ "ready", no_argument, NULL, 'r' },
		{ "since", required_argument, NULL, 'S' },
		{ "resume-file", required_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 }
	};
	struct clusnotify_filter filters[CLUSNOTIFY_OBJ_MAX + 1];
	uint64_t key = 0, count = 0, timeout_ms;
	const char *cluster = "";
	bool snapshot = false, ready = false;
	struct watch w = { .resume_fd = -1 };
	const char *resume_path = NULL;
	bool have_since = false;
	uint64_t since[2];
	unsigned int nfilters = 0, nobjects = 0;
	char **objects;
	int64_t timeout = -1;
	int c, ret, sfd, status = EXIT_RUNTIME;
	uint32_t t;

	objects = calloc(argc, sizeof(*objects));
	if (!objects)
		return EXIT_RUNTIME;
	while ((c = getopt_long(argc, argv, "c:o:k:sjn:t:rS:R:h", opts, NULL)) != -1) {
		switch (c) {
		case 'c':
			cluster = optarg;
			break;
		case 'o':
			objects[nobjects++] = optarg;
			break;
		case 'k':
			if (parse_u64(optarg, &key))
				goto bad;
			break;
		case 's':
			snapshot = true;
			break;
		case 'j':
			w.json = true;
			break;
		case 'n':
			if (parse_u64(optarg, &count))
				goto bad;
			break;
		case 't':
			if (parse_u64(optarg, &timeout_ms) || timeout_ms > INT64_MAX)
				goto bad;
			timeout = timeout_ms;
			break;
		case 'r':
			ready = true;
			break;
		case 'S':
			if (parse_since(optarg, since))
				goto bad;
			have_since = true;
			break;
		case 'R':
			resume_path = optarg;
			break;
		case 'h':
			free(objects);
			return usage(watch_usage, true);
		default:
			goto bad;
		}
	}
	for (; optind < argc; optind++) {
		if (nfilters == CLUSNOTIFY_OBJ_MAX + 1 ||
		    parse_filter(argv[optind], &filters[nfilters]))
			goto bad;
		nfilters++;
	}
	/* The journal serves type filters: a resume cannot take --object. */
	if ((have_since || resume_path) && nobjects) {
		errmsg("--since and --resume-file take TYPE[:FLAGS] filters, not --object");
		goto bad;
	}
	if (!nfilters && !nobjects)
		for (t = 0; t <= CLUSNOTIFY_OBJ_MAX; t++)
			if (clusnotify_type_all(t))
				filters[nfilters++] = (struct clusnotify_filter){
					.object_type = t,
					.flags = clusnotify_type_all(t),
				};

	ret = clusnotify_port_open(&w.port);
	if (ret) {
		errmsg("cannot open /dev/%s: %s", CLUSNOTIFY_DEVICE_NAME,
		       strerror(-ret));
		goto out;
	}
	ret = clusnotify_get_cluster(w.port, cluster, &w.cluster);
	if (ret) {
		if (ret == -ENOENT)
			errmsg(*cluster ? "no cluster '%s'" : "no cluster is registered%s",
			       cluster);
		else
			errmsg("cannot resolve the cluster: %s", strerror(-ret));
		goto out;
	}
	sfd = signals();
	if (sfd < 0) {
		errmsg("signalfd: %s", strerror(-sfd));
		goto out;
	}
	if (resume_path) {
		bool have = false;
		uint64_t from[2];

		w.resume_fd = resume_open(resume_path, from, &have);
		if (w.resume_fd < 0) {
			errmsg("%s: %s", resume_path,
			       w.resume_fd == -EBADMSG ? "not EPOCH:SEQ" :
			       strerror(-w.resume_fd));
			goto out_sfd;
		}
		if (have && !have_since) {
			memcpy(since, from, sizeof(since));
			have_since = true;
		}
	}
	if (subscribe(&w, filters, nfilters, objects, nobjects, key,
		      have_since ? since : NULL))
		goto out_sfd;
	if (snapshot) {
		ret = clusnotify_snapshot(w.port);
		if (ret) {
			errmsg("snapshot: %s", strerror(-ret));
			goto out_sfd;
		}
	}
	if (ready) {
		puts(w.json ? "{\"ready\":true}" : "ready");
		fflush(stdout);
	}
	status = loop(&w, sfd, count, timeout);
out_sfd:
	if (w.resume_fd >= 0)
		close(w.resume_fd);
	close(sfd);
out:
	clusnotify_port_close(w.port);
	free(objects);
	return status;
bad:
	free(objects);
	return usage(watch_usage, false);
}
