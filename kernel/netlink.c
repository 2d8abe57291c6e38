// SPDX-License-Identifier: GPL-2.0
/*
 * The "clusnotify" generic netlink family: how a daemon registers clusters,
 * keeps their objects and posts events, and how monitors listen.
 *
 * Every attribute is validated by a strict policy, one per nesting level;
 * batches are validated as a whole before anything changes.
 */

#include <linux/netlink.h>
#include <linux/notifier.h>
#include <net/genetlink.h>
#include <net/netlink.h>
#include <net/sock.h>

#include "internal.h"

static const struct nla_policy cn_obj_policy[CLUSNOTIFY_OBJ_A_MAX + 1] = {
	[CLUSNOTIFY_OBJ_A_TYPE] = NLA_POLICY_RANGE(NLA_U32, 1, CLUSNOTIFY_OBJ_MAX),
	[CLUSNOTIFY_OBJ_A_ID] = { .type = NLA_NUL_STRING,
				  .len = CLUSNOTIFY_ID_MAX - 1 },
	[CLUSNOTIFY_OBJ_A_NAME] = { .type = NLA_NUL_STRING,
				    .len = CLUSNOTIFY_NAME_MAX - 1 },
	[CLUSNOTIFY_OBJ_A_PARENT_ID] = { .type = NLA_NUL_STRING,
					 .len = CLUSNOTIFY_ID_MAX - 1 },
	[CLUSNOTIFY_OBJ_A_TYPE_NAME] = { .type = NLA_NUL_STRING,
					 .len = CLUSNOTIFY_TYPE_NAME_MAX - 1 },
	[CLUSNOTIFY_OBJ_A_STATE] = { .type = NLA_S32 },
};

static const struct nla_policy cn_ev_policy[CLUSNOTIFY_EV_A_MAX + 1] = {
	[CLUSNOTIFY_EV_A_OBJ_TYPE] = NLA_POLICY_RANGE(NLA_U32, 1,
						      CLUSNOTIFY_OBJ_MAX),
	[CLUSNOTIFY_EV_A_FLAG] = { .type = NLA_U64 },
	[CLUSNOTIFY_EV_A_OBJ_ID] = { .type = NLA_NUL_STRING,
				     .len = CLUSNOTIFY_ID_MAX - 1 },
	[CLUSNOTIFY_EV_A_PARENT_ID] = { .type = NLA_NUL_STRING,
					.len = CLUSNOTIFY_ID_MAX - 1 },
	[CLUSNOTIFY_EV_A_NAME] = { .type = NLA_NUL_STRING,
				   .len = CLUSNOTIFY_NAME_MAX - 1 },
	[CLUSNOTIFY_EV_A_TYPE_NAME] = { .type = NLA_NUL_STRING,
					.len = CLUSNOTIFY_TYPE_NAME_MAX - 1 },
	[CLUSNOTIFY_EV_A_PAYLOAD] = { .type = NLA_BINARY,
				      .len = CLUSNOTIFY_PAYLOAD_MAX },
	[CLUSNOTIFY_EV_A_SEQ] = { .type = NLA_REJECT },
	[CLUSNOTIFY_EV_A_TIMESTAMP] = { .type = NLA_REJECT },
	[CLUSNOTIFY_EV_A_PAD] = { .type = NLA_REJECT },
	[CLUSNOTIFY_EV_A_EPOCH] = { .type = NLA_REJECT },
};

static const struct nla_policy cn_policy[CLUSNOTIFY_A_MAX + 1] = {
	[CLUSNOTIFY_A_CLUSTER_ID] = NLA_POLICY_MIN(NLA_U32, 1),
	[CLUSNOTIFY_A_CLUSTER_NAME] = { .type = NLA_NUL_STRING,
					.len = CLUSNOTIFY_CLUSTER_NAME_MAX - 1 },
	[CLUSNOTIFY_A_CLUSTER_STATE] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_CLUSTER_STATS] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_OBJECTS] = NLA_POLICY_NESTED_ARRAY(cn_obj_policy),
	[CLUSNOTIFY_A_OBJECT] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_EVENTS] = NLA_POLICY_NESTED_ARRAY(cn_ev_policy),
	[CLUSNOTIFY_A_EVENT] = { .type = NLA_REJECT },
	[CLUSNOTIFY_A_PAD] = { .type = NLA_REJECT },
};

