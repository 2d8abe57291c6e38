// SPDX-License-Identifier: GPL-2.0
/*
 * Many uids of one user namespace share the limits of the namespace's owner.
 * The attacker is an ordinary user (OWNER) with a range of subordinate ids,
 * as a rootless container has: root writes its uid_map and gid_map for it
 * (as newuidmap would), mapping 0..999 to 100000..100999. Inside, the
 * attacker takes uid after uid and opens ports until refused, keeping them
 * all; one of them goes one namespace deeper and tries again. Counted: the
 * ports held in all. They must stay within max_user_ports of the owner, not
 * max_user_ports per uid; and the owner outside is refused too meanwhile.
 *
 * The guest must allow user namespaces: under the chroot rig the kernel
 * refuses CLONE_NEWUSER (EPERM) and this test fails, saying so.
 */
#include <sys/stat.h>

#include "cn_test.h"
#include "kselftest_harness.h"

#define LIMIT		4
#define NUIDS		8
#define OWNER		4000
#define SUBID_BASE	100000

static const char * const params[] = { "max_user_ports", "mode" };
static const char userns_sysctl[] = "/proc/sys/kernel/unprivileged_userns_clone";

FIXTURE(uns) {
	char saved[ARRAY_SIZE(params)][32];
	bool have[ARRAY_SIZE(params)];
	struct stat dev;
	char sysctl_saved;
};

static int write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -errno;
}

FIXTURE_SETUP(uns)
{
	char v[16];
	unsigned int i;
	int fd;

	for (i = 0; i < ARRAY_SIZE(params); i++)
		self->have[i] = !cn_param_get(params[i], self->saved[i],
					      sizeof(self->saved[i]));
	ASSERT_EQ(0, stat(CN_DEV, &self->dev));
	snprintf(v, sizeof(v), "%d", LIMIT);
	ASSERT_EQ(0, cn_param_set("max_user_ports", v));
	cn_param_set("mode", "0666");
	ASSERT_EQ(0, chmod(CN_DEV, 0666));
	/* Debian's switch for unprivileged user namespaces, if it has one */
	fd = open(userns_sysctl, O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		if (read(fd, &self->sysctl_saved, 1) != 1)
			self->sysctl_saved = 0;
		close(fd);
		write_file(userns_sysctl, "1");
	}
}

FIXTURE_TEARDOWN(uns)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(params); i++)
		if (self->have[i])
			cn_param_set(params[i], self->saved[i]);
	chmod(CN_DEV, self->dev.st_mode & 07777);
	if (self->sysctl_saved) {
		char s[2] = { self->sysctl_saved, 0 };

		write_file(userns_sysctl, s);
	}
}

/* What one uid of the container got. */
struct got {
	int uid;
	int ports;
	int err;	/* errno of the open that was refused, 0 if none was */
};

/*
 * In the container: as uid @u (in a namespace one deeper if @nest), opens
 * ports until refused (at most LIMIT + 1), reports, and keeps them open
 * until @hold reaches EOF.
 */
static void grab(int u, bool nest, int report, int hold)
{
	struct got g = { .uid = u };
	char c;

	if (setgroups(0, NULL) || setresgid(u, u, u) || setresuid(u, u, u)) {
		g.err = 1000 + errno;
		goto out;
	}
	if (nest && unshare(CLONE_NEWUSER)) {
		g.err = 2000 + errno;
		goto out;
	}
	while (g.ports <= LIMIT) {
		if (cn_open(0) < 0) {
			g.err = errno;
			break;
		}
		g.ports++;
	}
out:
	if (write(report, &g, sizeof(g)) != sizeof(g))
		_exit(1);
	while (read(hold, &c, 1) > 0)
		;
	_exit(0);
}

/*
 * The container's first process (its namespace's owner is OWNER): runs the
 * uids one after the other, each holding its ports, then tries as itself.
 * Passes every struct got on to @report, then its own as uid -1.
 */
