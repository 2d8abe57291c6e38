// SPDX-License-Identifier: GPL-2.0
/*
 * The ioctl ABI grows as documented: the kernel takes a command by type,
 * number and direction, and the struct's size from its leading @size field.
 * A newer program (struct grown at its end, its header's command number
 * encoding the larger size) works when the tail is zero and gets -E2BIG
 * when it is not; an older one (a command number with a smaller size) works;
 * a size below the first version is -EINVAL; and a hostile size (4 GiB - 1)
 * is -E2BIG at once, without the kernel reading the memory behind the struct
 * (counted: the pages of a large zero mapping the call faulted in).
 *
 * Also: REGISTER whose reg_id cannot be written back registers nothing and
 * queues no HANDLE_CLOSE for an id the caller never saw.
 */
#include <sys/mman.h>

#include "cn_test.h"
#include "cn_nl.h"
#include "kselftest_harness.h"

#define GROW	8	/* bytes a "newer header" adds to every struct */
#define BIG	(64UL << 20)

/* The command number a header with a struct of @size bytes would build. */
static unsigned long cmd_sized(unsigned long cmd, unsigned int size)
{
	return _IOC(_IOC_DIR(cmd), _IOC_TYPE(cmd), _IOC_NR(cmd), size);
}

FIXTURE(abi) {
	struct cn_nl *nl;
	uint32_t cid;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX];
	int fd;
};

FIXTURE_SETUP(abi)
{
	const struct cn_object o = { .type = CLUSNOTIFY_OBJ_GROUP, .id = "g1",
				     .name = "group one" };

	ASSERT_EQ(0, cn_private_netns());
	self->nl = cn_nl_open();
	ASSERT_TRUE(self->nl != NULL);
	ASSERT_EQ(0, cn_nl_cluster_register(self->nl,
			cn_name(self->name, sizeof(self->name), "abi"), &self->cid));
	ASSERT_EQ(0, cn_nl_object_set(self->nl, self->cid, &o, 1));
	self->fd = cn_open(0);
	ASSERT_LE(0, self->fd);
}

FIXTURE_TEARDOWN(abi)
{
	if (self->fd >= 0)
		close(self->fd);
	if (self->nl && self->cid)
		cn_nl_cluster_unregister(self->nl, self->cid);
	cn_nl_close(self->nl);
}

/* The argument of each command with a struct, in the current layout. */
struct arg {
	const char *what;
	unsigned long cmd;
	size_t size;
	size_t ver0;
};

static const struct arg args[] = {
	{ "ADD_FILTERS", CLUSNOTIFY_IOC_ADD_FILTERS,
	  sizeof(struct clusnotify_add_filters), CLUSNOTIFY_ADD_FILTERS_SIZE_VER0 },
	{ "REGISTER", CLUSNOTIFY_IOC_REGISTER,
	  sizeof(struct clusnotify_register), CLUSNOTIFY_REGISTER_SIZE_VER0 },
	{ "UNREGISTER", CLUSNOTIFY_IOC_UNREGISTER,
	  sizeof(struct clusnotify_unregister), CLUSNOTIFY_UNREGISTER_SIZE_VER0 },
	{ "GET_CLUSTER", CLUSNOTIFY_IOC_GET_CLUSTER,
	  sizeof(struct clusnotify_cluster_info), CLUSNOTIFY_CLUSTER_INFO_SIZE_VER0 },
	{ "GET_OBJECT", CLUSNOTIFY_IOC_GET_OBJECT,
	  sizeof(struct clusnotify_object_info), CLUSNOTIFY_OBJECT_INFO_SIZE_VER0 },
	{ "GET_STATS", CLUSNOTIFY_IOC_GET_STATS,
	  sizeof(struct clusnotify_port_stats), CLUSNOTIFY_PORT_STATS_SIZE_VER0 },
};

