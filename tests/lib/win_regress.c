// SPDX-License-Identifier: GPL-2.0
/*
 * Where the library behaved differently from Windows (issue 11), each as a
 * Windows program calls the API: the event handle while events are
 * buffered, a reader thread's wake-up, size queries with NULL buffers,
 * HANDLE_CLOSE on a cluster handle, the cluster's own STATE and RECONNECT,
 * registry SUBTREE watches and their names, errors and names without case.
 *
 * `win_regress [TEST...]` runs the named tests only (all by default).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "capi.h"
#include "helpers.h"

static struct tl_feed feed;
static HCLUSTER hc;

static void post(const char *line)
{
	tl_feed(&feed, "%s", line);
	tl_feed_sync(&feed);
}

static HCHANGE port_v2(DWORD type, LONGLONG flags, DWORD_PTR key)
{
	NOTIFY_FILTER_AND_TYPE f = { type, flags };
	HCHANGE h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, &f, 1, key);

	CHECK(h != NULL);
	return h;
}

static int handle_fd(HCHANGE h)
{
	HANDLE ev = NULL;

	CHECK_EQ(GetNotifyEventHandle(h, &ev), ERROR_SUCCESS);
	return (int)(intptr_t)ev;
}

static int ready(int fd)
{
	struct pollfd pfd = { .fd = fd, .events = POLLIN };

	return poll(&pfd, 1, 0);
}

/*
 * 1. The event handle stays signalled while the port has events, though
 * the library has read them all from the kernel: "wait on the handle, take
 * one, wait again" takes every event, with poll and with epoll.
 */
static void test_event_handle(void)
{
	struct epoll_event ee = { .events = EPOLLIN }, out;
	HCHANGE h = port_v2(CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2, 1);
	int fd = handle_fd(h), ep, i;
	DWORD cname;
	struct note n;

	CHECK_EQ(ready(fd), 0);
	tl_feed(&feed, "event node n1 state payload=state:down");
	tl_feed(&feed, "event node n1 state payload=state:up");
	post("event node n1 state payload=state:paused");
	for (i = 0; i < 3; i++) {
		struct pollfd pfd = { .fd = fd, .events = POLLIN };

		CHECK_EQ(poll(&pfd, 1, 5000), 1);
		CHECK(pfd.revents & POLLIN);
		CHECK_EQ(get_note(h, &n, 0), ERROR_SUCCESS);
	}
	CHECK_EQ(ready(fd), 0);

	/* An event kept by ERROR_MORE_DATA still signals; epoll sees it too. */
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK(ep >= 0);
	CHECK(epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ee) == 0);
	tl_feed(&feed, "event node n1 state payload=state:down");
	post("event node n1 state payload=state:up");
	CHECK_EQ(epoll_wait(ep, &out, 1, 5000), 1);
	CHECK_EQ(get_note(h, &n, 0), ERROR_SUCCESS);
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 1);
	cname = 1;
	CHECK_EQ(GetClusterNotifyV2(h, NULL, NULL, NULL, NULL, NULL, NULL, NULL,
				    NULL, n.name, &cname, NULL, NULL, 0),
		 ERROR_MORE_DATA);
	CHECK_EQ(ready(fd), 1);
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 1);
	CHECK_EQ(get_note(h, &n, 0), ERROR_SUCCESS);
	CHECK_EQ(note_dword(&n), ClusterNodeUp);
	CHECK_EQ(epoll_wait(ep, &out, 1, 0), 0);
	CHECK_EQ(ready(fd), 0);
	close(ep);
	CHECK(CloseClusterNotifyPort(h));
}

/*
 * 2. A reader blocked with INFINITE must not sleep while events wait in the
 * library's buffer. The reader is held inside its wait (a signal handler
 * that blocks) while this thread reads both events into the buffer and takes
 * one: after the handler returns, the reader must get the other.
 */
static int in_handler[2], release_handler[2];
static pid_t reader_tid;
static volatile DWORD reader_err = 0xffffffff;
static int reader_done[2];

static void hold(int sig)
{
	char c = 0;

	(void)sig;
	if (write(in_handler[1], &c, 1) != 1 || read(release_handler[0], &c, 1) != 1)
		_exit(3);
}

