// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotify: cluster event notification ports.
 */

#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/rcupdate.h>
#include <linux/srcu.h>

#include "internal.h"

unsigned short cn_dev_mode = 0600;
module_param_named(mode, cn_dev_mode, ushort, 0444);
MODULE_PARM_DESC(mode, "Mode of /dev/clusnotify (default 0600: root only)");

int cn_dev_gid = -1;
module_param_named(gid, cn_dev_gid, int, 0644);
MODULE_PARM_DESC(gid, "If >= 0, only members of this group (or CAP_SYS_ADMIN) may open ports; pair with the udev rule's GROUP");

unsigned int cn_max_queued_events = 1024;
module_param_named(max_queued_events, cn_max_queued_events, uint, 0644);
MODULE_PARM_DESC(max_queued_events, "Events a port queues before it counts them lost (read at open)");

unsigned int cn_max_user_ports = 128;
module_param_named(max_user_ports, cn_max_user_ports, uint, 0644);
MODULE_PARM_DESC(max_user_ports, "Ports one user may hold open, with its user namespaces' users (CAP_SYS_RESOURCE exempt)");

unsigned long cn_max_user_queued_bytes = 16UL << 20;
module_param_named(max_user_queued_bytes, cn_max_user_queued_bytes, ulong, 0644);
MODULE_PARM_DESC(max_user_queued_bytes, "Bytes of records queued for one user across its ports (CAP_SYS_RESOURCE exempt)");

unsigned int cn_max_port_subs = 4096;
module_param_named(max_port_subs, cn_max_port_subs, uint, 0644);
MODULE_PARM_DESC(max_port_subs, "Filters and registrations one port may hold");

unsigned int cn_max_user_subs = 8192;
module_param_named(max_user_subs, cn_max_user_subs, uint, 0644);
MODULE_PARM_DESC(max_user_subs, "Filters and registrations one user may hold across its ports (CAP_SYS_RESOURCE exempt)");

unsigned int cn_max_cluster_objects = 65536;
module_param_named(max_cluster_objects, cn_max_cluster_objects, uint, 0644);
MODULE_PARM_DESC(max_cluster_objects, "Objects a cluster's registry keeps");

unsigned int cn_max_net_clusters = 64;
module_param_named(max_net_clusters, cn_max_net_clusters, uint, 0644);
MODULE_PARM_DESC(max_net_clusters, "Clusters one network namespace may register");

unsigned int cn_max_net_monitors = 64;
module_param_named(max_net_monitors, cn_max_net_monitors, uint, 0644);
MODULE_PARM_DESC(max_net_monitors, "Netlink monitors one network namespace may have");

static int __init cn_init(void)
{
	int ret;

	ret = cn_cluster_init();
	if (ret)
		goto err_cluster;
	ret = cn_kapi_init();
	if (ret)
		goto err_kapi;
	ret = cn_netlink_init();
	if (ret)
		goto err_netlink;
	ret = cn_chardev_init();
	if (ret)
		goto err_chardev;
	return 0;

err_chardev:
	cn_netlink_exit();
err_netlink:
	cn_kapi_exit();
err_kapi:
	cn_cluster_exit();
	rcu_barrier();
	srcu_barrier(&cn_wake_srcu);
	cn_cluster_exit_late();
err_cluster:
	return ret;
}

static void __exit cn_exit(void)
{
	cn_chardev_exit();
	cn_netlink_exit();
	cn_kapi_exit();
	cn_cluster_exit();
	/*
	 * Ports and watches free themselves after a grace period; a port's
	 * RCU callback queues its SRCU one.
	 */
	rcu_barrier();
	srcu_barrier(&cn_wake_srcu);
	cn_cluster_exit_late();
	cn_users_exit();
}

module_init(cn_init);
module_exit(cn_exit);
MODULE_DESCRIPTION("Cluster event notification ports");
MODULE_AUTHOR("The clusnotify developers");
MODULE_LICENSE("GPL");
MODULE_VERSION("0.1.0");