static struct clusnotify_filter the_filter = {
	.object_type = CLUSNOTIFY_OBJ_GROUP, .flags = CLUSNOTIFY_GROUP_STATE,
};

/*
 * Fills @buf (at least a->size bytes, zeroed by the caller) with a valid
 * argument for @a. UNREGISTER gets a registration made for it.
 */
static void fill(struct __test_metadata *_metadata, FIXTURE_DATA(abi) *self,
		 const struct arg *a, void *buf)
{
	uint64_t reg;

	if (a->cmd == CLUSNOTIFY_IOC_ADD_FILTERS) {
		struct clusnotify_add_filters *p = buf;

		p->cluster_id = self->cid;
		p->count = 1;
		p->key = 1;
		p->filters = (uintptr_t)&the_filter;
	} else if (a->cmd == CLUSNOTIFY_IOC_REGISTER) {
		struct clusnotify_register *p = buf;

		p->cluster_id = self->cid;
		p->object_type = CLUSNOTIFY_OBJ_GROUP;
		p->filter_flags = CLUSNOTIFY_GROUP_STATE;
		p->key = 2;
		strcpy(p->object_id, "g1");
	} else if (a->cmd == CLUSNOTIFY_IOC_UNREGISTER) {
		struct clusnotify_unregister *p = buf;

		ASSERT_EQ(0, cn_register(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE, 3, "g1", &reg));
		p->reg_id = reg;
	} else if (a->cmd == CLUSNOTIFY_IOC_GET_CLUSTER) {
		struct clusnotify_cluster_info *p = buf;

		strcpy(p->name, self->name);
	} else if (a->cmd == CLUSNOTIFY_IOC_GET_OBJECT) {
		struct clusnotify_object_info *p = buf;

		p->cluster_id = self->cid;
		p->object_type = CLUSNOTIFY_OBJ_GROUP;
		strcpy(p->name, "group one");
	}
}

/* Checks what the kernel wrote back, where a command has outputs. */
static void check_out(struct __test_metadata *_metadata,
		      FIXTURE_DATA(abi) *self, const struct arg *a,
		      const void *buf)
{
	if (a->cmd == CLUSNOTIFY_IOC_REGISTER) {
		const struct clusnotify_register *p = buf;

		EXPECT_NE(0ULL, p->reg_id);
	} else if (a->cmd == CLUSNOTIFY_IOC_GET_CLUSTER) {
		const struct clusnotify_cluster_info *p = buf;

		EXPECT_EQ(self->cid, p->cluster_id);
	} else if (a->cmd == CLUSNOTIFY_IOC_GET_OBJECT) {
		const struct clusnotify_object_info *p = buf;

		EXPECT_STREQ("g1", p->id);
	} else if (a->cmd == CLUSNOTIFY_IOC_GET_STATS) {
		const struct clusnotify_port_stats *p = buf;

		EXPECT_NE(CN_POISON64, p->matched);
		EXPECT_EQ(0ULL, p->matched);
	}
}

/*
 * A newer program: the struct is GROW bytes longer, its command number says
 * so, and the new bytes are zero. It works, and the kernel writes nothing
 * past what it knows (the tail stays zero) and leaves @size as it was.
 */
TEST_F(abi, newer_struct_with_zero_tail_works)
{
	unsigned char buf[1024];
	unsigned int i;
	size_t j;

	for (i = 0; i < ARRAY_SIZE(args); i++) {
		const struct arg *a = &args[i];
		uint32_t size = a->size + GROW;

		memset(buf, 0, sizeof(buf));
		fill(_metadata, self, a, buf);
		memcpy(buf, &size, sizeof(size));
		if (a->cmd == CLUSNOTIFY_IOC_GET_STATS)
			memset(buf + 8, CN_POISON, a->size - 8 - 16);
		EXPECT_EQ(0, cn_ioctl(self->fd, cmd_sized(a->cmd, size), buf))
			TH_LOG("%s with size %u", a->what, size);
		memcpy(&size, buf, sizeof(size));
		EXPECT_EQ(a->size + GROW, size) TH_LOG("%s: size rewritten", a->what);
		for (j = a->size; j < a->size + GROW; j++)
			EXPECT_EQ(0, buf[j]) TH_LOG("%s: byte %zu of the tail written",
						    a->what, j);
		check_out(_metadata, self, a, buf);

		/* the current command number with the larger size works too */
		memset(buf, 0, sizeof(buf));
		fill(_metadata, self, a, buf);
		memcpy(buf, &size, sizeof(size));
		EXPECT_EQ(0, cn_ioctl(self->fd, a->cmd, buf))
			TH_LOG("%s: current number, size %u", a->what, size);
	}
}