static void *reader(void *arg)
{
	struct note n;
	char c = 0;

	reader_tid = (pid_t)syscall(SYS_gettid);
	reader_err = get_note((HCHANGE)arg, &n, INFINITE);
	CHECK(write(reader_done[1], &c, 1) == 1);
	return NULL;
}

/* Whether thread @tid is blocked in poll() or ppoll(). */
static bool in_poll(pid_t tid)
{
	char path[64], buf[64];
	long nr;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/self/task/%d/syscall", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return false;
	nr = fgets(buf, sizeof(buf), f) ? strtol(buf, NULL, 10) : -1;
	fclose(f);
	return nr == SYS_poll || nr == SYS_ppoll;
}

static void test_lost_wakeup(void)
{
	HCHANGE h = port_v2(CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2, 1);
	struct sigaction sa = { .sa_handler = hold };	/* no SA_RESTART */
	struct pollfd done = { .events = POLLIN };
	uint64_t deadline = tl_now_ms() + 10000;
	struct note n;
	pthread_t th;
	char c = 0;

	CHECK(!pipe(in_handler) && !pipe(release_handler) && !pipe(reader_done));
	CHECK(sigaction(SIGUSR1, &sa, NULL) == 0);
	CHECK_EQ(pthread_create(&th, NULL, reader, h), 0);
	while (!reader_tid || !in_poll(reader_tid)) {
		CHECK(tl_now_ms() < deadline);
		usleep(1000);
	}
	CHECK_EQ(pthread_kill(th, SIGUSR1), 0);
	CHECK(read(in_handler[0], &c, 1) == 1);
	/* The reader is inside its wait: two events, this thread takes one. */
	tl_feed(&feed, "event node n1 state payload=state:down");
	post("event node n2 state payload=state:down");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(write(release_handler[1], &c, 1) == 1);
	done.fd = reader_done[0];
	if (poll(&done, 1, 10000) != 1) {
		fprintf(stderr, "the reader sleeps with an event buffered\n");
		exit(1);
	}
	CHECK_EQ(pthread_join(th, NULL), 0);
	CHECK_EQ(reader_err, ERROR_SUCCESS);
	CHECK_EQ(get_note(h, &n, 0), WAIT_TIMEOUT);
	CHECK(CloseClusterNotifyPort(h));
}

/*
 * 3. NULL buffers. An empty payload needs no buffer; a NULL string buffer
 * with its count is a size query: the size comes back with ERROR_MORE_DATA
 * and the event stays, and an empty string needs no buffer either.
 */
static void test_null_buffers(void)
{
	HCHANGE h = port_v2(CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_ALL_V2, 1);
	DWORD size, cid, cparent, cname, ctype, cch, filter;
	WCHAR idbuf[64], namebuf[64], buf[64];
	DWORD_PTR key;
	HCHANGE v1;

	/*
	 * A consumer that gives a buffer only for what is not empty: no
	 * payload, no parent, no type. The event comes at once.
	 */
	post("event node n1 common_property");
	size = cparent = ctype = 0;
	cid = cname = 64;
	CHECK_EQ(GetClusterNotifyV2(h, &key, NULL, NULL, &size, idbuf, &cid, NULL,
				    &cparent, namebuf, &cname, NULL, &ctype, 5000),
		 ERROR_SUCCESS);
	CHECK_EQ(size, 0);
	CHECK(tl_u16eq(idbuf, "n1") && tl_u16eq(namebuf, "node-one"));
	CHECK(cid == 2 && cname == 8 && cparent == 0 && ctype == 0);

	/* A pure size query: ERROR_MORE_DATA, the sizes, the event stays. */
	post("event node n1 state payload=state:down");
	size = cid = cparent = cname = ctype = 0;
	CHECK_EQ(GetClusterNotifyV2(h, &key, NULL, NULL, &size, NULL, &cid, NULL,
				    &cparent, NULL, &cname, NULL, &ctype, 5000),
		 ERROR_MORE_DATA);
	CHECK_EQ(size, 4);
	CHECK_EQ(cid, 2);
	CHECK_EQ(cname, 8);
	CHECK_EQ(cparent, 0);
	CHECK_EQ(ctype, 0);
	cname = 64;
	CHECK_EQ(GetClusterNotifyV2(h, &key, NULL, NULL, NULL, NULL, NULL, NULL,
				    &cparent, buf, &cname, NULL, &ctype, 0),
		 ERROR_SUCCESS);
	CHECK(tl_u16eq(buf, "node-one"));
	CHECK(CloseClusterNotifyPort(h));

	/* V1: a NULL name with its count asks the size, then the name comes. */
	v1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hc,
				     CLUSTER_CHANGE_NODE_STATE, 5);
	CHECK(v1 != NULL);
	post("event node n2 state payload=state:up");
	cch = 0;
	CHECK_EQ(GetClusterNotify(v1, &key, &filter, NULL, &cch, 5000),
		 ERROR_MORE_DATA);
	CHECK_EQ(cch, 8);
	cch = 9;
	CHECK_EQ(GetClusterNotify(v1, &key, &filter, buf, &cch, 0), ERROR_SUCCESS);
	CHECK(tl_u16eq(buf, "node-two") && cch == 8 && key == 5 &&
	      filter == CLUSTER_CHANGE_NODE_STATE);
	CHECK(CloseClusterNotifyPort(v1));
}

