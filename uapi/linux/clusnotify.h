/* SPDX-License-Identifier: (GPL-2.0 WITH Linux-syscall-note) OR MIT */
/*
 * clusnotify: cluster event notification ports for Linux.
 *
 * This header is the whole contract between the clusnotify kernel module and
 * userspace. It holds only fixed-width types so that 32-bit and 64-bit
 * processes see the same layout.
 *
 * OBJECTS AND FLAGS
 *
 * Every event concerns one object of one CLUSNOTIFY_OBJ_* type and carries
 * exactly one change flag from that type's CLUSNOTIFY_<TYPE>_* set. Types and
 * flag values are those of the Windows Failover Clustering notification API
 * (CLUSTER_OBJECT_TYPE and CLUSTER_CHANGE_*_V2), so a library can pass them
 * through unchanged. A filter is (object type, 64-bit mask); a mask is valid
 * when it is non-zero and inside CLUSNOTIFY_<TYPE>_ALL. Types that have no
 * flags defined (NONE, AFFINITYRULE, FAULTDOMAIN) accept no filter.
 *
 * Objects are named by three bounded UTF-8 strings: an id (unique within the
 * cluster and type), a display name and a parent id, plus a type name for
 * resources. Each bound below includes the terminating NUL.
 *
 * THE DEVICE: /dev/clusnotify
 *
 * Each open() is one notification port, bound to the network namespace of the
 * opener: it sees the clusters registered in that namespace. The port is
 * configured with ioctls, read with read(), and waited on with
 * poll/epoll/select. close() frees it and everything queued on it.
 *
 * Every ioctl argument begins with its own size (__u32 size, set it to
 * sizeof the struct as your header defines it) so that it can grow at its end
 * like clone3/openat2. The kernel tells commands apart by type, number and
 * direction only: the size field of the command number (_IOC_SIZE) is not
 * read, so the number a newer or older header builds for a grown or shrunk
 * struct is the same command, and the size the kernel uses is @size:
 *  - smaller than the first published version (the *_SIZE_VER0 constants)
 *    is -EINVAL;
 *  - larger than CLUSNOTIFY_IOC_SIZE_MAX is -E2BIG, whatever follows;
 *  - larger than the kernel's struct is accepted only if every byte the
 *    kernel does not know is zero (-E2BIG otherwise): an older kernel serves
 *    a newer program that leaves the new fields zero;
 *  - smaller than the kernel's struct (an older program on a newer kernel)
 *    reads the missing fields as zero.
 * Outputs are written back in the caller's size, never past @size.
 * A command number whose direction is not the command's is -ENOTTY. Unknown
 * flags and non-zero reserved fields are -EINVAL. After CLUSNOTIFY_IOC_SHUTDOWN
 * every operation but close() fails with -ESHUTDOWN, read() included.
 *
 * CLUSNOTIFY_IOC_ADD_FILTERS (struct clusnotify_add_filters)
 *	Adds @count filters, all for one cluster and one user @key. The array is
 *	validated as a whole before anything is registered: an unknown type, a
 *	zero mask or a mask outside the type's ALL is -EINVAL, an unknown
 *	cluster -ENOENT, more than CLUSNOTIFY_FILTERS_MAX entries -E2BIG, more
 *	than max_port_subs filters and registrations on the port or
 *	max_user_subs across the user's ports -ENOSPC. Call again with another
 *	cluster or key to watch more. A filter identical in (cluster, type,
 *	mask, key) to one the port already has, or to another of the same
 *	array, is merged with it: the call succeeds, the port holds and counts
 *	it once (@filters in the stats, max_port_subs, max_user_subs) and gets
 *	one record per matching event for it.
 *	With CLUSNOTIFY_FILTERS_SINCE the caller resumes after the event
 *	(@since_epoch, @since_seq) it last handled (see EPOCHS and JOURNAL):
 *	the cluster's journal's events after it that the array's filters take
 *	(one record per distinct filter that takes it, as live matching gives,
 *	and the module's own RECONNECT and STATE of the cluster, as every
 *	watcher gets them) are queued first, in order, and the live events
 *	follow with no gap and no duplicate. If @since_epoch is not the
 *	cluster's, or the journal no longer holds every event after
 *	@since_seq, one GAP record is queued instead (flags
 *	CLUSNOTIFY_RECORD_GAP | CLUSNOTIFY_RECORD_SYNTHETIC, type CLUSTER, flag
 *	0, @key, the current @epoch, @seq the cluster's last and @range_first
 *	.. @range_last the events it cannot have: @since_seq + 1 .. @seq, or
 *	1 .. @seq for another epoch), then the live events: take a snapshot.
 *	@since_seq after the cluster's last event of @since_epoch is -EINVAL.
 *	The journal is replayed as for a port that watched nothing of the
 *	cluster (the resume of a restarted consumer, on a new port): on a port
 *	that already watches it, events it had live may come again.
 *	The records are queued all or none, as a snapshot's: -ENOBUFS, and
 *	no filter added, when the port's queue cannot take them.
 *	Without the flag @since_epoch and @since_seq must be 0.
 *
 * CLUSNOTIFY_IOC_REGISTER (struct clusnotify_register)
 *	Watches one object (cluster, type, object id) with a mask and a key and
 *	returns a registration id (never 0) in @reg_id (an output: whatever it
 *	held is ignored; it is written before the registration is made, and is
 *	meaningful only when the call succeeds: if the kernel cannot write it,
 *	-EFAULT and nothing is registered). More than max_port_subs filters
 *	and registrations on the port, or more than max_user_subs across the
 *	user's ports, is -ENOSPC (as for ADD_FILTERS). The object need not exist yet; its id is matched as a
 *	string. An empty id watches every object of the type, as a filter would,
 *	but can be removed on its own (a registration on a cluster handle).
 *	REGISTRY ids are key paths, a backslash between names. A REGISTRY filter (or
 *	empty id) watches the root key: a subkey's events reach it only with
 *	SUBTREE in its mask; a registration on a key watches that key, and with
 *	SUBTREE every key under it too (MS-CMRP 3.1.4.2.137).
 *
 * CLUSNOTIFY_IOC_UNREGISTER (struct clusnotify_unregister)
 *	Removes registration @reg_id (-ENOENT if this port has none by that id).
 *	If its mask includes the type's HANDLE_CLOSE flag, that event is queued
 *	for this port with the registration's key.
 *
 * CLUSNOTIFY_IOC_GET_CLUSTER (struct clusnotify_cluster_info)
 *	Resolves @name (empty: the first cluster registered in the namespace,
 *	that is the local one) to its id, state, counters and epoch (see
 *	EPOCHS); -ENOENT if none.
 *
 * CLUSNOTIFY_IOC_GET_OBJECT (struct clusnotify_object_info)
 *	Resolves (cluster, type, name) or, with CLUSNOTIFY_OBJECT_BY_ID,
 *	(cluster, type, id) to the object's id, name, parent, type name and
 *	current state; -ENOENT if the cluster keeps no such object.
 *
 * CLUSNOTIFY_IOC_LIST_CLUSTERS (struct clusnotify_list_clusters)
 *	Lists the clusters of the port's namespace in order of id, at most
 *	min(@count, CLUSNOTIFY_LIST_MAX) per call, as struct
 *	clusnotify_cluster_entry at @entries. See ENUMERATION below.
 *
 * CLUSNOTIFY_IOC_LIST_OBJECTS (struct clusnotify_list_objects)
 *	Lists the objects cluster @cluster_id keeps, of one type
 *	(@object_type) or of all (CLUSNOTIFY_OBJ_NONE), at most
 *	min(@count, CLUSNOTIFY_LIST_MAX) per call, as struct
 *	clusnotify_object_entry at @entries; -ENOENT if the namespace has no
 *	such cluster. See ENUMERATION below.
 *
 * CLUSNOTIFY_IOC_SNAPSHOT (no argument)
 *	Queues, marked CLUSNOTIFY_RECORD_SNAPSHOT, the current state of every
 *	object the port's filters and registrations cover (one STATE record per
 *	object whose type has a STATE flag that the filter includes, and the
 *	CLUSTER STATE record of every cluster watched with that flag). No live
 *	event of a cluster can be queued between that cluster's snapshot
 *	records: they come first. Each (object, key) gets one record, however
 *	many of the port's filters and registrations with that key cover it.
 *	A cluster's records are queued all or none: if the port's queue (its
 *	free entries out of max_queued_events, and its user's queued bytes)
 *	cannot take all of them, nothing of that cluster is queued, nothing is
 *	counted lost, and the call fails with -ENOBUFS: read what is queued and
 *	ask again, or open the port with a larger max_queued_events. Clusters
 *	are taken in the order the port first watched them; records of the
 *	clusters before the one that failed stay queued. -ENOMEM, or -EINTR for
 *	a fatal signal, may leave part of a cluster's records queued.
 *	Each cluster the port watches (whether or not a filter of it takes a
 *	STATE flag) ends its records with one end-of-snapshot marker, counted
 *	in the all-or-none room: flags CLUSNOTIFY_RECORD_SNAPSHOT |
 *	CLUSNOTIFY_RECORD_SYNTHETIC | CLUSNOTIFY_RECORD_SNAPSHOT_END, object
 *	type CLUSTER, @filter_flag 0 (no change: a reader that switches on the
 *	flag ignores it), the cluster's name, no payload, the key of the port's
 *	first filter on the cluster, and @seq the cluster's last sequence
 *	number: every record of the cluster before the marker reflects at most
 *	that event, every live event of the cluster after it has a larger
 *	number, the first of them @seq + 1. Without a marker for a cluster
 *	(an error), its snapshot is not complete.
 *
 * CLUSNOTIFY_IOC_SHUTDOWN (no argument)
 *	Shuts the port down: blocked readers return -ESHUTDOWN, poll reports
 *	EPOLLHUP, queued events are freed, later calls fail with -ESHUTDOWN.
 *
 * CLUSNOTIFY_IOC_GET_STATS (struct clusnotify_port_stats)
 *	The port's counters. Always: matched == delivered + lost.
 *
 * FIONREAD gives the bytes of the records queued (int, at most INT_MAX). /proc/PID/fdinfo shows
 * the same counters as CLUSNOTIFY_IOC_GET_STATS.
 *
 * ENUMERATION
 *
 * The two LIST ioctls let whoever may open the device read the inventory
 * that the netlink CLUSTER_GET and OBJECT_GET commands give only to admins.
 * Each call fills up to min(@count, CLUSNOTIFY_LIST_MAX) entries (a @count of
 * 0 is -EINVAL; a larger one is not an error) and returns the number written
 * in @count, a @cursor to pass to the next call, and CLUSNOTIFY_LIST_END in
 * @out_flags when nothing followed the last entry at the time of the call.
 * Start with @cursor 0; the cursor is opaque (a value no call returned may
 * be -EINVAL or may be taken as some position). A call that writes nothing
 * returns the cursor it was given.
 *
 * Entries are written @entry_size bytes apart: the caller's idea of the
 * entry's size, at least the size this header first published
 * (CLUSNOTIFY_*_ENTRY_SIZE_VER0), a multiple of 8, at most 4096 (-EINVAL
 * otherwise). A kernel whose entry is longer writes only @entry_size bytes
 * of it; one whose entry is shorter zeroes the rest, so entries grow at
 * their end as the ioctl structs do.
 *
 * Enumeration is consistent while the registry changes: an object (a
 * cluster) present from the first call to the last is returned exactly
 * once, whatever is added or removed in between; one added meanwhile may or
 * may not be returned, one removed is not returned after its removal.
 * Objects come ordered by type, then by the order in which the cluster
 * first kept them (replacing an object with OBJECT_SET keeps its place;
 * deleting and setting it again makes it new). Each entry is a consistent
 * copy of the object at the moment it was read; two entries may reflect
 * different moments.
 *
 * READING
 *
 * read() returns as many whole records as fit in the buffer, each a
 * struct clusnotify_record followed by its strings and payload, padded to a
 * multiple of 8 bytes; @len is the record's full padded length, so the next
 * record starts @len bytes later. If the first queued record does not fit,
 * read() fails with -EINVAL and the record stays queued (nothing is lost);
 * CLUSNOTIFY_RECORD_MAX always fits. read() blocks while the queue is empty,
 * or fails with -EAGAIN under O_NONBLOCK.
 *
 * After the record header (@hdr_len bytes, which newer kernels may grow:
 * read a field past CLUSNOTIFY_RECORD_HDR_VER0 only when @hdr_len covers it,
 * and find the strings at @hdr_len, never at sizeof) come the four strings, each NUL-terminated, in the order object id, parent id,
 * name, type name, with lengths (excluding the NUL) in @id_len, @parent_len,
 * @name_len and @type_len. The payload starts at @payload_off from the
 * record's start (8-byte aligned) and is @payload_len bytes.
 * CLUSNOTIFY_RECORD_MAX keeps the value of the first header, so a reader
 * built against any version can size its buffer with it: an event whose
 * record would be longer (its strings, those the registry fills in
 * included, near their bounds and its payload near CLUSNOTIFY_PAYLOAD_MAX)
 * cannot be posted (-EINVAL).
 *
 * JOURNAL
 *
 * Each cluster keeps its most recent events, at most max_journal_events
 * (read when the cluster is made; 0 keeps none) and max_journal_bytes of
 * records (module parameters). They are a run with no hole that ends at the
 * cluster's last event: an event the module numbered but could not keep
 * (no memory) empties the journal. What a journal holds is in the cluster
 * entries of LIST_CLUSTERS and the netlink STAT_JOURNAL_*. A consumer that
 * writes down (epoch, seq) of the last record it handled resumes from it
 * with ADD_FILTERS' CLUSNOTIFY_FILTERS_SINCE on a new port.
 *
 * PREVIOUS VALUES
 *
 * A posted STATE event (4-byte payload) of an object the cluster keeps
 * carries in @prev_state the object's state before: the registry's state
 * when the event changes it, or, when the producer set the new state with
 * OBJECT_SET before posting (as the daemon does), the state before that
 * change. An ownership event carries the owner before its last change as
 * the record's fifth string (after the type name, @prev_owner_len bytes and
 * a NUL, empty when unknown): a group's node for GROUP OWNER_NODE and for
 * NODE GROUP_GAINED/LOST (whose payload names the group), a resource's
 * group for RESOURCE OWNER_GROUP and GROUP RESOURCE_GAINED/LOST (payload:
 * the resource), from the registry's record of the owned object's previous
 * parent (OBJECT_SET keeps it when the parent changes). Other records have
 * @prev_state CLUSNOTIFY_STATE_UNKNOWN and no previous owner. The netlink
 * mirror does not carry them.
 *
 * EPOCHS
 *
 * Every cluster has an epoch: a random 64-bit number, never 0, drawn when
 * the cluster is registered and kept as long as the module keeps the
 * cluster, through its owner's disconnects and reconnects; a cluster
 * unregistered and registered again (or registered in a namespace made
 * again, or after the module was reloaded) has a new one. Sequence numbers
 * count within an epoch: (epoch, seq) names one event for good. The epoch
 * is in GET_CLUSTER's and LIST_CLUSTERS' answers, in the netlink
 * STAT_EPOCH and EV_A_EPOCH, and in every record's @epoch.
 *
 * LOSS
 *
 * Each port queues at most max_queued_events events (module parameter), and
 * each user at most max_user_queued_bytes bytes across its ports.
 *
 * Per-user limits (max_user_ports, max_user_queued_bytes, max_user_subs)
 * hold for a user of a user namespace and, together with everything the users
 * of that namespace hold, for the user who owns the namespace, and so on up
 * to the initial namespace (as the kernel's ucounts for inotify): the many
 * uids of one container share the limits of the user who made it.
 * CAP_SYS_RESOURCE in the initial namespace exempts a port from them. An event
 * that matches a port when it is full is counted in @lost and not queued; the
 * reader then gets a CLUSTER / LOST_NOTIFICATIONS record, flagged
 * CLUSNOTIFY_RECORD_LOST, whose payload is the __u64 number of events lost
 * since the previous such record, whether or not it subscribed to that flag.
 * Losses are reported per cluster: one LOST record for each cluster that
 * lost events, one after the other where the first loss happened, in the
 * order of the clusters' first losses. Each carries the cluster's id and
 * epoch, the key of its first event dropped, and in @range_first and
 * @range_last the first and last sequence number of the cluster it lost
 * (events in between may have matched no filter of the port, or have been
 * queued: the range bounds the loss, the count counts it; an event lost as
 * the record was read may be in its range and counted by the next record).
 * Past 4 clusters losing before the reader reads, the 4th record counts the
 * losses of the rest together, with cluster id, epoch and range 0. Records
 * made for one port (HANDLE_CLOSE) have no sequence number: their loss is
 * counted but widens no range.
 *
 * EVENTS THE MODULE MAKES ITSELF (CLUSNOTIFY_RECORD_SYNTHETIC)
 *
 * When the netlink socket that registered a cluster closes, the cluster turns
 * CLUSNOTIFY_CLUSTER_DISCONNECTED and every port watching it gets CLUSTER /
 * STATE with a __u32 payload holding the new cluster state. When a socket
 * registers the same name again, the cluster keeps its id, the ports keep
 * their filters and get CLUSTER / RECONNECT. When a cluster is unregistered,
 * its watchers get CLUSTER / STATE with CLUSNOTIFY_CLUSTER_DELETED and its
 * filters match nothing more. Like any event, these go only to the filters
 * (and registrations on the cluster, with an empty object id) whose mask
 * holds CLUSTER STATE or RECONNECT, each with its own key, as Windows'
 * client library delivers them; a port that did not ask gets none.
 *
 * GENERIC NETLINK: family "clusnotify"
 *
 * Clusters belong to the network namespace of the socket that registers them
 * (at most max_net_clusters each, disconnected ones included: -ENOSPC).
 * Every command, reads, dumps and monitors included,
 * needs CAP_NET_ADMIN in the user namespace that owns the network namespace
 * (-EPERM): the inventory is for those who may open the device, which
 * enumerates it for them, or for admins. Attributes are validated strictly
 * (unknown attributes are refused, a value outside its policy's range is
 * -ERANGE). The family runs its commands in parallel (no genl_mutex): one
 * socket's commands run in the order it sends them, and commands on one
 * cluster are ordered by the cluster.
 *
 * CLUSNOTIFY_CMD_CLUSTER_REGISTER: CLUSTER_NAME -> reply CLUSTER_ID
 *	The socket becomes the owner; registering a name that is connected
 *	under another socket is -EBUSY, under this same socket -EEXIST. The owner is the socket itself, not
 *	its portid: once the owning socket is closed, its clusters count as
 *	disconnected even before the module hears of it, and a new socket that
 *	got the same portid owns nothing of the old one's.
 * CLUSNOTIFY_CMD_CLUSTER_UNREGISTER: CLUSTER_ID
 *	Only the owner, or any admin once the cluster is disconnected.
 * CLUSNOTIFY_CMD_CLUSTER_GET: CLUSTER_ID or CLUSTER_NAME, or dump of all:
 *	CLUSTER_ID, CLUSTER_NAME, CLUSTER_STATE, CLUSTER_STATS (nest of STAT_*,
 *	STAT_EPOCH included).
 *	The dump goes in cluster id order and resumes after the last id sent.
 * CLUSNOTIFY_CMD_OBJECT_SET: CLUSTER_ID, OBJECTS (nest of OBJECT nests)
 *	Adds or replaces 1 to CLUSNOTIFY_OBJECTS_MAX objects (-E2BIG past it;
 *	OBJ_TYPE, OBJ_ID required), all or none.
 * CLUSNOTIFY_CMD_OBJECT_DEL: CLUSTER_ID, OBJECTS (OBJ_TYPE, OBJ_ID only)
 *	As many objects as OBJECT_SET takes, all or none.
 * CLUSNOTIFY_CMD_OBJECT_GET: dump of CLUSTER_ID's objects, one OBJECT each,
 *	in (OBJ_TYPE, OBJ_ID) order (ids compared as bytes). Each part of the
 *	dump resumes after the last object sent, so an object kept throughout
 *	the dump is sent exactly once even while others come and go.
 * CLUSNOTIFY_CMD_EVENT_POST: CLUSTER_ID, EVENTS (nest of EVENT nests)
 *	Posts a batch of 1 to CLUSNOTIFY_EVENTS_MAX events (-E2BIG past it),
 *	validated as a whole before any event is delivered. A poster killed
 *	(fatal signal) during a large post stops between two events: a prefix
 *	of the batch is posted, with consecutive sequence numbers, the rest
 *	neither delivered nor applied to the objects. An event names its
 *	object (EV_OBJ_TYPE, EV_FLAG: exactly one bit of the type's ALL,
 *	EV_OBJ_ID: required but for CLUSTER events, and optionally
 *	EV_PARENT_ID, EV_NAME, EV_TYPE_NAME and EV_PAYLOAD). The flags the
 *	module makes itself cannot be posted (-EINVAL): CLUSTER RECONNECT,
 *	STATE and LOST_NOTIFICATIONS, every type's HANDLE_CLOSE, and the
 *	registry's SUBTREE scope modifier. Strings left out are taken from the
 *	cluster's object of that id when it has one. A STATE event with a 4-byte
 *	payload also updates that object's state. Each event gets the next
 *	per-cluster sequence number; the reply carries STAT_SEQ of the last one.
 *	Any admin socket of the namespace may post, set and delete objects
 *	(tools inject events into a daemon's cluster); only the owner
 *	unregisters a connected cluster.
 * CLUSNOTIFY_CMD_MONITOR_START: no attributes
 *	The sending socket becomes a monitor of its network namespace: it is
 *	sent a CLUSNOTIFY_CMD_EVENT for every event posted to any cluster of the
 *	namespace from then on, until CLUSNOTIFY_CMD_MONITOR_STOP (-ENOENT if it
 *	was none) or until it is closed. Starting again is not an error; at most
 *	max_net_monitors per namespace (-ENOSPC). A monitor that falls behind (a
 *	full receive buffer) gets ENOBUFS from its next recv(), as a multicast
 *	listener would, and is sent the events after the gap. There is no
 *	multicast group: a multicast listener anywhere on the host would make
 *	every post of every namespace pay for it (netlink's listener set is not
 *	per namespace), where a monitor costs only the posts of its own.
 * CLUSNOTIFY_CMD_EVENT (to each monitor): CLUSTER_ID, EVENT with EV_SEQ,
 *	EV_TIMESTAMP and EV_EPOCH added, one message per posted event.
 */
