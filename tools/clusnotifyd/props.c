// SPDX-License-Identifier: GPL-2.0
/*
 * Property lists for CLUSTER / COMMON_PROPERTY: see props.h.
 */
#include <string.h>

#include "corosync.h"
#include "inventory.h"
#include "props.h"

/* Property list syntaxes (CLUSPROP_SYNTAX_*). */
#define PROP_NAME	0x00040003u
#define PROP_DWORD	0x00010002u
#define PROP_SZ		0x00010003u
#define PROP_ULARGE	0x00010006u
#define PROP_LONG	0x00010007u
#define PROP_BINARY	0x00010001u

void cnd_props_reset(struct cnd_props *p)
{
	p->len = 0;
	p->n = 0;
}

static void put(struct cnd_props *p, const void *data, size_t len, bool *ok)
{
	size_t pad = (4 - len % 4) % 4;

	/* Room for the count before, and the end mark after. */
	if (!*ok || 4 + p->len + len + pad + 4 > sizeof(p->buf)) {
		*ok = false;
		return;
	}
	memcpy(p->buf + 4 + p->len, data, len);
	memset(p->buf + 4 + p->len + len, 0, pad);
	p->len += len + pad;
}

static void put_u32(struct cnd_props *p, uint32_t v, bool *ok)
{
	put(p, &v, 4, ok);
}

/* UTF-8 to UTF-16LE, NUL included; returns bytes written. */
static size_t to_utf16(const char *s, uint16_t *out, size_t max_units)
{
	const unsigned char *c8 = (const unsigned char *)s;
	size_t n = 0;
	uint32_t c;

	while (*c8 && n + 2 < max_units) {
		if (*c8 < 0x80) {
			c = *c8++;
		} else if ((*c8 & 0xe0) == 0xc0 && c8[1]) {
			c = (uint32_t)(c8[0] & 0x1f) << 6 | (c8[1] & 0x3f);
			c8 += 2;
		} else if ((*c8 & 0xf0) == 0xe0 && c8[1] && c8[2]) {
			c = (uint32_t)(c8[0] & 0x0f) << 12 | (uint32_t)(c8[1] & 0x3f) << 6 |
			    (c8[2] & 0x3f);
			c8 += 3;
		} else if ((*c8 & 0xf8) == 0xf0 && c8[1] && c8[2] && c8[3]) {
			c = (uint32_t)(c8[0] & 0x07) << 18 | (uint32_t)(c8[1] & 0x3f) << 12 |
			    (uint32_t)(c8[2] & 0x3f) << 6 | (c8[3] & 0x3f);
			c8 += 4;
		} else {
			c = 0xfffd;
			c8++;
		}
		if (c >= 0x10000) {
			c -= 0x10000;
			out[n++] = (uint16_t)(0xd800 | (c >> 10));
			out[n++] = (uint16_t)(0xdc00 | (c & 0x3ff));
		} else {
			out[n++] = (uint16_t)c;
		}
	}
	out[n++] = 0;
	return n * 2;
}

static void put_sz(struct cnd_props *p, uint32_t syntax, const char *s, bool *ok)
{
	uint16_t w[512];
	size_t len = to_utf16(s, w, sizeof(w) / sizeof(w[0]));

	put_u32(p, syntax, ok);
	put_u32(p, (uint32_t)len, ok);
	put(p, w, len, ok);
}

/* Name, value (syntax, length, data), end mark: all of it or nothing. */
static bool add(struct cnd_props *p, const char *name, uint32_t syntax,
		const void *data, size_t len)
{
	size_t save = p->len;
	bool ok = true;

	put_sz(p, PROP_NAME, name, &ok);
	if (syntax == PROP_SZ) {
		put_sz(p, PROP_SZ, data, &ok);
	} else {
		put_u32(p, syntax, &ok);
		put_u32(p, (uint32_t)len, &ok);
		put(p, data, len, &ok);
	}
	put_u32(p, 0, &ok);	/* CLUSPROP_SYNTAX_ENDMARK */
	if (!ok) {
		p->len = save;
		return false;
	}
	p->n++;
	return true;
}

bool cnd_props_dword(struct cnd_props *p, const char *name, uint32_t v)
{
	return add(p, name, PROP_DWORD, &v, 4);
}

bool cnd_props_long(struct cnd_props *p, const char *name, int32_t v)
{
	return add(p, name, PROP_LONG, &v, 4);
}

bool cnd_props_ularge(struct cnd_props *p, const char *name, uint64_t v)
{
	return add(p, name, PROP_ULARGE, &v, 8);
}

bool cnd_props_sz(struct cnd_props *p, const char *name, const char *s)
{
	return add(p, name, PROP_SZ, s, 0);
}

bool cnd_props_binary(struct cnd_props *p, const char *name,
		      const void *data, size_t len)
{
	return add(p, name, PROP_BINARY, data, len);
}

void cnd_props_post(struct cnd_props *p)
{
	if (p->n) {
		memcpy(p->buf, &p->n, 4);
		cnd_inv_post(CLUSNOTIFY_OBJ_CLUSTER, CLUSNOTIFY_CLUSTER_COMMON_PROPERTY,
			     "", NULL, cnd_cs_cluster_name(), p->buf, 4 + p->len);
	}
	cnd_props_reset(p);
}
