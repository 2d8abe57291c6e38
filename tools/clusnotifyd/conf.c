// SPDX-License-Identifier: GPL-2.0
/*
 * The configuration file: "key = value" lines, '#' comments, blank lines.
 * Unknown keys and bad values are errors, so that a typo does not pass for
 * a default.
 */
#include <ctype.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "conf.h"
#include "log.h"

struct cnd_conf cnd_conf = {
	.link_poll_ms = 1000,
	.pacemaker = CND_PCMK_AUTO,
	.reconnect_min_ms = 500,
	.reconnect_max_ms = 10000,
	.log = CND_LOG_AUTO,
};

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

static int parse_ms(const char *v, int min, int *out)
{
	char *end;
	long n;

	errno = 0;
	n = strtol(v, &end, 10);
	if (errno || end == v || *end || n < min || n > INT_MAX)
		return -EINVAL;
	*out = (int)n;
	return 0;
}

static int add_prefixes(char *v)
{
	char *save = NULL, *p;

	for (p = strtok_r(v, ", \t", &save); p; p = strtok_r(NULL, ", \t", &save)) {
		if (cnd_conf.nprefixes == CND_PREFIXES_MAX)
			return -E2BIG;
		cnd_conf.registry_prefix[cnd_conf.nprefixes] = strdup(p);
		if (!cnd_conf.registry_prefix[cnd_conf.nprefixes])
			return -ENOMEM;
		cnd_conf.nprefixes++;
	}
	return 0;
}

static int set_key(const char *k, char *v)
{
	if (!strcmp(k, "cluster_name")) {
		if (strlen(v) >= sizeof(cnd_conf.cluster_name))
			return -ENAMETOOLONG;
		strcpy(cnd_conf.cluster_name, v);
		return 0;
	}
	if (!strcmp(k, "registry_prefix"))
		return add_prefixes(v);
	if (!strcmp(k, "link_poll_interval"))
		return parse_ms(v, 0, &cnd_conf.link_poll_ms);
	if (!strcmp(k, "reconnect_min"))
		return parse_ms(v, 10, &cnd_conf.reconnect_min_ms);
	if (!strcmp(k, "reconnect_max"))
		return parse_ms(v, 10, &cnd_conf.reconnect_max_ms);
	if (!strcmp(k, "pacemaker")) {
		if (!strcmp(v, "auto"))
			cnd_conf.pacemaker = CND_PCMK_AUTO;
		else if (!strcmp(v, "yes"))
			cnd_conf.pacemaker = CND_PCMK_YES;
		else if (!strcmp(v, "no"))
			cnd_conf.pacemaker = CND_PCMK_NO;
		else
			return -EINVAL;
		return 0;
	}
	if (!strcmp(k, "log")) {
		if (!strcmp(v, "auto"))
			cnd_conf.log = CND_LOG_AUTO;
		else if (!strcmp(v, "stderr"))
			cnd_conf.log = CND_LOG_STDERR;
		else if (!strcmp(v, "syslog"))
			cnd_conf.log = CND_LOG_SYSLOG;
		else
			return -EINVAL;
		return 0;
	}
	return -ENOENT;
}

int cnd_conf_load(const char *path, bool must_exist)
{
	char line[1024], *k, *v, *eq, *hash;
	int ret = 0, lineno = 0;
	FILE *f;

	f = fopen(path, "re");
	if (!f) {
		if (errno == ENOENT && !must_exist)
			return 0;
		log_err("%s: %m", path);
		return -errno;
	}
	while (fgets(line, sizeof(line), f)) {
		lineno++;
		hash = strchr(line, '#');
		if (hash)
			*hash = '\0';
		k = trim(line);
		if (!*k)
			continue;
		eq = strchr(k, '=');
		if (!eq) {
			log_err("%s:%d: expected key = value", path, lineno);
			ret = -EINVAL;
			continue;
		}
		*eq = '\0';
		k = trim(k);
		v = trim(eq + 1);
		switch (set_key(k, v)) {
		case 0:
			break;
		case -ENOENT:
			log_err("%s:%d: unknown key '%s'", path, lineno, k);
			ret = -EINVAL;
			break;
		default:
			log_err("%s:%d: bad value for %s: '%s'", path, lineno, k, v);
			ret = -EINVAL;
		}
	}
	fclose(f);
	if (!ret && cnd_conf.reconnect_max_ms < cnd_conf.reconnect_min_ms) {
		log_err("%s: reconnect_max is below reconnect_min", path);
		ret = -EINVAL;
	}
	return ret;
}

void cnd_conf_free(void)
{
	while (cnd_conf.nprefixes)
		free(cnd_conf.registry_prefix[--cnd_conf.nprefixes]);
}
