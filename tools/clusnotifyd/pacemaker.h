/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Pacemaker: the CIB, read through libcib and interpreted by libpe_status,
 * published as GROUP and RESOURCE objects and node standby / pending states.
 * libcib runs on GLib's default main context, which the main loop polls.
 */
#ifndef CLUSNOTIFYD_PACEMAKER_H
#define CLUSNOTIFYD_PACEMAKER_H

#include <poll.h>
#include <stdbool.h>
#include <stddef.h>

int cnd_pcmk_init(void);
void cnd_pcmk_exit(void);

int cnd_pcmk_connect(void);
void cnd_pcmk_disconnect(void);
bool cnd_pcmk_connected(void);
/* True once the CIB connection dropped; the caller disconnects. */
bool cnd_pcmk_lost(void);

/* GLib's fds and timeout for the next poll(); returns how many fds. */
size_t cnd_pcmk_prepare(struct pollfd *fds, size_t max, int *timeout);
/* After poll(): hands GLib its revents and dispatches what is ready. */
void cnd_pcmk_dispatch(const struct pollfd *fds, size_t n);

/* A new registration: publish everything again. */
void cnd_pcmk_republish(void);
/* Publishes what the CIB changed since the last call. */
void cnd_pcmk_publish(void);
/* Pacemaker is gone: its objects' states become unknown. */
void cnd_pcmk_forget(void);

#endif /* CLUSNOTIFYD_PACEMAKER_H */
