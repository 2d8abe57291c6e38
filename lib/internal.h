/* SPDX-License-Identifier: MIT */
/*
 * Internal to libclusnotify: not installed.
 */
#ifndef LIBCLUSNOTIFY_INTERNAL_H
#define LIBCLUSNOTIFY_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "clusnotify.h"

#define __cn_public	__attribute__((visibility("default")))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/*
 * A call's deadline, fixed when the call starts but read from the clock only
 * before it first blocks (on another thread's peek or in poll()): an event
 * already buffered costs no clock_gettime(), a system call where the clock
 * source has no vDSO reading, as under many hypervisors. Until then the call
 * only runs, so the deadline is the same.
 */
struct __cn_deadline {
	int64_t timeout_ms;	/* negative: none */
	bool started;
	int64_t at;		/* CLOCK_MONOTONIC ms, once started */
};

static inline struct __cn_deadline __cn_deadline_after(int64_t timeout_ms)
{
	return (struct __cn_deadline){ .timeout_ms = timeout_ms };
}

/* Reads the clock for @d, if it has not yet: before anything that blocks. */
void __cn_deadline_start(struct __cn_deadline *d);
/* Milliseconds left before @d ends, for poll(): -1 forever, 0 expired. */
int __cn_remaining(struct __cn_deadline *d);
/* clusnotify_peek_event() with a deadline from __cn_deadline_after(). */
int __cn_peek_until(struct clusnotify_port *port, struct clusnotify_event *ev,
		    struct __cn_deadline *d);

/*
 * An fd that polls readable while @port has an event, queued in the kernel
 * or buffered here (and once it is shut down); owned by @port. Or -errno.
 */
int __cn_port_event_fd(struct clusnotify_port *port);

#endif /* LIBCLUSNOTIFY_INTERNAL_H */
