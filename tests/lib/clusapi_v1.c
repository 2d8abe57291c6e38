// SPDX-License-Identifier: GPL-2.0
/*
 * clusapi.h: the V1 functions, their mapping to and from V2, and their error
 * paths. Also built with -m32.
 */
#include <pthread.h>
#include <stdint.h>
#include <unistd.h>

#include <clusapi.h>

#include "helpers.h"

static struct tl_feed feed;
static HCLUSTER hc;

#define BOGUS(T)	((T)(uintptr_t)0x12340)

struct v1note {
	DWORD err;
	DWORD_PTR key;
	DWORD type;
	WCHAR name[256];
	DWORD cch;
};

static DWORD get1(HCHANGE h, struct v1note *n, DWORD ms)
{
	n->cch = 256;
	n->key = 0;
	n->type = 0;
	n->err = GetClusterNotify(h, &n->key, &n->type, n->name, &n->cch, ms);
	return n->err;
}

static void post(const char *line)
{
	tl_feed(&feed, "%s", line);
	tl_feed_sync(&feed);
}

struct waiter {
	HCHANGE h;
	DWORD err;
	uint64_t woke;
};

static void *wait_forever(void *arg)
{
	struct waiter *w = arg;
	struct v1note n;

	w->err = get1(w->h, &n, INFINITE);
	w->woke = tl_now_ms();
	return NULL;
}