static struct genl_family cn_family;

static int need(struct genl_info *info, int attr)
{
	if (info->attrs[attr])
		return 0;
	if (attr == CLUSNOTIFY_A_CLUSTER_ID)
		GENL_SET_ERR_MSG(info, "missing CLUSTER_ID");
	else if (attr == CLUSNOTIFY_A_CLUSTER_NAME)
		GENL_SET_ERR_MSG(info, "missing CLUSTER_NAME");
	else if (attr == CLUSNOTIFY_A_OBJECTS)
		GENL_SET_ERR_MSG(info, "missing OBJECTS");
	else
		GENL_SET_ERR_MSG(info, "missing EVENTS");
	return -EINVAL;
}

static struct cn_cluster *cluster_from(struct genl_info *info)
{
	struct cn_cluster *cl;

	cl = cn_cluster_get_by_id(genl_info_net(info),
				  nla_get_u32(info->attrs[CLUSNOTIFY_A_CLUSTER_ID]));
	if (!cl)
		NL_SET_ERR_MSG_ATTR(info->extack,
				    info->attrs[CLUSNOTIFY_A_CLUSTER_ID],
				    "no such cluster");
	return cl;
}

static const char *str_attr(struct nlattr *a, size_t max,
			    struct netlink_ext_ack *extack, int *err)
{
	const char *s;

	if (!a)
		return NULL;
	s = nla_data(a);
	if (!cn_string_valid(s, max)) {
		NL_SET_ERR_MSG_ATTR(extack, a, "string is not valid UTF-8");
		*err = -EINVAL;
	}
	return s;
}

static int put_journal(struct sk_buff *skb, struct cn_cluster *cl)
{
	u64 bytes, first;
	u32 n;

	mutex_lock(&cl->post_lock);
	n = cl->journal.n;
	bytes = cl->journal.bytes;
	first = cn_journal_first(&cl->journal);
	mutex_unlock(&cl->post_lock);
	return nla_put_u32(skb, CLUSNOTIFY_STAT_JOURNAL_EVENTS, n) ||
	       nla_put_u64_64bit(skb, CLUSNOTIFY_STAT_JOURNAL_BYTES, bytes,
				 CLUSNOTIFY_STAT_PAD) ||
	       nla_put_u64_64bit(skb, CLUSNOTIFY_STAT_JOURNAL_FIRST, first,
				 CLUSNOTIFY_STAT_PAD);
}

/*
 * What put_stats() adds: a nest of eight u64 and four u32 attributes (keep
 * the two in step: a post that took place must not answer -EMSGSIZE). A
 * post's answer is sized with it: NLMSG_DEFAULT_SIZE would allocate (and,
 * with init_on_alloc, zero) a page and more per post.
 */
static size_t stats_size(void)
{
	return nla_total_size(0) + 8 * nla_total_size_64bit(sizeof(u64)) +
	       4 * nla_total_size(sizeof(u32));
}

static int put_stats(struct sk_buff *skb, struct cn_cluster *cl)
{
	struct nlattr *nest = nla_nest_start(skb, CLUSNOTIFY_A_CLUSTER_STATS);

	if (!nest ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_STAT_SEQ, READ_ONCE(cl->seq),
			      CLUSNOTIFY_STAT_PAD) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_STAT_POSTED,
			      atomic64_read(&cl->posted), CLUSNOTIFY_STAT_PAD) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_STAT_MATCHED,
			      atomic64_read(&cl->matched), CLUSNOTIFY_STAT_PAD) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_STAT_DELIVERED,
			      atomic64_read(&cl->delivered), CLUSNOTIFY_STAT_PAD) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_STAT_LOST,
			      atomic64_read(&cl->lost), CLUSNOTIFY_STAT_PAD) ||
	    nla_put_u32(skb, CLUSNOTIFY_STAT_OBJECTS, READ_ONCE(cl->nobjects)) ||
	    nla_put_u32(skb, CLUSNOTIFY_STAT_PORTS, READ_ONCE(cl->nports)) ||
	    nla_put_u32(skb, CLUSNOTIFY_STAT_RECONNECTS,
			READ_ONCE(cl->reconnects)) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_STAT_EPOCH, cl->epoch,
			      CLUSNOTIFY_STAT_PAD) ||
	    put_journal(skb, cl))
		return -EMSGSIZE;
	nla_nest_end(skb, nest);
	return 0;
}

