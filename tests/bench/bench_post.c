// SPDX-License-Identifier: GPL-2.0
/*
 * cnbench's posting workloads (tests/bench/README.md, measurements 7 to 9):
 *   collide   posts about ids that all share one bucket of the module's old,
 *             unkeyed hash, against ids of the same shape that do not;
 *   posters   two posters for two clusters, one per CPU, against one;
 *   failover  a cluster of 2,000 resources in 500 groups fails over from one
 *             node to the other, watched by 1,000 ports with default limits,
 *             and by one port that resynchronises by snapshot after a loss.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "bench_util.h"
#include "../hostile/oldhash.h"

static double per_sec_ns(uint64_t n, uint64_t ns)
{
	return (double)n * 1e9 / (double)ns;
}

int bench_collide(void);
int bench_posters(void);
int bench_failover(void);

/* Sets objs; the library splits them into messages the kernel takes. */
static void set_objects(struct bnl *b, uint32_t cid,
			const struct clusnotify_feed_object *o, int n)
{
	int ret = clusnotify_feed_set_objects(b->feed, cid, o, (size_t)n, NULL);

	if (ret)
		die("OBJECT_SET: %s", strerror(-ret));
}

/* Posts evs in batches of at most batch. */
static void post_batches(struct bnl *b, uint32_t cid, const struct clusnotify_feed_event *evs,
			 int n, int batch)
{
	int i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < batch ? n - i : batch;
		post_or_die(b, cid, evs + i, k);
	}
}

/* ---- 7. colliding ids --------------------------------------------------- */

#define CO_NOBJ		4096
#define CO_BATCH	256	/* 62-byte ids: a batch's nest stays < 64 KiB */
#define CO_PREFIX	"cnbench-collide-0123456789abcdefghijklmnopqrstuvwxyz"

int bench_collide(void)
{
	static char ids[2][CO_NOBJ][CLUSNOTIFY_ID_MAX];
	static struct clusnotify_feed_object objs[CO_NOBJ];
	static struct clusnotify_feed_event evs[2][2 * CO_NOBJ];
	const int E = 2 * CO_NOBJ;
	struct series col, rnd, ratio;
	uint32_t cid[2], target = 0, c;
	struct reader rd[2];
	int port[2], s, i, n, rep;
	uint32_t state = 2;
	struct bnl b;
	uint64_t t0;

	/* Offline, as an attacker would: ids that share one old bucket. */
	for (c = 0, n = 0; n < CO_NOBJ; c++) {
		snprintf(ids[0][n], CLUSNOTIFY_ID_MAX, CO_PREFIX "-c-%08x", c);
		if (!c)
			target = oh_obj_bucket(CLUSNOTIFY_OBJ_RESOURCE, ids[0][n]);
		if (oh_obj_bucket(CLUSNOTIFY_OBJ_RESOURCE, ids[0][n]) == target)
			n++;
	}
	for (i = 0; i < CO_NOBJ; i++)
		snprintf(ids[1][i], CLUSNOTIFY_ID_MAX, CO_PREFIX "-r-%08x", i);

	if (bnl_open(&b))
		die("generic netlink family %s not found", CLUSNOTIFY_GENL_NAME);
	set_max_queued(E);
	for (s = 0; s < 2; s++) {
		cid[s] = bench_cluster(&b, s ? "random" : "collide", NULL);
		for (i = 0; i < CO_NOBJ; i++)
			objs[i] = (struct clusnotify_feed_object){
				.type = CLUSNOTIFY_OBJ_RESOURCE, .id = ids[s][i],
				.name = ids[s][i] };
		set_objects(&b, cid[s], objs, CO_NOBJ);
		/* One port registered on every object: each event matches one. */
		port[s] = port_open(true);
		for (i = 0; i < CO_NOBJ; i++)
			port_register(port[s], cid[s], CLUSNOTIFY_OBJ_RESOURCE,
				      CLUSNOTIFY_RESOURCE_STATE, i + 1, ids[s][i]);
		for (i = 0; i < E; i++)
			evs[s][i] = (struct clusnotify_feed_event){ .type = CLUSNOTIFY_OBJ_RESOURCE,
						  .flag = CLUSNOTIFY_RESOURCE_STATE,
						  .id = ids[s][i % CO_NOBJ],
						  .payload = &state, .payload_len = 4 };
		reader_setup(&rd[s], R_PORT, &port[s], 1, 1 << 16);
	}
	restore_params();
	series_init(&col, "clusnotify, colliding ids", "ours", "ns/event");
	series_init(&rnd, "clusnotify, random ids", "baseline", "ns/event");
	/* A round of both, not measured: first fills fault pages in. */
	for (s = 0; s < 2; s++) {
		reader_start(&rd[s], E);
		post_batches(&b, cid[s], evs[s], E, CO_BATCH);
		reader_join(&rd[s]);
		check_reader(&rd[s], "collide/warm-up");
	}
	for (rep = 0; rep < opt.reps; rep++) {
		/* Alternate which set goes first: neither gets a warmer cache. */
		for (int k = 0; k < 2; k++) {
			s = (rep + k) % 2;
			reader_start(&rd[s], E);
			t0 = now_ns();
			post_batches(&b, cid[s], evs[s], E, CO_BATCH);
			reader_join(&rd[s]);
			check_reader(&rd[s], s ? "collide/random" : "collide/colliding");
			series_add(s ? &rnd : &col, (double)(rd[s].t_end - t0) / E);
		}
		note("collide rep %d: colliding %.0f, random %.0f ns/event", rep + 1,
		     col.v[rep], rnd.v[rep]);
	}
	series_ratio(&ratio, &col, &rnd, "colliding/random");
	{
		const struct series *all[] = { &col, &rnd, &ratio };
		char wl[512];
		struct result r;

		snprintf(wl, sizeof(wl),
			 "%d RESOURCE objects whose %zu-byte ids share one bucket of the module's "
			 "old jhash (found offline, tests/hostile/oldhash.h), one port registered on "
			 "each; %d STATE events about them in posts of %d, read by a thread; "
			 "baseline: the same with ids of the same shape that do not collide",
			 CO_NOBJ, strlen(ids[0][0]), E, CO_BATCH);
		result_begin(&r, "post.collide", "collide",
			     "Posting about ids that collided under the old hash", wl, E,
			     opt.reps);
		result_series(&r, all, 3);
		result_end(&r);
	}
	for (s = 0; s < 2; s++) {
		reader_teardown(&rd[s]);
		close(port[s]);
		bnl_cluster_unregister(&b, cid[s]);
	}
	bnl_close(&b);
	return 0;
}

