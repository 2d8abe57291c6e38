// SPDX-License-Identifier: GPL-2.0
/*
 * 5. Library overhead: the same events read three ways, each from its own
 * port: read(2) on the fd (the native read path), clusnotify_read_event()
 * (libclusnotify) and GetClusterNotifyV2() (clusapi.h: UTF-16 strings,
 * the Windows calling convention).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <clusapi.h>
#include <clusnotify.h>

#include "bench_util.h"

int bench_library(void);

static char16_t *u16(const char *s)
{
	static char16_t buf[CLUSNOTIFY_CLUSTER_NAME_MAX];
	size_t i;

	for (i = 0; s[i] && i < CLUSNOTIFY_CLUSTER_NAME_MAX - 1; i++)
		buf[i] = (unsigned char)s[i];
	buf[i] = 0;
	return buf;
}

int bench_library(void)
{
	long E = scaled(8192, 256) / 256 * 256;
	struct series raw, nat, v2, r_raw, r_nat, over;
	char name[CLUSNOTIFY_CLUSTER_NAME_MAX], wl[768];
	struct clusnotify_filter f = {
		.object_type = CLUSNOTIFY_OBJ_RESOURCE,
		.flags = CLUSNOTIFY_RESOURCE_STATE,
	};
	NOTIFY_FILTER_AND_TYPE nf = {
		.dwObjectType = CLUSTER_OBJECT_TYPE_RESOURCE,
		.FilterFlags = CLUSTER_CHANGE_RESOURCE_STATE_V2,
	};
	struct clusnotify_port *np;
	static unsigned char buf[1 << 16];
	struct result r;
	struct evset ev;
	struct bnl b;
	HCLUSTER hc;
	HCHANGE h;
	uint32_t cid;
	uint64_t t0, sum = 0;
	int fd, rep, ret;

	if (bnl_open(&b))
		die("generic netlink family %s not found", CLUSNOTIFY_GENL_NAME);
	cid = bench_cluster(&b, "lib", name);
	evset_init(&ev, E, 256, 0);

	/* Three ports, each holding a whole run. */
	set_max_queued(E);
	fd = port_open(true);
	port_filter(fd, cid, CLUSNOTIFY_OBJ_RESOURCE, CLUSNOTIFY_RESOURCE_STATE, 1);
	ret = clusnotify_port_open(&np);
	if (ret)
		die("clusnotify_port_open: %s", strerror(-ret));
	ret = clusnotify_add_filters(np, cid, &f, 1, 2);
	if (ret)
		die("clusnotify_add_filters: %s", strerror(-ret));
	hc = OpenCluster(u16(name));
	if (!hc)
		die("OpenCluster: error %u", GetLastError());
	h = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hc, &nf, 1, 3);
	if (!h || h == INVALID_HANDLE_VALUE)
		die("CreateClusterNotifyPortV2: error %u", GetLastError());
	restore_params();

	series_init(&raw, "read(2) on the port", "baseline", "ns/event");
	series_init(&nat, "clusnotify_read_event", "ours", "ns/event");
	series_init(&v2, "GetClusterNotifyV2", "ours", "ns/event");
	series_init(&over, "GetClusterNotifyV2 - read(2)", "ours", "ns/event");

	for (rep = 0; rep < opt.reps; rep++) {
		long got;

		post_all(&b, cid, &ev, E, 256);

		t0 = now_ns();
		for (got = 0; got < E;) {
			ssize_t n = read(fd, buf, sizeof(buf)), off;

			if (n <= 0)
				die("read: %s", n ? strerror(errno) : "EOF");
			for (off = 0; off < n; got++) {
				const struct clusnotify_record *rec = (const void *)(buf + off);
				const char *s = (const char *)rec + rec->hdr_len;
				uint64_t v;

				memcpy(&v, buf + off + rec->payload_off, sizeof(v));
				sum += consume_record(rec) + v + strlen(s) +
				       rec->name_len;
				off += rec->len;
			}
		}
		series_add(&raw, (double)(now_ns() - t0) / E);

		t0 = now_ns();
		for (got = 0; got < E; got++) {
			struct clusnotify_event e;
			uint64_t v;

			ret = clusnotify_read_event(np, &e, 0);
			if (ret)
				die("clusnotify_read_event: %s", strerror(-ret));
			memcpy(&v, e.payload, sizeof(v));
			sum += e.key + e.seq + e.filter_flag + e.id_len + v +
			       strlen(e.object_id) + e.name_len;
		}
		series_add(&nat, (double)(now_ns() - t0) / E);

		t0 = now_ns();
		for (got = 0; got < E; got++) {
			WCHAR id[CLUSNOTIFY_ID_MAX], parent[CLUSNOTIFY_ID_MAX];
			WCHAR nm[CLUSNOTIFY_NAME_MAX], type[CLUSNOTIFY_TYPE_NAME_MAX];
			DWORD cid_ = CLUSNOTIFY_ID_MAX, cpar = CLUSNOTIFY_ID_MAX;
			DWORD cnm = CLUSNOTIFY_NAME_MAX, ctype = CLUSNOTIFY_TYPE_NAME_MAX;
			BYTE pl[64];
			DWORD size = sizeof(pl), err;
			NOTIFY_FILTER_AND_TYPE ft;
			DWORD_PTR key;

			err = GetClusterNotifyV2(h, &key, &ft, pl, &size, id, &cid_,
						 parent, &cpar, nm, &cnm, type,
						 &ctype, 0);
			if (err != ERROR_SUCCESS)
				die("GetClusterNotifyV2: error %u", err);
			sum += key + ft.FilterFlags + size + cid_ + id[0] + cnm;
		}
		series_add(&v2, (double)(now_ns() - t0) / E);
		series_add(&over, v2.v[rep] - raw.v[rep]);
		note("library rep %d: read(2) %.0f, clusnotify_read_event %.0f, GetClusterNotifyV2 %.0f ns/event",
		     rep + 1, raw.v[rep], nat.v[rep], v2.v[rep]);
	}
	series_ratio(&r_raw, &v2, &raw, "GetClusterNotifyV2/read(2)");
	series_ratio(&r_nat, &v2, &nat, "GetClusterNotifyV2/clusnotify_read_event");
	snprintf(wl, sizeof(wl),
		 "%ld events posted (batches of 256) and queued on three ports at once, "
		 "then each port drained alone: read(2) with a 64 KiB buffer walking the "
		 "records; clusnotify_read_event() of libclusnotify; GetClusterNotifyV2() "
		 "with room for everything (4 UTF-16 strings and the payload), timeout 0. "
		 "Per event, the consumer touches the key, flag, object id and payload",
		 E);
	{
		const struct series *all[] = { &v2, &nat, &raw, &r_raw, &r_nat, &over };

		result_begin(&r, "library", "library",
			     "Library overhead per event", wl, E, opt.reps);
		result_series(&r, all, sizeof(all) / sizeof(all[0]));
		result_extra_begin(&r);
		result_num(&r, "checksum", (double)(sum & 0xffff));
		result_extra_end(&r);
		result_end(&r);
	}
	CloseClusterNotifyPort(h);
	CloseCluster(hc);
	clusnotify_port_close(np);
	close(fd);
	evset_free(&ev);
	bnl_cluster_unregister(&b, cid);
	bnl_close(&b);
	return 0;
}
