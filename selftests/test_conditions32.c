// SPDX-License-Identifier: GPL-2.0
/*
 * Argument conditions and 32-bit tasks. Built with -m32 as a static
 * binary, so that its calls come through the ia32 ABI: glibc's syscall()
 * (sysenter or syscall through the vDSO) and int $0x80. A condition on a
 * name reaches the ia32 call of that name; `x86_64:` keeps it from 32-bit
 * tasks and `ia32:` keeps it to them; every ia32 argument is compared at
 * 32 bits. test_conditions has the 64-bit side, and int $0x80 from a
 * 64-bit task.
 *
 * The numbers read: ia32 socket is 359 (x86_64 41), clone 120 (56),
 * personality 136 (135). Family 38 is AF_ALG. A call that a condition
 * does not deny must give what it gives with nothing denied: each list of
 * calls runs first in the root cgroup, then in the cgroup under test.
 */
#include <sched.h>
#include <signal.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "cond32_"
#define CG32 "cond32_abi"

#if !defined(__i386__)
#error "test_conditions32 is a 32-bit program: build it with -m32"
#endif

_Static_assert(SYS_socket == 359, "ia32 numbers");
_Static_assert(SYS_clone == 120, "ia32 numbers");
_Static_assert(SYS_personality == 136, "ia32 numbers");

/* socket(family, type, 0) through glibc and through int $0x80. */
#define SOCKET_CALLS(what, family, type, want)				\
	{ what " through glibc", ARG_SYSCALL, EFFECT_FD, SYS_socket,	\
	  { family, type, 0 }, want },					\
	{ what " through int $0x80", ARG_INT80, EFFECT_FD, SYS_socket,	\
	  { family, type, 0 }, want }
#define CLONE_CALLS(what, flags, want)					\
	{ what " through glibc", ARG_SYSCALL, EFFECT_FORK, SYS_clone,	\
	  { flags, 0, 0 }, want },					\
	{ what " through int $0x80", ARG_INT80, EFFECT_FORK, SYS_clone,	\
	  { flags, 0, 0 }, want }
#define PERSONALITY_CALLS(what, persona, want)				\
	{ what " through glibc", ARG_SYSCALL, EFFECT_NONE,		\
	  SYS_personality, { persona, 0, 0 }, want },			\
	{ what " through int $0x80", ARG_INT80, EFFECT_NONE,		\
	  SYS_personality, { persona, 0, 0 }, want }

/* Writes rules to a fresh CG32, which must then read as want. */
static int deny_reading(const char *rules, const char *want)
{
	if (cg_create_denying(CG32, rules) || !cg_denies(CG32, want))
		return -1;
	return 0;
}

/* socket(AF_ALG) gives alg; AF_UNIX and AF_INET run. */
static int check_alg_socket(long alg)
{
	static struct arg_calls calls = { 6, {
		SOCKET_CALLS("32-bit socket(AF_ALG)", AF_ALG, SOCK_SEQPACKET, 0),
		SOCKET_CALLS("32-bit socket(AF_UNIX)", AF_UNIX, SOCK_STREAM,
			     UNFILTERED),
		SOCKET_CALLS("32-bit socket(AF_INET)", AF_INET, SOCK_STREAM,
			     UNFILTERED),
	} };

	calls.c[0].want = alg;
	calls.c[1].want = alg;
	return run_arg_calls(CG32, &calls);
}