/* 4. HANDLE_CLOSE for a cluster handle; CloseCluster ends its registrations. */
static void test_cluster_handle_close(void)
{
	NOTIFY_FILTER_AND_TYPE f = {
		CLUSTER_OBJECT_TYPE_CLUSTER,
		CLUSTER_CHANGE_CLUSTER_HANDLE_CLOSE_V2 |
		CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2,
	};
	HCHANGE h = port_v2(CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2, 1);
	HCLUSTER other = OpenCluster(tl_u16(feed.name));
	DWORD cch, filter;
	DWORD_PTR key;
	WCHAR buf[64];
	struct note n;
	HCHANGE v1;

	CHECK(other != NULL);
	CHECK_EQ(RegisterClusterNotifyV2(h, f, other, 2), ERROR_SUCCESS);
	post("event cluster g1 group_added");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 2 && n.ft.FilterFlags == CLUSTER_CHANGE_CLUSTER_GROUP_ADDED_V2);
	CHECK(CloseCluster(other));
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.key, 2);
	CHECK_EQ(n.ft.dwObjectType, CLUSTER_OBJECT_TYPE_CLUSTER);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_CLUSTER_HANDLE_CLOSE_V2);
	/* Nothing more through the closed handle: the node event comes next. */
	tl_feed(&feed, "event cluster g1 group_added");
	post("event node n1 state payload=state:up");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 1 && n.ft.dwObjectType == CLUSTER_OBJECT_TYPE_NODE);
	CHECK_EQ(get_note(h, &n, 0), WAIT_TIMEOUT);
	CHECK(CloseClusterNotifyPort(h));

	/* V1 the same. */
	other = OpenCluster(tl_u16(feed.name));
	v1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hc,
				     CLUSTER_CHANGE_NODE_STATE, 1);
	CHECK(other && v1);
	CHECK_EQ(RegisterClusterNotify(v1, CLUSTER_CHANGE_HANDLE_CLOSE |
				       CLUSTER_CHANGE_GROUP_ADDED, other, 3),
		 ERROR_SUCCESS);
	CHECK(CloseCluster(other));
	cch = 64;
	CHECK_EQ(GetClusterNotify(v1, &key, &filter, buf, &cch, 5000), ERROR_SUCCESS);
	CHECK(key == 3 && filter == CLUSTER_CHANGE_HANDLE_CLOSE);
	CHECK(tl_u16eq(buf, feed.name));	/* the object being closed */
	tl_feed(&feed, "event cluster g1 group_added");
	post("event node n1 state payload=state:up");
	cch = 64;
	CHECK_EQ(GetClusterNotify(v1, &key, &filter, buf, &cch, 5000), ERROR_SUCCESS);
	CHECK(key == 1 && filter == CLUSTER_CHANGE_NODE_STATE);
	CHECK(CloseClusterNotifyPort(v1));
}

/*
 * 5. The cluster's own STATE and RECONNECT go only to filters that ask for
 * them, with their keys (a pointer here), as Windows' client library
 * delivers them; V1 ports get CLUSTER_STATE only when they ask.
 */
