// SPDX-License-Identifier: GPL-2.0
/*
 * The native API, function by function: happy paths and error paths.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <string.h>
#include <unistd.h>

#include <clusnotify.h>

#include "helpers.h"

static struct tl_feed feed;
static uint32_t cid;

static struct clusnotify_port *open_port(void)
{
	struct clusnotify_port *port;

	CHECK_EQ(clusnotify_port_open(&port), 0);
	CHECK(clusnotify_port_fd(port) >= 0);
	return port;
}

static void test_names(void)
{
	uint32_t t;
	uint64_t f;

	CHECK(!strcmp(clusnotify_type_name(CLUSNOTIFY_OBJ_NODE), "NODE"));
	CHECK(!strcmp(clusnotify_type_name(CLUSNOTIFY_OBJ_FAULTDOMAIN), "FAULTDOMAIN"));
	CHECK(clusnotify_type_name(0x0e) == NULL);
	CHECK(clusnotify_type_name(1000) == NULL);
	CHECK_EQ(clusnotify_type_from_name("netinterface", &t), 0);
	CHECK_EQ(t, CLUSNOTIFY_OBJ_NETWORK_INTERFACE);
	CHECK_EQ(clusnotify_type_from_name("resource_type", &t), 0);
	CHECK_EQ(t, CLUSNOTIFY_OBJ_RESOURCE_TYPE);
	CHECK_EQ(clusnotify_type_from_name("nosuch", &t), -ENOENT);
	CHECK_EQ(clusnotify_type_from_name(NULL, &t), -EINVAL);
	CHECK_EQ(clusnotify_type_all(CLUSNOTIFY_OBJ_GROUP), CLUSNOTIFY_GROUP_ALL);
	CHECK_EQ(clusnotify_type_all(CLUSNOTIFY_OBJ_AFFINITYRULE), 0);
	CHECK_EQ(clusnotify_type_all(99), 0);
	CHECK(!strcmp(clusnotify_flag_name(CLUSNOTIFY_OBJ_NODE, CLUSNOTIFY_NODE_STATE),
		      "STATE"));
	CHECK(clusnotify_flag_name(CLUSNOTIFY_OBJ_NODE, 0x100) == NULL);
	CHECK(clusnotify_flag_name(CLUSNOTIFY_OBJ_NODE, 0x30) == NULL);
	CHECK_EQ(clusnotify_flag_from_name(CLUSNOTIFY_OBJ_GROUP, "all", &f), 0);
	CHECK_EQ(f, CLUSNOTIFY_GROUP_ALL);
	CHECK_EQ(clusnotify_flag_from_name(CLUSNOTIFY_OBJ_RESOURCE, "terminal_state", &f), 0);
	CHECK_EQ(f, CLUSNOTIFY_RESOURCE_TERMINAL_STATE);
	CHECK_EQ(clusnotify_flag_from_name(CLUSNOTIFY_OBJ_NODE, "nosuch", &f), -ENOENT);
	CHECK_EQ(clusnotify_flag_from_name(CLUSNOTIFY_OBJ_FAULTDOMAIN, "ALL", &f), -ENOENT);
}

static void test_lookups(struct clusnotify_port *port)
{
	struct clusnotify_cluster_info ci;
	struct clusnotify_object_info oi;
	char big[300];

	CHECK_EQ(clusnotify_get_cluster(port, feed.name, &ci), 0);
	CHECK(!strcmp(ci.name, feed.name));
	CHECK_EQ(ci.state, CLUSNOTIFY_CLUSTER_CONNECTED);
	CHECK_EQ(ci.objects, 3);
	cid = ci.cluster_id;
	CHECK(cid != 0);
	/* The local cluster is some cluster: the first registered. */
	CHECK_EQ(clusnotify_get_cluster(port, "", &ci), 0);
	CHECK(ci.cluster_id != 0);
	CHECK_EQ(clusnotify_get_cluster(port, NULL, &ci), 0);
	CHECK_EQ(clusnotify_get_cluster(port, "no-such-cluster", &ci), -ENOENT);
	memset(big, 'x', sizeof(big) - 1);
	big[sizeof(big) - 1] = '\0';
	CHECK_EQ(clusnotify_get_cluster(port, big, &ci), -ENAMETOOLONG);
	CHECK_EQ(clusnotify_get_cluster(port, "x", NULL), -EINVAL);
	CHECK_EQ(clusnotify_get_cluster(NULL, "x", &ci), -EINVAL);

	CHECK_EQ(clusnotify_get_object(port, cid, CLUSNOTIFY_OBJ_NODE, "node-one", 0, &oi), 0);
	CHECK(!strcmp(oi.id, "n1"));
	CHECK(!strcmp(oi.name, "node-one"));
	CHECK_EQ(oi.state, 0);
	CHECK_EQ(clusnotify_get_object(port, cid, CLUSNOTIFY_OBJ_RESOURCE, "r1",
				       CLUSNOTIFY_OBJECT_BY_ID, &oi), 0);
	CHECK(!strcmp(oi.name, "web-ip"));
	CHECK(!strcmp(oi.parent_id, "g1"));
	CHECK(!strcmp(oi.type_name, "IPAddress"));
	CHECK_EQ(oi.state, 2);
	CHECK_EQ(clusnotify_get_object(port, cid, CLUSNOTIFY_OBJ_NODE, "nosuch", 0, &oi),
		 -ENOENT);
	CHECK_EQ(clusnotify_get_object(port, cid, CLUSNOTIFY_OBJ_NODE, "n1", 0x80, &oi),
		 -EINVAL);
	CHECK_EQ(clusnotify_get_object(port, cid, CLUSNOTIFY_OBJ_NODE, NULL, 0, &oi),
		 -EINVAL);
}