static int fill_cluster(struct sk_buff *skb, u32 portid, u32 seq, int flags,
			u8 cmd, struct cn_cluster *cl)
{
	void *hdr = genlmsg_put(skb, portid, seq, &cn_family, flags, cmd);

	if (!hdr)
		return -EMSGSIZE;
	if (nla_put_u32(skb, CLUSNOTIFY_A_CLUSTER_ID, cl->id) ||
	    nla_put_string(skb, CLUSNOTIFY_A_CLUSTER_NAME, cl->name) ||
	    nla_put_u32(skb, CLUSNOTIFY_A_CLUSTER_STATE, READ_ONCE(cl->state)) ||
	    put_stats(skb, cl)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	genlmsg_end(skb, hdr);
	return 0;
}

/* Sends @msg, allocated by the caller before it changed anything. */
static int reply_cluster(struct sk_buff *msg, struct genl_info *info,
			 struct cn_cluster *cl)
{
	int ret;

	ret = fill_cluster(msg, info->snd_portid, info->snd_seq, 0,
			   info->genlhdr->cmd, cl);
	if (ret) {
		nlmsg_free(msg);
		return ret;
	}
	return genlmsg_reply(msg, info);
}

static int cn_nl_cluster_register(struct sk_buff *skb, struct genl_info *info)
{
	struct net *net = genl_info_net(info);
	struct sk_buff *msg;
	struct cn_cluster *cl;
	const char *name;
	int ret = 0;
	u32 id;

	if (need(info, CLUSNOTIFY_A_CLUSTER_NAME))
		return -EINVAL;
	name = str_attr(info->attrs[CLUSNOTIFY_A_CLUSTER_NAME],
			CLUSNOTIFY_CLUSTER_NAME_MAX, info->extack, &ret);
	if (ret)
		return ret;
	if (!name[0]) {
		GENL_SET_ERR_MSG(info, "cluster name is empty");
		return -EINVAL;
	}
	/* An answer of -ENOMEM must mean nothing was registered. */
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	if (!msg)
		return -ENOMEM;
	ret = cn_cluster_register(net, name, info->snd_portid,
				  NETLINK_CB(skb).sk, &id);
	if (ret)
		goto err_free;
	cl = cn_cluster_get_by_id(net, id);
	if (!cl) {
		ret = -ENOENT;
		goto err_free;
	}
	ret = reply_cluster(msg, info, cl);
	cn_cluster_put(cl);
	return ret;

err_free:
	nlmsg_free(msg);
	return ret;
}

static int cn_nl_cluster_unregister(struct sk_buff *skb, struct genl_info *info)
{
	if (need(info, CLUSNOTIFY_A_CLUSTER_ID))
		return -EINVAL;
	return cn_cluster_unregister(genl_info_net(info),
			nla_get_u32(info->attrs[CLUSNOTIFY_A_CLUSTER_ID]),
			info->snd_portid, NETLINK_CB(skb).sk);
}

static int cn_nl_cluster_get(struct sk_buff *skb, struct genl_info *info)
{
	struct sk_buff *msg;
	struct cn_cluster *cl;
	int ret;

	if (info->attrs[CLUSNOTIFY_A_CLUSTER_ID]) {
		cl = cluster_from(info);
	} else if (info->attrs[CLUSNOTIFY_A_CLUSTER_NAME]) {
		cl = cn_cluster_get_by_name(genl_info_net(info),
			nla_data(info->attrs[CLUSNOTIFY_A_CLUSTER_NAME]));
	} else {
		GENL_SET_ERR_MSG(info, "need a cluster id or name");
		return -EINVAL;
	}
	if (!cl)
		return -ENOENT;
	msg = nlmsg_new(NLMSG_DEFAULT_SIZE, GFP_KERNEL);
	ret = msg ? reply_cluster(msg, info, cl) : -ENOMEM;
	cn_cluster_put(cl);
	return ret;
}

/* cb->args[0]: the next cluster id, so clusters that come and go between
 * two parts of the dump do not shift the others. */
static int cn_nl_cluster_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cn_net *cnet = cn_net(sock_net(skb->sk));
	struct cn_cluster *cl;
	int id = cb->args[0];

	mutex_lock(&cnet->lock);
	idr_for_each_entry_continue(&cnet->ids, cl, id) {
		if (fill_cluster(skb, NETLINK_CB(cb->skb).portid,
				 cb->nlh->nlmsg_seq, NLM_F_MULTI,
				 CLUSNOTIFY_CMD_CLUSTER_GET, cl))
			break;
		cb->args[0] = id + 1;
	}
	mutex_unlock(&cnet->lock);
	return skb->len;
}

