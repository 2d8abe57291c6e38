// SPDX-License-Identifier: GPL-2.0
/*
 * A service loop that waits on the port's event handle among its other
 * handles (here with epoll, as a WaitForMultipleObjects port would) and
 * takes ONE notification per wake-up, then waits again: Windows keeps the
 * event signalled while the port has notifications, so none is left behind.
 * The service is busy (it waits for a line on stdin) until the cluster has
 * changed under it, so that several notifications are pending at once.
 *
 *   event_handle_epoll RESOURCE   exits 0 once RESOURCE was reported
 *                                 Offline and then Online
 */
#include <stdio.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <clusapi.h>

#ifndef ARRAYSIZE
#define ARRAYSIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static BOOL same_name(const WCHAR *w, const char *s)
{
	while (*s && *w == (WCHAR)*s)
		w++, s++;
	return !*s && !*w;
}

int main(int argc, char **argv)
{
	NOTIFY_FILTER_AND_TYPE filters[] = {
		{ CLUSTER_OBJECT_TYPE_RESOURCE, CLUSTER_CHANGE_RESOURCE_STATE_V2 },
		{ CLUSTER_OBJECT_TYPE_GROUP, CLUSTER_CHANGE_GROUP_STATE_V2 },
	};
	WCHAR name[256];
	DWORD cchName, cbBuffer, status, state;
	NOTIFY_FILTER_AND_TYPE ft;
	struct epoll_event ev, got;
	HCLUSTER hCluster;
	HCHANGE hChange;
	HANDLE hEvent;
	DWORD_PTR key;
	BYTE buffer[16];
	int ep, phase = 0, wakeups = 0, taken = 0;

	if (argc != 2)
		return 2;
	hCluster = OpenCluster(NULL);
	if (!hCluster)
		return printf("OpenCluster: %lu\n", (unsigned long)GetLastError()), 1;
	hChange = CreateClusterNotifyPortV2((HCHANGE)INVALID_HANDLE_VALUE,
					    hCluster, filters,
					    ARRAYSIZE(filters), 7);
	if (!hChange)
		return printf("CreateClusterNotifyPortV2: %lu\n",
			      (unsigned long)GetLastError()), 1;
	status = GetNotifyEventHandle(hChange, &hEvent);
	if (status != ERROR_SUCCESS)
		return printf("GetNotifyEventHandle: %lu\n",
			      (unsigned long)status), 1;

	ep = epoll_create1(0);
	memset(&ev, 0, sizeof(ev));
	ev.events = EPOLLIN;
	if (ep < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, (int)(intptr_t)hEvent, &ev))
		return perror("epoll"), 1;
	printf("ready\n");
	fflush(stdout);
	if (!fgets((char *)buffer, sizeof(buffer), stdin))
		return printf("FAIL: no go\n"), 1;

	while (phase < 2) {
		if (epoll_wait(ep, &got, 1, -1) != 1)
			continue;
		wakeups++;
		if (got.events & (EPOLLHUP | EPOLLERR)) {
			printf("FAIL: the port hung up\n");
			return 1;
		}
		/* one, and back to the wait */
		cchName = ARRAYSIZE(name);
		cbBuffer = sizeof(buffer);
		status = GetClusterNotifyV2(hChange, &key, &ft, buffer,
					    &cbBuffer, NULL, NULL, NULL, NULL,
					    name, &cchName, NULL, NULL, 0);
		if (status == WAIT_TIMEOUT) {
			printf("FAIL: woken with nothing to take\n");
			return 1;
		}
		if (status != ERROR_SUCCESS) {
			printf("FAIL: GetClusterNotifyV2: %lu\n",
			       (unsigned long)status);
			return 1;
		}
		taken++;
		if (key != 7 || cbBuffer != sizeof(DWORD))
			continue;
		memcpy(&state, buffer, sizeof(state));
		printf("event type=%lu state=%lu%s\n",
		       (unsigned long)ft.dwObjectType, (unsigned long)state,
		       same_name(name, argv[1]) ? " (watched)" : "");
		fflush(stdout);
		if (ft.dwObjectType != CLUSTER_OBJECT_TYPE_RESOURCE ||
		    !same_name(name, argv[1]))
			continue;
		if (phase == 0 && state == ClusterResourceOffline)
			phase = 1;
		else if (phase == 1 && state == ClusterResourceOnline)
			phase = 2;
	}
	printf("ok: %d notifications in %d wake-ups\n", taken, wakeups);
	CloseClusterNotifyPort(hChange);
	CloseCluster(hCluster);
	close(ep);
	return 0;
}
