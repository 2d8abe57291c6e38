// SPDX-License-Identifier: GPL-2.0
/*
 * The WMI-provider shape: a V1 port polled with a 2500 ms timeout and a stop
 * flag; on each CLUSTER_CHANGE_NODE_STATE it opens the node by the name the
 * notification carries and reads its state with GetClusterNodeState.
 *
 *   v1_poller NODE   exits 0 once NODE reads Down after a notification
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include <clusapi.h>

#ifndef ARRAYSIZE
#define ARRAYSIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static volatile sig_atomic_t stop;

static void on_term(int sig)
{
	(void)sig;
	stop = 1;
}

static void narrow(const WCHAR *w, char *out, size_t size)
{
	size_t i;

	for (i = 0; w[i] && i < size - 1; i++)
		out[i] = w[i] < 0x80 ? (char)w[i] : '?';
	out[i] = '\0';
}

int main(int argc, char **argv)
{
	WCHAR name[8];		/* small: names longer than 7 are grown into */
	WCHAR *lpszName = name;
	DWORD cchName, cchBuf = ARRAYSIZE(name), filter, status;
	CLUSTER_NODE_STATE state;
	HCLUSTER hCluster;
	HCHANGE hChange;
	DWORD_PTR key;
	HNODE hNode;
	char node[128];
	WCHAR bigger[256];

	if (argc != 2)
		return 2;
	signal(SIGTERM, on_term);
	hCluster = OpenCluster(NULL);
	if (!hCluster)
		return printf("OpenCluster: %lu\n", (unsigned long)GetLastError()), 1;
	hChange = CreateClusterNotifyPort((HCHANGE)INVALID_HANDLE_VALUE, hCluster,
					  CLUSTER_CHANGE_NODE_STATE |
					  CLUSTER_CHANGE_GROUP_STATE |
					  CLUSTER_CHANGE_RESOURCE_STATE, 0x1234);
	if (!hChange)
		return printf("CreateClusterNotifyPort: %lu\n",
			      (unsigned long)GetLastError()), 1;
	printf("ready\n");
	fflush(stdout);
	while (!stop) {
		cchName = cchBuf;
		status = GetClusterNotify(hChange, &key, &filter, lpszName,
					  &cchName, 2500);
		if (status == WAIT_TIMEOUT)
			continue;
		if (status == ERROR_MORE_DATA && lpszName == name) {
			lpszName = bigger;
			cchBuf = ARRAYSIZE(bigger);
			continue;
		}
		if (status != ERROR_SUCCESS) {
			printf("FAIL: GetClusterNotify: %lu\n", (unsigned long)status);
			return 1;
		}
		narrow(lpszName, node, sizeof(node));
		if (key != 0x1234) {
			printf("FAIL: key %#lx\n", (unsigned long)key);
			return 1;
		}
		if (filter != CLUSTER_CHANGE_NODE_STATE) {
			printf("event filter=%#lx name=%s\n", (unsigned long)filter, node);
			continue;
		}
		hNode = OpenClusterNode(hCluster, lpszName);
		if (!hNode) {
			printf("FAIL: OpenClusterNode(%s): %lu\n", node,
			       (unsigned long)GetLastError());
			return 1;
		}
		state = GetClusterNodeState(hNode);
		CloseClusterNode(hNode);
		printf("node %s state %d\n", node, (int)state);
		fflush(stdout);
		if (state == ClusterNodeStateUnknown) {
			printf("FAIL: GetClusterNodeState: %lu\n",
			       (unsigned long)GetLastError());
			return 1;
		}
		if (state == ClusterNodeDown && !strcmp(node, argv[1]))
			break;
	}
	CloseClusterNotifyPort(hChange);
	CloseCluster(hCluster);
	if (stop)
		return printf("FAIL: stopped before %s was Down\n", argv[1]), 1;
	printf("ok\n");
	return 0;
}
