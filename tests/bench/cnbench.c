// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench: the cost of a cluster event through clusnotify, each figure
 * measured beside a baseline in the same run (tests/bench/README.md).
 *
 *   cnbench [options] throughput|fanout|memory|latency|library|ksub|
 *                     collide|posters|failover
 *     -r REPS     repetitions (5)
 *     -s SCALE    multiplies every event count (1.0)
 *     -j FILE     append one JSON object per figure to FILE (else stdout)
 *     -k KO       cnbench_sub.ko, for ksub
 *     -N MAX      largest fan-out (10000)
 *     -t TAG      added to cluster names
 *
 * Runs as root with the module loaded; sets and restores the module's
 * max_queued_events as each figure needs.
 */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <sched.h>
#include <stdbool.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "bench_util.h"

int bench_library(void);
int bench_collide(void);
int bench_posters(void);
int bench_failover(void);
int bench_journal(void);

static void write_full(int fd, const void *buf, size_t len)
{
	const char *p = buf;
	ssize_t n;

	while (len) {
		n = write(fd, p, len);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			die("write: %s", strerror(errno));
		p += n;
		len -= n;
	}
}

static void make_pipe(int p[2])
{
	if (pipe2(p, O_CLOEXEC))
		die("pipe2: %s", strerror(errno));
	if (fcntl(p[0], F_SETFL, O_NONBLOCK))
		die("fcntl: %s", strerror(errno));
}

static double per_sec(uint64_t n, uint64_t t0, uint64_t t1)
{
	return n * 1e9 / (double)(t1 - t0);
}

static double ns_per(uint64_t n, uint64_t t0, uint64_t t1)
{
	return (double)(t1 - t0) / n;
}


/* 1. Throughput: one poster, one reader, batches of 1, 16 and 256. */
static int bench_throughput(void)
{
	static const int batches[] = { 1, 16, 256 };
	long E = scaled(8192, 256) / 256 * 256;
	struct reader rp, rpi, rm;
	struct series ours, pipe, mc, post, r1, r2;
	uint32_t cid, cid_mc, cid_none;
	struct evset ev;
	int pfd, pp[2], mfd, rep, err;
	unsigned int bi;
	char *recs;
	struct bnl b;
	uint64_t t0;

	if (bnl_open(&b))
		die("generic netlink family %s not found", CLUSNOTIFY_GENL_NAME);
	cid = bench_cluster(&b, "tput", NULL);
	cid_mc = bench_cluster(&b, "tputmc", NULL);
	cid_none = bench_cluster(&b, "tputnone", NULL);
	evset_init(&ev, E, 256, 0);
	recs = malloc(E * REC_LEN);
	if (!recs)
		die("out of memory");
	for (long i = 0; i < E; i++)
		evset_record(&ev, i, recs + i * REC_LEN);

	/* The whole run fits in the port: nothing is lost, nothing blocks. */
	set_max_queued(E);
	pfd = port_open(true);
	port_filter(pfd, cid, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE, 1);
	restore_params();
	make_pipe(pp);
	mfd = mcl_open(true, 256 << 20);
	if (mfd < 0)
		die("netlink listener: %s", strerror(-mfd));

	for (bi = 0; bi < sizeof(batches) / sizeof(batches[0]); bi++) {
		int B = batches[bi];
		char id[32], title[64], wl[512];

		series_init(&ours, "clusnotify", "ours", "events/s");
		series_init(&pipe, "pipe", "baseline", "events/s");
		series_init(&mc, "netlink monitors", "baseline", "events/s");
		series_init(&post, "posts alone (nobody watching)", "baseline",
			    "events/s");
		reader_setup(&rp, R_PORT, &pfd, 1, B * REC_LEN);
		rp.maxrec = REC_LEN;
		reader_setup(&rpi, R_PIPE, &pp[0], 1, B * REC_LEN);
		reader_setup(&rm, R_MCL, &mfd, 1, 1 << 16);
		rm.cid = cid_mc;
		for (rep = 0; rep < opt.reps; rep++) {
			reader_start(&rp, E);
			t0 = now_ns();
			post_all(&b, cid, &ev, E, B);
			reader_join(&rp);
			check_reader(&rp, "throughput/port");
			series_add(&ours, per_sec(E, t0, rp.t_end));

			reader_start(&rpi, E);
			t0 = now_ns();
			for (long i = 0; i < E; i += B)
				write_full(pp[1], recs + i * REC_LEN, B * REC_LEN);
			reader_join(&rpi);
			check_reader(&rpi, "throughput/pipe");
			series_add(&pipe, per_sec(E, t0, rpi.t_end));

			err = mcl_join(mfd, b.family);
			if (err)
				die("MONITOR_START: %s", strerror(-err));
			reader_start(&rm, E);
			t0 = now_ns();
			post_all(&b, cid_mc, &ev, E, B);
			reader_join(&rm);
			mcl_leave(mfd, b.family);
			check_reader(&rm, "throughput/multicast");
			series_add(&mc, per_sec(E, t0, rm.t_end));

			t0 = now_ns();
			post_all(&b, cid_none, &ev, E, B);
			series_add(&post, per_sec(E, t0, now_ns()));
			note("throughput batch %d rep %d: clusnotify %.0f, pipe %.0f, multicast %.0f, "
			     "posts alone %.0f events/s", B, rep + 1, ours.v[rep], pipe.v[rep],
			     mc.v[rep], post.v[rep]);
		}
		reader_teardown(&rp);
		reader_teardown(&rpi);
		reader_teardown(&rm);
		series_ratio(&r1, &ours, &pipe, "ours/pipe");
		series_ratio(&r2, &ours, &mc, "ours/monitors");

		snprintf(id, sizeof(id), "throughput.batch%d", B);
		snprintf(title, sizeof(title), "Throughput, batches of %d", B);
		snprintf(wl, sizeof(wl),
			 "one netlink poster (EVENT_POST of %d events, waits for the ack) -> one port "
			 "with a cluster-wide filter, read by a thread with epoll and reads of %d "
			 "records; pipe: the same %d-byte records, writes and reads of %d records; "
			 "netlink monitors: the same posts, one netlink monitor (MONITOR_START; "
			 "one message per event, parsed with libnl); posts alone: the same posts "
			 "to a cluster nobody watches (the poster's own cost)", B, B, REC_LEN, B);
		struct result r;
		const struct series *all[] = { &ours, &pipe, &mc, &r1, &r2, &post };

		result_begin(&r, id, "throughput", title, wl, E, opt.reps);
		result_series(&r, all, sizeof(all) / sizeof(all[0]));
		result_extra_begin(&r);
		result_num(&r, "batch", B);
		result_num(&r, "record_bytes", REC_LEN);
		result_extra_end(&r);
		result_end(&r);
	}
	close(pfd);
	close(pp[0]);
	close(pp[1]);
	close(mfd);
	free(recs);
	evset_free(&ev);
	bnl_cluster_unregister(&b, cid);
	bnl_cluster_unregister(&b, cid_mc);
	bnl_cluster_unregister(&b, cid_none);
	bnl_close(&b);
	return 0;
}