/* The enumeration batches: type then age order, END on the last batch. */
static void test_list(struct clusnotify_port *port)
{
	struct clusnotify_cluster_entry ce[4];
	struct clusnotify_object_entry e[4];
	uint64_t cursor = 0;
	int n, i, found = 0;

	while ((n = clusnotify_list_clusters(port, &cursor, ce, 4)) > 0)
		for (i = 0; i < n; i++)
			if (ce[i].cluster_id == cid) {
				CHECK(!strcmp(ce[i].name, feed.name));
				CHECK_EQ(ce[i].objects, 3);
				CHECK_EQ(ce[i].state, CLUSNOTIFY_CLUSTER_CONNECTED);
				found++;
			}
	CHECK_EQ(n, 0);
	CHECK_EQ(found, 1);
	CHECK(cursor == CLUSNOTIFY_CURSOR_END);
	/* after the last batch, nothing more, without a call */
	CHECK_EQ(clusnotify_list_clusters(port, &cursor, ce, 4), 0);

	cursor = 0;
	CHECK_EQ(clusnotify_list_objects(port, cid, CLUSNOTIFY_OBJ_NONE, &cursor, e, 2), 2);
	CHECK(cursor != 0 && cursor != CLUSNOTIFY_CURSOR_END);
	CHECK_EQ(e[0].object_type, CLUSNOTIFY_OBJ_GROUP);
	CHECK(!strcmp(e[0].id, "g1") && !strcmp(e[0].parent_id, "n1"));
	CHECK_EQ(e[1].object_type, CLUSNOTIFY_OBJ_RESOURCE);
	CHECK(!strcmp(e[1].type_name, "IPAddress"));
	CHECK_EQ(clusnotify_list_objects(port, cid, CLUSNOTIFY_OBJ_NONE, &cursor, e, 2), 1);
	CHECK(!strcmp(e[0].id, "n1") && !strcmp(e[0].name, "node-one"));
	CHECK(cursor == CLUSNOTIFY_CURSOR_END);
	CHECK_EQ(clusnotify_list_objects(port, cid, CLUSNOTIFY_OBJ_NONE, &cursor, e, 2), 0);

	cursor = 0;
	CHECK_EQ(clusnotify_list_objects(port, cid, CLUSNOTIFY_OBJ_RESOURCE, &cursor, e, 4), 1);
	CHECK(!strcmp(e[0].id, "r1"));
	/* a count above the cap is not an error */
	cursor = 0;
	CHECK_EQ(clusnotify_list_objects(port, cid, 0, &cursor, e, 100000), 3);

	cursor = 0;
	CHECK_EQ(clusnotify_list_objects(port, 0xfffffff0, 0, &cursor, e, 4), -ENOENT);
	CHECK_EQ(clusnotify_list_objects(port, cid, 0x0e, &cursor, e, 4), -EINVAL);
	CHECK_EQ(clusnotify_list_objects(port, cid, 0, &cursor, e, 0), -EINVAL);
	CHECK_EQ(clusnotify_list_objects(port, cid, 0, NULL, e, 4), -EINVAL);
	CHECK_EQ(clusnotify_list_objects(port, cid, 0, &cursor, NULL, 4), -EINVAL);
	CHECK_EQ(clusnotify_list_clusters(NULL, &cursor, ce, 4), -EINVAL);
}

