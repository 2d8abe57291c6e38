// SPDX-License-Identifier: GPL-2.0
/*
 * C++, the "read everything, then subscribe" start of a cluster-aware
 * service: enumerate the cluster (ClusterEnum and ClusterEnumEx, growing
 * buffers on ERROR_MORE_DATA), read each object's state with its owner's
 * name, then watch every node through its own handle and check, when one
 * goes down, that GetClusterNodeState agrees with the notification.
 *
 *   enum_subscribe CLUSTER NODE_DOWN OTHER_NODE GROUP RESOURCE
 */
#include <cstdio>
#include <cstdlib>
#include <map>
#include <string>
#include <vector>

#include <clusapi.h>

namespace {

int failures;

void check(bool ok, const std::string &what)
{
	std::printf("%s %s\n", ok ? "ok:" : "FAIL:", what.c_str());
	std::fflush(stdout);
	if (!ok)
		failures++;
}

std::string narrow(const WCHAR *w)
{
	std::string s;

	for (; *w; w++)
		s += *w < 0x80 ? static_cast<char>(*w) : '?';
	return s;
}

std::vector<WCHAR> widen(const std::string &s)
{
	std::vector<WCHAR> w(s.begin(), s.end());

	w.push_back(0);
	return w;
}

/* name -> CLUSTER_ENUM_* type, through ClusterEnum with a small buffer */
std::map<std::string, DWORD> enumerate(HCLUSTER hCluster, DWORD types)
{
	std::map<std::string, DWORD> found;
	HCLUSENUM hEnum = ClusterOpenEnum(hCluster, types);

	if (!hEnum) {
		check(false, "ClusterOpenEnum " + std::to_string(GetLastError()));
		return found;
	}
	DWORD count = ClusterGetEnumCount(hEnum);
	std::vector<WCHAR> name(4);
	DWORD i;

	for (i = 0;; i++) {
		DWORD type, cch = static_cast<DWORD>(name.size());
		DWORD status = ClusterEnum(hEnum, i, &type, name.data(), &cch);

		if (status == ERROR_MORE_DATA) {
			name.resize(cch + 1);
			cch = static_cast<DWORD>(name.size());
			status = ClusterEnum(hEnum, i, &type, name.data(), &cch);
		}
		if (status == ERROR_NO_MORE_ITEMS)
			break;
		if (status != ERROR_SUCCESS) {
			check(false, "ClusterEnum " + std::to_string(status));
			break;
		}
		found[narrow(name.data())] = type;
	}
	check(i == count, "ClusterGetEnumCount " + std::to_string(count) +
			  " matches the items " + std::to_string(i));
	ClusterCloseEnum(hEnum);
	return found;
}

/* ClusterEnumEx: id -> name, sized by a first call with no buffer */
std::map<std::string, std::string> enumerate_ex(HCLUSTER hCluster, DWORD types)
{
	std::map<std::string, std::string> found;
	HCLUSENUMEX hEnum = ClusterOpenEnumEx(hCluster, types, nullptr);

	if (!hEnum)
		return found;
	for (DWORD i = 0;; i++) {
		DWORD cb = 0;
		DWORD status = ClusterEnumEx(hEnum, i, nullptr, &cb);

		if (status == ERROR_NO_MORE_ITEMS)
			break;
		if (status != ERROR_MORE_DATA)
			break;
		std::vector<BYTE> buf(cb);
		auto *item = reinterpret_cast<PCLUSTER_ENUM_ITEM>(buf.data());

		if (ClusterEnumEx(hEnum, i, item, &cb) != ERROR_SUCCESS)
			break;
		found[narrow(item->lpszId)] = narrow(item->lpszName);
	}
	ClusterCloseEnumEx(hEnum);
	return found;
}

std::vector<std::string> node_children(HNODE hNode, DWORD type)
{
	std::vector<std::string> names;
	HNODEENUM hEnum = ClusterNodeOpenEnum(hNode, type);
	WCHAR name[256];

	if (!hEnum)
		return names;
	for (DWORD i = 0;; i++) {
		DWORD t, cch = sizeof(name) / sizeof(name[0]);

		if (ClusterNodeEnum(hEnum, i, &t, name, &cch) != ERROR_SUCCESS)
			break;
		names.push_back(narrow(name));
	}
	ClusterNodeCloseEnum(hEnum);
	return names;
}

} // namespace

