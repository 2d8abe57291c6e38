// SPDX-License-Identifier: GPL-2.0
/* What the benchmark's measurements share (see bench_util.h). */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "bench_util.h"

struct opts opt = {
	.reps = 5,
	.scale = 1.0,
	.json = NULL,
	.tag = "",
	.max_ports = 10000,
};

uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

static bool have_kthreads;

const char *cpu_source(void)
{
	return have_kthreads ?
		"CLOCK_PROCESS_CPUTIME_ID + kernel threads' /proc/PID/schedstat" :
		"CLOCK_PROCESS_CPUTIME_ID only (no /proc/PID/schedstat: kernel threads not counted)";
}

/* Run time of the kernel's own threads (kworkers...), from /proc/PID/schedstat. */
static uint64_t kthreads_ns(void)
{
	char path[300], buf[512];
	struct dirent *d;
	uint64_t sum = 0;
	DIR *dir;
	FILE *f;

	dir = opendir("/proc");
	if (!dir)
		return 0;
	while ((d = readdir(dir))) {
		unsigned long long ns;
		unsigned int flags = 0;
		char *p;
		int fd, n;

		if (d->d_name[0] < '1' || d->d_name[0] > '9')
			continue;
		/* Field 9 of /proc/PID/stat: the task's flags; PF_KTHREAD 0x00200000 */
		snprintf(path, sizeof(path), "/proc/%s/stat", d->d_name);
		fd = open(path, O_RDONLY);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		if (n <= 0)
			continue;
		buf[n] = 0;
		p = strrchr(buf, ')');
		if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %u", &flags) != 1 ||
		    !(flags & 0x00200000))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/schedstat", d->d_name);
		f = fopen(path, "r");
		if (!f)
			continue;
		if (fscanf(f, "%llu", &ns) == 1) {
			sum += ns;
			have_kthreads = true;
		}
		fclose(f);
	}
	closedir(dir);
	return sum;
}

static uint64_t process_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + ts.tv_nsec;
}

/* The scans of /proc fall outside the interval: kernel threads first. */
void cpu_begin(struct cpu_mark *m)
{
	m->kthreads = kthreads_ns();
	m->process = process_ns();
}

uint64_t cpu_end(const struct cpu_mark *m)
{
	uint64_t p = process_ns();

	return p - m->process + kthreads_ns() - m->kthreads;
}

long scaled(long n, long min)
{
	long v = lround(n * opt.scale);

	return v < min ? min : v;
}

void die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cnbench: ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	exit(1);
}

void note(const char *fmt, ...)
{
	static uint64_t start;
	va_list ap;

	if (!start)
		start = now_ns();
	fprintf(stderr, "# [%6.1f s] ", (now_ns() - start) / 1e9);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	fflush(stderr);
}

void series_init(struct series *s, const char *name, const char *role,
		 const char *unit)
{
	memset(s, 0, sizeof(*s));
	s->name = name;
	s->role = role;
	s->unit = unit;
}

void series_add(struct series *s, double v)
{
	if (s->n < MAXREPS)
		s->v[s->n++] = v;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

double percentile(const double *v, int n, double p)
{
	double *c, r;
	int i;

	if (n <= 0)
		return NAN;
	c = malloc(n * sizeof(*c));
	memcpy(c, v, n * sizeof(*c));
	qsort(c, n, sizeof(*c), cmp_double);
	if (p == 50 && n % 2 == 0) {
		r = (c[n / 2 - 1] + c[n / 2]) / 2;
	} else {
		/* nearest rank */
		i = (int)ceil(p / 100.0 * n) - 1;
		if (i < 0)
			i = 0;
		if (i >= n)
			i = n - 1;
		r = c[i];
	}
	free(c);
	return r;
}

double series_min(const struct series *s)
{
	double m = INFINITY;
	int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] < m)
			m = s->v[i];
	return s->n ? m : NAN;
}

