// SPDX-License-Identifier: GPL-2.0
/*
 * Each cluster's journal: its most recent events, so that a port can add
 * filters "since (epoch, seq)" and get what it missed, in order, before the
 * live events, with no gap and no duplicate, or one GAP record that says
 * what it cannot have.
 *
 * The journal is a ring of references to the events' bodies (the ones the
 * ports' queues share), under the cluster's post_lock. It always holds a
 * contiguous run of sequence numbers ending at the cluster's last: an event
 * numbered but not kept (no memory to build it, or larger than the byte
 * bound) empties it, so "the journal reaches back to seq S" means it has
 * every event after S.
 */

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include <kunit/visibility.h>

#include "internal.h"

unsigned int cn_max_journal_events = 4096;
module_param_named(max_journal_events, cn_max_journal_events, uint, 0644);
MODULE_PARM_DESC(max_journal_events, "Events each cluster keeps for ports that resume (read when the cluster is made; 0: none)");

unsigned long cn_max_journal_bytes = 4UL << 20;
module_param_named(max_journal_bytes, cn_max_journal_bytes, ulong, 0644);
MODULE_PARM_DESC(max_journal_bytes, "Bytes of records each cluster's journal keeps");
EXPORT_SYMBOL_IF_KUNIT(cn_max_journal_events);
EXPORT_SYMBOL_IF_KUNIT(cn_max_journal_bytes);

/* What one cluster's journal may hold at most, whatever the parameter. */
#define CN_JOURNAL_EVENTS_MAX	(1U << 20)

/**
 * cn_journal_init() - size a new cluster's journal
 * @j: the journal, zeroed
 *
 * Return: 0, or -ENOMEM.
 */
int cn_journal_init(struct cn_journal *j)
{
	u32 cap = min(READ_ONCE(cn_max_journal_events), CN_JOURNAL_EVENTS_MAX);

	if (!cap)
		return 0;
	j->ring = kvcalloc(cap, sizeof(*j->ring), GFP_KERNEL_ACCOUNT);
	if (!j->ring)
		return -ENOMEM;
	j->cap = cap;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(cn_journal_init);

static struct cn_event *oldest(struct cn_journal *j)
{
	return j->ring[j->head];
}

static void drop_oldest(struct cn_journal *j)
{
	struct cn_event *ev = oldest(j);

	j->ring[j->head] = NULL;
	j->head = (j->head + 1) % j->cap;
	j->n--;
	j->bytes -= ev->rec_len;
	cn_event_put(ev);
}

/**
 * cn_journal_clear() - drop every event of a journal
 * @j: the journal
 */
void cn_journal_clear(struct cn_journal *j)
{
	while (j->n)
		drop_oldest(j);
}
EXPORT_SYMBOL_IF_KUNIT(cn_journal_clear);

/**
 * cn_journal_destroy() - free a journal
 * @j: the journal
 */
void cn_journal_destroy(struct cn_journal *j)
{
	cn_journal_clear(j);
	kvfree(j->ring);
	j->ring = NULL;
	j->cap = 0;
}
EXPORT_SYMBOL_IF_KUNIT(cn_journal_destroy);

/**
 * cn_journal_append() - keep an event, the cluster's newest
 * @j: the cluster's journal
 * @ev: the event, numbered right after the journal's last; NULL for a
 *	number taken by an event that could not be built
 *
 * The oldest events go until the journal is within max_journal_events (as
 * sized) and max_journal_bytes. An event it cannot keep (NULL, or larger
 * than the byte bound alone) empties it: it never has a hole.
 *
 * Context: the cluster's post_lock held.
 */
void cn_journal_append(struct cn_journal *j, struct cn_event *ev)
{
	u64 max_bytes = READ_ONCE(cn_max_journal_bytes);

	if (!j->cap)
		return;
	if (!ev || ev->rec_len > max_bytes) {
		cn_journal_clear(j);
		return;
	}
	while (j->n && (j->n == j->cap || j->bytes + ev->rec_len > max_bytes))
		drop_oldest(j);
	j->ring[(j->head + j->n) % j->cap] = cn_event_get(ev);
	j->n++;
	j->bytes += ev->rec_len;
}
EXPORT_SYMBOL_IF_KUNIT(cn_journal_append);

/**
 * cn_journal_first() - the oldest sequence number a journal has
 * @j: the journal
 *
 * Return: the number, or 0 when it is empty.
 */
u64 cn_journal_first(struct cn_journal *j)
{
	return j->n ? oldest(j)->seq : 0;
}
EXPORT_SYMBOL_IF_KUNIT(cn_journal_first);

/**
 * cn_journal_event() - the journal's @i-th event, oldest first
 * @j: the journal
 * @i: below @j->n
 *
 * Return: the event, valid while post_lock is held.
 */
struct cn_event *cn_journal_event(struct cn_journal *j, u32 i)
{
	return j->ring[(j->head + i) % j->cap];
}
EXPORT_SYMBOL_IF_KUNIT(cn_journal_event);