static long fan_sel_events(void)
{
	return scaled(2000, 50);
}

/* Multicast: every event reaches every listener; keep deliveries bounded. */
static long fan_mc_events(int n)
{
	long e = scaled(160000, 1600) / n;

	if (e > fan_sel_events())
		e = fan_sel_events();
	return e < 16 ? 16 : e;
}

/* The monitors' baseline: all N join (MONITOR_START) or leave (_STOP). */
static void monitors_set(const int *mcl, int n, int family, bool join)
{
	for (int i = 0; i < n; i++) {
		int err = join ? mcl_join(mcl[i], family) : mcl_leave(mcl[i], family);

		if (err)
			die("MONITOR_%s %d: %s", join ? "START" : "STOP", i,
			    strerror(-err));
	}
}

/*
 * Broadcast: events per run, a multiple of the batch (16), at least 4
 * batches so that the reader works while the poster posts.
 */
static long fan_bc_events(int n)
{
	long e = scaled(160000, 1600) / n;

	if (e > 4096)
		e = 4096;
	e = e / 16 * 16;
	return e < 64 ? 64 : e;
}


/*
 * Posts of @n of @es's events, drained and not timed, before each timed
 * selective run: what ran just before (the ports' creation, the other
 * namespace's monitors taking their flood) leaves the caches cold, and the
 * first posts pay for that whatever the code. Both figures of the
 * "listeners elsewhere" ratio start warm.
 */
static void sel_warm(struct bnl *b, uint32_t cid, struct reader *rs,
		     const struct evset *es, long n)
{
	reader_start(rs, n);
	post_all(b, cid, es, n, 1);
	reader_join(rs);
	check_reader(rs, "selective/warm-up");
}

/*
 * One timed selective run: @n single-event posts of @es after an eighth as
 * many untimed, read by @rs. Returns wall ns per event; adds CPU ns per
 * event to @cpu if not NULL.
 */
static double sel_run(struct bnl *b, uint32_t cid, struct reader *rs,
		      const struct evset *es, long n, struct series *cpu,
		      const char *what)
{
	struct cpu_mark c0;
	uint64_t t0;

	sel_warm(b, cid, rs, es, n / 8);
	reader_start(rs, n);
	cpu_begin(&c0);
	t0 = now_ns();
	post_all(b, cid, es, n, 1);
	reader_join(rs);
	check_reader(rs, what);
	if (cpu)
		series_add(cpu, (double)cpu_end(&c0) / n);
	return ns_per(n, t0, rs->t_end);
}

/*
 * sel_run() with the N monitors of @mcl left, joined again after if
 * @rejoin: the other side of the cross-namespace comparison.
 */
static double sel_run_left(struct bnl *b, uint32_t cid, struct reader *rs,
			   const struct evset *es, long n, const int *mcl,
			   int nmcl, int family, bool rejoin)
{
	double ns;

	monitors_set(mcl, nmcl, family, false);
	ns = sel_run(b, cid, rs, es, n, NULL, "selective/port, listeners gone");
	if (rejoin)
		monitors_set(mcl, nmcl, family, true);
	return ns;
}

/* @n broadcast events: COMMON_PROPERTY, which every fan-out port filters. */
static void bc_evset_init(struct evset *s, long n)
{
	evset_init(s, n, 256, 0);
	for (long i = 0; i < n; i++)
		s->ev[i].flag = CLUSNOTIFY_RESOURCE_COMMON_PROPERTY;
}

/*
 * The broadcast's reference at 100 ports, run at the start of every
 * repetition at larger N. The guest's speed drifts by a quarter over
 * seconds (the host is itself a VM): the broadcast at 100 ports and at
 * 10,000, measured a minute apart, could land in different speeds and their
 * ratio with them. Taken within each repetition, it does not.
 */
#define BC_REF_PORTS 100

struct bc_ref {
	uint32_t cid;
	int ports[BC_REF_PORTS];
	long E;
	struct evset ev;
	struct reader rd;
};

static void bc_ref_open(struct bc_ref *f, struct bnl *b)
{
	f->cid = bench_cluster(b, "fanref", NULL);
	f->E = fan_bc_events(BC_REF_PORTS);
	set_max_queued(f->E);
	for (int i = 0; i < BC_REF_PORTS; i++) {
		f->ports[i] = port_open(true);
		port_filter(f->ports[i], f->cid, CLUSNOTIFY_OBJ_RESOURCE,
			    CLUSNOTIFY_RESOURCE_COMMON_PROPERTY, 1000000 + i);
	}
	restore_params();
	bc_evset_init(&f->ev, f->E);
	reader_setup(&f->rd, R_PORT, f->ports, BC_REF_PORTS, 64 * REC_LEN);
	f->rd.maxrec = REC_LEN;
}

/* One run, as the broadcast's own; returns ns per delivered event. */
static double bc_ref_run(struct bc_ref *f, struct bnl *b)
{
	uint64_t D = (uint64_t)f->E * BC_REF_PORTS, t0;

	reader_start(&f->rd, D);
	t0 = now_ns();
	post_all(b, f->cid, &f->ev, f->E, 16);
	reader_join(&f->rd);
	check_reader(&f->rd, "broadcast/reference");
	return ns_per(D, t0, f->rd.t_end);
}

static void bc_ref_close(struct bc_ref *f, struct bnl *b)
{
	reader_teardown(&f->rd);
	evset_free(&f->ev);
	close_all(f->ports, BC_REF_PORTS);
	bnl_cluster_unregister(b, f->cid);
}

/*
 * The selective figure's reference at 1 port, run beside every repetition
 * at larger N, for the same reason as the broadcast's: a cluster of its
 * own with one port set up as the N-port figure's ports are (registered on
 * its object for STATE, a cluster-wide COMMON_PROPERTY filter) and the same
 * posts of one STATE event of that object.
 */
struct sel_ref {
	uint32_t cid;
	int port;
	long E;
	struct evset ev;
	struct reader rd;
};

