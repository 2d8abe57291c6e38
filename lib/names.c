// SPDX-License-Identifier: MIT
/*
 * Names of object types and change flags, for tools and logs.
 */
#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <strings.h>

#include "clusnotify.h"
#include "internal.h"

struct flag_name {
	uint64_t flag;
	const char *name;
};

#define F(type, name)	{ CLUSNOTIFY_##type##_##name, #name }

static const struct flag_name cluster_flags[] = {
	F(CLUSTER, RECONNECT), F(CLUSTER, STATE), F(CLUSTER, GROUP_ADDED),
	F(CLUSTER, HANDLE_CLOSE), F(CLUSTER, NETWORK_ADDED),
	F(CLUSTER, NODE_ADDED), F(CLUSTER, RESOURCE_TYPE_ADDED),
	F(CLUSTER, COMMON_PROPERTY), F(CLUSTER, PRIVATE_PROPERTY),
	F(CLUSTER, LOST_NOTIFICATIONS), F(CLUSTER, RENAME),
	F(CLUSTER, MEMBERSHIP), F(CLUSTER, UPGRADED), { 0, NULL }
};

static const struct flag_name group_flags[] = {
	F(GROUP, DELETED), F(GROUP, COMMON_PROPERTY), F(GROUP, PRIVATE_PROPERTY),
	F(GROUP, STATE), F(GROUP, OWNER_NODE), F(GROUP, PREFERRED_OWNERS),
	F(GROUP, RESOURCE_ADDED), F(GROUP, RESOURCE_GAINED),
	F(GROUP, RESOURCE_LOST), F(GROUP, HANDLE_CLOSE), { 0, NULL }
};

static const struct flag_name resource_flags[] = {
	F(RESOURCE, COMMON_PROPERTY), F(RESOURCE, PRIVATE_PROPERTY),
	F(RESOURCE, STATE), F(RESOURCE, OWNER_GROUP), F(RESOURCE, DEPENDENCIES),
	F(RESOURCE, DEPENDENTS), F(RESOURCE, POSSIBLE_OWNERS),
	F(RESOURCE, DELETED), F(RESOURCE, DLL_UPGRADED),
	F(RESOURCE, HANDLE_CLOSE), F(RESOURCE, TERMINAL_STATE), { 0, NULL }
};

static const struct flag_name resource_type_flags[] = {
	F(RESOURCE_TYPE, DELETED), F(RESOURCE_TYPE, COMMON_PROPERTY),
	F(RESOURCE_TYPE, PRIVATE_PROPERTY), F(RESOURCE_TYPE, POSSIBLE_OWNERS),
	F(RESOURCE_TYPE, DLL_UPGRADED), F(RESOURCE_TYPE, SPECIFIC), { 0, NULL }
};

static const struct flag_name netinterface_flags[] = {
	F(NETINTERFACE, DELETED), F(NETINTERFACE, COMMON_PROPERTY),
	F(NETINTERFACE, PRIVATE_PROPERTY), F(NETINTERFACE, STATE),
	F(NETINTERFACE, HANDLE_CLOSE), { 0, NULL }
};

static const struct flag_name network_flags[] = {
	F(NETWORK, DELETED), F(NETWORK, COMMON_PROPERTY),
	F(NETWORK, PRIVATE_PROPERTY), F(NETWORK, STATE),
	F(NETWORK, HANDLE_CLOSE), { 0, NULL }
};

static const struct flag_name node_flags[] = {
	F(NODE, NETINTERFACE_ADDED), F(NODE, DELETED), F(NODE, COMMON_PROPERTY),
	F(NODE, PRIVATE_PROPERTY), F(NODE, STATE), F(NODE, GROUP_GAINED),
	F(NODE, GROUP_LOST), F(NODE, HANDLE_CLOSE), { 0, NULL }
};

static const struct flag_name registry_flags[] = {
	F(REGISTRY, ATTRIBUTES), F(REGISTRY, NAME), F(REGISTRY, SUBTREE),
	F(REGISTRY, VALUE), F(REGISTRY, HANDLE_CLOSE), { 0, NULL }
};

static const struct flag_name quorum_flags[] = {
	F(QUORUM, STATE), { 0, NULL }
};

static const struct flag_name shared_volume_flags[] = {
	F(SHARED_VOLUME, STATE), F(SHARED_VOLUME, ADDED),
	F(SHARED_VOLUME, REMOVED), { 0, NULL }
};

