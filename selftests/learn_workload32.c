// SPDX-License-Identifier: GPL-2.0
/*
 * A small 32-bit workload for test_learn: built with -m32 as a static
 * binary, so that every call it makes comes through the ia32 ABI (glibc's
 * calls and one int $0x80). mkdir and rmdir are made by number, so that
 * the test knows which calls to look for. test_learn runs it in a learning cgroup, then
 * again under the allowlist learned from it.
 *
 *   learn_workload32          the workload; exits 0, or 100 + the step that
 *                             failed
 *   learn_workload32 chroot   the same, then one call it never makes
 *                             otherwise, ia32 chroot() of a path that does
 *                             not exist; exits with that call's errno
 *                             (ENOENT if it ran, ENOSYS if it was denied)
 *
 * It prints nothing: under the learned allowlist, a write it never made
 * while learning would be denied. The exit status says everything.
 */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <unistd.h>

#if !defined(__i386__)
#error "learn_workload32 is a 32-bit program: build it with -m32"
#endif

#define WORK_DIR "/tmp/learn32"
#define WORK_FILE WORK_DIR "/file"
#define MISSING "/nonexistent-learn32"

static long int80(long nr, long a, long b)
{
	long ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b)
		     : "memory");
	return ret;
}

int main(int argc, char **argv)
{
	struct utsname u;
	char buf[64];
	long r;
	int fd;

	syscall(SYS_rmdir, WORK_DIR);
	if (syscall(SYS_mkdir, WORK_DIR, 0755))
		return 101;
	fd = open(WORK_FILE, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return 102;
	if (write(fd, "ia32\n", 5) != 5 || close(fd))
		return 103;
	fd = open("/proc/version", O_RDONLY);
	if (fd < 0 || read(fd, buf, sizeof(buf)) <= 0 || close(fd))
		return 104;
	if (uname(&u))
		return 105;
	/* getpid (ia32 20) through int $0x80 itself. */
	if (int80(SYS_getpid, 0, 0) <= 0)
		return 106;
	if (unlink(WORK_FILE) || syscall(SYS_rmdir, WORK_DIR))
		return 107;
	if (argc > 1 && !strcmp(argv[1], "chroot")) {
		r = int80(SYS_chroot, (long)MISSING, 0);
		return r < 0 ? (int)-r : 108;
	}
	return 0;
}