/* An older header's number (smaller _IOC_SIZE) is the same command. */
TEST_F(abi, older_command_number_works)
{
	unsigned char buf[1024];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(args); i++) {
		const struct arg *a = &args[i];
		uint32_t size = a->size;

		memset(buf, 0, sizeof(buf));
		fill(_metadata, self, a, buf);
		memcpy(buf, &size, sizeof(size));
		EXPECT_EQ(0, cn_ioctl(self->fd, cmd_sized(a->cmd, a->size - GROW), buf))
			TH_LOG("%s: number with size %zu", a->what, a->size - GROW);
		check_out(_metadata, self, a, buf);
	}
}

TEST_F(abi, newer_struct_with_nonzero_tail_is_e2big)
{
	unsigned char buf[1024];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(args); i++) {
		const struct arg *a = &args[i];
		uint32_t size = a->size + GROW;

		memset(buf, 0, sizeof(buf));
		fill(_metadata, self, a, buf);
		memcpy(buf, &size, sizeof(size));
		buf[a->size + GROW - 1] = 1;
		EXPECT_EQ(-E2BIG, cn_ioctl(self->fd, cmd_sized(a->cmd, size), buf))
			TH_LOG("%s", a->what);
		EXPECT_EQ(-E2BIG, cn_ioctl(self->fd, a->cmd, buf))
			TH_LOG("%s, current number", a->what);
	}
}

TEST_F(abi, size_below_first_version_is_einval)
{
	static const uint32_t small[] = { 0, 4, 8 };
	unsigned char buf[1024];
	unsigned int i, k;

	for (i = 0; i < ARRAY_SIZE(args); i++) {
		const struct arg *a = &args[i];

		for (k = 0; k <= ARRAY_SIZE(small); k++) {
			uint32_t size = k < ARRAY_SIZE(small) ? small[k] : a->ver0 - 8;

			memset(buf, 0, sizeof(buf));
			fill(_metadata, self, a, buf);
			memcpy(buf, &size, sizeof(size));
			EXPECT_EQ(-EINVAL, cn_ioctl(self->fd, a->cmd, buf))
				TH_LOG("%s with size %u", a->what, size);
		}
	}
}

TEST_F(abi, wrong_direction_or_number_is_enotty)
{
	struct clusnotify_port_stats st = { .size = sizeof(st) };

	EXPECT_EQ(-ENOTTY, cn_ioctl(self->fd, _IOR(CLUSNOTIFY_IOC_MAGIC, 0x08,
						   struct clusnotify_port_stats), &st));
	EXPECT_EQ(-ENOTTY, cn_ioctl(self->fd, _IOW(CLUSNOTIFY_IOC_MAGIC, 0x08,
						   struct clusnotify_port_stats), &st));
	EXPECT_EQ(-ENOTTY, cn_ioctl(self->fd, _IO(CLUSNOTIFY_IOC_MAGIC, 0x08), &st));
	EXPECT_EQ(-ENOTTY, cn_ioctl(self->fd, _IOWR(CLUSNOTIFY_IOC_MAGIC, 0x7f,
						    struct clusnotify_port_stats), &st));
	EXPECT_EQ(-ENOTTY, cn_ioctl(self->fd, _IOWR(CLUSNOTIFY_IOC_MAGIC + 1, 0x08,
						    struct clusnotify_port_stats), &st));
	EXPECT_EQ(0, cn_ioctl(self->fd, CLUSNOTIFY_IOC_GET_STATS, &st));
}

