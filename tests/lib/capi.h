/* SPDX-License-Identifier: GPL-2.0 */
/*
 * GetClusterNotifyV2 with room for everything, for the clusapi tests.
 */
#ifndef CLUSNOTIFY_TESTS_LIB_CAPI_H
#define CLUSNOTIFY_TESTS_LIB_CAPI_H

#include <string.h>

#include <clusapi.h>

#define NOTE_CCH	256

struct note {
	DWORD err;
	DWORD_PTR key;
	NOTIFY_FILTER_AND_TYPE ft;
	BYTE buf[4096 + 8];
	DWORD size;
	WCHAR id[NOTE_CCH], parent[NOTE_CCH], name[NOTE_CCH], type[NOTE_CCH];
	DWORD cid, cparent, cname, ctype;
};

static inline DWORD get_note(HCHANGE h, struct note *n, DWORD ms)
{
	memset(n, 0xa5, sizeof(*n));
	n->size = sizeof(n->buf);
	n->cid = n->cparent = n->cname = n->ctype = NOTE_CCH;
	n->err = GetClusterNotifyV2(h, &n->key, &n->ft, n->buf, &n->size,
				    n->id, &n->cid, n->parent, &n->cparent,
				    n->name, &n->cname, n->type, &n->ctype, ms);
	return n->err;
}

static inline DWORD note_dword(const struct note *n)
{
	DWORD v;

	memcpy(&v, n->buf, sizeof(v));
	return v;
}

#endif /* CLUSNOTIFY_TESTS_LIB_CAPI_H */