static void sel_ref_open(struct sel_ref *f, struct bnl *b)
{
	char id[16];

	f->cid = bench_cluster(b, "selref", NULL);
	f->E = fan_sel_events();
	set_max_queued(f->E);
	f->port = port_open(true);
	restore_params();
	object_id(id, sizeof(id), 0);
	port_register(f->port, f->cid, CLUSNOTIFY_OBJ_RESOURCE,
		      CLUSNOTIFY_RESOURCE_STATE, 0, id);
	port_filter(f->port, f->cid, CLUSNOTIFY_OBJ_RESOURCE,
		    CLUSNOTIFY_RESOURCE_COMMON_PROPERTY, 1000000);
	evset_init(&f->ev, f->E, 1, 0);
	reader_setup(&f->rd, R_PORT, &f->port, 1, 1 << 16);
}

/* One timed run, as the selective figure's own; returns ns per event. */
static double sel_ref_run(struct sel_ref *f, struct bnl *b)
{
	return sel_run(b, f->cid, &f->rd, &f->ev, f->E, NULL,
		       "selective/reference");
}

static void sel_ref_close(struct sel_ref *f, struct bnl *b)
{
	reader_teardown(&f->rd);
	evset_free(&f->ev);
	close(f->port);
	bnl_cluster_unregister(b, f->cid);
}

/*
 * 2 and 3. Fan-out: N ports, port i registered on object res-i for STATE
 * and holding a cluster-wide filter for COMMON_PROPERTY. A STATE event of
 * res-k matches one port (selective), a COMMON_PROPERTY event all of them
 * (broadcast).
 *
 * The baseline: N netlink listeners that each get every event and filter
 * in userspace, as with a genl multicast group. They are the module's
 * monitors (MONITOR_START: one copy of each event per monitor, what a
 * multicast group delivers), started once, after the ports' runs. They live
 * in a network namespace of their own, with their own cluster: what they
 * cost the ports' cluster, whose posts send nothing to another namespace's
 * monitors, is the "listeners elsewhere" figure.
 */