int main(void)
{
	const DWORD filter = CLUSTER_CHANGE_NODE_STATE | CLUSTER_CHANGE_NODE_ADDED |
			     CLUSTER_CHANGE_GROUP_STATE | CLUSTER_CHANGE_CLUSTER_STATE |
			     CLUSTER_CHANGE_CLUSTER_RECONNECT | CLUSTER_CHANGE_HANDLE_CLOSE;
	NOTIFY_FILTER_AND_TYPE f2 = { CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2 };
	WCHAR small[3];
	struct waiter w;
	struct v1note n;
	HRESOURCE r;
	HCHANGE h, v2;
	pthread_t th;
	DWORD cch, type;
	DWORD_PTR key;
	uint64_t t0;
	char name[64];

	tl_require();
	tl_feed_start(&feed, "capi1");
	tl_feed(&feed, "object node n1 node-one state=up");
	tl_feed(&feed, "object group g1 web parent=n1 state=online");
	tl_feed(&feed, "object resource r1 web-ip parent=g1 type-name=IPAddress state=online");
	tl_feed_sync(&feed);
	snprintf(name, sizeof(name), "%s", feed.name);
	hc = OpenCluster(tl_u16(name));
	CHECK(hc != NULL);

	h = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hc, filter, 0x55);
	CHECK(h != NULL);
	CHECK(CreateClusterNotifyPort(h, hc, CLUSTER_CHANGE_NETWORK_STATE, 0x56) == h);
	CHECK(CreateClusterNotifyPort(h, NULL, CLUSTER_CHANGE_NETWORK_STATE, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK(CreateClusterNotifyPort(BOGUS(HCHANGE), hc, filter, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);
	CHECK(CreateClusterNotifyPort(INVALID_HANDLE_VALUE, BOGUS(HCLUSTER), filter, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_HANDLE);

	post("event node n1 state payload=u32:1");
	CHECK_EQ(get1(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.type, CLUSTER_CHANGE_NODE_STATE);
	CHECK_EQ(n.key, 0x55);
	CHECK(tl_u16eq(n.name, "node-one"));
	CHECK_EQ(n.cch, 8);

	post("event cluster n2 node_added name=node-two");
	CHECK_EQ(get1(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.type, CLUSTER_CHANGE_NODE_ADDED);
	CHECK(tl_u16eq(n.name, "node-two"));

	post("object network net1 public state=up");
	post("event network net1 state payload=u32:1");
	CHECK_EQ(get1(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.type, CLUSTER_CHANGE_NETWORK_STATE);
	CHECK_EQ(n.key, 0x56);
	CHECK(tl_u16eq(n.name, "public"));

	/* Not subscribed: nothing; the deadline holds. */
	post("event resource r1 state payload=u32:3");
	t0 = tl_now_ms();
	CHECK_EQ(get1(h, &n, 200), WAIT_TIMEOUT);
	CHECK(tl_now_ms() - t0 >= 200);

	/* ERROR_MORE_DATA leaves the event queued; a size query too. */
	post("event group g1 state payload=u32:2");
	cch = 3;
	CHECK_EQ(GetClusterNotify(h, &key, &type, small, &cch, 5000), ERROR_MORE_DATA);
	CHECK_EQ(cch, 3);
	cch = 0;
	CHECK_EQ(GetClusterNotify(h, &key, &type, NULL, &cch, 0), ERROR_MORE_DATA);
	CHECK_EQ(cch, 3);
	CHECK_EQ(GetClusterNotify(h, &key, &type, small, NULL, 0), ERROR_INVALID_PARAMETER);
	CHECK_EQ(get1(h, &n, 0), ERROR_SUCCESS);
	CHECK_EQ(n.type, CLUSTER_CHANGE_GROUP_STATE);
	CHECK(tl_u16eq(n.name, "web"));
	CHECK_EQ(n.cch, 3);

	/* One object: its handle's type picks the V1 bits that apply. */
	r = OpenClusterResource(hc, u"web-ip");
	CHECK(r != NULL);
	CHECK_EQ(RegisterClusterNotify(h, CLUSTER_CHANGE_NODE_STATE, r, 0x66),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(RegisterClusterNotify(h, CLUSTER_CHANGE_RESOURCE_STATE, BOGUS(HANDLE), 0x66),
		 ERROR_INVALID_HANDLE);
	CHECK_EQ(RegisterClusterNotify(BOGUS(HCHANGE), CLUSTER_CHANGE_RESOURCE_STATE, r, 0x66),
		 ERROR_INVALID_HANDLE);
	CHECK_EQ(RegisterClusterNotify(h, CLUSTER_CHANGE_RESOURCE_STATE |
				       CLUSTER_CHANGE_HANDLE_CLOSE, r, 0x66),
		 ERROR_SUCCESS);
	post("event resource r1 state payload=u32:2");
	CHECK_EQ(get1(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.type, CLUSTER_CHANGE_RESOURCE_STATE);
	CHECK_EQ(n.key, 0x66);
	CHECK(tl_u16eq(n.name, "web-ip"));
	CHECK(CloseClusterResource(r));
	CHECK_EQ(get1(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.type, CLUSTER_CHANGE_HANDLE_CLOSE);
	CHECK_EQ(n.key, 0x66);
	CHECK(tl_u16eq(n.name, "web-ip"));

	/* V1 and V2 do not mix on a port. */
	v2 = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, &f2, 1, 0);
	CHECK(v2 != NULL);
	CHECK(CreateClusterNotifyPort(v2, hc, filter, 1) == NULL);
	CHECK_EQ(GetLastError(), ERROR_INVALID_PARAMETER);
	CHECK_EQ(RegisterClusterNotify(v2, CLUSTER_CHANGE_CLUSTER_STATE, hc, 1),
		 ERROR_INVALID_PARAMETER);
	CHECK_EQ(get1(v2, &n, 0), ERROR_INVALID_PARAMETER);
	CHECK(CloseClusterNotifyPort(v2));

	/* The cluster goes away and comes back: named by the cluster's name. */
	tl_feed_stop(&feed);
	CHECK_EQ(get1(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.type, CLUSTER_CHANGE_CLUSTER_STATE);
	CHECK(tl_u16eq(n.name, name));
	tl_feed_start_named(&feed, name);
	CHECK_EQ(get1(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.type, CLUSTER_CHANGE_CLUSTER_RECONNECT);
	CHECK(tl_u16eq(n.name, name));

	/* A waiter wakes when another thread closes the port. */
	w.h = h;
	CHECK_EQ(pthread_create(&th, NULL, wait_forever, &w), 0);
	usleep(300 * 1000);
	t0 = tl_now_ms();
	CHECK(CloseClusterNotifyPort(h));
	CHECK_EQ(pthread_join(th, NULL), 0);
	CHECK_EQ(w.err, ERROR_INVALID_HANDLE);
	CHECK(w.woke - t0 < 2000);
	CHECK_EQ(get1(h, &n, 0), ERROR_INVALID_HANDLE);
	CHECK_EQ(RegisterClusterNotify(h, CLUSTER_CHANGE_CLUSTER_STATE, hc, 1),
		 ERROR_INVALID_HANDLE);

	CHECK(CloseCluster(hc));
	tl_feed_stop(&feed);
	return 0;
}