double series_max(const struct series *s)
{
	double m = -INFINITY;
	int i;

	for (i = 0; i < s->n; i++)
		if (s->v[i] > m)
			m = s->v[i];
	return s->n ? m : NAN;
}

double series_median(const struct series *s)
{
	return percentile(s->v, s->n, 50);
}

void series_ratio(struct series *out, const struct series *a,
		  const struct series *b, const char *name)
{
	int i;

	series_init(out, name, "ratio", "x");
	for (i = 0; i < a->n && i < b->n; i++)
		series_add(out, a->v[i] / b->v[i]);
}

void series_ratio_med(struct series *out, const struct series *a,
		      const struct series *b, const char *name)
{
	double m = series_median(b);
	int i;

	series_init(out, name, "ratio", "x");
	for (i = 0; i < a->n; i++)
		series_add(out, a->v[i] / m);
}

static void json_str(FILE *f, const char *s)
{
	fputc('"', f);
	for (; *s; s++) {
		if (*s == '"' || *s == '\\')
			fprintf(f, "\\%c", *s);
		else if ((unsigned char)*s < 0x20)
			fprintf(f, "\\u%04x", *s);
		else
			fputc(*s, f);
	}
	fputc('"', f);
}

static void json_num(FILE *f, double v)
{
	if (isnan(v) || isinf(v))
		fprintf(f, "null");
	else
		fprintf(f, "%.6g", v);
}

void result_begin(struct result *r, const char *id, const char *measurement,
		  const char *title, const char *workload, long events,
		  int reps)
{
	r->f = opt.json ? fopen(opt.json, "a") : stdout;
	if (!r->f)
		die("cannot open %s: %s", opt.json, strerror(errno));
	fprintf(r->f, "{\"id\":");
	json_str(r->f, id);
	fprintf(r->f, ",\"measurement\":");
	json_str(r->f, measurement);
	fprintf(r->f, ",\"title\":");
	json_str(r->f, title);
	fprintf(r->f, ",\"workload\":");
	json_str(r->f, workload);
	fprintf(r->f, ",\"events\":%ld,\"reps\":%d", events, reps);
}

void result_series(struct result *r, const struct series *const *s, int n)
{
	int i, j;

	fprintf(r->f, ",\"series\":[");
	for (i = 0; i < n; i++) {
		fprintf(r->f, "%s{\"name\":", i ? "," : "");
		json_str(r->f, s[i]->name);
		fprintf(r->f, ",\"role\":");
		json_str(r->f, s[i]->role);
		fprintf(r->f, ",\"unit\":");
		json_str(r->f, s[i]->unit);
		fprintf(r->f, ",\"min\":");
		json_num(r->f, series_min(s[i]));
		fprintf(r->f, ",\"median\":");
		json_num(r->f, series_median(s[i]));
		fprintf(r->f, ",\"max\":");
		json_num(r->f, series_max(s[i]));
		fprintf(r->f, ",\"samples\":[");
		for (j = 0; j < s[i]->n; j++) {
			if (j)
				fputc(',', r->f);
			json_num(r->f, s[i]->v[j]);
		}
		fprintf(r->f, "]}");
	}
	fprintf(r->f, "]");
}

void result_extra_begin(struct result *r)
{
	fprintf(r->f, ",\"extra\":{");
	r->first = true;
}

void result_num(struct result *r, const char *key, double v)
{
	fprintf(r->f, "%s", r->first ? "" : ",");
	r->first = false;
	json_str(r->f, key);
	fputc(':', r->f);
	json_num(r->f, v);
}

void result_str(struct result *r, const char *key, const char *v)
{
	fprintf(r->f, "%s", r->first ? "" : ",");
	r->first = false;
	json_str(r->f, key);
	fputc(':', r->f);
	json_str(r->f, v);
}

void result_extra_end(struct result *r)
{
	fprintf(r->f, "}");
}

void result_end(struct result *r)
{
	fprintf(r->f, "}\n");
	if (r->f != stdout)
		fclose(r->f);
	else
		fflush(stdout);
}

