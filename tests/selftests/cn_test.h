/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the clusnotify selftests: thin wrappers over the port
 * ioctls (0 or -errno, so a scenario reads as ASSERT_EQ(-EINVAL, ...)),
 * a record parser that checks the layout the header promises, module
 * parameters, and running a piece of a test as an unprivileged user.
 *
 * No libnl here: compat32_test (built -m32) uses this file too.
 */
#ifndef CN_TEST_H
#define CN_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <poll.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/clusnotify.h>

#define CN_DEV		"/dev/" CLUSNOTIFY_DEVICE_NAME
#define CN_PARAMS	"/sys/module/clusnotify/parameters/"
#define CN_POISON	0xa5
#define CN_POISON64	0xa5a5a5a5a5a5a5a5ULL
#define CN_NOBODY	65534

/* The layout is the ABI: the same on i386 and x86_64. */
_Static_assert(sizeof(struct clusnotify_filter) == 16, "filter");
_Static_assert(sizeof(struct clusnotify_add_filters) == 48, "add_filters");
_Static_assert(sizeof(struct clusnotify_register) == 104, "register");
_Static_assert(sizeof(struct clusnotify_unregister) == 16, "unregister");
_Static_assert(sizeof(struct clusnotify_cluster_info) == 104, "cluster_info");
_Static_assert(sizeof(struct clusnotify_object_info) == 472, "object_info");
_Static_assert(sizeof(struct clusnotify_port_stats) == 72, "port_stats");
_Static_assert(sizeof(struct clusnotify_record) == 96, "record");
_Static_assert(CLUSNOTIFY_RECORD_HDR_VER0 == 64, "record VER0");
_Static_assert(sizeof(struct clusnotify_list_clusters) == 40, "list_clusters");
_Static_assert(sizeof(struct clusnotify_list_objects) == 48, "list_objects");
/*
 * *_SIZE_VER0 is the size of each argument's first version; grown ones:
 * cluster_info (+ epoch), add_filters (+ since_epoch, since_seq).
 */
_Static_assert(CLUSNOTIFY_ADD_FILTERS_SIZE_VER0 + 16 == sizeof(struct clusnotify_add_filters) &&
	       CLUSNOTIFY_REGISTER_SIZE_VER0 == sizeof(struct clusnotify_register) &&
	       CLUSNOTIFY_UNREGISTER_SIZE_VER0 == sizeof(struct clusnotify_unregister) &&
	       CLUSNOTIFY_CLUSTER_INFO_SIZE_VER0 + 8 == sizeof(struct clusnotify_cluster_info) &&
	       CLUSNOTIFY_OBJECT_INFO_SIZE_VER0 == sizeof(struct clusnotify_object_info) &&
	       CLUSNOTIFY_PORT_STATS_SIZE_VER0 == sizeof(struct clusnotify_port_stats) &&
	       CLUSNOTIFY_LIST_CLUSTERS_SIZE_VER0 == sizeof(struct clusnotify_list_clusters) &&
	       CLUSNOTIFY_LIST_OBJECTS_SIZE_VER0 == sizeof(struct clusnotify_list_objects),
	       "*_SIZE_VER0");
_Static_assert(sizeof(struct clusnotify_cluster_entry) ==
	       CLUSNOTIFY_CLUSTER_ENTRY_SIZE_VER0 + 32, "cluster_entry");
_Static_assert(sizeof(struct clusnotify_object_entry) ==
	       CLUSNOTIFY_OBJECT_ENTRY_SIZE_VER0, "object_entry");

static inline int cn_open(int flags)
{
	return open(CN_DEV, O_RDWR | O_CLOEXEC | flags);
}

static inline int cn_ioctl(int fd, unsigned long req, void *arg)
{
	return ioctl(fd, req, arg) < 0 ? -errno : 0;
}

static inline int cn_add_filters(int fd, uint32_t cid, uint64_t key,
				 const struct clusnotify_filter *f, uint32_t n)
{
	struct clusnotify_add_filters a = {
		.size = sizeof(a),
		.cluster_id = cid,
		.count = n,
		.key = key,
		.filters = (uint64_t)(uintptr_t)f,
	};

	return cn_ioctl(fd, CLUSNOTIFY_IOC_ADD_FILTERS, &a);
}

