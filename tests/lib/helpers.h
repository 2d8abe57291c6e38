/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the tests/lib programs share: checks that exit 1, the skip status, and
 * a cluster fed by `tools/clusnotify feed` running as a child (no libnl
 * here, so the helpers build with -m32 too).
 */
#ifndef CLUSNOTIFY_TESTS_LIB_HELPERS_H
#define CLUSNOTIFY_TESTS_LIB_HELPERS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/types.h>
#include <uchar.h>

#define TL_SKIP	77

#define CHECK(cond)							\
	do {								\
		if (!(cond)) {						\
			fprintf(stderr, "%s:%d: %s: CHECK(%s) failed\n",	\
				__FILE__, __LINE__, __func__, #cond);	\
			exit(1);					\
		}							\
	} while (0)

#define CHECK_EQ(a, b)							\
	do {								\
		long long _a = (long long)(a), _b = (long long)(b);	\
		if (_a != _b) {						\
			fprintf(stderr, "%s:%d: %s: %s == %s: %lld != %lld\n", \
				__FILE__, __LINE__, __func__, #a, #b, _a, _b); \
			exit(1);					\
		}							\
	} while (0)

/* A cluster owned by a `clusnotify feed` child, fed line by line. */
struct tl_feed {
	pid_t pid;
	FILE *in;
	int out;
	unsigned int syncs;
	char name[64];
};

/* Exits 77 unless /dev/clusnotify and the CLI are there. */
void tl_require(void);
/* Registers "<base>-<pid>" and returns once it is registered. */
void tl_feed_start(struct tl_feed *f, const char *base);
/* Same, for a name given whole (registering it again: a reconnect). */
void tl_feed_start_named(struct tl_feed *f, const char *name);
/* Sends one script line (see clusnotify(1)), without waiting. */
void tl_feed(struct tl_feed *f, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Returns once every line sent so far is done. */
void tl_feed_sync(struct tl_feed *f);
/* Ends the feeder: the cluster turns disconnected. */
void tl_feed_stop(struct tl_feed *f);
/* Runs the CLI with these arguments; its exit status. */
int tl_cli(const char *arg, ...);
/* The CLI's path (CLUSNOTIFY_CLI, or tools/clusnotify from the repository). */
const char *tl_cli_path(void);

uint64_t tl_now_ms(void);
/* Compares UTF-16 with ASCII or UTF-8 text. */
bool tl_u16eq(const char16_t *w, const char *s);
/* Converts ASCII into a static UTF-16 buffer (one of 4 in rotation). */
const char16_t *tl_u16(const char *s);

#endif /* CLUSNOTIFY_TESTS_LIB_HELPERS_H */