/* ---- 8. two posters ------------------------------------------------------- */

struct poster {
	struct bnl b;
	uint32_t cid;
	int port, cpu;
	long E;
	struct evset ev;
	pthread_t th;
	uint64_t t_end;
};

static void *poster_main(void *arg)
{
	struct poster *p = arg;
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(p->cpu, &set);
	sched_setaffinity(0, sizeof(set), &set);
	post_all(&p->b, p->cid, &p->ev, p->E, 16);
	p->t_end = now_ns();
	return NULL;
}

int bench_posters(void)
{
	long E = scaled(16384, 1024);
	struct series one, two, ratio;
	struct poster p[2];
	int ncpu = (int)sysconf(_SC_NPROCESSORS_ONLN);
	int rep, i;
	uint64_t t0, t1;

	if (ncpu < 2)
		die("posters: needs two CPUs, the guest has %d", ncpu);
	/* Every event queued on its cluster's one port, read after the clock stops. */
	set_max_queued(E);
	for (i = 0; i < 2; i++) {
		memset(&p[i], 0, sizeof(p[i]));
		if (bnl_open(&p[i].b))
			die("generic netlink family %s not found", CLUSNOTIFY_GENL_NAME);
		p[i].cid = bench_cluster(&p[i].b, i ? "poster2" : "poster1", NULL);
		p[i].port = port_open(false);
		port_filter(p[i].port, p[i].cid, CLUSNOTIFY_OBJ_RESOURCE,
			    CLUSNOTIFY_RESOURCE_STATE, 1);
		p[i].cpu = i;
		p[i].E = E;
		evset_init(&p[i].ev, E, 256, 0);
	}
	restore_params();
	series_init(&one, "one poster", "baseline", "events/s");
	series_init(&two, "two posters, two clusters", "ours", "events/s");
	/* A round of both, not measured: first fills fault pages in. */
	for (i = 0; i < 2; i++) {
		pthread_create(&p[i].th, NULL, poster_main, &p[i]);
		pthread_join(p[i].th, NULL);
		port_drain(p[i].port, p[i].E, true);
	}
	for (rep = 0; rep < opt.reps; rep++) {
		/* One alone (poster rep % 2, on its CPU), then both at once. */
		struct poster *a = &p[rep % 2];

		t0 = now_ns();
		pthread_create(&a->th, NULL, poster_main, a);
		pthread_join(a->th, NULL);
		series_add(&one, per_sec_ns(E, a->t_end - t0));
		port_drain(a->port, a->E, true);

		t0 = now_ns();
		for (i = 0; i < 2; i++)
			pthread_create(&p[i].th, NULL, poster_main, &p[i]);
		for (i = 0; i < 2; i++)
			pthread_join(p[i].th, NULL);
		t1 = p[0].t_end > p[1].t_end ? p[0].t_end : p[1].t_end;
		series_add(&two, per_sec_ns(2 * E, t1 - t0));
		for (i = 0; i < 2; i++)
			port_drain(p[i].port, p[i].E, true);
		note("posters rep %d: one %.0f, two %.0f events/s", rep + 1, one.v[rep],
		     two.v[rep]);
	}
	series_ratio(&ratio, &two, &one, "two/one");
	{
		const struct series *all[] = { &one, &two, &ratio };
		char wl[512];
		struct result r;

		snprintf(wl, sizeof(wl),
			 "%ld STATE events per poster in posts of 16, each poster a thread pinned to "
			 "its own CPU with its own netlink socket and cluster, each cluster watched by "
			 "one port (read after the clock stops); two posters at once against one alone",
			 E);
		result_begin(&r, "post.posters", "posters", "Two posters on two CPUs", wl,
			     2 * E, opt.reps);
		result_series(&r, all, 3);
		result_extra_begin(&r);
		result_num(&r, "cpus", ncpu);
		result_extra_end(&r);
		result_end(&r);
	}
	for (i = 0; i < 2; i++) {
		close(p[i].port);
		bnl_cluster_unregister(&p[i].b, p[i].cid);
		bnl_close(&p[i].b);
		evset_free(&p[i].ev);
	}
	return 0;
}