static int bench_fanout(void)
{
	static const int ns_all[] = { 1, 100, 1000, 10000 };
	static struct series sel1, mc1;
	struct series sel, mc, selr, mcr, mcsel, cpu_sel, cpu_mc, selx, sel0, selxr;
	struct series bc, pipes, bcr, cpu_bc, cpu_pipe, cpur;
	struct series post_bc, post_pipe, postr, first_bc, first_pipe;
	struct series bc100, flat, sel1i, selp;
	struct bc_ref ref;
	struct sel_ref sref;
	uint32_t cid, cid_mc;
	struct bnl b, bmc;
	unsigned int ni;
	int rep, home, mcns;

	home = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (home < 0 || unshare(CLONE_NEWNET))
		die("a network namespace for the multicast baseline: %s",
		    strerror(errno));
	mcns = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (mcns < 0 || bnl_open(&bmc))
		die("generic netlink in the baseline's namespace");
	cid_mc = bench_cluster(&bmc, "fanmc", NULL);
	if (setns(home, CLONE_NEWNET))
		die("setns: %s", strerror(errno));
	if (bnl_open(&b))
		die("generic netlink family %s not found", CLUSNOTIFY_GENL_NAME);
	cid = bench_cluster(&b, "fan", NULL);
	raise_nofile(4L * opt.max_ports + 1024 + BC_REF_PORTS);
	bc_ref_open(&ref, &b);
	sel_ref_open(&sref, &b);

	for (ni = 0; ni < sizeof(ns_all) / sizeof(ns_all[0]); ni++) {
		int N = ns_all[ni], k = N / 2;
		long Esel = fan_sel_events(), Emc = fan_mc_events(N);
		long Ebc = fan_bc_events(N);
		int *ports, *mcl, *prd, *pwr;
		char (*want)[16];
		struct reader rs, rm, rb, rp;
		struct evset es, emc, ebc;
		uint64_t t0, t_setup, t_join;
		struct cpu_mark c0;
		char *recs;
		char id[32], title[96], wl[2048];
		struct result r;

		if (N > opt.max_ports)
			break;
		note("fan-out: %d ports", N);
		ports = calloc(N, sizeof(int));
		mcl = calloc(N, sizeof(int));
		prd = calloc(N, sizeof(int));
		pwr = calloc(N, sizeof(int));
		want = calloc(N, sizeof(*want));
		if (!ports || !mcl || !prd || !pwr || !want)
			die("out of memory");

		t0 = now_ns();
		set_max_queued(Ebc > 64 ? Ebc : 64);
		for (int i = 0; i < N; i++) {
			/* The target port takes a whole selective run. */
			if (i == k)
				set_max_queued(Esel > Ebc ? Esel : Ebc);
			ports[i] = port_open(true);
			if (i == k)
				set_max_queued(Ebc > 64 ? Ebc : 64);
			object_id(want[i], sizeof(want[i]), i);
			port_register(ports[i], cid, CLUSNOTIFY_OBJ_RESOURCE,
				      CLUSNOTIFY_RESOURCE_STATE, i, want[i]);
			port_filter(ports[i], cid, CLUSNOTIFY_OBJ_RESOURCE,
				    CLUSNOTIFY_RESOURCE_COMMON_PROPERTY,
				    1000000 + i);
		}
		t_setup = now_ns() - t0;
		restore_params();

		/* Selective: every event is about res-k. */
		evset_init(&es, Esel, 1, k);
		reader_setup(&rs, R_PORT, &ports[k], 1, 1 << 16);
		series_init(&sel, "clusnotify", "ours", "ns/event");
		series_init(&cpu_sel, "clusnotify CPU", "ours", "ns/event");
		series_init(&sel1i, "clusnotify, 1 port, interleaved", "ours",
			    "ns/event");
		for (rep = 0; rep < opt.reps; rep++) {
			/* Past 1 port, beside the reference; they take turns going first. */
			if (N > 1 && !(rep & 1))
				series_add(&sel1i, sel_ref_run(&sref, &b));
			series_add(&sel, sel_run(&b, cid, &rs, &es, Esel, &cpu_sel,
						 "selective/port"));
			if (N > 1 && (rep & 1))
				series_add(&sel1i, sel_ref_run(&sref, &b));
			note("selective N=%d rep %d: clusnotify %.0f ns/event (CPU %.0f)",
			     N, rep + 1, sel.v[rep], cpu_sel.v[rep]);
			if (N > 1)
				note("selective N=%d rep %d: 1 port beside, %.0f ns/event",
				     N, rep + 1, sel1i.v[rep]);
		}

		/* Broadcast: every event matches every port. */
		bc_evset_init(&ebc, Ebc);
		recs = malloc(Ebc * REC_LEN);
		if (!recs)
			die("out of memory");
		for (long i = 0; i < Ebc; i++)
			evset_record(&ebc, i, recs + i * REC_LEN);
		for (int i = 0; i < N; i++) {
			int p[2];

			make_pipe(p);
			prd[i] = p[0];
			pwr[i] = p[1];
		}
		reader_setup(&rb, R_PORT, ports, N, 64 * REC_LEN);
		rb.maxrec = REC_LEN;
		reader_setup(&rp, R_PIPE, prd, N, 64 * REC_LEN);
		series_init(&bc, "clusnotify", "ours", "ns/delivered event");
		series_init(&pipes, "N pipes", "baseline", "ns/delivered event");
		series_init(&cpu_bc, "clusnotify CPU", "ours", "ns/delivered event");
		series_init(&cpu_pipe, "N pipes CPU", "baseline", "ns/delivered event");
		series_init(&post_bc, "clusnotify posting", "ours", "ns/delivered event");
		series_init(&post_pipe, "N pipes writing", "baseline", "ns/delivered event");
		series_init(&first_bc, "clusnotify first delivery", "ours", "us");
		series_init(&first_pipe, "N pipes first delivery", "baseline", "us");
		series_init(&bc100, "clusnotify, 100 ports, interleaved", "ours",
			    "ns/delivered event");
		for (rep = 0; rep < opt.reps; rep++) {
			uint64_t D = (uint64_t)Ebc * N, t_sent;

			if (N > BC_REF_PORTS)
				series_add(&bc100, bc_ref_run(&ref, &b));
			reader_start(&rb, D);
			cpu_begin(&c0);
			t0 = now_ns();
			post_all(&b, cid, &ebc, Ebc, 16);
			t_sent = now_ns();
			reader_join(&rb);
			check_reader(&rb, "broadcast/ports");
			series_add(&bc, ns_per(D, t0, rb.t_end));
			series_add(&cpu_bc, (double)cpu_end(&c0) / D);
			series_add(&post_bc, ns_per(D, t0, t_sent));
			series_add(&first_bc, (rb.t_first - t0) / 1e3);

			reader_start(&rp, D);
			cpu_begin(&c0);
			t0 = now_ns();
			for (long e = 0; e < Ebc; e += 16)
				for (int i = 0; i < N; i++)
					write_full(pwr[i], recs + e * REC_LEN,
						   16 * REC_LEN);
			t_sent = now_ns();
			reader_join(&rp);
			check_reader(&rp, "broadcast/pipes");
			series_add(&pipes, ns_per(D, t0, rp.t_end));
			series_add(&cpu_pipe, (double)cpu_end(&c0) / D);
			series_add(&post_pipe, ns_per(D, t0, t_sent));
			series_add(&first_pipe, (rp.t_first - t0) / 1e3);
			note("broadcast N=%d rep %d: clusnotify %.0f, pipes %.0f ns/delivered event "
			     "(CPU %.0f, %.0f; posting %.0f, writing %.0f; first delivery "
			     "after %.0f, %.0f us)", N, rep + 1, bc.v[rep], pipes.v[rep],
			     cpu_bc.v[rep], cpu_pipe.v[rep], post_bc.v[rep],
			     post_pipe.v[rep], first_bc.v[rep], first_pipe.v[rep]);
			if (N > BC_REF_PORTS)
				note("broadcast N=%d rep %d: %d ports just before, %.0f ns/delivered "
				     "event", N, rep + 1, BC_REF_PORTS, bc100.v[rep]);
		}
		reader_teardown(&rb);
		reader_teardown(&rp);
		close_all(prd, N);
		close_all(pwr, N);
		series_ratio(&bcr, &bc, &pipes, "ours/pipes");
		series_ratio(&cpur, &cpu_bc, &cpu_pipe, "CPU ours/pipes");
		series_ratio(&postr, &post_bc, &post_pipe, "posting ours/pipes");
		if (N > BC_REF_PORTS)
			series_ratio(&flat, &bc, &bc100, "ours at N / at 100, paired");
		snprintf(id, sizeof(id), "broadcast.%d", N);
		snprintf(title, sizeof(title), "Broadcast fan-out, %d ports", N);
		snprintf(wl, sizeof(wl),
			 "the same %d ports; %ld COMMON_PROPERTY events posted in batches of 16, "
			 "each matching every port (%llu deliveries), one thread epolls and drains "
			 "the ports; cost = wall time per delivered event until all are read (CPU: "
			 "CPU time of all threads involved; posting: the poster's time until its "
			 "last post returns; first delivery: from the first post until the reader's "
			 "first read returns). Baseline: %d pipes, each batch written "
			 "once into each pipe (%d-byte records), drained the same way; repetitions "
			 "interleaved. Past %d ports, each repetition starts with a broadcast "
			 "to %d ports of a cluster of their own, each with the same cluster-wide "
			 "filter and no registration (%ld events in posts of 16), for a "
			 "per-delivery ratio taken within the repetition (paired)",
			 N, Ebc, (unsigned long long)Ebc * N, N, REC_LEN, BC_REF_PORTS,
			 BC_REF_PORTS, fan_bc_events(BC_REF_PORTS));
		{
			const struct series *all[] = { &bc, &pipes, &bcr, &cpu_bc,
						       &cpu_pipe, &cpur, &post_bc,
						       &post_pipe, &postr, &first_bc,
						       &first_pipe, &bc100, &flat };
			size_t nall = sizeof(all) / sizeof(all[0]);

			result_begin(&r, id, "broadcast", title, wl, Ebc, opt.reps);
			result_series(&r, all, N > BC_REF_PORTS ? nall : nall - 2);
			result_extra_begin(&r);
			result_num(&r, "ports", N);
			result_num(&r, "deliveries", (double)Ebc * N);
			result_str(&r, "cpu", cpu_source());
			result_extra_end(&r);
			result_end(&r);
		}
		evset_free(&ebc);
		free(recs);

		/* The monitors' baseline, and the ports beside its listeners. */
		t0 = now_ns();
		if (setns(mcns, CLONE_NEWNET))
			die("setns: %s", strerror(errno));
		/* N monitors in that namespace (restore_params() puts it back). */
		set_max_monitors(N + 64);
		for (int i = 0; i < N; i++) {
			mcl[i] = mcl_open(true, 8 << 20);
			if (mcl[i] < 0)
				die("netlink listener %d: %s", i, strerror(-mcl[i]));
		}
		monitors_set(mcl, N, bmc.family, true);
		if (setns(home, CLONE_NEWNET))
			die("setns: %s", strerror(errno));
		t_join = now_ns() - t0;
		evset_init(&emc, Emc, 1, k);
		reader_setup(&rm, R_MCL, mcl, N, 1 << 16);
		rm.cid = cid_mc;
		rm.want = want;
		series_init(&mc, "netlink monitors + userspace filter", "baseline",
			    "ns/event");
		series_init(&cpu_mc, "netlink monitors CPU", "baseline", "ns/event");
		series_init(&selx, "clusnotify, N listeners elsewhere", "ours",
			    "ns/event");
		series_init(&sel0, "clusnotify, the listeners gone", "baseline",
			    "ns/event");
		for (rep = 0; rep < opt.reps; rep++) {
			reader_start(&rm, (uint64_t)Emc * N);
			cpu_begin(&c0);
			t0 = now_ns();
			post_all(&bmc, cid_mc, &emc, Emc, 1);
			reader_join(&rm);
			series_add(&cpu_mc, (double)cpu_end(&c0) / Emc);
			check_reader(&rm, "selective/multicast");
			if (rm.matched != (uint64_t)Emc)
				die("selective/multicast: listeners matched %llu, not %ld",
				    (unsigned long long)rm.matched, Emc);
			series_add(&mc, ns_per(Emc, t0, rm.t_end));

			/*
			 * As many posts as the ports' own figure (not the
			 * baseline's few at large N, which would measure the
			 * caches the baseline just swept), after the same
			 * warm-up; and the same posts with every monitor left,
			 * in the same repetition: the ports' own figure was
			 * taken minutes before, and this guest's speed drifts
			 * by more than the 5% the comparison is about. The two
			 * take turns going first. The next repetition's
			 * baseline starts with the monitors joined.
			 */
			if (rep % 2)
				series_add(&sel0, sel_run_left(&b, cid, &rs, &es, Esel,
							       mcl, N, bmc.family, true));
			series_add(&selx, sel_run(&b, cid, &rs, &es, Esel, NULL,
						  "selective/port beside listeners"));
			if (rep % 2 == 0)
				series_add(&sel0, sel_run_left(&b, cid, &rs, &es, Esel,
							       mcl, N, bmc.family,
							       rep + 1 < opt.reps));
			note("selective N=%d rep %d: multicast %.0f ns/event (CPU %.0f); "
			     "clusnotify beside the listeners %.0f ns/event, with them gone %.0f",
			     N, rep + 1, mc.v[rep], cpu_mc.v[rep], selx.v[rep], sel0.v[rep]);
		}
		reader_teardown(&rs);
		reader_teardown(&rm);
		evset_free(&es);
		evset_free(&emc);
		if (N == 1) {
			sel1 = sel;
			mc1 = mc;
		}
		series_ratio_med(&selr, &sel, &sel1, "clusnotify at N / at 1");
		if (N > 1)
			series_ratio(&selp, &sel, &sel1i,
				     "clusnotify at N / at 1, paired");
		series_ratio_med(&mcr, &mc, &mc1, "monitors at N / at 1");
		series_ratio(&mcsel, &mc, &sel, "monitors/clusnotify");
		series_ratio(&selxr, &selx, &sel0, "listeners elsewhere/alone");

		snprintf(id, sizeof(id), "selective.%d", N);
		snprintf(title, sizeof(title), "Selective fan-out, %d ports", N);
		snprintf(wl, sizeof(wl),
			 "%d ports, each registered on its own object (RESOURCE STATE) and holding "
			 "a cluster-wide COMMON_PROPERTY filter; %ld posts of one STATE event of one "
			 "object, matching exactly one port, read by a thread, each run after %ld "
			 "untimed posts; cost = wall time per "
			 "posted event until read (CPU: CPU time of all threads involved). Baseline, "
			 "in repetitions after the ports': %ld events to %d non-blocking netlink "
			 "monitors (each gets every event, as from a genl multicast group) in a "
			 "network namespace of their own, one thread epolls them all and parses every "
			 "message, keeping the one for its object. 'Listeners elsewhere': %ld posts to the ports' cluster "
			 "while those monitors are joined, after the same untimed posts, against the same "
			 "in the same repetition with every monitor left (MONITOR_STOP), the two "
			 "taking turns going first. Past 1 port, each repetition also times the "
			 "same posts to 1 port of a cluster of its own, set up as these are, "
			 "before or after in turn: 'at N / at 1, paired'", N, Esel,
			 Esel / 8, Emc, N, Esel);
		{
			const struct series *all[] = { &sel, &mc, &selr, &mcr, &mcsel,
						       &cpu_sel, &cpu_mc, &selx, &sel0, &selxr,
						       &sel1i, &selp };
			size_t nall = sizeof(all) / sizeof(all[0]);

			result_begin(&r, id, "selective", title, wl, Esel, opt.reps);
			result_series(&r, all, N > 1 ? nall : nall - 2);
			result_extra_begin(&r);
			result_num(&r, "ports", N);
			result_num(&r, "multicast_events", Emc);
			result_num(&r, "setup_ns_per_port", (double)t_setup / N);
			result_num(&r, "setup_ns_per_listener", (double)t_join / N);
			result_str(&r, "cpu", cpu_source());
			result_extra_end(&r);
			result_end(&r);
		}

		t0 = now_ns();
		close_all(mcl, N);
		close_all(ports, N);
		note("fan-out: %d ports and listeners closed in %.1f s", N,
		     (now_ns() - t0) / 1e9);
		free(ports);
		free(mcl);
		free(prd);
		free(pwr);
		free(want);
		/* Ports are freed after a grace period. */
		usleep(200000);
	}
	bc_ref_close(&ref, &b);
	sel_ref_close(&sref, &b);
	bnl_cluster_unregister(&b, cid);
	bnl_cluster_unregister(&bmc, cid_mc);
	bnl_close(&b);
	bnl_close(&bmc);
	close(home);
	close(mcns);
	return 0;
}

