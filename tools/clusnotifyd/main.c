// SPDX-License-Identifier: GPL-2.0
/*
 * clusnotifyd: feeds the clusnotify kernel module with the events of the
 * corosync / pacemaker cluster this node belongs to. See clusnotifyd(8).
 *
 * One poll() loop over a signalfd, the netlink socket, the corosync IPC
 * fds and the fds of GLib's default context (libcib). Each turn
 * dispatches what is ready, reconnects what is due, publishes what changed
 * and sends it as one batch.
 */
#include <errno.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "conf.h"
#include "corosync.h"
#include "inventory.h"
#include "log.h"
#include "nl.h"
#include "pacemaker.h"
#include "view.h"

#define MAX_FDS		64
/* How long a new corosync connection may take to report its membership. */
#define MEMBERSHIP_WAIT_MS	5000

struct backoff {
	int64_t when;
	int delay;
};

static bool dry_run;
static struct backoff cs_retry, nl_retry, pcmk_retry;
static int64_t cs_since;

static int64_t now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void backoff_fail(struct backoff *b, int64_t now)
{
	b->delay = b->delay ? b->delay * 2 : cnd_conf.reconnect_min_ms;
	if (b->delay > cnd_conf.reconnect_max_ms)
		b->delay = cnd_conf.reconnect_max_ms;
	b->when = now + b->delay;
}

static void backoff_reset(struct backoff *b)
{
	b->delay = 0;
	b->when = 0;
}

static void backoff_soon(struct backoff *b, int64_t now)
{
	b->delay = 0;
	b->when = now + cnd_conf.reconnect_min_ms;
}

static bool pacemaker_wanted(void)
{
	return cnd_conf.pacemaker != CND_PCMK_NO;
}

/* Closing the owning socket turns the cluster disconnected in the kernel. */
static void unregister(void)
{
	if (cnd_inv_registered())
		log_notice("cluster '%s': disconnected", cnd_cs_cluster_name());
	cnd_inv_reset();
	cnd_nl_close();
}

/*
 * The first publication after registering carries the whole inventory,
 * links included, in one flush. A port that snapshots the cluster before
 * that flush sees it empty and then learns each object from the events the
 * flush posts (cnd_inv_set() posts the state of every new object).
 */
static bool whole_first;

static void try_register(int64_t now)
{
	uint32_t id;
	int ret;

	if (!cnd_nl_is_open() && cnd_nl_open(dry_run))
		goto fail;
	ret = cnd_nl_register(cnd_cs_cluster_name(), &id);
	if (!ret)
		ret = cnd_inv_load(id);
	if (ret)
		goto fail;
	log_notice("cluster '%s': registered as %u", cnd_cs_cluster_name(), id);
	backoff_reset(&nl_retry);
	whole_first = true;
	cnd_view_republish();
	cnd_links_republish();
	cnd_pcmk_republish();
	cnd_cmap_republish();
	cnd_vq_republish();
	return;
fail:
	unregister();
	backoff_fail(&nl_retry, now);
}

static void corosync_lost(int64_t now)
{
	cnd_cs_disconnect();
	unregister();
	backoff_soon(&cs_retry, now);
}

static void pacemaker_lost(int64_t now)
{
	cnd_pcmk_disconnect();
	cnd_pcmk_forget();
	backoff_soon(&pcmk_retry, now);
}

static int min_timeout(int a, int b)
{
	if (a < 0)
		return b;
	if (b < 0)
		return a;
	return a < b ? a : b;
}

static int until(int64_t when, int64_t now)
{
	return when <= now ? 0 : (int)(when - now);
}

/* Reconnects what is due; returns the ms until the next attempt, or -1. */
static int reconnect(int64_t now)
{
	const struct cnd_node *nodes;
	int timeout = -1;

	if (!cnd_cs_connected()) {
		if (now < cs_retry.when)
			return until(cs_retry.when, now);
		if (cnd_cs_connect()) {
			backoff_fail(&cs_retry, now);
			return until(cs_retry.when, now);
		}
		backoff_reset(&cs_retry);
		cs_since = now;
	}
	if (!cnd_inv_registered()) {
		/* Wait for the membership, so that the first snapshot is right. */
		if (!cnd_view_ready() && now - cs_since < MEMBERSHIP_WAIT_MS) {
			timeout = until(cs_since + MEMBERSHIP_WAIT_MS, now);
		} else if (now >= nl_retry.when) {
			if (!cnd_view_ready())
				log_warn("corosync reported no membership in %d ms",
					 MEMBERSHIP_WAIT_MS);
			try_register(now);
		}
		if (!cnd_inv_registered())
			timeout = min_timeout(timeout, until(nl_retry.when, now));
	}
	if (pacemaker_wanted() && !cnd_pcmk_connected() &&
	    cnd_view_nodes(&nodes)) {
		if (now >= pcmk_retry.when) {
			if (cnd_pcmk_connect()) {
				backoff_fail(&pcmk_retry, now);
				if (cnd_conf.pacemaker == CND_PCMK_YES)
					log_warn("pacemaker: will retry in %d ms",
						 pcmk_retry.delay);
			} else {
				backoff_reset(&pcmk_retry);
			}
		}
		if (!cnd_pcmk_connected())
			timeout = min_timeout(timeout, until(pcmk_retry.when, now));
	}
	return timeout;
}

static bool fatal_nl_error(int ret)
{
	return ret && ret != -EINVAL && ret != -E2BIG && ret != -EMSGSIZE &&
	       ret != -ERANGE;
}

