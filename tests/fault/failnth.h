/* SPDX-License-Identifier: GPL-2.0 */
/*
 * fail-nth, shared by the fault tier's programs: the Nth slab allocation of
 * this thread fails (/proc/thread-self/fail-nth, opened into failnth_fd by
 * the program), whatever failslab's random path says.
 */
#ifndef CN_FAILNTH_H
#define CN_FAILNTH_H

#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static int failnth_fd = -1;

static void nth_write(unsigned int n)
{
	char b[16];
	int l = snprintf(b, sizeof(b), "%u", n);

	if (pwrite(failnth_fd, b, l, 0) != l) {
		perror("fail-nth");
		exit(2);
	}
}

/* Disarms; true if the armed failure was injected. */
static bool disarm(void)
{
	char b[16] = "";
	ssize_t r = pread(failnth_fd, b, sizeof(b) - 1, 0);
	unsigned long left = r > 0 ? strtoul(b, NULL, 10) : 1;

	nth_write(0);
	return left == 0;
}

#endif
