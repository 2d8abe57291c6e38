/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the clusnotify subcommands share.
 */
#ifndef CLUSNOTIFY_TOOLS_CLI_H
#define CLUSNOTIFY_TOOLS_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <clusnotify_feed.h>

/* An object or an event line, parsed; NULL strings: omitted */
struct cn_item {
	uint32_t type;
	uint64_t flag;			/* events */
	const char *id;
	const char *parent;
	const char *name;
	const char *type_name;
	bool has_state;			/* objects */
	int32_t state;
	bool has_payload;		/* events */
	size_t payload_len;
	unsigned char payload[CLUSNOTIFY_PAYLOAD_MAX];
};

enum {
	EXIT_OK = 0,
	EXIT_RUNTIME = 1,
	EXIT_USAGE = 2,
};

extern const char *prog;

void errmsg(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints the usage line of a subcommand: to stdout for --help, else stderr. */
int usage(const char *text, bool help);

int parse_u64(const char *s, uint64_t *v);
int parse_type(const char *s, uint32_t *type);
/* A flag name, ALL, a number, or a list of them joined by ',' or '|'. */
int parse_flags(uint32_t type, const char *s, uint64_t *flags);
/* u32:N, s32:N, u64:N, state:NAME (of it->type), hex:BYTES, str:TEXT */
int parse_payload(const char *spec, struct cn_item *it);
/* Splits @line in place into words ("..." quotes, # starts a comment). */
int tokenize(char *line, char **argv, int max);
/* The words of an object or event line after its keyword; see clusnotify(1). */
int parse_object(struct cn_item *it, int argc, char **argv);
int parse_event(struct cn_item *it, int argc, char **argv);

/* Opens a producer (libclusnotify's feed), reporting why not. */
int feed_open_or_complain(struct clusnotify_feed **feed);
/* Says why a library call on @feed failed: "what: error (kernel's words)". */
int feed_complaint(struct clusnotify_feed *feed, int ret, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));
/* Resolves a cluster by name (NULL or "": the local one), reporting why not. */
int cluster_complaint(int ret, const char *name);
int cluster_or_complain(struct clusnotify_feed *feed, const char *name,
			struct clusnotify_cluster_entry *c);
/* The item as the library takes it; the event's payload points into @it. */
struct clusnotify_feed_event item_event(const struct cn_item *it);
struct clusnotify_feed_object item_object(const struct cn_item *it);
const char *cluster_state_name(uint32_t state);
/* Prints @s as a JSON string on stdout. */
void json_string(const char *s);

int cmd_watch(int argc, char **argv);
int cmd_post(int argc, char **argv);
int cmd_feed(int argc, char **argv);
int cmd_clusters(int argc, char **argv);
int cmd_objects(int argc, char **argv);
int cmd_stats(int argc, char **argv);

#endif /* CLUSNOTIFY_TOOLS_CLI_H */