/* Filters that resume after (epoch, seq): CLUSNOTIFY_FILTERS_SINCE. */
static inline int cn_add_filter_since(int fd, uint32_t cid, uint64_t key,
				      uint32_t type, uint64_t mask,
				      uint64_t epoch, uint64_t seq)
{
	struct clusnotify_filter f = { .object_type = type, .flags = mask };
	struct clusnotify_add_filters a = {
		.size = sizeof(a),
		.flags = CLUSNOTIFY_FILTERS_SINCE,
		.cluster_id = cid,
		.count = 1,
		.key = key,
		.filters = (uint64_t)(uintptr_t)&f,
		.since_epoch = epoch,
		.since_seq = seq,
	};

	return cn_ioctl(fd, CLUSNOTIFY_IOC_ADD_FILTERS, &a);
}

static inline int cn_add_filter(int fd, uint32_t cid, uint64_t key,
				uint32_t type, uint64_t mask)
{
	struct clusnotify_filter f = { .object_type = type, .flags = mask };

	return cn_add_filters(fd, cid, key, &f, 1);
}

static inline int cn_register(int fd, uint32_t cid, uint32_t type,
			      uint64_t mask, uint64_t key, const char *obj,
			      uint64_t *reg_id)
{
	struct clusnotify_register r = {
		.size = sizeof(r),
		.cluster_id = cid,
		.object_type = type,
		.filter_flags = mask,
		.key = key,
	};
	int ret;

	/* reg_id is never 0: finding it non-zero proves the kernel wrote it */
	snprintf(r.object_id, sizeof(r.object_id), "%s", obj);
	ret = cn_ioctl(fd, CLUSNOTIFY_IOC_REGISTER, &r);
	if (reg_id)
		*reg_id = r.reg_id;
	return ret;
}

static inline int cn_unregister(int fd, uint64_t reg_id)
{
	struct clusnotify_unregister u = { .size = sizeof(u), .reg_id = reg_id };

	return cn_ioctl(fd, CLUSNOTIFY_IOC_UNREGISTER, &u);
}

/* Outputs are pre-filled with a poison value to prove the kernel wrote them. */
static inline int cn_get_cluster(int fd, const char *name,
				 struct clusnotify_cluster_info *ci)
{
	memset(ci, CN_POISON, sizeof(*ci));
	ci->size = sizeof(*ci);
	ci->flags = 0;
	ci->reserved = 0;
	memset(ci->name, 0, sizeof(ci->name));
	snprintf(ci->name, sizeof(ci->name), "%s", name);
	return cn_ioctl(fd, CLUSNOTIFY_IOC_GET_CLUSTER, ci);
}

static inline int cn_get_object(int fd, uint32_t cid, uint32_t type,
				const char *key, int by_id,
				struct clusnotify_object_info *oi)
{
	memset(oi, CN_POISON, sizeof(*oi));
	oi->size = sizeof(*oi);
	oi->flags = by_id ? CLUSNOTIFY_OBJECT_BY_ID : 0;
	oi->cluster_id = cid;
	oi->object_type = type;
	oi->reserved = 0;
	memset(oi->id, 0, sizeof(oi->id));
	memset(oi->name, 0, sizeof(oi->name));
	if (by_id)
		snprintf(oi->id, sizeof(oi->id), "%s", key);
	else
		snprintf(oi->name, sizeof(oi->name), "%s", key);
	return cn_ioctl(fd, CLUSNOTIFY_IOC_GET_OBJECT, oi);
}

static inline int cn_stats(int fd, struct clusnotify_port_stats *st)
{
	memset(st, CN_POISON, sizeof(*st));
	st->size = sizeof(*st);
	st->flags = 0;
	st->reserved = 0;
	return cn_ioctl(fd, CLUSNOTIFY_IOC_GET_STATS, st);
}

static inline int cn_snapshot(int fd)
{
	return ioctl(fd, CLUSNOTIFY_IOC_SNAPSHOT) < 0 ? -errno : 0;
}

static inline int cn_shutdown(int fd)
{
	return ioctl(fd, CLUSNOTIFY_IOC_SHUTDOWN) < 0 ? -errno : 0;
}

static inline int cn_fionread(int fd, int *n)
{
	*n = (int)0xa5a5a5a5;
	return ioctl(fd, FIONREAD, n) < 0 ? -errno : 0;
}

/* poll() for POLLIN; returns revents, 0 on timeout, -errno on error */
static inline int cn_wait(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int ret = poll(&p, 1, timeout_ms);

	if (ret < 0)
		return -errno;
	return ret ? p.revents : 0;
}

/* One record, parsed and checked. Strings point into the read buffer. */
struct cn_rec {
	struct clusnotify_record h;
	const char *id, *parent, *name, *type_name, *prev_owner;
	const unsigned char *payload;
};