static char *param_path(const char *name)
{
	static char p[256];

	snprintf(p, sizeof(p), "/sys/module/clusnotify/parameters/%s", name);
	return p;
}

long param_get(const char *name)
{
	FILE *f = fopen(param_path(name), "r");
	long v = -1;

	if (!f)
		die("cannot read %s: %s", param_path(name), strerror(errno));
	if (fscanf(f, "%ld", &v) != 1)
		die("cannot parse %s", param_path(name));
	fclose(f);
	return v;
}

void param_set(const char *name, long v)
{
	FILE *f = fopen(param_path(name), "w");

	if (!f || fprintf(f, "%ld\n", v) < 0 || fclose(f))
		die("cannot write %s: %s", param_path(name), strerror(errno));
}

/* Parameters the benchmark changed, and what they were. */
static struct {
	const char *name;
	long was;
} saved[8];
static int nsaved;

void set_param(const char *name, long v)
{
	int i;

	for (i = 0; i < nsaved && strcmp(saved[i].name, name); i++)
		;
	if (i == nsaved) {
		if (nsaved == (int)(sizeof(saved) / sizeof(saved[0])))
			die("set_param: too many parameters");
		saved[nsaved].name = name;
		saved[nsaved++].was = param_get(name);
	}
	param_set(name, v);
}

void set_max_queued(long v)
{
	set_param("max_queued_events", v);
}

void set_max_monitors(long v)
{
	set_param("max_net_monitors", v);
}

void restore_params(void)
{
	for (int i = 0; i < nsaved; i++)
		param_set(saved[i].name, saved[i].was);
}

void raise_nofile(long n)
{
	struct rlimit rl;

	getrlimit(RLIMIT_NOFILE, &rl);
	if ((long)rl.rlim_cur >= n)
		return;
	rl.rlim_cur = n;
	if ((long)rl.rlim_max < n)
		rl.rlim_max = n;
	if (setrlimit(RLIMIT_NOFILE, &rl))
		die("cannot raise RLIMIT_NOFILE to %ld: %s", n, strerror(errno));
}

int port_open(bool nonblock)
{
	int fd = open("/dev/" CLUSNOTIFY_DEVICE_NAME,
		      O_RDWR | O_CLOEXEC | (nonblock ? O_NONBLOCK : 0));

	if (fd < 0)
		die("open /dev/clusnotify: %s", strerror(errno));
	return fd;
}

void port_filter(int fd, uint32_t cid, uint32_t type, uint64_t mask,
		 uint64_t key)
{
	struct clusnotify_filter f = { .object_type = type, .flags = mask };
	struct clusnotify_add_filters a = {
		.size = sizeof(a),
		.cluster_id = cid,
		.count = 1,
		.key = key,
		.filters = (uintptr_t)&f,
	};

	if (ioctl(fd, CLUSNOTIFY_IOC_ADD_FILTERS, &a))
		die("CLUSNOTIFY_IOC_ADD_FILTERS: %s", strerror(errno));
}

uint32_t bench_cluster(struct bnl *b, const char *what, char *name)
{
	char own[CLUSNOTIFY_CLUSTER_NAME_MAX];
	uint32_t id;
	int ret;

	if (!name)
		name = own;
	snprintf(name, CLUSNOTIFY_CLUSTER_NAME_MAX, "cnbench%s-%s-%d", opt.tag,
		 what, (int)getpid());
	ret = bnl_cluster_register(b, name, &id);
	if (ret)
		die("CLUSTER_REGISTER %s: %s", name, strerror(-ret));
	return id;
}