static void test_cluster_state(void)
{
	static int cookie;
	NOTIFY_FILTER_AND_TYPE f[2] = {
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_CLUSTER, CLUSTER_CHANGE_CLUSTER_STATE_V2 |
		  CLUSTER_CHANGE_CLUSTER_RECONNECT_V2 },
	};
	HCHANGE quiet, asks, v1_quiet, v1_asks;
	DWORD cch, filter;
	char name[64];
	DWORD_PTR key;
	WCHAR buf[64];
	struct note n;

	quiet = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, f, 1, 1);
	asks = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, f, 1, 1);
	CHECK(quiet && asks);
	CHECK(CreateClusterNotifyPortV2(asks, hc, f + 1, 1, (DWORD_PTR)&cookie) == asks);
	v1_quiet = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hc,
					   CLUSTER_CHANGE_GROUP_STATE, 3);
	v1_asks = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hc,
					  CLUSTER_CHANGE_GROUP_STATE |
					  CLUSTER_CHANGE_CLUSTER_STATE |
					  CLUSTER_CHANGE_CLUSTER_RECONNECT, 4);
	CHECK(v1_quiet && v1_asks);

	/* The feeder leaves (STATE), comes back (RECONNECT), then a group event. */
	snprintf(name, sizeof(name), "%s", feed.name);
	tl_feed_stop(&feed);
	tl_feed_start_named(&feed, name);
	post("event group g1 state payload=state:online");

	CHECK_EQ(get_note(quiet, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.dwObjectType, CLUSTER_OBJECT_TYPE_GROUP);
	CHECK_EQ(n.key, 1);

	CHECK_EQ(get_note(asks, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_CLUSTER_STATE_V2);
	CHECK_EQ(n.key, (DWORD_PTR)&cookie);
	CHECK_EQ(get_note(asks, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_CLUSTER_RECONNECT_V2);
	CHECK_EQ(n.key, (DWORD_PTR)&cookie);
	CHECK_EQ(get_note(asks, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 1 && n.ft.dwObjectType == CLUSTER_OBJECT_TYPE_GROUP);

	cch = 64;
	CHECK_EQ(GetClusterNotify(v1_quiet, &key, &filter, buf, &cch, 5000),
		 ERROR_SUCCESS);
	CHECK_EQ(filter, CLUSTER_CHANGE_GROUP_STATE);
	cch = 64;
	CHECK_EQ(GetClusterNotify(v1_asks, &key, &filter, buf, &cch, 5000),
		 ERROR_SUCCESS);
	CHECK(filter == CLUSTER_CHANGE_CLUSTER_STATE && key == 4);
	CHECK(tl_u16eq(buf, name));
	cch = 64;
	CHECK_EQ(GetClusterNotify(v1_asks, &key, &filter, buf, &cch, 5000),
		 ERROR_SUCCESS);
	CHECK(filter == CLUSTER_CHANGE_CLUSTER_RECONNECT && key == 4);
	cch = 64;
	CHECK_EQ(GetClusterNotify(v1_asks, &key, &filter, buf, &cch, 5000),
		 ERROR_SUCCESS);
	CHECK_EQ(filter, CLUSTER_CHANGE_GROUP_STATE);

	CHECK(CloseClusterNotifyPort(quiet));
	CHECK(CloseClusterNotifyPort(asks));
	CHECK(CloseClusterNotifyPort(v1_quiet));
	CHECK(CloseClusterNotifyPort(v1_asks));
}

/* 6a. A key that does not exist cannot be opened; names without case. */
static void test_registry_open(void)
{
	HKEY root, key, missing = NULL;

	root = GetClusterKey(hc, KEY_READ);
	CHECK(root != NULL);
	CHECK_EQ(ClusterRegOpenKey(root, u"NoSuchKey", KEY_READ, &missing),
		 ERROR_FILE_NOT_FOUND);
	CHECK(missing == NULL);
	CHECK_EQ(ClusterRegOpenKey(root, u"Parameters\\Nope", KEY_READ, &missing),
		 ERROR_FILE_NOT_FOUND);
	CHECK_EQ(ClusterRegOpenKey(root, u"parameters\\DISK", KEY_READ, &key),
		 ERROR_SUCCESS);
	CHECK_EQ(ClusterRegOpenKey(key, u"Nope", KEY_READ, &missing),
		 ERROR_FILE_NOT_FOUND);
	CHECK_EQ(ClusterRegCloseKey(key), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegOpenKey(root, u"", KEY_READ, &key), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegCloseKey(key), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegCloseKey(root), ERROR_SUCCESS);
}

/*
 * 6b. A VALUE|SUBTREE watch on a key sees the keys under it, one without
 * SUBTREE only the key; a cluster-wide registry filter watches the root key,
 * so it sees subkeys only with SUBTREE (MS-CMRP 3.1.4.2.137). V1 reports the
 * changed key relative to the watched one.
 */
static void test_registry_subtree(void)
{
	NOTIFY_FILTER_AND_TYPE f = {
		CLUSTER_OBJECT_TYPE_REGISTRY,
		CLUSTER_CHANGE_REGISTRY_VALUE_V2 | CLUSTER_CHANGE_REGISTRY_SUBTREE_V2,
	};
	HKEY root, params, flat;
	HCHANGE h, wide, v1;
	DWORD cch, filter;
	DWORD_PTR key;
	WCHAR buf[64];
	struct note n;

	root = GetClusterKey(hc, KEY_READ);
	CHECK(root != NULL);
	CHECK_EQ(ClusterRegOpenKey(root, u"Parameters", KEY_READ, &params),
		 ERROR_SUCCESS);
	CHECK_EQ(ClusterRegOpenKey(root, u"Parameters", KEY_READ, &flat),
		 ERROR_SUCCESS);
	h = port_v2(CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2, 1);
	CHECK_EQ(RegisterClusterNotifyV2(h, f, params, 7), ERROR_SUCCESS);
	f.FilterFlags = CLUSTER_CHANGE_REGISTRY_VALUE_V2;
	CHECK_EQ(RegisterClusterNotifyV2(h, f, flat, 8), ERROR_SUCCESS);
	wide = port_v2(CLUSTER_OBJECT_TYPE_REGISTRY, CLUSTER_CHANGE_REGISTRY_VALUE_V2, 9);
	f.FilterFlags |= CLUSTER_CHANGE_REGISTRY_SUBTREE_V2;
	CHECK(CreateClusterNotifyPortV2(wide, hc, &f, 1, 10) == wide);

	tl_feed(&feed, "event registry Parameters\\Disk\\Timeouts value name=Retry");
	post("event registry Parameters value name=Mode");

	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.key, 7);
	CHECK_EQ(n.ft.dwObjectType, CLUSTER_OBJECT_TYPE_REGISTRY);
	CHECK_EQ(n.ft.FilterFlags, CLUSTER_CHANGE_REGISTRY_VALUE_V2);
	CHECK(tl_u16eq(n.name, "Disk\\Timeouts") && tl_u16eq(n.id, "Retry"));
	/* The key itself: through both registrations, in either order. */
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	key = n.key;
	CHECK(key == 7 || key == 8);
	CHECK(tl_u16eq(n.name, "") && tl_u16eq(n.id, "Mode"));
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.key, 15 - key);
	CHECK_EQ(get_note(h, &n, 0), WAIT_TIMEOUT);

	/* Cluster-wide: the 9 (no SUBTREE) filter sees neither subkey event. */
	CHECK_EQ(get_note(wide, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 10 && tl_u16eq(n.name, "Parameters\\Disk\\Timeouts"));
	CHECK_EQ(get_note(wide, &n, 5000), ERROR_SUCCESS);
	CHECK(n.key == 10 && tl_u16eq(n.name, "Parameters"));
	CHECK_EQ(get_note(wide, &n, 0), WAIT_TIMEOUT);

	/* V1: lpszName is the changed key relative to the watched one. */
	v1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hc,
				     CLUSTER_CHANGE_NODE_STATE, 1);
	CHECK(v1 != NULL);
	CHECK_EQ(RegisterClusterNotify(v1, CLUSTER_CHANGE_REGISTRY_VALUE |
				       CLUSTER_CHANGE_REGISTRY_SUBTREE, params, 11),
		 ERROR_SUCCESS);
	post("event registry Parameters\\Disk value name=Size");
	cch = 64;
	CHECK_EQ(GetClusterNotify(v1, &key, &filter, buf, &cch, 5000), ERROR_SUCCESS);
	CHECK(key == 11 && filter == CLUSTER_CHANGE_REGISTRY_VALUE);
	CHECK(tl_u16eq(buf, "Disk"));
	CHECK_EQ(cch, 4);

	CHECK(CloseClusterNotifyPort(v1));
	CHECK(CloseClusterNotifyPort(wide));
	CHECK(CloseClusterNotifyPort(h));
	CHECK_EQ(ClusterRegCloseKey(flat), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegCloseKey(params), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegCloseKey(root), ERROR_SUCCESS);
}

/*
 * 6c. The strings of a registry event on the watched key itself: V2 Name is
 * the changed key relative to the watched one ("" here), ObjectId the value
 * name, ParentId empty; V1's lpszName the relative key name ("").
 */
static void test_registry_names(void)
{
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_REGISTRY,
				     CLUSTER_CHANGE_REGISTRY_VALUE_V2 };
	HKEY root, disk;
	DWORD cch, filter;
	DWORD_PTR key;
	WCHAR buf[64];
	struct note n;
	HCHANGE h, v1;

	root = GetClusterKey(hc, KEY_READ);
	CHECK(root != NULL);
	CHECK_EQ(ClusterRegOpenKey(root, u"Parameters\\Disk", KEY_READ, &disk),
		 ERROR_SUCCESS);
	h = port_v2(CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2, 1);
	CHECK_EQ(RegisterClusterNotifyV2(h, f, disk, 3), ERROR_SUCCESS);
	v1 = CreateClusterNotifyPort(INVALID_HANDLE_VALUE, hc,
				     CLUSTER_CHANGE_NODE_STATE, 1);
	CHECK(v1 != NULL);
	CHECK_EQ(RegisterClusterNotify(v1, CLUSTER_CHANGE_REGISTRY_VALUE, disk, 4),
		 ERROR_SUCCESS);
	post("event registry Parameters\\Disk value name=Size");
	CHECK_EQ(get_note(h, &n, 5000), ERROR_SUCCESS);
	CHECK_EQ(n.key, 3);
	CHECK(tl_u16eq(n.id, "Size"));
	CHECK(tl_u16eq(n.name, ""));
	CHECK_EQ(n.cparent, 0);
	cch = 64;
	CHECK_EQ(GetClusterNotify(v1, &key, &filter, buf, &cch, 5000), ERROR_SUCCESS);
	CHECK(key == 4 && filter == CLUSTER_CHANGE_REGISTRY_VALUE);
	CHECK(tl_u16eq(buf, "") && cch == 0);
	CHECK(CloseClusterNotifyPort(v1));
	CHECK(CloseClusterNotifyPort(h));
	CHECK_EQ(ClusterRegCloseKey(disk), ERROR_SUCCESS);
	CHECK_EQ(ClusterRegCloseKey(root), ERROR_SUCCESS);
}