static inline uint32_t cn_rec_u32(const struct cn_rec *r)
{
	uint32_t v;

	memcpy(&v, r->payload, sizeof(v));
	return v;
}

static inline uint64_t cn_rec_u64(const struct cn_rec *r)
{
	uint64_t v;

	memcpy(&v, r->payload, sizeof(v));
	return v;
}

static inline int cn_bad(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "# bad record: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	return -EBADMSG;
}

/*
 * Splits what read() returned into records, checking everything the header
 * promises about their layout. Returns the number of records or -EBADMSG.
 */
static inline int cn_parse(const void *buf, size_t len, struct cn_rec *out,
			   int max)
{
	const unsigned char *p = buf;
	size_t off = 0;
	int n = 0;

	while (off < len) {
		struct clusnotify_record h;
		const unsigned char *s;
		size_t end;

		if (len - off < sizeof(h))
			return cn_bad("%zu trailing bytes", len - off);
		memcpy(&h, p + off, sizeof(h));
		if (h.len % 8 || h.len < sizeof(h) || h.len > len - off)
			return cn_bad("len %u at %zu of %zu", h.len, off, len);
		if (h.len > CLUSNOTIFY_RECORD_MAX)
			return cn_bad("len %u > RECORD_MAX", h.len);
		if (h.hdr_len < sizeof(h) || h.hdr_len > h.len)
			return cn_bad("hdr_len %u", h.hdr_len);
		if (h.id_len >= CLUSNOTIFY_ID_MAX ||
		    h.parent_len >= CLUSNOTIFY_ID_MAX ||
		    h.name_len >= CLUSNOTIFY_NAME_MAX ||
		    h.type_len >= CLUSNOTIFY_TYPE_NAME_MAX)
			return cn_bad("string lengths %u %u %u %u", h.id_len,
				      h.parent_len, h.name_len, h.type_len);
		end = (size_t)h.hdr_len + h.id_len + h.parent_len +
		      h.name_len + h.type_len + 4;
		if (end > h.len)
			return cn_bad("strings end at %zu > len %u", end, h.len);
		s = p + off + h.hdr_len;
		if (n < max) {
			out[n].h = h;
			out[n].id = (const char *)s;
		}
		if (s[h.id_len])
			return cn_bad("id not NUL-terminated");
		s += h.id_len + 1;
		if (n < max)
			out[n].parent = (const char *)s;
		if (s[h.parent_len])
			return cn_bad("parent not NUL-terminated");
		s += h.parent_len + 1;
		if (n < max)
			out[n].name = (const char *)s;
		if (s[h.name_len])
			return cn_bad("name not NUL-terminated");
		s += h.name_len + 1;
		if (n < max)
			out[n].type_name = (const char *)s;
		if (s[h.type_len])
			return cn_bad("type name not NUL-terminated");
		/* the fifth string, the previous owner, before the payload */
		s += h.type_len + 1;
		if (n < max)
			out[n].prev_owner = (const char *)s;
		end += h.prev_owner_len + 1;
		if (end > h.len || end > h.payload_off || s[h.prev_owner_len])
			return cn_bad("previous owner %u not NUL-terminated before %u",
				      h.prev_owner_len, h.payload_off);
		if (h.payload_off % 8 || h.payload_off < end ||
		    h.payload_len > CLUSNOTIFY_PAYLOAD_MAX ||
		    (size_t)h.payload_off + h.payload_len > h.len)
			return cn_bad("payload %u+%u, strings end %zu, len %u",
				      h.payload_off, h.payload_len, end, h.len);
		if (h.len != CLUSNOTIFY_RECORD_ALIGN(h.payload_off + h.payload_len))
			return cn_bad("len %u is not the padded end %u", h.len,
				      CLUSNOTIFY_RECORD_ALIGN(h.payload_off + h.payload_len));
		if (n < max)
			out[n].payload = p + off + h.payload_off;
		off += h.len;
		n++;
	}
	return n > max ? cn_bad("more than %d records", max) : n;
}

#define CN_BUF	(64 * 1024)

/*
 * Reads what is queued (waiting up to timeout_ms for the first record) and
 * parses it into out. The caller owns buf (CN_BUF bytes).
 * Returns the number of records, 0 if none came, or -errno.
 */
static inline int cn_read(int fd, void *buf, struct cn_rec *out, int max,
			  int timeout_ms)
{
	ssize_t n;
	int ret;

	ret = cn_wait(fd, timeout_ms);
	if (ret < 0)
		return ret;
	if (!(ret & POLLIN))
		return 0;
	memset(buf, CN_POISON, CN_BUF);
	n = read(fd, buf, CN_BUF);
	if (n < 0)
		return errno == EAGAIN ? 0 : -errno;
	return cn_parse(buf, n, out, max);
}

