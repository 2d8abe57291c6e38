// SPDX-License-Identifier: GPL-2.0
/*
 * cnfuzz: a structure-aware fuzzer for /dev/clusnotify and the "clusnotify"
 * generic netlink family, run in a test guest as root.
 *
 *   cnfuzz [--seed N] [--ops N] [--duration S] [--procs N] [--kill-ms MS]
 *
 * Forks --procs workers, each with a persona (root of the initial network
 * namespace; root of a second one the parent made; nobody in either; root
 * of a user and network namespace of its own, made as nobody). Each drives
 * a random sequence of operations drawn from its own stream, derived from
 * (seed, worker, generation): every port ioctl, read, poll and epoll, and
 * every netlink command, with arguments built from the uapi structs and then
 * mutated (sizes grown, shrunk, huge; counts at and past the limits;
 * unknown flags, reserved fields; strings without NUL or not UTF-8; pointers
 * to unmapped, read-only or straddling memory; netlink attributes
 * duplicated, unknown, truncated, or whole messages cut short). Ports are
 * shut down and closed under blocked readers and pollers; netlink sockets
 * that own clusters are closed (the clusters disconnect) and the names
 * registered again. The parent SIGKILLs a random worker now and then
 * (--kill-ms, 0: never) and starts the next generation in its place.
 *
 * Invariants, checked as it goes (a violation prints the seed, the worker,
 * its generation, the operation number and the operation, and the run
 * exits 1):
 *  - each call succeeds or fails with an errno of the set the uapi header
 *    documents for it; calls the header says must fail (reserved fields,
 *    unknown flags, sizes out of range, posting a flag the module makes
 *    itself, commands from an unprivileged user) do not succeed;
 *  - after SHUTDOWN, every ioctl and read() fails with ESHUTDOWN;
 *  - outputs are never written past the caller's @size or past the entries
 *    a LIST call reports;
 *  - every record read is well formed (cn_parse, UTF-8 strings, a known
 *    type and exactly one flag of it), carries a (cluster, key) the port
 *    subscribed, and an event record's (type, flag) is covered by a filter
 *    or registration of the port with that key;
 *  - records of one cluster come in non-decreasing sequence order per port
 *    (events matched by several keys share a number), so an event's copies
 *    come together; no key gets more copies of one event than the port has
 *    distinct filters and registrations (of that key, type and flag) to
 *    take it: a double delivery (a resume from a real epoch may queue
 *    again what the port had live, the uapi says; the workers resume only
 *    from made-up epochs, which give a GAP record);
 *  - GET_STATS: matched == delivered + lost;
 *  - LIST_CLUSTERS walks and CLUSTER_GET dumps come in increasing id order,
 *    OBJECT_GET dumps in increasing (type, id) order;
 *  - at the end every cluster the workers left behind is disconnected and
 *    any admin can unregister it.
 *
 * With --procs 1 --kill-ms 0 a seed replays the same sequence of calls; with
 * more workers each replays its own sequence but their interleaving (and
 * the kills) depend on timing.
 *
 * Ends with: "cnfuzz: N ops in T s (R ops/s), seed S, ..., V violations".
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <grp.h>
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <linux/genetlink.h>
#include <linux/netlink.h>

#include "cn_test.h"

#define MAXPROCS	16
#define NPORTS		6
#define NSOCKS		3
#define PLOG		512
#define NSEQ		64
#define NREGS		64
#define NKNOWN		48
#define NNAMES		12
#define MBMAX		(160 * 1024)
#define ARENA		(1024 * 1024 + 8192)

/* ---- randomness ---------------------------------------------------- */

static uint64_t rs;

static uint64_t mix(uint64_t z)
{
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static uint64_t rnd(void)
{
	return mix(rs += 0x9e3779b97f4a7c15ULL);
}

static uint32_t rn(uint32_t n)
{
	return n ? (uint32_t)(rnd() % n) : 0;
}

static bool chance(unsigned int pct)
{
	return rn(1000) < pct * 10;
}

/* Per mille, for the rarer mutations. */
static bool pm(unsigned int permille)
{
	return rn(1000) < permille;
}

/* ---- shared state, reporting ---------------------------------------- */

struct wslot {
	volatile pid_t pid;
	volatile int gen;
	volatile uint64_t ops;
	volatile uint64_t opno;
	volatile int violated;
	volatile uint64_t ok;		/* calls that succeeded */
	volatile uint64_t records;	/* records read and checked */
	volatile uint64_t copies;	/* event copies counted against the log */
	char op[320];
	char viol[1024];
};

struct shared {
	volatile int stop;
	struct wslot w[MAXPROCS];
};

static struct shared *S;
static uint64_t g_seed;
static int me = -1;
static int my_gen;
static bool g_verbose;

static void opdesc(const char *fmt, ...)
{
	va_list ap;

	if (me < 0)
		return;
	va_start(ap, fmt);
	vsnprintf(S->w[me].op, sizeof(S->w[me].op), fmt, ap);
	va_end(ap);
	if (g_verbose)
		fprintf(stderr, "# w%d op %llu: %s\n", me,
			(unsigned long long)S->w[me].opno, S->w[me].op);
}

static pthread_mutex_t viol_lock = PTHREAD_MUTEX_INITIALIZER;

static void __attribute__((format(printf, 1, 2), noreturn))
violation(const char *fmt, ...)
{
	struct wslot *w = &S->w[me];
	char msg[700], op[sizeof(w->op)];
	va_list ap;

	pthread_mutex_lock(&viol_lock);
	memcpy(op, w->op, sizeof(op));
	op[sizeof(op) - 1] = 0;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(w->viol, sizeof(w->viol),
		 "seed %llu worker %d gen %d op %llu (%s): %s",
		 (unsigned long long)g_seed, me, my_gen,
		 (unsigned long long)w->opno, op, msg);
	w->violated = 1;
	fprintf(stderr, "cnfuzz: VIOLATION: %s\n", w->viol);
	fflush(stderr);
	_exit(3);
}

static void __attribute__((format(printf, 1, 2), noreturn))
setup_fail(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "cnfuzz: worker %d setup failed: ", me);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, " (errno %d)\n", errno);
	_exit(4);
}

/* The source line that made the current call invalid, for the report. */
static int bad_line;
#define BAD(b) (bad_line = __LINE__, *(b) = true)

/* ---- errno sets, from the uapi header's prose ----------------------- */

/* Every ioctl: a bad pointer, a bad size or flag, a shut port, no memory. */
#define IOC_COMMON EFAULT, EINVAL, E2BIG, ESHUTDOWN, ENOMEM, ENOTTY
/* ENOBUFS: a resume (FILTERS_SINCE) the port's queue cannot take */
static const int E_ADD[] = { IOC_COMMON, ENOENT, ENOSPC, ENOBUFS, 0 };
static const int E_REG[] = { IOC_COMMON, ENOENT, ENOSPC, 0 };
static const int E_UNREG[] = { IOC_COMMON, ENOENT, 0 };
static const int E_GETCL[] = { IOC_COMMON, ENOENT, 0 };
static const int E_GETOBJ[] = { IOC_COMMON, ENOENT, 0 };
static const int E_SNAP[] = { ESHUTDOWN, ENOBUFS, ENOMEM, 0 };
static const int E_SHUT[] = { ESHUTDOWN, 0 };
static const int E_STATS[] = { IOC_COMMON, 0 };
static const int E_LIST[] = { IOC_COMMON, ENOENT, 0 };
static const int E_ANYIOC[] = { IOC_COMMON, ENOENT, ENOSPC, ENOBUFS, 0 };
static const int E_FIONREAD[] = { EFAULT, ESHUTDOWN, 0 };
static const int E_BOGUS[] = { ENOTTY, ESHUTDOWN, 0 };
static const int E_READ[] = { EINVAL, EFAULT, EAGAIN, ESHUTDOWN, 0 };
static const int E_OPEN[] = { EMFILE, ENFILE, ENOMEM, 0 };
/* Netlink: permission, policy (strict: unknown attributes, ranges), lookups. */
static const int E_NL[] = { EPERM, EINVAL, ERANGE, ENOENT, EBUSY, ENOSPC,
			    E2BIG, ENOMEM, EMSGSIZE, EOPNOTSUPP, 0 };
/* CLUSTER_REGISTER of a name this very socket holds connected: EEXIST. */
static const int E_NLREG[] = { EPERM, EINVAL, ERANGE, ENOENT, EBUSY, EEXIST, ENOSPC,
			       E2BIG, ENOMEM, EMSGSIZE, EOPNOTSUPP, 0 };
static const int E_NLRECV[] = { EAGAIN, ENOBUFS, 0 };
static const int E_MONITOR[] = { EPERM, ENOSPC, ENOENT, 0 };

static const char *ename(int e)
{
	static char b[32];

	snprintf(b, sizeof(b), "%s", strerrorname_np(e) ?: "?");
	return b;
}

/* err: 0 or a positive errno. */
static void check(int err, const int *set, const char *what)
{
	const int *p;

	if (!err) {
		S->w[me].ok++;
		return;
	}
	for (p = set; *p; p++)
		if (*p == err)
			return;
	violation("%s: errno %d (%s) is not in the documented set", what, err,
		  ename(err));
}

/* ---- UTF-8, as the module checks it --------------------------------- */

static bool utf8_ok(const unsigned char *s, size_t len)
{
	size_t i = 0;

	while (i < len) {
		unsigned char c = s[i];
		uint32_t u;
		int n;

		if (c < 0x80) {
			i++;
			continue;
		} else if ((c & 0xe0) == 0xc0) {
			n = 1, u = c & 0x1f;
		} else if ((c & 0xf0) == 0xe0) {
			n = 2, u = c & 0x0f;
		} else if ((c & 0xf8) == 0xf0) {
			n = 3, u = c & 0x07;
		} else {
			return false;
		}
		if (i + n >= len)
			return false;
		for (int k = 1; k <= n; k++) {
			if ((s[i + k] & 0xc0) != 0x80)
				return false;
			u = (u << 6) | (s[i + k] & 0x3f);
		}
		if ((n == 1 && u < 0x80) || (n == 2 && u < 0x800) ||
		    (n == 3 && u < 0x10000) || u > 0x10ffff ||
		    (u >= 0xd800 && u <= 0xdfff))
			return false;
		i += n + 1;
	}
	return true;
}

/* ---- types and flags ------------------------------------------------ */

static uint64_t type_all(uint32_t type)
{
	for (size_t i = 0; i < sizeof(cn_types) / sizeof(cn_types[0]); i++)
		if (cn_types[i].type == type)
			return cn_types[i].all;
	return 0;
}

/* A type that takes filters (mostly), or any value. */
static uint32_t gen_type(void)
{
	static const uint32_t odd[] = { 0, 0x0e, 0x0f, 0x10, 0x11, 0x12,
					0xff, 0x80000001, 0xffffffff };

	if (pm(40))
		return odd[rn(sizeof(odd) / sizeof(odd[0]))];
	for (;;) {
		uint32_t t = cn_types[rn(sizeof(cn_types) / sizeof(cn_types[0]))].type;

		if (type_all(t))
			return t;
	}
}

/* A non-zero mask inside ALL (mostly); 0 or bits outside otherwise. */
static uint64_t gen_mask(uint32_t type, bool *bad)
{
	uint64_t all = type_all(type), m;

	if (pm(30)) {
		BAD(bad);
		return 0;
	}
	if (pm(30) || !all) {
		m = rnd();
		if (!all || (m & ~all))
			BAD(bad);
		return m;
	}
	if (chance(50))
		return all;
	do
		m = rnd() & all;
	while (!m);
	return m;
}

/* One bit of ALL that a producer may post (mostly). */
static uint64_t gen_flag(uint32_t type, bool *bad)
{
	uint64_t all = type_all(type), f;

	if (!all) {
		BAD(bad);
		return 1;
	}
	if (pm(20)) {
		BAD(bad);
		return pm(500) ? 0 : (all | (1ULL << 40));
	}
	{
		uint64_t bits[64], post[64];
		int nb = 0, np = 0;

		for (int i = 0; i < 64; i++) {
			f = 1ULL << i;
			if (!(f & all))
				continue;
			bits[nb++] = f;
			if (!cn_subscriber_side(type, f))
				post[np++] = f;
		}
		f = bits[rn(nb)];
		if (cn_subscriber_side(type, f) && (pm(30) || !np)) {
			BAD(bad);	/* a flag the module makes itself */
			return f;
		}
		return np ? post[rn(np)] : f;
	}
}

/* ---- memory the mutations point at ---------------------------------- */

static unsigned char *arena;		/* big, read-write */
static unsigned char *pg_rw;		/* a page, then ... */
static unsigned char *pg_none;		/* ... an unmapped page, then ... */
static unsigned char *pg_ro;		/* ... a read-only one */
static long pgsz;

/* P_RO: readable, not writable: an input-only call may succeed with it. */
enum ptrkind { P_GOOD, P_RO, P_BAD };

/*
 * Where to put an argument of len bytes built at good: mostly there; else
 * NULL, an unmapped page, a read-only copy, a copy straddling into the
 * unmapped page, a kernel address. Returns the pointer to pass.
 */
static void *mut_ptr(void *good, size_t len, enum ptrkind *kind)
{
	unsigned int r = rn(1000);
	size_t cut;

	*kind = P_BAD;
	if (r < 10)
		return NULL;
	if (r < 20)
		return pg_none + rn(pgsz);
	if (r < 30 && len <= (size_t)pgsz) {
		mprotect(pg_ro, pgsz, PROT_READ | PROT_WRITE);
		memcpy(pg_ro, good, len);
		mprotect(pg_ro, pgsz, PROT_READ);
		*kind = P_RO;
		return pg_ro;
	}
	if (r < 45 && len > 1 && len <= (size_t)pgsz) {
		cut = 1 + rn(len - 1);	/* bytes that stay mapped */
		memcpy(pg_none - cut, good, cut);
		return pg_none - cut;
	}
	if (r < 50)
		return (void *)(uintptr_t)(pm(500) ? 0xffff888000000000ULL :
					   0x8000000000000000ULL);
	*kind = P_GOOD;
	return good;
}