/* Parse one object; with @obj NULL it only validates. */
static int parse_object(const struct nlattr *attr, struct cn_object *obj,
			bool del, struct netlink_ext_ack *extack)
{
	struct nlattr *tb[CLUSNOTIFY_OBJ_A_MAX + 1];
	const char *id, *name, *parent, *tname;
	int ret = 0;
	u32 type;

	if (nla_type(attr) != CLUSNOTIFY_A_OBJECT) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "expected an OBJECT nest");
		return -EINVAL;
	}
	ret = nla_parse_nested(tb, CLUSNOTIFY_OBJ_A_MAX, attr, cn_obj_policy,
			       extack);
	if (ret)
		return ret;
	if (!tb[CLUSNOTIFY_OBJ_A_TYPE] || !tb[CLUSNOTIFY_OBJ_A_ID]) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "object needs TYPE and ID");
		return -EINVAL;
	}
	type = nla_get_u32(tb[CLUSNOTIFY_OBJ_A_TYPE]);
	if (!cn_type_info(type)->all) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CLUSNOTIFY_OBJ_A_TYPE],
				    "object type takes no events");
		return -EINVAL;
	}
	if (del && (tb[CLUSNOTIFY_OBJ_A_NAME] || tb[CLUSNOTIFY_OBJ_A_PARENT_ID] ||
		    tb[CLUSNOTIFY_OBJ_A_TYPE_NAME] || tb[CLUSNOTIFY_OBJ_A_STATE])) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "delete takes TYPE and ID only");
		return -EINVAL;
	}
	id = str_attr(tb[CLUSNOTIFY_OBJ_A_ID], CLUSNOTIFY_ID_MAX, extack, &ret);
	name = str_attr(tb[CLUSNOTIFY_OBJ_A_NAME], CLUSNOTIFY_NAME_MAX, extack,
			&ret);
	parent = str_attr(tb[CLUSNOTIFY_OBJ_A_PARENT_ID], CLUSNOTIFY_ID_MAX,
			  extack, &ret);
	tname = str_attr(tb[CLUSNOTIFY_OBJ_A_TYPE_NAME],
			 CLUSNOTIFY_TYPE_NAME_MAX, extack, &ret);
	if (ret)
		return ret;
	if (!id[0]) {
		NL_SET_ERR_MSG_ATTR(extack, tb[CLUSNOTIFY_OBJ_A_ID],
				    "object id is empty");
		return -EINVAL;
	}
	if (!obj)
		return 0;

	memset(obj, 0, sizeof(*obj));
	obj->type = type;
	obj->state = tb[CLUSNOTIFY_OBJ_A_STATE] ?
		     nla_get_s32(tb[CLUSNOTIFY_OBJ_A_STATE]) :
		     CLUSNOTIFY_STATE_UNKNOWN;
	strscpy(obj->id, id, sizeof(obj->id));
	/* An object registered without a name is known by its id. */
	strscpy(obj->name, name ?: id, sizeof(obj->name));
	if (parent)
		strscpy(obj->parent, parent, sizeof(obj->parent));
	if (tname)
		strscpy(obj->type_name, tname, sizeof(obj->type_name));
	return 0;
}

