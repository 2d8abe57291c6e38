// SPDX-License-Identifier: GPL-2.0
/*
 * Event bodies: each event is laid out once, exactly as read() will return
 * it after its header, and shared by every queue it reaches.
 */

#include <linux/align.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include <kunit/visibility.h>

#include "internal.h"

/* struct cn_event's comment: what a poster reads per port starts a line. */
static_assert(offsetof(struct cn_event, rec_len) == 64);

/* The five strings of a record, in their order, and their lengths. */
struct cn_layout {
	const char *s[5];
	size_t len[5];
	size_t payload_off;
	size_t rec_len;
};

/*
 * Measures each string once: the length check, the layout and the copy
 * all use these lengths (a batch of 256 events measured each string four
 * times before).
 */
static void layout(const struct clusnotify_post_event *d, const char *prev_owner,
		   struct cn_layout *l)
{
	size_t strs = 0;
	int i;

	l->s[0] = d->object_id;
	l->s[1] = d->parent_id;
	l->s[2] = d->name;
	l->s[3] = d->type_name;
	l->s[4] = prev_owner;
	for (i = 0; i < 5; i++) {
		l->len[i] = l->s[i] ? strlen(l->s[i]) : 0;
		strs += l->len[i] + 1;
	}
	l->payload_off = ALIGN(sizeof(struct clusnotify_record) + strs, 8);
	l->rec_len = ALIGN(l->payload_off + d->payload_len, 8);
}

/**
 * cn_event_len() - the record length cn_event_build() would lay out
 * @d: the event, as for cn_event_build()
 *
 * Lets a caller reserve queue room before it allocates the record.
 *
 * Return: the padded record length.
 */
size_t cn_event_len(const struct clusnotify_post_event *d)
{
	struct cn_layout l;

	layout(d, NULL, &l);
	return l.rec_len;
}

/**
 * cn_event_build() - lay out one event record
 * @d: the event; its strings must be valid and within their bounds
 * @rec_flags: CLUSNOTIFY_RECORD_*
 * @gfp: allocation flags; __GFP_ACCOUNT charges whoever builds it
 *
 * The caller fills in cluster_id, seq and timestamp_ns.
 *
 * Return: the event with one reference, or NULL without memory.
 */
struct cn_event *cn_event_build(const struct clusnotify_post_event *d, u16 rec_flags,
				gfp_t gfp)
{
	struct cn_event *ev = cn_event_build_prev(d, NULL, rec_flags, gfp);

	/* The caller checked the length: -EINVAL here is a bug. */
	WARN_ON_ONCE(ev == ERR_PTR(-EINVAL));
	return IS_ERR(ev) ? NULL : ev;
}
EXPORT_SYMBOL_IF_KUNIT(cn_event_build);

/**
 * cn_event_build_prev() - lay out one event record with a previous owner
 * @d: the event, as for cn_event_build()
 * @prev_owner: the owner before the change the event tells, or NULL; a
 *	valid, bounded id, laid out as a fifth string after the type name
 * @rec_flags: CLUSNOTIFY_RECORD_*
 * @gfp: allocation flags
 *
 * The previous state is CLUSNOTIFY_STATE_UNKNOWN until the caller sets it.
 *
 * Return: the event with one reference; ERR_PTR(-EINVAL) if the record
 * would pass CLUSNOTIFY_RECORD_MAX, ERR_PTR(-ENOMEM) without memory.
 */
struct cn_event *cn_event_build_prev(const struct clusnotify_post_event *d,
				     const char *prev_owner, u16 rec_flags,
				     gfp_t gfp)
{
	const size_t hdr = sizeof(struct clusnotify_record);
	struct cn_event *ev;
	struct cn_layout l;
	char *p;
	int i;

	layout(d, prev_owner, &l);
	if (l.rec_len > CLUSNOTIFY_RECORD_MAX)
		return ERR_PTR(-EINVAL);

	/* Zeroed: the padding is copied to the reader as it is. */
	ev = kzalloc(sizeof(*ev) + l.rec_len - hdr, gfp);
	if (!ev)
		return ERR_PTR(-ENOMEM);
	refcount_set(&ev->ref, 1);
	ev->rec_len = l.rec_len;
	ev->rec_flags = rec_flags;
	ev->object_type = d->object_type;
	ev->flag = d->flag;

	p = ev->data;
	for (i = 0; i < 5; i++) {
		/* The NUL after each string is kzalloc's. */
		if (l.len[i])
			memcpy(p, l.s[i], l.len[i]);
		p += l.len[i] + 1;
	}
	ev->id_len = l.len[0];
	ev->parent_len = l.len[1];
	ev->name_len = l.len[2];
	ev->type_len = l.len[3];
	ev->prev_owner_len = l.len[4];
	ev->prev_state = CLUSNOTIFY_STATE_UNKNOWN;
	ev->payload_off = l.payload_off;
	ev->payload_len = d->payload_len;
	if (d->payload_len)
		memcpy(ev->data + l.payload_off - hdr, d->payload, d->payload_len);
	return ev;
}

