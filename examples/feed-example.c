// SPDX-License-Identifier: MIT
/*
 * feed-example: a producer of cluster events, to start a new one from.
 *
 * A storage controller publishes its pools as resources of its own resource
 * type, "StoragePool": it registers a cluster (and owns it while it runs),
 * sets the objects that subscribers can look up, then posts a state change
 * and a property change per pool, in one batch. Subscribers watch them with
 * `clusnotify watch --cluster NAME` or the native and Windows APIs.
 *
 *   cc -o feed-example feed-example.c $(pkg-config --cflags --libs libclusnotify)
 *   feed-example [--cluster NAME] [--pools N] [--keep]
 *
 * Needs CAP_NET_ADMIN in the network namespace's owner. Without --keep, it
 * unregisters the cluster at the end; with it, it waits for a signal and
 * its cluster turns disconnected when it exits.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <clusnotify_feed.h>

#define POOL_TYPE	"StoragePool"
/* CLUSTER_RESOURCE_STATE values, as clusapi.h has them. */
#define POOL_ONLINE	2
#define POOL_OFFLINE	3

/* What a subscriber reads in a COMMON_PROPERTY payload: our own layout. */
struct pool_usage {
	uint64_t bytes_total;
	uint64_t bytes_used;
};

static int complain(struct clusnotify_feed *feed, int ret, const char *what)
{
	fprintf(stderr, "feed-example: %s: %s (%s)\n", what, strerror(-ret),
		clusnotify_feed_errmsg(feed));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "cluster", required_argument, NULL, 'c' },
		{ "pools", required_argument, NULL, 'n' },
		{ "keep", no_argument, NULL, 'k' },
		{ NULL, 0, NULL, 0 }
	};
	const char *cluster = "storage-example";
	struct clusnotify_feed_object *objs;
	struct clusnotify_feed_event *evs;
	struct clusnotify_feed *feed;
	struct pool_usage *usage;
	int32_t online = POOL_ONLINE;
	char (*ids)[CLUSNOTIFY_ID_MAX];
	int c, i, n = 4, keep = 0, ret, status = 1;
	uint64_t last_seq = 0;
	uint32_t cid;
	size_t done;

	while ((c = getopt_long(argc, argv, "c:n:k", opts, NULL)) != -1) {
		if (c == 'c')
			cluster = optarg;
		else if (c == 'n' && atoi(optarg) > 0)
			n = atoi(optarg);
		else if (c == 'k')
			keep = 1;
		else {
			fprintf(stderr, "usage: feed-example [--cluster NAME] [--pools N] [--keep]\n");
			return 2;
		}
	}
	objs = calloc(n + 1, sizeof(*objs));
	evs = calloc(2 * n, sizeof(*evs));
	usage = calloc(n, sizeof(*usage));
	ids = calloc(n, sizeof(*ids));
	if (!objs || !evs || !usage || !ids)
		return 1;

	ret = clusnotify_feed_open(&feed, 0);
	if (ret) {
		fprintf(stderr, "feed-example: %s%s\n", strerror(-ret),
			ret == -ENOENT ? ": is clusnotify.ko loaded?" : "");
		return 1;
	}
	ret = clusnotify_feed_register(feed, cluster, &cid);
	if (ret) {
		complain(feed, ret, "register");
		goto out;
	}

	/* The resource type, then its pools: what GetClusterNotifyV2 names. */
	objs[0] = (struct clusnotify_feed_object){
		.type = CLUSNOTIFY_OBJ_RESOURCE_TYPE, .id = POOL_TYPE,
		.name = "Storage pool",
	};
	for (i = 0; i < n; i++) {
		snprintf(ids[i], sizeof(ids[i]), "pool-%d", i);
		objs[i + 1] = (struct clusnotify_feed_object){
			.type = CLUSNOTIFY_OBJ_RESOURCE, .id = ids[i],
			.name = ids[i], .type_name = POOL_TYPE,
			.flags = CLUSNOTIFY_FEED_OBJ_STATE,
			.state = POOL_OFFLINE,
		};
	}
	ret = clusnotify_feed_set_objects(feed, cid, objs, n + 1, NULL);
	if (ret) {
		complain(feed, ret, "set objects");
		goto out;
	}

	/*
	 * Each pool comes online (a STATE event whose 4-byte payload the
	 * kernel also keeps as the object's state) and reports its usage. The
	 * names and type name come from the objects set above. Batches of any
	 * size are fine: the library splits what one message cannot hold.
	 */
	for (i = 0; i < n; i++) {
		usage[i] = (struct pool_usage){ 1ULL << 40, (uint64_t)i << 30 };
		evs[2 * i] = (struct clusnotify_feed_event){
			.type = CLUSNOTIFY_OBJ_RESOURCE, .id = ids[i],
			.flag = CLUSNOTIFY_RESOURCE_STATE,
			.payload = &online, .payload_len = sizeof(online),
		};
		evs[2 * i + 1] = (struct clusnotify_feed_event){
			.type = CLUSNOTIFY_OBJ_RESOURCE, .id = ids[i],
			.flag = CLUSNOTIFY_RESOURCE_COMMON_PROPERTY,
			.payload = &usage[i], .payload_len = sizeof(usage[i]),
		};
	}
	ret = clusnotify_feed_post(feed, cid, evs, 2 * n, &done, &last_seq);
	if (ret) {
		complain(feed, ret, "post");
		fprintf(stderr, "feed-example: %zu of %d events were posted\n",
			done, 2 * n);
		goto out;
	}
	printf("cluster %s (id %" PRIu32 "): %d pools online, last seq %" PRIu64 "\n",
	       cluster, cid, n, last_seq);
	fflush(stdout);

	if (keep)
		pause();
	ret = clusnotify_feed_unregister(feed, cid);
	if (ret) {
		complain(feed, ret, "unregister");
		goto out;
	}
	status = 0;
out:
	clusnotify_feed_close(feed);
	free(objs);
	free(evs);
	free(usage);
	free(ids);
	return status;
}
