// SPDX-License-Identifier: GPL-2.0
/*
 * /dev/clusnotify: one open file is one notification port. Each ioctl
 * handler copies its argument in, validates it whole, acts, and copies out.
 */

#include <linux/compat.h>
#include <linux/cred.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>
#include <linux/nsproxy.h>
#include <linux/poll.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/ioctl.h>
#include <asm/ioctls.h>

#include "internal.h"

/*
 * Copy in an argument that begins with its size, as clone3 and openat2 do:
 * the size is the one in the argument, never the one in the ioctl number.
 * Smaller than the first version (@ver0) is -EINVAL; larger than
 * CLUSNOTIFY_IOC_SIZE_MAX is -E2BIG before anything past the size is read;
 * a larger size than the kernel's is accepted only if the tail is zero
 * (-E2BIG). Returns the size, or -errno.
 */
static int copy_arg(void *karg, size_t ksize, size_t ver0, void __user *uarg)
{
	u32 usize;
	int ret;

	BUILD_BUG_ON(CLUSNOTIFY_IOC_SIZE_MAX > PAGE_SIZE);
	if (get_user(usize, (u32 __user *)uarg))
		return -EFAULT;
	if (usize < ver0)
		return -EINVAL;
	if (usize > CLUSNOTIFY_IOC_SIZE_MAX)
		return -E2BIG;
	ret = copy_struct_from_user(karg, ksize, uarg, usize);
	if (ret)
		return ret;
	/* What another thread wrote there since get_user() is not used. */
	*(u32 *)karg = usize;
	return usize;
}

#define COPY_ARG(karg, ver0, uarg) copy_arg(karg, sizeof(*(karg)), ver0, uarg)

/* An output goes back in the caller's size: an older caller's is smaller. */
static int copy_out(void __user *uarg, const void *karg, size_t ksize,
		    u32 usize)
{
	return copy_to_user(uarg, karg, min_t(size_t, ksize, usize)) ?
	       -EFAULT : 0;
}

/* copy_arg() and copy_out() for the handlers in other files (enum.c). */
int cn_copy_arg(void *karg, size_t ksize, size_t ver0, void __user *uarg)
{
	return copy_arg(karg, ksize, ver0, uarg);
}

int cn_copy_out(void __user *uarg, const void *karg, size_t ksize, u32 usize)
{
	return copy_out(uarg, karg, ksize, usize);
}

static bool terminated(const char *s, size_t size)
{
	return memchr(s, '\0', size) != NULL;
}

static int cn_port_add_filters(struct cn_port *port, void __user *uarg)
{
	struct clusnotify_add_filters a;
	struct clusnotify_filter *f;
	struct cn_since since;
	int ret;

	ret = COPY_ARG(&a, CLUSNOTIFY_ADD_FILTERS_SIZE_VER0, uarg);
	if (ret < 0)
		return ret;
	if ((a.flags & ~CLUSNOTIFY_FILTERS_SINCE) || !a.count)
		return -EINVAL;
	if (!(a.flags & CLUSNOTIFY_FILTERS_SINCE) && (a.since_epoch || a.since_seq))
		return -EINVAL;
	since = (struct cn_since) { .epoch = a.since_epoch, .seq = a.since_seq };
	if (a.count > CLUSNOTIFY_FILTERS_MAX)
		return -E2BIG;
	f = memdup_user(u64_to_user_ptr(a.filters), a.count * sizeof(*f));
	if (IS_ERR(f))
		return PTR_ERR(f);
	ret = cn_filter_add(port, a.cluster_id, a.key, f, a.count,
			    a.flags & CLUSNOTIFY_FILTERS_SINCE ? &since : NULL);
	kfree(f);
	return ret;
}

/*
 * The id reaches the caller before the registration exists: if the copy-out
 * fails, the reserved id is given back and nothing happened (no HANDLE_CLOSE
 * for an id the caller never saw, no other thread's registration touched).
 */