static int objects_apply(struct genl_info *info, bool del)
{
	struct nlattr *list = info->attrs[CLUSNOTIFY_A_OBJECTS];
	struct nlattr *a, *bad_attr = NULL;
	struct cn_object *objs;
	struct cn_cluster *cl;
	unsigned int n = 0, bad = 0;
	int rem, ret;

	if (need(info, CLUSNOTIFY_A_CLUSTER_ID) ||
	    need(info, CLUSNOTIFY_A_OBJECTS))
		return -EINVAL;
	nla_for_each_nested(a, list, rem) {
		if (n == CLUSNOTIFY_OBJECTS_MAX) {
			NL_SET_ERR_MSG_ATTR(info->extack, list,
					    "a batch holds 1 to CLUSNOTIFY_OBJECTS_MAX objects");
			return -E2BIG;
		}
		ret = parse_object(a, NULL, del, info->extack);
		if (ret)
			return ret;
		n++;
	}
	if (!n) {
		NL_SET_ERR_MSG_ATTR(info->extack, list, "no objects");
		return -EINVAL;
	}
	cl = cluster_from(info);
	if (!cl)
		return -ENOENT;
	objs = kvcalloc(n, sizeof(*objs), GFP_KERNEL_ACCOUNT);
	if (!objs) {
		ret = -ENOMEM;
		goto out;
	}
	n = 0;
	nla_for_each_nested(a, list, rem)
		parse_object(a, &objs[n++], del, info->extack);
	if (del) {
		ret = cn_cluster_objects_del(cl, objs, n, &bad);
		if (ret) {
			nla_for_each_nested(a, list, rem)
				if (!bad--)
					bad_attr = a;
			NL_SET_ERR_MSG_ATTR(info->extack, bad_attr,
					    "no such object");
		}
	} else {
		ret = cn_cluster_objects_set(cl, objs, n);
		if (ret)
			NL_SET_ERR_MSG_ATTR(info->extack, list,
					    "cannot keep these objects");
	}
	kvfree(objs);
out:
	cn_cluster_put(cl);
	return ret;
}

static int cn_nl_object_set(struct sk_buff *skb, struct genl_info *info)
{
	return objects_apply(info, false);
}

static int cn_nl_object_del(struct sk_buff *skb, struct genl_info *info)
{
	return objects_apply(info, true);
}

static int put_str_attr(struct sk_buff *skb, int type, const char *s)
{
	return s[0] ? nla_put_string(skb, type, s) : 0;
}

static int fill_object(struct sk_buff *skb, struct netlink_callback *cb,
		       const struct cn_object *obj)
{
	void *hdr = genlmsg_put(skb, NETLINK_CB(cb->skb).portid,
				cb->nlh->nlmsg_seq, &cn_family, NLM_F_MULTI,
				CLUSNOTIFY_CMD_OBJECT_GET);
	struct nlattr *nest;

	if (!hdr)
		return -EMSGSIZE;
	nest = nla_nest_start(skb, CLUSNOTIFY_A_OBJECT);
	if (!nest ||
	    nla_put_u32(skb, CLUSNOTIFY_OBJ_A_TYPE, obj->type) ||
	    nla_put_string(skb, CLUSNOTIFY_OBJ_A_ID, obj->id) ||
	    put_str_attr(skb, CLUSNOTIFY_OBJ_A_NAME, obj->name) ||
	    put_str_attr(skb, CLUSNOTIFY_OBJ_A_PARENT_ID, obj->parent) ||
	    put_str_attr(skb, CLUSNOTIFY_OBJ_A_TYPE_NAME, obj->type_name) ||
	    nla_put_s32(skb, CLUSNOTIFY_OBJ_A_STATE, obj->state)) {
		genlmsg_cancel(skb, hdr);
		return -EMSGSIZE;
	}
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	return 0;
}

/*
 * The object dump resumes after the (type, id) it sent last, so objects
 * added or removed between two parts of it do not make it skip or repeat
 * any other: every object kept throughout is sent once, in (type, id) order.
 */
struct cn_obj_cursor {
	u32 cluster_id;
	u32 type;
	char id[CLUSNOTIFY_ID_MAX];
};

static int cn_nl_object_dump_start(struct netlink_callback *cb)
{
	const struct genl_dumpit_info *info = genl_dumpit_info(cb);
	struct cn_obj_cursor *cur;

	if (!info->attrs[CLUSNOTIFY_A_CLUSTER_ID]) {
		NL_SET_ERR_MSG(cb->extack, "need a cluster id");
		return -EINVAL;
	}
	cur = kzalloc(sizeof(*cur), GFP_KERNEL_ACCOUNT);
	if (!cur)
		return -ENOMEM;
	cur->cluster_id = nla_get_u32(info->attrs[CLUSNOTIFY_A_CLUSTER_ID]);
	cb->args[0] = (long)cur;
	return 0;
}

static int cn_nl_object_dump_done(struct netlink_callback *cb)
{
	kfree((struct cn_obj_cursor *)cb->args[0]);
	return 0;
}