static int publish(int64_t now)
{
	int timeout = -1, ret;

	if (!cnd_inv_registered())
		return -1;
	cnd_cmap_publish();
	cnd_view_publish();
	cnd_vq_publish();
	if (cnd_pcmk_connected())
		cnd_pcmk_publish();
	if (whole_first) {
		timeout = cnd_links_tick(now);
		whole_first = false;
	}
	ret = cnd_inv_flush();
	/*
	 * Link status is polled with synchronous calls into corosync, which
	 * answers them late while it forms a membership: what is known is
	 * sent first.
	 */
	if (!fatal_nl_error(ret)) {
		timeout = cnd_links_tick(now);
		ret = cnd_inv_flush();
	}
	if (fatal_nl_error(ret)) {
		log_err("cluster '%s': cannot post (%s); registering again",
			cnd_cs_cluster_name(), strerror(-ret));
		unregister();
		backoff_soon(&nl_retry, now);
		return 0;
	}
	return timeout;
}

static int open_signals(void)
{
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGTERM);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGHUP);
	if (sigprocmask(SIG_BLOCK, &set, NULL))
		return -errno;
	signal(SIGPIPE, SIG_IGN);
	return signalfd(-1, &set, SFD_CLOEXEC);
}

/* Returns true to stop. */
static bool read_signal(int sfd)
{
	struct signalfd_siginfo si;

	if (read(sfd, &si, sizeof(si)) != sizeof(si))
		return false;
	if (si.ssi_signo == SIGHUP) {
		log_notice("SIGHUP: publishing everything again");
		cnd_view_republish();
		cnd_links_republish();
		cnd_pcmk_republish();
		cnd_cmap_republish();
		cnd_vq_republish();
		return false;
	}
	log_notice("%s: exiting", strsignal((int)si.ssi_signo));
	return true;
}

static int run(int sfd)
{
	struct pollfd fds[MAX_FDS];
	size_t n, cs_at, ncs, pcmk_at, npcmk;
	int timeout, gtimeout, nl_at, ret;
	int64_t now;

	for (;;) {
		now = now_ms();
		timeout = reconnect(now);
		timeout = min_timeout(timeout, publish(now));

		n = 0;
		fds[n].fd = sfd;
		fds[n].events = POLLIN;
		n++;
		nl_at = -1;
		if (cnd_nl_fd() >= 0) {
			nl_at = (int)n;
			fds[n].fd = cnd_nl_fd();
			fds[n].events = POLLIN;
			n++;
		}
		cs_at = n;
		ncs = cnd_cs_pollfds(fds + n, MAX_FDS - n);
		n += ncs;
		pcmk_at = n;
		npcmk = 0;
		gtimeout = -1;
		if (pacemaker_wanted()) {
			npcmk = cnd_pcmk_prepare(fds + n, MAX_FDS - n, &gtimeout);
			n += npcmk;
		}
		timeout = min_timeout(timeout, gtimeout);
		for (size_t i = 0; i < n; i++)
			fds[i].revents = 0;

		ret = poll(fds, n, timeout);
		if (ret < 0 && errno != EINTR) {
			log_err("poll: %m");
			return 1;
		}
		now = now_ms();
		if (ret > 0 && fds[0].revents && read_signal(sfd))
			return 0;
		if (nl_at >= 0 && fds[nl_at].revents && cnd_nl_drain()) {
			unregister();
			backoff_soon(&nl_retry, now);
		}
		if (ncs && cnd_cs_dispatch(fds + cs_at, ncs))
			corosync_lost(now);
		if (pacemaker_wanted())
			cnd_pcmk_dispatch(fds + pcmk_at, npcmk);
		if (cnd_pcmk_lost())
			pacemaker_lost(now);
	}
}

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: clusnotifyd [-f] [-c FILE] [-n] [-v]...\n"
		"  -f       stay in the foreground, log to stderr\n"
		"  -c FILE  configuration file (default " CND_DEFAULT_CONF ")\n"
		"  -n       dry run: talk to no kernel, log what would be sent\n"
		"  -v       more verbose (twice: debug)\n"
		"  -h       this help\n");
}

int main(int argc, char **argv)
{
	const char *conf = CND_DEFAULT_CONF;
	bool foreground = false, conf_given = false, to_syslog;
	int c, verbose = 0, sfd, ret;

	while ((c = getopt(argc, argv, "fc:nvh")) != -1) {
		switch (c) {
		case 'f':
			foreground = true;
			break;
		case 'c':
			conf = optarg;
			conf_given = true;
			break;
		case 'n':
			dry_run = true;
			break;
		case 'v':
			verbose++;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	if (optind != argc) {
		usage(stderr);
		return 2;
	}
	cnd_log_init(false, verbose);
	if (cnd_conf_load(conf, conf_given))
		return 2;
	to_syslog = cnd_conf.log == CND_LOG_SYSLOG ||
		    (cnd_conf.log == CND_LOG_AUTO && !foreground);
	cnd_log_init(to_syslog, verbose);
	if (!foreground && daemon(0, 0)) {
		log_err("daemon: %m");
		return 1;
	}
	sfd = open_signals();
	if (sfd < 0) {
		log_err("signalfd: %s", strerror(-sfd));
		return 1;
	}
	if (pacemaker_wanted() && cnd_pcmk_init()) {
		close(sfd);
		return 1;
	}
	log_notice("starting%s", dry_run ? " (dry run)" : "");
	ret = run(sfd);
	unregister();
	if (pacemaker_wanted())
		cnd_pcmk_exit();
	cnd_cs_disconnect();
	cnd_conf_free();
	close(sfd);
	return ret;
}
