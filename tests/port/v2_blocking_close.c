// SPDX-License-Identifier: GPL-2.0
/*
 * The os-win shape: a listener thread blocks in GetClusterNotifyV2 with
 * INFINITE and hands node state changes to the main thread through a
 * context passed as the notify key; the main thread stops it with
 * CloseClusterNotifyPort, which must wake it with ERROR_INVALID_HANDLE.
 *
 *   v2_blocking_close NODE   exits 0 once NODE was reported Down and the
 *                            listener ended as Windows says it does
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

#include <clusapi.h>

#ifndef ARRAYSIZE
#define ARRAYSIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

struct listener {
	HCHANGE hChange;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	WCHAR down_node[64];
	BOOL saw_down;
	pid_t tid;
	DWORD last_status;
	unsigned int events;
};

static void print_event(const char *what, const WCHAR *name, DWORD state)
{
	char buf[128];
	size_t i;

	for (i = 0; name[i] && i < sizeof(buf) - 1; i++)
		buf[i] = name[i] < 0x80 ? (char)name[i] : '?';
	buf[i] = '\0';
	printf("%s node=%s state=%lu\n", what, buf, (unsigned long)state);
	fflush(stdout);
}

static void *listen_thread(void *arg)
{
	struct listener *l = arg;
	WCHAR objectId[64], parentId[64], name[256], type[64];
	DWORD cchObjectId, cchParentId, cchName, cchType, cbBuffer, status;
	NOTIFY_FILTER_AND_TYPE filter;
	DWORD_PTR key;
	BYTE buffer[64];

	l->tid = (pid_t)syscall(SYS_gettid);
	for (;;) {
		cchObjectId = ARRAYSIZE(objectId);
		cchParentId = ARRAYSIZE(parentId);
		cchName = ARRAYSIZE(name);
		cchType = ARRAYSIZE(type);
		cbBuffer = sizeof(buffer);
		status = GetClusterNotifyV2(l->hChange, &key, &filter, buffer,
					    &cbBuffer, objectId, &cchObjectId,
					    parentId, &cchParentId, name,
					    &cchName, type, &cchType, INFINITE);
		if (status != ERROR_SUCCESS)
			break;
		/* the key is our context, all 64 bits of it */
		struct listener *ctx = (struct listener *)key;

		if (filter.dwObjectType != CLUSTER_OBJECT_TYPE_NODE ||
		    filter.FilterFlags != CLUSTER_CHANGE_NODE_STATE_V2 ||
		    cbBuffer != sizeof(DWORD))
			continue;
		DWORD state = *(DWORD *)buffer;

		print_event("event", name, state);
		pthread_mutex_lock(&ctx->lock);
		ctx->events++;
		if (state == ClusterNodeDown &&
		    !memcmp(name, ctx->down_node, (cchName + 1) * sizeof(WCHAR))) {
			ctx->saw_down = TRUE;
			pthread_cond_signal(&ctx->cond);
		}
		pthread_mutex_unlock(&ctx->lock);
	}
	pthread_mutex_lock(&l->lock);
	l->last_status = status;
	pthread_cond_signal(&l->cond);
	pthread_mutex_unlock(&l->lock);
	return NULL;
}

/* Whether thread @tid sleeps in the kernel (in the wait, here). */
static BOOL thread_sleeping(pid_t tid)
{
	char path[64], stat[512], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/self/task/%d/stat", (int)tid);
	f = fopen(path, "r");
	if (!f)
		return FALSE;
	n = fread(stat, 1, sizeof(stat) - 1, f);
	fclose(f);
	stat[n] = '\0';
	p = strrchr(stat, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

int main(int argc, char **argv)
{
	NOTIFY_FILTER_AND_TYPE filters[] = {
		{ CLUSTER_OBJECT_TYPE_NODE, CLUSTER_CHANGE_NODE_STATE_V2 },
	};
	static struct listener l = {
		.lock = PTHREAD_MUTEX_INITIALIZER,
		.cond = PTHREAD_COND_INITIALIZER,
		.last_status = 0xffffffff,
	};
	HCLUSTER hCluster;
	pthread_t t;
	size_t i;

	if (argc != 2)
		return 2;
	for (i = 0; argv[1][i] && i < ARRAYSIZE(l.down_node) - 1; i++)
		l.down_node[i] = (WCHAR)argv[1][i];
	hCluster = OpenCluster(NULL);
	if (!hCluster) {
		printf("OpenCluster: %lu\n", (unsigned long)GetLastError());
		return 1;
	}
	l.hChange = CreateClusterNotifyPortV2((HCHANGE)INVALID_HANDLE_VALUE,
					      hCluster, filters,
					      ARRAYSIZE(filters),
					      (DWORD_PTR)&l);
	if (!l.hChange) {
		printf("CreateClusterNotifyPortV2: %lu\n",
		       (unsigned long)GetLastError());
		return 1;
	}
	if (pthread_create(&t, NULL, listen_thread, &l))
		return 1;
	printf("ready\n");
	fflush(stdout);

	pthread_mutex_lock(&l.lock);
	while (!l.saw_down && l.last_status == 0xffffffff)
		pthread_cond_wait(&l.cond, &l.lock);
	pthread_mutex_unlock(&l.lock);
	if (!l.saw_down) {
		printf("FAIL: the listener ended with %lu before NODE Down\n",
		       (unsigned long)l.last_status);
		return 1;
	}
	/* Stop it while it is blocked in the INFINITE wait. */
	while (!thread_sleeping(l.tid))
		usleep(10000);
	CloseClusterNotifyPort(l.hChange);
	pthread_join(t, NULL);
	printf("listener returned %lu after %u events\n",
	       (unsigned long)l.last_status, l.events);
	CloseCluster(hCluster);
	if (l.last_status != ERROR_INVALID_HANDLE) {
		printf("FAIL: not ERROR_INVALID_HANDLE\n");
		return 1;
	}
	printf("ok\n");
	return 0;
}
