// SPDX-License-Identifier: GPL-2.0
/*
 * The system call ABIs, from the 64-bit side (x86_64): no ABI bypasses a
 * deny. An ia32 call through int $0x80, an x32 call, and a number with
 * high bits set in %rax are denied as the call they run; an `ia32:` rule
 * denies the ia32 call only; and with `all` denied, every number of every
 * ABI fails with ENOSYS but the few that always run. test_abi32 checks the
 * same from a 32-bit program.
 *
 * Filtered work runs in forked children, so that the test program itself
 * stays in the root cgroup and can always clean up. Each test leaves the
 * hierarchy as it found it: its cgroups removed and everything allowed at
 * the root.
 */
#include <sys/ioctl.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "enf_"
#define WORK_DIR "/tmp/enforce"

#define CG_ABI "enf_abi"
#define ABI_PATH1 WORK_DIR "/abi1"
#define ABI_PATH2 WORK_DIR "/abi2"
#define ABI_PATH3 WORK_DIR "/abi3"

/* Bits above the 32 that the entry code looks at. */
#define HIGH_BIT (1UL << 32)
#define HIGH_WORD 0xffffffff00000000UL

static int test_int80_from_64bit_denied(void)
{
	static const struct calls allowed = { 2, {
		{ "int $0x80 mkdir, nothing denied", CALL_INT80, IA32_MKDIR,
		  ABI_PATH1, 0 },
		{ "int $0x80 mkdir with high bits in %rax, nothing denied",
		  CALL_INT80, HIGH_BIT | IA32_MKDIR, ABI_PATH2, 0 },
	} };
	static const struct calls denied = { 3, {
		{ "int $0x80 mkdir, mkdir denied", CALL_INT80, IA32_MKDIR,
		  ABI_PATH1, -ENOSYS },
		{ "int $0x80 mkdir with high bits in %rax, mkdir denied",
		  CALL_INT80, HIGH_BIT | IA32_MKDIR, ABI_PATH2, -ENOSYS },
		{ "int $0x80 getpid, mkdir denied", CALL_INT80, IA32_GETPID,
		  NULL, ANY_SUCCESS },
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_ABI, "mkdir"))
		goto cleanup;
	if (run_calls(NULL, &allowed) != KSFT_PASS)
		goto cleanup;
	if (run_calls(CG_ABI, &denied) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	calls_remove_paths(&denied);
	cg_destroy(CG_ABI);
	cg_reset_root();
	return ret;
}

static int test_ia32_number_denies_only_int80(void)
{
	static const struct calls calls = { 2, {
		{ "int $0x80 mkdir, ia32:39 denied", CALL_INT80, IA32_MKDIR,
		  ABI_PATH1, -ENOSYS },
		{ "64-bit mkdir, ia32:39 denied", CALL_SYSCALL, SYS_mkdir,
		  ABI_PATH2, 0 },
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_ABI, "ia32:" STRINGIFY(IA32_MKDIR)))
		goto cleanup;
	if (run_calls(CG_ABI, &calls) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	calls_remove_paths(&calls);
	cg_destroy(CG_ABI);
	cg_reset_root();
	return ret;
}

static int test_x32_call_denied(void)
{
	static const struct calls allowed = { 1, {
		{ "x32 mkdir, nothing denied", CALL_SYSCALL,
		  X32_SYSCALL_BIT | SYS_mkdir, ABI_PATH1, 0 },
	} };
	static const struct calls denied = { 2, {
		{ "x32 getpid, mkdir denied", CALL_SYSCALL,
		  X32_SYSCALL_BIT | SYS_getpid, NULL, ANY_SUCCESS },
		{ "x32 mkdir, mkdir denied", CALL_SYSCALL,
		  X32_SYSCALL_BIT | SYS_mkdir, ABI_PATH1, -ENOSYS },
	} };
	int ret = KSFT_FAIL;

	if (!x32_syscalls_work()) {
		diag("x32 system calls do not run on this kernel");
		return KSFT_SKIP;
	}
	if (cg_create_denying(CG_ABI, "mkdir"))
		goto cleanup;
	if (run_calls(NULL, &allowed) != KSFT_PASS)
		goto cleanup;
	if (run_calls(CG_ABI, &denied) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	calls_remove_paths(&denied);
	cg_destroy(CG_ABI);
	cg_reset_root();
	return ret;
}

/*
 * x32 ioctl (514) is a number of x32's own; it is the x86_64 ioctl. FIOCLEX
 * on a pipe shows whether it ran: it sets close-on-exec.
 */
static int child_x32_ioctl(void *arg)
{
	long want = (long)arg, r;
	int p[2], flags;
	bool ok;

	if (pipe(p))
		return KSFT_FAIL;
	ok = expect_result("x32 getpid",
			   syscall3(X32_SYSCALL_BIT | SYS_getpid, 0, 0, 0),
			   ANY_SUCCESS);
	r = syscall3(X32_SYSCALL_BIT | X32_IOCTL, p[0], FIOCLEX, 0);
	ok &= expect_result("x32 ioctl(FIOCLEX)", r, want);
	flags = fcntl(p[0], F_GETFD);
	if (!!(flags & FD_CLOEXEC) != !want) {
		diag("after x32 ioctl(FIOCLEX): expected close-on-exec %s, it is %s",
		     want == 0 ? "set" : "clear",
		     flags & FD_CLOEXEC ? "set" : "clear");
		ok = false;
	}
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_x32_only_number_denied(void)
{
	int ret = KSFT_FAIL;

	if (!x32_syscalls_work()) {
		diag("x32 system calls do not run on this kernel");
		return KSFT_SKIP;
	}
	if (run_in_cgroup(NULL, child_x32_ioctl, (void *)0L) != KSFT_PASS)
		goto cleanup;
	/* By name. */
	if (cg_create_denying(CG_ABI, "ioctl"))
		goto cleanup;
	if (run_in_cgroup(CG_ABI, child_x32_ioctl, (void *)(long)-ENOSYS) != KSFT_PASS)
		goto cleanup;
	cg_destroy(CG_ABI);
	/* By the bare x86_64 number. */
	if (cg_create_denying(CG_ABI, STRINGIFY(SYS_ioctl)))
		goto cleanup;
	if (run_in_cgroup(CG_ABI, child_x32_ioctl, (void *)(long)-ENOSYS) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_ABI);
	cg_reset_root();
	return ret;
}

/*
 * The entry code truncates %rax to int: (1 << 32) | 83 runs mkdir. With
 * mkdir denied, no such number may run it.
 */
static int test_high_bits_of_rax_ignored(void)
{
	static const struct calls allowed = { 3, {
		{ "mkdir as (1 << 32) | 83, nothing denied", CALL_SYSCALL,
		  HIGH_BIT | SYS_mkdir, ABI_PATH1, 0 },
		{ "mkdir as 0xffffffff00000053, nothing denied", CALL_SYSCALL,
		  HIGH_WORD | SYS_mkdir, ABI_PATH2, 0 },
		{ "x32 mkdir as (1 << 32) | x32 bit | 83, nothing denied",
		  CALL_SYSCALL, HIGH_BIT | X32_SYSCALL_BIT | SYS_mkdir,
		  ABI_PATH3, 0 },
	} };
	static const struct calls denied = { 3, {
		{ "mkdir as (1 << 32) | 83, mkdir denied", CALL_SYSCALL,
		  HIGH_BIT | SYS_mkdir, ABI_PATH1, -ENOSYS },
		{ "mkdir as 0xffffffff00000053, mkdir denied", CALL_SYSCALL,
		  HIGH_WORD | SYS_mkdir, ABI_PATH2, -ENOSYS },
		{ "x32 mkdir as (1 << 32) | x32 bit | 83, mkdir denied",
		  CALL_SYSCALL, HIGH_BIT | X32_SYSCALL_BIT | SYS_mkdir,
		  ABI_PATH3, -ENOSYS },
	} };
	struct calls a = allowed, d = denied;
	int ret = KSFT_FAIL;

	/* The x32 call is the last of each list. */
	if (!x32_syscalls_work()) {
		a.n--;
		d.n--;
	}
	if (cg_create_denying(CG_ABI, "mkdir"))
		goto cleanup;
	if (run_calls(NULL, &a) != KSFT_PASS)
		goto cleanup;
	if (run_calls(CG_ABI, &d) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	calls_remove_paths(&denied);
	cg_destroy(CG_ABI);
	cg_reset_root();
	return ret;
}

/* ---- `all` denies every number of every ABI. ---- */

static bool x86_64_always_runs(unsigned long nr)
{
	return nr == SYS_rt_sigreturn || nr == SYS_exit || nr == SYS_exit_group;
}

static bool x32_always_runs(unsigned long nr)
{
	return x86_64_always_runs(nr) || nr == X32_RT_SIGRETURN;
}

static bool ia32_always_runs(unsigned long nr)
{
	return nr == IA32_EXIT || nr == IA32_SIGRETURN ||
	       nr == IA32_RT_SIGRETURN || nr == IA32_EXIT_GROUP;
}

static long x86_64_call(unsigned long nr)
{
	return raw_syscall3(nr, 0, 0, 0);
}

static long x32_call(unsigned long nr)
{
	return raw_syscall3(X32_SYSCALL_BIT | nr, 0, 0, 0);
}

static long int80_call(unsigned long nr)
{
	return int80_syscall2(nr, 0, 0);
}

static int test_all_denies_every_number(void)
{
	const struct number_sweep sweeps[] = {
		{ "x86_64", 600, x86_64_call, x86_64_always_runs,
		  SYS_restart_syscall },
		{ "x32", x32_syscalls_work() ? 600 : 0, x32_call,
		  x32_always_runs, SYS_restart_syscall },
		{ "ia32 (int $0x80)", 500, int80_call, ia32_always_runs,
		  IA32_RESTART_SYSCALL },
	};

	return check_all_denies_every_number(CG_ABI, sweeps, ARRAY_SIZE(sweeps));
}

static struct syscalls_test tests[] = {
	T(test_int80_from_64bit_denied),
	T(test_ia32_number_denies_only_int80),
	T(test_x32_call_denied),
	T(test_x32_only_number_denied),
	T(test_high_bits_of_rax_ignored),
	T(test_all_denies_every_number),
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
	if (mkdir(WORK_DIR, 0755) && errno != EEXIST)
		ksft_exit_fail_msg("mkdir %s: %s\n", WORK_DIR, strerror(errno));
	ksft_set_plan(tests_selected(tests, ARRAY_SIZE(tests), argc, argv));
	run_tests(tests, ARRAY_SIZE(tests), argc, argv);
}