/*
 * 3b. Kernel memory per queued event: N ports (or pipes), E events queued
 * on each, from /proc/meminfo and /proc/slabinfo before and after.
 */
static int bench_memory(void)
{
	int N = opt.max_ports < 1000 ? opt.max_ports : 1000;
	long E = 256;
	struct series q_free, q_slab, open_free, open_slab, p_free, p_slab,
		pipe_open, ratio;
	struct memsnap a0, a1, a2, b0, b1, b2;
	uint32_t cid;
	struct evset ev;
	int *fds, *prd, *pwr, rep;
	char *recs;
	struct bnl b;
	char wl[768];
	struct result r;
	double D = (double)N * E;

	if (bnl_open(&b))
		die("generic netlink family %s not found", CLUSNOTIFY_GENL_NAME);
	cid = bench_cluster(&b, "mem", NULL);
	raise_nofile(3L * N + 1024);
	fds = calloc(N, sizeof(int));
	prd = calloc(N, sizeof(int));
	pwr = calloc(N, sizeof(int));
	evset_init(&ev, E, 256, 0);
	recs = malloc(E * REC_LEN);
	if (!fds || !prd || !pwr || !recs)
		die("out of memory");
	for (long i = 0; i < E; i++)
		evset_record(&ev, i, recs + i * REC_LEN);
	series_init(&q_free, "clusnotify (MemFree)", "ours", "bytes/queued event/port");
	series_init(&p_free, "pipes (MemFree)", "baseline", "bytes/queued event/pipe");
	series_init(&q_slab, "clusnotify (slab objects)", "ours", "bytes/queued event/port");
	series_init(&p_slab, "pipes (slab objects)", "baseline", "bytes/queued event/pipe");
	series_init(&open_free, "clusnotify port at open (MemFree)", "ours", "bytes/port");
	series_init(&open_slab, "clusnotify port at open (slab objects)", "ours", "bytes/port");
	series_init(&pipe_open, "pipe at open (MemFree)", "baseline", "bytes/pipe");

	for (rep = 0; rep < opt.reps; rep++) {
		set_max_queued(E);
		memsnap(&a0);
		for (int i = 0; i < N; i++) {
			fds[i] = port_open(true);
			port_filter(fds[i], cid, CLUSNOTIFY_OBJ_RESOURCE,
				    CLUSNOTIFY_RESOURCE_STATE, i);
		}
		memsnap(&a1);
		post_all(&b, cid, &ev, E, 256);
		memsnap(&a2);
		restore_params();
		for (int i = 0; i < N; i++)
			port_drain(fds[i], E, false);
		close_all(fds, N);
		usleep(300000);

		memsnap(&b0);
		for (int i = 0; i < N; i++) {
			int p[2];

			make_pipe(p);
			prd[i] = p[0];
			pwr[i] = p[1];
		}
		memsnap(&b1);
		for (long e = 0; e < E; e += 16)
			for (int i = 0; i < N; i++)
				write_full(pwr[i], recs + e * REC_LEN, 16 * REC_LEN);
		memsnap(&b2);
		close_all(prd, N);
		close_all(pwr, N);
		usleep(300000);

		series_add(&q_free, (double)(a1.memfree - a2.memfree) / D);
		series_add(&q_slab, (double)(a2.slab_objs - a1.slab_objs) / D);
		series_add(&open_free, (double)(a0.memfree - a1.memfree) / N);
		series_add(&open_slab, (double)(a1.slab_objs - a0.slab_objs) / N);
		series_add(&p_free, (double)(b1.memfree - b2.memfree) / D);
		series_add(&p_slab, (double)(b2.slab_objs - b1.slab_objs) / D);
		series_add(&pipe_open, (double)(b0.memfree - b1.memfree) / N);
		note("memory rep %d: per queued event and port: clusnotify %.1f B (slab %.1f B), "
		     "pipes %.1f B; at open: port %.0f B, pipe %.0f B",
		     rep + 1, q_free.v[rep], q_slab.v[rep], p_free.v[rep],
		     open_free.v[rep], pipe_open.v[rep]);
	}
	series_ratio(&ratio, &q_free, &p_free, "ours/pipes");
	snprintf(wl, sizeof(wl),
		 "%d ports with a cluster-wide filter (max_queued_events %ld), one post of %ld "
		 "events queued on every port, nothing read: fall of MemFree and rise of the "
		 "slab objects in use (/proc/slabinfo: active objects x size) per queued "
		 "(event, port); a port's ring is allocated at open, so its cost shows in "
		 "'at open' (16 bytes per slot). Baseline: %d pipes, the same %ld %d-byte "
		 "records written into each in writes of 16", N, E, E, N, E, REC_LEN);
	{
		const struct series *all[] = { &q_free, &p_free, &ratio, &q_slab,
					       &p_slab, &open_free, &open_slab,
					       &pipe_open };

		result_begin(&r, "memory", "memory", "Kernel memory per queued event",
			     wl, E, opt.reps);
		result_series(&r, all, sizeof(all) / sizeof(all[0]));
		result_extra_begin(&r);
		result_num(&r, "ports", N);
		result_num(&r, "ring_slots", E);
		result_extra_end(&r);
		result_end(&r);
	}
	evset_free(&ev);
	free(recs);
	free(fds);
	free(prd);
	free(pwr);
	bnl_cluster_unregister(&b, cid);
	bnl_close(&b);
	return 0;
}