int main(int argc, char **argv)
{
	if (argc != 6)
		return 2;
	std::string cluster = argv[1], down = argv[2], other = argv[3],
		    group = argv[4], resource = argv[5];

	HCLUSTER hCluster = OpenCluster(nullptr);
	if (!hCluster)
		return 1;

	WCHAR cname[2];
	DWORD cch = 2;
	CLUSTERVERSIONINFO vi = {};
	vi.dwVersionInfoSize = sizeof(vi);
	DWORD status = GetClusterInformation(hCluster, cname, &cch, &vi);
	check(status == ERROR_MORE_DATA && cch == cluster.size(),
	      "GetClusterInformation asks for " + std::to_string(cch));
	std::vector<WCHAR> cbuf(cch + 1);
	cch = static_cast<DWORD>(cbuf.size());
	status = GetClusterInformation(hCluster, cbuf.data(), &cch, &vi);
	check(status == ERROR_SUCCESS && narrow(cbuf.data()) == cluster,
	      "the cluster is " + narrow(cbuf.data()));
	check(vi.MajorVersion > 0, "version " + std::to_string(vi.MajorVersion) +
				   "." + std::to_string(vi.MinorVersion));

	auto all = enumerate(hCluster, CLUSTER_ENUM_NODE | CLUSTER_ENUM_GROUP |
				       CLUSTER_ENUM_RESOURCE | CLUSTER_ENUM_NETWORK |
				       CLUSTER_ENUM_NETINTERFACE);
	for (auto &kv : all)
		std::printf("  %lu %s\n", static_cast<unsigned long>(kv.second),
			    kv.first.c_str());
	check(all.count(down) && all[down] == CLUSTER_ENUM_NODE, "node " + down);
	check(all.count(other) && all[other] == CLUSTER_ENUM_NODE, "node " + other);
	check(all.count(group) && all[group] == CLUSTER_ENUM_GROUP, "group " + group);
	check(all.count(resource) && all[resource] == CLUSTER_ENUM_RESOURCE,
	      "resource " + resource);
	check(!ClusterOpenEnum(hCluster, 0x100) &&
	      GetLastError() == ERROR_INVALID_PARAMETER, "an unknown type is refused");

	auto nodes = enumerate_ex(hCluster, CLUSTER_ENUM_NODE);
	check(nodes.size() >= 2, "ClusterEnumEx lists " +
				 std::to_string(nodes.size()) + " nodes");

	/* the group, its owner, its resources */
	HGROUP hGroup = OpenClusterGroup(hCluster, widen(group).data());
	WCHAR owner[1];
	DWORD cchOwner = 1;
	CLUSTER_GROUP_STATE gs = GetClusterGroupState(hGroup, owner, &cchOwner);
	check(gs == ClusterGroupStateUnknown && GetLastError() == ERROR_MORE_DATA,
	      "GetClusterGroupState asks for " + std::to_string(cchOwner));
	std::vector<WCHAR> ownerBuf(cchOwner + 1);
	cchOwner = static_cast<DWORD>(ownerBuf.size());
	gs = GetClusterGroupState(hGroup, ownerBuf.data(), &cchOwner);
	check(gs == ClusterGroupOnline && narrow(ownerBuf.data()) == other,
	      "group " + group + " state " + std::to_string(gs) + " on " +
	      narrow(ownerBuf.data()));
	HGROUPENUM hge = ClusterGroupOpenEnum(hGroup, CLUSTER_GROUP_ENUM_CONTAINS);
	WCHAR rname[64];
	DWORD t, rcch = 64;
	check(hge && ClusterGroupGetEnumCount(hge) == 1 &&
	      ClusterGroupEnum(hge, 0, &t, rname, &rcch) == ERROR_SUCCESS &&
	      t == CLUSTER_GROUP_ENUM_CONTAINS && narrow(rname) == resource,
	      "group " + group + " contains " + resource);
	ClusterGroupCloseEnum(hge);
	CloseClusterGroup(hGroup);

	HRESOURCE hRes = OpenClusterResource(hCluster, widen(resource).data());
	WCHAR rnode[64], rgroup[64];
	DWORD cn = 64, cg = 64;
	CLUSTER_RESOURCE_STATE rs = GetClusterResourceState(hRes, rnode, &cn,
							    rgroup, &cg);
	check(rs == ClusterResourceOnline && narrow(rnode) == other &&
	      narrow(rgroup) == group,
	      "resource state " + std::to_string(rs) + " on " + narrow(rnode) +
	      " in " + narrow(rgroup));
	CloseClusterResource(hRes);

	HNODE hOther = OpenClusterNode(hCluster, widen(other).data());
	auto groups = node_children(hOther, CLUSTER_NODE_ENUM_GROUPS);
	check(groups.size() == 1 && groups[0] == group, other + " owns " + group);
	check(!node_children(hOther, CLUSTER_NODE_ENUM_NETINTERFACES).empty(),
	      other + " has interfaces");
	CloseClusterNode(hOther);

	/* subscribe to every node through its handle */
	HCHANGE hChange = CreateClusterNotifyPortV2(
		static_cast<HCHANGE>(INVALID_HANDLE_VALUE),
		static_cast<HCLUSTER>(INVALID_HANDLE_VALUE), nullptr, 0, 0);
	std::map<std::string, HNODE> handles;
	for (auto &kv : all) {
		if (kv.second != CLUSTER_ENUM_NODE)
			continue;
		HNODE h = OpenClusterNode(hCluster, widen(kv.first).data());
		NOTIFY_FILTER_AND_TYPE f = { CLUSTER_OBJECT_TYPE_NODE,
			CLUSTER_CHANGE_NODE_STATE_V2 | CLUSTER_CHANGE_NODE_HANDLE_CLOSE_V2 };
		/* Joining: a member whose pacemaker has not joined (n2 runs none) */
		CLUSTER_NODE_STATE ns = h ? GetClusterNodeState(h) : ClusterNodeStateUnknown;
		check(kv.first == other ? ns == ClusterNodeUp
					: ns == ClusterNodeUp || ns == ClusterNodeJoining,
		      kv.first + " is Up or Joining: " + std::to_string(ns));
		check(RegisterClusterNotifyV2(hChange, f, h,
					      reinterpret_cast<DWORD_PTR>(h)) ==
		      ERROR_SUCCESS, "watching " + kv.first);
		handles[kv.first] = h;
	}
	/* and by its corosync node id: 2 is the node that goes down */
	HNODE byId = OpenClusterNodeById(hCluster, 2);
	CLUSTER_NODE_STATE ns2 = byId ? GetClusterNodeState(byId) : ClusterNodeStateUnknown;
	check(ns2 == ClusterNodeUp || ns2 == ClusterNodeJoining, "node id 2 is a member");
	std::puts("ready");
	std::fflush(stdout);

	bool closed = false, sawDown = false;
	while (!closed) {
		DWORD_PTR key;
		NOTIFY_FILTER_AND_TYPE ft;
		BYTE buf[16];
		DWORD cb = sizeof(buf);
		WCHAR name[64];
		DWORD cchName = 64;

		status = GetClusterNotifyV2(hChange, &key, &ft, buf, &cb, nullptr,
					    nullptr, nullptr, nullptr, name,
					    &cchName, nullptr, nullptr, INFINITE);
		if (status != ERROR_SUCCESS) {
			check(false, "GetClusterNotifyV2 " + std::to_string(status));
			break;
		}
		HNODE h = reinterpret_cast<HNODE>(key);
		if (ft.FilterFlags == CLUSTER_CHANGE_NODE_HANDLE_CLOSE_V2) {
			check(h == handles[down], "HANDLE_CLOSE for " + down +
						  "'s handle");
			closed = true;
			continue;
		}
		DWORD state = cb == 4 ? *reinterpret_cast<DWORD *>(buf) : ~0u;
		std::printf("event %s state %lu\n", narrow(name).c_str(),
			    static_cast<unsigned long>(state));
		std::fflush(stdout);
		if (h != handles[narrow(name)])
			check(false, "the key is the handle of " + narrow(name));
		if (narrow(name) == down && state == ClusterNodeDown && !sawDown) {
			sawDown = true;
			check(GetClusterNodeState(h) == ClusterNodeDown,
			      "GetClusterNodeState agrees: " + down + " Down");
			check(GetClusterNodeState(byId) == ClusterNodeDown,
			      "and through the handle by id");
			/* done with it: closing queues its HANDLE_CLOSE */
			CloseClusterNode(h);
		}
	}
	CloseClusterNotifyPort(hChange);
	for (auto &kv : handles)
		if (kv.first != down)
			CloseClusterNode(kv.second);
	CloseClusterNode(byId);
	CloseCluster(hCluster);
	return failures ? 1 : 0;
}
