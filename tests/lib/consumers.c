// SPDX-License-Identifier: GPL-2.0
/*
 * The seven things real consumers do (API-REFERENCE.md, last section), each
 * as such a consumer writes it. Also built with -m32.
 */
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <unistd.h>

#include <linux/clusnotify.h>

#include "capi.h"
#include "helpers.h"

static struct tl_feed feed;
static HCLUSTER hc;

static void post(const char *line)
{
	tl_feed(&feed, "%s", line);
	tl_feed_sync(&feed);
}

static HCHANGE node_port(DWORD_PTR key)
{
	NOTIFY_FILTER_AND_TYPE f[2] = {
		{ CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_CLUSTER, CLUSTER_CHANGE_CLUSTER_ALL_V2 },
	};
	HCHANGE h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, f, 2, key);

	CHECK(h != NULL);
	return h;
}

/* 1. Block with INFINITE; another thread closes the port to stop. */
struct blocked {
	HCHANGE h;
	DWORD err;
	uint64_t woke;
};

static void *block_infinite(void *arg)
{
	struct blocked *b = arg;
	struct note n;

	b->err = get_note(b->h, &n, INFINITE);
	b->woke = tl_now_ms();
	return NULL;
}

static void pattern1(void)
{
	struct blocked b = { .h = node_port(0) };
	pthread_t th;
	uint64_t t0;

	CHECK_EQ(pthread_create(&th, NULL, block_infinite, &b), 0);
	usleep(300 * 1000);
	t0 = tl_now_ms();
	CHECK(CloseClusterNotifyPort(b.h));
	CHECK_EQ(pthread_join(th, NULL), 0);
	CHECK_EQ(b.err, ERROR_INVALID_HANDLE);
	CHECK(b.woke - t0 < 1000);
}

/* 2. Loop with a timeout, checking a stop flag between calls. */
static atomic_bool stop;

static void *stopper(void *arg)
{
	(void)arg;
	usleep(1200 * 1000);
	atomic_store(&stop, true);
	return NULL;
}

static void pattern2(void)
{
	HCHANGE h = node_port(0);
	unsigned int got = 0;
	pthread_t th;
	struct note n;
	uint64_t t0;

	post("event node n1 state payload=u32:0");
	CHECK_EQ(pthread_create(&th, NULL, stopper, NULL), 0);
	t0 = tl_now_ms();
	while (!atomic_load(&stop)) {
		DWORD err = get_note(h, &n, 500);

		if (err == ERROR_SUCCESS)
			got++;
		else
			CHECK_EQ(err, WAIT_TIMEOUT);
	}
	CHECK_EQ(pthread_join(th, NULL), 0);
	CHECK_EQ(got, 1);
	CHECK(tl_now_ms() - t0 < 1200 + 500 + 500);
	CHECK(CloseClusterNotifyPort(h));
}

/* 3. Wait on the event handle with poll among other fds; drain with 0. */
static void pattern3(void)
{
	HCHANGE h = node_port(0);
	struct pollfd pfd[2];
	unsigned int got = 0, pipe_seen = 0;
	int p[2];
	HANDLE ev;
	struct note n;
	uint64_t deadline = tl_now_ms() + 10000;

	CHECK_EQ(GetNotifyEventHandle(h, &ev), ERROR_SUCCESS);
	CHECK(!pipe(p));
	CHECK_EQ(write(p[1], "x", 1), 1);
	pfd[0].fd = (int)(intptr_t)ev;
	pfd[0].events = POLLIN;
	pfd[1].fd = p[0];
	pfd[1].events = POLLIN;
	tl_feed(&feed, "event node n1 state payload=u32:1");
	tl_feed(&feed, "event node n1 state payload=u32:0");
	tl_feed(&feed, "event node n1 common_property");
	post("event node n1 private_property");
	while (got < 4) {
		CHECK(tl_now_ms() < deadline);
		CHECK(poll(pfd, 2, 1000) >= 0);
		if (pfd[1].revents & POLLIN) {
			char c;

			CHECK_EQ(read(p[0], &c, 1), 1);
			pipe_seen++;
		}
		if (pfd[0].revents & POLLIN)
			while (get_note(h, &n, 0) == ERROR_SUCCESS)
				got++;
	}
	CHECK_EQ(got, 4);
	CHECK_EQ(pipe_seen, 1);
	CHECK_EQ(get_note(h, &n, 0), WAIT_TIMEOUT);
	close(p[0]);
	close(p[1]);
	CHECK(CloseClusterNotifyPort(h));
}