long port_drain(int fd, long expect, bool no_loss)
{
	static char buf[1 << 16];
	const struct clusnotify_record *h;
	long got = 0;
	ssize_t n, off;

	while (got < expect) {
		n = read(fd, buf, sizeof(buf));
		if (n <= 0)
			die("draining a port: %s (%ld of %ld)",
			    n ? strerror(errno) : "EOF", got, expect);
		for (off = 0; off < n; off += h->len) {
			h = (const struct clusnotify_record *)(buf + off);
			if (no_loss && (h->flags & (CLUSNOTIFY_RECORD_LOST |
						    CLUSNOTIFY_RECORD_GAP)))
				die("a port %s events", h->flags & CLUSNOTIFY_RECORD_LOST ?
				    "lost" : "could not resume");
			got++;
		}
	}
	return got;
}

void port_register(int fd, uint32_t cid, uint32_t type, uint64_t mask,
		   uint64_t key, const char *object_id)
{
	struct clusnotify_register r = {
		.size = sizeof(r),
		.cluster_id = cid,
		.object_type = type,
		.filter_flags = mask,
		.key = key,
	};

	snprintf(r.object_id, sizeof(r.object_id), "%s", object_id);
	if (ioctl(fd, CLUSNOTIFY_IOC_REGISTER, &r))
		die("CLUSNOTIFY_IOC_REGISTER: %s", strerror(errno));
}

void object_id(char *buf, size_t len, int obj)
{
	snprintf(buf, len, "res-%05d", obj % 100000);
}

void evset_init(struct evset *s, int n, int nobj, int first)
{
	int i, obj;

	memset(s, 0, sizeof(*s));
	s->n = n;
	s->ev = calloc(n, sizeof(*s->ev));
	s->id = calloc(n, sizeof(*s->id));
	s->parent = calloc(n, sizeof(*s->parent));
	s->name = calloc(n, sizeof(*s->name));
	s->payload = calloc(n, sizeof(*s->payload));
	if (!s->ev || !s->id || !s->parent || !s->name || !s->payload)
		die("out of memory");
	for (i = 0; i < n; i++) {
		obj = first + i % nobj;
		object_id(s->id[i], sizeof(s->id[i]), obj);
		snprintf(s->parent[i], sizeof(s->parent[i]), "grp-%03d",
			 (obj / 8) % 1000);
		snprintf(s->name[i], sizeof(s->name[i]), "Resource %05d",
			 obj % 100000);
		s->payload[i] = i;
		s->ev[i] = (struct clusnotify_feed_event) {
			.type = CLUSNOTIFY_OBJ_RESOURCE,
			.flag = CLUSNOTIFY_RESOURCE_STATE,
			.id = s->id[i],
			.parent_id = s->parent[i],
			.name = s->name[i],
			.type_name = "Generic Service",
			.payload = &s->payload[i],
			.payload_len = sizeof(s->payload[i]),
		};
	}
}

void evset_free(struct evset *s)
{
	free(s->ev);
	free(s->id);
	free(s->parent);
	free(s->name);
	free(s->payload);
	memset(s, 0, sizeof(*s));
}

void evset_record(const struct evset *s, int i, void *rec)
{
	const struct clusnotify_feed_event *e = &s->ev[i];
	struct clusnotify_record *h = rec;
	char *p = (char *)rec + sizeof(*h);
	size_t off;

	memset(rec, 0, REC_LEN);
	*h = (struct clusnotify_record) {
		.hdr_len = sizeof(*h),
		.object_type = e->type,
		.filter_flag = e->flag,
		.timestamp_ns = now_ns(),
		.id_len = strlen(e->id),
		.parent_len = strlen(e->parent_id),
		.name_len = strlen(e->name),
		.type_len = strlen(e->type_name),
		.payload_len = e->payload_len,
	};
	p = stpcpy(p, e->id) + 1;
	p = stpcpy(p, e->parent_id) + 1;
	p = stpcpy(p, e->name) + 1;
	p = stpcpy(p, e->type_name) + 1;
	off = CLUSNOTIFY_RECORD_ALIGN(p - (char *)rec);
	h->payload_off = off;
	memcpy((char *)rec + off, e->payload, e->payload_len);
	h->len = CLUSNOTIFY_RECORD_ALIGN(off + e->payload_len);
	if (h->len != REC_LEN)
		die("a benchmark record is %u bytes, not %d", h->len, REC_LEN);
}

