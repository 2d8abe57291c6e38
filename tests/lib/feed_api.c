// SPDX-License-Identifier: GPL-2.0
/*
 * The producer API (clusnotify_feed.h), function by function: happy paths,
 * every error path with the words the caller gets for it, batches that the
 * library must split, and the monitor group. A port (the native API) is the
 * witness of what was delivered.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <clusnotify.h>
#include <clusnotify_feed.h>

#include "helpers.h"

#define NEVENTS		1024
#define ID_LEN		62	/* the ids of issue 15: 1,024 of them overflowed */

static char name[64];
static uint32_t cid;

static struct clusnotify_feed *open_feed(void)
{
	struct clusnotify_feed *f;

	CHECK_EQ(clusnotify_feed_open(&f, 0), 0);
	CHECK(clusnotify_feed_fd(f) >= 0);
	CHECK_EQ(clusnotify_feed_errmsg(f)[0], 0);
	return f;
}

/* A port that watches every event of the cluster, key 1. */
static struct clusnotify_port *watch_all(void)
{
	struct clusnotify_filter fl = {
		.object_type = CLUSNOTIFY_OBJ_NODE, .flags = CLUSNOTIFY_NODE_ALL,
	};
	struct clusnotify_port *port;

	CHECK_EQ(clusnotify_port_open(&port), 0);
	CHECK_EQ(clusnotify_add_filters(port, cid, &fl, 1, 1), 0);
	return port;
}

static int drain(struct clusnotify_port *port)
{
	struct clusnotify_event ev;
	int n = 0;

	while (clusnotify_read_event(port, &ev, 0) == 0)
		n++;
	return n;
}

/* ID_LEN bytes: the index, then 'x's; ids sort as their indexes. */
static void id_of(char *buf, int i)
{
	snprintf(buf, ID_LEN + 1, "%05d-", i);
	memset(buf + 6, 'x', ID_LEN - 6);
	buf[ID_LEN] = '\0';
}