/* 7a. Names compare without case, as on Windows. */
static void test_names_nocase(void)
{
	HCLUSTER upper;
	char up[64];
	HNODE node;
	HGROUP g;
	int i;

	node = OpenClusterNode(hc, u"NODE-One");
	CHECK(node != NULL);
	CHECK(CloseClusterNode(node));
	node = OpenClusterNode(hc, u"N2");	/* by id too */
	CHECK(node != NULL);
	CHECK(CloseClusterNode(node));
	g = OpenClusterGroup(hc, u"WEB");
	CHECK(g != NULL);
	CHECK(CloseClusterGroup(g));
	for (i = 0; feed.name[i]; i++)
		up[i] = (char)(feed.name[i] >= 'a' && feed.name[i] <= 'z' ?
			       feed.name[i] - 32 : feed.name[i]);
	up[i] = '\0';
	upper = OpenCluster(tl_u16(up));
	CHECK(upper != NULL);
	CHECK(CloseCluster(upper));
	CHECK(OpenClusterNode(hc, u"node-on") == NULL);
	CHECK_EQ(GetLastError(), ERROR_CLUSTER_NODE_NOT_FOUND);
	CHECK(OpenClusterGroup(hc, u"NODE-ONE") == NULL);
	CHECK_EQ(GetLastError(), ERROR_GROUP_NOT_FOUND);
}