/* Reads until timeout_ms passes with nothing new, appending to out. */
static inline int cn_read_all(int fd, void *buf, size_t bufsz,
			      struct cn_rec *out, int max, int timeout_ms)
{
	unsigned char *b = buf;
	size_t used = 0;
	int total = 0;

	for (;;) {
		ssize_t n;
		int ret;

		ret = cn_wait(fd, timeout_ms);
		if (ret < 0)
			return ret;
		if (!(ret & POLLIN))
			return total;
		if (bufsz - used < CLUSNOTIFY_RECORD_MAX)
			return -ENOSPC;
		n = read(fd, b + used, bufsz - used);
		if (n < 0)
			return errno == EAGAIN ? total : -errno;
		ret = cn_parse(b + used, n, out + total, max - total);
		if (ret < 0)
			return ret;
		total += ret;
		used += n;
	}
}

/* The STATE flag of a type, 0 if it has none. */
static inline uint64_t cn_state_flag(uint32_t type)
{
	switch (type) {
	case CLUSNOTIFY_OBJ_CLUSTER:		return CLUSNOTIFY_CLUSTER_STATE;
	case CLUSNOTIFY_OBJ_GROUP:		return CLUSNOTIFY_GROUP_STATE;
	case CLUSNOTIFY_OBJ_RESOURCE:		return CLUSNOTIFY_RESOURCE_STATE;
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE:	return CLUSNOTIFY_NETINTERFACE_STATE;
	case CLUSNOTIFY_OBJ_NETWORK:		return CLUSNOTIFY_NETWORK_STATE;
	case CLUSNOTIFY_OBJ_NODE:		return CLUSNOTIFY_NODE_STATE;
	case CLUSNOTIFY_OBJ_QUORUM:		return CLUSNOTIFY_QUORUM_STATE;
	case CLUSNOTIFY_OBJ_SHARED_VOLUME:	return CLUSNOTIFY_SHARED_VOLUME_STATE;
	case CLUSNOTIFY_OBJ_GROUPSET:		return CLUSNOTIFY_GROUPSET_STATE;
	}
	return 0;
}

/*
 * Flags the subscriber's side makes (API-REFERENCE.md: cluster RECONNECT,
 * STATE and LOST_NOTIFICATIONS, every HANDLE_CLOSE) and the REGISTRY SUBTREE
 * scope modifier: never posted by a cluster engine.
 */
static inline bool cn_subscriber_side(uint32_t type, uint64_t flag)
{
	switch (type) {
	case CLUSNOTIFY_OBJ_CLUSTER:
		return flag & (CLUSNOTIFY_CLUSTER_RECONNECT | CLUSNOTIFY_CLUSTER_STATE |
			       CLUSNOTIFY_CLUSTER_HANDLE_CLOSE |
			       CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS);
	case CLUSNOTIFY_OBJ_GROUP:		return flag == CLUSNOTIFY_GROUP_HANDLE_CLOSE;
	case CLUSNOTIFY_OBJ_RESOURCE:		return flag == CLUSNOTIFY_RESOURCE_HANDLE_CLOSE;
	case CLUSNOTIFY_OBJ_NETWORK_INTERFACE:	return flag == CLUSNOTIFY_NETINTERFACE_HANDLE_CLOSE;
	case CLUSNOTIFY_OBJ_NETWORK:		return flag == CLUSNOTIFY_NETWORK_HANDLE_CLOSE;
	case CLUSNOTIFY_OBJ_NODE:		return flag == CLUSNOTIFY_NODE_HANDLE_CLOSE;
	case CLUSNOTIFY_OBJ_REGISTRY:
		return flag == CLUSNOTIFY_REGISTRY_HANDLE_CLOSE ||
		       flag == CLUSNOTIFY_REGISTRY_SUBTREE;
	case CLUSNOTIFY_OBJ_GROUPSET:		return flag == CLUSNOTIFY_GROUPSET_HANDLE_CLOSE;
	}
	return false;
}