/**
 * cn_event_make() - build a record the module makes itself for a cluster
 * @cl: the cluster it belongs to
 * @d: the event, as for cn_event_build()
 * @rec_flags: CLUSNOTIFY_RECORD_*
 * @seq: its sequence number: the next one for an event every watcher gets,
 *	the cluster's last for a snapshot's, 0 for one made for one port
 * @gfp: allocation flags
 *
 * The one place the module's own records (HANDLE_CLOSE, snapshot records
 * and their end marker, the cluster's STATE and RECONNECT) get their
 * cluster, epoch, sequence number and time.
 *
 * Return: the event with one reference, or NULL without memory.
 */
struct cn_event *cn_event_make(struct cn_cluster *cl,
			       const struct clusnotify_post_event *d,
			       u16 rec_flags, u64 seq, gfp_t gfp)
{
	struct cn_event *ev = cn_event_build(d, rec_flags, gfp);

	if (!ev)
		return NULL;
	ev->cluster_id = cl->id;
	ev->epoch = cl->epoch;
	ev->seq = seq;
	ev->timestamp_ns = ktime_get_real_ns();
	return ev;
}

/**
 * cn_post_event_validate() - check an event a producer posts
 * @e: the event
 *
 * Return: 0, or -EINVAL for an event of an object other than the cluster
 * without an object id, a flag that is not exactly one postable flag of its
 * type, a string over its bound or not UTF-8, a payload over
 * CLUSNOTIFY_PAYLOAD_MAX, or strings and payload that together would make
 * a record over CLUSNOTIFY_RECORD_MAX.
 */
int cn_post_event_validate(const struct clusnotify_post_event *e)
{
	/* Only a cluster's own events may leave the object unnamed. */
	if (e->object_type != CLUSNOTIFY_OBJ_CLUSTER &&
	    (!e->object_id || !e->object_id[0]))
		return -EINVAL;
	if (cn_event_flag_validate(e->object_type, e->flag) ||
	    e->payload_len > CLUSNOTIFY_PAYLOAD_MAX ||
	    (e->payload_len && !e->payload) ||
	    (e->object_id && !cn_string_valid(e->object_id, CLUSNOTIFY_ID_MAX)) ||
	    (e->parent_id && !cn_string_valid(e->parent_id, CLUSNOTIFY_ID_MAX)) ||
	    (e->name && !cn_string_valid(e->name, CLUSNOTIFY_NAME_MAX)) ||
	    (e->type_name &&
	     !cn_string_valid(e->type_name, CLUSNOTIFY_TYPE_NAME_MAX)))
		return -EINVAL;
	if (cn_event_len(e) > CLUSNOTIFY_RECORD_MAX)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cn_post_event_validate);

/**
 * cn_event_put() - drop a reference to an event
 * @ev: the event
 *
 * Context: any; frees the event with the last reference.
 */
void cn_event_put(struct cn_event *ev)
{
	if (refcount_dec_and_test(&ev->ref))
		kfree(ev);
}
EXPORT_SYMBOL_IF_KUNIT(cn_event_put);

/**
 * cn_event_spare_begin() - let a post take queue references in advance
 * @ev: an event the caller is about to queue, holding a reference to it
 * @spare: the caller's count of references taken and not yet used
 *
 * Until cn_event_spare_end(), cn_event_get_queued() takes from @spare.
 *
 * Context: the post that built @ev, under its cluster's post_lock: no one
 * else queues @ev meanwhile.
 */
void cn_event_spare_begin(struct cn_event *ev, u32 *spare)
{
	*spare = CN_EVENT_SPARE_FIRST;
	ev->spare = spare;
}
EXPORT_SYMBOL_IF_KUNIT(cn_event_spare_begin);

/**
 * cn_event_spare_end() - give back the references a post did not use
 * @ev: the event, its caller's reference still held
 */
void cn_event_spare_end(struct cn_event *ev)
{
	u32 *spare = ev->spare;

	ev->spare = NULL;
	/* The caller's own reference keeps @ev: this never frees it. */
	if (spare && *spare && *spare != CN_EVENT_SPARE_FIRST)
		WARN_ON_ONCE(refcount_sub_and_test(*spare, &ev->ref));
}
EXPORT_SYMBOL_IF_KUNIT(cn_event_spare_end);