/* ---- ioctl argument sizes -------------------------------------------- */

enum sizekind { S_EXACT, S_GROWN, S_DIRTY, S_SMALL, S_HUGE };

/*
 * Picks the @size an argument built in buf (the struct's ksize bytes,
 * followed by room up to 8192) claims, and sets the bytes past the struct:
 * zero for a grown size, non-zero somewhere for a dirty one.
 */
/* @ver0: the struct's first published size; below it is S_SMALL. */
static uint32_t gen_size(unsigned char *buf, size_t ksize, size_t ver0,
			 enum sizekind *k)
{
	unsigned int r = rn(1000);
	uint32_t sz;

	memset(buf + ksize, 0, 4096 + 64 - ksize);
	if (r < 880) {
		*k = S_EXACT;
		return ksize;
	}
	if (r < 930) {
		*k = S_GROWN;
		sz = ksize + 1 + rn(4096 - ksize);
		if (pm(300))
			sz = 4096;
		return sz;
	}
	if (r < 950) {
		*k = S_DIRTY;
		sz = ksize + 1 + rn(4096 - ksize);
		buf[ksize + rn(sz - ksize)] = 1 + rn(255);
		return sz;
	}
	if (r < 975) {
		*k = S_SMALL;
		return rn(ver0);
	}
	*k = S_HUGE;
	return pm(300) ? 0xffffffffU : 4097 + rn(1 << 20);
}

/* ---- per-worker state ------------------------------------------------ */

struct flog {
	uint32_t cid, type;
	uint64_t key, mask;
	bool reg;		/* a registration: never merged with another */
	char id[CLUSNOTIFY_ID_MAX];	/* its object; "": every object */
};

/* Keys of one event a port read so far, and how many copies of each. */
#define NCOPY		8

struct seqent {
	uint32_t cid;
	uint64_t seq;
	uint64_t cseq;		/* the event whose copies are counted */
	int nkeys;		/* -1: more keys than NCOPY, not counted */
	uint64_t keys[NCOPY];
	int copies[NCOPY];
};

struct port {
	int fd;			/* -1: slot free */
	bool shut;
	int nlog;
	bool ovf;		/* the log overflowed: no subscription checks */
	/* log: every distinct filter and every registration the port has had */
	struct flog log[PLOG];
	int nseq;
	struct seqent seqs[NSEQ];
	int nregs;
	uint64_t regs[NREGS];
};

struct known {
	uint32_t id;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
};

struct nls {
	int fd;			/* -1: slot free */
	uint32_t seq;
};

enum persona { ROOT_INIT, ROOT_NS2, NOBODY_INIT, ROOT_USERNS, NOBODY_NS2 };
static const char *const persona_name[] = {
	"root@init", "root@ns2", "nobody@init", "root-of-userns", "nobody@ns2",
};

static enum persona my_persona;
static bool nl_admin;		/* CAP_NET_ADMIN over the worker's netns */
static char ns_tag;
static struct port ports[NPORTS];
static struct nls socks[NSOCKS];
static struct known known[NKNOWN];
static int nknown;
static int epfd = -1;
static struct nls mon = { .fd = -1 };
static uint16_t fam_id;
static uint64_t key_ctr;
static unsigned char argbuf[8192] __attribute__((aligned(64)));
static struct cn_rec recs[CN_BUF / 64 + 8];

static void learn(uint32_t id, const char *name)
{
	int i;

	if (!id)
		return;
	for (i = 0; i < nknown; i++)
		if (known[i].id == id)
			return;
	if (nknown < NKNOWN)
		i = nknown++;
	else
		i = rn(NKNOWN);
	known[i].id = id;
	snprintf(known[i].name, sizeof(known[i].name), "%s", name ?: "");
}

static uint32_t gen_cid(void)
{
	if (nknown && !pm(80))
		return known[rn(nknown)].id;
	switch (rn(4)) {
	case 0: return 0;
	case 1: return 1 + rn(200);
	case 2: return 0xffffffff;
	default: return (uint32_t)rnd();
	}
}

static void name_from_pool(char *buf, size_t len)
{
	snprintf(buf, len, "fz%c%u", ns_tag, rn(NNAMES));
}

/* A cluster name: from the pool, or the name of a known cluster. */
static void gen_name(char *buf, size_t len)
{
	if (nknown && chance(40))
		snprintf(buf, len, "%s", known[rn(nknown)].name);
	else
		name_from_pool(buf, len);
}

/*
 * Fills s (room bytes, room >= 2) with an id-like string: from a small pool,
 * or empty, or room-1 long, or with invalid UTF-8. Sets *bad for invalid
 * UTF-8. Always NUL-terminated here; callers that want none overwrite it.
 */
static void gen_str(char *s, size_t room, const char *prefix, bool *bad)
{
	static const char *const junk[] = {
		"\xff", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xe2\x82",
		"\x80", "\xfe\xff",
	};
	unsigned int r = rn(1000);

	if (r < 30) {
		s[0] = 0;
	} else if (r < 50) {
		memset(s, 'x', room - 1);
		s[room - 1] = 0;
	} else if (r < 70) {
		snprintf(s, room, "%s%s%u", prefix, junk[rn(7)], rn(4));
		BAD(bad);
	} else if (r < 80) {
		snprintf(s, room, "%s\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80", prefix);
	} else {
		snprintf(s, room, "%s%u", prefix, rn(12));
	}
}

/* ---- records ---------------------------------------------------------- */

static bool port_has(struct port *p, uint32_t cid, uint64_t key,
		     uint32_t type, uint64_t flag, bool any_filter)
{
	for (int i = 0; i < p->nlog; i++) {
		struct flog *l = &p->log[i];

		if (l->cid != cid || l->key != key)
			continue;
		if (any_filter || (l->type == type && (l->mask & flag)))
			return true;
	}
	return false;
}

/*
 * How many copies of an event of (@type, @flag) about @id the port may get
 * for @key: one per distinct filter that takes it and one per registration
 * on every object or on @id (on any object, for the registry's, whose
 * subtrees take their keys' children). The log keeps what was unregistered
 * too, so the count when the copies are read bounds the count when they
 * were queued.
 */
static int port_copies(struct port *p, uint32_t cid, uint64_t key,
		       uint32_t type, uint64_t flag, const char *id, size_t id_len)
{
	int n = 0;

	for (int i = 0; i < p->nlog; i++) {
		struct flog *l = &p->log[i];

		if (l->cid != cid || l->key != key || l->type != type ||
		    !(l->mask & flag))
			continue;
		if (l->reg && l->id[0] && type != CLUSNOTIFY_OBJ_REGISTRY &&
		    (strlen(l->id) != id_len || memcmp(l->id, id, id_len)))
			continue;
		n++;
	}
	return n;
}

/* A filter identical to one the port has merges with it (the uapi header). */
static void port_log(struct port *p, uint32_t cid, uint64_t key,
		     uint32_t type, uint64_t mask, const char *reg_id)
{
	bool reg = reg_id;

	for (int i = 0; !reg && i < p->nlog; i++) {
		struct flog *l = &p->log[i];

		if (!l->reg && l->cid == cid && l->key == key &&
		    l->type == type && l->mask == mask)
			return;
	}
	if (p->nlog == PLOG) {
		p->ovf = true;
		return;
	}
	p->log[p->nlog] = (struct flog){ .cid = cid, .type = type, .key = key,
					  .mask = mask, .reg = reg };
	if (reg)
		snprintf(p->log[p->nlog].id, sizeof(p->log[0].id), "%s", reg_id);
	p->nlog++;
}

/*
 * Counts a copy of event @h for its key: the copies of one event come
 * together (the sequence check sees to that), and no key gets more of
 * them than the port has filters and registrations to take it.
 */
static void copy_check(struct port *p, struct seqent *e, const struct cn_rec *r,
		       int i, const char *who)
{
	const struct clusnotify_record *h = &r->h;
	int k, max;

	if (h->seq != e->cseq) {
		e->cseq = h->seq;
		e->nkeys = 0;
	}
	if (e->nkeys < 0)
		return;
	for (k = 0; k < e->nkeys && e->keys[k] != h->key; k++)
		;
	if (k == e->nkeys) {
		if (k == NCOPY) {
			e->nkeys = -1;
			return;
		}
		e->keys[k] = h->key;
		e->copies[k] = 0;
		e->nkeys++;
	}
	e->copies[k]++;
	if (p->ovf)
		return;
	S->w[me].copies++;
	max = port_copies(p, h->cluster_id, h->key, h->object_type, h->filter_flag,
			  r->id, h->id_len);
	if (e->copies[k] > max)
		violation("%s: record %d: cluster %u seq %llu key %#llx: copy %d, but %d filters and registrations take it",
			  who, i, h->cluster_id, (unsigned long long)h->seq,
			  (unsigned long long)h->key, e->copies[k], max);
}

static void check_records(struct port *p, const void *buf, size_t n,
			  const char *who)
{
	int nr = cn_parse(buf, n, recs, sizeof(recs) / sizeof(recs[0]));

	if (nr < 0)
		violation("%s: %zu bytes read are not well-formed records (see above)",
			  who, n);
	S->w[me].records += nr;
	for (int i = 0; i < nr; i++) {
		struct cn_rec *r = &recs[i];
		struct clusnotify_record *h = &r->h;
		uint64_t all = type_all(h->object_type);
		int k;

		bool end = h->flags & CLUSNOTIFY_RECORD_SNAPSHOT_END;
		bool gap = h->flags & CLUSNOTIFY_RECORD_GAP;
		bool shared_lost = (h->flags & CLUSNOTIFY_RECORD_LOST) && !h->cluster_id;

		if (h->flags & ~(CLUSNOTIFY_RECORD_SNAPSHOT | CLUSNOTIFY_RECORD_LOST |
				 CLUSNOTIFY_RECORD_SYNTHETIC |
				 CLUSNOTIFY_RECORD_SNAPSHOT_END | CLUSNOTIFY_RECORD_GAP))
			violation("%s: record %d has unknown flags %#x", who, i, h->flags);
		if (gap && (h->flags != (CLUSNOTIFY_RECORD_SYNTHETIC | CLUSNOTIFY_RECORD_GAP) ||
			    h->object_type != CLUSNOTIFY_OBJ_CLUSTER ||
			    h->filter_flag || h->payload_len || !h->range_first ||
			    h->range_last != h->seq || h->range_first > h->seq + 1))
			violation("%s: record %d: a malformed GAP record", who, i);
		if (h->hdr_len < sizeof(*h))
			violation("%s: record %d: header of %u bytes, no epoch", who, i,
				  h->hdr_len);
		/* Every record has its cluster's epoch but a LOST of many clusters. */
		if (!h->epoch != shared_lost)
			violation("%s: record %d: cluster %u epoch %#llx", who, i,
				  h->cluster_id, (unsigned long long)h->epoch);
		if (end && (h->flags != (CLUSNOTIFY_RECORD_SNAPSHOT |
					 CLUSNOTIFY_RECORD_SYNTHETIC |
					 CLUSNOTIFY_RECORD_SNAPSHOT_END) ||
			    h->object_type != CLUSNOTIFY_OBJ_CLUSTER ||
			    h->filter_flag || h->payload_len))
			violation("%s: record %d: a malformed end-of-snapshot marker",
				  who, i);
		if (end || gap)
			goto strings;
		if (!all || !h->filter_flag || (h->filter_flag & (h->filter_flag - 1)) ||
		    (h->filter_flag & ~all))
			violation("%s: record %d: type %u flag %#llx is not one flag of the type",
				  who, i, h->object_type, (unsigned long long)h->filter_flag);
strings:
		if (!utf8_ok((const unsigned char *)r->id, h->id_len) ||
		    !utf8_ok((const unsigned char *)r->parent, h->parent_len) ||
		    !utf8_ok((const unsigned char *)r->name, h->name_len) ||
		    !utf8_ok((const unsigned char *)r->type_name, h->type_len))
			violation("%s: record %d has a string that is not UTF-8", who, i);
		if (!h->cluster_id && !shared_lost)
			violation("%s: record %d has cluster id 0", who, i);
		if (h->flags & CLUSNOTIFY_RECORD_LOST) {
			if (h->object_type != CLUSNOTIFY_OBJ_CLUSTER ||
			    h->filter_flag != CLUSNOTIFY_CLUSTER_LOST_NOTIFICATIONS ||
			    h->payload_len != 8 || !cn_rec_u64(r) ||
			    h->range_first > h->range_last ||
			    (!h->range_first != !h->range_last) ||
			    (shared_lost && h->range_last))
				violation("%s: record %d: a malformed LOST record", who, i);
		} else if (!gap && (h->range_first || h->range_last)) {
			violation("%s: record %d: a range outside a LOST record", who, i);
		}
		if (shared_lost)
			continue;
		if (!p)
			continue;
		if (!p->ovf) {
			bool ev = !(h->flags & (CLUSNOTIFY_RECORD_LOST |
						CLUSNOTIFY_RECORD_SYNTHETIC));

			if (!port_has(p, h->cluster_id, h->key, 0, 0, true))
				violation("%s: record %d: cluster %u key %#llx: the port never subscribed that",
					  who, i, h->cluster_id, (unsigned long long)h->key);
			if (ev && !port_has(p, h->cluster_id, h->key, h->object_type,
					    h->filter_flag, false))
				violation("%s: record %d: cluster %u key %#llx type %u flag %#llx: no filter of the port covers it",
					  who, i, h->cluster_id, (unsigned long long)h->key,
					  h->object_type, (unsigned long long)h->filter_flag);
		}
		if ((h->flags & CLUSNOTIFY_RECORD_SNAPSHOT) || !h->seq)
			continue;
		for (k = 0; k < p->nseq; k++)
			if (p->seqs[k].cid == h->cluster_id)
				break;
		if (k == p->nseq) {
			if (p->nseq == NSEQ)
				continue;
			p->seqs[p->nseq++] = (struct seqent){ .cid = h->cluster_id };
		}
		if (h->seq < p->seqs[k].seq)
			violation("%s: record %d: cluster %u seq %llu after seq %llu",
				  who, i, h->cluster_id, (unsigned long long)h->seq,
				  (unsigned long long)p->seqs[k].seq);
		if (!(h->flags & (CLUSNOTIFY_RECORD_LOST | CLUSNOTIFY_RECORD_SYNTHETIC)))
			copy_check(p, &p->seqs[k], r, i, who);
		p->seqs[k].seq = h->seq;
	}
}

