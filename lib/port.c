// SPDX-License-Identifier: MIT
/*
 * The native port: ioctls, the read buffer and the wait.
 */
#include <assert.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include "clusnotify.h"
#include "internal.h"

#define PORT_BUF_SIZE	(64 * 1024)

/*
 * Records [@head, @tail) of @buf are read from the kernel and not yet
 * consumed. One thread at a time owns them (@busy): from a successful peek
 * to its consume or release, and never across a blocking call. A thread
 * that waits for another's peek to end sleeps on @idle, under @lock, with
 * its own deadline, and a shutdown wakes it: the peek may be held for as
 * long as its thread takes to handle the event.
 *
 * Records read into the buffer no longer make @fd readable, so @efd (an
 * eventfd, also the owner's) is kept readable exactly while the buffer holds
 * one: a waiter polls both and cannot sleep with events buffered by another
 * thread. @epfd, made on first use under @lock, holds the two for a caller
 * that wants one fd readable while the port has events (clusapi's event
 * handle).
 */
struct clusnotify_port {
	int fd;
	int efd;
	int epfd;
	bool efd_set;
	atomic_bool shut;
	pthread_mutex_t lock;
	pthread_cond_t idle;	/* CLOCK_MONOTONIC */
	bool busy;
	size_t head;
	size_t tail;
	unsigned char buf[PORT_BUF_SIZE];
};

static_assert(PORT_BUF_SIZE >= CLUSNOTIFY_RECORD_MAX, "buffer holds any record");

static int port_new(struct clusnotify_port **portp, int fd)
{
	struct clusnotify_port *port;
	pthread_condattr_t attr;
	int ret;

	port = malloc(sizeof(*port));
	if (!port)
		return -ENOMEM;
	port->efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (port->efd < 0) {
		ret = -errno;
		free(port);
		return ret;
	}
	ret = pthread_mutex_init(&port->lock, NULL);
	if (ret)
		goto err_efd;
	ret = pthread_condattr_init(&attr);
	if (ret)
		goto err_mutex;
	ret = pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
	if (!ret)
		ret = pthread_cond_init(&port->idle, &attr);
	pthread_condattr_destroy(&attr);
	if (ret)
		goto err_mutex;
	port->fd = fd;
	port->epfd = -1;
	port->efd_set = false;
	port->busy = false;
	atomic_init(&port->shut, false);
	port->head = port->tail = 0;
	*portp = port;
	return 0;

err_mutex:
	pthread_mutex_destroy(&port->lock);
err_efd:
	close(port->efd);
	free(port);
	return -ret;
}

__cn_public int clusnotify_port_open(struct clusnotify_port **portp)
{
	int fd, ret;

	if (!portp)
		return -EINVAL;
	fd = open("/dev/" CLUSNOTIFY_DEVICE_NAME, O_RDWR | O_CLOEXEC | O_NONBLOCK);
	if (fd < 0)
		return -errno;
	ret = port_new(portp, fd);
	if (ret)
		close(fd);
	return ret;
}

