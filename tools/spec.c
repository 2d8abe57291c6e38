// SPDX-License-Identifier: GPL-2.0
/*
 * Parsing the words that describe objects, events and payloads, shared by
 * post, feed and watch.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusnotify.h>

#include "cli.h"

int parse_u64(const char *s, uint64_t *v)
{
	unsigned long long n;
	char *end;

	if (!s || !*s || *s == '-')
		return -EINVAL;
	errno = 0;
	n = strtoull(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*v = n;
	return 0;
}

static int parse_s64(const char *s, int64_t *v)
{
	long long n;
	char *end;

	if (!s || !*s)
		return -EINVAL;
	errno = 0;
	n = strtoll(s, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*v = n;
	return 0;
}

int parse_type(const char *s, uint32_t *type)
{
	uint64_t n;

	if (!clusnotify_type_from_name(s, type))
		return 0;
	if (!parse_u64(s, &n) && n <= CLUSNOTIFY_OBJ_MAX &&
	    clusnotify_type_name(n)) {
		*type = n;
		return 0;
	}
	errmsg("unknown object type '%s'", s);
	return -EINVAL;
}

int parse_flags(uint32_t type, const char *s, uint64_t *flags)
{
	char buf[256], *tok, *save;
	uint64_t f;

	if (snprintf(buf, sizeof(buf), "%s", s) >= (int)sizeof(buf))
		return -EINVAL;
	*flags = 0;
	for (tok = strtok_r(buf, ",|", &save); tok;
	     tok = strtok_r(NULL, ",|", &save)) {
		if (clusnotify_flag_from_name(type, tok, &f) &&
		    parse_u64(tok, &f)) {
			errmsg("unknown %s flag '%s'", clusnotify_type_name(type),
			       tok);
			return -EINVAL;
		}
		*flags |= f;
	}
	if (!*flags) {
		errmsg("no flags in '%s'", s);
		return -EINVAL;
	}
	return 0;
}

/* The state names of clusapi.h, without their prefix. */
static const struct state_name {
	uint32_t type;
	const char *name;
	int32_t state;
} state_names[] = {
	{ CLUSNOTIFY_OBJ_NODE, "up", 0 },
	{ CLUSNOTIFY_OBJ_NODE, "down", 1 },
	{ CLUSNOTIFY_OBJ_NODE, "paused", 2 },
	{ CLUSNOTIFY_OBJ_NODE, "joining", 3 },
	{ CLUSNOTIFY_OBJ_GROUP, "online", 0 },
	{ CLUSNOTIFY_OBJ_GROUP, "offline", 1 },
	{ CLUSNOTIFY_OBJ_GROUP, "failed", 2 },
	{ CLUSNOTIFY_OBJ_GROUP, "partialonline", 3 },
	{ CLUSNOTIFY_OBJ_GROUP, "pending", 4 },
	{ CLUSNOTIFY_OBJ_RESOURCE, "inherited", 0 },
	{ CLUSNOTIFY_OBJ_RESOURCE, "initializing", 1 },
	{ CLUSNOTIFY_OBJ_RESOURCE, "online", 2 },
	{ CLUSNOTIFY_OBJ_RESOURCE, "offline", 3 },
	{ CLUSNOTIFY_OBJ_RESOURCE, "failed", 4 },
	{ CLUSNOTIFY_OBJ_RESOURCE, "pending", 128 },
	{ CLUSNOTIFY_OBJ_RESOURCE, "onlinepending", 129 },
	{ CLUSNOTIFY_OBJ_RESOURCE, "offlinepending", 130 },
	{ CLUSNOTIFY_OBJ_NETWORK, "unavailable", 0 },
	{ CLUSNOTIFY_OBJ_NETWORK, "down", 1 },
	{ CLUSNOTIFY_OBJ_NETWORK, "partitioned", 2 },
	{ CLUSNOTIFY_OBJ_NETWORK, "up", 3 },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, "unavailable", 0 },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, "failed", 1 },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, "unreachable", 2 },
	{ CLUSNOTIFY_OBJ_NETWORK_INTERFACE, "up", 3 },
};