static void test_filters(struct clusnotify_port *port)
{
	struct clusnotify_filter f[CLUSNOTIFY_FILTERS_MAX + 1];
	unsigned int i;

	memset(f, 0, sizeof(f));
	f[0].object_type = CLUSNOTIFY_OBJ_NODE;
	f[0].flags = 0;
	CHECK_EQ(clusnotify_add_filters(port, cid, f, 1, 1), -EINVAL);
	f[0].flags = CLUSNOTIFY_NODE_ALL + 1;
	CHECK_EQ(clusnotify_add_filters(port, cid, f, 1, 1), -EINVAL);
	f[0].object_type = CLUSNOTIFY_OBJ_FAULTDOMAIN;
	f[0].flags = 1;
	CHECK_EQ(clusnotify_add_filters(port, cid, f, 1, 1), -EINVAL);
	f[0].object_type = CLUSNOTIFY_OBJ_NODE;
	f[0].flags = CLUSNOTIFY_NODE_STATE;
	CHECK_EQ(clusnotify_add_filters(port, 0xfffffff0, f, 1, 1), -ENOENT);
	CHECK_EQ(clusnotify_add_filters(port, cid, NULL, 1, 1), -EINVAL);
	for (i = 0; i <= CLUSNOTIFY_FILTERS_MAX; i++)
		f[i] = f[0];
	CHECK_EQ(clusnotify_add_filters(port, cid, f, CLUSNOTIFY_FILTERS_MAX + 1, 1),
		 -E2BIG);
}

static void post_node_state(uint32_t state)
{
	tl_feed(&feed, "event node n1 state payload=u32:%u", state);
	tl_feed_sync(&feed);
}