static const struct flag_name spaceport_flags[] = {
	F(SPACEPORT, CUSTOM_PNP), { 0, NULL }
};

static const struct flag_name upgrade_flags[] = {
	F(UPGRADE, NODE_PREPARE), F(UPGRADE, NODE_COMMIT),
	F(UPGRADE, NODE_POSTCOMMIT), { 0, NULL }
};

static const struct flag_name groupset_flags[] = {
	F(GROUPSET, DELETED), F(GROUPSET, COMMON_PROPERTY),
	F(GROUPSET, PRIVATE_PROPERTY), F(GROUPSET, STATE),
	F(GROUPSET, GROUP_ADDED), F(GROUPSET, GROUP_REMOVED),
	F(GROUPSET, DEPENDENCIES), F(GROUPSET, DEPENDENTS),
	F(GROUPSET, HANDLE_CLOSE), { 0, NULL }
};

#undef F

static const struct type_desc {
	const char *name;
	uint64_t all;
	const struct flag_name *flags;
} types[CLUSNOTIFY_OBJ_MAX + 1] = {
#define T(type, flagtype, table) \
	[CLUSNOTIFY_OBJ_##type] = { #type, CLUSNOTIFY_##flagtype##_ALL, table }
	[CLUSNOTIFY_OBJ_NONE] = { "NONE", 0, NULL },
	T(CLUSTER, CLUSTER, cluster_flags),
	T(GROUP, GROUP, group_flags),
	T(RESOURCE, RESOURCE, resource_flags),
	T(RESOURCE_TYPE, RESOURCE_TYPE, resource_type_flags),
	T(NETWORK_INTERFACE, NETINTERFACE, netinterface_flags),
	T(NETWORK, NETWORK, network_flags),
	T(NODE, NODE, node_flags),
	T(REGISTRY, REGISTRY, registry_flags),
	T(QUORUM, QUORUM, quorum_flags),
	T(SHARED_VOLUME, SHARED_VOLUME, shared_volume_flags),
	T(SPACEPORT, SPACEPORT, spaceport_flags),
	T(UPGRADE, UPGRADE, upgrade_flags),
	T(GROUPSET, GROUPSET, groupset_flags),
	T(AFFINITYRULE, AFFINITYRULE, NULL),
	T(FAULTDOMAIN, FAULTDOMAIN, NULL),
#undef T
};

static const struct type_desc *type_desc(uint32_t type)
{
	if (type >= ARRAY_SIZE(types) || !types[type].name)
		return NULL;
	return &types[type];
}

__cn_public const char *clusnotify_type_name(uint32_t object_type)
{
	const struct type_desc *t = type_desc(object_type);

	return t ? t->name : NULL;
}

/* Accepts the uapi spelling and NETINTERFACE for NETWORK_INTERFACE. */
__cn_public int clusnotify_type_from_name(const char *name, uint32_t *object_type)
{
	uint32_t i;

	if (!name || !object_type)
		return -EINVAL;
	if (!strcasecmp(name, "NETINTERFACE")) {
		*object_type = CLUSNOTIFY_OBJ_NETWORK_INTERFACE;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(types); i++) {
		if (types[i].name && !strcasecmp(types[i].name, name)) {
			*object_type = i;
			return 0;
		}
	}
	return -ENOENT;
}

__cn_public uint64_t clusnotify_type_all(uint32_t object_type)
{
	const struct type_desc *t = type_desc(object_type);

	return t ? t->all : 0;
}

__cn_public const char *clusnotify_flag_name(uint32_t object_type, uint64_t flag)
{
	const struct type_desc *t = type_desc(object_type);
	const struct flag_name *f;

	if (!t || !t->flags)
		return NULL;
	for (f = t->flags; f->name; f++)
		if (f->flag == flag)
			return f->name;
	return NULL;
}

/* A flag name, or ALL for the type's whole mask. */
__cn_public int clusnotify_flag_from_name(uint32_t object_type, const char *name,
					  uint64_t *flag)
{
	const struct type_desc *t = type_desc(object_type);
	const struct flag_name *f;

	if (!name || !flag)
		return -EINVAL;
	if (!t || !t->flags)
		return -ENOENT;
	if (!strcasecmp(name, "ALL")) {
		*flag = t->all;
		return 0;
	}
	for (f = t->flags; f->name; f++) {
		if (!strcasecmp(f->name, name)) {
			*flag = f->flag;
			return 0;
		}
	}
	return -ENOENT;
}
