// SPDX-License-Identifier: GPL-2.0
/*
 * C++, the Storage Spaces-style loop: each notification is first asked
 * for with no buffers (sizes only), then the buffers are made the sizes
 * written back (+1 character for strings; a payload of 0 bytes stays a NULL
 * buffer) and the call is made again: it must return the same notification.
 * A std::thread runs the loop with a 2500 ms timeout and a stop flag. The
 * port also watches the registry (VALUE | SUBTREE from the root), whose
 * notifications carry no payload.
 *
 *   grow_retry RESOURCE   exits 0 once RESOURCE was reported Offline and
 *                         then Online, each notification grown into, and a
 *                         registry change was taken
 */
#include <atomic>
#include <cstdio>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

#include <clusapi.h>

namespace {

struct Notification {
	DWORD_PTR key = 0;
	NOTIFY_FILTER_AND_TYPE filter = {};
	std::vector<BYTE> buffer;
	std::vector<WCHAR> objectId, parentId, name, type;
	DWORD cbBuffer = 0, cchObjectId = 0, cchParentId = 0, cchName = 0,
	      cchType = 0;

	DWORD get(HCHANGE hChange, DWORD ms)
	{
		cbBuffer = static_cast<DWORD>(buffer.size());
		cchObjectId = static_cast<DWORD>(objectId.size());
		cchParentId = static_cast<DWORD>(parentId.size());
		cchName = static_cast<DWORD>(name.size());
		cchType = static_cast<DWORD>(type.size());
		return GetClusterNotifyV2(hChange, &key, &filter,
					  buffer.data(), &cbBuffer, objectId.data(),
					  &cchObjectId, parentId.data(),
					  &cchParentId, name.data(), &cchName,
					  type.data(), &cchType, ms);
	}

	void grow()
	{
		buffer.resize(cbBuffer);
		objectId.resize(cchObjectId + 1);
		parentId.resize(cchParentId + 1);
		name.resize(cchName + 1);
		type.resize(cchType + 1);
	}

	std::string str(const std::vector<WCHAR> &w, DWORD len) const
	{
		std::string s;

		for (DWORD i = 0; i < len; i++)
			s += w[i] < 0x80 ? static_cast<char>(w[i]) : '?';
		return s;
	}
};

int run(HCHANGE hChange, const char *watched, std::atomic<bool> &stop)
{
	int phase = 0, grown = 0, registry = 0;

	while (!stop && phase < 2) {
		Notification n;
		DWORD status = n.get(hChange, 2500);

		if (status == WAIT_TIMEOUT)
			continue;
		if (status == ERROR_MORE_DATA) {
			DWORD want[5] = { n.cbBuffer, n.cchObjectId,
					  n.cchParentId, n.cchName, n.cchType };

			n.grow();
			status = n.get(hChange, 0);
			if (status != ERROR_SUCCESS) {
				std::printf("FAIL: after growing: %lu\n",
					    static_cast<unsigned long>(status));
				return 1;
			}
			DWORD got[5] = { n.cbBuffer, n.cchObjectId,
					 n.cchParentId, n.cchName, n.cchType };
			if (std::memcmp(want, got, sizeof(want))) {
				std::printf("FAIL: another notification came back\n");
				return 1;
			}
			grown++;
		} else if (status != ERROR_SUCCESS) {
			std::printf("FAIL: GetClusterNotifyV2: %lu\n",
				    static_cast<unsigned long>(status));
			return 1;
		}
		std::string name = n.str(n.name, n.cchName);
		std::printf("event type=%lu flag=%lld id=%s parent=%s name=%s "
			    "type=%s bytes=%lu\n",
			    static_cast<unsigned long>(n.filter.dwObjectType),
			    static_cast<long long>(n.filter.FilterFlags),
			    n.str(n.objectId, n.cchObjectId).c_str(),
			    n.str(n.parentId, n.cchParentId).c_str(),
			    name.c_str(), n.str(n.type, n.cchType).c_str(),
			    static_cast<unsigned long>(n.cbBuffer));
		std::fflush(stdout);
		if (n.filter.dwObjectType == CLUSTER_OBJECT_TYPE_REGISTRY &&
		    n.cbBuffer == 0)
			registry++;
		if (n.filter.dwObjectType != CLUSTER_OBJECT_TYPE_RESOURCE ||
		    n.filter.FilterFlags != CLUSTER_CHANGE_RESOURCE_STATE_V2 ||
		    name != watched || n.cbBuffer != sizeof(DWORD))
			continue;
		DWORD state;

		std::memcpy(&state, n.buffer.data(), sizeof(state));
		if (phase == 0 && state == ClusterResourceOffline)
			phase = 1;
		else if (phase == 1 && state == ClusterResourceOnline)
			phase = 2;
	}
	std::printf("grown %d times, %d registry notifications\n", grown,
		    registry);
	return phase == 2 && grown && registry ? 0 : 1;
}

} // namespace

int main(int argc, char **argv)
{
	NOTIFY_FILTER_AND_TYPE filters[] = {
		{ CLUSTER_OBJECT_TYPE_RESOURCE, CLUSTER_CHANGE_RESOURCE_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_ALL_V2 },
		{ CLUSTER_OBJECT_TYPE_REGISTRY, CLUSTER_CHANGE_REGISTRY_VALUE_V2 |
						CLUSTER_CHANGE_REGISTRY_SUBTREE_V2 },
	};
	std::atomic<bool> stop(false);
	int rc = 1;

	if (argc != 2)
		return 2;
	HCLUSTER hCluster = OpenCluster(nullptr);
	if (!hCluster)
		return 1;
	HCHANGE hChange = CreateClusterNotifyPortV2(
		static_cast<HCHANGE>(INVALID_HANDLE_VALUE), hCluster, filters,
		sizeof(filters) / sizeof(filters[0]), 0);
	if (!hChange) {
		std::printf("CreateClusterNotifyPortV2: %lu\n",
			    static_cast<unsigned long>(GetLastError()));
		return 1;
	}
	std::puts("ready");
	std::fflush(stdout);
	std::thread worker([&] { rc = run(hChange, argv[1], stop); });
	worker.join();
	CloseClusterNotifyPort(hChange);
	CloseCluster(hCluster);
	return rc;
}
