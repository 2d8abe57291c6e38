// SPDX-License-Identifier: GPL-2.0
/*
 * The collision attack. A user with a network namespace of its own (root of
 * a user namespace after unshare -Urn) registers a cluster and feeds it
 * objects whose ids it picked offline to share one bucket of the module's
 * old, unkeyed registry hash (oldhash.h), then posts events about them.
 * With the old hash every event walked a chain of all of them, under the
 * host-wide genl_mutex that every generic netlink user needs.
 *
 * Measured in one run: the cost of posting about the colliding ids against
 * the same number of events about ids of the same shape that do not collide
 * (median post, must be < 3x), and the median latency of a family lookup
 * another process does meanwhile in the initial namespace, against its
 * median with nothing else running (must be < 50x).
 *
 * The attacker is nobody, root of a user and network namespace of its own
 * (Debian lets any user make one); where user namespaces are refused, it is
 * root in a network namespace of its own: the hash, the lock and the work
 * are the same.
 */
#include <pthread.h>
#include <sys/prctl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/wait.h>

#include <netlink/genl/ctrl.h>
#include <netlink/genl/genl.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"
#include "oldhash.h"

#define NOBJ		4096	/* objects of each set */
#define BATCH		512	/* per message: a nest holds < 64 KiB */
#define ROUNDS		2	/* posts of every object, per set */
#define NPOSTS		(ROUNDS * NOBJ / BATCH)
#define BASE_LOOKUPS	300
#define RATIO_MAX	3.0
#define LATENCY_MAX	50	/* times the median lookup alone */

/* Long ids with a shared prefix make every comparison on a chain cost. */
#define PREFIX "hostile-collide-0123456789abcdefghijklmnopqrstuv"

struct shared {
	int userns;		/* 1: attacker in its own user namespace */
	volatile int phase;	/* 0 setup, 1 attack, 2 done */
	int failed_line;
	uint64_t post_ns[2][NPOSTS];	/* colliding, random: each post */
};

static char (*ids)[2][NOBJ][CLUSNOTIFY_ID_MAX];

static void make_ids(void)
{
	uint32_t target = 0, c;
	int n = 0, i;

	for (c = 0; n < NOBJ; c++) {
		char *id = (*ids)[0][n];

		snprintf(id, CLUSNOTIFY_ID_MAX, PREFIX "-c-%08x", c);
		if (!c)
			target = oh_obj_bucket(CLUSNOTIFY_OBJ_GROUP, id);
		if (oh_obj_bucket(CLUSNOTIFY_OBJ_GROUP, id) == target)
			n++;
	}
	for (i = 0; i < NOBJ; i++)
		snprintf((*ids)[1][i], CLUSNOTIFY_ID_MAX, PREFIX "-r-%08x", i);
}

/* Largest chain the old registry would have for a set. */
static int old_chain(int set)
{
	static int count[1024];
	int i, max = 0;

	memset(count, 0, sizeof(count));
	for (i = 0; i < NOBJ; i++) {
		int b = oh_obj_bucket(CLUSNOTIFY_OBJ_GROUP, (*ids)[set][i]);

		if (++count[b] > max)
			max = count[b];
	}
	return max;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static bool can_userns(void)
{
	pid_t pid = fork();

	if (!pid) {
		if (setresgid(CN_NOBODY, CN_NOBODY, CN_NOBODY) ||
		    setresuid(CN_NOBODY, CN_NOBODY, CN_NOBODY))
			_exit(2);
		_exit(unshare(CLONE_NEWUSER | CLONE_NEWNET) ? 1 : 0);
	}
	return pid > 0 && cn_wait_child(pid) == 0;
}

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n = fd < 0 ? -1 : write(fd, s, strlen(s));

	if (fd >= 0)
		close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -1;
}