static int cn_port_register(struct cn_port *port, void __user *uarg)
{
	struct clusnotify_register r;
	u32 reg_id;
	int ret, usize;

	usize = COPY_ARG(&r, CLUSNOTIFY_REGISTER_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	if (r.flags || !terminated(r.object_id, sizeof(r.object_id)))
		return -EINVAL;
	ret = cn_filter_reserve(port, &reg_id);
	if (ret)
		return ret;
	r.reg_id = reg_id;
	ret = copy_out(uarg, &r, sizeof(r), usize);
	if (!ret)
		ret = cn_filter_register_at(port, reg_id, r.cluster_id,
					    r.object_type, r.filter_flags,
					    r.key, r.object_id);
	if (ret)
		cn_filter_unreserve(port, reg_id);
	return ret;
}

static int cn_port_unregister(struct cn_port *port, void __user *uarg)
{
	struct clusnotify_unregister u;
	int ret;

	ret = COPY_ARG(&u, CLUSNOTIFY_UNREGISTER_SIZE_VER0, uarg);
	if (ret < 0)
		return ret;
	if (u.flags)
		return -EINVAL;
	if (!u.reg_id || u.reg_id > U32_MAX)
		return -ENOENT;
	return cn_filter_unregister(port, u.reg_id);
}

static int cn_port_get_cluster(struct cn_port *port, void __user *uarg)
{
	struct clusnotify_cluster_info ci;
	struct cn_cluster *cl;
	int usize;

	usize = COPY_ARG(&ci, CLUSNOTIFY_CLUSTER_INFO_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	if (ci.flags || ci.reserved || !terminated(ci.name, sizeof(ci.name)))
		return -EINVAL;
	cl = cn_cluster_get_by_name(port->net, ci.name);
	if (!cl)
		return -ENOENT;
	ci.cluster_id = cl->id;
	ci.state = READ_ONCE(cl->state);
	ci.objects = READ_ONCE(cl->nobjects);
	ci.seq = READ_ONCE(cl->seq);
	ci.epoch = cl->epoch;
	memset(ci.name, 0, sizeof(ci.name));
	strscpy(ci.name, cl->name, sizeof(ci.name));
	cn_cluster_put(cl);
	return copy_out(uarg, &ci, sizeof(ci), usize);
}

static int cn_port_get_object(struct cn_port *port, void __user *uarg)
{
	struct clusnotify_object_info *oi;
	struct cn_cluster *cl;
	struct cn_object *obj;
	bool by_id;
	int ret, usize;

	oi = kmalloc(sizeof(*oi), GFP_KERNEL);
	obj = kmalloc(sizeof(*obj), GFP_KERNEL);
	if (!oi || !obj) {
		ret = -ENOMEM;
		goto out;
	}
	usize = COPY_ARG(oi, CLUSNOTIFY_OBJECT_INFO_SIZE_VER0, uarg);
	if (usize < 0) {
		ret = usize;
		goto out;
	}
	by_id = oi->flags & CLUSNOTIFY_OBJECT_BY_ID;
	if ((oi->flags & ~CLUSNOTIFY_OBJECT_BY_ID) || oi->reserved ||
	    !terminated(oi->id, sizeof(oi->id)) ||
	    !terminated(oi->name, sizeof(oi->name)) ||
	    !cn_type_info(oi->object_type)->all) {
		ret = -EINVAL;
		goto out;
	}
	cl = cn_cluster_get_by_id(port->net, oi->cluster_id);
	if (!cl) {
		ret = -ENOENT;
		goto out;
	}
	ret = cn_cluster_object_lookup(cl, oi->object_type,
				       by_id ? oi->id : oi->name, by_id, obj);
	cn_cluster_put(cl);
	if (ret)
		goto out;
	oi->state = obj->state;
	memcpy(oi->id, obj->id, sizeof(oi->id));
	memcpy(oi->name, obj->name, sizeof(oi->name));
	memcpy(oi->parent_id, obj->parent, sizeof(oi->parent_id));
	memcpy(oi->type_name, obj->type_name, sizeof(oi->type_name));
	ret = copy_out(uarg, oi, sizeof(*oi), usize);
out:
	kfree(obj);
	kfree(oi);
	return ret;
}

static int cn_port_get_stats(struct cn_port *port, void __user *uarg)
{
	struct clusnotify_port_stats st;
	int usize;

	usize = COPY_ARG(&st, CLUSNOTIFY_PORT_STATS_SIZE_VER0, uarg);
	if (usize < 0)
		return usize;
	if (st.flags || st.reserved)
		return -EINVAL;
	cn_port_stats(port, &st);
	return copy_out(uarg, &st, sizeof(st), usize);
}

static int cn_open(struct inode *inode, struct file *file)
{
	struct cn_port *port;
	int gid = READ_ONCE(cn_dev_gid);

	if (gid >= 0 && !capable(CAP_SYS_ADMIN) &&
	    !in_group_p(make_kgid(&init_user_ns, gid)))
		return -EACCES;
	port = cn_port_create(current->nsproxy->net_ns, false);
	if (IS_ERR(port))
		return PTR_ERR(port);
	file->private_data = port;
	return stream_open(inode, file);
}

static int cn_release(struct inode *inode, struct file *file)
{
	struct cn_port *port = file->private_data;

	cn_port_shutdown(port);
	cn_filter_detach_port(port);
	cn_port_destroy(port);
	return 0;
}

static ssize_t cn_read(struct file *file, char __user *buf, size_t count,
		       loff_t *ppos)
{
	return cn_port_read(file->private_data, buf, count,
			    file->f_flags & O_NONBLOCK);
}

static __poll_t cn_poll(struct file *file, struct poll_table_struct *pt)
{
	return cn_port_poll(file->private_data, file, pt);
}

/*
 * A command is told apart by type, number and direction: the size its
 * number encodes is that of the caller's header, and the argument says its
 * own (copy_arg()), so a struct grown at its end keeps its command.
 */
#define CN_IOC_NOSIZE(cmd)	((cmd) & ~(_IOC_SIZEMASK << _IOC_SIZESHIFT))

static long cn_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct cn_port *port = file->private_data;
	void __user *uarg = (void __user *)arg;

	if (READ_ONCE(port->shutdown))
		return -ESHUTDOWN;

	/* Not in the switch: on some architectures FIONREAD has a size too. */
	if (cmd == FIONREAD)
		return put_user(cn_port_bytes_ready(port), (int __user *)uarg);

	switch (CN_IOC_NOSIZE(cmd)) {
	case CN_IOC_NOSIZE(CLUSNOTIFY_IOC_ADD_FILTERS):
		return cn_port_add_filters(port, uarg);
	case CN_IOC_NOSIZE(CLUSNOTIFY_IOC_REGISTER):
		return cn_port_register(port, uarg);
	case CN_IOC_NOSIZE(CLUSNOTIFY_IOC_UNREGISTER):
		return cn_port_unregister(port, uarg);
	case CN_IOC_NOSIZE(CLUSNOTIFY_IOC_GET_CLUSTER):
		return cn_port_get_cluster(port, uarg);
	case CN_IOC_NOSIZE(CLUSNOTIFY_IOC_GET_OBJECT):
		return cn_port_get_object(port, uarg);
	case CN_IOC_NOSIZE(CLUSNOTIFY_IOC_SNAPSHOT):
		return cn_filter_snapshot(port);
	case CN_IOC_NOSIZE(CLUSNOTIFY_IOC_SHUTDOWN):
		cn_port_shutdown(port);
		cn_filter_detach_port(port);
		return 0;
	case CN_IOC_NOSIZE(CLUSNOTIFY_IOC_GET_STATS):
		return cn_port_get_stats(port, uarg);
	case CN_IOC_NOSIZE(CLUSNOTIFY_IOC_LIST_CLUSTERS):
		return cn_enum_list_clusters(port, uarg);
	case CN_IOC_NOSIZE(CLUSNOTIFY_IOC_LIST_OBJECTS):
		return cn_enum_list_objects(port, uarg);
	default:
		return -ENOIOCTLCMD;
	}
}

static void cn_show_fdinfo(struct seq_file *m, struct file *file)
{
	struct clusnotify_port_stats st = { };

	cn_port_stats(file->private_data, &st);
	seq_printf(m, "clusnotify-queued:\t%llu\n", st.queued);
	seq_printf(m, "clusnotify-queued-bytes:\t%llu\n", st.queued_bytes);
	seq_printf(m, "clusnotify-matched:\t%llu\n", st.matched);
	seq_printf(m, "clusnotify-delivered:\t%llu\n", st.delivered);
	seq_printf(m, "clusnotify-lost:\t%llu\n", st.lost);
	seq_printf(m, "clusnotify-read:\t%llu\n", st.read);
	seq_printf(m, "clusnotify-filters:\t%u\n", st.filters);
	seq_printf(m, "clusnotify-registrations:\t%u\n", st.registrations);
	seq_printf(m, "clusnotify-clusters:\t%u\n", st.clusters);
}

static const struct file_operations cn_fops = {
	.owner = THIS_MODULE,
	.open = cn_open,
	.release = cn_release,
	.read = cn_read,
	.poll = cn_poll,
	.unlocked_ioctl = cn_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.show_fdinfo = cn_show_fdinfo,
	.llseek = no_llseek,
};

static struct miscdevice cn_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = CLUSNOTIFY_DEVICE_NAME,
	.fops = &cn_fops,
};

int cn_chardev_init(void)
{
	cn_misc.mode = cn_dev_mode & 0666;
	return misc_register(&cn_misc);
}

void cn_chardev_exit(void)
{
	misc_deregister(&cn_misc);
}