static int cn_nl_object_dump(struct sk_buff *skb, struct netlink_callback *cb)
{
	struct cn_obj_cursor *cur = (struct cn_obj_cursor *)cb->args[0];
	struct cn_cluster *cl;
	struct cn_object *obj;

	cl = cn_cluster_get_by_id(sock_net(skb->sk), cur->cluster_id);
	if (!cl)
		return -ENOENT;

	mutex_lock(&cl->post_lock);
	for (obj = cn_cluster_object_next(cl, cur->type, cur->id); obj;
	     obj = cn_cluster_object_next(cl, cur->type, cur->id)) {
		if (fill_object(skb, cb, obj))
			break;
		cur->type = obj->type;
		memcpy(cur->id, obj->id, sizeof(cur->id));
	}
	mutex_unlock(&cl->post_lock);
	cn_cluster_put(cl);
	return skb->len;
}

static int parse_event(const struct nlattr *attr, struct clusnotify_post_event *d,
		       struct netlink_ext_ack *extack)
{
	const struct nlattr *a, *type = NULL, *flag = NULL;
	int rem;

	if (nla_type(attr) != CLUSNOTIFY_A_EVENT) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "expected an EVENT nest");
		return -EINVAL;
	}
	/* nla_validate_array() checks an entry's contents, not this flag. */
	if (!(attr->nla_type & NLA_F_NESTED)) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "NLA_F_NESTED is missing");
		return -EINVAL;
	}
	/*
	 * genl checked every EVENT nest against cn_ev_policy before the doit
	 * (NLA_POLICY_NESTED_ARRAY, strict: no unknown or rejected attribute,
	 * every string terminated): this only picks the attributes out, the
	 * last of a repeated one winning as with nla_parse. Parsing each nest
	 * again with the policy was a fifth of a large post.
	 */
	memset(d, 0, sizeof(*d));
	nla_for_each_nested(a, attr, rem) {
		switch (nla_type(a)) {
		case CLUSNOTIFY_EV_A_OBJ_TYPE:
			type = a;
			break;
		case CLUSNOTIFY_EV_A_FLAG:
			flag = a;
			break;
		case CLUSNOTIFY_EV_A_OBJ_ID:
			d->object_id = nla_data(a);
			break;
		case CLUSNOTIFY_EV_A_PARENT_ID:
			d->parent_id = nla_data(a);
			break;
		case CLUSNOTIFY_EV_A_NAME:
			d->name = nla_data(a);
			break;
		case CLUSNOTIFY_EV_A_TYPE_NAME:
			d->type_name = nla_data(a);
			break;
		case CLUSNOTIFY_EV_A_PAYLOAD:
			d->payload = nla_data(a);
			d->payload_len = nla_len(a);
			break;
		}
	}
	if (!type || !flag) {
		NL_SET_ERR_MSG_ATTR(extack, attr, "event needs OBJ_TYPE and FLAG");
		return -EINVAL;
	}
	d->object_type = nla_get_u32(type);
	d->flag = nla_get_u64(flag);
	if (cn_event_flag_validate(d->object_type, d->flag)) {
		NL_SET_ERR_MSG_ATTR(extack, flag,
				    "not one postable flag of the object type");
		return -EINVAL;
	}
	if (cn_post_event_validate(d)) {
		NL_SET_ERR_MSG_ATTR(extack, attr,
				    "no object id, or a string is not valid UTF-8");
		return -EINVAL;
	}
	return 0;
}