/* A number, "unknown", or a state name of @type ('-' and '_' ignored). */
static int parse_state(uint32_t type, const char *s, int32_t *state)
{
	char name[32];
	size_t i, n = 0;
	int64_t v;

	if (!parse_s64(s, &v)) {
		if (v < INT32_MIN || v > INT32_MAX)
			return -EINVAL;
		*state = v;
		return 0;
	}
	for (; *s && n + 1 < sizeof(name); s++)
		if (*s != '-' && *s != '_')
			name[n++] = tolower((unsigned char)*s);
	name[n] = '\0';
	if (!strcmp(name, "unknown")) {
		*state = CLUSNOTIFY_STATE_UNKNOWN;
		return 0;
	}
	for (i = 0; i < sizeof(state_names) / sizeof(state_names[0]); i++) {
		if (state_names[i].type == type &&
		    !strcmp(state_names[i].name, name)) {
			*state = state_names[i].state;
			return 0;
		}
	}
	return -EINVAL;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Numbers go in host byte order: the reader is on this machine. */
int parse_payload(const char *spec, struct cn_item *it)
{
	const char *v = strchr(spec, ':');
	uint64_t u;
	int64_t s;
	size_t len;

	if (!v)
		goto bad;
	len = v++ - spec;
	if (len == 3 && !strncmp(spec, "u32", 3)) {
		uint32_t x;

		if (!parse_u64(v, &u) && u <= UINT32_MAX)
			x = u;
		else if (!parse_s64(v, &s) && s < 0 && s >= INT32_MIN)
			x = (uint32_t)(int32_t)s;
		else
			goto bad;
		memcpy(it->payload, &x, sizeof(x));
		it->payload_len = sizeof(x);
	} else if (len == 5 && !strncmp(spec, "state", 5)) {
		int32_t x;

		if (parse_state(it->type, v, &x))
			goto bad;
		memcpy(it->payload, &x, sizeof(x));
		it->payload_len = sizeof(x);
	} else if (len == 3 && !strncmp(spec, "s32", 3)) {
		int32_t x;

		if (parse_s64(v, &s) || s < INT32_MIN || s > INT32_MAX)
			goto bad;
		x = s;
		memcpy(it->payload, &x, sizeof(x));
		it->payload_len = sizeof(x);
	} else if (len == 3 && !strncmp(spec, "u64", 3)) {
		if (parse_u64(v, &u))
			goto bad;
		memcpy(it->payload, &u, sizeof(u));
		it->payload_len = sizeof(u);
	} else if (len == 3 && !strncmp(spec, "hex", 3)) {
		size_t n = strlen(v);

		if (n % 2 || n / 2 > sizeof(it->payload))
			goto bad;
		for (it->payload_len = 0; *v; v += 2) {
			int hi = hexval(v[0]), lo = hexval(v[1]);

			if (hi < 0 || lo < 0)
				goto bad;
			it->payload[it->payload_len++] = hi << 4 | lo;
		}
	} else if (len == 3 && !strncmp(spec, "str", 3)) {
		it->payload_len = strlen(v);
		if (it->payload_len > sizeof(it->payload))
			goto bad;
		memcpy(it->payload, v, it->payload_len);
	} else {
		goto bad;
	}
	it->has_payload = true;
	return 0;
bad:
	errmsg("bad payload '%s' (u32:N, s32:N, u64:N, state:NAME, hex:BYTES or str:TEXT)",
	       spec);
	return -EINVAL;
}

int tokenize(char *line, char **argv, int max)
{
	char *r = line, *w;
	int argc = 0;

	for (;;) {
		while (isspace((unsigned char)*r))
			r++;
		if (!*r || *r == '#')
			return argc;
		if (argc == max)
			return -E2BIG;
		argv[argc++] = w = r;
		while (*r && !isspace((unsigned char)*r)) {
			if (*r == '"') {
				for (r++; *r && *r != '"'; r++)
					*w++ = *r;
				if (!*r)
					return -EINVAL;
				r++;
			} else {
				*w++ = *r++;
			}
		}
		if (*r)
			r++;
		*w = '\0';
	}
}

/* key=value words after the positional ones. */
static int parse_options(struct cn_item *it, int argc, char **argv, bool event)
{
	int i;

	for (i = 0; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		const char *v = eq ? eq + 1 : NULL;
		size_t klen = eq ? (size_t)(eq - argv[i]) : 0;

#define KEY(k)	(klen == sizeof(k) - 1 && !strncmp(argv[i], k, klen))
		if (!eq)
			goto bad;
		if (KEY("name"))
			it->name = v;
		else if (KEY("parent"))
			it->parent = v;
		else if (KEY("type-name") || KEY("type"))
			it->type_name = v;
		else if (event && KEY("payload")) {
			if (parse_payload(v, it))
				return -EINVAL;
		} else if (!event && KEY("state")) {
			if (parse_state(it->type, v, &it->state))
				goto bad;
			it->has_state = true;
		} else
			goto bad;
#undef KEY
	}
	return 0;
bad:
	errmsg("bad option '%s'", argv[i]);
	return -EINVAL;
}

/* <type> <id> <name> [parent=ID] [type-name=NAME] [state=N] */
int parse_object(struct cn_item *it, int argc, char **argv)
{
	memset(it, 0, sizeof(*it));
	if (argc < 3) {
		errmsg("object: <type> <id> <name> [parent=ID] [type-name=NAME] [state=N]");
		return -EINVAL;
	}
	if (parse_type(argv[0], &it->type))
		return -EINVAL;
	it->id = argv[1];
	it->name = argv[2];
	return parse_options(it, argc - 3, argv + 3, false);
}

/* <type> <id> <flag> [payload=SPEC] [name=..] [parent=..] [type-name=..] */
int parse_event(struct cn_item *it, int argc, char **argv)
{
	memset(it, 0, sizeof(*it));
	if (argc < 3) {
		errmsg("event: <type> <id> <flag> [payload=SPEC] [name=NAME] [parent=ID] [type-name=NAME]");
		return -EINVAL;
	}
	if (parse_type(argv[0], &it->type) ||
	    parse_flags(it->type, argv[2], &it->flag))
		return -EINVAL;
	it->id = argv[1];
	return parse_options(it, argc - 3, argv + 3, true);
}