/* ---- 9. failover burst ------------------------------------------------------ */

#define FO_RES		2000
#define FO_GROUPS	500
#define FO_PORTS	1000
#define FO_EVENTS	(4 * (FO_RES + FO_GROUPS) + 3 * FO_GROUPS + 2)
/* An object the poster turns to 1 after the burst: the view is right once it
 * shows that and every resource Online. */
#define FO_END		"zz-end"

/* Pacemaker's states, as the daemon publishes them. */
enum { FO_ONLINE = 2, FO_OFFLINE = 3, FO_ONLINE_PENDING = 129, FO_OFFLINE_PENDING = 130 };
/* The daemon's group states. */
enum { FO_GRP_ONLINE = 0, FO_GRP_OFFLINE = 1, FO_GRP_PENDING = 128 };

struct fo_world {
	char res[FO_RES][16], grp[FO_GROUPS][16];
	struct clusnotify_feed_event ev[FO_EVENTS];
	uint32_t val[FO_EVENTS];
	int nev;
};

static void fo_post(struct fo_world *w, uint32_t type, uint64_t flag,
		    const char *id, const char *str, uint32_t v)
{
	struct clusnotify_feed_event *e = &w->ev[w->nev];

	*e = (struct clusnotify_feed_event){ .type = type, .flag = flag, .id = id };
	if (str) {
		e->payload = str;
		e->payload_len = (uint32_t)strlen(str) + 1;
	} else {
		w->val[w->nev] = v;
		e->payload = &w->val[w->nev];
		e->payload_len = 4;
	}
	w->nev++;
}

/*
 * The events of a failover from n1 to n2, in the order the daemon posts
 * them, one turn of its loop per phase: n1 goes down and every resource and
 * group goes pending; they stop; the groups move; they start on n2 (pending);
 * they are online. The end marker comes last. Returns the number of turns.
 */
static int fo_script(struct fo_world *w, int *turn_end)
{
	static const uint32_t rphase[4] = { FO_OFFLINE_PENDING, FO_OFFLINE,
					    FO_ONLINE_PENDING, FO_ONLINE };
	static const uint32_t gphase[4] = { FO_GRP_PENDING, FO_GRP_OFFLINE,
					    FO_GRP_PENDING, FO_GRP_ONLINE };
	int nt = 0, g, r, ph;

	w->nev = 0;
	fo_post(w, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE, "1", NULL, 1);
	for (ph = 0; ph < 4; ph++) {
		for (r = 0; r < FO_RES; r++)
			fo_post(w, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE,
				w->res[r], NULL, rphase[ph]);
		for (g = 0; g < FO_GROUPS; g++)
			fo_post(w, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_STATE, w->grp[g],
				NULL, gphase[ph]);
		for (g = 0; ph == 1 && g < FO_GROUPS; g++) {
			fo_post(w, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_GROUP_LOST, "1",
				w->grp[g], 0);
			fo_post(w, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_OWNER_NODE,
				w->grp[g], "2", 0);
			fo_post(w, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_GROUP_GAINED, "2",
				w->grp[g], 0);
		}
		turn_end[nt++] = w->nev;
	}
	fo_post(w, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE, FO_END, NULL, 1);
	turn_end[nt++] = w->nev;
	return nt;
}