void post_or_die(struct bnl *b, uint32_t cid,
		 const struct clusnotify_feed_event *evs, int n)
{
	int ret = bnl_post(b, cid, evs, n);

	if (ret)
		die("EVENT_POST of %d events: %s (%s)", n, strerror(-ret),
		    clusnotify_feed_errmsg(b->feed));
}

void post_all(struct bnl *b, uint32_t cid, const struct evset *s, int n,
	      int batch)
{
	int i, k;

	for (i = 0; i < n; i += k) {
		k = n - i < batch ? n - i : batch;
		post_or_die(b, cid, s->ev + i, k);
	}
}

void reader_setup(struct reader *r, enum rkind kind, const int *fds, int nfds,
		  size_t bufsz)
{
	/*
	 * Ports and pipes edge-triggered: drain() reads each until a read
	 * shows it empty, and a record queued after that read wakes the fd
	 * again. Level-triggered, epoll polls every fd it reported once more
	 * at the next epoll_wait() and drops it then: at 10,000 fds, a visit
	 * to one gone cold each time. A netlink socket is read to EAGAIN
	 * either way (one message per recv()): level-triggered, as before.
	 */
	struct epoll_event ev = { .events = EPOLLIN | (kind == R_MCL ? 0 : EPOLLET) };
	int i;

	memset(r, 0, sizeof(*r));
	r->kind = kind;
	r->fds = fds;
	r->nfds = nfds;
	r->bufsz = bufsz;
	r->maxrec = CLUSNOTIFY_RECORD_MAX;
	r->idle_ms = 1000;
	if (kind == R_PIPE) {
		r->carry = calloc(nfds, sizeof(*r->carry));
		if (!r->carry)
			die("out of memory");
	}
	r->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (r->epfd < 0)
		die("epoll_create1: %s", strerror(errno));
	for (i = 0; i < nfds; i++) {
		ev.data.u32 = i;
		if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, fds[i], &ev))
			die("epoll_ctl: %s", strerror(errno));
	}
}

void reader_teardown(struct reader *r)
{
	close(r->epfd);
	free(r->carry);
}

/*
 * Reads one fd that epoll reported; returns false once the target is
 * reached. It reads again only after a read that may have left something
 * behind: a pipe's read returns less than asked only once the pipe is
 * empty, a port's also when the next record does not fit, so a port is
 * read again unless the read left room for the longest record it can hold
 * (maxrec). Edge-triggered, a record left behind would wait for the next
 * one to come, and the reader would end short of its target: check_reader()
 * says so.
 * Reading on to EAGAIN instead cost every visit a second system call on
 * the fd; with 10,000 fds each visit is to one gone cold since the last,
 * and that call was as many as the reads with records.
 */