/* ---- ports ------------------------------------------------------------ */

static struct port *port_pick(void)
{
	return &ports[rn(NPORTS)];
}

static void port_reset(struct port *p)
{
	p->fd = -1;
	p->shut = false;
	p->nlog = 0;
	p->ovf = false;
	p->nseq = 0;
	p->nregs = 0;
}

static void stats_check(struct port *p, const char *who)
{
	struct clusnotify_port_stats st;
	int err = cn_stats(p->fd, &st);

	if (p->shut) {
		if (err != -ESHUTDOWN)
			violation("%s: GET_STATS on a shut port: %d, not ESHUTDOWN", who, err);
		return;
	}
	check(-err, E_STATS, who);
	if (err)
		return;
	if (st.matched != st.delivered + st.lost)
		violation("%s: matched %llu != delivered %llu + lost %llu", who,
			  (unsigned long long)st.matched,
			  (unsigned long long)st.delivered,
			  (unsigned long long)st.lost);
	if (st.reserved || st.flags)
		violation("%s: GET_STATS wrote flags %u reserved %u", who, st.flags,
			  st.reserved);
}

static void op_open(void)
{
	struct port *p = port_pick();
	int fd;

	if (p->fd >= 0)
		return;
	opdesc("open(%s)", CN_DEV);
	fd = cn_open(chance(70) ? O_NONBLOCK : 0);
	if (fd < 0) {
		check(errno, E_OPEN, "open");
		return;
	}
	port_reset(p);
	p->fd = fd;
	if (chance(30)) {
		struct epoll_event ev = { .events = EPOLLIN | EPOLLHUP };

		if (epoll_ctl(epfd, EPOLL_CTL_ADD, fd, &ev))
			violation("epoll_ctl ADD on a port: errno %d", errno);
	}
}

static void op_close(void)
{
	struct port *p = port_pick();

	if (p->fd < 0)
		return;
	opdesc("close(port %d)", p->fd);
	if (chance(50))
		stats_check(p, "GET_STATS before close");
	close(p->fd);
	port_reset(p);
}

/* A port to operate on, opening one if the slot is empty. */
static struct port *port_get(void)
{
	struct port *p = port_pick();
	int fd;

	if (p->fd >= 0)
		return p;
	fd = cn_open(O_NONBLOCK);
	if (fd < 0) {
		check(errno, E_OPEN, "open");
		return NULL;
	}
	port_reset(p);
	p->fd = fd;
	return p;
}

/*
 * Runs ioctl cmd with the argument built in argbuf (ksize bytes, claiming
 * usize), at the pointer mut_ptr() picks. Checks what every ioctl promises:
 * the errno set, ESHUTDOWN on a shut port, no success for a bad size, and
 * nothing written past usize. Returns 0 or -errno.
 */
static int do_ioctl(struct port *p, unsigned long cmd, size_t ksize,
		    uint32_t usize, enum sizekind sk, bool must_fail,
		    const int *set, const char *name, enum ptrkind *pk)
{
	unsigned char *arg;
	/* the bytes the call may touch: a smaller @size than the struct is
	 * refused before anything is written */
	size_t span = usize <= 4096 && usize > ksize ? usize : ksize;
	unsigned char canary[8];
	int err;

	memcpy(argbuf, &usize, sizeof(usize));
	arg = mut_ptr(argbuf, span, pk);
	memset(canary, 0x5a, sizeof(canary));
	if (*pk == P_GOOD)
		memcpy(argbuf + span, canary, sizeof(canary));
	err = ioctl(p->fd, cmd, arg) < 0 ? errno : 0;
	if (p->shut) {
		if (err != ESHUTDOWN)
			violation("%s on a shut port: %s", name, err ? ename(err) : "success");
		return -err;
	}
	check(err, set, name);
	if (*pk != P_GOOD)
		return -err;
	if (memcmp(argbuf + span, canary, sizeof(canary)))
		violation("%s: wrote past @size %u", name, usize);
	if (!err && must_fail)
		violation("%s: succeeded with an argument the header says is invalid (cnfuzz.c:%d)",
			  name, bad_line);
	if (sk == S_SMALL && err != EINVAL)
		violation("%s: @size %u < VER0: %s, not EINVAL", name, usize,
			  err ? ename(err) : "success");
	if ((sk == S_HUGE || sk == S_DIRTY) && err != E2BIG)
		violation("%s: @size %u (%s): %s, not E2BIG", name, usize,
			  sk == S_HUGE ? "huge" : "non-zero tail",
			  err ? ename(err) : "success");
	return -err;
}

static uint64_t gen_key(void)
{
	return ((uint64_t)me << 56) | ((uint64_t)my_gen << 40) | ++key_ctr;
}

static void op_add_filters(void)
{
	static struct clusnotify_filter f[CLUSNOTIFY_FILTERS_MAX + 2];
	struct clusnotify_add_filters *a = (void *)argbuf;
	struct port *p = port_get();
	bool bad = false;
	enum sizekind sk;
	enum ptrkind pk, fk;
	uint32_t n, usize;
	int err;

	if (!p)
		return;
	switch (rn(20)) {
	case 0: n = CLUSNOTIFY_FILTERS_MAX; break;
	case 1: n = CLUSNOTIFY_FILTERS_MAX + 1 + (pm(500) ? 0 : rn(1 << 30)); break;
	case 2: n = 0; break;
	default: n = 1 + rn(4); break;
	}
	memset(a, 0, sizeof(*a));
	a->cluster_id = gen_cid();
	a->count = n;
	a->key = (p->nlog && chance(20)) ? p->log[rn(p->nlog)].key : gen_key();
	if (pm(30)) {
		a->flags = 2U << rn(31);
		BAD(&bad);
	}
	if (pm(100)) {
		/* since without the flag */
		a->since_seq = 1 + rn(100);
		BAD(&bad);
	} else if (pm(200)) {
		/* a resume: a made-up epoch is a GAP, never an error */
		a->flags |= CLUSNOTIFY_FILTERS_SINCE;
		a->since_epoch = gen_key() | 1;
		a->since_seq = rn(1000);
	}
	if (n == 0 || n > CLUSNOTIFY_FILTERS_MAX)
		BAD(&bad);
	for (uint32_t i = 0; i < n && i < CLUSNOTIFY_FILTERS_MAX + 1; i++) {
		if (i && chance(10)) {
			f[i] = f[rn(i)];	/* identical entries merge */
			continue;
		}
		f[i].object_type = gen_type();
		f[i].reserved = pm(15) ? (BAD(&bad), 1U << rn(32)) : 0;
		f[i].flags = gen_mask(f[i].object_type, &bad);
		if (!type_all(f[i].object_type))
			BAD(&bad);
	}
	a->filters = (uintptr_t)mut_ptr(f, sizeof(f[0]) * (n < 300 ? n : 1), &fk);
	if (fk == P_BAD && n)
		BAD(&bad);
	usize = gen_size(argbuf, sizeof(*a), CLUSNOTIFY_ADD_FILTERS_SIZE_VER0, &sk);
	opdesc("ADD_FILTERS(port %d, size %u, cluster %u, count %u, key %#llx, filters %s%s)",
	       p->fd, usize, a->cluster_id, n, (unsigned long long)a->key,
	       fk == P_GOOD ? "ok" : "bad-ptr", bad ? ", invalid" : "");
	err = do_ioctl(p, CLUSNOTIFY_IOC_ADD_FILTERS, sizeof(*a), usize, sk, bad,
		       E_ADD, "ADD_FILTERS", &pk);
	if (!err)	/* from the argument as built, wherever it was passed */
		for (uint32_t i = 0; i < n; i++)
			port_log(p, a->cluster_id, a->key, f[i].object_type, f[i].flags,
				 NULL);
}

static void op_register(void)
{
	struct clusnotify_register *r = (void *)argbuf;
	struct port *p = port_get();
	bool bad = false;
	enum sizekind sk;
	enum ptrkind pk;
	uint32_t usize;
	int err;

	if (!p)
		return;
	memset(r, 0, sizeof(*r));
	r->cluster_id = gen_cid();
	r->object_type = gen_type();
	r->filter_flags = gen_mask(r->object_type, &bad);
	if (!type_all(r->object_type))
		BAD(&bad);
	r->key = (p->nlog && chance(20)) ? p->log[rn(p->nlog)].key : gen_key();
	r->reg_id = CN_POISON64;
	if (pm(30)) {
		r->flags = 1U << rn(32);
		BAD(&bad);
	}
	gen_str(r->object_id, sizeof(r->object_id), "o", &bad);
	if (pm(20)) {
		memset(r->object_id, 'n', sizeof(r->object_id));	/* no NUL */
		BAD(&bad);
	}
	usize = gen_size(argbuf, sizeof(*r), CLUSNOTIFY_REGISTER_SIZE_VER0, &sk);
	opdesc("REGISTER(port %d, size %u, cluster %u, type %#x, mask %#llx, id \"%.16s\"%s)",
	       p->fd, usize, r->cluster_id, r->object_type,
	       (unsigned long long)r->filter_flags, r->object_id, bad ? ", invalid" : "");
	err = do_ioctl(p, CLUSNOTIFY_IOC_REGISTER, sizeof(*r), usize, sk, bad,
		       E_REG, "REGISTER", &pk);
	if (err || pk != P_GOOD)
		return;
	if (!r->reg_id || r->reg_id == CN_POISON64)
		violation("REGISTER succeeded with reg_id %#llx", (unsigned long long)r->reg_id);
	port_log(p, r->cluster_id, r->key, r->object_type, r->filter_flags,
		 r->object_id);
	if (p->nregs < NREGS)
		p->regs[p->nregs++] = r->reg_id;
}

static void op_unregister(void)
{
	struct clusnotify_unregister *u = (void *)argbuf;
	struct port *p = port_get();
	bool bad = false, mine = false;
	enum sizekind sk;
	enum ptrkind pk;
	uint32_t usize;
	int i = -1, err;

	if (!p)
		return;
	memset(u, 0, sizeof(*u));
	if (p->nregs && chance(80)) {
		i = rn(p->nregs);
		u->reg_id = p->regs[i];
		mine = true;
	} else {
		u->reg_id = pm(300) ? 0 : pm(300) ? (1ULL << 32) + rn(8) : rn(1000);
	}
	if (pm(30)) {
		u->flags = 1U << rn(32);
		BAD(&bad);
	}
	usize = gen_size(argbuf, sizeof(*u), CLUSNOTIFY_UNREGISTER_SIZE_VER0, &sk);
	opdesc("UNREGISTER(port %d, size %u, reg_id %llu%s)", p->fd, usize,
	       (unsigned long long)u->reg_id, bad ? ", invalid" : "");
	err = do_ioctl(p, CLUSNOTIFY_IOC_UNREGISTER, sizeof(*u), usize, sk, bad,
		       E_UNREG, "UNREGISTER", &pk);
	if (!err && mine)
		p->regs[i] = p->regs[--p->nregs];
	if (!err && (!u->reg_id || u->reg_id > UINT32_MAX))
		violation("UNREGISTER of id %llu succeeded", (unsigned long long)u->reg_id);
	(void)pk;
}

static void op_get_cluster(void)
{
	struct clusnotify_cluster_info *ci = (void *)argbuf;
	struct port *p = port_get();
	bool bad = false;
	enum sizekind sk;
	enum ptrkind pk;
	uint32_t usize;
	int err;

	if (!p)
		return;
	memset(ci, CN_POISON, sizeof(*ci));
	ci->flags = 0;
	ci->reserved = 0;
	memset(ci->name, 0, sizeof(ci->name));
	if (!pm(100))
		gen_name(ci->name, sizeof(ci->name));
	if (pm(20)) {
		memset(ci->name, 'c', sizeof(ci->name));
		BAD(&bad);
	}
	if (pm(20)) {
		ci->flags = 1U << rn(32);
		BAD(&bad);
	}
	if (pm(20)) {
		ci->reserved = 1 + rn(100);
		BAD(&bad);
	}
	usize = gen_size(argbuf, sizeof(*ci), CLUSNOTIFY_CLUSTER_INFO_SIZE_VER0, &sk);
	opdesc("GET_CLUSTER(port %d, size %u, name \"%.20s\"%s)", p->fd, usize,
	       ci->name, bad ? ", invalid" : "");
	err = do_ioctl(p, CLUSNOTIFY_IOC_GET_CLUSTER, sizeof(*ci), usize, sk, bad,
		       E_GETCL, "GET_CLUSTER", &pk);
	if (err || pk != P_GOOD)
		return;
	if (!ci->cluster_id ||
	    (usize >= sizeof(*ci) && (!ci->epoch || ci->epoch == CN_POISON64)) ||
	    (ci->state != CLUSNOTIFY_CLUSTER_CONNECTED &&
	     ci->state != CLUSNOTIFY_CLUSTER_DISCONNECTED) ||
	    !memchr(ci->name, 0, sizeof(ci->name)))
		violation("GET_CLUSTER: id %u state %u, name terminated %d",
			  ci->cluster_id, ci->state, !!memchr(ci->name, 0, sizeof(ci->name)));
	learn(ci->cluster_id, ci->name);
}