/* 4. On ERROR_MORE_DATA grow every buffer (+1 for strings) and call again. */
static void pattern4(void)
{
	HCHANGE h = node_port(0);
	DWORD size = 1, cid = 1, cparent = 1, cname = 1, ctype = 1, err;
	BYTE *buf = malloc(size);
	WCHAR *id = malloc(sizeof(WCHAR)), *parent = malloc(sizeof(WCHAR));
	WCHAR *name = malloc(sizeof(WCHAR)), *type = malloc(sizeof(WCHAR));
	NOTIFY_FILTER_AND_TYPE ft;
	DWORD_PTR key;
	int calls = 0;

	post("event node ni1 netinterface_added payload=str:n1 name=eth0 parent=n1");
	for (;;) {
		err = GetClusterNotifyV2(h, &key, &ft, buf, &size, id, &cid, parent,
					 &cparent, name, &cname, type, &ctype, 5000);
		calls++;
		if (err != ERROR_MORE_DATA)
			break;
		buf = realloc(buf, size);
		id = realloc(id, ++cid * sizeof(WCHAR));
		parent = realloc(parent, ++cparent * sizeof(WCHAR));
		name = realloc(name, ++cname * sizeof(WCHAR));
		type = realloc(type, ++ctype * sizeof(WCHAR));
	}
	CHECK_EQ(err, ERROR_SUCCESS);
	CHECK_EQ(calls, 2);
	CHECK_EQ(ft.FilterFlags, CLUSTER_CHANGE_NODE_NETINTERFACE_ADDED_V2);
	CHECK(tl_u16eq(id, "ni1") && tl_u16eq(name, "eth0") &&
	      tl_u16eq(parent, "n1"));
	CHECK_EQ(size, 3 * sizeof(WCHAR));
	CHECK(tl_u16eq((WCHAR *)buf, "n1"));
	free(buf);
	free(id);
	free(parent);
	free(name);
	free(type);
	CHECK(CloseClusterNotifyPort(h));
}

/* 5. A pointer as the key, dereferenced when it comes back. */
struct context {
	const char *what;
	unsigned int magic;
};

static void pattern5(void)
{
	static struct context on_data = { "static", 0xc0ffee };
	struct context *on_heap = malloc(sizeof(*on_heap));
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2 };
	struct context *c;
	struct note n;
	HCHANGE h;

	on_heap->what = "heap";
	on_heap->magic = 0xbeef;
	h = node_port((DWORD_PTR)&on_data);
	CHECK(CreateClusterNotifyPortV2(h, hc, &f, 1, (DWORD_PTR)on_heap) == h);
	post("event node n1 state payload=u32:0");
	post("event group g1 state payload=u32:0");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	c = (struct context *)n.key;
	CHECK(c == &on_data && c->magic == 0xc0ffee);
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	c = (struct context *)n.key;
	CHECK(c == on_heap && c->magic == 0xbeef);
	free(on_heap);
	CHECK(CloseClusterNotifyPort(h));
}

/* 6. Check that a state payload is exactly 4 bytes before reading it. */
static void pattern6(void)
{
	HCHANGE h = node_port(0);
	struct note n;
	CLUSTER_NODE_STATE state;

	post("event node n1 state payload=u32:2");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(n.ft.FilterFlags == CLUSTER_CHANGE_NODE_STATE_V2);
	CHECK(n.size == sizeof(DWORD));
	state = (CLUSTER_NODE_STATE)note_dword(&n);
	CHECK_EQ(state, ClusterNodePaused);
	CHECK(CloseClusterNotifyPort(h));
}

