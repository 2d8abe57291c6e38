/* SPDX-License-Identifier: MIT */
/*
 * Internal to libclusnotify: not installed.
 */
#ifndef LIBCLUSNOTIFY_INTERNAL_H
#define LIBCLUSNOTIFY_INTERNAL_H

#include <stdint.h>

#include "clusnotify.h"

#define __cn_public	__attribute__((visibility("default")))

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A CLOCK_MONOTONIC deadline in ms for a timeout (negative: none, -1). */
int64_t __cn_deadline(int64_t timeout_ms);
/* clusnotify_peek_event() with a deadline from __cn_deadline(). */
int __cn_peek_until(struct clusnotify_port *port, struct clusnotify_event *ev,
		    int64_t deadline);

/*
 * An fd that polls readable while @port has an event, queued in the kernel
 * or buffered here (and once it is shut down); owned by @port. Or -errno.
 */
int __cn_port_event_fd(struct clusnotify_port *port);

#endif /* LIBCLUSNOTIFY_INTERNAL_H */