/* 7b. ERROR_MORE_DATA: only the sizes that did not fit change. */
static void test_more_data_counts(void)
{
	HCHANGE h = port_v2(CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2, 1);
	WCHAR id[64], parent[64], name[3], type[64];
	DWORD cid, cparent, cname, ctype, size;
	BYTE buf[100];
	struct note n;

	post("event group g1 state payload=state:failed");
	cid = cparent = ctype = 64;
	cname = 3;
	size = sizeof(buf);
	CHECK_EQ(GetClusterNotifyV2(h, NULL, NULL, buf, &size, id, &cid, parent,
				    &cparent, name, &cname, type, &ctype, 5000),
		 ERROR_MORE_DATA);
	CHECK_EQ(cname, 3);
	CHECK_EQ(cid, 64);
	CHECK_EQ(cparent, 64);
	CHECK_EQ(ctype, 64);
	CHECK_EQ(size, sizeof(buf));
	/* The payload too: its size changes, the strings that fit do not. */
	size = 2;
	cname = 8;
	CHECK_EQ(GetClusterNotifyV2(h, NULL, NULL, buf, &size, id, &cid, parent,
				    &cparent, NULL, NULL, type, &ctype, 0),
		 ERROR_MORE_DATA);
	CHECK_EQ(size, 4);
	CHECK(cid == 64 && cparent == 64 && ctype == 64);
	CHECK_EQ(get_note(h, &n, 0), ERROR_SUCCESS);
	CHECK(tl_u16eq(n.name, "web") && n.cname == 3);
	CHECK(CloseClusterNotifyPort(h));
}