/* 4. Latency: post (or pipe write) to the return of a waiter's epoll_wait. */
struct lat_waiter {
	int fd;		/* the port or the pipe's read end */
	bool port;
	int efd;	/* tells the poster the event was seen */
	long n;
	double *us;
	pthread_t th;
};

static void *lat_wait(void *arg)
{
	struct lat_waiter *w = arg;
	struct epoll_event ev = { .events = EPOLLIN };
	char buf[4096];
	uint64_t t0, t1, one = 1;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	ssize_t n;

	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, w->fd, &ev))
		die("epoll: %s", strerror(errno));
	for (long i = 0; i < w->n; i++) {
		while (epoll_wait(ep, &ev, 1, -1) != 1)
			;
		t1 = now_ns();
		n = read(w->fd, buf, sizeof(buf));
		if (w->port) {
			const struct clusnotify_record *r = (const void *)buf;

			if (n < (ssize_t)sizeof(*r) || r->flags)
				die("latency: unexpected read of %zd bytes", n);
			memcpy(&t0, buf + r->payload_off, sizeof(t0));
		} else {
			if (n != sizeof(t0))
				die("latency: pipe read of %zd bytes", n);
			memcpy(&t0, buf, sizeof(t0));
		}
		w->us[i] = (t1 - t0) / 1000.0;
		write_full(w->efd, &one, sizeof(one));
	}
	close(ep);
	return NULL;
}

static void lat_start(struct lat_waiter *w)
{
	if (pthread_create(&w->th, NULL, lat_wait, w))
		die("pthread_create");
}