static int test_abi32_name_condition_reaches_ia32_socket(void)
{
	int ret = KSFT_FAIL;

	if (deny_reading("socket(arg0=38)",
			 "x86_64:41(arg0=38) ia32:359(arg0=38)"))
		goto cleanup;
	ret = check_alg_socket(-ENOSYS);
cleanup:
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

static int test_abi32_x86_64_prefix_condition_skips_ia32(void)
{
	int ret = KSFT_FAIL;

	if (deny_reading("x86_64:socket(arg0=38)", "x86_64:41(arg0=38)"))
		goto cleanup;
	ret = check_alg_socket(UNFILTERED);
cleanup:
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

static int test_abi32_ia32_prefix_condition_reaches_ia32(void)
{
	static const char *const items[] = {
		"ia32:socket(arg0=38)", "ia32:359(arg0=38)",
	};
	int ret = KSFT_FAIL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(items); i++) {
		cg_destroy(CG32);
		if (deny_reading(items[i], "ia32:359(arg0=38)"))
			goto cleanup;
		ret = check_alg_socket(-ENOSYS);
		if (ret != KSFT_PASS)
			goto cleanup;
		ret = KSFT_FAIL;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

static int test_abi32_mask_selects_clone_flags(void)
{
	static const struct arg_calls calls = { 6, {
		CLONE_CALLS("32-bit clone(CLONE_NEWUSER | SIGCHLD)",
			    CLONE_NEWUSER | SIGCHLD, -ENOSYS),
		CLONE_CALLS("32-bit clone(SIGCHLD), a fork", SIGCHLD,
			    UNFILTERED),
		CLONE_CALLS("32-bit clone(CLONE_NEWUTS | SIGCHLD)",
			    CLONE_NEWUTS | SIGCHLD, UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	if (deny_reading("clone(arg0&0x10000000!=0)",
			 "x86_64:56(arg0&0x10000000!=0) ia32:120(arg0&0x10000000!=0)"))
		goto cleanup;
	ret = run_arg_calls(CG32, &calls);
cleanup:
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

static int test_abi32_personality_condition(void)
{
	static const struct arg_calls calls = { 6, {
		PERSONALITY_CALLS("32-bit personality(ADDR_NO_RANDOMIZE)",
				  ADDR_NO_RANDOMIZE, -ENOSYS),
		PERSONALITY_CALLS("32-bit personality(0xffffffff), a query",
				  0xffffffffUL, UNFILTERED),
		PERSONALITY_CALLS("32-bit personality(PER_LINUX)", PER_LINUX,
				  UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG32,
			      "personality(arg0!=0|8|0x20000|0x20008|0xffffffff)"))
		goto cleanup;
	ret = run_arg_calls(CG32, &calls);
cleanup:
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

/*
 * Every ia32 argument is 32 bits: a value past them compares truncated,
 * as a mask does, so 0x100000026 is 38 to a 32-bit task's socket.
 */
static int test_abi32_value_compared_at_32_bits(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG32, "ia32:socket(arg0=0x100000026)"))
		goto cleanup;
	ret = check_alg_socket(-ENOSYS);
cleanup:
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

/* The controller's log rate limit: a new interval after this quiet. */
#define LOG_QUIET 5.3
#define LOG_COMM "cond_log32"

static int logged_int80_socket(void *arg)
{
	long r;

	if (prctl(PR_SET_NAME, LOG_COMM, 0, 0, 0))
		return KSFT_FAIL;
	r = int80_syscall3(SYS_socket, AF_ALG, SOCK_SEQPACKET, 0);
	return expect_result("32-bit socket(AF_ALG) through int $0x80", r,
			     -ENOSYS) ? KSFT_PASS : KSFT_FAIL;
}

static int test_abi32_log_line_ends_with_the_argument(void)
{
	struct child c = { .pid = -1, .sync = NULL };
	char want[512];
	int ret = KSFT_FAIL, i, got = 0;
	pid_t pid;

	/* Earlier denials may have spent the interval. */
	sleep_seconds(LOG_QUIET);
	if (cg_create_denying(CG32, "socket(arg0=38)") || kmsg_open())
		goto cleanup;
	if (child_start(&c, logged_int80_socket, NULL) ||
	    cg_enter_process(CG32, c.pid) || child_go(&c))
		goto cleanup;
	pid = c.pid;
	if (child_wait(&c) != KSFT_PASS)
		goto cleanup;
	kmsg_read();
	snprintf(want, sizeof(want),
		 "syscalls_cgroup: denied ia32 ia32:socket (%d): pid=%d comm=\"%s\" cgroup=\"/%s\" action=ENOSYS arg0=0x26",
		 SYS_socket, pid, LOG_COMM, CG32);
	for (i = 0; i < kmsg->n; i++)
		got += !strcmp(kmsg->line[i], want);
	if (got != 1) {
		diag("kernel log: expected the line '%s' once, found it %d times",
		     want, got);
		kmsg_show("syscalls_cgroup");
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	child_kill(&c);
	kmsg_close();
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_abi32_name_condition_reaches_ia32_socket),
	T(test_abi32_x86_64_prefix_condition_skips_ia32),
	T(test_abi32_ia32_prefix_condition_reaches_ia32),
	T(test_abi32_mask_selects_clone_flags),
	T(test_abi32_personality_condition),
	T(test_abi32_value_compared_at_32_bits),
	T(test_abi32_log_line_ends_with_the_argument),
};

/* Runs every test, or with arguments those whose name contains one of them. */
int main(int argc, char **argv)
{
	int err;

	ksft_print_header();
	err = cg_setup(TEST_PREFIX);
	if (err)
		ksft_exit_skip("no syscalls hierarchy to test (run as root): %s\n",
			       strerror(-err));
	ksft_set_plan(tests_selected(tests, ARRAY_SIZE(tests), argc, argv));
	run_tests(tests, ARRAY_SIZE(tests), argc, argv);
}