/* Pages of [p, p + len) the process has mapped (faulted in). */
static long resident(void *p, size_t len)
{
	size_t n = len / 4096, i;
	unsigned char *vec = malloc(n);
	long r = 0;

	if (!vec || mincore(p, len, vec)) {
		free(vec);
		return -1;
	}
	for (i = 0; i < n; i++)
		r += vec[i] & 1;
	free(vec);
	return r;
}

/*
 * The attacker's size: 4 GiB - 1, the struct at the start of 64 MiB of
 * untouched zero memory. An unbounded size makes the kernel read (fault in)
 * all of it looking for a non-zero byte; the bound refuses it first.
 */
TEST_F(abi, huge_size_is_e2big_without_reading_on)
{
	static const uint32_t huge[] = { 0xffffffffu, BIG, 4096 + 8 };
	unsigned char *map;
	unsigned int k;
	long before, after;

	map = mmap(NULL, BIG + 4096, PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + BIG, 4096, PROT_NONE));

	for (k = 0; k < ARRAY_SIZE(huge); k++) {
		uint32_t size = huge[k];

		memcpy(map, &size, sizeof(size));
		before = resident(map, BIG);
		ASSERT_LE(1, before);
		EXPECT_EQ(-E2BIG, cn_ioctl(self->fd, CLUSNOTIFY_IOC_GET_STATS, map))
			TH_LOG("size %u", size);
		EXPECT_EQ(-E2BIG, cn_ioctl(self->fd,
				cmd_sized(CLUSNOTIFY_IOC_GET_STATS, size & 0x3fff), map))
			TH_LOG("size %u, grown number", size);
		after = resident(map, BIG);
		EXPECT_GE(before + 1, after) TH_LOG("size %u: the kernel read %ld pages",
						     size, after - before);
	}
	munmap(map, BIG + 4096);
}

/*
 * REGISTER whose reg_id cannot be written back (the argument is on a
 * read-only page) fails with EFAULT and leaves nothing behind: no
 * registration, and no HANDLE_CLOSE for an id the caller never saw.
 */
TEST_F(abi, register_fault_leaves_nothing)
{
	struct clusnotify_register *r;
	struct clusnotify_port_stats st;
	unsigned char *page;

	page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	r = (struct clusnotify_register *)page;
	r->size = sizeof(*r);
	r->cluster_id = self->cid;
	r->object_type = CLUSNOTIFY_OBJ_GROUP;
	r->filter_flags = CLUSNOTIFY_GROUP_STATE | CLUSNOTIFY_GROUP_HANDLE_CLOSE;
	r->key = 7;
	strcpy(r->object_id, "g1");
	ASSERT_EQ(0, mprotect(page, 4096, PROT_READ));

	EXPECT_EQ(-EFAULT, cn_ioctl(self->fd, CLUSNOTIFY_IOC_REGISTER, r));
	ASSERT_EQ(0, cn_stats(self->fd, &st));
	EXPECT_EQ(0u, st.registrations);
	EXPECT_EQ(0ULL, st.queued) TH_LOG("a HANDLE_CLOSE for an id never returned");
	EXPECT_EQ(0, cn_wait(self->fd, 0));

	/* the id was given back: the next registration works as usual */
	{
		uint64_t reg = 0;

		EXPECT_EQ(0, cn_register(self->fd, self->cid, CLUSNOTIFY_OBJ_GROUP,
					 CLUSNOTIFY_GROUP_STATE, 8, "g1", &reg));
		EXPECT_NE(0ULL, reg);
		EXPECT_EQ(0, cn_unregister(self->fd, reg));
	}
	munmap(page, 4096);
}

TEST_HARNESS_MAIN