static void container(int report)
{
	int hold[2], mine[2], i;
	struct got g = { .uid = -1 };

	if (pipe(hold) || pipe(mine))
		_exit(1);
	for (i = 1; i <= NUIDS + 1; i++) {
		pid_t pid = fork();

		if (pid < 0)
			_exit(1);
		if (!pid) {
			close(hold[1]);
			grab(i, i == NUIDS + 1, mine[1], hold[0]);
		}
		if (read(mine[0], &g, sizeof(g)) != sizeof(g) ||
		    write(report, &g, sizeof(g)) != sizeof(g))
			_exit(1);
	}
	close(hold[0]);
	g = (struct got){ .uid = -1 };
	if (cn_open(0) >= 0)
		g.ports = 1;
	else
		g.err = errno;
	if (write(report, &g, sizeof(g)) != sizeof(g))
		_exit(1);
	close(hold[1]);
	while (wait(NULL) > 0)
		;
	_exit(0);
}

TEST_F(uns, container_uids_share_the_owner_limit)
{
	int sync[2], go[2], report[2], total = 0, i, err = 0;
	char path[64], map[64], c;
	struct got g;
	pid_t pid;

	ASSERT_EQ(0, pipe(sync));
	ASSERT_EQ(0, pipe(go));
	ASSERT_EQ(0, pipe(report));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(sync[0]);
		close(go[1]);
		close(report[0]);
		if (setgroups(0, NULL) || setresgid(OWNER, OWNER, OWNER) ||
		    setresuid(OWNER, OWNER, OWNER))
			_exit(100);
		if (unshare(CLONE_NEWUSER)) {
			err = errno;
			if (write(sync[1], &err, sizeof(err)) != sizeof(err))
				_exit(1);
			_exit(101);
		}
		if (write(sync[1], &err, sizeof(err)) != sizeof(err) ||
		    read(go[0], &c, 1) != 1)
			_exit(1);
		container(report[1]);
	}
	close(sync[1]);
	close(go[0]);
	close(report[1]);
	ASSERT_EQ((ssize_t)sizeof(err), read(sync[0], &err, sizeof(err)));
	ASSERT_EQ(0, err) TH_LOG("unshare(CLONE_NEWUSER) as uid %d: %s. The guest's root "
				 "is entered with chroot, where the kernel refuses user "
				 "namespaces; this test needs the rig to use switch_root "
				 "(issue 10)", OWNER, strerror(err));

	/* what newuidmap does for a user with subordinate ids */
	snprintf(map, sizeof(map), "0 %d 1000\n", SUBID_BASE);
	snprintf(path, sizeof(path), "/proc/%d/uid_map", (int)pid);
	ASSERT_EQ(0, write_file(path, map));
	snprintf(path, sizeof(path), "/proc/%d/gid_map", (int)pid);
	ASSERT_EQ(0, write_file(path, map));
	ASSERT_EQ(1, write(go[1], "g", 1));

	for (i = 0; i <= NUIDS + 1; i++) {
		ASSERT_EQ((ssize_t)sizeof(g), read(report[0], &g, sizeof(g)));
		TH_LOG("uid %d (kuid %d%s): %d ports, then %s", g.uid,
		       g.uid < 0 ? OWNER : SUBID_BASE + g.uid,
		       g.uid == NUIDS + 1 ? ", one namespace deeper" : "",
		       g.ports, g.err ? strerror(g.err % 1000) : "not refused");
		EXPECT_GT(1000, g.err) TH_LOG("uid %d could not set itself up", g.uid);
		if (g.ports <= LIMIT)
			EXPECT_EQ(EMFILE, g.err);
		total += g.ports;
	}
	EXPECT_EQ(LIMIT, total) TH_LOG("the container's uids held %d ports; the owner's limit is %d",
				       total, LIMIT);
	ASSERT_EQ(0, cn_wait_child(pid));
	close(sync[0]);
	close(go[1]);
	close(report[0]);
}

TEST_HARNESS_MAIN