/* A value out of a policy's bounds: -EINVAL or -ERANGE by its type. */
#define CHECK_REFUSED(x)						\
	do {								\
		int _r = (x);						\
		if (_r != -EINVAL && _r != -ERANGE) {			\
			fprintf(stderr, "%s:%d: %s: %d\n", __FILE__,	\
				__LINE__, #x, _r);			\
			exit(1);					\
		}							\
	} while (0)

static void test_open(void)
{
	struct clusnotify_feed *f;

	CHECK_EQ(clusnotify_feed_open(NULL, 0), -EINVAL);
	CHECK_EQ(clusnotify_feed_open(&f, 1), -EINVAL);
	CHECK_EQ(clusnotify_feed_open(&f, 0x80000000u), -EINVAL);
	CHECK_EQ(clusnotify_feed_fd(NULL), -EINVAL);
	CHECK(!strcmp(clusnotify_feed_errmsg(NULL), ""));
	clusnotify_feed_close(NULL);
}

static void test_register(struct clusnotify_feed *owner)
{
	struct clusnotify_feed *other = open_feed();
	struct clusnotify_cluster_entry e;
	char long_name[CLUSNOTIFY_CLUSTER_NAME_MAX + 8];
	uint32_t id = 0;

	snprintf(name, sizeof(name), "feed-api-%d", (int)getpid());
	CHECK_EQ(clusnotify_feed_register(owner, name, &cid), 0);
	CHECK(cid != 0);

	/* the same name: -EEXIST on the owner's feed, -EBUSY on another */
	CHECK_EQ(clusnotify_feed_register(owner, name, &id), -EEXIST);
	CHECK(clusnotify_feed_errmsg(owner)[0] != 0);
	CHECK_EQ(clusnotify_feed_register(other, name, &id), -EBUSY);
	CHECK_EQ(id, 0);

	/* the kernel's words for a name it refuses reach the caller */
	CHECK_EQ(clusnotify_feed_register(other, "", &id), -EINVAL);
	CHECK(!strcmp(clusnotify_feed_errmsg(other), "cluster name is empty"));
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	CHECK_REFUSED(clusnotify_feed_register(other, long_name, &id));
	CHECK(clusnotify_feed_errmsg(other)[0] != 0);
	CHECK_EQ(clusnotify_feed_register(other, NULL, &id), -EINVAL);
	CHECK_EQ(clusnotify_feed_register(other, name, NULL), -EINVAL);
	CHECK_EQ(clusnotify_feed_register(NULL, name, &id), -EINVAL);

	/* attach: by name, no ownership */
	CHECK_EQ(clusnotify_feed_attach(other, name, &id), 0);
	CHECK_EQ(id, cid);
	CHECK_EQ(clusnotify_feed_attach(other, "feed-api-no-such", &id), -ENOENT);
	CHECK(strstr(clusnotify_feed_errmsg(other), "feed-api-no-such") != NULL);
	CHECK_EQ(clusnotify_feed_attach(other, name, NULL), -EINVAL);

	memset(&e, 0xa5, sizeof(e));
	CHECK_EQ(clusnotify_feed_get_cluster(other, cid, NULL, &e), 0);
	CHECK_EQ(e.cluster_id, cid);
	CHECK(!strcmp(e.name, name));
	CHECK_EQ(e.state, CLUSNOTIFY_CLUSTER_CONNECTED);
	CHECK_EQ(e.seq, 0);
	CHECK_EQ(clusnotify_feed_get_cluster(other, 0x7ffffff0u, NULL, &e), -ENOENT);
	CHECK(!strcmp(clusnotify_feed_errmsg(other), "no such cluster"));
	/* no id and no name: the namespace's first cluster */
	CHECK_EQ(clusnotify_feed_get_cluster(other, 0, NULL, &e), 0);
	CHECK(e.cluster_id != 0);

	/* only the owner unregisters a connected cluster */
	CHECK_EQ(clusnotify_feed_unregister(other, cid), -EPERM);
	CHECK_EQ(clusnotify_feed_unregister(other, 0x7ffffff0u), -ENOENT);
	CHECK_EQ(clusnotify_feed_get_cluster(owner, cid, NULL, &e), 0);
	CHECK_EQ(e.state, CLUSNOTIFY_CLUSTER_CONNECTED);
	clusnotify_feed_close(other);
}

static int count_cluster(const struct clusnotify_cluster_entry *e, void *arg)
{
	int *n = arg;

	if (e->cluster_id == cid && !strcmp(e->name, name))
		(*n)++;
	return 0;
}

static int stop_at_first(const struct clusnotify_cluster_entry *e, void *arg)
{
	(void)e;
	(*(int *)arg)++;
	return 42;
}

static void test_dump_clusters(struct clusnotify_feed *f)
{
	int n = 0;

	CHECK_EQ(clusnotify_feed_clusters(f, count_cluster, &n), 0);
	CHECK_EQ(n, 1);
	/* a callback's stop is returned once the dump is read: the feed works on */
	n = 0;
	CHECK_EQ(clusnotify_feed_clusters(f, stop_at_first, &n), 42);
	CHECK_EQ(n, 1);
	n = 0;
	CHECK_EQ(clusnotify_feed_clusters(f, count_cluster, &n), 0);
	CHECK_EQ(n, 1);
	CHECK_EQ(clusnotify_feed_clusters(f, NULL, NULL), -EINVAL);
}

struct seen {
	int n;
	int bad;
	const char *prefix;
};

static int on_object(const struct clusnotify_object_entry *e, void *arg)
{
	struct seen *s = arg;
	char want[ID_LEN + 1];

	if (e->object_type != CLUSNOTIFY_OBJ_NODE)
		return 0;
	id_of(want, s->n);
	if (strcmp(e->id, want) || strcmp(e->name, "node") || e->state != 7)
		s->bad++;
	s->n++;
	return 0;
}

/* More objects than one OBJECT_SET takes: two messages, all or none each. */
static void test_objects(struct clusnotify_feed *f)
{
	enum { N = CLUSNOTIFY_OBJECTS_MAX + 476 };
	static struct clusnotify_feed_object o[N];
	static char ids[N][ID_LEN + 1];
	struct clusnotify_cluster_entry e;
	struct seen s = { 0 };
	size_t done = 99;
	int i;

	for (i = 0; i < N; i++) {
		id_of(ids[i], i);
		o[i] = (struct clusnotify_feed_object){
			.type = CLUSNOTIFY_OBJ_NODE, .id = ids[i], .name = "node",
			.flags = CLUSNOTIFY_FEED_OBJ_STATE, .state = 7,
		};
	}
	CHECK_EQ(clusnotify_feed_set_objects(f, cid, o, N, &done), 0);
	CHECK_EQ(done, N);
	CHECK_EQ(clusnotify_feed_objects(f, cid, on_object, &s), 0);
	CHECK_EQ(s.n, N);
	CHECK_EQ(s.bad, 0);
	CHECK_EQ(clusnotify_feed_get_cluster(f, cid, NULL, &e), 0);
	CHECK_EQ(e.objects, N);

	/* bad input: refused before anything is sent, nothing changes */
	o[5].flags = 0x2;
	CHECK_EQ(clusnotify_feed_set_objects(f, cid, o, N, &done), -EINVAL);
	CHECK_EQ(done, 0);
	CHECK(clusnotify_feed_errmsg(f)[0] != 0);
	o[5].flags = CLUSNOTIFY_FEED_OBJ_STATE;
	o[6].reserved = 1;
	CHECK_EQ(clusnotify_feed_set_objects(f, cid, o, N, NULL), -EINVAL);
	o[6].reserved = 0;
	o[7].id = NULL;
	CHECK_EQ(clusnotify_feed_del_objects(f, cid, o, N, &done), -EINVAL);
	CHECK_EQ(done, 0);
	o[7].id = ids[7];
	CHECK_EQ(clusnotify_feed_set_objects(f, cid, o, 0, NULL), -EINVAL);
	CHECK_EQ(clusnotify_feed_set_objects(f, cid, NULL, 1, NULL), -EINVAL);
	CHECK_EQ(clusnotify_feed_get_cluster(f, cid, NULL, &e), 0);
	CHECK_EQ(e.objects, N);

	/* a bad type the kernel refuses, with its words */
	o[0].type = 0x0e;
	CHECK_EQ(clusnotify_feed_set_objects(f, cid, o, 1, &done), -EINVAL);
	CHECK_EQ(done, 0);
	CHECK(clusnotify_feed_errmsg(f)[0] != 0);
	o[0].type = CLUSNOTIFY_OBJ_NODE;

	CHECK_EQ(clusnotify_feed_set_objects(f, 0x7ffffff0u, o, 1, NULL), -ENOENT);
	CHECK(!strcmp(clusnotify_feed_errmsg(f), "no such cluster"));
	CHECK_EQ(clusnotify_feed_objects(f, 0x7ffffff0u, on_object, &s), -ENOENT);

	CHECK_EQ(clusnotify_feed_del_objects(f, cid, o, N, &done), 0);
	CHECK_EQ(done, N);
	s.n = 0;
	CHECK_EQ(clusnotify_feed_objects(f, cid, on_object, &s), 0);
	CHECK_EQ(s.n, 0);
}

/*
 * Issue 15: 1,024 events whose ids are 62 bytes need more than the 64 KiB
 * one EVENTS nest can say. The library splits them; every one is
 * delivered, in order, with consecutive sequence numbers, none lost.
 */
static void test_split(struct clusnotify_feed *f)
{
	static struct clusnotify_feed_event ev[NEVENTS];
	static char ids[NEVENTS][ID_LEN + 1];
	struct clusnotify_port *port = watch_all();
	struct clusnotify_port_stats st;
	struct clusnotify_event got;
	uint64_t seq = 0, first = 0;
	size_t done = 0;
	int i;

	for (i = 0; i < NEVENTS; i++) {
		id_of(ids[i], i);
		ev[i] = (struct clusnotify_feed_event){
			.type = CLUSNOTIFY_OBJ_NODE, .flag = CLUSNOTIFY_NODE_COMMON_PROPERTY,
			.id = ids[i], .name = "a node with a name", .parent_id = "p",
		};
	}
	CHECK_EQ(clusnotify_feed_post(f, cid, ev, NEVENTS, &done, &seq), 0);
	CHECK_EQ(done, NEVENTS);
	for (i = 0; i < NEVENTS; i++) {
		CHECK_EQ(clusnotify_read_event(port, &got, 5000), 0);
		if (!i)
			first = got.seq;
		CHECK_EQ(got.seq, first + i);
		CHECK(!strcmp(got.object_id, ids[i]));
		CHECK_EQ(got.id_len, ID_LEN);
	}
	CHECK_EQ(seq, first + NEVENTS - 1);
	CHECK_EQ(drain(port), 0);
	CHECK_EQ(clusnotify_port_stats(port, &st), 0);
	CHECK_EQ(st.lost, 0);
	CHECK_EQ(st.delivered, NEVENTS);
	clusnotify_port_close(port);
}

/*
 * Every shape an event's attributes take, in one batch: strings of each
 * length mod 4 (the attribute padding), absent or empty, payloads of 0 to 9
 * bytes. Each field must come back as it was posted: an attribute written
 * with a wrong length or padding shifts or refuses all that follow it.
 */
#define NSHAPES	40

static const char *shape_str(char *buf, int i, int salt)
{
	int len = (i + salt) % 7;

	if (len == 6)
		return NULL;
	memset(buf, 'a' + (i + salt) % 26, len);
	buf[len] = '\0';
	return buf;
}

static void test_post_shapes(struct clusnotify_feed *f)
{
	static char id[NSHAPES][16], par[NSHAPES][8], nm[NSHAPES][8], tn[NSHAPES][8];
	static unsigned char pl[NSHAPES][9];
	struct clusnotify_feed_event ev[NSHAPES];
	struct clusnotify_port *port = watch_all();
	struct clusnotify_event got;
	uint64_t seq = 0;
	int i, j;

	for (i = 0; i < NSHAPES; i++) {
		/* ids nobody added as objects: the record has what was posted */
		snprintf(id[i], sizeof(id[i]), "shape-%.*s", i % 5, "abcd");
		for (j = 0; j < 9; j++)
			pl[i][j] = (unsigned char)(i * 16 + j);
		ev[i] = (struct clusnotify_feed_event){
			.type = CLUSNOTIFY_OBJ_NODE, .flag = CLUSNOTIFY_NODE_COMMON_PROPERTY,
			.id = id[i], .parent_id = shape_str(par[i], i, 1),
			.name = shape_str(nm[i], i, 3), .type_name = shape_str(tn[i], i, 5),
			.payload = pl[i], .payload_len = (uint32_t)(i % 10),
		};
	}
	CHECK_EQ(clusnotify_feed_post(f, cid, ev, NSHAPES, NULL, &seq), 0);
	for (i = 0; i < NSHAPES; i++) {
		const char *want[3] = { ev[i].parent_id, ev[i].name, ev[i].type_name };
		const char *have[3];

		CHECK_EQ(clusnotify_read_event(port, &got, 5000), 0);
		have[0] = got.parent_id;
		have[1] = got.name;
		have[2] = got.type_name;
		CHECK_EQ(got.seq, seq - NSHAPES + 1 + i);
		CHECK_EQ(got.filter_flag, CLUSNOTIFY_NODE_COMMON_PROPERTY);
		CHECK(!strcmp(got.object_id, id[i]));
		CHECK_EQ(got.id_len, strlen(id[i]));
		for (j = 0; j < 3; j++)
			CHECK(!strcmp(have[j], want[j] ? want[j] : ""));
		CHECK_EQ(got.parent_len, strlen(have[0]));
		CHECK_EQ(got.name_len, strlen(have[1]));
		CHECK_EQ(got.type_len, strlen(have[2]));
		CHECK_EQ(got.payload_len, ev[i].payload_len);
		CHECK(!got.payload_len || !memcmp(got.payload, pl[i], got.payload_len));
	}
	CHECK_EQ(drain(port), 0);
	clusnotify_port_close(port);
}

/* The same batch through the CLI, which posts through the library. */
static void test_split_cli(void)
{
	struct clusnotify_port *port = watch_all();
	char path[] = "/tmp/feed-api-XXXXXX", id[ID_LEN + 1];
	struct clusnotify_event got;
	FILE *f;
	int fd, i;

	fd = mkstemp(path);
	CHECK(fd >= 0);
	f = fdopen(fd, "w");
	CHECK(f != NULL);
	for (i = 0; i < NEVENTS; i++) {
		id_of(id, i);
		fprintf(f, "event node %s common_property\n", id);
	}
	CHECK_EQ(fclose(f), 0);
	CHECK_EQ(tl_cli("post", "--cluster", name, "--batch", path, NULL), 0);
	unlink(path);
	for (i = 0; i < NEVENTS; i++) {
		CHECK_EQ(clusnotify_read_event(port, &got, 5000), 0);
		id_of(id, i);
		CHECK(!strcmp(got.object_id, id));
	}
	CHECK_EQ(drain(port), 0);
	clusnotify_port_close(port);
}

static void test_post_errors(struct clusnotify_feed *f)
{
	static struct clusnotify_feed_event ev[NEVENTS + 10];
	static char big[70000];
	struct clusnotify_port *port = watch_all();
	struct clusnotify_cluster_entry before, after;
	size_t done = 99;
	uint64_t seq = 77;
	int i;

	for (i = 0; i < NEVENTS + 10; i++)
		ev[i] = (struct clusnotify_feed_event){
			.type = CLUSNOTIFY_OBJ_NODE, .flag = CLUSNOTIFY_NODE_STATE,
			.id = "n1",
		};
	CHECK_EQ(clusnotify_feed_get_cluster(f, cid, NULL, &before), 0);

	/* unknown cluster: the kernel's extended ack reaches the caller */
	CHECK_EQ(clusnotify_feed_post(f, 0x7ffffff0u, ev, 1, &done, &seq), -ENOENT);
	CHECK_EQ(done, 0);
	CHECK_EQ(seq, 77);
	CHECK(!strcmp(clusnotify_feed_errmsg(f), "no such cluster"));

	/* a bad event: the whole message is refused, nothing delivered */
	ev[3].flag = CLUSNOTIFY_NODE_STATE | CLUSNOTIFY_NODE_DELETED;
	CHECK_EQ(clusnotify_feed_post(f, cid, ev, 8, &done, NULL), -EINVAL);
	CHECK_EQ(done, 0);
	CHECK(clusnotify_feed_errmsg(f)[0] != 0);
	CHECK_EQ(drain(port), 0);
	ev[3].flag = CLUSNOTIFY_NODE_STATE;

	/* a flag only the module makes */
	ev[0].flag = CLUSNOTIFY_NODE_HANDLE_CLOSE;
	CHECK_EQ(clusnotify_feed_post(f, cid, ev, 1, NULL, NULL), -EINVAL);
	CHECK(clusnotify_feed_errmsg(f)[0] != 0);
	ev[0].flag = CLUSNOTIFY_NODE_STATE;

	/* a payload past CLUSNOTIFY_PAYLOAD_MAX: the kernel's limit */
	ev[0].payload = big;
	ev[0].payload_len = CLUSNOTIFY_PAYLOAD_MAX + 1;
	CHECK_REFUSED(clusnotify_feed_post(f, cid, ev, 1, NULL, NULL));
	CHECK(clusnotify_feed_errmsg(f)[0] != 0);
	/* one past what a nest can hold: the library's, before sending */
	ev[0].payload_len = sizeof(big);
	CHECK_EQ(clusnotify_feed_post(f, cid, ev, 1, &done, NULL), -EMSGSIZE);
	CHECK(strstr(clusnotify_feed_errmsg(f), "event 0") != NULL);
	/* a length no buffer has: sized without wrapping, refused the same */
	ev[0].payload_len = UINT32_MAX;
	CHECK_EQ(clusnotify_feed_post(f, cid, ev, 1, &done, NULL), -EMSGSIZE);
	CHECK(strstr(clusnotify_feed_errmsg(f), "event 0") != NULL);
	ev[0].payload = NULL;
	CHECK_EQ(clusnotify_feed_post(f, cid, ev, 1, NULL, NULL), -EINVAL);
	ev[0].payload_len = 0;
	CHECK_EQ(drain(port), 0);

	/* empty and NULL batches */
	CHECK_EQ(clusnotify_feed_post(f, cid, ev, 0, &done, NULL), -EINVAL);
	CHECK_EQ(clusnotify_feed_post(f, cid, NULL, 1, &done, NULL), -EINVAL);
	CHECK_EQ(clusnotify_feed_post(NULL, cid, ev, 1, &done, NULL), -EINVAL);
	CHECK_EQ(done, 0);

	/*
	 * A batch split in two whose second message is bad: the first is
	 * posted (done says how much), the second refused as a whole.
	 */
	ev[NEVENTS + 2].flag = 0;
	CHECK_EQ(clusnotify_feed_post(f, cid, ev, NEVENTS + 10, &done, NULL), -EINVAL);
	CHECK_EQ(done, NEVENTS);
	CHECK_EQ(drain(port), NEVENTS);
	ev[NEVENTS + 2].flag = CLUSNOTIFY_NODE_STATE;
	CHECK_EQ(clusnotify_feed_get_cluster(f, cid, NULL, &after), 0);
	CHECK_EQ(after.posted, before.posted + NEVENTS);
	clusnotify_port_close(port);
}

static void test_monitor(struct clusnotify_feed *f)
{
	struct clusnotify_feed *mon = open_feed();
	struct clusnotify_feed_event ev[3];
	struct clusnotify_cluster_entry e;
	struct clusnotify_event got;
	uint32_t state = 3, id;
	uint64_t seq;
	int i;

	CHECK_EQ(clusnotify_feed_recv(mon, &got, 0), -EINVAL);
	CHECK_EQ(clusnotify_feed_monitor(mon), 0);
	CHECK_EQ(clusnotify_feed_monitor(mon), 0);
	CHECK_EQ(clusnotify_feed_recv(mon, &got, 0), -ETIMEDOUT);
	/* a monitoring feed only receives */
	CHECK_EQ(clusnotify_feed_attach(mon, name, &id), -EBUSY);
	CHECK_EQ(clusnotify_feed_get_cluster(mon, cid, NULL, &e), -EBUSY);
	CHECK(clusnotify_feed_errmsg(mon)[0] != 0);

	for (i = 0; i < 3; i++)
		ev[i] = (struct clusnotify_feed_event){
			.type = CLUSNOTIFY_OBJ_NODE, .flag = CLUSNOTIFY_NODE_STATE,
			.id = i ? "m2" : "m1", .name = "monitored",
			.payload = &state, .payload_len = sizeof(state),
		};
	CHECK_EQ(clusnotify_feed_post(f, cid, ev, 3, NULL, &seq), 0);
	for (i = 0; i < 3; i++) {
		/* other tests' clusters may post too: keep ours */
		do
			CHECK_EQ(clusnotify_feed_recv(mon, &got, 5000), 0);
		while (got.cluster_id != cid);
		CHECK_EQ(got.seq, seq - 2 + i);
		CHECK_EQ(got.object_type, CLUSNOTIFY_OBJ_NODE);
		CHECK_EQ(got.filter_flag, CLUSNOTIFY_NODE_STATE);
		CHECK(!strcmp(got.object_id, i ? "m2" : "m1"));
		CHECK(!strcmp(got.name, "monitored"));
		CHECK_EQ(got.payload_len, sizeof(state));
		CHECK(!memcmp(got.payload, &state, sizeof(state)));
		CHECK(got.timestamp_ns != 0);
	}
	clusnotify_feed_close(mon);
}

/* Closing the owner's feed disconnects its cluster; unregister deletes. */
static void test_unregister(struct clusnotify_feed *owner)
{
	struct clusnotify_feed *other = open_feed();
	struct clusnotify_cluster_entry e;

	CHECK_EQ(clusnotify_feed_unregister(owner, cid), 0);
	CHECK_EQ(clusnotify_feed_get_cluster(other, cid, NULL, &e), -ENOENT);
	CHECK_EQ(clusnotify_feed_unregister(owner, cid), -ENOENT);

	CHECK_EQ(clusnotify_feed_register(owner, name, &cid), 0);
	clusnotify_feed_close(owner);
	CHECK_EQ(clusnotify_feed_get_cluster(other, cid, NULL, &e), 0);
	CHECK_EQ(e.state, CLUSNOTIFY_CLUSTER_DISCONNECTED);
	/* once disconnected, any admin may unregister it */
	CHECK_EQ(clusnotify_feed_unregister(other, cid), 0);
	clusnotify_feed_close(other);
}

int main(void)
{
	struct clusnotify_feed *owner;

	test_open();
	tl_require();
	owner = open_feed();
	test_register(owner);
	test_dump_clusters(owner);
	test_objects(owner);
	test_split(owner);
	test_post_shapes(owner);
	test_split_cli();
	test_post_errors(owner);
	test_monitor(owner);
	test_unregister(owner);
	return 0;
}
