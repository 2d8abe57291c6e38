// SPDX-License-Identifier: GPL-2.0
/*
 * A configuration watcher: reads its key (ClusterRegQueryInfoKey,
 * ClusterRegEnumKey, ClusterRegEnumValue, ClusterRegQueryValue), then
 * watches it with CLUSTER_CHANGE_REGISTRY_VALUE_V2 | SUBTREE on a port made
 * empty and reads each changed value back with ClusterRegQueryValue.
 *
 *   registry_watch KEY SUBKEY VALUE NEWTEXT SUBVALUE NEWDWORD
 *     exits 0 once KEY\VALUE reads NEWTEXT and KEY\SUBKEY\SUBVALUE reads
 *     NEWDWORD, each after a notification of its change
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <clusapi.h>

#ifndef ARRAYSIZE
#define ARRAYSIZE(a)	(sizeof(a) / sizeof((a)[0]))
#endif

static int failures;

static void widen(const char *s, WCHAR *w, size_t n)
{
	size_t i;

	for (i = 0; s[i] && i < n - 1; i++)
		w[i] = (WCHAR)(unsigned char)s[i];
	w[i] = 0;
}

static void narrow(const WCHAR *w, char *s, size_t n)
{
	size_t i;

	for (i = 0; w[i] && i < n - 1; i++)
		s[i] = w[i] < 0x80 ? (char)w[i] : '?';
	s[i] = '\0';
}

static void check(int ok, const char *what)
{
	printf("%s %s\n", ok ? "ok:" : "FAIL:", what);
	fflush(stdout);
	if (!ok)
		failures++;
}

/* A value, its size asked first, as text; NULL if it cannot be read. */
static char *read_value(HKEY hKey, const WCHAR *value, DWORD *type)
{
	DWORD cb = 0, i;
	LONG status;
	BYTE *data;
	char *text;

	status = ClusterRegQueryValue(hKey, value, type, NULL, &cb);
	if (status != ERROR_SUCCESS)
		return NULL;
	data = malloc(cb + 2);
	text = malloc(cb + 32);
	status = ClusterRegQueryValue(hKey, value, type, data, &cb);
	if (status != ERROR_SUCCESS) {
		free(data);
		free(text);
		return NULL;
	}
	if (*type == REG_DWORD && cb == sizeof(DWORD)) {
		DWORD dw;

		memcpy(&dw, data, sizeof(dw));
		sprintf(text, "%lu", (unsigned long)dw);
	} else if (*type == REG_QWORD && cb == sizeof(ULONGLONG)) {
		ULONGLONG qw;

		memcpy(&qw, data, sizeof(qw));
		sprintf(text, "%llu", (unsigned long long)qw);
	} else if (*type == REG_SZ) {
		for (i = 0; i + 1 < cb / sizeof(WCHAR); i++)
			text[i] = (char)((WCHAR *)data)[i];
		text[i] = '\0';
	} else {
		strcpy(text, "?");
	}
	free(data);
	return text;
}

