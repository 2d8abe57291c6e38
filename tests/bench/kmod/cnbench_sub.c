// SPDX-License-Identifier: GPL-2.0
/*
 * The benchmark's in-kernel subscriber: subscribes at load to one cluster
 * with a cluster-wide filter and counts, in its callback, every event it is
 * handed. tests/bench/cnbench reads the count to know when the subscriber
 * has seen every event it posted (measurement 6: what a callback subscriber
 * adds per event beside userspace ports).
 *
 *   insmod cnbench_sub.ko cluster=NAME [type=3] [mask=0x4]
 *   /sys/module/cnbench_sub/parameters/events  events handed to the callback
 *   /sys/module/cnbench_sub/parameters/lost    events the subscription lost
 */

#include <linux/atomic.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <net/net_namespace.h>

#include "kernel/clusnotify.h"

static char *cluster = "";
module_param(cluster, charp, 0444);
MODULE_PARM_DESC(cluster, "Cluster to subscribe to (default: the local one)");

static uint type = CLUSNOTIFY_OBJ_RESOURCE;
module_param(type, uint, 0444);
MODULE_PARM_DESC(type, "Object type of the filter (default RESOURCE)");

static unsigned long long mask = CLUSNOTIFY_RESOURCE_STATE;
module_param(mask, ullong, 0444);
MODULE_PARM_DESC(mask, "Flags of the filter (default RESOURCE STATE)");

static atomic64_t nevents = ATOMIC64_INIT(0);
static atomic64_t nbytes = ATOMIC64_INIT(0);
static struct clusnotify_cluster *bench_cluster;
static struct clusnotify_sub *bench_sub;

static int events_get(char *buf, const struct kernel_param *kp)
{
	return sysfs_emit(buf, "%lld\n", atomic64_read(&nevents));
}

static const struct kernel_param_ops events_ops = {
	.get = events_get,
};
module_param_cb(events, &events_ops, NULL, 0444);
MODULE_PARM_DESC(events, "Events handed to the callback so far");

static int lost_get(char *buf, const struct kernel_param *kp)
{
	struct clusnotify_port_stats st = { };

	if (!bench_sub)
		return sysfs_emit(buf, "0\n");
	clusnotify_sub_stats(bench_sub, &st);
	return sysfs_emit(buf, "%llu\n", st.lost);
}

static const struct kernel_param_ops lost_ops = {
	.get = lost_get,
};
module_param_cb(lost, &lost_ops, NULL, 0444);
MODULE_PARM_DESC(lost, "Events the subscription counted lost");

/* A consumer that looks at what it is handed, as a real one would. */
static void bench_event(struct clusnotify_sub *sub,
			const struct clusnotify_event *ev, void *ctx)
{
	atomic64_add(ev->payload_len + strlen(ev->object_id), &nbytes);
	atomic64_inc(&nevents);
}

static const struct clusnotify_sub_ops bench_ops = {
	.event = bench_event,
};

static int __init bench_init(void)
{
	struct clusnotify_filter f = { .object_type = type, .flags = mask };

	bench_cluster = clusnotify_cluster_get(&init_net, cluster);
	if (!bench_cluster) {
		pr_err("cnbench_sub: no cluster '%s'\n", cluster);
		return -ENODEV;
	}
	bench_sub = clusnotify_subscribe(bench_cluster, &f, 1, 0xbe4c,
					 &bench_ops, NULL);
	if (IS_ERR(bench_sub)) {
		int ret = PTR_ERR(bench_sub);

		bench_sub = NULL;
		clusnotify_cluster_put(bench_cluster);
		return ret;
	}
	return 0;
}

static void __exit bench_exit(void)
{
	clusnotify_unsubscribe(bench_sub);
	clusnotify_cluster_put(bench_cluster);
}

module_init(bench_init);
module_exit(bench_exit);
MODULE_DESCRIPTION("clusnotify benchmark: a counting in-kernel subscriber");
MODULE_LICENSE("GPL");
CLUSNOTIFY_IMPORT_NS();
