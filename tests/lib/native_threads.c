// SPDX-License-Identifier: GPL-2.0
/*
 * Two reader threads on one port, one peeking and consuming, the other
 * reading: every event is handed out exactly once. A thread that holds a
 * peek does not stretch another thread's timeout, nor hide a shutdown.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <unistd.h>

#include <clusnotify.h>

#include "helpers.h"

#define EVENTS	600

static struct clusnotify_port *port;
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static unsigned char seen[EVENTS];
static atomic_uint total;
static uint64_t first_seq;
static int per_thread[2];

static void *reader(void *arg)
{
	int self = (intptr_t)arg, ret;
	uint64_t deadline = tl_now_ms() + 60000;
	struct clusnotify_event ev;
	uint64_t seq;

	while (atomic_load(&total) < EVENTS) {
		CHECK(tl_now_ms() < deadline);
		if (self == 0) {
			ret = clusnotify_peek_event(port, &ev, 100);
			if (!ret) {
				CHECK(!strcmp(ev.object_id, "n1"));
				CHECK_EQ(ev.payload_len, 4);
				seq = ev.seq;
				clusnotify_consume_event(port);
			}
		} else {
			ret = clusnotify_read_event(port, &ev, 100);
			seq = ev.seq;
		}
		if (ret == -ETIMEDOUT)
			continue;
		CHECK_EQ(ret, 0);
		CHECK(seq >= first_seq && seq < first_seq + EVENTS);
		pthread_mutex_lock(&lock);
		seen[seq - first_seq]++;
		per_thread[self]++;
		pthread_mutex_unlock(&lock);
		atomic_fetch_add(&total, 1);
	}
	return NULL;
}

/* A thread peeking while another holds a peek. */
struct waiter {
	struct clusnotify_port *port;
	int64_t timeout_ms;
	int ret;
	uint64_t took_ms;
	atomic_bool done;
	pthread_t th;
};

static void *waiter_main(void *arg)
{
	struct waiter *w = arg;
	struct clusnotify_event ev;
	uint64_t t0 = tl_now_ms();

	w->ret = clusnotify_peek_event(w->port, &ev, w->timeout_ms);
	w->took_ms = tl_now_ms() - t0;
	if (!w->ret)
		clusnotify_release_event(w->port);
	atomic_store(&w->done, true);
	return NULL;
}

static void waiter_start(struct waiter *w, struct clusnotify_port *p,
			 int64_t timeout_ms)
{
	w->port = p;
	w->timeout_ms = timeout_ms;
	w->ret = 1;
	atomic_init(&w->done, false);
	CHECK_EQ(pthread_create(&w->th, NULL, waiter_main, w), 0);
}

/* Whether @w returned, waiting for it up to 30 s. */
static bool waiter_returned(struct waiter *w)
{
	uint64_t end = tl_now_ms() + 30000;

	while (!atomic_load(&w->done) && tl_now_ms() < end)
		usleep(1000);
	return atomic_load(&w->done);
}

/*
 * The holder of a peek (a program still handling the event) lets go only
 * once the other thread has returned, or after 30 s: that thread must end
 * at its own timeout, or at a shutdown (@shut_timeout_ms: what it waits
 * with then), not when the peek ends; and a waiter the peek's end wakes
 * takes the event.
 */
static void held_peek(struct tl_feed *feed, uint32_t cluster_id,
		      int64_t shut_timeout_ms)
{
	struct clusnotify_filter f = {
		.object_type = CLUSNOTIFY_OBJ_NODE, .flags = CLUSNOTIFY_NODE_ALL,
	};
	struct clusnotify_event ev;
	struct clusnotify_port *p;
	struct waiter w;

	CHECK_EQ(clusnotify_port_open(&p), 0);
	CHECK_EQ(clusnotify_add_filters(p, cluster_id, &f, 1, 0), 0);
	tl_feed(feed, "event node n1 common_property payload=u32:1");
	tl_feed_sync(feed);

	CHECK_EQ(clusnotify_peek_event(p, &ev, 5000), 0);
	waiter_start(&w, p, 100);
	CHECK(waiter_returned(&w));
	clusnotify_release_event(p);
	CHECK_EQ(pthread_join(w.th, NULL), 0);
	CHECK_EQ(w.ret, -ETIMEDOUT);
	CHECK(w.took_ms >= 99);

	/* Most likely waiting for the peek by now; it takes the event either way. */
	CHECK_EQ(clusnotify_peek_event(p, &ev, 5000), 0);
	waiter_start(&w, p, -1);
	usleep(50000);
	clusnotify_release_event(p);
	CHECK(waiter_returned(&w));
	CHECK_EQ(pthread_join(w.th, NULL), 0);
	CHECK_EQ(w.ret, 0);

	CHECK_EQ(clusnotify_peek_event(p, &ev, 5000), 0);
	waiter_start(&w, p, shut_timeout_ms);
	usleep(50000);
	CHECK_EQ(clusnotify_port_shutdown(p), 0);
	CHECK(waiter_returned(&w));
	clusnotify_release_event(p);
	CHECK_EQ(pthread_join(w.th, NULL), 0);
	CHECK_EQ(w.ret, -ESHUTDOWN);
	clusnotify_port_close(p);
}

int main(void)
{
	struct clusnotify_filter f = {
		.object_type = CLUSNOTIFY_OBJ_NODE, .flags = CLUSNOTIFY_NODE_ALL,
	};
	struct clusnotify_cluster_info ci;
	struct clusnotify_port_stats st;
	struct tl_feed feed;
	pthread_t th[2];
	int i;

	tl_require();
	tl_feed_start(&feed, "threads");
	tl_feed(&feed, "object node n1 node-one state=up");
	tl_feed_sync(&feed);
	CHECK_EQ(clusnotify_port_open(&port), 0);
	CHECK_EQ(clusnotify_get_cluster(port, feed.name, &ci), 0);
	CHECK_EQ(clusnotify_add_filters(port, ci.cluster_id, &f, 1, 0), 0);
	first_seq = ci.seq + 1;

	for (i = 0; i < 2; i++)
		CHECK_EQ(pthread_create(&th[i], NULL, reader, (void *)(intptr_t)i), 0);
	for (i = 0; i < EVENTS; i++) {
		tl_feed(&feed, "event node n1 common_property payload=u32:%d", i);
		if (i % 50 == 49)
			tl_feed_sync(&feed);
	}
	tl_feed_sync(&feed);
	for (i = 0; i < 2; i++)
		CHECK_EQ(pthread_join(th[i], NULL), 0);

	for (i = 0; i < EVENTS; i++)
		CHECK_EQ(seen[i], 1);
	printf("# thread 0 took %d events, thread 1 %d\n", per_thread[0],
	       per_thread[1]);
	CHECK_EQ(clusnotify_port_stats(port, &st), 0);
	CHECK_EQ(st.lost, 0);
	CHECK_EQ(st.read, EVENTS);
	clusnotify_port_close(port);
	held_peek(&feed, ci.cluster_id, -1);
	held_peek(&feed, ci.cluster_id, 60000);
	tl_feed_stop(&feed);
	return 0;
}