#ifndef _UAPI_LINUX_CLUSNOTIFY_H
#define _UAPI_LINUX_CLUSNOTIFY_H

#include <linux/types.h>
#include <linux/ioctl.h>

#define CLUSNOTIFY_DEVICE_NAME		"clusnotify"
#define CLUSNOTIFY_GENL_NAME		"clusnotify"
#define CLUSNOTIFY_GENL_VERSION		1

/* Limits. String bounds include the terminating NUL. */
#define CLUSNOTIFY_CLUSTER_NAME_MAX	64
#define CLUSNOTIFY_ID_MAX		64
#define CLUSNOTIFY_NAME_MAX		256
#define CLUSNOTIFY_TYPE_NAME_MAX	64
#define CLUSNOTIFY_PAYLOAD_MAX		4096
#define CLUSNOTIFY_FILTERS_MAX		256
#define CLUSNOTIFY_EVENTS_MAX		1024	/* events in one EVENT_POST */
#define CLUSNOTIFY_OBJECTS_MAX		1024	/* objects in one OBJECT_SET/DEL */

/* Object types: the values of CLUSTER_OBJECT_TYPE. */
#define CLUSNOTIFY_OBJ_NONE			0x00
#define CLUSNOTIFY_OBJ_CLUSTER			0x01
#define CLUSNOTIFY_OBJ_GROUP			0x02
#define CLUSNOTIFY_OBJ_RESOURCE			0x03
#define CLUSNOTIFY_OBJ_RESOURCE_TYPE		0x04
#define CLUSNOTIFY_OBJ_NETWORK_INTERFACE	0x05
#define CLUSNOTIFY_OBJ_NETWORK			0x06
#define CLUSNOTIFY_OBJ_NODE			0x07
#define CLUSNOTIFY_OBJ_REGISTRY			0x08
#define CLUSNOTIFY_OBJ_QUORUM			0x09
#define CLUSNOTIFY_OBJ_SHARED_VOLUME		0x0a
#define CLUSNOTIFY_OBJ_SPACEPORT		0x0b
#define CLUSNOTIFY_OBJ_UPGRADE			0x0c
#define CLUSNOTIFY_OBJ_GROUPSET			0x0d
#define CLUSNOTIFY_OBJ_AFFINITYRULE		0x10
#define CLUSNOTIFY_OBJ_FAULTDOMAIN		0x11
#define CLUSNOTIFY_OBJ_MAX			0x11

