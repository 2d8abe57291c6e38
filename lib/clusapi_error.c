// SPDX-License-Identifier: MIT
/*
 * clusapi errors: the thread's last error and the one place where errno
 * values become Windows error codes (map_errno).
 */
#include <errno.h>

#include "clusapi_int.h"

_Thread_local DWORD last_error;

__cn_public DWORD GetLastError(void)
{
	return last_error;
}

__cn_public void SetLastError(DWORD dwErrCode)
{
	last_error = dwErrCode;
}

/* The one errno to Windows table. @enoent names what was not found. */
DWORD map_errno(int err, DWORD enoent)
{
	static const struct {
		int err;
		DWORD win;
	} table[] = {
		{ EINVAL, ERROR_INVALID_PARAMETER },
		{ E2BIG, ERROR_INVALID_PARAMETER },
		{ ENAMETOOLONG, ERROR_INVALID_PARAMETER },
		{ EBADF, ERROR_INVALID_HANDLE },
		{ ESHUTDOWN, ERROR_INVALID_HANDLE },
		{ ENOMEM, ERROR_NOT_ENOUGH_MEMORY },
		/* A port's or a user's limit of filters (max_*_subs). */
		{ ENOSPC, ERROR_NOT_ENOUGH_MEMORY },
		{ EDQUOT, ERROR_NOT_ENOUGH_MEMORY },
		{ EMFILE, ERROR_NOT_ENOUGH_MEMORY },
		{ ENFILE, ERROR_NOT_ENOUGH_MEMORY },
		{ EPERM, ERROR_ACCESS_DENIED },
		{ EACCES, ERROR_ACCESS_DENIED },
		{ ETIMEDOUT, WAIT_TIMEOUT },
		{ ENODEV, RPC_S_SERVER_UNAVAILABLE },
		{ ENXIO, RPC_S_SERVER_UNAVAILABLE },
		{ ENOTTY, ERROR_INVALID_FUNCTION },
		{ EOPNOTSUPP, ERROR_NOT_SUPPORTED },
	};
	size_t i;

	if (err < 0)
		err = -err;
	if (err == ENOENT)
		return enoent;
	for (i = 0; i < ARRAY_SIZE(table); i++)
		if (table[i].err == err)
			return table[i].win;
	return ERROR_GEN_FAILURE;
}

/* For the functions that return a handle or a BOOL. */
void *fail(DWORD err)
{
	last_error = err;
	return NULL;
}