/* The attacker: nobody, root of its own user and network namespaces. */
static int enter_attacker_ns(bool userns)
{
	if (!userns)
		return unshare(CLONE_NEWNET);
	if (setgroups(0, NULL) || setresgid(CN_NOBODY, CN_NOBODY, CN_NOBODY) ||
	    setresuid(CN_NOBODY, CN_NOBODY, CN_NOBODY) ||
	    /* Changing credentials made /proc/self root's: take it back. */
	    prctl(PR_SET_DUMPABLE, 1) ||
	    unshare(CLONE_NEWUSER | CLONE_NEWNET))
		return -1;
	if (write_file("/proc/self/setgroups", "deny") ||
	    write_file("/proc/self/uid_map", "0 65534 1") ||
	    write_file("/proc/self/gid_map", "0 65534 1"))
		return -1;
	return 0;
}

#define ATTACK_CHECK(sh, cond) do {					\
	if (!(cond)) {							\
		fprintf(stderr, "# attacker: %s failed (ret %d, errno %d)\n", \
			#cond, ret, errno);				\
		(sh)->failed_line = __LINE__;				\
		(sh)->phase = 2;					\
		_exit(1);						\
	}								\
} while (0)

static void attacker(struct shared *sh)
{
	static struct cn_object objs[BATCH];
	static struct cn_event evs[BATCH];
	int32_t state = 1;
	uint32_t cid[2];
	struct cn_nl *nl;
	int set, r, i, j, k, ret = 0;

	ATTACK_CHECK(sh, enter_attacker_ns(sh->userns) == 0);
	nl = cn_nl_open();
	ATTACK_CHECK(sh, nl != NULL);
	ATTACK_CHECK(sh, cn_nl_cluster_register(nl, "hostile-collide", &cid[0]) == 0);
	ATTACK_CHECK(sh, cn_nl_cluster_register(nl, "hostile-random", &cid[1]) == 0);
	for (set = 0; set < 2; set++) {
		for (i = 0; i < NOBJ; i += BATCH) {
			for (j = 0; j < BATCH; j++)
				objs[j] = (struct cn_object) {
					.type = CLUSNOTIFY_OBJ_GROUP,
					.id = (*ids)[set][i + j],
				};
			ret = cn_nl_object_set(nl, cid[set], objs, BATCH);
			ATTACK_CHECK(sh, ret == 0);
		}
	}

	sh->phase = 1;
	/* Alternate the sets, and which goes first, so both see one machine. */
	for (r = 0; r < NPOSTS; r++) {
		for (k = 0; k < 2; k++) {
			uint64_t t;

			set = k ^ (r & 1);
			i = r % (NOBJ / BATCH) * BATCH;
			for (j = 0; j < BATCH; j++)
				evs[j] = (struct cn_event) {
					.type = CLUSNOTIFY_OBJ_GROUP,
					.flag = CLUSNOTIFY_GROUP_STATE,
					.id = (*ids)[set][i + j],
					.payload = &state,
					.payload_len = sizeof(state),
				};
			t = now_ns();
			ret = cn_nl_post(nl, cid[set], evs, BATCH, NULL);
			ATTACK_CHECK(sh, ret == 0);
			sh->post_ns[set][r] = now_ns() - t;
		}
	}
	sh->phase = 2;
	cn_nl_close(nl);
	_exit(0);
}

#define MAX_PROBES	100000

struct prober {
	struct nl_sock *sk;
	struct shared *sh;
	uint64_t worst, n;
	uint64_t *ns;	/* each lookup's time, the first MAX_PROBES */
};

static int cmp_u64(const void *a, const void *b)
{
	const uint64_t *x = a, *y = b;

	return *x < *y ? -1 : *x > *y;
}

static uint64_t median(uint64_t *v, int n)
{
	qsort(v, n, sizeof(*v), cmp_u64);
	return v[n / 2];
}

static int lookup_ns(struct nl_sock *sk, uint64_t *ns)
{
	uint64_t t = now_ns();
	int ret = genl_ctrl_resolve(sk, CLUSNOTIFY_GENL_NAME);

	*ns = now_ns() - t;
	return ret;
}

/* Family lookups in the initial namespace while the attack runs. */
static void *probe(void *arg)
{
	struct prober *p = arg;
	uint64_t t;

	while (p->sh->phase == 0)
		usleep(1000);
	while (p->sh->phase == 1) {
		if (lookup_ns(p->sk, &t) < 0)
			break;
		if (t > p->worst)
			p->worst = t;
		if (p->n < MAX_PROBES)
			p->ns[p->n] = t;
		p->n++;
	}
	return NULL;
}