static bool drain(struct reader *r, int i, unsigned char *buf)
{
	const struct clusnotify_record *rec;
	ssize_t n, off;

	for (;;) {
		if (r->kind == R_MCL)
			n = recv(r->fds[i], buf, r->bufsz, MSG_DONTWAIT);
		else
			n = read(r->fds[i], buf, r->bufsz);
		if (n < 0) {
			if (errno == EAGAIN)
				return true;
			if (errno == EINTR)
				continue;
			if (errno == ENOBUFS && r->kind == R_MCL) {
				r->overruns++;
				continue;
			}
			die("reading fd %d: %s", r->fds[i], strerror(errno));
		}
		if (n == 0)
			return true;
		if (!r->t_first)
			r->t_first = now_ns();
		switch (r->kind) {
		case R_PORT:
			for (off = 0; off < n; off += rec->len) {
				rec = (const void *)(buf + off);
				if (rec->flags & CLUSNOTIFY_RECORD_LOST) {
					uint64_t c;

					memcpy(&c, buf + off + rec->payload_off,
					       sizeof(c));
					r->lost += c;
					r->got += c;
					continue;
				}
				r->sum += consume_record(rec);
				r->got++;
			}
			break;
		case R_PIPE: {
			/*
			 * A write past PIPE_BUF is not atomic: a read may end
			 * inside a record (REC_LEN need not divide a pipe's
			 * page). Count bytes; consume the records it holds whole.
			 */
			size_t skip = (REC_LEN - r->carry[i]) % REC_LEN;

			for (off = skip; off + REC_LEN <= n; off += REC_LEN)
				r->sum += consume_record((const void *)(buf + off));
			r->got += (r->carry[i] + n) / REC_LEN;
			r->carry[i] = (r->carry[i] + n) % REC_LEN;
			break;
		}
		case R_MCL:
			r->got += mcl_parse(buf, n, r->cid,
					    r->want ? r->want[i] : NULL,
					    &r->matched);
			break;
		}
		if (r->got >= r->target) {
			r->t_end = now_ns();
			return false;
		}
		/* A netlink socket gives a message per recv(): none is short. */
		if (r->kind == R_PIPE && (size_t)n < r->bufsz)
			return true;
		if (r->kind == R_PORT && (size_t)n + r->maxrec <= r->bufsz)
			return true;
	}
}

static void *reader_main(void *arg)
{
	struct reader *r = arg;
	struct epoll_event evs[256];
	unsigned char *buf = malloc(r->bufsz);
	int n, i;

	if (!buf)
		die("out of memory");
	atomic_store(&r->running, 1);
	while (r->got < r->target) {
		n = epoll_wait(r->epfd, evs, 256, r->idle_ms);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			die("epoll_wait: %s", strerror(errno));
		if (n == 0 && atomic_load(&r->poster_done)) {
			/* What was posted is all queued by now: nothing more comes. */
			r->t_end = now_ns() - (uint64_t)r->idle_ms * 1000000;
			break;
		}
		for (i = 0; i < n; i++)
			if (!drain(r, evs[i].data.u32, buf))
				break;
	}
	free(buf);
	return NULL;
}

void reader_start(struct reader *r, uint64_t target)
{
	r->target = target;
	r->got = r->matched = r->lost = r->overruns = r->sum = 0;
	r->t_first = r->t_end = 0;
	atomic_store(&r->poster_done, 0);
	atomic_store(&r->running, 0);
	if (pthread_create(&r->th, NULL, reader_main, r))
		die("pthread_create");
	/* The clock starts once the reader waits, not while it is created. */
	while (!atomic_load(&r->running))
		sched_yield();
}

void reader_join(struct reader *r)
{
	atomic_store(&r->poster_done, 1);
	pthread_join(r->th, NULL);
}

void memsnap(struct memsnap *m)
{
	char line[512], name[128];
	long long a, b, objsize;
	FILE *f;

	memset(m, 0, sizeof(*m));
	f = fopen("/proc/meminfo", "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "MemFree: %lld kB", &a) == 1)
				m->memfree = a * 1024;
			else if (sscanf(line, "Slab: %lld kB", &a) == 1)
				m->slab = a * 1024;
		}
		fclose(f);
	}
	f = fopen("/proc/slabinfo", "r");
	if (f) {
		while (fgets(line, sizeof(line), f)) {
			if (sscanf(line, "%127s %lld %lld %lld", name, &a, &b,
				   &objsize) == 4)
				m->slab_objs += a * objsize;
		}
		fclose(f);
	}
}

void check_reader(const struct reader *r, const char *what)
{
	if (r->got < r->target)
		die("%s: %llu of %llu events came in", what,
		    (unsigned long long)r->got, (unsigned long long)r->target);
	if (r->lost)
		die("%s: %llu events lost (queue bound too low)", what,
		    (unsigned long long)r->lost);
	if (r->overruns)
		die("%s: %llu netlink receive overruns", what,
		    (unsigned long long)r->overruns);
}

void close_all(int *fds, int n)
{
	for (int i = 0; i < n; i++)
		close(fds[i]);
}