static void op_get_object(void)
{
	struct clusnotify_object_info *oi = (void *)argbuf;
	struct port *p = port_get();
	bool bad = false, by_id = chance(50);
	enum sizekind sk;
	enum ptrkind pk;
	uint32_t usize;
	int err;

	if (!p)
		return;
	memset(oi, CN_POISON, sizeof(*oi));
	oi->flags = by_id ? CLUSNOTIFY_OBJECT_BY_ID : 0;
	oi->cluster_id = gen_cid();
	oi->object_type = gen_type();
	if (!type_all(oi->object_type))
		BAD(&bad);
	oi->reserved = 0;
	memset(oi->id, 0, sizeof(oi->id));
	memset(oi->name, 0, sizeof(oi->name));
	gen_str(by_id ? oi->id : oi->name, by_id ? sizeof(oi->id) : 64, "o", &bad);
	if (pm(20)) {
		memset(by_id ? oi->id : oi->name, 'q',
		       by_id ? sizeof(oi->id) : sizeof(oi->name));
		BAD(&bad);
	}
	if (pm(20)) {
		oi->flags |= 2U << rn(31);
		BAD(&bad);
	}
	if (pm(20)) {
		oi->reserved = 1;
		BAD(&bad);
	}
	usize = gen_size(argbuf, sizeof(*oi), CLUSNOTIFY_OBJECT_INFO_SIZE_VER0, &sk);
	opdesc("GET_OBJECT(port %d, size %u, cluster %u, type %#x, %s \"%.16s\"%s)",
	       p->fd, usize, oi->cluster_id, oi->object_type, by_id ? "id" : "name",
	       by_id ? oi->id : oi->name, bad ? ", invalid" : "");
	/* invalid UTF-8 in a lookup key just finds nothing: not "bad" */
	err = do_ioctl(p, CLUSNOTIFY_IOC_GET_OBJECT, sizeof(*oi), usize, sk,
		       bad && (oi->flags & ~1U || oi->reserved || !type_all(oi->object_type) ||
			       !memchr(by_id ? oi->id : oi->name, 0,
				       by_id ? sizeof(oi->id) : sizeof(oi->name))),
		       E_GETOBJ, "GET_OBJECT", &pk);
	if (err || pk != P_GOOD)
		return;
	if (!memchr(oi->id, 0, sizeof(oi->id)) || !memchr(oi->name, 0, sizeof(oi->name)) ||
	    !memchr(oi->parent_id, 0, sizeof(oi->parent_id)) ||
	    !memchr(oi->type_name, 0, sizeof(oi->type_name)))
		violation("GET_OBJECT: an output string is not NUL-terminated");
}

static void op_simple(void)
{
	struct port *p = port_get();
	int err, n;

	if (!p)
		return;
	switch (rn(8)) {
	case 0:
		opdesc("SNAPSHOT(port %d)", p->fd);
		err = cn_snapshot(p->fd);
		if (p->shut && err != -ESHUTDOWN)
			violation("SNAPSHOT on a shut port: %d", err);
		check(-err, E_SNAP, "SNAPSHOT");
		break;
	case 1:
		if (!chance(20))
			return;
		opdesc("SHUTDOWN(port %d)", p->fd);
		err = cn_shutdown(p->fd);
		if (p->shut && err != -ESHUTDOWN)
			violation("SHUTDOWN on a shut port: %d", err);
		check(-err, E_SHUT, "SHUTDOWN");
		p->shut = true;
		break;
	case 2:
	case 3:
		opdesc("GET_STATS(port %d)", p->fd);
		stats_check(p, "GET_STATS");
		break;
	case 4: {
		enum ptrkind pk;
		int *np = mut_ptr(&n, sizeof(n), &pk);

		opdesc("FIONREAD(port %d, %s)", p->fd, pk == P_GOOD ? "ok" : "bad-ptr");
		n = -12345;
		err = ioctl(p->fd, FIONREAD, np) < 0 ? errno : 0;
		if (p->shut && err != ESHUTDOWN)
			violation("FIONREAD on a shut port: %s", ename(err));
		check(err, E_FIONREAD, "FIONREAD");
		if (!err && pk == P_GOOD && n < 0)
			violation("FIONREAD gave %d", n);
		break;
	}
	case 5: {
		/* Commands that are not ours, or ours with the wrong direction. */
		static const unsigned long cmds[] = {
			_IO(CLUSNOTIFY_IOC_MAGIC, 0x0b),
			_IOR(CLUSNOTIFY_IOC_MAGIC, 0x01, struct clusnotify_add_filters),
			_IOR(CLUSNOTIFY_IOC_MAGIC, 0x03, struct clusnotify_unregister),
			_IOW(CLUSNOTIFY_IOC_MAGIC, 0x08, struct clusnotify_port_stats),
			_IO(CLUSNOTIFY_IOC_MAGIC, 0x02),
			_IOWR(CLUSNOTIFY_IOC_MAGIC, 0x06, int),
			_IOWR(CLUSNOTIFY_IOC_MAGIC, 0xff, int),
			_IO(CLUSNOTIFY_IOC_MAGIC + 1, 0x01),
			0x5401 /* TCGETS */, 0,
		};
		unsigned long c = cmds[rn(sizeof(cmds) / sizeof(cmds[0]))];

		if (pm(300))
			c = (rnd() & 0xffffffffUL & ~(0xffUL << 8)) | (0xcbUL << 8);
		/* a random number may hit a real command: not asserted */
		opdesc("ioctl(port %d, %#lx)", p->fd, c);
		memset(argbuf, 0, 64);
		err = ioctl(p->fd, c, argbuf) < 0 ? errno : 0;
		if (p->shut && err != ESHUTDOWN)
			violation("ioctl %#lx on a shut port: %s", c, ename(err));
		if (c == 0x5401 || ((c >> 8) & 0xff) != CLUSNOTIFY_IOC_MAGIC ||
		    ((c & 0xff) > 0x0a || !(c & 0xff))) {
			if (!err)
				violation("ioctl %#lx is not a command but succeeded", c);
			check(err, E_BOGUS, "bogus ioctl");
		} else {
			check(err, E_ANYIOC, "ioctl");
		}
		/* a random number can be SHUTDOWN's: the size bits are ignored */
		if (!err && (c & ~((unsigned long)_IOC_SIZEMASK << _IOC_SIZESHIFT)) ==
			    CLUSNOTIFY_IOC_SHUTDOWN)
			p->shut = true;
		break;
	}
	case 6: {
		struct pollfd pf = { .fd = p->fd, .events = POLLIN | POLLOUT | POLLPRI };

		opdesc("poll(port %d)", p->fd);
		if (poll(&pf, 1, 0) < 0)
			violation("poll: errno %d", errno);
		if (pf.revents & ~(POLLIN | POLLRDNORM | POLLHUP | POLLERR))
			violation("poll: revents %#x", pf.revents);
		if (p->shut && !(pf.revents & POLLHUP))
			violation("poll on a shut port: revents %#x, no POLLHUP", pf.revents);
		break;
	}
	default: {
		struct epoll_event evs[8];

		opdesc("epoll_wait");
		if (epoll_wait(epfd, evs, 8, 0) < 0)
			violation("epoll_wait: errno %d", errno);
		break;
	}
	}
}

static void op_read(void)
{
	struct port *p = port_get();
	unsigned char *buf = arena;
	size_t len;
	enum ptrkind pk = P_GOOD;
	void *ptr = buf;
	ssize_t n;

	if (!p)
		return;
	/* A blocking port is read only when poll says so. */
	if (!(fcntl(p->fd, F_GETFL) & O_NONBLOCK) && !p->shut) {
		struct pollfd pf = { .fd = p->fd, .events = POLLIN };

		if (poll(&pf, 1, 0) != 1)
			return;
	}
	switch (rn(10)) {
	case 0: len = rn(64); break;
	case 1: len = rn(1024); break;
	case 2: len = CLUSNOTIFY_RECORD_MAX; break;
	case 3: len = 1 + rn(CN_BUF); ptr = mut_ptr(buf, len, &pk); break;
	default: len = CN_BUF; break;
	}
	opdesc("read(port %d, %zu, %s)", p->fd, len, pk == P_GOOD ? "ok" : "bad-ptr");
	n = read(p->fd, ptr, len);
	if (p->shut) {
		/* read() refuses a buffer outside user space before the port sees it */
		if (n >= 0 || (errno != ESHUTDOWN && !(errno == EFAULT && pk != P_GOOD)))
			violation("read on a shut port: %zd (%s)", n, n < 0 ? ename(errno) : "-");
		return;
	}
	if (n < 0) {
		check(errno, E_READ, "read");
		return;
	}
	if ((size_t)n > len)
		violation("read returned %zd > %zu", n, len);
	if (pk == P_GOOD)
		check_records(p, buf, n, "read");
	/* else: records went to a straddling buffer, partly: not parsed */
}

/* ---- readers under shutdown and close --------------------------------- */

struct reader {
	int fd;
	struct port *p;
	int mode;	/* 0: blocking read until error; 1: one poll */
	int final;
	unsigned char buf[CN_BUF];
};

static void *reader_main(void *arg)
{
	struct reader *r = arg;

	if (r->mode == 1) {
		struct pollfd pf = { .fd = r->fd, .events = POLLIN };

		poll(&pf, 1, 100);
		r->final = 0;
		return NULL;
	}
	for (;;) {
		ssize_t n = read(r->fd, r->buf, sizeof(r->buf));

		if (n < 0) {
			r->final = errno;
			return NULL;
		}
		/* check_records is not thread-safe with the main thread's use of
		 * recs: the main thread only waits meanwhile. */
		check_records(r->p, r->buf, n, "blocked read");
	}
}

/*
 * A fresh blocking port that watches a known cluster; a thread blocks on
 * it in read() (or poll()); meanwhile the port is shut down, closed under
 * a dup, or closed outright.
 */
static void op_under_reader(void)
{
	static struct reader r;
	static struct port rp;
	struct clusnotify_filter f = { .object_type = CLUSNOTIFY_OBJ_CLUSTER,
				       .flags = CLUSNOTIFY_CLUSTER_ALL };
	pthread_t th;
	int fd, how = rn(3), err;
	uint32_t cid = gen_cid();
	uint64_t key = gen_key();

	r.mode = chance(25);
	opdesc("under-reader(mode %s, how %d, cluster %u)", r.mode ? "poll" : "read", how, cid);
	fd = cn_open(0);
	if (fd < 0) {
		check(errno, E_OPEN, "open");
		return;
	}
	port_reset(&rp);
	rp.fd = fd;
	err = cn_add_filters(fd, cid, key, &f, 1);
	check(-err, E_ADD, "ADD_FILTERS");
	if (!err)
		port_log(&rp, cid, key, f.object_type, f.flags, NULL);
	/* The reader's own descriptor: closing fd leaves the port to it. */
	r.fd = dup(fd);
	r.p = &rp;
	r.final = -1;
	if (r.fd < 0 || pthread_create(&th, NULL, reader_main, &r))
		setup_fail("dup, pthread_create");
	usleep(rn(3000));
	switch (how) {
	case 0:	/* shut down under the reader */
		err = cn_shutdown(fd);
		check(-err, E_SHUT, "SHUTDOWN under a reader");
		rp.shut = true;
		pthread_join(th, NULL);
		close(fd);
		break;
	case 1:	/* close one descriptor; shut down through the reader's */
		close(fd);
		err = cn_shutdown(r.fd);
		check(-err, E_SHUT, "SHUTDOWN under a reader");
		pthread_join(th, NULL);
		break;
	default: /* close a descriptor while the thread polls or reads */
		close(fd);
		if (r.mode == 0) {
			err = cn_shutdown(r.fd);
			check(-err, E_SHUT, "SHUTDOWN under a reader");
		}
		pthread_join(th, NULL);
		break;
	}
	close(r.fd);
	if (r.mode == 0 && r.final != ESHUTDOWN)
		violation("a reader blocked in read() when the port shut down got %s",
			  r.final < 0 ? "nothing" : ename(r.final));
}

/* ---- LIST -------------------------------------------------------------- */

