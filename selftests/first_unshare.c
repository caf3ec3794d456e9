// SPDX-License-Identifier: GPL-2.0
/*
 * The entrypoint of the container test's "at creation" bundle: a static
 * program without a C library, so that its first system call is
 * unshare(0), which the kernel lets any task make (it changes nothing)
 * and Docker's profile denies. It prints "unshare: R" (R the raw result:
 * 0, or minus the errno) and then pauses until it is killed.
 */
#include <asm/unistd.h>

static long sys3(long nr, long a, long b, long c)
{
	long ret;

	asm volatile ("syscall"
		      : "=a" (ret)
		      : "a" (nr), "D" (a), "S" (b), "d" (c)
		      : "rcx", "r11", "memory");
	return ret;
}

__attribute__((force_align_arg_pointer, noreturn)) void _start(void)
{
	long ret = sys3(__NR_unshare, 0, 0, 0);
	char line[32] = "unshare: ";
	int len = 9, digits = 0;
	unsigned long v = ret < 0 ? -ret : ret;
	char rev[24];

	if (ret < 0)
		line[len++] = '-';
	do {
		rev[digits++] = '0' + v % 10;
		v /= 10;
	} while (v);
	while (digits)
		line[len++] = rev[--digits];
	line[len++] = '\n';
	sys3(__NR_write, 1, (long)line, len);
	for (;;)
		sys3(__NR_pause, 0, 0, 0);
}
