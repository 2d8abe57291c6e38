// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user accounting: how many ports a user holds and how many bytes of
 * records are queued for it, so that no unprivileged user can grow the
 * module's memory without bound.
 */

#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/spinlock.h>

#include "internal.h"

static DEFINE_HASHTABLE(cn_users, 6);
static DEFINE_SPINLOCK(cn_users_lock);

/**
 * cn_user_get() - find or make the accounting of a user
 * @uid: the user
 *
 * Return: a referenced struct cn_user, or NULL without memory.
 */
struct cn_user *cn_user_get(kuid_t uid)
{
	struct cn_user *user, *fresh;
	u32 key = __kuid_val(uid);

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	spin_lock(&cn_users_lock);
	hash_for_each_possible(cn_users, user, node, key) {
		if (uid_eq(user->uid, uid)) {
			refcount_inc(&user->ref);
			goto out;
		}
	}
	user = fresh;
	fresh = NULL;
	if (user) {
		user->uid = uid;
		refcount_set(&user->ref, 1);
		hash_add(cn_users, &user->node, key);
	}
out:
	spin_unlock(&cn_users_lock);
	kfree(fresh);
	return user;
}

/**
 * cn_user_put() - drop a reference from cn_user_get()
 * @user: the accounting
 */
void cn_user_put(struct cn_user *user)
{
	if (!refcount_dec_and_lock(&user->ref, &cn_users_lock))
		return;
	hash_del(&user->node);
	spin_unlock(&cn_users_lock);
	WARN_ON_ONCE(atomic_long_read(&user->queued_bytes));
	kfree(user);
}

void cn_users_exit(void)
{
	WARN_ON(!hash_empty(cn_users));
}