static void op_list(bool objects)
{
	struct clusnotify_list_clusters *lc = (void *)argbuf;
	struct clusnotify_list_objects *lo = (void *)argbuf;
	size_t ver0 = objects ? CLUSNOTIFY_OBJECT_ENTRY_SIZE_VER0 :
				CLUSNOTIFY_CLUSTER_ENTRY_SIZE_VER0;
	size_t ksz = objects ? sizeof(*lo) : sizeof(*lc);
	struct port *p = port_get();
	uint32_t count, esize, cid = 0, type = 0, usize, got, prev_id = 0;
	bool bad = false, walk = chance(30);
	uint64_t cursor = 0;
	enum sizekind sk;
	enum ptrkind pk, ek;
	int calls = 0, err;
	int32_t prev_type = -1;
	const char *name = objects ? "LIST_OBJECTS" : "LIST_CLUSTERS";

	if (!p)
		return;
	if (objects) {
		cid = gen_cid();
		type = chance(40) ? CLUSNOTIFY_OBJ_NONE : gen_type();
	}
	do {
		void *entries;

		count = chance(70) ? 1 + rn(16) : chance(50) ? 1 + rn(300) : 0;
		esize = ver0;
		if (chance(20))
			esize = (ver0 + 7 + 8 * rn((4096 - ver0) / 8 + 1)) & ~7U;
		if (esize > 4096)
			esize = ver0;
		if (pm(60)) {
			esize = pm(300) ? rn(ver0) : pm(300) ? 4104 : ver0 + 1 + 2 * rn(3);
			BAD(&bad);
		}
		if (!count)
			BAD(&bad);
		memset(argbuf, 0, ksz);
		entries = arena;
		if (!bad && chance(5))
			entries = mut_ptr(arena, esize, &ek);
		else
			ek = P_GOOD;
		{
			size_t span = (size_t)(count < 256 ? count : 256) * esize;

			if (span + 8 > ARENA)
				span = ARENA - 8;
			memset(arena + span, 0x5a, 8);
		}
		if (objects) {
			lo->flags = pm(20) ? (BAD(&bad), 1U << rn(32)) : 0;
			lo->cluster_id = cid;
			lo->object_type = type;
			lo->count = count;
			lo->entry_size = esize;
			lo->cursor = cursor;
			lo->entries = (uintptr_t)entries;
			lo->out_flags = 0xdead;
			lo->reserved = pm(20) ? (BAD(&bad), 7) : 0;
		} else {
			lc->flags = pm(20) ? (BAD(&bad), 1U << rn(32)) : 0;
			lc->count = count;
			lc->entry_size = esize;
			lc->cursor = cursor;
			lc->entries = (uintptr_t)entries;
			lc->out_flags = 0xdead;
			lc->reserved = pm(20) ? (BAD(&bad), 7) : 0;
		}
		if (!walk && pm(10)) {
			cursor = rnd();	/* opaque: EINVAL or some position */
			if (objects)
				lo->cursor = cursor;
			else
				lc->cursor = cursor;
		}
		usize = walk ? ksz : gen_size(argbuf, ksz, ksz, &sk);
		if (walk)
			sk = S_EXACT, memset(argbuf + ksz, 0, 64);
		opdesc("%s(port %d, size %u, cluster %u, type %#x, count %u, entry_size %u, cursor %#llx%s%s)",
		       name, p->fd, usize, cid, type, count, esize,
		       (unsigned long long)cursor, walk ? ", walk" : "",
		       bad ? ", invalid" : "");
		err = do_ioctl(p, objects ? CLUSNOTIFY_IOC_LIST_OBJECTS :
			       CLUSNOTIFY_IOC_LIST_CLUSTERS, ksz, usize, sk, bad,
			       E_LIST, name, &pk);
		if (err || pk != P_GOOD || ek != P_GOOD)
			return;
		got = objects ? lo->count : lc->count;
		if (got > count || got > CLUSNOTIFY_LIST_MAX)
			violation("%s: wrote %u entries for count %u", name, got, count);
		{
			uint32_t of = objects ? lo->out_flags : lc->out_flags;

			if (of & ~CLUSNOTIFY_LIST_END)
				violation("%s: out_flags %#x", name, of);
			if (!got && (objects ? lo->cursor : lc->cursor) != cursor)
				violation("%s: wrote nothing but moved the cursor", name);
			if (memcmp(arena + (size_t)got * esize, "\x5a\x5a\x5a\x5a\x5a\x5a\x5a\x5a", 8) &&
			    (size_t)(count < 256 ? count : 256) * esize + 8 <= ARENA &&
			    got == (count < 256 ? count : 256))
				violation("%s: wrote past the entries", name);
			for (uint32_t i = 0; i < got; i++) {
				unsigned char *e = arena + (size_t)i * esize;
				size_t es = objects ? sizeof(struct clusnotify_object_entry) :
						      sizeof(struct clusnotify_cluster_entry);

				for (size_t b = es; b < esize; b++)
					if (e[b])
						violation("%s: entry %u: byte %zu past the entry is not zero",
							  name, i, b);
				if (objects) {
					struct clusnotify_object_entry *oe = (void *)e;

					if (!type_all(oe->object_type) ||
					    (type && oe->object_type != type) ||
					    !memchr(oe->id, 0, sizeof(oe->id)) ||
					    !memchr(oe->name, 0, sizeof(oe->name)) ||
					    !memchr(oe->parent_id, 0, sizeof(oe->parent_id)) ||
					    !memchr(oe->type_name, 0, sizeof(oe->type_name)))
						violation("%s: entry %u malformed (type %u)", name,
							  i, oe->object_type);
					if (walk && (int32_t)oe->object_type < prev_type)
						violation("%s: type %u after type %d", name,
							  oe->object_type, prev_type);
					prev_type = oe->object_type;
				} else {
					struct clusnotify_cluster_entry *ce = (void *)e;

					if (!ce->cluster_id ||
					    (ce->state != CLUSNOTIFY_CLUSTER_CONNECTED &&
					     ce->state != CLUSNOTIFY_CLUSTER_DISCONNECTED) ||
					    !memchr(ce->name, 0, sizeof(ce->name)) || ce->reserved)
						violation("%s: entry %u malformed (id %u state %u)",
							  name, i, ce->cluster_id, ce->state);
					if (ce->cluster_id <= prev_id && (walk || i))
						violation("%s: id %u after id %u", name,
							  ce->cluster_id, prev_id);
					prev_id = ce->cluster_id;
					learn(ce->cluster_id, ce->name);
				}
			}
			cursor = objects ? lo->cursor : lc->cursor;
			if (of & CLUSNOTIFY_LIST_END)
				break;
		}
	} while (walk && ++calls < 64 && !bad);
}

/* ---- netlink ---------------------------------------------------------- */

struct mb {
	size_t len;
	bool mut;	/* attribute mutations allowed */
	bool mutated;	/* one was made: the outcome is not predicted */
	bool full;
	unsigned char buf[MBMAX];
};

static struct mb mbuf;
static unsigned char rbuf[256 * 1024] __attribute__((aligned(8)));

static struct nlmsghdr *mb_hdr(struct mb *m)
{
	return (struct nlmsghdr *)m->buf;
}

static void mb_init(struct mb *m, uint16_t type, uint8_t cmd, uint16_t flags)
{
	struct genlmsghdr *g = (struct genlmsghdr *)(m->buf + NLMSG_HDRLEN);

	memset(m->buf, 0, NLMSG_HDRLEN + GENL_HDRLEN);
	mb_hdr(m)->nlmsg_type = type;
	mb_hdr(m)->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK | flags;
	g->cmd = cmd;
	g->version = CLUSNOTIFY_GENL_VERSION;
	m->len = NLMSG_HDRLEN + GENL_HDRLEN;
	m->mut = false;
	m->mutated = false;
	m->full = false;
}

static struct nlattr *raw_put(struct mb *m, uint16_t type, const void *d,
			      size_t len)
{
	struct nlattr *a;

	if (m->len + NLA_HDRLEN + NLA_ALIGN(len) + 64 > MBMAX) {
		m->full = true;
		return NULL;
	}
	a = (struct nlattr *)(m->buf + m->len);
	a->nla_type = type;
	a->nla_len = NLA_HDRLEN + len;
	if (len)
		memcpy((unsigned char *)a + NLA_HDRLEN, d, len);
	memset((unsigned char *)a + NLA_HDRLEN + len, 0, NLA_ALIGN(len) - len);
	m->len += NLA_ALIGN(a->nla_len);
	return a;
}

/* An attribute, sometimes mutated: duplicated, preceded by an unknown one,
 * cut short, flagged nested, or left out. */
static void put(struct mb *m, uint16_t type, const void *d, size_t len)
{
	if (m->mut && pm(15)) {
		m->mutated = true;
		switch (rn(5)) {
		case 0:
			raw_put(m, type, d, len);
			break;
		case 1:
			raw_put(m, 20 + rn(200), d, len);
			break;
		case 2:
			len = len ? rn(len) : 0;
			break;
		case 3:
			type |= NLA_F_NESTED;
			break;
		default:
			return;
		}
	}
	raw_put(m, type, d, len);
}

static void put_u32(struct mb *m, uint16_t type, uint32_t v)
{
	put(m, type, &v, sizeof(v));
}

static void put_u64(struct mb *m, uint16_t type, uint64_t v)
{
	put(m, type, &v, sizeof(v));
}

/* A string attribute: as given with its NUL, or (mutated) without one. */
static void put_str(struct mb *m, uint16_t type, const char *s, bool *bad)
{
	size_t n = strlen(s);

	if (m->mut && pm(15)) {
		BAD(bad);
		put(m, type, s, n);
		return;
	}
	put(m, type, s, n + 1);
}

static struct nlattr *nest(struct mb *m, uint16_t type)
{
	return raw_put(m, type | NLA_F_NESTED, NULL, 0);
}

static void nest_end(struct mb *m, struct nlattr *a)
{
	size_t len;

	if (!a)
		return;
	len = m->buf + m->len - (unsigned char *)a;
	if (len > 0xffff)
		m->mutated = true;	/* nla_len wraps: garbage, not predicted */
	a->nla_len = len;
}

typedef void (*attr_cb)(uint16_t type, const unsigned char *d, int len, void *arg);

static void each_attr(const unsigned char *p, int len, attr_cb cb, void *arg)
{
	while (len >= NLA_HDRLEN) {
		const struct nlattr *a = (const void *)p;

		if (a->nla_len < NLA_HDRLEN || a->nla_len > len)
			violation("netlink reply: attribute length %u of %d", a->nla_len, len);
		cb(a->nla_type & NLA_TYPE_MASK, p + NLA_HDRLEN, a->nla_len - NLA_HDRLEN, arg);
		len -= NLA_ALIGN(a->nla_len);
		p += NLA_ALIGN(a->nla_len);
	}
}

typedef void (*msg_cb)(const struct nlmsghdr *h, void *arg);

/*
 * Sends the message and collects the answer: the data messages (to cb),
 * then the ACK, the error, or a dump's DONE. Returns 0 or -errno; the
 * socket has a receive timeout, and no answer within it is a violation.
 */
static int nl_transact(struct nls *s, struct mb *m, msg_cb cb, void *arg)
{
	struct nlmsghdr *h = mb_hdr(m);
	uint32_t seq = ++s->seq;

	h->nlmsg_len = m->len;
	h->nlmsg_seq = seq;
	if (send(s->fd, m->buf, m->len, 0) < 0) {
		if (errno == ENOBUFS || errno == ENOMEM)
			return -errno;
		violation("netlink send: errno %d (%s)", errno, ename(errno));
	}
	for (;;) {
		ssize_t n = recv(s->fd, rbuf, sizeof(rbuf), 0);
		struct nlmsghdr *r;

		if (n < 0) {
			if (errno == EAGAIN)
				violation("netlink: no answer within the timeout");
			if (errno == ENOBUFS || errno == EINTR)
				continue;
			violation("netlink recv: errno %d (%s)", errno, ename(errno));
		}
		for (r = (void *)rbuf; NLMSG_OK(r, n); r = NLMSG_NEXT(r, n)) {
			if (r->nlmsg_seq != seq)
				continue;	/* an answer to an earlier junk message */
			if (r->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(r);

				return e->error;
			}
			if (r->nlmsg_type == NLMSG_DONE) {
				int err = 0;

				if (r->nlmsg_len >= NLMSG_LENGTH(sizeof(int)))
					memcpy(&err, NLMSG_DATA(r), sizeof(int));
				return err;
			}
			if (cb)
				cb(r, arg);
		}
	}
}

static void attrs_of(const struct nlmsghdr *h, attr_cb cb, void *arg)
{
	const unsigned char *p = NLMSG_DATA(h);
	int len = h->nlmsg_len - NLMSG_HDRLEN;

	if (len < (int)GENL_HDRLEN)
		violation("netlink reply of %d bytes", len);
	each_attr(p + GENL_HDRLEN, len - GENL_HDRLEN, cb, arg);
}

struct fam {
	uint16_t id;
	bool groups;
};

static void on_fam_attr(uint16_t type, const unsigned char *d, int len, void *arg)
{
	struct fam *f = arg;

	if (type == CTRL_ATTR_FAMILY_ID && len >= 2)
		memcpy(&f->id, d, 2);
	if (type == CTRL_ATTR_MCAST_GROUPS)
		f->groups = true;
}

static void on_fam(const struct nlmsghdr *h, void *arg)
{
	attrs_of(h, on_fam_attr, arg);
}

static int nl_socket(void)
{
	struct timeval tv = { .tv_sec = 60 };
	int fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_GENERIC);
	int one = 1, big = 1 << 20;

	if (fd < 0)
		return -1;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDBUF, &big, sizeof(big));
	setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &big, sizeof(big));
	setsockopt(fd, SOL_NETLINK, NETLINK_EXT_ACK, &one, sizeof(one));
	return fd;
}

static int resolve_family(void)
{
	struct nls s = { .fd = nl_socket() };
	struct fam f = { 0, false };
	bool bad = false;
	int err;

	if (s.fd < 0)
		return -errno;
	mb_init(&mbuf, GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 0);
	put_str(&mbuf, CTRL_ATTR_FAMILY_NAME, CLUSNOTIFY_GENL_NAME, &bad);
	err = nl_transact(&s, &mbuf, on_fam, &f);
	close(s.fd);
	if (err)
		return err;
	fam_id = f.id;
	/* A multicast group would make every post walk its listeners. */
	if (f.groups)
		violation("the family has multicast groups");
	return fam_id ? 0 : -ENOENT;
}

static struct nls *sock_get(void)
{
	struct nls *s = &socks[rn(NSOCKS)];

	if (s->fd >= 0)
		return s;
	s->fd = nl_socket();
	if (s->fd < 0)
		violation("netlink socket: errno %d", errno);
	return s;
}

/*
 * Checks a command's answer: the errno set; from a user without
 * CAP_NET_ADMIN over the namespace, EPERM for every command the family has;
 * no success for what the header says must fail.
 */
static void nl_check(int err, bool must_fail, bool real_cmd, const char *what)
{
	check(-err, real_cmd && !strcmp(what, "CLUSTER_REGISTER") ? E_NLREG : E_NL, what);
	if (!nl_admin && real_cmd && err != -EPERM)
		violation("%s from a user without CAP_NET_ADMIN: %s, not EPERM", what,
			  err ? ename(-err) : "success");
	if (!err && must_fail)
		violation("%s: succeeded with a message the header says is invalid (cnfuzz.c:%d)",
			  what, bad_line);
}

static void on_reg_attr(uint16_t type, const unsigned char *d, int len, void *arg)
{
	if (type == CLUSNOTIFY_A_CLUSTER_ID && len == 4)
		memcpy(arg, d, 4);
}

static void on_reg(const struct nlmsghdr *h, void *arg)
{
	attrs_of(h, on_reg_attr, arg);
}