static void lat_seen(int efd)
{
	uint64_t v;

	while (read(efd, &v, sizeof(v)) != sizeof(v))
		if (errno != EINTR)
			die("eventfd: %s", strerror(errno));
}

/* Percentiles the latency distribution is drawn with (report.py svg). */
static const double lat_pcts[] = { 1, 5, 10, 25, 50, 75, 90, 95, 99, 99.9 };
#define NLAT_PCTS (sizeof(lat_pcts) / sizeof(lat_pcts[0]))

static int bench_latency(void)
{
	double dist[2][NLAT_PCTS];
	long E = scaled(5000, 100);
	struct series om, op, pm, pp, rm, rp;
	struct lat_waiter w;
	uint32_t cid;
	struct evset ev;
	int port, pfd[2], efd, rep;
	struct bnl b;
	char wl[640];
	struct result r;

	if (bnl_open(&b))
		die("generic netlink family %s not found", CLUSNOTIFY_GENL_NAME);
	cid = bench_cluster(&b, "lat", NULL);
	evset_init(&ev, 1, 1, 0);
	port = port_open(true);
	port_filter(port, cid, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE, 1);
	make_pipe(pfd);
	efd = eventfd(0, EFD_CLOEXEC);
	if (efd < 0)
		die("eventfd: %s", strerror(errno));
	w.us = calloc(E, sizeof(double));
	if (!w.us)
		die("out of memory");
	w.n = E;
	w.efd = efd;
	series_init(&om, "clusnotify median", "ours", "us");
	series_init(&op, "clusnotify p99", "ours", "us");
	series_init(&pm, "pipe median", "baseline", "us");
	series_init(&pp, "pipe p99", "baseline", "us");

	for (rep = 0; rep < opt.reps; rep++) {
		w.fd = port;
		w.port = true;
		lat_start(&w);
		for (long i = 0; i < E; i++) {
			ev.payload[0] = now_ns();
			post_or_die(&b, cid, ev.ev, 1);
			lat_seen(efd);
		}
		pthread_join(w.th, NULL);
		series_add(&om, percentile(w.us, E, 50));
		series_add(&op, percentile(w.us, E, 99));
		for (unsigned int i = 0; i < NLAT_PCTS; i++)
			dist[0][i] = percentile(w.us, E, lat_pcts[i]);

		w.fd = pfd[0];
		w.port = false;
		lat_start(&w);
		for (long i = 0; i < E; i++) {
			uint64_t t0 = now_ns();

			write_full(pfd[1], &t0, sizeof(t0));
			lat_seen(efd);
		}
		pthread_join(w.th, NULL);
		series_add(&pm, percentile(w.us, E, 50));
		series_add(&pp, percentile(w.us, E, 99));
		for (unsigned int i = 0; i < NLAT_PCTS; i++)
			dist[1][i] = percentile(w.us, E, lat_pcts[i]);
		note("latency rep %d: clusnotify median %.1f us p99 %.1f us, pipe median %.1f us p99 %.1f us",
		     rep + 1, om.v[rep], op.v[rep], pm.v[rep], pp.v[rep]);
	}
	series_ratio(&rm, &om, &pm, "median ours/pipe");
	series_ratio(&rp, &op, &pp, "p99 ours/pipe");
	snprintf(wl, sizeof(wl),
		 "one event at a time: the poster reads CLOCK_MONOTONIC, builds and sends an "
		 "EVENT_POST of one event carrying that time, and waits (eventfd) until the "
		 "waiter saw it; the waiter, blocked in epoll_wait on the port, reads the clock "
		 "as epoll_wait returns. Baseline: the same with an 8-byte pipe write. %ld "
		 "events per repetition; each repetition gives a median and a 99th percentile",
		 E);
	{
		const struct series *all[] = { &om, &pm, &rm, &op, &pp, &rp };

		result_begin(&r, "latency", "latency", "Latency, post to epoll wake-up",
			     wl, E, opt.reps);
		result_series(&r, all, sizeof(all) / sizeof(all[0]));
		/* The last repetition's distribution, for the picture. */
		result_extra_begin(&r);
		for (unsigned int i = 0; i < NLAT_PCTS; i++) {
			char k[32];

			snprintf(k, sizeof(k), "ours_p%g", lat_pcts[i]);
			result_num(&r, k, dist[0][i]);
			snprintf(k, sizeof(k), "pipe_p%g", lat_pcts[i]);
			result_num(&r, k, dist[1][i]);
		}
		result_extra_end(&r);
		result_end(&r);
	}
	free(w.us);
	close(port);
	close(pfd[0]);
	close(pfd[1]);
	close(efd);
	evset_free(&ev);
	bnl_cluster_unregister(&b, cid);
	bnl_close(&b);
	return 0;
}

