// SPDX-License-Identifier: GPL-2.0
/*
 * The module cannot go while a port is open. (The rig checks that rmmod
 * succeeds once everything is closed, at the very end.)
 */
#include <sys/stat.h>

#include "cn_test.h"
#include "kselftest_harness.h"

#define MODULE_NAME	"clusnotify"

static bool module_loaded(void)
{
	struct stat st;

	return stat("/sys/module/" MODULE_NAME "/initstate", &st) == 0 ||
	       stat("/sys/module/" MODULE_NAME, &st) == 0;
}

/* Puts the module back if the kernel wrongly let it go, for the tests after. */
static void reload(void)
{
	const char *path = getenv("CLUSNOTIFY_KO") ?: "kernel/clusnotify.ko";
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0 || syscall(SYS_finit_module, fd, "", 0))
		fprintf(stderr, "# could not reload %s: %s\n", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

TEST(rmmod_refused_while_a_port_is_open)
{
	struct clusnotify_port_stats st;
	long ret;
	int fd, fd2, err;

	ASSERT_TRUE(module_loaded());
	fd = cn_open(0);
	ASSERT_LE(0, fd);

	ret = syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK);
	err = errno;
	if (ret == 0) {
		TH_LOG("the module was unloaded with a port open (no .owner?)");
		reload();
	}
	ASSERT_EQ(-1, ret);
	EXPECT_TRUE(err == EWOULDBLOCK || err == EBUSY)
		TH_LOG("delete_module: %s", strerror(err));

	/* still loaded and working */
	ASSERT_TRUE(module_loaded());
	EXPECT_EQ(0, cn_stats(fd, &st));
	fd2 = cn_open(0);
	EXPECT_LE(0, fd2);
	if (fd2 >= 0)
		close(fd2);
	close(fd);
}

TEST_HARNESS_MAIN