/* A cluster name attribute; sets *bad for one the module must refuse. */
static void put_cluster_name(struct mb *m, bool *bad, char *out, size_t outlen)
{
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX + 16];
	unsigned int r = rn(1000);

	name_from_pool(name, sizeof(name));
	if (r < 15) {
		memset(name + 4, 'L', CLUSNOTIFY_CLUSTER_NAME_MAX - 5);
		name[CLUSNOTIFY_CLUSTER_NAME_MAX - 1] = 0;	/* 63: the longest */
	} else if (r < 30) {
		memset(name + 4, 'L', CLUSNOTIFY_CLUSTER_NAME_MAX - 4);
		name[CLUSNOTIFY_CLUSTER_NAME_MAX] = 0;	/* 64: one too long */
		BAD(bad);
	} else if (r < 45) {
		strcat(name, "\xff\xfe");
		BAD(bad);
	} else if (r < 55) {
		name[0] = 0;
	}
	snprintf(out, outlen, "%s", name);
	put_str(m, CLUSNOTIFY_A_CLUSTER_NAME, name, bad);
}

static void op_nl_register(void)
{
	struct nls *s = sock_get();
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX + 16];
	uint32_t id = 0;
	bool bad = false;
	int err;

	mb_init(&mbuf, fam_id, CLUSNOTIFY_CMD_CLUSTER_REGISTER, 0);
	mbuf.mut = chance(10);
	put_cluster_name(&mbuf, &bad, name, sizeof(name));
	opdesc("CLUSTER_REGISTER(sock %d, \"%.24s\"%s%s)", s->fd, name,
	       bad ? ", invalid" : "", mbuf.mutated ? ", mutated" : "");
	err = nl_transact(s, &mbuf, on_reg, &id);
	nl_check(err, bad && !mbuf.mutated, true, "CLUSTER_REGISTER");
	if (err)
		return;
	if (!id)
		violation("CLUSTER_REGISTER: no CLUSTER_ID in the reply");
	learn(id, name);
}

static void op_nl_unregister(void)
{
	struct nls *s = sock_get();
	uint32_t cid = gen_cid();
	int err;

	mb_init(&mbuf, fam_id, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, 0);
	mbuf.mut = chance(10);
	if (!pm(50))
		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, cid);
	opdesc("CLUSTER_UNREGISTER(sock %d, %u%s)", s->fd, cid, mbuf.mutated ? ", mutated" : "");
	err = nl_transact(s, &mbuf, NULL, NULL);
	nl_check(err, false, true, "CLUSTER_UNREGISTER");
}

struct dump_state {
	uint32_t prev_id;
	uint32_t prev_type;
	char prev_oid[CLUSNOTIFY_ID_MAX];
	int n;
	bool objects;
	uint32_t cur_id, cur_state, cur_type;
	char cur_name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	char cur_oid[CLUSNOTIFY_ID_MAX];
	bool has_oid;
};

static void on_obj_attr(uint16_t type, const unsigned char *d, int len, void *arg)
{
	struct dump_state *ds = arg;

	if (type == CLUSNOTIFY_OBJ_A_TYPE && len == 4)
		memcpy(&ds->cur_type, d, 4);
	if (type == CLUSNOTIFY_OBJ_A_ID && len > 0 && len <= CLUSNOTIFY_ID_MAX) {
		if (d[len - 1])
			violation("OBJECT_GET: an id without its NUL");
		memcpy(ds->cur_oid, d, len);
		ds->has_oid = true;
	}
}

static void on_dump_attr(uint16_t type, const unsigned char *d, int len, void *arg)
{
	struct dump_state *ds = arg;

	if (type == CLUSNOTIFY_A_CLUSTER_ID && len == 4)
		memcpy(&ds->cur_id, d, 4);
	if (type == CLUSNOTIFY_A_CLUSTER_STATE && len == 4)
		memcpy(&ds->cur_state, d, 4);
	if (type == CLUSNOTIFY_A_CLUSTER_NAME && len > 0 && len <= CLUSNOTIFY_CLUSTER_NAME_MAX) {
		if (d[len - 1])
			violation("CLUSTER_GET: a name without its NUL");
		memcpy(ds->cur_name, d, len);
	}
	if (type == CLUSNOTIFY_A_OBJECT)
		each_attr(d, len, on_obj_attr, ds);
}

static void on_dump(const struct nlmsghdr *h, void *arg)
{
	struct dump_state *ds = arg;

	ds->cur_id = 0;
	ds->cur_state = 0;
	ds->cur_name[0] = 0;
	ds->has_oid = false;
	ds->cur_type = 0;
	attrs_of(h, on_dump_attr, ds);
	ds->n++;
	if (ds->objects) {
		if (!ds->has_oid || !type_all(ds->cur_type))
			violation("OBJECT_GET: an object without an id or a valid type");
		if (ds->n > 1 && (ds->cur_type < ds->prev_type ||
				  (ds->cur_type == ds->prev_type &&
				   strcmp(ds->cur_oid, ds->prev_oid) <= 0)))
			violation("OBJECT_GET dump: (%u, \"%s\") after (%u, \"%s\")",
				  ds->cur_type, ds->cur_oid, ds->prev_type, ds->prev_oid);
		ds->prev_type = ds->cur_type;
		memcpy(ds->prev_oid, ds->cur_oid, sizeof(ds->prev_oid));
		return;
	}
	if (!ds->cur_id || (ds->cur_state != CLUSNOTIFY_CLUSTER_CONNECTED &&
			    ds->cur_state != CLUSNOTIFY_CLUSTER_DISCONNECTED))
		violation("CLUSTER_GET: id %u state %u", ds->cur_id, ds->cur_state);
	if (ds->n > 1 && ds->cur_id <= ds->prev_id && ds->prev_id)
		violation("CLUSTER_GET dump: id %u after %u", ds->cur_id, ds->prev_id);
	ds->prev_id = ds->cur_id;
	learn(ds->cur_id, ds->cur_name);
}

static void op_nl_get(bool objects)
{
	struct nls *s = sock_get();
	static struct dump_state ds;
	bool dump = objects || chance(50);
	uint32_t cid = gen_cid();
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX + 16];
	bool bad = false;
	int err;

	memset(&ds, 0, sizeof(ds));
	ds.objects = objects;
	mb_init(&mbuf, fam_id, objects ? CLUSNOTIFY_CMD_OBJECT_GET : CLUSNOTIFY_CMD_CLUSTER_GET,
		dump ? NLM_F_DUMP : 0);
	mbuf.mut = chance(10);
	if (objects || (!dump && chance(50)) || (dump && pm(100)))
		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, cid);
	else if (!dump)
		put_cluster_name(&mbuf, &bad, name, sizeof(name));
	if (dump && !objects)
		ds.objects = false;
	opdesc("%s(sock %d, %s, cluster %u%s)", objects ? "OBJECT_GET" : "CLUSTER_GET",
	       s->fd, dump ? "dump" : "do", cid, mbuf.mutated ? ", mutated" : "");
	err = nl_transact(s, &mbuf, on_dump, &ds);
	nl_check(err, false, true, objects ? "OBJECT_GET" : "CLUSTER_GET");
}

static void put_object(struct mb *m, bool del, bool *bad, bool small)
{
	struct nlattr *o = nest(m, CLUSNOTIFY_A_OBJECT);
	uint32_t type = pm(20) ? (BAD(bad), 0) : gen_type();
	char s[CLUSNOTIFY_NAME_MAX + 8];

	if (!type_all(type))	/* "object type takes no events" */
		BAD(bad);
	if (!pm(20))
		put_u32(m, CLUSNOTIFY_OBJ_A_TYPE, type);
	else
		BAD(bad);
	gen_str(s, CLUSNOTIFY_ID_MAX, "o", bad);
	if (!s[0])
		BAD(bad);	/* "object id is empty" */
	if (!pm(20))
		put_str(m, CLUSNOTIFY_OBJ_A_ID, s, bad);
	else
		BAD(bad);
	if (!del && !small) {
		if (chance(50)) {
			gen_str(s, chance(90) ? 64 : CLUSNOTIFY_NAME_MAX, "n", bad);
			put_str(m, CLUSNOTIFY_OBJ_A_NAME, s, bad);
		}
		if (chance(30)) {
			gen_str(s, CLUSNOTIFY_ID_MAX, "o", bad);
			put_str(m, CLUSNOTIFY_OBJ_A_PARENT_ID, s, bad);
		}
		if (chance(20)) {
			gen_str(s, CLUSNOTIFY_TYPE_NAME_MAX, "t", bad);
			put_str(m, CLUSNOTIFY_OBJ_A_TYPE_NAME, s, bad);
		}
		if (chance(50))
			put_u32(m, CLUSNOTIFY_OBJ_A_STATE, rn(5) - 1);
	}
	nest_end(m, o);
}

static void op_nl_objects(bool del)
{
	struct nls *s = sock_get();
	uint32_t cid = gen_cid(), n;
	struct nlattr *objs;
	bool bad = false;
	int err, where;

	switch (rn(40)) {
	case 0: n = CLUSNOTIFY_OBJECTS_MAX; break;
	case 1: n = CLUSNOTIFY_OBJECTS_MAX + 1; BAD(&bad); break;
	case 2: n = 0; BAD(&bad); break;
	default: n = 1 + rn(8); break;
	}
	mb_init(&mbuf, fam_id, del ? CLUSNOTIFY_CMD_OBJECT_DEL : CLUSNOTIFY_CMD_OBJECT_SET, 0);
	mbuf.mut = chance(10);
	/* CLUSTER_ID before or after OBJECTS (the order is free), or missing */
	where = rn(20);
	if (where < 10)
		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, cid);
	objs = nest(&mbuf, CLUSNOTIFY_A_OBJECTS);
	for (uint32_t i = 0; i < n && !mbuf.full; i++)
		put_object(&mbuf, del, &bad, n > 8);
	nest_end(&mbuf, objs);
	if (where >= 10 && where < 19)
		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, cid);
	if (where == 19)
		BAD(&bad);
	opdesc("%s(sock %d, cluster %u, %u objects%s%s)", del ? "OBJECT_DEL" : "OBJECT_SET",
	       s->fd, cid, n, bad ? ", invalid" : "", mbuf.mutated ? ", mutated" : "");
	err = nl_transact(s, &mbuf, NULL, NULL);
	nl_check(err, bad && !mbuf.mutated && !mbuf.full, true,
		 del ? "OBJECT_DEL" : "OBJECT_SET");
}

static void put_event(struct mb *m, bool *bad, bool small)
{
	struct nlattr *e = nest(m, CLUSNOTIFY_A_EVENT);
	uint32_t type = gen_type();
	uint64_t flag = gen_flag(type, bad);
	char s[CLUSNOTIFY_NAME_MAX + 8];
	bool id_bad = false;

	if (pm(20))
		BAD(bad);
	else
		put_u32(m, CLUSNOTIFY_EV_A_OBJ_TYPE, type);
	if (pm(20))
		BAD(bad);
	else
		put_u64(m, CLUSNOTIFY_EV_A_FLAG, flag);
	if (type != CLUSNOTIFY_OBJ_CLUSTER || chance(30)) {
		if (!pm(20)) {
			gen_str(s, CLUSNOTIFY_ID_MAX, "o", &id_bad);
			put_str(m, CLUSNOTIFY_EV_A_OBJ_ID, s, &id_bad);
		} else if (type != CLUSNOTIFY_OBJ_CLUSTER) {
			BAD(bad);
		}
	}
	if (id_bad)
		BAD(bad);
	if (!small && chance(10)) {
		gen_str(s, CLUSNOTIFY_NAME_MAX, "n", bad);
		put_str(m, CLUSNOTIFY_EV_A_NAME, s, bad);
	}
	if (!small && chance(10)) {
		gen_str(s, CLUSNOTIFY_ID_MAX, "o", bad);
		put_str(m, CLUSNOTIFY_EV_A_PARENT_ID, s, bad);
	}
	if (!small && chance(5)) {
		gen_str(s, CLUSNOTIFY_TYPE_NAME_MAX, "t", bad);
		put_str(m, CLUSNOTIFY_EV_A_TYPE_NAME, s, bad);
	}
	if (chance(30)) {
		uint32_t len = chance(60) ? 4 : small ? rn(64) : rn(CLUSNOTIFY_PAYLOAD_MAX + 1);
		static unsigned char pl[CLUSNOTIFY_PAYLOAD_MAX + 8];

		if (!small && pm(20)) {
			len = CLUSNOTIFY_PAYLOAD_MAX + 1 + rn(8);
			BAD(bad);
		}
		for (uint32_t i = 0; i < len; i += 8)
			*(uint64_t *)(pl + i) = rnd();
		if (len == 4)
			*(int32_t *)pl = rn(5) - 1;
		put(m, CLUSNOTIFY_EV_A_PAYLOAD, pl, len);
	}
	if (pm(20)) {
		put_u64(m, CLUSNOTIFY_EV_A_SEQ, rnd());	/* multicast only */
		BAD(bad);
	}
	nest_end(m, e);
}

/*
 * A run: 2 to 32 valid events of one postable (type, flag) about a few
 * objects of a known cluster, as a daemon batches a failover. Random posts
 * seldom hold two such events in a row (cn_filter_match_run() queues those
 * port by port), and most carry some bad event and are refused whole.
 */
static void nl_post_run(struct nls *s)
{
	uint32_t cid = known[rn(nknown)].id, n = 2 + rn(31), type;
	struct nlattr *evs, *e;
	int err, tries = 0;
	uint64_t flag;
	char id[16];
	bool bad;

	do {
		bad = false;
		type = gen_type();
		flag = gen_flag(type, &bad);
	} while (bad && ++tries < 16);
	if (bad)
		return;
	mb_init(&mbuf, fam_id, CLUSNOTIFY_CMD_EVENT_POST, 0);
	put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, cid);
	evs = nest(&mbuf, CLUSNOTIFY_A_EVENTS);
	for (uint32_t i = 0; i < n; i++) {
		e = nest(&mbuf, CLUSNOTIFY_A_EVENT);
		put_u32(&mbuf, CLUSNOTIFY_EV_A_OBJ_TYPE, type);
		put_u64(&mbuf, CLUSNOTIFY_EV_A_FLAG, flag);
		snprintf(id, sizeof(id), "o%u", rn(12));
		put_str(&mbuf, CLUSNOTIFY_EV_A_OBJ_ID, id, &bad);
		nest_end(&mbuf, e);
	}
	nest_end(&mbuf, evs);
	opdesc("EVENT_POST(sock %d, cluster %u, a run of %u events of type %u flag %#llx)",
	       s->fd, cid, n, type, (unsigned long long)flag);
	err = nl_transact(s, &mbuf, NULL, NULL);
	nl_check(err, false, true, "EVENT_POST");
}

