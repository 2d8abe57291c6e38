// SPDX-License-Identifier: GPL-2.0
/*
 * The module's load under failslab: clusnotify.ko is loaded with the 1st,
 * then the 2nd, 3rd ... slab allocation of the load failed, until a load
 * runs past its last allocation without meeting the injected failure. The
 * failures land in the kernel's module loader, in gcov's bookkeeping (the
 * debug build) and in cn_init(): every step of its unwind ladder is taken.
 *
 * Each round must end either in a clear error (-ENOMEM) that leaves nothing
 * behind, or in a module that works (a failure something absorbed). What a
 * failed init left registered (the genl family, the misc device, a slab
 * cache) makes the next load fail without an injected failure, which is
 * reported; what it leaked, the kmemleak scan of tests/fault/run-guest.sh
 * finds. The module is left loaded, as the tiers after this one expect.
 *
 * The failure is injected with /proc/thread-self/fail-nth, as fault_sweep
 * does: the Nth slab allocation of this thread fails, and finit_module is
 * the only system call made while it is armed.
 *
 *   load_sweep KO     (the module must be loaded, and is unloaded first)
 *
 * Prints `ok - fault/module_load` or `not ok - fault/module_load` with "# "
 * lines saying what went wrong.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "failnth.h"

#define MODULE_NAME	"clusnotify"
#define MAX_NTH		5000	/* a load allocates far less */
#define MAX_NOTES	12

static unsigned int failures, notes;

static void note(unsigned int n, const char *fmt, ...)
{
	va_list ap;

	failures++;
	if (notes++ >= MAX_NOTES)
		return;
	printf("# fault/module_load: allocation %u failed: ", n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static bool loaded(void)
{
	struct stat st;

	return stat("/sys/module/" MODULE_NAME, &st) == 0;
}

static bool device_exists(void)
{
	struct stat st;

	return stat("/dev/" MODULE_NAME, &st) == 0;
}

static int unload(void)
{
	return syscall(SYS_delete_module, MODULE_NAME, O_NONBLOCK) ? -errno : 0;
}

int main(int argc, char **argv)
{
	unsigned int n, rounds = 0, errs = 0, absorbed = 0;
	bool done = false;
	int ko, fd, ret, err;

	if (argc != 2) {
		fprintf(stderr, "usage: load_sweep KO\n");
		return 2;
	}
	ko = open(argv[1], O_RDONLY | O_CLOEXEC);
	failnth_fd = open("/proc/thread-self/fail-nth", O_RDWR | O_CLOEXEC);
	if (ko < 0 || failnth_fd < 0) {
		printf("not ok - fault/module_load # cannot open %s or fail-nth: %s\n",
		       argv[1], strerror(errno));
		return 1;
	}
	ret = loaded() ? unload() : 0;
	if (ret == -EWOULDBLOCK || ret == -EBUSY) {
		printf("ok - fault/module_load # SKIP the module is in use: %s\n", strerror(-ret));
		return 0;
	}
	if (ret || loaded()) {
		printf("not ok - fault/module_load # rmmod %s: %s\n", MODULE_NAME, strerror(-ret));
		return 1;
	}

	for (n = 1; n <= MAX_NTH && !done; n++) {
		bool injected;

		rounds++;
		nth_write(n);
		ret = syscall(SYS_finit_module, ko, "", 0);
		err = errno;
		injected = disarm();

		if (ret == 0 && !injected) {
			done = true;	/* past the load's last allocation */
		} else if (ret == 0) {
			absorbed++;
			/* Whatever absorbed the failure, the module works. */
			fd = open("/dev/" MODULE_NAME, O_RDONLY | O_CLOEXEC);
			if (fd < 0)
				note(n, "loaded, but /dev/clusnotify does not open: %s", strerror(errno));
			else
				close(fd);
			ret = unload();
			if (ret) {
				note(n, "loaded, but rmmod fails: %s", strerror(-ret));
				break;
			}
		} else if (!injected) {
			/* Something the last failed init left behind. */
			note(n, "the load failed with no failure injected (left behind by the one before?): %s", strerror(err));
			break;
		} else {
			errs++;
			if (err != ENOMEM)
				note(n, "the load failed with %s, not ENOMEM", strerror(err));
			if (loaded())
				note(n, "the load failed, but /sys/module/clusnotify is there");
			if (device_exists())
				note(n, "the load failed, but /dev/clusnotify is there");
		}
	}
	if (!done && !failures)
		note(n, "no load ran past the failure in %u rounds", MAX_NTH);
	if (!loaded())
		note(n, "the module is not loaded at the end");

	printf("# fault/module_load: %u rounds: %u failed loads, %u loads absorbed the failure\n",
	       rounds, errs, absorbed);
	if (failures)
		printf("not ok - fault/module_load # %u problems\n", failures);
	else
		printf("ok - fault/module_load\n");
	return failures ? 1 : 0;
}