static int cn_nl_event_post(struct sk_buff *skb, struct genl_info *info)
{
	struct clusnotify_post_event few[CN_POST_ON_STACK], *descs = few;
	struct nlattr *list = info->attrs[CLUSNOTIFY_A_EVENTS];
	struct cn_cluster *cl;
	struct sk_buff *msg;
	unsigned int n = 0;
	struct nlattr *a;
	u64 seq = 0;
	void *hdr;
	int rem, ret;

	if (need(info, CLUSNOTIFY_A_CLUSTER_ID) ||
	    need(info, CLUSNOTIFY_A_EVENTS))
		return -EINVAL;
	nla_for_each_nested(a, list, rem)
		n++;
	if (!n || n > CLUSNOTIFY_EVENTS_MAX) {
		NL_SET_ERR_MSG_ATTR(info->extack, list,
				    "a batch holds 1 to CLUSNOTIFY_EVENTS_MAX events");
		return n ? -E2BIG : -EINVAL;
	}
	if (n > CN_POST_ON_STACK) {
		descs = kvcalloc(n, sizeof(*descs), GFP_KERNEL);
		if (!descs)
			return -ENOMEM;
	}
	n = 0;
	nla_for_each_nested(a, list, rem) {
		ret = parse_event(a, &descs[n++], info->extack);
		if (ret)
			goto out_free;
	}
	cl = cluster_from(info);
	if (!cl) {
		ret = -ENOENT;
		goto out_free;
	}
	/* An answer of -ENOMEM must mean nothing was posted: no retry twice. */
	msg = genlmsg_new(nla_total_size(sizeof(u32)) + stats_size(), GFP_KERNEL);
	if (!msg) {
		ret = -ENOMEM;
		goto out_put;
	}
	ret = cn_cluster_post(cl, descs, n, &seq);
	if (ret)
		goto out_msg;
	hdr = genlmsg_put_reply(msg, info, &cn_family, 0,
				CLUSNOTIFY_CMD_EVENT_POST);
	if (!hdr || nla_put_u32(msg, CLUSNOTIFY_A_CLUSTER_ID, cl->id) ||
	    put_stats(msg, cl)) {
		ret = -EMSGSIZE;
		goto out_msg;
	}
	genlmsg_end(msg, hdr);
	ret = genlmsg_reply(msg, info);
	msg = NULL;
out_msg:
	nlmsg_free(msg);
out_put:
	cn_cluster_put(cl);
out_free:
	if (descs != few)
		kvfree(descs);
	return ret;
}

static int cn_nl_monitor_start(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	ret = cn_monitor_start(genl_info_net(info), info->snd_portid,
			       NETLINK_CB(skb).sk);
	if (ret == -ENOSPC)
		GENL_SET_ERR_MSG(info, "max_net_monitors reached in this namespace");
	return ret;
}

static int cn_nl_monitor_stop(struct sk_buff *skb, struct genl_info *info)
{
	int ret;

	ret = cn_monitor_stop(genl_info_net(info), info->snd_portid,
			      NETLINK_CB(skb).sk);
	if (ret == -ENOENT)
		GENL_SET_ERR_MSG(info, "this socket is no monitor");
	return ret;
}

/* One event to the monitors of @net, the namespace of its cluster @cl. */
static void mirror_one(struct cn_cluster *cl, struct net *net,
		       struct cn_event *ev)
{
	const char *s = ev->data;
	const char *parent = s + ev->id_len + 1;
	const char *name = parent + ev->parent_len + 1;
	const char *tname = name + ev->name_len + 1;
	struct sk_buff *skb;
	struct nlattr *nest;
	void *hdr;

	skb = genlmsg_new(ev->rec_len + 256, GFP_KERNEL);
	if (!skb)
		goto err_send;
	hdr = genlmsg_put(skb, 0, 0, &cn_family, 0, CLUSNOTIFY_CMD_EVENT);
	if (!hdr)
		goto err;
	nest = NULL;
	if (nla_put_u32(skb, CLUSNOTIFY_A_CLUSTER_ID, cl->id))
		goto err;
	nest = nla_nest_start(skb, CLUSNOTIFY_A_EVENT);
	if (!nest ||
	    nla_put_u32(skb, CLUSNOTIFY_EV_A_OBJ_TYPE, ev->object_type) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_EV_A_FLAG, ev->flag,
			      CLUSNOTIFY_EV_A_PAD) ||
	    put_str_attr(skb, CLUSNOTIFY_EV_A_OBJ_ID, s) ||
	    put_str_attr(skb, CLUSNOTIFY_EV_A_PARENT_ID, parent) ||
	    put_str_attr(skb, CLUSNOTIFY_EV_A_NAME, name) ||
	    put_str_attr(skb, CLUSNOTIFY_EV_A_TYPE_NAME, tname) ||
	    (ev->payload_len &&
	     nla_put(skb, CLUSNOTIFY_EV_A_PAYLOAD, ev->payload_len,
		     ev->data + ev->payload_off -
		     sizeof(struct clusnotify_record))) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_EV_A_SEQ, ev->seq,
			      CLUSNOTIFY_EV_A_PAD) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_EV_A_TIMESTAMP, ev->timestamp_ns,
			      CLUSNOTIFY_EV_A_PAD) ||
	    nla_put_u64_64bit(skb, CLUSNOTIFY_EV_A_EPOCH, ev->epoch,
			      CLUSNOTIFY_EV_A_PAD))
		goto err;
	nla_nest_end(skb, nest);
	genlmsg_end(skb, hdr);
	cn_monitor_send(net, skb);
	return;