/*
 * A consumer that keeps every resource's state. It was busy through the
 * burst (it reads nothing until the poster is done), so its queue
 * overflowed; it then reads, and takes a snapshot after each LOST record
 * (again while the snapshot does not fit its queue yet).
 */
struct fo_view {
	int fd;
	uint8_t online[FO_RES];
	int n_online;
	bool ended, need_snapshot;
	int snapshots, losses;
	atomic_int burst_done;
	uint64_t t_right;
};

static void fo_view_record(struct fo_view *v, const struct clusnotify_record *rec)
{
	const char *id = (const char *)rec + rec->hdr_len;
	uint32_t st;
	int i;

	if (rec->flags & CLUSNOTIFY_RECORD_LOST) {
		v->losses++;
		v->need_snapshot = true;
		return;
	}
	if (rec->object_type != CLUSNOTIFY_OBJ_RESOURCE || rec->payload_len != 4)
		return;
	memcpy(&st, (const char *)rec + rec->payload_off, 4);
	if (!strcmp(id, FO_END)) {
		v->ended = st == 1;
		return;
	}
	i = id[0] == 'r' ? atoi(id + 1) : -1;
	if (i < 0 || i >= FO_RES || v->online[i] == (st == FO_ONLINE))
		return;
	v->online[i] = st == FO_ONLINE;
	v->n_online += v->online[i] ? 1 : -1;
}

static void *fo_view_main(void *arg)
{
	struct fo_view *v = arg;
	static char buf[1 << 16];
	uint64_t end = now_ns() + 120ULL * 1000000000;
	ssize_t n, off;

	while (!atomic_load(&v->burst_done))
		usleep(1000);
	while (now_ns() < end) {
		if (v->need_snapshot) {
			if (!ioctl(v->fd, CLUSNOTIFY_IOC_SNAPSHOT)) {
				v->need_snapshot = false;
				v->snapshots++;
			} else if (errno != ENOBUFS) {
				die("SNAPSHOT: %s", strerror(errno));
			}
		}
		n = read(v->fd, buf, sizeof(buf));
		if (n < 0 && errno == EAGAIN) {
			usleep(100);
			continue;
		}
		if (n <= 0)
			die("the resynchronising port: %s", n ? strerror(errno) : "EOF");
		for (off = 0; off < n; off += ((struct clusnotify_record *)(buf + off))->len)
			fo_view_record(v, (const void *)(buf + off));
		if (v->ended && v->n_online == FO_RES && !v->need_snapshot) {
			v->t_right = now_ns();
			break;
		}
	}
	return NULL;
}

/* An object named by its id, with a state. */
static struct clusnotify_feed_object fo_obj(uint32_t type, const char *id,
					     const char *parent, int32_t state)
{
	return (struct clusnotify_feed_object){
		.type = type, .flags = CLUSNOTIFY_FEED_OBJ_STATE, .state = state,
		.id = id, .name = id, .parent_id = parent };
}

