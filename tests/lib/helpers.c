// SPDX-License-Identifier: GPL-2.0
/*
 * The tests/lib helpers (see helpers.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdarg.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

const char *tl_cli_path(void)
{
	const char *p = getenv("CLUSNOTIFY_CLI");

	return p && *p ? p : "tools/clusnotify";
}

void tl_require(void)
{
	if (access("/dev/clusnotify", R_OK | W_OK)) {
		printf("# SKIP /dev/clusnotify: %s\n", strerror(errno));
		exit(TL_SKIP);
	}
	if (access(tl_cli_path(), X_OK)) {
		printf("# SKIP %s: %s\n", tl_cli_path(), strerror(errno));
		exit(TL_SKIP);
	}
	/* A feeder that dies must not take the test with it. */
	signal(SIGPIPE, SIG_IGN);
}

uint64_t tl_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tl_feed_start_named(struct tl_feed *f, const char *name)
{
	int in[2], out[2];

	memset(f, 0, sizeof(*f));
	snprintf(f->name, sizeof(f->name), "%s", name);
	CHECK(!pipe2(in, O_CLOEXEC) && !pipe2(out, O_CLOEXEC));
	f->pid = fork();
	CHECK(f->pid >= 0);
	if (!f->pid) {
		dup2(in[0], 0);
		dup2(out[1], 1);
		execl(tl_cli_path(), tl_cli_path(), "feed", "--cluster", f->name,
		      "-", (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(out[1]);
	f->in = fdopen(in[1], "w");
	CHECK(f->in);
	f->out = out[0];
	tl_feed_sync(f);
}

void tl_feed_start(struct tl_feed *f, const char *base)
{
	char name[64];

	snprintf(name, sizeof(name), "%s-%d", base, (int)getpid());
	tl_feed_start_named(f, name);
}

void tl_feed(struct tl_feed *f, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vfprintf(f->in, fmt, ap);
	va_end(ap);
	fputc('\n', f->in);
}

/* Reads the feeder's output up to the echo of our marker. */
void tl_feed_sync(struct tl_feed *f)
{
	char want[32], buf[256];
	size_t have = 0;
	uint64_t deadline = tl_now_ms() + 30000;

	snprintf(want, sizeof(want), "sync-%u\n", ++f->syncs);
	tl_feed(f, "echo sync-%u", f->syncs);
	CHECK(fflush(f->in) == 0);
	for (;;) {
		struct pollfd pfd = { .fd = f->out, .events = POLLIN };
		char *nl;
		ssize_t n;

		CHECK(tl_now_ms() < deadline);
		if (poll(&pfd, 1, 1000) <= 0)
			continue;
		n = read(f->out, buf + have, sizeof(buf) - 1 - have);
		if (n <= 0) {
			fprintf(stderr, "feeder of %s exited\n", f->name);
			exit(1);
		}
		have += n;
		buf[have] = '\0';
		while ((nl = strchr(buf, '\n'))) {
			size_t len = nl + 1 - buf;

			if (len == strlen(want) && !memcmp(buf, want, len))
				return;
			memmove(buf, nl + 1, have - len + 1);
			have -= len;
		}
		if (have == sizeof(buf) - 1)
			have = 0;
	}
}

void tl_feed_stop(struct tl_feed *f)
{
	int status;

	if (!f->pid)
		return;
	fclose(f->in);
	close(f->out);
	CHECK(waitpid(f->pid, &status, 0) == f->pid);
	CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	f->pid = 0;
}

int tl_cli(const char *arg, ...)
{
	const char *argv[32];
	va_list ap;
	int argc = 0, status;
	pid_t pid;

	argv[argc++] = tl_cli_path();
	va_start(ap, arg);
	for (; arg && argc < 31; arg = va_arg(ap, const char *))
		argv[argc++] = arg;
	va_end(ap);
	argv[argc] = NULL;
	pid = fork();
	CHECK(pid >= 0);
	if (!pid) {
		execv(argv[0], (char **)argv);
		_exit(127);
	}
	CHECK(waitpid(pid, &status, 0) == pid);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

/* The next code point of UTF-8 @s (well-formed, as the tests write it). */
static uint32_t next8(const unsigned char **s)
{
	const unsigned char *p = *s;
	uint32_t c = *p++;
	int n = 0;

	if (c >= 0xf0) {
		c &= 0x07;
		n = 3;
	} else if (c >= 0xe0) {
		c &= 0x0f;
		n = 2;
	} else if (c >= 0xc0) {
		c &= 0x1f;
		n = 1;
	}
	while (n--)
		c = (c << 6) | (*p++ & 0x3f);
	*s = p;
	return c;
}

bool tl_u16eq(const char16_t *w, const char *s)
{
	const unsigned char *p = (const unsigned char *)s;

	while (*p) {
		uint32_t c = next8(&p), u;

		u = *w++;
		if (u >= 0xd800 && u <= 0xdbff) {
			if (*w < 0xdc00 || *w > 0xdfff)
				return false;
			u = 0x10000 + ((u - 0xd800) << 10) + (*w++ - 0xdc00);
		}
		if (u != c)
			return false;
	}
	return *w == 0;
}

const char16_t *tl_u16(const char *s)
{
	static char16_t bufs[4][256];
	static unsigned int next;
	char16_t *b = bufs[next++ % 4];
	size_t i;

	for (i = 0; s[i] && i < 255; i++)
		b[i] = (unsigned char)s[i];
	b[i] = 0;
	return b;
}