/* 6. A kernel subscriber beside 1,000 ports. */
static long ksub_count(void)
{
	FILE *f = fopen("/sys/module/cnbench_sub/parameters/events", "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static long ksub_lost(void)
{
	FILE *f = fopen("/sys/module/cnbench_sub/parameters/lost", "r");
	long v = -1;

	if (f) {
		if (fscanf(f, "%ld", &v) != 1)
			v = -1;
		fclose(f);
	}
	return v;
}

static void run_cmd(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void run_cmd(const char *fmt, ...)
{
	char cmd[1024];
	va_list ap;
	int st;

	va_start(ap, fmt);
	vsnprintf(cmd, sizeof(cmd), fmt, ap);
	va_end(ap);
	st = system(cmd);
	if (st == -1 || !WIFEXITED(st) || WEXITSTATUS(st))
		die("'%s' failed", cmd);
}

static int bench_ksub(void)
{
	int N = opt.max_ports < 1000 ? opt.max_ports : 1000;
	long E = scaled(16000, 160) / 16 * 16;
	struct series base, with, ratio, delta, cbase, cwith, cdelta, cratio;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX], wl[768], title[64];
	struct reader rd;
	uint32_t cid;
	struct evset ev;
	struct bnl b;
	struct result r;
	uint64_t t0, t_end;
	struct cpu_mark c0;
	int *ports, rep;

	if (!opt.kmod || access(opt.kmod, R_OK))
		die("ksub needs the subscriber module (-k cnbench_sub.ko): %s",
		    opt.kmod ? opt.kmod : "not given");
	if (bnl_open(&b))
		die("generic netlink family %s not found", CLUSNOTIFY_GENL_NAME);
	cid = bench_cluster(&b, "ksub", name);
	raise_nofile(N + 1024);
	ports = calloc(N, sizeof(int));
	if (!ports)
		die("out of memory");
	set_max_queued(64);
	for (int i = 0; i < N; i++) {
		char id[16];

		ports[i] = port_open(true);
		object_id(id, sizeof(id), i);
		port_register(ports[i], cid, CLUSNOTIFY_OBJ_RESOURCE,
			      CLUSNOTIFY_RESOURCE_STATE, i, id);
	}
	restore_params();
	evset_init(&ev, E, N, 0);
	reader_setup(&rd, R_PORT, ports, N, 64 * REC_LEN);
	rd.maxrec = REC_LEN;
	series_init(&base, "ports", "baseline", "ns/event");
	series_init(&with, "ports + kernel subscriber", "ours", "ns/event");
	series_init(&cbase, "ports CPU", "baseline", "ns/event");
	series_init(&cwith, "ports + kernel subscriber CPU", "ours", "ns/event");
	series_init(&delta, "added by the subscriber", "ours", "ns/event");
	series_init(&cdelta, "added by the subscriber CPU", "ours", "ns/event");

	for (rep = 0; rep < opt.reps; rep++) {
		/* Alternate the order, so that a drift favours neither. */
		for (int pass = 0; pass < 2; pass++) {
			bool sub = (pass == 0) == (rep % 2 == 1);

			if (sub) {
				/* The subscription's queue takes the whole run. */
				set_max_queued(E);
				run_cmd("insmod '%s' cluster='%s'", opt.kmod, name);
				restore_params();
				if (ksub_count() != 0)
					die("cnbench_sub: no event count");
			}
			reader_start(&rd, E);
			cpu_begin(&c0);
			t0 = now_ns();
			post_all(&b, cid, &ev, E, 16);
			reader_join(&rd);
			check_reader(&rd, sub ? "ksub/ports+subscriber" : "ksub/ports");
			/* Done when the ports are read and the callback saw all. */
			t_end = rd.t_end;
			if (sub && ksub_count() < E) {
				for (int i = 0; ksub_count() < E; i++) {
					if (i > 30000)
						die("cnbench_sub saw %ld of %ld events (lost %ld)",
						    ksub_count(), E, ksub_lost());
					usleep(1000);
				}
				t_end = now_ns();
			}
			series_add(sub ? &with : &base, ns_per(E, t0, t_end));
			series_add(sub ? &cwith : &cbase, (double)cpu_end(&c0) / E);
			if (sub) {
				if (ksub_lost() != 0)
					die("cnbench_sub lost %ld events", ksub_lost());
				run_cmd("rmmod cnbench_sub");
			}
		}
		series_add(&delta, with.v[rep] - base.v[rep]);
		series_add(&cdelta, cwith.v[rep] - cbase.v[rep]);
		note("ksub rep %d: ports %.0f ns/event, ports + subscriber %.0f ns/event (CPU %.0f / %.0f)",
		     rep + 1, base.v[rep], with.v[rep], cbase.v[rep], cwith.v[rep]);
	}
	series_ratio(&ratio, &with, &base, "with/without");
	series_ratio(&cratio, &cwith, &cbase, "CPU with/without");
	reader_teardown(&rd);
	snprintf(wl, sizeof(wl),
		 "%d ports, each registered on its own object; %ld STATE events posted in "
		 "batches of 16, round-robin over the objects (each matches one port), one "
		 "thread epolls and drains the ports; beside them (or not: the two runs of a "
		 "repetition alternate) cnbench_sub.ko, subscribed in the kernel with a "
		 "cluster-wide filter that matches every event, counting in its callback. "
		 "Cost = wall time per event until the ports are read and the callback saw "
		 "every event; CPU = CPU time of the benchmark's threads and of the kernel's "
		 "threads (the workqueue that runs the callback) per event", N, E);
	{
		const struct series *all[] = { &with, &base, &ratio, &delta,
					       &cwith, &cbase, &cratio, &cdelta };

		snprintf(title, sizeof(title), "Kernel subscriber beside %d ports", N);
		result_begin(&r, "ksub", "ksub", title, wl, E, opt.reps);
		result_series(&r, all, sizeof(all) / sizeof(all[0]));
		result_extra_begin(&r);
		result_num(&r, "ports", N);
		result_str(&r, "cpu", cpu_source());
		result_extra_end(&r);
		result_end(&r);
	}
	close_all(ports, N);
	free(ports);
	evset_free(&ev);
	bnl_cluster_unregister(&b, cid);
	bnl_close(&b);
	return 0;
}

static void usage(void)
{
	fprintf(stderr,
		"usage: cnbench [-r REPS] [-s SCALE] [-j FILE] [-k KO] [-N MAX] [-t TAG] "
		"throughput|fanout|memory|latency|library|ksub|collide|posters|failover|journal\n");
	exit(2);
}

int main(int argc, char **argv)
{
	const char *cmd;
	int c, ret;

	while ((c = getopt(argc, argv, "r:s:j:k:N:t:")) != -1) {
		switch (c) {
		case 'r':
			opt.reps = atoi(optarg);
			if (opt.reps < 1 || opt.reps > MAXREPS)
				die("1 to %d repetitions", MAXREPS);
			break;
		case 's':
			opt.scale = atof(optarg);
			if (!(opt.scale > 0))
				die("bad scale %s", optarg);
			break;
		case 'j':
			opt.json = optarg;
			break;
		case 'k':
			opt.kmod = optarg;
			break;
		case 'N':
			opt.max_ports = atoi(optarg);
			if (opt.max_ports < 1)
				die("bad -N %s", optarg);
			break;
		case 't':
			opt.tag = optarg;
			break;
		default:
			usage();
		}
	}
	if (optind != argc - 1)
		usage();
	cmd = argv[optind];
	setvbuf(stderr, NULL, _IOLBF, 0);
	atexit(restore_params);
	if (!strcmp(cmd, "throughput"))
		ret = bench_throughput();
	else if (!strcmp(cmd, "fanout"))
		ret = bench_fanout();
	else if (!strcmp(cmd, "memory"))
		ret = bench_memory();
	else if (!strcmp(cmd, "latency"))
		ret = bench_latency();
	else if (!strcmp(cmd, "library"))
		ret = bench_library();
	else if (!strcmp(cmd, "ksub"))
		ret = bench_ksub();
	else if (!strcmp(cmd, "collide"))
		ret = bench_collide();
	else if (!strcmp(cmd, "posters"))
		ret = bench_posters();
	else if (!strcmp(cmd, "failover"))
		ret = bench_failover();
	else if (!strcmp(cmd, "journal"))
		ret = bench_journal();
	else
		usage();
	return ret;
}