static void test_events(struct clusnotify_port *port)
{
	struct clusnotify_filter f[2] = {
		{ .object_type = CLUSNOTIFY_OBJ_NODE, .flags = CLUSNOTIFY_NODE_ALL },
		{ .object_type = CLUSNOTIFY_OBJ_CLUSTER, .flags = CLUSNOTIFY_CLUSTER_ALL },
	};
	struct clusnotify_port_stats st;
	struct clusnotify_event ev, ev2;
	uint64_t t0, seq;
	uint32_t v;
	int i;

	CHECK_EQ(clusnotify_add_filters(port, cid, f, 2, 0x1122334455667788ULL), 0);
	CHECK_EQ(clusnotify_wait(port, 0), -ETIMEDOUT);
	t0 = tl_now_ms();
	CHECK_EQ(clusnotify_read_event(port, &ev, 150), -ETIMEDOUT);
	CHECK(tl_now_ms() - t0 >= 150);

	post_node_state(1);
	CHECK_EQ(clusnotify_wait(port, 5000), 0);
	CHECK_EQ(clusnotify_peek_event(port, &ev, 5000), 0);
	seq = ev.seq;
	CHECK(seq > 0);
	CHECK_EQ(ev.object_type, CLUSNOTIFY_OBJ_NODE);
	CHECK_EQ(ev.filter_flag, CLUSNOTIFY_NODE_STATE);
	CHECK_EQ(ev.cluster_id, cid);
	CHECK_EQ(ev.key, 0x1122334455667788ULL);
	CHECK(!strcmp(ev.object_id, "n1") && ev.id_len == 2);
	CHECK(!strcmp(ev.name, "node-one") && ev.name_len == 8);
	CHECK(ev.parent_len == 0 && !strcmp(ev.parent_id, ""));
	CHECK(ev.timestamp_ns > 0);
	CHECK_EQ(ev.payload_len, 4);
	memcpy(&v, ev.payload, 4);
	CHECK_EQ(v, 1);
	CHECK_EQ(ev.flags, 0);
	clusnotify_release_event(port);
	/* Released, not consumed: the same event again. */
	CHECK_EQ(clusnotify_peek_event(port, &ev2, 0), 0);
	CHECK_EQ(ev2.seq, seq);
	clusnotify_consume_event(port);
	CHECK_EQ(clusnotify_read_event(port, &ev, 0), -ETIMEDOUT);

	/* Many records in one read(), handed out one by one. */
	for (i = 0; i < 40; i++)
		tl_feed(&feed, "event node n1 common_property payload=hex:%02x", i);
	tl_feed_sync(&feed);
	for (i = 0; i < 40; i++) {
		CHECK_EQ(clusnotify_read_event(port, &ev, 5000), 0);
		CHECK_EQ(ev.seq, seq + 1 + i);
		CHECK_EQ(ev.filter_flag, CLUSNOTIFY_NODE_COMMON_PROPERTY);
		CHECK_EQ(ev.payload_len, 1);
		CHECK_EQ(*(const unsigned char *)ev.payload, i);
	}
	CHECK_EQ(clusnotify_read_event(port, &ev, 0), -ETIMEDOUT);

	CHECK_EQ(clusnotify_port_stats(port, &st), 0);
	CHECK_EQ(st.matched, st.delivered + st.lost);
	CHECK_EQ(st.delivered, 41);
	CHECK_EQ(st.read, 41);
	CHECK_EQ(st.queued, 0);
	CHECK_EQ(st.filters, 2);
	CHECK_EQ(st.clusters, 1);
	CHECK_EQ(clusnotify_port_stats(port, NULL), -EINVAL);

	/* Snapshot: the cluster's state and the node's, marked, first. */
	CHECK_EQ(clusnotify_snapshot(port), 0);
	for (i = 0; i < 2; i++) {
		CHECK_EQ(clusnotify_read_event(port, &ev, 5000), 0);
		CHECK(ev.flags & CLUSNOTIFY_RECORD_SNAPSHOT);
		CHECK_EQ(ev.payload_len, 4);
		memcpy(&v, ev.payload, 4);
		if (ev.object_type == CLUSNOTIFY_OBJ_CLUSTER) {
			CHECK_EQ(ev.filter_flag, CLUSNOTIFY_CLUSTER_STATE);
			CHECK_EQ(v, CLUSNOTIFY_CLUSTER_CONNECTED);
		} else {
			CHECK_EQ(ev.object_type, CLUSNOTIFY_OBJ_NODE);
			CHECK_EQ(ev.filter_flag, CLUSNOTIFY_NODE_STATE);
			CHECK_EQ(v, 1);
		}
	}
	/* Then the end-of-snapshot marker: live events follow from seq + 1. */
	CHECK_EQ(clusnotify_read_event(port, &ev, 5000), 0);
	CHECK(ev.flags & CLUSNOTIFY_RECORD_SNAPSHOT_END);
	CHECK_EQ(ev.filter_flag, 0);
	CHECK_EQ(ev.cluster_id, cid);
	CHECK_EQ(clusnotify_read_event(port, &ev, 0), -ETIMEDOUT);
}

/*
 * A resume through the library: what the journal holds after (epoch, seq)
 * first, then live; a made-up epoch gives one GAP naming the real one.
 */