int main(int argc, char **argv)
{
	WCHAR wkey[64], wsub[64], wvalue[64], wsubvalue[64], name[256];
	WCHAR objectId[256];
	DWORD subkeys = 0, values = 0, maxSub = 0, maxName = 0, maxData = 0;
	DWORD cch, type, status, cchId, cchName;
	HKEY hRoot, hKey, hSub, hChanged;
	NOTIFY_FILTER_AND_TYPE filter;
	int seen_value = 0, seen_sub = 0;
	char buf[256], what[512];
	HCLUSTER hCluster;
	HCHANGE hChange;
	DWORD_PTR key;
	char *text;
	DWORD i;

	if (argc != 7)
		return 2;
	widen(argv[1], wkey, ARRAYSIZE(wkey));
	widen(argv[2], wsub, ARRAYSIZE(wsub));
	widen(argv[3], wvalue, ARRAYSIZE(wvalue));
	widen(argv[5], wsubvalue, ARRAYSIZE(wsubvalue));

	hCluster = OpenCluster(NULL);
	if (!hCluster)
		return 1;
	hRoot = GetClusterKey(hCluster, KEY_READ);
	if (!hRoot || ClusterRegOpenKey(hRoot, wkey, KEY_READ, &hKey) != ERROR_SUCCESS) {
		printf("FAIL: cannot open %s\n", argv[1]);
		return 1;
	}
	status = ClusterRegQueryInfoKey(hKey, &subkeys, &maxSub, &values,
					&maxName, &maxData, NULL, NULL);
	snprintf(what, sizeof(what), "%s: %lu subkeys, %lu values", argv[1],
		 (unsigned long)subkeys, (unsigned long)values);
	check(status == ERROR_SUCCESS && subkeys >= 1 && values >= 1, what);

	for (i = 0;; i++) {
		cch = maxSub + 1;
		if (ClusterRegEnumKey(hKey, i, name, &cch, NULL) != ERROR_SUCCESS)
			break;
		narrow(name, buf, sizeof(buf));
		if (!strcmp(buf, argv[2]))
			break;
	}
	snprintf(what, sizeof(what), "ClusterRegEnumKey finds %s", argv[2]);
	check(i < subkeys, what);

	for (i = 0;; i++) {
		BYTE data[512];
		DWORD cb = maxData;

		cch = maxName + 1;
		status = ClusterRegEnumValue(hKey, i, name, &cch, &type, data, &cb);
		if (status != ERROR_SUCCESS)
			break;
		narrow(name, buf, sizeof(buf));
		printf("  value %s type %lu, %lu bytes\n", buf,
		       (unsigned long)type, (unsigned long)cb);
	}
	snprintf(what, sizeof(what), "ClusterRegEnumValue lists %lu values",
		 (unsigned long)i);
	check(status == ERROR_NO_MORE_ITEMS && i == values, what);

	if (ClusterRegOpenKey(hKey, wsub, KEY_READ, &hSub) != ERROR_SUCCESS) {
		printf("FAIL: cannot open %s\\%s\n", argv[1], argv[2]);
		return 1;
	}
	text = read_value(hSub, wsubvalue, &type);
	snprintf(what, sizeof(what), "%s\\%s\\%s reads %s", argv[1], argv[2],
		 argv[5], text ? text : "(nothing)");
	check(text && type == REG_DWORD, what);
	free(text);
	check(ClusterRegQueryValue(hKey, L"no-such-value", &type, NULL, NULL) ==
	      ERROR_FILE_NOT_FOUND, "a missing value is ERROR_FILE_NOT_FOUND");
	/* run.sh also sets KEY.neg (cmap i32 -5) and KEY.big (cmap u64 max) */
	text = read_value(hKey, L"NEG", &type);
	check(text && type == REG_DWORD && !strcmp(text, "4294967291"),
	      "an i32 of -5 reads as the REG_DWORD 4294967291");
	free(text);
	text = read_value(hKey, L"big", &type);
	check(text && type == REG_QWORD && !strcmp(text, "18446744073709551615"),
	      "a u64 reads as a REG_QWORD");
	free(text);

	hChange = CreateClusterNotifyPortV2((HCHANGE)INVALID_HANDLE_VALUE,
					    (HCLUSTER)INVALID_HANDLE_VALUE,
					    NULL, 0, 0);
	filter.dwObjectType = CLUSTER_OBJECT_TYPE_REGISTRY;
	filter.FilterFlags = CLUSTER_CHANGE_REGISTRY_VALUE_V2 |
			     CLUSTER_CHANGE_REGISTRY_SUBTREE_V2;
	if (!hChange ||
	    RegisterClusterNotifyV2(hChange, filter, hKey, (DWORD_PTR)hKey) !=
	    ERROR_SUCCESS) {
		printf("FAIL: cannot watch %s\n", argv[1]);
		return 1;
	}
	printf("ready\n");
	fflush(stdout);

	while (!(seen_value && seen_sub)) {
		cchId = ARRAYSIZE(objectId);
		cchName = ARRAYSIZE(name);
		status = GetClusterNotifyV2(hChange, &key, &filter, NULL, NULL,
					    objectId, &cchId, NULL, NULL,
					    name, &cchName, NULL, NULL, INFINITE);
		if (status != ERROR_SUCCESS) {
			printf("FAIL: GetClusterNotifyV2: %lu\n", (unsigned long)status);
			return 1;
		}
		if (key != (DWORD_PTR)hKey ||
		    filter.FilterFlags != CLUSTER_CHANGE_REGISTRY_VALUE_V2)
			continue;
		/*
		 * Name: the changed key, relative to the watched one ("" for
		 * itself); ObjectId: the value's name.
		 */
		narrow(name, buf, sizeof(buf));
		if (ClusterRegOpenKey(hKey, name, KEY_READ, &hChanged) !=
		    ERROR_SUCCESS) {
			printf("  key %s is gone\n", buf);
			continue;
		}
		text = read_value(hChanged, objectId, &type);
		ClusterRegCloseKey(hChanged);
		narrow(objectId, what, sizeof(what));
		printf("event key=%s value=%s now %s\n", buf, what,
		       text ? text : "(gone)");
		fflush(stdout);
		if (text && !buf[0] && !strcmp(what, argv[3]) &&
		    !strcmp(text, argv[4]))
			seen_value = 1;
		if (text && !strcmp(buf, argv[2]) && !strcmp(what, argv[5]) &&
		    !strcmp(text, argv[6]) && type == REG_DWORD)
			seen_sub = 1;
		free(text);
	}
	printf("ok\n");
	CloseClusterNotifyPort(hChange);
	ClusterRegCloseKey(hSub);
	ClusterRegCloseKey(hKey);
	ClusterRegCloseKey(hRoot);
	CloseCluster(hCluster);
	return failures ? 1 : 0;
}
