/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What the clusnotify subcommands share.
 */
#ifndef CLUSNOTIFY_TOOLS_CLI_H
#define CLUSNOTIFY_TOOLS_CLI_H

#include <stdbool.h>
#include <stdint.h>

#include "nl.h"

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

/* Opens the netlink family, reporting why not. */
int nl_open_or_complain(struct cn_nl *nl);
/* Resolves a cluster by name (NULL or "": the local one), reporting why not. */
int cluster_complaint(int ret, const char *name);
int cluster_or_complain(struct cn_nl *nl, const char *name, struct cn_cluster *c);
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
