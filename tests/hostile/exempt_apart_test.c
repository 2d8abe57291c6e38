// SPDX-License-Identifier: GPL-2.0
/*
 * Ports the limits exempt do not use up anybody's budget. A root daemon
 * (CAP_SYS_RESOURCE) holding many ports, as an in-kernel subscriber or a
 * monitoring agent might, must not make the ports of a container owned by
 * root (LXC, Incus, rootful podman with a user namespace) fail: the
 * container's uids charge the initial namespace's root, whose count must
 * not include the exempt ports.
 */
#include <sys/prctl.h>

#include "cn_test.h"
#include "kselftest_harness.h"

#define LIMIT		4
#define EXEMPT		(3 * LIMIT)

static const char * const params[] = { "max_user_ports" };

FIXTURE(exempt) {
	char saved[ARRAY_SIZE(params)][32];
	bool have[ARRAY_SIZE(params)];
};

FIXTURE_SETUP(exempt)
{
	char v[16];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(params); i++)
		self->have[i] = !cn_param_get(params[i], self->saved[i],
					      sizeof(self->saved[i]));
	snprintf(v, sizeof(v), "%d", LIMIT);
	ASSERT_EQ(0, cn_param_set("max_user_ports", v));
}

FIXTURE_TEARDOWN(exempt)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(params); i++)
		if (self->have[i])
			cn_param_set(params[i], self->saved[i]);
}

/* Root of a user namespace of its own (owned by root): not exempt. */
static int container_ports(void)
{
	int fds[2 * LIMIT], n = 0, i;

	if (unshare(CLONE_NEWUSER))
		return -errno;
	while (n < (int)(sizeof(fds) / sizeof(fds[0]))) {
		fds[n] = cn_open(0);
		if (fds[n] < 0)
			break;
		n++;
	}
	for (i = 0; i < n; i++)
		close(fds[i]);
	return n;
}

TEST_F(exempt, root_owned_container_keeps_its_budget)
{
	int fds[EXEMPT], i, n, st;
	int pipefd[2];
	pid_t pid;

	/* Arrange: root, exempt, holds three times the limit. */
	for (i = 0; i < EXEMPT; i++) {
		fds[i] = cn_open(0);
		ASSERT_LE(0, fds[i]) TH_LOG("exempt open %d: %s", i, strerror(errno));
	}

	/* Act: a container owned by root opens ports until refused. */
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		close(pipefd[0]);
		n = container_ports();
		if (write(pipefd[1], &n, sizeof(n)) != sizeof(n))
			_exit(2);
		_exit(0);
	}
	close(pipefd[1]);
	ASSERT_EQ(sizeof(n), read(pipefd[0], &n, sizeof(n)));
	close(pipefd[0]);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	for (i = 0; i < EXEMPT; i++)
		close(fds[i]);

	/* Assert: its own limit, neither 0 (root's exempt ports) nor more. */
	ASSERT_LE(0, n) TH_LOG("unshare(CLONE_NEWUSER): %s", strerror(-n));
	TH_LOG("root holds %d exempt ports; the container opened %d of %d", EXEMPT,
	       n, LIMIT);
	EXPECT_EQ(LIMIT, n);
}

TEST_HARNESS_MAIN