static void test_resume(void)
{
	struct clusnotify_filter f = { .object_type = CLUSNOTIFY_OBJ_NODE,
				       .flags = CLUSNOTIFY_NODE_STATE };
	struct clusnotify_event_info info = { .size = sizeof(info) };
	struct clusnotify_port *a = open_port(), *g = open_port();
	struct clusnotify_cluster_info ci;
	struct clusnotify_event ev;
	uint64_t from;

	CHECK_EQ(clusnotify_get_cluster(a, NULL, &ci), 0);
	CHECK(ci.epoch != 0);
	from = ci.seq;
	post_node_state(3);
	post_node_state(4);
	CHECK_EQ(clusnotify_add_filters_since(a, cid, &f, 1, 5, ci.epoch, from), 0);
	CHECK_EQ(clusnotify_add_filters_since(g, cid, &f, 1, 6, ci.epoch ^ 1, from), 0);
	CHECK_EQ(clusnotify_add_filters_since(a, cid, NULL, 1, 5, ci.epoch, from),
		 -EINVAL);
	CHECK_EQ(clusnotify_add_filters_since(a, cid, &f, 1, 5, ci.epoch, from + 99),
		 -EINVAL);

	CHECK_EQ(clusnotify_read_event(a, &ev, 5000), 0);
	CHECK_EQ(ev.seq, from + 1);
	CHECK_EQ(clusnotify_event_info(a, &ev, &info), 0);
	CHECK_EQ(info.epoch, ci.epoch);
	CHECK_EQ(info.hdr_len, sizeof(struct clusnotify_record));
	CHECK_EQ(info.prev_owner_len, 0);
	CHECK_EQ(info.prev_owner[0], '\0');
	CHECK_EQ(clusnotify_read_event(a, &ev, 5000), 0);
	CHECK_EQ(ev.seq, from + 2);
	/* 3 -> 4: the state before */
	CHECK_EQ(clusnotify_event_info(a, &ev, &info), 0);
	CHECK_EQ(info.prev_state, 3);

	CHECK_EQ(clusnotify_peek_event(g, &ev, 5000), 0);
	CHECK(ev.flags & CLUSNOTIFY_RECORD_GAP);
	CHECK_EQ(clusnotify_event_info(g, &ev, &info), 0);
	CHECK_EQ(info.epoch, ci.epoch);
	CHECK_EQ(info.range_first, 1);
	CHECK_EQ(info.range_last, from + 2);
	clusnotify_consume_event(g);
	info.size = 4;
	CHECK_EQ(clusnotify_event_info(g, &ev, &info), -EINVAL);
	clusnotify_port_close(a);
	clusnotify_port_close(g);
}

static void test_register(void)
{
	struct clusnotify_port *port = open_port();
	struct clusnotify_event ev;
	uint64_t reg = 0;

	CHECK_EQ(clusnotify_register(port, cid, CLUSNOTIFY_OBJ_GROUP, "g1",
				     CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_HANDLE_CLOSE,
				     7, &reg), 0);
	CHECK(reg != 0);
	/* An empty id is every group: a registration of its own, removable. */
	uint64_t every = 0;

	CHECK_EQ(clusnotify_register(port, cid, CLUSNOTIFY_OBJ_GROUP, "",
				     CLUSNOTIFY_GROUP_STATE, 7, &every), 0);
	CHECK(every != 0 && every != reg);
	CHECK_EQ(clusnotify_unregister(port, every), 0);
	CHECK_EQ(clusnotify_register(port, cid, CLUSNOTIFY_OBJ_GROUP, "g1", 0, 7, NULL),
		 -EINVAL);
	CHECK_EQ(clusnotify_register(port, cid, CLUSNOTIFY_OBJ_GROUP, NULL,
				     CLUSNOTIFY_GROUP_STATE, 7, NULL), -EINVAL);
	CHECK_EQ(clusnotify_register(port, 0xfffffff0, CLUSNOTIFY_OBJ_GROUP, "g1",
				     CLUSNOTIFY_GROUP_STATE, 7, NULL), -ENOENT);

	/* Only g1's state: not g2's, not g1's other flags. */
	tl_feed(&feed, "object group g2 db parent=n1 state=online");
	tl_feed(&feed, "event group g2 state payload=u32:1");
	tl_feed(&feed, "event group g1 owner_node payload=str:n1");
	tl_feed(&feed, "event group g1 state payload=u32:2");
	tl_feed_sync(&feed);
	CHECK_EQ(clusnotify_read_event(port, &ev, 5000), 0);
	CHECK_EQ(ev.object_type, CLUSNOTIFY_OBJ_GROUP);
	CHECK(!strcmp(ev.object_id, "g1"));
	CHECK_EQ(ev.filter_flag, CLUSNOTIFY_GROUP_STATE);
	CHECK(!strcmp(ev.parent_id, "n1"));
	CHECK_EQ(ev.key, 7);
	CHECK_EQ(clusnotify_read_event(port, &ev, 0), -ETIMEDOUT);

	CHECK_EQ(clusnotify_unregister(port, reg), 0);
	CHECK_EQ(clusnotify_read_event(port, &ev, 5000), 0);
	CHECK_EQ(ev.filter_flag, CLUSNOTIFY_GROUP_HANDLE_CLOSE);
	CHECK(!strcmp(ev.object_id, "g1"));
	CHECK(!strcmp(ev.name, "web"));
	CHECK_EQ(ev.key, 7);
	CHECK(ev.flags & CLUSNOTIFY_RECORD_SYNTHETIC);
	CHECK_EQ(clusnotify_unregister(port, reg), -ENOENT);
	CHECK_EQ(clusnotify_unregister(port, 0), -ENOENT);
	clusnotify_port_close(port);
}

