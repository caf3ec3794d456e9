// SPDX-License-Identifier: GPL-2.0
/*
 * A probe of one system call with a chosen argument, for
 * test_profiles.sh: it makes the call once with syscall(2), so that the
 * register holds exactly the value given (high bits included, which the
 * kernel drops for an int parameter), and prints "ok" or the errno by
 * name and number ("EPERM (1)"). Exit status 0 for ok, 1 for an errno,
 * 2 for a usage error.
 *
 *   arg_probe socket FAMILY[:HIGH]   socket(FAMILY | HIGH << 32, TYPE, 0),
 *                                    TYPE as the family takes it; closed
 *   arg_probe personality VALUE      personality(VALUE), after a query
 *                                    (0xffffffff) of the current one, which
 *                                    is set back after
 *   arg_probe clone FLAGS            clone(FLAGS | SIGCHLD) as a fork (no
 *                                    new stack); the child exits at once,
 *                                    and is waited for. FLAGS 0: a plain fork
 *
 * Numbers are decimal or 0x-hexadecimal.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

static int usage(void)
{
	fprintf(stderr, "usage: arg_probe socket FAMILY[:HIGH] | personality VALUE | clone FLAGS\n");
	return 2;
}

/* Parses a whole decimal or 0x number into *out. */
static int number(const char *text, unsigned long long *out)
{
	char *end;

	errno = 0;
	*out = strtoull(text, &end, 0);
	return errno || end == text || *end ? -1 : 0;
}

/* Prints the result of a call that returned ret (-1: errno says why). */
static int report(long ret)
{
	int e = errno;
	const char *name;

	if (ret != -1) {
		printf("ok\n");
		return 0;
	}
	name = strerrorname_np(e);
	printf("%s (%d)\n", name ? name : "E?", e);
	return 1;
}

static int probe_socket(const char *arg)
{
	unsigned long long family, high = 0;
	char buf[64], *colon;
	int type;
	long fd;

	snprintf(buf, sizeof(buf), "%s", arg);
	colon = strchr(buf, ':');
	if (colon) {
		*colon = '\0';
		if (number(colon + 1, &high) || high > 0xffffffffULL)
			return usage();
	}
	if (number(buf, &family) || family > 0xffffffffULL)
		return usage();
	/* AF_ALG takes only sequenced packets, AF_NETLINK raw ones. */
	type = family == 38 ? SOCK_SEQPACKET : family == AF_NETLINK ? SOCK_RAW : SOCK_STREAM;
	fd = syscall(SYS_socket, (long)(family | high << 32), (long)type, 0L);
	if (fd >= 0)
		close(fd);
	return report(fd);
}

static int probe_personality(const char *arg)
{
	unsigned long long value;
	long old, ret;
	int e;

	if (number(arg, &value))
		return usage();
	old = syscall(SYS_personality, 0xffffffffL);
	if (old == -1) {
		printf("the query personality(0xffffffff) failed: ");
		return report(old);
	}
	ret = syscall(SYS_personality, (long)value);
	e = errno;
	if (ret != -1)
		syscall(SYS_personality, old);
	errno = e;
	return report(ret);
}

static int probe_clone(const char *arg)
{
	unsigned long long flags;
	long pid;
	int status;

	if (number(arg, &flags))
		return usage();
	/* A null stack: the child runs on a copy of ours, as after fork(). */
	pid = syscall(SYS_clone, (long)(flags | SIGCHLD), 0L, 0L, 0L, 0L);
	if (pid == 0)
		_exit(0);
	if (pid > 0 && (waitpid(pid, &status, 0) != pid || !WIFEXITED(status) ||
			WEXITSTATUS(status) != 0)) {
		printf("the child did not exit with 0\n");
		return 1;
	}
	return report(pid);
}

int main(int argc, char **argv)
{
	if (argc != 3)
		return usage();
	if (!strcmp(argv[1], "socket"))
		return probe_socket(argv[2]);
	if (!strcmp(argv[1], "personality"))
		return probe_personality(argv[2]);
	if (!strcmp(argv[1], "clone"))
		return probe_clone(argv[2]);
	return usage();
}