__cn_public int clusnotify_port_attach(struct clusnotify_port **portp, int fd)
{
	int fl;

	if (!portp || fd < 0)
		return -EINVAL;
	fl = fcntl(fd, F_GETFL);
	if (fl < 0)
		return -errno;
	if (!(fl & O_NONBLOCK) && fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
		return -errno;
	return port_new(portp, fd);
}

__cn_public void clusnotify_port_close(struct clusnotify_port *port)
{
	if (!port)
		return;
	close(port->fd);
	close(port->efd);
	if (port->epfd >= 0)
		close(port->epfd);
	pthread_cond_destroy(&port->idle);
	pthread_mutex_destroy(&port->lock);
	free(port);
}

__cn_public int clusnotify_port_fd(const struct clusnotify_port *port)
{
	return port ? port->fd : -EINVAL;
}

int __cn_port_event_fd(struct clusnotify_port *port)
{
	struct epoll_event ev = { .events = EPOLLIN };
	int ret;

	pthread_mutex_lock(&port->lock);
	if (port->epfd < 0) {
		ret = epoll_create1(EPOLL_CLOEXEC);
		if (ret < 0) {
			ret = -errno;
			goto out;
		}
		ev.data.fd = port->fd;
		if (epoll_ctl(ret, EPOLL_CTL_ADD, port->fd, &ev) < 0)
			goto err;
		ev.data.fd = port->efd;
		if (epoll_ctl(ret, EPOLL_CTL_ADD, port->efd, &ev) < 0)
			goto err;
		port->epfd = ret;
	}
	ret = port->epfd;
out:
	pthread_mutex_unlock(&port->lock);
	return ret;
err:
	close(ret);
	ret = -errno;
	goto out;
}

static int xioctl(struct clusnotify_port *port, unsigned long req, void *arg)
{
	if (!port)
		return -EINVAL;
	return ioctl(port->fd, req, arg) < 0 ? -errno : 0;
}

__cn_public int clusnotify_port_shutdown(struct clusnotify_port *port)
{
	if (!port)
		return -EINVAL;
	atomic_store(&port->shut, true);
	/* Under @lock: a waiter checks @shut and sleeps in one step. */
	pthread_mutex_lock(&port->lock);
	pthread_cond_broadcast(&port->idle);
	pthread_mutex_unlock(&port->lock);
	return xioctl(port, CLUSNOTIFY_IOC_SHUTDOWN, NULL);
}

__cn_public int clusnotify_port_stats(struct clusnotify_port *port,
				      struct clusnotify_port_stats *stats)
{
	if (!stats)
		return -EINVAL;
	memset(stats, 0, sizeof(*stats));
	stats->size = sizeof(*stats);
	return xioctl(port, CLUSNOTIFY_IOC_GET_STATS, stats);
}

__cn_public int clusnotify_add_filters(struct clusnotify_port *port,
				       uint32_t cluster_id,
				       const struct clusnotify_filter *filters,
				       unsigned int count, uint64_t key)
{
	struct clusnotify_add_filters arg = {
		.size = sizeof(arg),
		.cluster_id = cluster_id,
		.count = count,
		.key = key,
		.filters = (uintptr_t)filters,
	};

	if (!filters && count)
		return -EINVAL;
	return xioctl(port, CLUSNOTIFY_IOC_ADD_FILTERS, &arg);
}

__cn_public int clusnotify_add_filters_since(struct clusnotify_port *port,
					     uint32_t cluster_id,
					     const struct clusnotify_filter *filters,
					     unsigned int count, uint64_t key,
					     uint64_t epoch, uint64_t seq)
{
	struct clusnotify_add_filters arg = {
		.size = sizeof(arg),
		.flags = CLUSNOTIFY_FILTERS_SINCE,
		.cluster_id = cluster_id,
		.count = count,
		.key = key,
		.filters = (uintptr_t)filters,
		.since_epoch = epoch,
		.since_seq = seq,
	};

	if (!filters && count)
		return -EINVAL;
	return xioctl(port, CLUSNOTIFY_IOC_ADD_FILTERS, &arg);
}

static int copy_string(char *dst, size_t size, const char *src)
{
	size_t len;

	if (!src)
		return -EINVAL;
	len = strlen(src);
	if (len >= size)
		return -ENAMETOOLONG;
	memcpy(dst, src, len + 1);
	return 0;
}

__cn_public int clusnotify_register(struct clusnotify_port *port,
				    uint32_t cluster_id, uint32_t object_type,
				    const char *object_id, uint64_t mask,
				    uint64_t key, uint64_t *reg_id)
{
	struct clusnotify_register arg = {
		.size = sizeof(arg),
		.cluster_id = cluster_id,
		.object_type = object_type,
		.filter_flags = mask,
		.key = key,
	};
	int ret;

	ret = copy_string(arg.object_id, sizeof(arg.object_id), object_id);
	if (ret)
		return ret;
	ret = xioctl(port, CLUSNOTIFY_IOC_REGISTER, &arg);
	if (!ret && reg_id)
		*reg_id = arg.reg_id;
	return ret;
}

__cn_public int clusnotify_unregister(struct clusnotify_port *port,
				      uint64_t reg_id)
{
	struct clusnotify_unregister arg = {
		.size = sizeof(arg),
		.reg_id = reg_id,
	};

	return xioctl(port, CLUSNOTIFY_IOC_UNREGISTER, &arg);
}

__cn_public int clusnotify_snapshot(struct clusnotify_port *port)
{
	return xioctl(port, CLUSNOTIFY_IOC_SNAPSHOT, NULL);
}

__cn_public int clusnotify_get_cluster(struct clusnotify_port *port,
				       const char *name,
				       struct clusnotify_cluster_info *info)
{
	int ret;

	if (!info)
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	ret = copy_string(info->name, sizeof(info->name), name ? name : "");
	if (ret)
		return ret;
	return xioctl(port, CLUSNOTIFY_IOC_GET_CLUSTER, info);
}

__cn_public int clusnotify_get_object(struct clusnotify_port *port,
				      uint32_t cluster_id, uint32_t object_type,
				      const char *name_or_id, unsigned int flags,
				      struct clusnotify_object_info *info)
{
	int ret;

	if (!info || (flags & ~CLUSNOTIFY_OBJECT_BY_ID))
		return -EINVAL;
	memset(info, 0, sizeof(*info));
	info->size = sizeof(*info);
	info->flags = flags;
	info->cluster_id = cluster_id;
	info->object_type = object_type;
	if (flags & CLUSNOTIFY_OBJECT_BY_ID)
		ret = copy_string(info->id, sizeof(info->id), name_or_id);
	else
		ret = copy_string(info->name, sizeof(info->name), name_or_id);
	if (ret)
		return ret;
	return xioctl(port, CLUSNOTIFY_IOC_GET_OBJECT, info);
}

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void __cn_deadline_start(struct __cn_deadline *d)
{
	int64_t now;

	if (d->started || d->timeout_ms < 0)
		return;
	d->started = true;
	now = now_ms();
	/* Past the clock's range (INT64_MAX for "forever"), the end of it. */
	d->at = d->timeout_ms > INT64_MAX - now ? INT64_MAX : now + d->timeout_ms;
}

/* Milliseconds left before @d ends for poll(): -1 forever, 0 expired. */
int __cn_remaining(struct __cn_deadline *d)
{
	int64_t left;

	if (d->timeout_ms < 0)
		return -1;
	__cn_deadline_start(d);
	left = d->at - now_ms();
	if (left <= 0)
		return 0;
	return left > 1000000 ? 1000000 : (int)left;
}

/*
 * Waits until the kernel queue is readable or the buffer holds a record
 * (another thread read it in). 0 ready, -ETIMEDOUT, -ESHUTDOWN, or the error
 * of poll(). An expired deadline still polls once, so a zero timeout reports
 * what is queued.
 */
static int wait_readable(struct clusnotify_port *port, struct __cn_deadline *d)
{
	struct pollfd pfd[2] = {
		{ .fd = port->fd, .events = POLLIN },
		{ .fd = port->efd, .events = POLLIN },
	};
	int n;

	for (;;) {
		if (atomic_load(&port->shut))
			return -ESHUTDOWN;
		n = poll(pfd, 2, __cn_remaining(d));
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		if (n == 0)
			return -ETIMEDOUT;
		if ((pfd[0].revents | pfd[1].revents) & POLLIN)
			return 0;
		if (pfd[0].revents & POLLHUP)
			return -ESHUTDOWN;
		if ((pfd[0].revents | pfd[1].revents) & POLLNVAL)
			return -EBADF;
		return -EIO;
	}
}

/* The buffer's owner: @efd readable exactly while a record is buffered. */
static void mark_buffered(struct clusnotify_port *port)
{
	bool want = port->head < port->tail;
	uint64_t v = 1;
	ssize_t n;

	if (want == port->efd_set)
		return;
	/* Neither blocks: the counter is 0 or 1 and the fd is non-blocking. */
	if (want)
		n = write(port->efd, &v, sizeof(v));
	else
		n = read(port->efd, &v, sizeof(v));
	if (n == sizeof(v))
		port->efd_set = want;
}

static bool record_valid(const struct clusnotify_record *rec, size_t avail)
{
	size_t strings;

	/*
	 * A kernel older than this header writes a shorter header (at least
	 * the first version): only the fields it covers are read.
	 */
	if (avail < CLUSNOTIFY_RECORD_HDR_VER0 || rec->len > avail ||
	    rec->len % 8 || rec->hdr_len < CLUSNOTIFY_RECORD_HDR_VER0 ||
	    rec->hdr_len > rec->len)
		return false;
	strings = (size_t)rec->hdr_len + rec->id_len + rec->parent_len +
		  rec->name_len + rec->type_len + 4;
	if (strings > rec->len)
		return false;
	if (rec->payload_len &&
	    (rec->payload_off < strings ||
	     (uint64_t)rec->payload_off + rec->payload_len > rec->len))
		return false;
	return true;
}

static const char *take_string(const char **p, uint16_t len)
{
	const char *s = *p;

	*p += len + 1;
	return s[len] == '\0' ? s : NULL;
}

static int parse(const unsigned char *buf, size_t avail,
		 struct clusnotify_event *ev)
{
	const struct clusnotify_record *rec = (const void *)buf;
	const char *p;

	if (!record_valid(rec, avail))
		return -EPROTO;
	p = (const char *)buf + rec->hdr_len;
	ev->object_id = take_string(&p, rec->id_len);
	ev->parent_id = take_string(&p, rec->parent_len);
	ev->name = take_string(&p, rec->name_len);
	ev->type_name = take_string(&p, rec->type_len);
	if (!ev->object_id || !ev->parent_id || !ev->name || !ev->type_name)
		return -EPROTO;
	ev->id_len = rec->id_len;
	ev->parent_len = rec->parent_len;
	ev->name_len = rec->name_len;
	ev->type_len = rec->type_len;
	ev->object_type = rec->object_type;
	ev->cluster_id = rec->cluster_id;
	ev->filter_flag = rec->filter_flag;
	ev->key = rec->key;
	ev->seq = rec->seq;
	ev->timestamp_ns = rec->timestamp_ns;
	ev->flags = rec->flags;
	ev->payload_len = rec->payload_len;
	ev->payload = rec->payload_len ? buf + rec->payload_off : NULL;
	return 0;
}

/* A header field, when the kernel's header covers it; else 0. */
#define HDR_FIELD(rec, f)						\
	((rec)->hdr_len >= offsetof(struct clusnotify_record, f) +	\
			   sizeof((rec)->f) ? (rec)->f : 0)

/* The previous state and owner, the fifth string after the type name. */
static int event_prev(const struct clusnotify_record *rec,
		      const struct clusnotify_event *ev,
		      struct clusnotify_event_info *info)
{
	const char *s = ev->type_name + ev->type_len + 1;

	info->prev_state = rec->prev_state;
	if ((const unsigned char *)s + rec->prev_owner_len >=
	    (const unsigned char *)rec + rec->len || s[rec->prev_owner_len])
		return -EPROTO;
	info->prev_owner_len = rec->prev_owner_len;
	info->prev_owner = s;
	return 0;
}

/*
 * The buffer starts with a record at 0 and holds whole records up to
 * @tail; an event's strings stay there until the next peek or read, so
 * this reads it without owning the buffer (the caller may, by a peek).
 */
__cn_public int clusnotify_event_info(struct clusnotify_port *port,
				      const struct clusnotify_event *ev,
				      struct clusnotify_event_info *info)
{
	const unsigned char *at;
	size_t off = 0;

	if (!port || !ev || !info || info->size < sizeof(*info))
		return -EINVAL;
	at = (const unsigned char *)ev->object_id;
	if (at < port->buf || at >= port->buf + port->tail)
		return -ENOENT;
	while (off + CLUSNOTIFY_RECORD_HDR_VER0 <= port->tail) {
		const struct clusnotify_record *rec = (const void *)(port->buf + off);

		if (!rec->len || rec->len % 8)
			break;
		if (at < port->buf + off + rec->len) {
			memset(info, 0, sizeof(*info));
			info->size = sizeof(*info);
			info->hdr_len = rec->hdr_len;
			info->epoch = HDR_FIELD(rec, epoch);
			info->range_first = HDR_FIELD(rec, range_first);
			info->range_last = HDR_FIELD(rec, range_last);
			info->prev_state = CLUSNOTIFY_STATE_UNKNOWN;
			info->prev_owner = "";
			if (rec->hdr_len >= offsetof(struct clusnotify_record, reserved))
				return event_prev(rec, ev, info);
			return 0;
		}
		off += rec->len;
	}
	return -ENOENT;
}

/*
 * The buffer's owner: makes the head record available, reading the kernel
 * queue if the buffer is empty. 0, -EAGAIN if nothing is queued, or an error.
 */
static int fill(struct clusnotify_port *port)
{
	ssize_t n;

	if (port->head < port->tail)
		return 0;
	port->head = port->tail = 0;
	do
		n = read(port->fd, port->buf, sizeof(port->buf));
	while (n < 0 && errno == EINTR);
	if (n < 0)
		return errno == EAGAIN ? -EAGAIN : -errno;
	if (n == 0)
		return -ESHUTDOWN;
	port->tail = n;
	mark_buffered(port);
	return 0;
}

static void unlock_mutex(void *mutex)
{
	pthread_mutex_unlock(mutex);
}

/*
 * Makes the calling thread the buffer's owner. Another thread may own it
 * over an event it peeked: waiting for it counts against @d (an expired
 * deadline does not wait), and ends at a shutdown. Returns 0, -ETIMEDOUT,
 * -ESHUTDOWN, or the error of pthread_cond_timedwait().
 */
static int own_buffer(struct clusnotify_port *port, struct __cn_deadline *d)
{
	struct timespec at;
	/* Past pthread_cleanup_push(), which may be a setjmp(). */
	volatile int ret = 0;
	int err;

	pthread_mutex_lock(&port->lock);
	/* The waits are cancellation points: a cancelled waiter unlocks. */
	pthread_cleanup_push(unlock_mutex, &port->lock);
	while (port->busy && !ret) {
		if (atomic_load(&port->shut)) {
			ret = -ESHUTDOWN;
		} else if (d->timeout_ms < 0) {
			pthread_cond_wait(&port->idle, &port->lock);
		} else {
			__cn_deadline_start(d);
			at.tv_sec = d->at / 1000;
			at.tv_nsec = d->at % 1000 * 1000000;
			err = pthread_cond_timedwait(&port->idle, &port->lock,
						     &at);
			if (err == ETIMEDOUT && port->busy)
				ret = -ETIMEDOUT;
			else if (err && err != ETIMEDOUT)
				ret = -err;
		}
	}
	if (!ret)
		port->busy = true;
	pthread_cleanup_pop(1);
	return ret;
}

static void release_buffer(struct clusnotify_port *port)
{
	pthread_mutex_lock(&port->lock);
	port->busy = false;
	pthread_cond_signal(&port->idle);
	pthread_mutex_unlock(&port->lock);
}

int __cn_peek_until(struct clusnotify_port *port, struct clusnotify_event *ev,
		    struct __cn_deadline *d)
{
	int ret;

	if (!port || !ev)
		return -EINVAL;
	for (;;) {
		if (atomic_load(&port->shut))
			return -ESHUTDOWN;
		ret = own_buffer(port, d);
		if (ret)
			return ret;
		ret = fill(port);
		if (!ret) {
			ret = parse(port->buf + port->head,
				    port->tail - port->head, ev);
			if (!ret)
				return 0;
			port->head = port->tail;	/* drop what cannot be parsed */
			mark_buffered(port);
		}
		release_buffer(port);
		if (ret != -EAGAIN)
			return ret;
		ret = wait_readable(port, d);
		if (ret)
			return ret;
	}
}

__cn_public int clusnotify_peek_event(struct clusnotify_port *port,
				      struct clusnotify_event *ev,
				      int64_t timeout_ms)
{
	struct __cn_deadline d = __cn_deadline_after(timeout_ms);

	return __cn_peek_until(port, ev, &d);
}

__cn_public void clusnotify_consume_event(struct clusnotify_port *port)
{
	const struct clusnotify_record *rec;

	rec = (const void *)(port->buf + port->head);
	port->head += rec->len;
	mark_buffered(port);
	release_buffer(port);
}

__cn_public void clusnotify_release_event(struct clusnotify_port *port)
{
	release_buffer(port);
}

__cn_public int clusnotify_read_event(struct clusnotify_port *port,
				      struct clusnotify_event *ev,
				      int64_t timeout_ms)
{
	int ret;

	ret = clusnotify_peek_event(port, ev, timeout_ms);
	if (!ret)
		clusnotify_consume_event(port);
	return ret;
}

__cn_public int clusnotify_wait(struct clusnotify_port *port, int64_t timeout_ms)
{
	struct __cn_deadline d = __cn_deadline_after(timeout_ms);
	bool buffered;
	int ret;

	if (!port)
		return -EINVAL;
	ret = own_buffer(port, &d);
	if (ret)
		return ret;
	buffered = port->head < port->tail;
	release_buffer(port);
	if (atomic_load(&port->shut))
		return -ESHUTDOWN;
	return buffered ? 0 : wait_readable(port, &d);
}