/* CLUSTER (CLUSTER_CHANGE_CLUSTER_*_V2) */
#define CLUSNOTIFY_CLUSTER_RECONNECT		0x0001ULL
#define CLUSNOTIFY_CLUSTER_STATE		0x0002ULL
#define CLUSNOTIFY_CLUSTER_GROUP_ADDED		0x0004ULL
#define CLUSNOTIFY_CLUSTER_HANDLE_CLOSE		0x0008ULL
#define CLUSNOTIFY_CLUSTER_NETWORK_ADDED	0x0010ULL
#define CLUSNOTIFY_CLUSTER_NODE_ADDED		0x0020ULL
#define CLUSNOTIFY_CLUSTER_RESOURCE_TYPE_ADDED	0x0040ULL
#define CLUSNOTIFY_CLUSTER_COMMON_PROPERTY	0x0080ULL
#define CLUSNOTIFY_CLUSTER_PRIVATE_PROPERTY	0x0100ULL
#define CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS	0x0200ULL
#define CLUSNOTIFY_CLUSTER_RENAME		0x0400ULL
#define CLUSNOTIFY_CLUSTER_MEMBERSHIP		0x0800ULL
#define CLUSNOTIFY_CLUSTER_UPGRADED		0x1000ULL
#define CLUSNOTIFY_CLUSTER_ALL			0x1FFFULL