/* Every type and its ALL mask (0 for the types that accept no filter). */
static const struct {
	uint32_t type;
	uint64_t all;
} cn_types[] = {
	{ CLUSNOTIFY_OBJ_NONE,			0 },
	{ CLUSNOTIFY_OBJ_CLUSTER,		CLUSNOTIFY_CLUSTER_ALL },
	{ CLUSNOTIFY_OBJ_GROUP,			CLUSNOTIFY_GROUP_ALL },
	{ CLUSNOTIFY_OBJ_RESOURCE,		CLUSNOTIFY_RESOURCE_ALL },
	{ CLUSNOTIFY_OBJ_RESOURCE_TYPE,		CLUSNOTIFY_RESOURCE_TYPE_ALL },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE,	CLUSNOTIFY_NETINTERFACE_ALL },
	{ CLUSNOTIFY_OBJ_NETWORK,		CLUSNOTIFY_NETWORK_ALL },
	{ CLUSNOTIFY_OBJ_NODE,			CLUSNOTIFY_NODE_ALL },
	{ CLUSNOTIFY_OBJ_REGISTRY,		CLUSNOTIFY_REGISTRY_ALL },
	{ CLUSNOTIFY_OBJ_QUORUM,		CLUSNOTIFY_QUORUM_ALL },
	{ CLUSNOTIFY_OBJ_SHARED_VOLUME,		CLUSNOTIFY_SHARED_VOLUME_ALL },
	{ CLUSNOTIFY_OBJ_SPACEPORT,		CLUSNOTIFY_SPACEPORT_ALL },
	{ CLUSNOTIFY_OBJ_UPGRADE,		CLUSNOTIFY_UPGRADE_ALL },
	{ CLUSNOTIFY_OBJ_GROUPSET,		CLUSNOTIFY_GROUPSET_ALL },
	{ CLUSNOTIFY_OBJ_AFFINITYRULE,		CLUSNOTIFY_AFFINITYRULE_ALL },
	{ CLUSNOTIFY_OBJ_FAULTDOMAIN,		CLUSNOTIFY_FAULTDOMAIN_ALL },
};

/* A cluster name no other test (or earlier run) uses. */
static inline const char *cn_name(char *buf, size_t len, const char *tag)
{
	static unsigned int n;

	snprintf(buf, len, "st-%s-%d-%u", tag, (int)getpid(), n++);
	return buf;
}

static inline int cn_param_get(const char *name, char *buf, size_t len)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), CN_PARAMS "%s", name);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	while (n > 0 && (buf[n - 1] == '\n' || buf[n - 1] == ' '))
		n--;
	buf[n] = 0;
	return 0;
}

static inline int cn_param_set(const char *name, const char *val)
{
	char path[256];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), CN_PARAMS "%s", name);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	close(fd);
	return n < 0 ? -errno : 0;
}

/*
 * Forks a child that runs as uid/gid with the given supplementary groups
 * and no capabilities. Returns 0 in the child, its pid in the parent.
 * The child exits 100 if it could not drop its privileges.
 */
static inline pid_t cn_fork_as(uid_t uid, gid_t gid, const gid_t *groups,
			       int ngroups)
{
	pid_t pid = fork();

	if (pid)
		return pid;
	if (setgroups(ngroups, groups) || setresgid(gid, gid, gid) ||
	    setresuid(uid, uid, uid)) {
		perror("# drop privileges");
		_exit(100);
	}
	return 0;
}

/* Waits for a child; its exit status, or 128 + signal. */
static inline int cn_wait_child(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	return 128 + WTERMSIG(status);
}

/* In a forked child: on failure, say where and exit with the line number. */
#define CHILD_CHECK(cond) do {						\
	if (!(cond)) {							\
		fprintf(stderr, "# child %s:%d: check failed: %s (errno %d)\n", \
			__FILE__, __LINE__, #cond, errno);		\
		_exit(__LINE__ % 200 + 1);				\
	}								\
} while (0)

static inline uint64_t cn_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_REALTIME, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/*
 * Moves the calling test (the harness forks one process per test) into a
 * network namespace of its own: its clusters, and any a failing test leaves
 * behind, go with it.
 */
static inline int cn_private_netns(void)
{
	return unshare(CLONE_NEWNET) ? -errno : 0;
}

static inline pid_t cn_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Waits until thread tid sleeps (blocked in a read or poll): 0 or -ETIMEDOUT. */
static inline int cn_wait_sleeping(pid_t tid, int timeout_ms)
{
	char path[64], buf[512];
	int i;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	for (i = 0; i < timeout_ms / 5; i++) {
		int fd = open(path, O_RDONLY | O_CLOEXEC);
		ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
		char *p;

		if (fd >= 0)
			close(fd);
		if (n > 0) {
			buf[n] = 0;
			p = strrchr(buf, ')');
			if (p && p[1] == ' ' && p[2] == 'S')
				return 0;
		}
		usleep(5000);
	}
	return -ETIMEDOUT;
}

#endif /* CN_TEST_H */
