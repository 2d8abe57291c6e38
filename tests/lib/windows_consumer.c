// SPDX-License-Identifier: GPL-2.0
/*
 * A cluster-aware program written for Windows, as such programs are written:
 * only clusapi.h and the C library. It watches a cluster's nodes, groups and
 * resources and prints what happens, until node "n1" comes back up.
 *
 *   windows_consumer CLUSTER
 *
 * Prints "ready" once subscribed; exits 0 after the events windows_consumer.sh
 * posts, 1 on an error or after 30 s without them.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi.h>

#define TIMEOUT_MS	2500

static void print_wide(const WCHAR *s)
{
	for (; *s; s++)
		putchar(*s < 0x80 ? (char)*s : '?');
}

static BOOL wide_equals(const WCHAR *a, const char *b)
{
	while (*a && *b && *a == (WCHAR)*b) {
		a++;
		b++;
	}
	return *a == 0 && *b == 0;
}

int main(int argc, char **argv)
{
	NOTIFY_FILTER_AND_TYPE filters[] = {
		{ CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_RESOURCE, CLUSTER_CHANGE_RESOURCE_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_CLUSTER, CLUSTER_CHANGE_CLUSTER_STATE_V2 |
					       CLUSTER_CHANGE_CLUSTER_RECONNECT_V2 },
	};
	DWORD cbBuffer = 0, cchObjectId = 0, cchParentId = 0, cchName = 0, cchType = 0;
	LPWSTR lpszObjectId = NULL, lpszParentId = NULL, lpszName = NULL, lpszType = NULL;
	WCHAR szCluster[64];
	NOTIFY_FILTER_AND_TYPE filterAndType;
	BYTE *lpBuffer = NULL;
	DWORD_PTR dwKey;
	HCLUSTER hCluster;
	HCHANGE hChange;
	HANDLE hEvent;
	DWORD dwError, i, cEvents = 0, cIdle = 0;
	int nodeDown = 0, done = 0;

	if (argc != 2 || strlen(argv[1]) >= 64) {
		fprintf(stderr, "usage: %s CLUSTER\n", argv[0]);
		return 1;
	}
	for (i = 0; argv[1][i]; i++)
		szCluster[i] = (WCHAR)argv[1][i];
	szCluster[i] = 0;

	hCluster = OpenCluster(szCluster);
	if (hCluster == NULL) {
		fprintf(stderr, "OpenCluster failed: %u\n", GetLastError());
		return 1;
	}
	hChange = CreateClusterNotifyPortV2(INVALID_HANDLE_VALUE, hCluster, filters,
					    sizeof(filters) / sizeof(filters[0]),
					    (DWORD_PTR)hCluster);
	if (hChange == NULL) {
		fprintf(stderr, "CreateClusterNotifyPortV2 failed: %u\n", GetLastError());
		CloseCluster(hCluster);
		return 1;
	}
	dwError = GetNotifyEventHandle(hChange, &hEvent);
	if (dwError != ERROR_SUCCESS) {
		fprintf(stderr, "GetNotifyEventHandle failed: %u\n", dwError);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	while (!done && cIdle * TIMEOUT_MS < 30000) {
		dwError = GetClusterNotifyV2(hChange, &dwKey, &filterAndType,
					     lpBuffer, &cbBuffer,
					     lpszObjectId, &cchObjectId,
					     lpszParentId, &cchParentId,
					     lpszName, &cchName,
					     lpszType, &cchType, TIMEOUT_MS);
		if (dwError == WAIT_TIMEOUT) {
			cIdle++;
			continue;
		}
		if (dwError == ERROR_MORE_DATA) {
			free(lpBuffer);
			free(lpszObjectId);
			free(lpszParentId);
			free(lpszName);
			free(lpszType);
			lpBuffer = malloc(cbBuffer ? cbBuffer : 1);
			lpszObjectId = malloc(++cchObjectId * sizeof(WCHAR));
			lpszParentId = malloc(++cchParentId * sizeof(WCHAR));
			lpszName = malloc(++cchName * sizeof(WCHAR));
			lpszType = malloc(++cchType * sizeof(WCHAR));
			if (!lpBuffer || !lpszObjectId || !lpszParentId ||
			    !lpszName || !lpszType)
				return 1;
			continue;
		}
		if (dwError != ERROR_SUCCESS) {
			fprintf(stderr, "GetClusterNotifyV2 failed: %u\n", dwError);
			return 1;
		}
		if ((HCLUSTER)dwKey != hCluster) {
			fprintf(stderr, "wrong key\n");
			return 1;
		}
		cEvents++;
		cIdle = 0;
		printf("type %u flags 0x%llx id ", filterAndType.dwObjectType,
		       (unsigned long long)filterAndType.FilterFlags);
		print_wide(lpszObjectId);
		printf(" name ");
		print_wide(lpszName);
		if (cbBuffer == sizeof(DWORD))
			printf(" state %d", (int)*(DWORD *)lpBuffer);
		printf("\n");

		if (filterAndType.dwObjectType == CLUSTER_OBJECT_TYPE_NODE &&
		    filterAndType.FilterFlags == CLUSTER_CHANGE_NODE_STATE_V2 &&
		    cbBuffer == sizeof(DWORD) && wide_equals(lpszObjectId, "n1")) {
			CLUSTER_NODE_STATE state = (CLUSTER_NODE_STATE)*(DWORD *)lpBuffer;

			if (state == ClusterNodeDown)
				nodeDown = 1;
			else if (state == ClusterNodeUp && nodeDown)
				done = 1;
		}
	}

	CloseClusterNotifyPort(hChange);
	CloseCluster(hCluster);
	free(lpBuffer);
	free(lpszObjectId);
	free(lpszParentId);
	free(lpszName);
	free(lpszType);
	printf("%u events\n", cEvents);
	return done && cEvents >= 4 ? 0 : 1;
}