/* GROUP (CLUSTER_CHANGE_GROUP_*_V2) */
#define CLUSNOTIFY_GROUP_DELETED		0x0001ULL
#define CLUSNOTIFY_GROUP_COMMON_PROPERTY	0x0002ULL
#define CLUSNOTIFY_GROUP_PRIVATE_PROPERTY	0x0004ULL
#define CLUSNOTIFY_GROUP_STATE			0x0008ULL
#define CLUSNOTIFY_GROUP_OWNER_NODE		0x0010ULL
#define CLUSNOTIFY_GROUP_PREFERRED_OWNERS	0x0020ULL
#define CLUSNOTIFY_GROUP_RESOURCE_ADDED		0x0040ULL
#define CLUSNOTIFY_GROUP_RESOURCE_GAINED	0x0080ULL
#define CLUSNOTIFY_GROUP_RESOURCE_LOST		0x0100ULL
#define CLUSNOTIFY_GROUP_HANDLE_CLOSE		0x0200ULL
#define CLUSNOTIFY_GROUP_ALL			0x03FFULL

/* RESOURCE (CLUSTER_CHANGE_RESOURCE_*_V2) */
#define CLUSNOTIFY_RESOURCE_COMMON_PROPERTY	0x0001ULL
#define CLUSNOTIFY_RESOURCE_PRIVATE_PROPERTY	0x0002ULL
#define CLUSNOTIFY_RESOURCE_STATE		0x0004ULL
#define CLUSNOTIFY_RESOURCE_OWNER_GROUP		0x0008ULL
#define CLUSNOTIFY_RESOURCE_DEPENDENCIES	0x0010ULL
#define CLUSNOTIFY_RESOURCE_DEPENDENTS		0x0020ULL
#define CLUSNOTIFY_RESOURCE_POSSIBLE_OWNERS	0x0040ULL
#define CLUSNOTIFY_RESOURCE_DELETED		0x0080ULL
#define CLUSNOTIFY_RESOURCE_DLL_UPGRADED	0x0100ULL
#define CLUSNOTIFY_RESOURCE_HANDLE_CLOSE	0x0200ULL
#define CLUSNOTIFY_RESOURCE_TERMINAL_STATE	0x0400ULL
#define CLUSNOTIFY_RESOURCE_ALL			0x07FFULL