static void op_nl_post(void)
{
	struct nls *s = sock_get();
	uint32_t cid = gen_cid(), n;
	struct nlattr *evs;
	bool bad = false, small = false;
	int err;

	if (nknown && chance(20)) {
		nl_post_run(s);
		return;
	}
	switch (rn(60)) {
	case 0: n = CLUSNOTIFY_EVENTS_MAX; small = true; break;
	case 1: n = CLUSNOTIFY_EVENTS_MAX + 1; small = true; BAD(&bad); break;
	case 2: n = 0; BAD(&bad); break;
	default: n = 1 + rn(chance(80) ? 4 : 64); small = n > 8; break;
	}
	mb_init(&mbuf, fam_id, CLUSNOTIFY_CMD_EVENT_POST, 0);
	mbuf.mut = chance(10);
	if (!pm(20))
		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, cid);
	evs = nest(&mbuf, CLUSNOTIFY_A_EVENTS);
	for (uint32_t i = 0; i < n && !mbuf.full; i++)
		put_event(&mbuf, &bad, small);
	nest_end(&mbuf, evs);
	opdesc("EVENT_POST(sock %d, cluster %u, %u events%s%s%s)", s->fd, cid, n,
	       bad ? ", invalid" : "", mbuf.mutated ? ", mutated" : "",
	       mbuf.full ? ", cut" : "");
	err = nl_transact(s, &mbuf, NULL, NULL);
	nl_check(err, bad && !mbuf.mutated && !mbuf.full, true, "EVENT_POST");
}

/*
 * Messages no client would send: unknown commands (CMD_EVENT has no
 * handler), a DUMP flag on a doit command, a version of 0 or 255, attributes
 * from the wrong level, random bytes, a message whose length is cut
 * inside an attribute. The last two get no answer when the netlink header
 * itself is broken.
 */
static void op_nl_junk(void)
{
	struct nls *s = sock_get();
	struct genlmsghdr *g;
	unsigned int r = rn(8);
	uint8_t cmd = rn(2) ? rn(CLUSNOTIFY_CMD_MAX + 3) : rnd();
	bool real = cmd >= CLUSNOTIFY_CMD_CLUSTER_REGISTER && cmd <= CLUSNOTIFY_CMD_EVENT_POST;
	int err;

	mb_init(&mbuf, fam_id, cmd, chance(30) ? NLM_F_DUMP : 0);
	g = (struct genlmsghdr *)(mbuf.buf + NLMSG_HDRLEN);
	if (chance(20))
		g->version = chance(50) ? 0 : 255;
	if (chance(10))
		g->reserved = rnd();
	switch (r) {
	case 0:	/* attributes of an inner level at the top */
		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_STATE, 1);
		put_u64(&mbuf, CLUSNOTIFY_A_PAD, 0);
		break;
	case 1: {	/* random attribute soup */
		int k = 1 + rn(6);

		/* not a registration: a random name would outlive the run */
		if (cmd == CLUSNOTIFY_CMD_CLUSTER_REGISTER)
			g->cmd = cmd = CLUSNOTIFY_CMD_CLUSTER_GET;
		while (k--) {
			unsigned char d[32];

			for (int i = 0; i < 32; i++)
				d[i] = rnd();
			raw_put(&mbuf, rn(CLUSNOTIFY_A_MAX + 3) | (pm(300) ? NLA_F_NESTED : 0),
				d, rn(33));
		}
		break;
	}
	case 2: {	/* a nested array whose members are not nests */
		struct nlattr *a = nest(&mbuf, rn(2) ? CLUSNOTIFY_A_EVENTS : CLUSNOTIFY_A_OBJECTS);

		put_u32(&mbuf, 1 + rn(4), rnd());
		nest_end(&mbuf, a);
		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, gen_cid());
		break;
	}
	case 3: {	/* an attribute whose length runs past the message */
		struct nlattr *a;

		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, gen_cid());
		a = raw_put(&mbuf, CLUSNOTIFY_A_CLUSTER_NAME, "fzjunk", 7);
		if (a)
			a->nla_len = 200 + rn(1000);
		break;
	}
	case 4: {	/* a legitimate message cut short, header fixed up */
		bool bad = false;
		struct nlattr *evs;

		g->cmd = cmd = CLUSNOTIFY_CMD_EVENT_POST;
		real = true;
		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, gen_cid());
		evs = nest(&mbuf, CLUSNOTIFY_A_EVENTS);
		put_event(&mbuf, &bad, false);
		put_event(&mbuf, &bad, false);
		nest_end(&mbuf, evs);
		mbuf.len = NLMSG_HDRLEN + GENL_HDRLEN + rn(mbuf.len - NLMSG_HDRLEN - GENL_HDRLEN);
		break;
	}
	case 5: {	/* a broken netlink header: no answer expected */
		int fl = 0;

		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, gen_cid());
		mb_hdr(&mbuf)->nlmsg_len = rn(2) ? rn(NLMSG_HDRLEN) : mbuf.len + 1 + rn(64);
		mb_hdr(&mbuf)->nlmsg_seq = ++s->seq;
		opdesc("netlink junk: broken header, nlmsg_len %u of %zu",
		       mb_hdr(&mbuf)->nlmsg_len, mbuf.len);
		if (send(s->fd, mbuf.buf, mbuf.len, 0) < 0)
			check(errno, E_NL, "netlink send");
		while (recv(s->fd, rbuf, sizeof(rbuf), MSG_DONTWAIT | fl) > 0)
			;
		return;
	}
	default:	/* no attributes at all */
		break;
	}
	opdesc("netlink junk: kind %u, cmd %u, flags %#x, %zu bytes", r, cmd,
	       mb_hdr(&mbuf)->nlmsg_flags, mbuf.len);
	err = nl_transact(s, &mbuf, NULL, NULL);
	check(-err, E_NL, "netlink junk");
	if (!nl_admin && real && err != -EPERM && err != -EOPNOTSUPP && err != -EINVAL)
		violation("netlink junk from a user without CAP_NET_ADMIN: %s",
			  err ? ename(-err) : "success");
}

static void op_nl_close(void)
{
	struct nls *s = &socks[rn(NSOCKS)];

	if (s->fd < 0)
		return;
	opdesc("close(netlink socket %d): its clusters disconnect", s->fd);
	close(s->fd);
	s->fd = -1;
}

/* What one monitor EVENT message says. */
struct mon_ev {
	uint32_t cid;
	uint64_t seq, epoch;
	bool cid_ok, event, type_ok, flag_ok, seq_ok, epoch_ok;
};

static void on_mon_ev_attr(uint16_t type, const unsigned char *d, int len, void *arg)
{
	struct mon_ev *m = arg;

	if (type == CLUSNOTIFY_EV_A_OBJ_TYPE)
		m->type_ok = len == 4;
	if (type == CLUSNOTIFY_EV_A_FLAG)
		m->flag_ok = len == 8;
	if (type == CLUSNOTIFY_EV_A_SEQ && len == 8) {
		memcpy(&m->seq, d, 8);
		m->seq_ok = true;
	}
	if (type == CLUSNOTIFY_EV_A_EPOCH && len == 8) {
		memcpy(&m->epoch, d, 8);
		m->epoch_ok = true;
	}
}

static void on_mon_attr(uint16_t type, const unsigned char *d, int len, void *arg)
{
	struct mon_ev *m = arg;

	if (type == CLUSNOTIFY_A_CLUSTER_ID && len == 4) {
		memcpy(&m->cid, d, 4);
		m->cid_ok = true;
	}
	if (type == CLUSNOTIFY_A_EVENT) {
		m->event = true;
		each_attr(d, len, on_mon_ev_attr, m);
	}
}

/*
 * The last (epoch, seq) this process's monitor saw per cluster id: within
 * one epoch a cluster's events are mirrored in posting order, so the
 * sequence numbers rise (an overrun drops some, never reorders them); an id
 * used again after an unregister comes with a new epoch.
 */
static struct mon_seen {
	uint32_t cid;
	uint64_t epoch, seq;
} mon_seen[64];

static void mon_check(const struct nlmsghdr *r)
{
	struct mon_ev m = { 0 };
	struct mon_seen *e = &mon_seen[0];
	unsigned int i;

	attrs_of(r, on_mon_attr, &m);
	if (!m.cid_ok || !m.event || !m.type_ok || !m.flag_ok || !m.seq_ok ||
	    !m.epoch_ok)
		violation("monitor: an EVENT without cluster %d, nest %d, type %d, flag %d, seq %d or epoch %d",
			  m.cid_ok, m.event, m.type_ok, m.flag_ok, m.seq_ok, m.epoch_ok);
	if (!m.epoch || !m.seq)
		violation("monitor: cluster %u event with epoch %llu seq %llu", m.cid,
			  (unsigned long long)m.epoch, (unsigned long long)m.seq);
	for (i = 0; i < sizeof(mon_seen) / sizeof(mon_seen[0]); i++) {
		if (mon_seen[i].cid == m.cid) {
			e = &mon_seen[i];
			break;
		}
		if (mon_seen[i].seq < e->seq)
			e = &mon_seen[i];	/* the least advanced goes */
	}
	if (e->cid == m.cid && e->epoch == m.epoch && m.seq <= e->seq)
		violation("monitor: cluster %u epoch %llx: seq %llu after %llu", m.cid,
			  (unsigned long long)m.epoch, (unsigned long long)m.seq,
			  (unsigned long long)e->seq);
	e->cid = m.cid;
	e->epoch = m.epoch;
	e->seq = m.seq;
}

/*
 * A netlink monitor: started, drained (only EVENT messages of our family may
 * come, each with its cluster, epoch and a sequence number that rises),
 * stopped or closed at random.
 */
static void op_monitor(void)
{
	int err;

	if (mon.fd < 0) {
		mon.fd = nl_socket();
		if (mon.fd < 0)
			violation("netlink socket: errno %d", errno);
		opdesc("MONITOR_START");
		mb_init(&mbuf, fam_id, CLUSNOTIFY_CMD_MONITOR_START, 0);
		err = -nl_transact(&mon, &mbuf, NULL, NULL);
		check(err, E_MONITOR, "MONITOR_START");
		if (!nl_admin && !err)
			violation("a user without CAP_NET_ADMIN became a monitor");
		return;
	}
	opdesc("drain the monitor");
	for (int i = 0; i < 64; i++) {
		ssize_t n = recv(mon.fd, rbuf, sizeof(rbuf), MSG_DONTWAIT);
		struct nlmsghdr *r;

		if (n < 0) {
			check(errno, E_NLRECV, "recv on the monitor");
			if (errno == EAGAIN)
				break;
			continue;
		}
		for (r = (void *)rbuf; NLMSG_OK(r, n); r = NLMSG_NEXT(r, n)) {
			struct genlmsghdr *g = NLMSG_DATA(r);

			if (r->nlmsg_type == NLMSG_ERROR && r->nlmsg_seq)
				continue;	/* the answer to our own request */
			if (r->nlmsg_type != fam_id || g->cmd != CLUSNOTIFY_CMD_EVENT)
				violation("monitor: message type %u cmd %u",
					  r->nlmsg_type, g->cmd);
			mon_check(r);
		}
	}
	if (chance(10)) {
		opdesc("MONITOR_STOP");
		mb_init(&mbuf, fam_id, CLUSNOTIFY_CMD_MONITOR_STOP, 0);
		check(-nl_transact(&mon, &mbuf, NULL, NULL), E_MONITOR, "MONITOR_STOP");
	}
	if (chance(10)) {
		close(mon.fd);
		mon.fd = -1;
	}
}

/* ---- the worker ---------------------------------------------------------- */

struct opdef {
	void (*fn)(void);
	unsigned int weight;
};

static void op_list_clusters(void) { op_list(false); }
static void op_list_objects(void) { op_list(true); }
static void op_nl_cluster_get(void) { op_nl_get(false); }
static void op_nl_object_get(void) { op_nl_get(true); }
static void op_nl_object_set(void) { op_nl_objects(false); }
static void op_nl_object_del(void) { op_nl_objects(true); }

static const struct opdef ops[] = {
	{ op_open, 4 }, { op_close, 3 }, { op_add_filters, 10 }, { op_register, 8 },
	{ op_unregister, 5 }, { op_get_cluster, 4 }, { op_get_object, 4 },
	{ op_simple, 14 }, { op_read, 14 }, { op_under_reader, 1 },
	{ op_list_clusters, 4 }, { op_list_objects, 4 },
	{ op_nl_register, 4 }, { op_nl_unregister, 2 }, { op_nl_cluster_get, 2 },
	{ op_nl_object_get, 2 }, { op_nl_object_set, 5 }, { op_nl_object_del, 2 },
	{ op_nl_post, 14 }, { op_nl_junk, 3 }, { op_nl_close, 1 }, { op_monitor, 2 },
};

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -1;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

static void drop_to_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(CN_NOBODY, CN_NOBODY, CN_NOBODY) ||
	    setresuid(CN_NOBODY, CN_NOBODY, CN_NOBODY))
		setup_fail("drop privileges to nobody");
}

