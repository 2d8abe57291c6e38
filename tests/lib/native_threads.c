// SPDX-License-Identifier: GPL-2.0
/*
 * Two reader threads on one port, one peeking and consuming, the other
 * reading: every event is handed out exactly once.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>

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
	tl_feed_stop(&feed);
	return 0;
}