/* RESOURCE_TYPE (CLUSTER_CHANGE_RESOURCE_TYPE_*_V2) */
#define CLUSNOTIFY_RESOURCE_TYPE_DELETED		0x0001ULL
#define CLUSNOTIFY_RESOURCE_TYPE_COMMON_PROPERTY	0x0002ULL
#define CLUSNOTIFY_RESOURCE_TYPE_PRIVATE_PROPERTY	0x0004ULL
#define CLUSNOTIFY_RESOURCE_TYPE_POSSIBLE_OWNERS	0x0008ULL
#define CLUSNOTIFY_RESOURCE_TYPE_DLL_UPGRADED		0x0010ULL
#define CLUSNOTIFY_RESOURCE_TYPE_SPECIFIC		0x0020ULL
#define CLUSNOTIFY_RESOURCE_TYPE_ALL			0x003FULL

/* NETWORK_INTERFACE (CLUSTER_CHANGE_NETINTERFACE_*_V2) */
#define CLUSNOTIFY_NETINTERFACE_DELETED		0x0001ULL
#define CLUSNOTIFY_NETINTERFACE_COMMON_PROPERTY	0x0002ULL
#define CLUSNOTIFY_NETINTERFACE_PRIVATE_PROPERTY 0x0004ULL
#define CLUSNOTIFY_NETINTERFACE_STATE		0x0008ULL
#define CLUSNOTIFY_NETINTERFACE_HANDLE_CLOSE	0x0010ULL
#define CLUSNOTIFY_NETINTERFACE_ALL		0x001FULL

/* NETWORK (CLUSTER_CHANGE_NETWORK_*_V2) */
#define CLUSNOTIFY_NETWORK_DELETED		0x0001ULL
#define CLUSNOTIFY_NETWORK_COMMON_PROPERTY	0x0002ULL
#define CLUSNOTIFY_NETWORK_PRIVATE_PROPERTY	0x0004ULL
#define CLUSNOTIFY_NETWORK_STATE		0x0008ULL
#define CLUSNOTIFY_NETWORK_HANDLE_CLOSE		0x0010ULL
#define CLUSNOTIFY_NETWORK_ALL			0x001FULL

/* NODE (CLUSTER_CHANGE_NODE_*_V2) */
#define CLUSNOTIFY_NODE_NETINTERFACE_ADDED	0x0001ULL
#define CLUSNOTIFY_NODE_DELETED			0x0002ULL
#define CLUSNOTIFY_NODE_COMMON_PROPERTY		0x0004ULL
#define CLUSNOTIFY_NODE_PRIVATE_PROPERTY	0x0008ULL
#define CLUSNOTIFY_NODE_STATE			0x0010ULL
#define CLUSNOTIFY_NODE_GROUP_GAINED		0x0020ULL
#define CLUSNOTIFY_NODE_GROUP_LOST		0x0040ULL
#define CLUSNOTIFY_NODE_HANDLE_CLOSE		0x0080ULL
#define CLUSNOTIFY_NODE_ALL			0x00FFULL

/* REGISTRY (CLUSTER_CHANGE_REGISTRY_*_V2); SUBTREE is a scope modifier */
#define CLUSNOTIFY_REGISTRY_ATTRIBUTES		0x0001ULL
#define CLUSNOTIFY_REGISTRY_NAME		0x0002ULL
#define CLUSNOTIFY_REGISTRY_SUBTREE		0x0004ULL
#define CLUSNOTIFY_REGISTRY_VALUE		0x0008ULL
#define CLUSNOTIFY_REGISTRY_HANDLE_CLOSE	0x0010ULL
#define CLUSNOTIFY_REGISTRY_ALL			0x001FULL

/* QUORUM (CLUSTER_CHANGE_QUORUM_*_V2) */
#define CLUSNOTIFY_QUORUM_STATE			0x0001ULL
#define CLUSNOTIFY_QUORUM_ALL			0x0001ULL

/* SHARED_VOLUME (CLUSTER_CHANGE_SHARED_VOLUME_*_V2) */
#define CLUSNOTIFY_SHARED_VOLUME_STATE		0x0001ULL
#define CLUSNOTIFY_SHARED_VOLUME_ADDED		0x0002ULL
#define CLUSNOTIFY_SHARED_VOLUME_REMOVED	0x0004ULL
#define CLUSNOTIFY_SHARED_VOLUME_ALL		0x0007ULL

/* SPACEPORT (CLUSTER_CHANGE_SPACEPORT_CUSTOM_PNP_V2) */
#define CLUSNOTIFY_SPACEPORT_CUSTOM_PNP		0x0001ULL
#define CLUSNOTIFY_SPACEPORT_ALL		0x0001ULL

/* UPGRADE (CLUSTER_CHANGE_UPGRADE_*) */
#define CLUSNOTIFY_UPGRADE_NODE_PREPARE		0x0001ULL
#define CLUSNOTIFY_UPGRADE_NODE_COMMIT		0x0002ULL
#define CLUSNOTIFY_UPGRADE_NODE_POSTCOMMIT	0x0004ULL
#define CLUSNOTIFY_UPGRADE_ALL			0x0007ULL

/* GROUPSET (CLUSTER_CHANGE_GROUPSET_*) */
#define CLUSNOTIFY_GROUPSET_DELETED		0x0001ULL
#define CLUSNOTIFY_GROUPSET_COMMON_PROPERTY	0x0002ULL
#define CLUSNOTIFY_GROUPSET_PRIVATE_PROPERTY	0x0004ULL
#define CLUSNOTIFY_GROUPSET_STATE		0x0008ULL
#define CLUSNOTIFY_GROUPSET_GROUP_ADDED		0x0010ULL
#define CLUSNOTIFY_GROUPSET_GROUP_REMOVED	0x0020ULL
#define CLUSNOTIFY_GROUPSET_DEPENDENCIES	0x0040ULL
#define CLUSNOTIFY_GROUPSET_DEPENDENTS		0x0080ULL
#define CLUSNOTIFY_GROUPSET_HANDLE_CLOSE	0x0100ULL
#define CLUSNOTIFY_GROUPSET_ALL			0x01FFULL

/* AFFINITYRULE and FAULTDOMAIN have no flags defined: ALL is 0. */
#define CLUSNOTIFY_AFFINITYRULE_ALL		0x0000ULL
#define CLUSNOTIFY_FAULTDOMAIN_ALL		0x0000ULL

/* Cluster connection states (payload of CLUSTER / STATE, a __u32). */
#define CLUSNOTIFY_CLUSTER_CONNECTED		1
#define CLUSNOTIFY_CLUSTER_DISCONNECTED		2
#define CLUSNOTIFY_CLUSTER_DELETED		3

/* An object's state is a __s32; -1 is "unknown", as in clusapi.h. */
#define CLUSNOTIFY_STATE_UNKNOWN		(-1)

/**
 * struct clusnotify_filter - one (object type, mask) pair
 * @object_type: CLUSNOTIFY_OBJ_*
 * @reserved: must be 0
 * @flags: non-zero mask inside the type's ALL
 *
 * 16 bytes, @flags at offset 8, the layout of NOTIFY_FILTER_AND_TYPE.
 */
struct clusnotify_filter {
	__u32 object_type;
	__u32 reserved;
	__u64 flags;
};

/* clusnotify_add_filters.flags */
#define CLUSNOTIFY_FILTERS_SINCE	0x1	/* resume after (@since_epoch, @since_seq) */

