// SPDX-License-Identifier: GPL-2.0
/*
 * Per-user accounting: how many ports a user holds, how many bytes of
 * records are queued for it and how many filters and registrations it has,
 * so that no unprivileged user can grow the module's memory or its posters'
 * work without bound.
 *
 * A user is a (user namespace, kuid) pair, and its charges are also charged
 * to the owner of its namespace in the parent namespace, and so on up to the
 * initial one, as the kernel's ucounts do for inotify: the uids of a rootless
 * container all charge the one user who made the container, so 65,536
 * subuids do not multiply any limit. (The module cannot add a UCOUNT_ type,
 * so it keeps its own tree.) A charge succeeds only if every level stays
 * within the limit.
 */

#include <linux/hash.h>
#include <linux/hashtable.h>
#include <linux/slab.h>
#include <linux/spinlock.h>
#include <linux/user_namespace.h>

#include "internal.h"

/*
 * Entries exist only while a port holds them (directly or through a child
 * namespace's entry), so a user's chain here is bounded by its own
 * max_user_ports.
 */
static DEFINE_HASHTABLE(cn_users, 8);
static DEFINE_SPINLOCK(cn_users_lock);

static u32 user_hash(const struct user_namespace *ns, kuid_t uid)
{
	return hash_ptr(ns, 32) ^ __kuid_val(uid);
}

/*
 * Finds or makes the entry of (@ns, @uid), whose parent entry is @parent.
 * Takes over the caller's reference on @parent on success.
 */
static struct cn_user *get_one(struct user_namespace *ns, kuid_t uid,
			       struct cn_user *parent)
{
	struct cn_user *user, *fresh;
	u32 key = user_hash(ns, uid);

	fresh = kzalloc(sizeof(*fresh), GFP_KERNEL);
	spin_lock(&cn_users_lock);
	hash_for_each_possible(cn_users, user, node, key) {
		if (user->ns == ns && uid_eq(user->uid, uid)) {
			refcount_inc(&user->ref);
			spin_unlock(&cn_users_lock);
			kfree(fresh);
			/* It holds its own reference on the same parent. */
			if (parent)
				refcount_dec(&parent->ref);
			return user;
		}
	}
	if (fresh) {
		fresh->ns = get_user_ns(ns);
		fresh->uid = uid;
		fresh->parent = parent;
		refcount_set(&fresh->ref, 1);
		hash_add(cn_users, &fresh->node, key);
	}
	spin_unlock(&cn_users_lock);
	return fresh;
}

/**
 * cn_user_get() - find or make the accounting of a user
 * @ns: the user's namespace
 * @uid: the user
 *
 * Makes the entries of the owners of every ancestor namespace as well, each
 * referenced by the entry below it.
 *
 * Return: a referenced struct cn_user, or NULL without memory.
 */
struct cn_user *cn_user_get(struct user_namespace *ns, kuid_t uid)
{
	struct cn_user *user = NULL;
	int level;

	for (level = 0; level <= ns->level; level++) {
		struct user_namespace *at = ns;
		kuid_t key = uid;
		struct cn_user *next;

		/* The key at @level: the ancestor there, and its child's owner. */
		while (at->level > level) {
			key = at->owner;
			at = at->parent;
		}
		next = get_one(at, key, user);
		if (!next) {
			if (user)
				cn_user_put(user);
			return NULL;
		}
		user = next;
	}
	return user;
}

/**
 * cn_user_get_exempt() - accounting of its own for a port the limits exempt
 *
 * An in-kernel subscriber's port, or one opened with CAP_SYS_RESOURCE, is
 * still counted, but apart: charged to its user, it would use up what that
 * user's namespaces share (every container owned by root charges the
 * initial namespace's root).
 *
 * Return: a referenced struct cn_user in no namespace, or NULL without memory.
 */
struct cn_user *cn_user_get_exempt(void)
{
	struct cn_user *user = kzalloc(sizeof(*user), GFP_KERNEL);

	if (user) {
		INIT_HLIST_NODE(&user->node);
		refcount_set(&user->ref, 1);
	}
	return user;
}

/**
 * cn_user_put() - drop a reference from cn_user_get()
 * @user: the accounting
 */
void cn_user_put(struct cn_user *user)
{
	while (user) {
		struct cn_user *parent = user->parent;
		int i;

		if (!refcount_dec_and_lock(&user->ref, &cn_users_lock))
			return;
		hash_del(&user->node);
		spin_unlock(&cn_users_lock);
		for (i = 0; i < CN_USER_NCOUNTS; i++)
			WARN_ON_ONCE(atomic_long_read(&user->count[i]));
		put_user_ns(user->ns);
		kfree(user);
		user = parent;
	}
}

static bool add_within(atomic_long_t *v, long n, long limit)
{
	long old = atomic_long_read(v);

	do {
		if (old > limit - n)
			return false;
	} while (!atomic_long_try_cmpxchg(v, &old, old + n));
	return true;
}

/**
 * cn_user_charge() - charge a user and the owners of its namespaces
 * @user: the accounting
 * @what: which count
 * @n: how much, >= 0
 * @limit: the bound at every level; LONG_MAX for an exempt charge
 *
 * Never overshoots: a charge that would take any level past @limit charges
 * nothing. Cost: one atomic per namespace level (at most 33).
 *
 * Return: true if charged.
 *
 * Context: any.
 */
bool cn_user_charge(struct cn_user *user, enum cn_user_count what, long n,
		    long limit)
{
	struct cn_user *u, *failed;

	for (u = user; u; u = u->parent)
		if (!add_within(&u->count[what], n, limit))
			goto undo;
	return true;
undo:
	failed = u;
	for (u = user; u != failed; u = u->parent)
		atomic_long_sub(n, &u->count[what]);
	return false;
}

/**
 * cn_user_uncharge() - undo cn_user_charge()
 * @user: the accounting
 * @what: which count
 * @n: what was charged
 */
void cn_user_uncharge(struct cn_user *user, enum cn_user_count what, long n)
{
	for (; user; user = user->parent)
		atomic_long_sub(n, &user->count[what]);
}

void cn_users_exit(void)
{
	WARN_ON(!hash_empty(cn_users));
}