err:
	nlmsg_free(skb);
	skb = NULL;
err_send:
	/* Monitors learn of the gap as of an overrun: ENOBUFS on recv. */
	cn_monitor_send(net, NULL);
}

/**
 * cn_netlink_mirror() - copy posted events to the monitors of their namespace
 * @cl: their cluster
 * @evs: the events, with their sequence numbers and timestamps
 * @n: how many
 *
 * Context: process context; costs nothing without monitors in the cluster's
 * namespace, whatever other namespaces have, and a batch looks once.
 */
void cn_netlink_mirror(struct cn_cluster *cl, struct cn_event **evs,
		       unsigned int n)
{
	struct net *net = cl->cnet->net;
	unsigned int i;

	if (!cn_monitor_any(net))
		return;
	for (i = 0; i < n; i++)
		mirror_one(cl, net, evs[i]);
}

static const struct genl_ops cn_ops[] = {
	{
		.cmd = CLUSNOTIFY_CMD_CLUSTER_REGISTER,
		.doit = cn_nl_cluster_register,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = CLUSNOTIFY_CMD_CLUSTER_UNREGISTER,
		.doit = cn_nl_cluster_unregister,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = CLUSNOTIFY_CMD_CLUSTER_GET,
		.doit = cn_nl_cluster_get,
		.dumpit = cn_nl_cluster_dump,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = CLUSNOTIFY_CMD_OBJECT_SET,
		.doit = cn_nl_object_set,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = CLUSNOTIFY_CMD_OBJECT_DEL,
		.doit = cn_nl_object_del,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = CLUSNOTIFY_CMD_OBJECT_GET,
		.start = cn_nl_object_dump_start,
		.dumpit = cn_nl_object_dump,
		.done = cn_nl_object_dump_done,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = CLUSNOTIFY_CMD_EVENT_POST,
		.doit = cn_nl_event_post,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = CLUSNOTIFY_CMD_MONITOR_START,
		.doit = cn_nl_monitor_start,
		.flags = GENL_UNS_ADMIN_PERM,
	},
	{
		.cmd = CLUSNOTIFY_CMD_MONITOR_STOP,
		.doit = cn_nl_monitor_stop,
		.flags = GENL_UNS_ADMIN_PERM,
	},
};

static struct genl_family cn_family __ro_after_init = {
	.name = CLUSNOTIFY_GENL_NAME,
	.version = CLUSNOTIFY_GENL_VERSION,
	.maxattr = CLUSNOTIFY_A_MAX,
	.policy = cn_policy,
	.netnsok = true,
	/*
	 * No handler needs genl_mutex, which every generic netlink user of
	 * the host shares: clusters are under cnet->lock, their registries
	 * and posts under their post_lock, owners are tracked by socket, and
	 * dumps resume from a key rather than a position.
	 */
	.parallel_ops = true,
	.module = THIS_MODULE,
	.ops = cn_ops,
	.n_ops = ARRAY_SIZE(cn_ops),
	.resv_start_op = CLUSNOTIFY_CMD_CLUSTER_REGISTER,
};

static int cn_nl_release(struct notifier_block *nb, unsigned long state,
			 void *ptr)
{
	struct netlink_notify *n = ptr;

	if (state != NETLINK_URELEASE || n->protocol != NETLINK_GENERIC ||
	    !n->portid)
		return NOTIFY_DONE;
	cn_cluster_release_portid(n->net, n->portid);
	cn_monitor_release_portid(n->net, n->portid);
	return NOTIFY_DONE;
}

static struct notifier_block cn_nl_notifier = {
	.notifier_call = cn_nl_release,
};

int cn_netlink_init(void)
{
	int ret;

	ret = netlink_register_notifier(&cn_nl_notifier);
	if (ret)
		return ret;
	ret = genl_register_family(&cn_family);
	if (ret)
		goto err_notifier;
	return 0;

err_notifier:
	netlink_unregister_notifier(&cn_nl_notifier);
	return ret;
}

void cn_netlink_exit(void)
{
	genl_unregister_family(&cn_family);
	netlink_unregister_notifier(&cn_nl_notifier);
}
MODULE_ALIAS_GENL_FAMILY(CLUSNOTIFY_GENL_NAME);