/**
 * struct clusnotify_add_filters - argument of CLUSNOTIFY_IOC_ADD_FILTERS
 * @size: sizeof(struct clusnotify_add_filters)
 * @flags: 0 or CLUSNOTIFY_FILTERS_SINCE
 * @cluster_id: the cluster the filters watch
 * @count: number of entries at @filters (1..CLUSNOTIFY_FILTERS_MAX)
 * @key: user key returned in every record these filters match
 * @filters: pointer to an array of struct clusnotify_filter
 * @since_epoch: with CLUSNOTIFY_FILTERS_SINCE, the epoch of @since_seq
 *	(since the second version, 48 bytes; 0 without the flag)
 * @since_seq: with CLUSNOTIFY_FILTERS_SINCE, the last event the caller
 *	has (0: none of the epoch); 0 without the flag
 */
struct clusnotify_add_filters {
	__u32 size;
	__u32 flags;
	__u32 cluster_id;
	__u32 count;
	__u64 key;
	__u64 filters;
	__u64 since_epoch;
	__u64 since_seq;
};

/**
 * struct clusnotify_register - argument of CLUSNOTIFY_IOC_REGISTER
 * @size: sizeof(struct clusnotify_register)
 * @flags: must be 0
 * @cluster_id: the object's cluster
 * @object_type: CLUSNOTIFY_OBJ_*
 * @filter_flags: non-zero mask inside the type's ALL
 * @key: user key returned in every record this registration matches
 * @reg_id: out: the registration id, never 0
 * @object_id: the object's id, NUL-terminated UTF-8
 */
struct clusnotify_register {
	__u32 size;
	__u32 flags;
	__u32 cluster_id;
	__u32 object_type;
	__u64 filter_flags;
	__u64 key;
	__u64 reg_id;
	char object_id[CLUSNOTIFY_ID_MAX];
};

/**
 * struct clusnotify_unregister - argument of CLUSNOTIFY_IOC_UNREGISTER
 * @size: sizeof(struct clusnotify_unregister)
 * @flags: must be 0
 * @reg_id: a registration id returned by CLUSNOTIFY_IOC_REGISTER
 */
struct clusnotify_unregister {
	__u32 size;
	__u32 flags;
	__u64 reg_id;
};

/**
 * struct clusnotify_cluster_info - argument of CLUSNOTIFY_IOC_GET_CLUSTER
 * @size: sizeof(struct clusnotify_cluster_info)
 * @flags: must be 0
 * @cluster_id: out
 * @state: out: CLUSNOTIFY_CLUSTER_CONNECTED or _DISCONNECTED
 * @objects: out: number of objects the cluster keeps
 * @reserved: must be 0
 * @seq: out: sequence number of the last event posted
 * @name: in: the name (empty: the local cluster); out: the name
 * @epoch: out: the cluster's epoch (since the second version, 104 bytes):
 *	random, never 0, kept while the module keeps the cluster
 */
struct clusnotify_cluster_info {
	__u32 size;
	__u32 flags;
	__u32 cluster_id;
	__u32 state;
	__u32 objects;
	__u32 reserved;
	__u64 seq;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	__u64 epoch;
};

#define CLUSNOTIFY_OBJECT_BY_ID		0x1	/* look up @id, not @name */

/**
 * struct clusnotify_object_info - argument of CLUSNOTIFY_IOC_GET_OBJECT
 * @size: sizeof(struct clusnotify_object_info)
 * @flags: 0 or CLUSNOTIFY_OBJECT_BY_ID
 * @cluster_id: in
 * @object_type: in: CLUSNOTIFY_OBJ_*
 * @state: out: current state, CLUSNOTIFY_STATE_UNKNOWN if never set
 * @reserved: must be 0
 * @id: in with CLUSNOTIFY_OBJECT_BY_ID; out
 * @name: in without CLUSNOTIFY_OBJECT_BY_ID; out
 * @parent_id: out
 * @type_name: out
 */
struct clusnotify_object_info {
	__u32 size;
	__u32 flags;
	__u32 cluster_id;
	__u32 object_type;
	__s32 state;
	__u32 reserved;
	char id[CLUSNOTIFY_ID_MAX];
	char name[CLUSNOTIFY_NAME_MAX];
	char parent_id[CLUSNOTIFY_ID_MAX];
	char type_name[CLUSNOTIFY_TYPE_NAME_MAX];
};

/**
 * struct clusnotify_port_stats - argument of CLUSNOTIFY_IOC_GET_STATS
 * @size: sizeof(struct clusnotify_port_stats)
 * @flags: must be 0
 * @queued: records waiting to be read
 * @queued_bytes: bytes those records take in read()
 * @matched: events that matched a filter or registration of the port
 * @delivered: of those, events queued
 * @lost: of those, events dropped because the port or its user was full
 * @read: records handed to read()
 * @filters: filters added
 * @registrations: per-object registrations in place
 * @clusters: clusters the port watches
 * @reserved: 0
 */
struct clusnotify_port_stats {
	__u32 size;
	__u32 flags;
	__u64 queued;
	__u64 queued_bytes;
	__u64 matched;
	__u64 delivered;
	__u64 lost;
	__u64 read;
	__u32 filters;
	__u32 registrations;
	__u32 clusters;
	__u32 reserved;
};

/* Most entries one LIST call returns, whatever its @count. */
#define CLUSNOTIFY_LIST_MAX		256
/* Most bytes between two entries (@entry_size). */
#define CLUSNOTIFY_LIST_ENTRY_SIZE_MAX	4096

/* clusnotify_list_*.out_flags */
#define CLUSNOTIFY_LIST_END		0x1	/* nothing followed */

/**
 * struct clusnotify_cluster_entry - one cluster, from LIST_CLUSTERS
 * @cluster_id: the id
 * @state: CLUSNOTIFY_CLUSTER_CONNECTED or _DISCONNECTED
 * @objects: objects the cluster keeps
 * @ports: ports watching it
 * @reconnects: times registered again
 * @reserved: 0
 * @seq: sequence number of the last event posted
 * @posted: events posted
 * @matched: (event, port) matches
 * @delivered: of those, queued
 * @lost: of those, dropped
 * @name: the name, NUL-terminated
 * @epoch: the cluster's epoch (since the second version, 160 bytes, as
 *	the three below)
 * @journal_events: events the cluster's journal keeps
 * @reserved2: 0
 * @journal_bytes: their bytes
 * @journal_first: sequence number of the oldest, 0 when it is empty
 */
struct clusnotify_cluster_entry {
	__u32 cluster_id;
	__u32 state;
	__u32 objects;
	__u32 ports;
	__u32 reconnects;
	__u32 reserved;
	__u64 seq;
	__u64 posted;
	__u64 matched;
	__u64 delivered;
	__u64 lost;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	__u64 epoch;
	__u32 journal_events;
	__u32 reserved2;
	__u64 journal_bytes;
	__u64 journal_first;
};
#define CLUSNOTIFY_CLUSTER_ENTRY_SIZE_VER0	128

/**
 * struct clusnotify_object_entry - one object, from LIST_OBJECTS
 * @object_type: CLUSNOTIFY_OBJ_*
 * @state: current state, CLUSNOTIFY_STATE_UNKNOWN if never set
 * @id: the object id, NUL-terminated (as are the strings below)
 * @name: the display name
 * @parent_id: the parent's id, or empty
 * @type_name: the type name (resources), or empty
 */