/* 7c. The port's registration limit is ERROR_NOT_ENOUGH_MEMORY (8). */
static void write_param(const char *path, const char *val)
{
	FILE *f = fopen(path, "w");

	CHECK(f != NULL);
	CHECK(fputs(val, f) >= 0);
	CHECK(fclose(f) == 0);
}

static void test_limit_error(void)
{
	static const char param[] = "/sys/module/clusnotify/parameters/max_port_subs";
	NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2 };
	HCHANGE h = port_v2(CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2, 1);
	HNODE node = OpenClusterNode(hc, u"n1");
	char old[32] = "";
	DWORD err = ERROR_SUCCESS;
	FILE *pf;
	int i;

	CHECK(node != NULL);
	pf = fopen(param, "r");
	CHECK(pf && fgets(old, sizeof(old), pf));
	fclose(pf);
	write_param(param, "4");
	for (i = 0; i < 8 && err == ERROR_SUCCESS; i++)
		err = RegisterClusterNotifyV2(h, f, node, 100 + i);
	write_param(param, old);
	CHECK_EQ(err, ERROR_NOT_ENOUGH_MEMORY);
	CHECK_EQ(i, 4);		/* the filter and three registrations fit */
	CHECK(CloseClusterNotifyPort(h));
	CHECK(CloseClusterNode(node));
}

static const struct {
	const char *name;
	void (*fn)(void);
} tests[] = {
	{ "event_handle", test_event_handle },
	{ "lost_wakeup", test_lost_wakeup },
	{ "null_buffers", test_null_buffers },
	{ "cluster_handle_close", test_cluster_handle_close },
	{ "cluster_state", test_cluster_state },
	{ "registry_open", test_registry_open },
	{ "registry_subtree", test_registry_subtree },
	{ "registry_names", test_registry_names },
	{ "names_nocase", test_names_nocase },
	{ "more_data_counts", test_more_data_counts },
	{ "limit_error", test_limit_error },
};

int main(int argc, char **argv)
{
	size_t i;
	int a;

	tl_require();
	tl_feed_start(&feed, "winreg");
	tl_feed(&feed, "object node n1 node-one state=up");
	tl_feed(&feed, "object node n2 node-two state=up");
	tl_feed(&feed, "object group g1 web parent=n1 state=online");
	tl_feed(&feed, "object registry Parameters Parameters");
	tl_feed(&feed, "object registry Parameters\\Disk Disk");
	tl_feed(&feed, "object registry Parameters\\Disk\\Timeouts Timeouts");
	tl_feed_sync(&feed);
	hc = OpenCluster(tl_u16(feed.name));
	CHECK(hc != NULL);

	for (i = 0; i < sizeof(tests) / sizeof(tests[0]); i++) {
		bool run = argc < 2;

		for (a = 1; a < argc; a++)
			run |= !strcmp(argv[a], tests[i].name);
		if (!run)
			continue;
		tests[i].fn();
		printf("ok - %s\n", tests[i].name);
		fflush(stdout);
	}
	CHECK(CloseCluster(hc));
	tl_feed_stop(&feed);
	return 0;
}
