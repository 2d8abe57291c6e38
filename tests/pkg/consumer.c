// SPDX-License-Identifier: GPL-2.0
/*
 * What a user's program looks like when it is built against the installed
 * libclusnotify-dev: `cc consumer.c $(pkg-config --cflags --libs
 * libclusnotify)`. Opens a port on /dev/clusnotify, asks for the names of
 * the types it would watch, and closes it. Prints "port fd=N" and exits 0 on
 * success, the error otherwise.
 */
#include <stdio.h>
#include <string.h>
#include <clusnotify.h>

int main(void)
{
	struct clusnotify_port *port;
	int ret;

	ret = clusnotify_port_open(&port);
	if (ret < 0) {
		fprintf(stderr, "clusnotify_port_open: %s\n", strerror(-ret));
		return 1;
	}
	printf("port fd=%d types=%s,%s\n", clusnotify_port_fd(port),
	       clusnotify_type_name(CLUSNOTIFY_OBJ_NODE),
	       clusnotify_type_name(CLUSNOTIFY_OBJ_CLUSTER));
	clusnotify_port_close(port);
	return 0;
}
