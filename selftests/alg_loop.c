// SPDX-License-Identifier: GPL-2.0
/*
 * The process of the container test's AF_ALG containers: every 0.2 s it
 * asks for an AF_ALG socket, the family of CVE-2026-31431, and prints one
 * numbered line, "N alg ok" or "N alg failed: ERROR" with the C library's
 * message for the errno. A kernel without AF_ALG fails the call with
 * EAFNOSUPPORT; a syscalls cgroup that blocks socket(arg0=38) fails it
 * with its action's errno (ENOSYS by default) before the call runs, so the
 * two read apart. The call is raw, so that its family reaches the kernel
 * as written.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#ifndef AF_ALG
#define AF_ALG 38
#endif

int main(void)
{
	const struct timespec pause = { .tv_nsec = 200 * 1000 * 1000 };
	unsigned long n;

	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("container: pid %d\n", getpid());
	for (n = 1;; n++) {
		long fd = syscall(SYS_socket, AF_ALG, SOCK_SEQPACKET, 0);

		if (fd >= 0) {
			printf("%lu alg ok\n", n);
			close(fd);
		} else {
			printf("%lu alg failed: %s\n", n, strerror(errno));
		}
		nanosleep(&pause, NULL);
	}
}