struct clusnotify_object_entry {
	__u32 object_type;
	__s32 state;
	char id[CLUSNOTIFY_ID_MAX];
	char name[CLUSNOTIFY_NAME_MAX];
	char parent_id[CLUSNOTIFY_ID_MAX];
	char type_name[CLUSNOTIFY_TYPE_NAME_MAX];
};
#define CLUSNOTIFY_OBJECT_ENTRY_SIZE_VER0	456

/**
 * struct clusnotify_list_clusters - argument of CLUSNOTIFY_IOC_LIST_CLUSTERS
 * @size: sizeof(struct clusnotify_list_clusters)
 * @flags: must be 0
 * @count: in: room at @entries, in entries (at least 1); out: entries written
 * @entry_size: distance between entries at @entries, in bytes
 * @cursor: in: 0, or the cursor a previous call returned; out: where the
 *	next call continues
 * @entries: pointer to @count entries of @entry_size bytes
 * @out_flags: out: CLUSNOTIFY_LIST_END or 0 (whatever it held is ignored)
 * @reserved: must be 0
 */
struct clusnotify_list_clusters {
	__u32 size;
	__u32 flags;
	__u32 count;
	__u32 entry_size;
	__u64 cursor;
	__u64 entries;
	__u32 out_flags;
	__u32 reserved;
};

/**
 * struct clusnotify_list_objects - argument of CLUSNOTIFY_IOC_LIST_OBJECTS
 * @size: sizeof(struct clusnotify_list_objects)
 * @flags: must be 0
 * @cluster_id: the cluster
 * @object_type: CLUSNOTIFY_OBJ_* of a type that takes filters, or
 *	CLUSNOTIFY_OBJ_NONE for every type
 * @count: in: room at @entries, in entries (at least 1); out: entries written
 * @entry_size: distance between entries at @entries, in bytes
 * @cursor: in: 0, or the cursor a previous call with the same @cluster_id
 *	returned; out: where the next call continues
 * @entries: pointer to @count entries of @entry_size bytes
 * @out_flags: out: CLUSNOTIFY_LIST_END or 0 (whatever it held is ignored)
 * @reserved: must be 0
 */
struct clusnotify_list_objects {
	__u32 size;
	__u32 flags;
	__u32 cluster_id;
	__u32 object_type;
	__u32 count;
	__u32 entry_size;
	__u64 cursor;
	__u64 entries;
	__u32 out_flags;
	__u32 reserved;
};

/*
 * The first published size of each ioctl argument, and the largest size the
 * kernel accepts (see THE DEVICE above).
 */
#define CLUSNOTIFY_ADD_FILTERS_SIZE_VER0	32
#define CLUSNOTIFY_REGISTER_SIZE_VER0		104
#define CLUSNOTIFY_UNREGISTER_SIZE_VER0		16
#define CLUSNOTIFY_CLUSTER_INFO_SIZE_VER0	96
#define CLUSNOTIFY_OBJECT_INFO_SIZE_VER0	472
#define CLUSNOTIFY_PORT_STATS_SIZE_VER0		72
#define CLUSNOTIFY_LIST_CLUSTERS_SIZE_VER0	40
#define CLUSNOTIFY_LIST_OBJECTS_SIZE_VER0	48
#define CLUSNOTIFY_IOC_SIZE_MAX			4096

#define CLUSNOTIFY_IOC_MAGIC		0xCB
#define CLUSNOTIFY_IOC_ADD_FILTERS	_IOW(CLUSNOTIFY_IOC_MAGIC, 0x01, struct clusnotify_add_filters)
#define CLUSNOTIFY_IOC_REGISTER		_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x02, struct clusnotify_register)
#define CLUSNOTIFY_IOC_UNREGISTER	_IOW(CLUSNOTIFY_IOC_MAGIC, 0x03, struct clusnotify_unregister)
#define CLUSNOTIFY_IOC_GET_CLUSTER	_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x04, struct clusnotify_cluster_info)
#define CLUSNOTIFY_IOC_GET_OBJECT	_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x05, struct clusnotify_object_info)
#define CLUSNOTIFY_IOC_SNAPSHOT		_IO(CLUSNOTIFY_IOC_MAGIC, 0x06)
#define CLUSNOTIFY_IOC_SHUTDOWN		_IO(CLUSNOTIFY_IOC_MAGIC, 0x07)
#define CLUSNOTIFY_IOC_GET_STATS	_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x08, struct clusnotify_port_stats)
#define CLUSNOTIFY_IOC_LIST_CLUSTERS	_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x09, struct clusnotify_list_clusters)
#define CLUSNOTIFY_IOC_LIST_OBJECTS	_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x0a, struct clusnotify_list_objects)

/* clusnotify_record.flags */
#define CLUSNOTIFY_RECORD_SNAPSHOT	0x0001	/* current state, from IOC_SNAPSHOT */
#define CLUSNOTIFY_RECORD_LOST		0x0002	/* reports events lost */
#define CLUSNOTIFY_RECORD_SYNTHETIC	0x0004	/* made by the module, not posted */
#define CLUSNOTIFY_RECORD_SNAPSHOT_END	0x0008	/* a cluster's snapshot is complete */
#define CLUSNOTIFY_RECORD_GAP		0x0010	/* a resume cannot have these */

/**
 * struct clusnotify_record - header of one record returned by read()
 * @len: full length of the record, a multiple of 8
 * @hdr_len: length of this header; strings start here
 * @flags: CLUSNOTIFY_RECORD_*
 * @object_type: CLUSNOTIFY_OBJ_*
 * @cluster_id: the cluster the event belongs to
 * @filter_flag: the one flag that fired
 * @key: the user key of the filter or registration that matched
 * @seq: per-cluster sequence number; a snapshot record carries the number
 *	of the last event its state reflects; LOST and HANDLE_CLOSE records 0
 * @timestamp_ns: CLOCK_REALTIME when the event was posted; the events of
 *	one post share it (a very long post takes a new reading between the
 *	stretches it posts in)
 * @id_len: length of the object id, without its NUL
 * @parent_len: length of the parent id
 * @name_len: length of the name
 * @type_len: length of the type name
 * @payload_off: offset of the payload from the record's start
 * @payload_len: payload length in bytes
 *
 * Since the second version (hdr_len 96; CLUSNOTIFY_RECORD_HDR_VER0 is the
 * first, 64), read only when @hdr_len covers them:
 * @epoch: the epoch of @cluster_id (see EPOCHS), in every record
 * @range_first: LOST: the first sequence number of @cluster_id lost; GAP:
 *	the first the port cannot have
 * @range_last: LOST, GAP: the last; both 0 in other records
 * @prev_state: a STATE event of an object the cluster keeps: its state
 *	before the change (see PREVIOUS VALUES); CLUSNOTIFY_STATE_UNKNOWN in
 *	other records
 * @prev_owner_len: length of the previous owner, the fifth string, after
 *	the type name (0: none)
 * @reserved: 0
 */
struct clusnotify_record {
	__u32 len;
	__u16 hdr_len;
	__u16 flags;
	__u32 object_type;
	__u32 cluster_id;
	__u64 filter_flag;
	__u64 key;
	__u64 seq;
	__u64 timestamp_ns;
	__u16 id_len;
	__u16 parent_len;
	__u16 name_len;
	__u16 type_len;
	__u32 payload_off;
	__u32 payload_len;
	__u64 epoch;
	__u64 range_first;
	__u64 range_last;
	__s32 prev_state;
	__u16 prev_owner_len;
	__u16 reserved;
};
#define CLUSNOTIFY_RECORD_HDR_VER0	64

