/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Property lists (the CLUSPROP_* layout of Windows' clusapi.h) as the
 * payload of CLUSTER / COMMON_PROPERTY: a DWORD count, then per property
 * its name, its typed value and an end mark, each padded to 4 bytes.
 */
#ifndef CLUSNOTIFYD_PROPS_H
#define CLUSNOTIFYD_PROPS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <linux/clusnotify.h>

struct cnd_props {
	unsigned char buf[CLUSNOTIFY_PAYLOAD_MAX];
	size_t len;	/* the properties' bytes, after the count */
	uint32_t n;
};

void cnd_props_reset(struct cnd_props *p);
/* Each adds one whole property, or nothing (false) if it does not fit. */
bool cnd_props_dword(struct cnd_props *p, const char *name, uint32_t v);
bool cnd_props_long(struct cnd_props *p, const char *name, int32_t v);
bool cnd_props_ularge(struct cnd_props *p, const char *name, uint64_t v);
bool cnd_props_sz(struct cnd_props *p, const char *name, const char *s);
bool cnd_props_binary(struct cnd_props *p, const char *name,
		      const void *data, size_t len);
/* Posts CLUSTER / COMMON_PROPERTY with them, if there are any; empties @p. */
void cnd_props_post(struct cnd_props *p);

#endif /* CLUSNOTIFYD_PROPS_H */