int bench_failover(void)
{
	static struct fo_world w;
	static struct clusnotify_feed_object objs[FO_RES + FO_GROUPS + 3];
	long queued_default = param_get("max_queued_events");
	struct series last, lost, resync;
	int turn_end[8], nturns, i, rep, ports[FO_PORTS], view_q;
	struct fo_view view;
	struct reader rd;
	struct bnl b;
	uint32_t cid;
	uint64_t t0, t1;

	for (i = 0; i < FO_RES; i++)
		snprintf(w.res[i], sizeof(w.res[i]), "r%04d", i);
	for (i = 0; i < FO_GROUPS; i++)
		snprintf(w.grp[i], sizeof(w.grp[i]), "g%03d", i);
	nturns = fo_script(&w, turn_end);
	if (bnl_open(&b))
		die("generic netlink family %s not found", CLUSNOTIFY_GENL_NAME);
	cid = bench_cluster(&b, "failover", NULL);
	raise_nofile(FO_PORTS + 1024);
	/* The watchers: default limits; groups, resources and nodes, all flags. */
	for (i = 0; i < FO_PORTS; i++) {
		ports[i] = port_open(true);
		port_filter(ports[i], cid, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_ALL, i);
		port_filter(ports[i], cid, CLUSNOTIFY_OBJ_GROUP, CLUSNOTIFY_GROUP_ALL, i);
		port_filter(ports[i], cid, CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_ALL, i);
	}
	reader_setup(&rd, R_PORT, ports, FO_PORTS, 1 << 16);
	/*
	 * The consumer that resynchronises watches resource states. A snapshot
	 * is all or nothing and must fit the port's queue: 2,000 resources do
	 * not fit the default 1,024, so its queue is made to hold them.
	 */
	view_q = FO_RES + 64 > queued_default ? FO_RES + 64 : (int)queued_default;
	series_init(&last, "time to the last delivery", "ours", "ms");
	series_init(&lost, "events lost per watching port", "ours", "events");
	series_init(&resync, "time from the burst's end until a port that slept through it "
		    "is right again", "ours", "ms");
	for (rep = 0; rep < opt.reps; rep++) {
		int k = 0, n = 0;
		pthread_t th;

		/* Before: everything online on n1. */
		objs[n++] = fo_obj(CLUSNOTIFY_OBJ_NODE, "1", NULL, 0);
		objs[n++] = fo_obj(CLUSNOTIFY_OBJ_NODE, "2", NULL, 0);
		objs[n++] = fo_obj(CLUSNOTIFY_OBJ_RESOURCE, FO_END, NULL, 0);
		for (i = 0; i < FO_GROUPS; i++)
			objs[n++] = fo_obj(CLUSNOTIFY_OBJ_GROUP, w.grp[i], "1", FO_GRP_ONLINE);
		for (i = 0; i < FO_RES; i++)
			objs[n++] = fo_obj(CLUSNOTIFY_OBJ_RESOURCE, w.res[i], w.grp[i % FO_GROUPS],
					   FO_ONLINE);
		set_objects(&b, cid, objs, n);
		set_max_queued(view_q);
		memset(&view, 0, sizeof(view));
		view.fd = port_open(true);
		restore_params();
		port_filter(view.fd, cid, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE, 7);
		view.n_online = FO_RES;
		memset(view.online, 1, sizeof(view.online));

		reader_start(&rd, (uint64_t)w.nev * FO_PORTS);
		pthread_create(&th, NULL, fo_view_main, &view);
		t0 = now_ns();
		for (i = 0; i < nturns; i++) {
			post_batches(&b, cid, w.ev + k, turn_end[i] - k, CLUSNOTIFY_EVENTS_MAX);
			k = turn_end[i];
		}
		t1 = now_ns();
		atomic_store(&view.burst_done, 1);
		reader_join(&rd);
		pthread_join(th, NULL);
		if (rd.got != (uint64_t)w.nev * FO_PORTS)
			die("failover: the ports accounted for %llu events (delivered or counted "
			    "lost), not %llu", (unsigned long long)rd.got,
			    (unsigned long long)w.nev * FO_PORTS);
		if (!view.t_right)
			die("failover: the resynchronising port's view was never right "
			    "(%d of %d online, end %d, %d losses, %d snapshots)", view.n_online,
			    FO_RES, view.ended, view.losses, view.snapshots);
		series_add(&last, (double)(rd.t_end - t0) / 1e6);
		series_add(&lost, (double)rd.lost / FO_PORTS);
		series_add(&resync, (double)(view.t_right - t1) / 1e6);
		note("failover rep %d: %d events, last delivery %.1f ms, %.0f lost per port, "
		     "view right %.1f ms after the burst (%d losses, %d snapshots)", rep + 1, w.nev,
		     last.v[rep], lost.v[rep], resync.v[rep], view.losses, view.snapshots);
		close(view.fd);
	}
	{
		const struct series *all[] = { &last, &lost, &resync };
		char wl[1024];
		struct result r;

		snprintf(wl, sizeof(wl),
			 "%d resources in %d groups fail over from n1 to n2: %d events (node down; "
			 "every resource offline-pending, offline, online-pending, online; the "
			 "groups' states, owners, NODE_GROUP_LOST/GAINED), posted in %d turns as the "
			 "daemon batches them (at most %d per post), to %d ports with default limits "
			 "(max_queued_events %ld) read by one epoll thread; and one port on resource "
			 "states that reads nothing until the burst is over, then takes a snapshot "
			 "after each LOST record until every resource reads Online again (its queue "
			 "is %d: a snapshot of %d resources must fit)", FO_RES, FO_GROUPS,
			 w.nev, nturns, CLUSNOTIFY_EVENTS_MAX, FO_PORTS, queued_default,
			 view_q, FO_RES);
		result_begin(&r, "post.failover", "failover", "Failover burst", wl, w.nev,
			     opt.reps);
		result_series(&r, all, 3);
		result_end(&r);
	}
	reader_teardown(&rd);
	close_all(ports, FO_PORTS);
	bnl_cluster_unregister(&b, cid);
	bnl_close(&b);
	return 0;
}
