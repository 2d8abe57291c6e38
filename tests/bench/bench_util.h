/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the benchmark's measurements share: clocks, spreads, the JSON lines
 * they write, module parameters, ports, event sets and the reader thread
 * that drains ports, pipes or netlink listeners.
 */
#ifndef CNBENCH_UTIL_H
#define CNBENCH_UTIL_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

#include <linux/clusnotify.h>

#include "bench_nl.h"

#define MAXREPS		32
/*
 * Every event the benchmark posts reads back as a record of this length
 * (128 with the first record header, 160 since it carries the epoch,
 * ranges and previous values).
 */
#define REC_LEN		160

/* Options every measurement takes. */
struct opts {
	int reps;
	double scale;		/* multiplies event counts */
	const char *json;	/* JSON lines are appended here */
	const char *kmod;	/* cnbench_sub.ko, for the kernel subscriber */
	const char *tag;	/* makes cluster names unique */
	int max_ports;		/* largest N of the fan-out runs */
};

extern struct opts opt;

uint64_t now_ns(void);
/*
 * CPU time used so far by this process (all threads, kernel work in their
 * system calls included) and by the kernel's threads (workqueues), in ns.
 */
struct cpu_mark {
	uint64_t process;
	uint64_t kthreads;
};

void cpu_begin(struct cpu_mark *m);
/* ns of CPU since cpu_begin(m). */
uint64_t cpu_end(const struct cpu_mark *m);
/* What cpu_end() counts, for the JSON. */
const char *cpu_source(void);
long scaled(long n, long min);

void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
void note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Samples of one figure, one per repetition. */
struct series {
	const char *name;	/* "clusnotify", "pipe", ... */
	const char *role;	/* "ours", "baseline", "ratio" */
	const char *unit;
	int n;
	double v[MAXREPS];
};

void series_init(struct series *s, const char *name, const char *role,
		 const char *unit);
void series_add(struct series *s, double v);
double series_min(const struct series *s);
double series_median(const struct series *s);
double series_max(const struct series *s);
/* Per-repetition ratio a[i] / b[i]. */
void series_ratio(struct series *out, const struct series *a,
		  const struct series *b, const char *name);
/* a[i] / median(b): for figures measured in different configurations. */
void series_ratio_med(struct series *out, const struct series *a,
		      const struct series *b, const char *name);
double percentile(const double *v, int n, double p);

/* One result: a JSON object on one line of opt.json. */
struct result {
	FILE *f;
	bool first;
};

void result_begin(struct result *r, const char *id, const char *measurement,
		  const char *title, const char *workload, long events,
		  int reps);
void result_series(struct result *r, const struct series *const *s, int n);
/* "extra": free-form numbers that explain a figure. */
void result_extra_begin(struct result *r);
void result_num(struct result *r, const char *key, double v);
void result_str(struct result *r, const char *key, const char *v);
void result_extra_end(struct result *r);
void result_end(struct result *r);

/* Module parameters of clusnotify. */
long param_get(const char *name);
void param_set(const char *name, long v);
/*
 * Module parameters: set_param() remembers the first value it replaces, and
 * restore_params() puts them back. max_queued_events is read at open,
 * max_net_monitors at MONITOR_START.
 */
void set_param(const char *name, long v);
void set_max_monitors(long v);
void set_max_queued(long v);
void restore_params(void);
void raise_nofile(long n);

/* Ports on /dev/clusnotify. */
int port_open(bool nonblock);
void port_filter(int fd, uint32_t cid, uint32_t type, uint64_t mask,
		 uint64_t key);
/*
 * Registers cluster "cnbench<tag>-<what>-<pid>" and returns its id; name,
 * if not NULL, gets the name (CLUSNOTIFY_CLUSTER_NAME_MAX bytes).
 */
uint32_t bench_cluster(struct bnl *b, const char *what, char *name);
/*
 * Reads whole records until expect came in; with no_loss, a LOST or GAP
 * record ends the run. Returns the records read.
 */
long port_drain(int fd, long expect, bool no_loss);
void port_register(int fd, uint32_t cid, uint32_t type, uint64_t mask,
		   uint64_t key, const char *object_id);

/*
 * The benchmark's events: RESOURCE / STATE with all four strings and an
 * 8-byte payload, REC_LEN bytes as a record. Event i is about object
 * first + i % nobj ("res-%05d").
 */
struct evset {
	int n;
	struct clusnotify_feed_event *ev;
	char (*id)[16];
	char (*parent)[16];
	char (*name)[32];
	uint64_t *payload;
};

void evset_init(struct evset *s, int n, int nobj, int first);
void evset_free(struct evset *s);
void object_id(char *buf, size_t len, int obj);
/* The record read() returns for event i (seq and key 0), for the pipes. */
void evset_record(const struct evset *s, int i, void *rec);

/* Posts events [0, n) of s in batches of batch. */
void post_all(struct bnl *b, uint32_t cid, const struct evset *s, int n,
	      int batch);
void post_or_die(struct bnl *b, uint32_t cid,
		 const struct clusnotify_feed_event *evs, int n);

/* What a reader drains. */
enum rkind { R_PORT, R_PIPE, R_MCL };

/*
 * A reader thread: epoll over fds (non-blocking; ports and pipes
 * edge-triggered), each drained with reads of bufsz bytes until one that
 * shows it empty (EAGAIN for a netlink socket), until target events came
 * in or, once the poster is done, nothing came for idle_ms.
 */
struct reader {
	enum rkind kind;
	int nfds;
	const int *fds;
	int epfd;
	size_t bufsz;
	/*
	 * R_PORT: the longest record the fds can hold (CLUSNOTIFY_RECORD_MAX
	 * unless the caller knows better: REC_LEN for the evset's events); a
	 * read that leaves this much room found the port empty (drain()).
	 */
	size_t maxrec;
	uint64_t target;
	/* R_MCL: only events of cid count; want[i] is listener i's object */
	uint32_t cid;
	char (*want)[16];
	/* R_PIPE: per fd, the bytes of a record a read ended inside */
	uint32_t *carry;
	/* out */
	uint64_t got;		/* events (records, messages) received */
	uint64_t matched;	/* R_MCL: of those, what the listeners wanted */
	uint64_t lost;		/* R_PORT: events LOST records reported */
	uint64_t overruns;	/* R_MCL: ENOBUFS */
	uint64_t sum;		/* what the consumer computed, to keep it */
	uint64_t t_first;	/* when the first read returned something */
	uint64_t t_end;
	atomic_int poster_done;
	atomic_int running;	/* the thread is about to wait for the first */
	int idle_ms;
	pthread_t th;
};

void reader_setup(struct reader *r, enum rkind kind, const int *fds, int nfds,
		  size_t bufsz);
void reader_start(struct reader *r, uint64_t target);
void reader_join(struct reader *r);
void reader_teardown(struct reader *r);
/* Dies unless every event came in, none lost, no overrun. */
void check_reader(const struct reader *r, const char *what);
void close_all(int *fds, int n);

/* The consumer's work for one record, for ports and pipes alike. */
static inline uint64_t consume_record(const struct clusnotify_record *r)
{
	const char *s = (const char *)r + r->hdr_len;

	return r->key + r->seq + r->filter_flag + r->id_len + (uint8_t)s[0] +
	       r->payload_len;
}

/* /proc/meminfo and /proc/slabinfo, in bytes. */
struct memsnap {
	int64_t memfree;
	int64_t slab;		/* meminfo Slab */
	int64_t slab_objs;	/* sum of active objects x object size */
};

void memsnap(struct memsnap *m);

#endif /* CNBENCH_UTIL_H */