/*
 * The largest record read() returns, whatever the header's version: it is
 * the first version's bound, so that a reader built against any header
 * can read every record with a buffer of this size. An event whose record
 * would be larger (all strings near their bounds and a payload near
 * CLUSNOTIFY_PAYLOAD_MAX) cannot be posted.
 */
#define CLUSNOTIFY_RECORD_ALIGN(x)	(((x) + 7U) & ~7U)
#define CLUSNOTIFY_RECORD_MAX						\
	CLUSNOTIFY_RECORD_ALIGN(CLUSNOTIFY_RECORD_HDR_VER0 +		\
				CLUSNOTIFY_ID_MAX * 2 +			\
				CLUSNOTIFY_NAME_MAX +			\
				CLUSNOTIFY_TYPE_NAME_MAX + 8 +		\
				CLUSNOTIFY_PAYLOAD_MAX)

/* Generic netlink commands */
enum clusnotify_cmd {
	CLUSNOTIFY_CMD_UNSPEC,
	CLUSNOTIFY_CMD_CLUSTER_REGISTER,
	CLUSNOTIFY_CMD_CLUSTER_UNREGISTER,
	CLUSNOTIFY_CMD_CLUSTER_GET,
	CLUSNOTIFY_CMD_OBJECT_SET,
	CLUSNOTIFY_CMD_OBJECT_DEL,
	CLUSNOTIFY_CMD_OBJECT_GET,
	CLUSNOTIFY_CMD_EVENT_POST,
	CLUSNOTIFY_CMD_EVENT,
	CLUSNOTIFY_CMD_MONITOR_START,
	CLUSNOTIFY_CMD_MONITOR_STOP,
	__CLUSNOTIFY_CMD_MAX
};
#define CLUSNOTIFY_CMD_MAX (__CLUSNOTIFY_CMD_MAX - 1)

/* Top-level attributes */
enum clusnotify_attr {
	CLUSNOTIFY_A_UNSPEC,
	CLUSNOTIFY_A_CLUSTER_ID,	/* u32 */
	CLUSNOTIFY_A_CLUSTER_NAME,	/* string, < CLUSNOTIFY_CLUSTER_NAME_MAX */
	CLUSNOTIFY_A_CLUSTER_STATE,	/* u32 CLUSNOTIFY_CLUSTER_* */
	CLUSNOTIFY_A_CLUSTER_STATS,	/* nest of CLUSNOTIFY_STAT_* */
	CLUSNOTIFY_A_OBJECTS,		/* nest of CLUSNOTIFY_A_OBJECT */
	CLUSNOTIFY_A_OBJECT,		/* nest of CLUSNOTIFY_OBJ_A_* */
	CLUSNOTIFY_A_EVENTS,		/* nest of CLUSNOTIFY_A_EVENT */
	CLUSNOTIFY_A_EVENT,		/* nest of CLUSNOTIFY_EV_A_* */
	CLUSNOTIFY_A_PAD,
	__CLUSNOTIFY_A_MAX
};
#define CLUSNOTIFY_A_MAX (__CLUSNOTIFY_A_MAX - 1)

/* Cluster counters, in CLUSNOTIFY_A_CLUSTER_STATS */
enum clusnotify_stat_attr {
	CLUSNOTIFY_STAT_UNSPEC,
	CLUSNOTIFY_STAT_SEQ,		/* u64: last sequence number */
	CLUSNOTIFY_STAT_POSTED,		/* u64: events posted */
	CLUSNOTIFY_STAT_MATCHED,	/* u64: (event, port) matches */
	CLUSNOTIFY_STAT_DELIVERED,	/* u64: of those, queued */
	CLUSNOTIFY_STAT_LOST,		/* u64: of those, dropped */
	CLUSNOTIFY_STAT_OBJECTS,	/* u32: objects kept */
	CLUSNOTIFY_STAT_PORTS,		/* u32: ports watching */
	CLUSNOTIFY_STAT_RECONNECTS,	/* u32: times re-registered */
	CLUSNOTIFY_STAT_PAD,
	CLUSNOTIFY_STAT_EPOCH,		/* u64: the cluster's epoch */
	CLUSNOTIFY_STAT_JOURNAL_EVENTS,	/* u32: events its journal keeps */
	CLUSNOTIFY_STAT_JOURNAL_BYTES,	/* u64: their bytes */
	CLUSNOTIFY_STAT_JOURNAL_FIRST,	/* u64: the oldest's seq, 0: empty */
	__CLUSNOTIFY_STAT_MAX
};
#define CLUSNOTIFY_STAT_MAX (__CLUSNOTIFY_STAT_MAX - 1)

/* Object attributes, in CLUSNOTIFY_A_OBJECT */
enum clusnotify_obj_attr {
	CLUSNOTIFY_OBJ_A_UNSPEC,
	CLUSNOTIFY_OBJ_A_TYPE,		/* u32 CLUSNOTIFY_OBJ_* */
	CLUSNOTIFY_OBJ_A_ID,		/* string, < CLUSNOTIFY_ID_MAX */
	CLUSNOTIFY_OBJ_A_NAME,		/* string, < CLUSNOTIFY_NAME_MAX */
	CLUSNOTIFY_OBJ_A_PARENT_ID,	/* string, < CLUSNOTIFY_ID_MAX */
	CLUSNOTIFY_OBJ_A_TYPE_NAME,	/* string, < CLUSNOTIFY_TYPE_NAME_MAX */
	CLUSNOTIFY_OBJ_A_STATE,		/* s32 */
	__CLUSNOTIFY_OBJ_A_MAX
};
#define CLUSNOTIFY_OBJ_A_MAX (__CLUSNOTIFY_OBJ_A_MAX - 1)

/* Event attributes, in CLUSNOTIFY_A_EVENT */
enum clusnotify_ev_attr {
	CLUSNOTIFY_EV_A_UNSPEC,
	CLUSNOTIFY_EV_A_OBJ_TYPE,	/* u32 CLUSNOTIFY_OBJ_* */
	CLUSNOTIFY_EV_A_FLAG,		/* u64: one bit of the type's ALL */
	CLUSNOTIFY_EV_A_OBJ_ID,		/* string */
	CLUSNOTIFY_EV_A_PARENT_ID,	/* string */
	CLUSNOTIFY_EV_A_NAME,		/* string */
	CLUSNOTIFY_EV_A_TYPE_NAME,	/* string */
	CLUSNOTIFY_EV_A_PAYLOAD,	/* binary, <= CLUSNOTIFY_PAYLOAD_MAX */
	CLUSNOTIFY_EV_A_SEQ,		/* u64, to monitors only */
	CLUSNOTIFY_EV_A_TIMESTAMP,	/* u64 ns, to monitors only */
	CLUSNOTIFY_EV_A_PAD,
	CLUSNOTIFY_EV_A_EPOCH,		/* u64, to monitors only */
	__CLUSNOTIFY_EV_A_MAX
};
#define CLUSNOTIFY_EV_A_MAX (__CLUSNOTIFY_EV_A_MAX - 1)

#endif /* _UAPI_LINUX_CLUSNOTIFY_H */