/*
 * 7. On LOST_NOTIFICATIONS, RECONNECT or STATE: re-read the cluster's
 * objects and start again.
 */
static unsigned int resyncs;

static void resync(void)
{
	HNODE n = OpenClusterNode(hc, u"n1");

	CHECK(n != NULL);
	CHECK(CloseClusterNode(n));
	resyncs++;
}

static unsigned int max_queued(void)
{
	FILE *f = fopen("/sys/module/clusnotify/parameters/max_queued_events", "r");
	unsigned int n = 1024;

	if (f) {
		CHECK(fscanf(f, "%u", &n) == 1);
		fclose(f);
	}
	return n;
}

static void post_many(unsigned int count)
{
	char path[] = "/tmp/clusnotify-batch-XXXXXX";
	unsigned int i, n;
	FILE *f;
	int fd;

	for (; count; count -= n) {
		n = count > CLUSNOTIFY_EVENTS_MAX ? CLUSNOTIFY_EVENTS_MAX : count;
		fd = mkstemp(path);
		CHECK(fd >= 0);
		f = fdopen(fd, "w");
		for (i = 0; i < n; i++)
			fprintf(f, "node n1 common_property payload=u32:%u\n", i);
		fclose(f);
		CHECK_EQ(tl_cli("post", "--cluster", feed.name, "--batch", path,
				(char *)NULL), 0);
		unlink(path);
		memcpy(path + sizeof(path) - 7, "XXXXXX", 6);
	}
}

static void pattern7(void)
{
	const unsigned int posted = max_queued() + 100;
	HCHANGE h = node_port(0);
	unsigned int events = 0;
	uint64_t lost = 0, count;
	char name[64];
	struct note n;
	DWORD err;

	post_many(posted);
	while ((err = get_note(h, &n, 2000)) == ERROR_SUCCESS) {
		if (n.ft.dwObjectType == CLUSTER_OBJECT_TYPE_CLUSTER &&
		    n.ft.FilterFlags == CLUSTER_CHANGE_CLUSTER_LOST_NOTIFICATIONS_V2) {
			CHECK_EQ(n.size, sizeof(uint64_t));
			memcpy(&count, n.buf, sizeof(count));
			CHECK(count > 0);
			lost += count;
			resync();
			continue;
		}
		events++;
	}
	CHECK_EQ(err, WAIT_TIMEOUT);
	CHECK(lost > 0);
	CHECK_EQ(events + lost, posted);
	CHECK_EQ(resyncs, 1);

	/* The cluster goes away (STATE) and comes back (RECONNECT). */
	snprintf(name, sizeof(name), "%s", feed.name);
	tl_feed_stop(&feed);
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_CLUSTER_STATE_V2);
	CHECK_EQ(n.size, 4);
	CHECK_EQ(note_dword(&n), CLUSNOTIFY_CLUSTER_DISCONNECTED);
	CHECK(tl_u16eq(n.name, name));
	resync();
	tl_feed_start_named(&feed, name);
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_CLUSTER_RECONNECT_V2);
	resync();
	post("event node n1 state payload=u32:0");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_NODE_STATE_V2);
	CHECK(CloseClusterNotifyPort(h));
}

int main(void)
{
	tl_require();
	tl_feed_start(&feed, "consumers");
	tl_feed(&feed, "object node n1 node-one state=up");
	tl_feed(&feed, "object group g1 web parent=n1 state=online");
	tl_feed_sync(&feed);
	hc = OpenCluster(tl_u16(feed.name));
	CHECK(hc != NULL);

	pattern1();
	pattern2();
	pattern3();
	pattern4();
	pattern5();
	pattern6();
	pattern7();
	CHECK(CloseCluster(hc));
	tl_feed_stop(&feed);
	return 0;
}