static void *blocked_reader(void *arg)
{
	struct clusnotify_event ev;

	return (void *)(intptr_t)clusnotify_peek_event(arg, &ev, -1);
}

static void test_shutdown(void)
{
	struct clusnotify_port *port = open_port();
	struct clusnotify_filter f = {
		.object_type = CLUSNOTIFY_OBJ_NODE, .flags = CLUSNOTIFY_NODE_STATE,
	};
	struct clusnotify_port_stats st;
	struct clusnotify_event ev;
	pthread_t th;
	void *ret;
	uint64_t t0;

	CHECK_EQ(clusnotify_add_filters(port, cid, &f, 1, 0), 0);
	CHECK_EQ(pthread_create(&th, NULL, blocked_reader, port), 0);
	usleep(200 * 1000);
	t0 = tl_now_ms();
	CHECK_EQ(clusnotify_port_shutdown(port), 0);
	CHECK_EQ(pthread_join(th, &ret), 0);
	CHECK_EQ((intptr_t)ret, -ESHUTDOWN);
	CHECK(tl_now_ms() - t0 < 2000);
	CHECK_EQ(clusnotify_read_event(port, &ev, 0), -ESHUTDOWN);
	CHECK_EQ(clusnotify_wait(port, 0), -ESHUTDOWN);
	CHECK_EQ(clusnotify_add_filters(port, cid, &f, 1, 0), -ESHUTDOWN);
	CHECK_EQ(clusnotify_port_stats(port, &st), -ESHUTDOWN);
	CHECK_EQ(clusnotify_port_shutdown(port), -ESHUTDOWN);
	clusnotify_port_close(port);
}

static void test_attach(void)
{
	struct clusnotify_port_stats st;
	struct clusnotify_port *port;
	int fd;

	fd = open("/dev/clusnotify", O_RDWR | O_CLOEXEC);
	CHECK(fd >= 0);
	CHECK_EQ(clusnotify_port_attach(&port, fd), 0);
	CHECK_EQ(clusnotify_port_fd(port), fd);
	CHECK(fcntl(fd, F_GETFL) & O_NONBLOCK);
	CHECK_EQ(clusnotify_port_stats(port, &st), 0);
	CHECK_EQ(st.filters, 0);
	clusnotify_port_close(port);
	CHECK_EQ(clusnotify_port_attach(&port, -1), -EINVAL);
	CHECK_EQ(clusnotify_port_attach(NULL, 0), -EINVAL);
	CHECK_EQ(clusnotify_port_open(NULL), -EINVAL);
	CHECK_EQ(clusnotify_port_fd(NULL), -EINVAL);
	clusnotify_port_close(NULL);
}

int main(void)
{
	struct clusnotify_port *port;

	test_names();
	tl_require();
	tl_feed_start(&feed, "native");
	tl_feed(&feed, "object node n1 node-one state=up");
	tl_feed(&feed, "object resource r1 web-ip parent=g1 type-name=IPAddress state=online");
	tl_feed(&feed, "object group g1 web parent=n1 state=online");
	tl_feed_sync(&feed);

	port = open_port();
	test_lookups(port);
	test_list(port);
	test_filters(port);
	test_events(port);
	clusnotify_port_close(port);
	test_resume();
	test_register();
	test_shutdown();
	test_attach();
	tl_feed_stop(&feed);
	return 0;
}