FIXTURE(collide) {
};

FIXTURE_SETUP(collide)
{
}

FIXTURE_TEARDOWN(collide)
{
}

TEST_F_TIMEOUT(collide, colliding_ids_cost_what_random_ones_do, 280)
{
	struct prober p = { 0 };
	uint64_t base = 0, t, med[2], alone[BASE_LOOKUPS], lmed[2];
	struct shared *sh;
	pthread_t thread;
	double ratio;
	pid_t pid;
	int i;

	ids = calloc(1, sizeof(*ids));
	ASSERT_TRUE(ids != NULL);
	sh = mmap(NULL, sizeof(*sh), PROT_READ | PROT_WRITE,
		  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, sh);
	memset(sh, 0, sizeof(*sh));

	/* Arrange: the ids, offline, and the lookup's baseline. */
	t = now_ns();
	make_ids();
	TH_LOG("found %d colliding ids in %llu ms; old chains: %d colliding, %d random",
	       NOBJ, (unsigned long long)(now_ns() - t) / 1000000,
	       old_chain(0), old_chain(1));
	ASSERT_EQ(NOBJ, old_chain(0));

	p.sk = nl_socket_alloc();
	ASSERT_TRUE(p.sk != NULL);
	ASSERT_EQ(0, genl_connect(p.sk));
	for (i = 0; i < BASE_LOOKUPS; i++) {
		ASSERT_LE(0, lookup_ns(p.sk, &t));
		alone[i] = t;
		if (t > base)
			base = t;
	}
	lmed[0] = median(alone, BASE_LOOKUPS);
	p.ns = calloc(MAX_PROBES, sizeof(*p.ns));
	ASSERT_TRUE(p.ns != NULL);

	/* Act: the attack, with lookups alongside. */
	sh->userns = can_userns();
	TH_LOG("attacker: %s", sh->userns ? "nobody, root of its own user+net namespace" :
	       "root in its own net namespace (no user namespace here)");
	p.sh = sh;
	ASSERT_EQ(0, pthread_create(&thread, NULL, probe, &p));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid)
		attacker(sh);
	ASSERT_EQ(0, cn_wait_child(pid)) TH_LOG("attacker failed at line %d",
						sh->failed_line);
	sh->phase = 2;
	pthread_join(thread, NULL);
	nl_socket_free(p.sk);

	/* Assert: colliding ids cost no more, and the host did not wait. */
	med[0] = median(sh->post_ns[0], NPOSTS);
	med[1] = median(sh->post_ns[1], NPOSTS);
	ratio = (double)med[0] / (double)(med[1] ?: 1);
	TH_LOG("posts of %d events, median of %d: colliding %llu us, random %llu us: %.2fx",
	       BATCH, NPOSTS, (unsigned long long)med[0] / 1000,
	       (unsigned long long)med[1] / 1000, ratio);
	ASSERT_LT(0, p.n);
	lmed[1] = median(p.ns, p.n < MAX_PROBES ? p.n : MAX_PROBES);
	TH_LOG("lookups: median %llu us, worst %llu us alone; median %llu us, worst %llu us in %llu lookups under attack",
	       (unsigned long long)lmed[0] / 1000, (unsigned long long)base / 1000,
	       (unsigned long long)lmed[1] / 1000, (unsigned long long)p.worst / 1000,
	       (unsigned long long)p.n);
	EXPECT_LT(ratio, RATIO_MAX);
	/*
	 * Medians, not worst cases: a lookup that waits for genl_mutex waits
	 * for most of a post (hundreds of times a lookup), every time, while a
	 * worst case on a shared TCG host is mostly noise.
	 */
	EXPECT_LT(lmed[1], LATENCY_MAX * lmed[0]);
	free(p.ns);
	munmap(sh, sizeof(*sh));
	free(ids);
}

TEST_HARNESS_MAIN
