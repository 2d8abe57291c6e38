/* SPDX-License-Identifier: MIT */
/*
 * The table of live clusapi handles (see handle.c).
 */
#ifndef LIBCLUSNOTIFY_HANDLE_H
#define LIBCLUSNOTIFY_HANDLE_H

/*
 * Embedded first in every object behind a handle. @refs is guarded by the
 * table's lock; @destroy runs when it drops to zero.
 */
struct cn_handle {
	unsigned int kind;	/* bit number in the masks of get and remove */
	unsigned int refs;
	void *value;
	void (*destroy)(struct cn_handle *h);
};

/* Makes @h live (one reference, the table's); its value, or NULL if full. */
void *__cn_handle_add(struct cn_handle *h);
/* The live object of @value whose kind is in @kinds, with a reference. */
struct cn_handle *__cn_handle_get(const void *value, unsigned int kinds);
void __cn_handle_ref(struct cn_handle *h);
void __cn_handle_put(struct cn_handle *h);
/* Ends @value; the caller gets the table's reference, or NULL. */
struct cn_handle *__cn_handle_remove(const void *value, unsigned int kinds);

#endif /* LIBCLUSNOTIFY_HANDLE_H */
