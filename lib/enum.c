// SPDX-License-Identifier: MIT
/*
 * Enumeration of clusters and objects through the port: the device's LIST
 * ioctls, one batch per call, resumed by a cursor.
 */
#include <errno.h>
#include <string.h>
#include <sys/ioctl.h>

#include "clusnotify.h"
#include "internal.h"

static int xioctl(struct clusnotify_port *port, unsigned long req, void *arg)
{
	int fd = clusnotify_port_fd(port);

	if (fd < 0)
		return fd;
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

/* What a batch returns: how many, and where the next one starts. */
static int batch(uint32_t count, uint32_t out_flags, uint64_t next,
		 uint64_t *cursor)
{
	*cursor = (out_flags & CLUSNOTIFY_LIST_END) ? CLUSNOTIFY_CURSOR_END : next;
	return (int)count;
}

/* Whether there is nothing to ask: the previous batch was the last. */
static int check(uint64_t *cursor, const void *entries, unsigned int count)
{
	if (!cursor || !entries || !count)
		return -EINVAL;
	return *cursor == CLUSNOTIFY_CURSOR_END;
}

__cn_public int clusnotify_list_clusters(struct clusnotify_port *port,
					 uint64_t *cursor,
					 struct clusnotify_cluster_entry *entries,
					 unsigned int count)
{
	struct clusnotify_list_clusters a;
	int ret;

	ret = check(cursor, entries, count);
	if (ret)
		return ret < 0 ? ret : 0;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.count = count > CLUSNOTIFY_LIST_MAX ? CLUSNOTIFY_LIST_MAX : count;
	a.entry_size = sizeof(*entries);
	a.cursor = *cursor;
	a.entries = (uintptr_t)entries;
	ret = xioctl(port, CLUSNOTIFY_IOC_LIST_CLUSTERS, &a);
	return ret ? ret : batch(a.count, a.out_flags, a.cursor, cursor);
}

__cn_public int clusnotify_list_objects(struct clusnotify_port *port,
					uint32_t cluster_id,
					uint32_t object_type, uint64_t *cursor,
					struct clusnotify_object_entry *entries,
					unsigned int count)
{
	struct clusnotify_list_objects a;
	int ret;

	ret = check(cursor, entries, count);
	if (ret)
		return ret < 0 ? ret : 0;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.cluster_id = cluster_id;
	a.object_type = object_type;
	a.count = count > CLUSNOTIFY_LIST_MAX ? CLUSNOTIFY_LIST_MAX : count;
	a.entry_size = sizeof(*entries);
	a.cursor = *cursor;
	a.entries = (uintptr_t)entries;
	ret = xioctl(port, CLUSNOTIFY_IOC_LIST_OBJECTS, &a);
	return ret ? ret : batch(a.count, a.out_flags, a.cursor, cursor);
}
