// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench's journal workloads (tests/bench/README.md, measurement 10):
 *   journal   posts to a cluster that keeps a journal against posts to one
 *             that keeps none (target: within 1.1x), and a port resuming
 *             10,000 events from the journal (ADD_FILTERS since (epoch,
 *             seq), then reading them) against reading the same 10,000
 *             events that a port queued live.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench_util.h"

int bench_journal(void);

static uint32_t journal_cluster(struct bnl *b, const char *what, long events)
{
	/* max_journal_events is read when the cluster is made. */
	set_param("max_journal_events", events);
	return bench_cluster(b, what, NULL);
}

static void cluster_pos(struct bnl *b, uint32_t cid, uint64_t *epoch,
			uint64_t *seq)
{
	struct clusnotify_cluster_entry e;
	int ret = clusnotify_feed_get_cluster(b->feed, cid, NULL, &e);

	if (ret)
		die("CLUSTER_GET: %s", strerror(-ret));
	*epoch = e.epoch;
	*seq = e.seq;
}

/* Adds the benchmark's filter, resuming after (epoch, seq). */
static void port_filter_since(int fd, uint32_t cid, uint64_t epoch,
			      uint64_t seq)
{
	struct clusnotify_filter f = {
		.object_type = CLUSNOTIFY_OBJ_RESOURCE,
		.flags = CLUSNOTIFY_RESOURCE_STATE,
	};
	struct clusnotify_add_filters a = {
		.size = sizeof(a),
		.flags = CLUSNOTIFY_FILTERS_SINCE,
		.cluster_id = cid,
		.count = 1,
		.key = 1,
		.filters = (uintptr_t)&f,
		.since_epoch = epoch,
		.since_seq = seq,
	};

	if (ioctl(fd, CLUSNOTIFY_IOC_ADD_FILTERS, &a))
		die("CLUSNOTIFY_IOC_ADD_FILTERS since: %s", strerror(errno));
}

int bench_journal(void)
{
	long E = scaled(8192, 512), R = scaled(10000, 1000);
	struct series on, off, onr, live, res, resr;
	uint32_t c_on, c_off;
	struct evset ev;
	struct result r;
	struct bnl b;
	char wl[1024];
	int rep;

	if (bnl_open(&b))
		die("generic netlink family %s not found", CLUSNOTIFY_GENL_NAME);
	c_on = journal_cluster(&b, "jon", R);
	c_off = journal_cluster(&b, "joff", 0);
	restore_params();
	evset_init(&ev, E > R ? E : R, 256, 0);

	/* 1. Posts alone, no port: the journal's cost is all there is. */
	series_init(&on, "journal on", "ours", "ns/event");
	series_init(&off, "journal off", "baseline", "ns/event");
	for (rep = 0; rep < opt.reps; rep++) {
		uint64_t t0, t1, t2;
		/* ABBA: neither side always runs on the warmer cache. */
		uint32_t first = rep % 2 ? c_off : c_on;
		uint32_t second = rep % 2 ? c_on : c_off;

		t0 = now_ns();
		post_all(&b, first, &ev, E, 16);
		t1 = now_ns();
		post_all(&b, second, &ev, E, 16);
		t2 = now_ns();
		series_add(first == c_on ? &on : &off, (double)(t1 - t0) / E);
		series_add(first == c_on ? &off : &on, (double)(t2 - t1) / E);
		note("journal rep %d: on %.0f, off %.0f ns/event", rep + 1,
		     on.v[rep], off.v[rep]);
	}
	series_ratio(&onr, &on, &off, "on/off");
	snprintf(wl, sizeof(wl),
		 "%ld RESOURCE STATE events posted in batches of 16 to a cluster whose journal "
		 "keeps %ld events, no port watching; ns per posted event. Baseline: the same "
		 "posts to a cluster made with max_journal_events 0; repetitions alternate "
		 "which goes first", E, R);
	{
		const struct series *all[] = { &on, &off, &onr };

		result_begin(&r, "journal.post", "journal", "Journal, cost of a post", wl,
			     E, opt.reps);
		result_series(&r, all, sizeof(all) / sizeof(all[0]));
		result_end(&r);
	}

	/* 2. R events: read as queued live, or resumed from the journal. */
	set_max_queued(R + 64);
	series_init(&res, "resume from the journal", "ours", "ns/event");
	series_init(&live, "read as queued live", "baseline", "ns/event");
	for (rep = 0; rep < opt.reps; rep++) {
		uint64_t epoch, seq, t0, t1;
		int lp = port_open(true), rp = port_open(true);

		port_filter(lp, c_on, CLUSNOTIFY_OBJ_RESOURCE,
			    CLUSNOTIFY_RESOURCE_STATE, 1);
		cluster_pos(&b, c_on, &epoch, &seq);
		post_all(&b, c_on, &ev, R, 256);

		t0 = now_ns();
		port_drain(lp, R, true);
		t1 = now_ns();
		series_add(&live, (double)(t1 - t0) / R);

		t0 = now_ns();
		port_filter_since(rp, c_on, epoch, seq);
		port_drain(rp, R, true);
		t1 = now_ns();
		series_add(&res, (double)(t1 - t0) / R);
		note("resume rep %d: resumed %.0f, live %.0f ns/event", rep + 1,
		     res.v[rep], live.v[rep]);
		close(lp);
		close(rp);
	}
	restore_params();
	series_ratio(&resr, &res, &live, "resume/live");
	snprintf(wl, sizeof(wl),
		 "a port adds its filter since (epoch, seq) of the cluster before %ld events were "
		 "posted, and reads them all from the journal (ADD_FILTERS and read(2) of 64 KiB, "
		 "timed together); ns per event. Baseline: a port that held the filter while "
		 "they were posted reads the same %ld events, queued live", R, R);
	{
		const struct series *all[] = { &res, &live, &resr };

		result_begin(&r, "journal.resume", "journal", "Journal, resume of events",
			     wl, R, opt.reps);
		result_series(&r, all, sizeof(all) / sizeof(all[0]));
		result_end(&r);
	}
	evset_free(&ev);
	bnl_cluster_unregister(&b, c_on);
	bnl_cluster_unregister(&b, c_off);
	bnl_close(&b);
	return 0;
}