static void worker(int idx, int gen, int ns2fd)
{
	unsigned int total = 0;

	me = idx;
	my_gen = gen;
	rs = mix(g_seed ^ ((uint64_t)idx << 32) ^ ((uint64_t)gen << 48) ^ 0x5eed);
	prctl(PR_SET_PDEATHSIG, SIGKILL);
	my_persona = idx % 5 == 4 ? NOBODY_NS2 : (enum persona)(idx % 5);
	if (my_persona == ROOT_NS2 || my_persona == NOBODY_NS2) {
		if (setns(ns2fd, CLONE_NEWNET))
			setup_fail("setns to the second namespace");
	}
	close(ns2fd);
	ns_tag = 'i';
	nl_admin = true;
	switch (my_persona) {
	case ROOT_INIT:
		break;
	case ROOT_NS2:
		ns_tag = 'b';
		break;
	case NOBODY_INIT:
	case NOBODY_NS2:
		drop_to_nobody();
		prctl(PR_SET_DUMPABLE, 1);
		nl_admin = false;
		ns_tag = my_persona == NOBODY_NS2 ? 'b' : 'i';
		break;
	case ROOT_USERNS:
		drop_to_nobody();
		/* Changing credentials made /proc/self root's: take it back. */
		prctl(PR_SET_DUMPABLE, 1);
		if (unshare(CLONE_NEWUSER | CLONE_NEWNET))
			setup_fail("unshare(CLONE_NEWUSER|CLONE_NEWNET)");
		if (write_file("/proc/self/setgroups", "deny") ||
		    write_file("/proc/self/uid_map", "0 65534 1") ||
		    write_file("/proc/self/gid_map", "0 65534 1"))
			setup_fail("write the user namespace's maps");
		ns_tag = 'u';
		break;
	}
	prctl(PR_SET_DUMPABLE, 1);
	snprintf(S->w[me].op, sizeof(S->w[me].op), "setup");
	if (resolve_family())
		setup_fail("resolve the generic netlink family");
	epfd = epoll_create1(EPOLL_CLOEXEC);
	for (int i = 0; i < NPORTS; i++)
		port_reset(&ports[i]);
	for (int i = 0; i < NSOCKS; i++)
		socks[i].fd = -1;
	for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
		total += ops[i].weight;
	while (!S->stop) {
		unsigned int w = rn(total);
		size_t i;

		S->w[me].opno++;
		for (i = 0; w >= ops[i].weight; i++)
			w -= ops[i].weight;
		ops[i].fn();
		S->w[me].ops++;
	}
	/* The end: every open port's counters add up, then all is closed. */
	for (int i = 0; i < NPORTS; i++) {
		if (ports[i].fd < 0)
			continue;
		S->w[me].opno++;
		opdesc("final GET_STATS(port %d)", ports[i].fd);
		stats_check(&ports[i], "final GET_STATS");
		close(ports[i].fd);
	}
	_exit(0);
}

/* ---- the parent ------------------------------------------------------------ */

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static pid_t spawn(int idx, int gen, int ns2fd)
{
	pid_t pid = fork();

	if (pid < 0) {
		perror("cnfuzz: fork");
		exit(2);
	}
	if (!pid)
		worker(idx, gen, ns2fd);
	S->w[idx].pid = pid;
	S->w[idx].gen = gen;
	return pid;
}

struct cleanup_state {
	uint32_t ids[1024];
	char names[1024][CLUSNOTIFY_CLUSTER_NAME_MAX];
	int n;
	uint32_t cur_id;
	char cur_name[CLUSNOTIFY_CLUSTER_NAME_MAX];
};

static void on_cl_attr(uint16_t type, const unsigned char *d, int len, void *arg)
{
	struct cleanup_state *cs = arg;

	if (type == CLUSNOTIFY_A_CLUSTER_ID && len == 4)
		memcpy(&cs->cur_id, d, 4);
	if (type == CLUSNOTIFY_A_CLUSTER_NAME && len > 0 && len <= CLUSNOTIFY_CLUSTER_NAME_MAX)
		memcpy(cs->cur_name, d, len);
}

static void on_cl(const struct nlmsghdr *h, void *arg)
{
	struct cleanup_state *cs = arg;

	cs->cur_id = 0;
	cs->cur_name[0] = 0;
	attrs_of(h, on_cl_attr, cs);
	/* Ours: the pool's names, and an empty one if the module took it. */
	if (cs->n < 1024 && (!strncmp(cs->cur_name, "fz", 2) || !cs->cur_name[0])) {
		cs->ids[cs->n] = cs->cur_id;
		memcpy(cs->names[cs->n], cs->cur_name, sizeof(cs->names[0]));
		cs->n++;
	}
}

/*
 * Every worker is gone, so every cluster they registered is disconnected:
 * any admin unregisters it. Returns the number of failures.
 */
static int cleanup_ns(const char *tag)
{
	static struct cleanup_state cs;
	struct nls s = { .fd = nl_socket() };
	int bad = 0, err;

	memset(&cs, 0, sizeof(cs));
	mb_init(&mbuf, fam_id, CLUSNOTIFY_CMD_CLUSTER_GET, NLM_F_DUMP);
	err = nl_transact(&s, &mbuf, on_cl, &cs);
	if (err) {
		fprintf(stderr, "cnfuzz: %s: CLUSTER_GET dump: %d\n", tag, err);
		bad++;
	}
	for (int i = 0; i < cs.n; i++) {
		mb_init(&mbuf, fam_id, CLUSNOTIFY_CMD_CLUSTER_UNREGISTER, 0);
		put_u32(&mbuf, CLUSNOTIFY_A_CLUSTER_ID, cs.ids[i]);
		err = nl_transact(&s, &mbuf, NULL, NULL);
		if (err) {
			fprintf(stderr, "cnfuzz: VIOLATION: seed %llu: %s: cluster %u (%s), left behind by a closed socket, cannot be unregistered: %s\n",
				(unsigned long long)g_seed, tag, cs.ids[i], cs.names[i],
				ename(-err));
			bad++;
		}
	}
	printf("# %s: unregistered %d clusters the workers left\n", tag, cs.n);
	close(s.fd);
	return bad;
}

static void usage(void)
{
	fprintf(stderr, "usage: cnfuzz [--seed N] [--ops N] [--duration S] [--procs N] [--kill-ms MS] [--verbose]\n");
	exit(2);
}

int main(int argc, char **argv)
{
	static const struct option lo[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "duration", required_argument, NULL, 'd' },
		{ "procs", required_argument, NULL, 'p' },
		{ "kill-ms", required_argument, NULL, 'k' },
		{ "verbose", no_argument, NULL, 'v' },
		{ NULL, 0, NULL, 0 },
	};
	uint64_t max_ops = 0, done_ops = 0, killed = 0, ok = 0, records = 0, copies = 0;
	double duration = 0, start, next_kill, next_report;
	int procs = 5, kill_ms = 1000, c, ns2fd, initfd, violations = 0, rc;
	bool have_seed = false;
	char mode[16] = "";
	struct stat dev;
	unsigned char *guard;

	while ((c = getopt_long(argc, argv, "s:n:d:p:k:v", lo, NULL)) != -1) {
		switch (c) {
		case 's': g_seed = strtoull(optarg, NULL, 0); have_seed = true; break;
		case 'n': max_ops = strtoull(optarg, NULL, 0); break;
		case 'd': duration = strtod(optarg, NULL); break;
		case 'p': procs = atoi(optarg); break;
		case 'k': kill_ms = atoi(optarg); break;
		case 'v': g_verbose = true; break;
		default: usage();
		}
	}
	if (procs < 1 || procs > MAXPROCS || optind != argc)
		usage();
	if (!max_ops && !duration)
		max_ops = 100000;
	if (!have_seed)
		g_seed = mix((uint64_t)time(NULL) ^ ((uint64_t)getpid() << 20));
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("cnfuzz: seed %llu, procs %d, %s %.0f, kill every ~%d ms\n",
	       (unsigned long long)g_seed, procs, max_ops ? "ops" : "seconds",
	       max_ops ? (double)max_ops : duration, kill_ms);

	pgsz = sysconf(_SC_PAGESIZE);
	arena = aligned_alloc(4096, ARENA);
	guard = mmap(NULL, 3 * pgsz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	S = mmap(NULL, sizeof(*S), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (!arena || guard == MAP_FAILED || S == MAP_FAILED) {
		perror("cnfuzz: memory");
		return 2;
	}
	pg_rw = guard;
	pg_none = guard + pgsz;
	pg_ro = guard + 2 * pgsz;
	mprotect(pg_none, pgsz, PROT_NONE);
	mprotect(pg_ro, pgsz, PROT_READ);
	(void)pg_rw;

	if (stat(CN_DEV, &dev)) {
		perror("cnfuzz: " CN_DEV);
		return 2;
	}
	if (resolve_family()) {
		fprintf(stderr, "cnfuzz: no generic netlink family %s\n", CLUSNOTIFY_GENL_NAME);
		return 2;
	}
	/* nobody opens ports too: the device and new nodes get mode 0666 */
	cn_param_get("mode", mode, sizeof(mode));
	cn_param_set("mode", "0666");
	if (chmod(CN_DEV, 0666)) {
		perror("cnfuzz: chmod " CN_DEV);
		return 2;
	}
	/* the second network namespace */
	initfd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	if (initfd < 0 || unshare(CLONE_NEWNET) ||
	    (ns2fd = open("/proc/self/ns/net", O_RDONLY)) < 0 ||
	    setns(initfd, CLONE_NEWNET)) {
		perror("cnfuzz: a second network namespace");
		return 2;
	}

	for (int i = 0; i < procs; i++)
		spawn(i, 0, ns2fd);
	rs = mix(g_seed ^ 0xc0ffee);
	start = now_s();
	next_kill = start + (kill_ms ? (kill_ms / 2 + rn(kill_ms)) / 1000.0 : 1e18);
	next_report = start + 30;
	for (;;) {
		uint64_t live = 0;
		double t = now_s();
		int status;
		pid_t pid;

		for (int i = 0; i < procs; i++)
			live += S->w[i].ops;
		if ((max_ops && done_ops + live >= max_ops) ||
		    (duration && t - start >= duration))
			break;
		if (t >= next_report) {
			printf("# %.0f s: %llu ops\n", t - start,
			       (unsigned long long)(done_ops + live));
			next_report += 30;
		}
		while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
			for (int i = 0; i < procs; i++) {
				if (S->w[i].pid != pid)
					continue;
				if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
					violations++;
				else if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL)) {
					fprintf(stderr, "cnfuzz: worker %d gen %d (%s) ended with status %#x in op %llu (%s)\n",
						i, S->w[i].gen, persona_name[i % 5 == 4 ? 4 : i % 5],
						status, (unsigned long long)S->w[i].opno, S->w[i].op);
					violations++;
				}
				S->w[i].pid = 0;
			}
		}
		if (violations)
			break;
		if (kill_ms && t >= next_kill) {
			int i = rn(procs);
			pid_t victim = S->w[i].pid;

			if (victim > 0) {
				kill(victim, SIGKILL);
				waitpid(victim, &status, 0);
				if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
					violations++;
					break;
				}
				done_ops += S->w[i].ops;
				ok += S->w[i].ok;
				records += S->w[i].records;
				copies += S->w[i].copies;
				S->w[i].ops = S->w[i].ok = S->w[i].records = 0;
				S->w[i].copies = 0;
				S->w[i].opno = 0;
				killed++;
				spawn(i, S->w[i].gen + 1, ns2fd);
			}
			next_kill = t + (kill_ms / 2 + rn(kill_ms)) / 1000.0;
		}
		usleep(10000);
	}

	S->stop = 1;
	{
		double deadline = now_s() + 120;

		for (int i = 0; i < procs; i++) {
			int status;

			if (S->w[i].pid <= 0)
				continue;
			for (;;) {
				pid_t r = waitpid(S->w[i].pid, &status, WNOHANG);

				if (r == S->w[i].pid)
					break;
				if (now_s() > deadline) {
					char path[64], wchan[128] = "";
					int fd;

					snprintf(path, sizeof(path), "/proc/%d/wchan", S->w[i].pid);
					fd = open(path, O_RDONLY);
					if (fd >= 0) {
						ssize_t n = read(fd, wchan, sizeof(wchan) - 1);

						wchan[n > 0 ? n : 0] = 0;
						close(fd);
					}
					fprintf(stderr, "cnfuzz: VIOLATION: seed %llu worker %d gen %d did not stop within 120 s, in op %llu (%s), wchan %s\n",
						(unsigned long long)g_seed, i, S->w[i].gen,
						(unsigned long long)S->w[i].opno, S->w[i].op, wchan);
					violations++;
					kill(S->w[i].pid, SIGKILL);
					waitpid(S->w[i].pid, &status, 0);
					break;
				}
				usleep(20000);
			}
			if (WIFEXITED(status) && WEXITSTATUS(status) == 3)
				violations++;
			else if (!WIFEXITED(status) || WEXITSTATUS(status)) {
				if (!(WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL))
					violations++;
				fprintf(stderr, "cnfuzz: worker %d gen %d ended with status %#x\n",
					i, S->w[i].gen, status);
			}
			done_ops += S->w[i].ops;
			ok += S->w[i].ok;
			records += S->w[i].records;
			copies += S->w[i].copies;
		}
	}
	for (int i = 0; i < procs; i++)
		if (S->w[i].violated)
			printf("cnfuzz: violation: %s\n", S->w[i].viol);

	/* What the workers left: disconnected clusters, in both namespaces. */
	violations += cleanup_ns("initial namespace");
	if (setns(ns2fd, CLONE_NEWNET) == 0) {
		violations += cleanup_ns("second namespace");
		setns(initfd, CLONE_NEWNET);
	}
	if (mode[0])
		cn_param_set("mode", mode);
	chmod(CN_DEV, dev.st_mode & 07777);

	{
		double t = now_s() - start;

		printf("# %llu calls succeeded, %llu records read and checked, %llu of them event copies counted against the port's filters\n",
		       (unsigned long long)ok, (unsigned long long)records,
		       (unsigned long long)copies);
		printf("cnfuzz: %llu ops in %.1f s (%.0f ops/s), seed %llu, procs %d, %llu workers killed, %d violations\n",
		       (unsigned long long)done_ops, t, t > 0 ? done_ops / t : 0.0,
		       (unsigned long long)g_seed, procs, (unsigned long long)killed,
		       violations);
	}
	rc = violations ? 1 : 0;
	return rc;
}
