// SPDX-License-Identifier: GPL-2.0
/*
 * The syscalls cgroup and 32-bit tasks. Built with -m32 as a static binary,
 * so that its system calls come through the ia32 ABI: glibc's (sysenter or
 * syscall through the vDSO) and int $0x80.
 *
 * A name or a bare number denies a call in every ABI; an `ia32:` item
 * denies it for 32-bit callers only, and `ia32:all` closes the whole 32-bit
 * ABI but for exit and the signal returns. 64-bit programs run in the same
 * cgroups through exec of the (64-bit) busybox.
 */
#include <signal.h>
#include <ucontext.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "enf_"
#define WORK_DIR "/tmp/enforce32"
#define CG32 "enf_abi32"
#define PATH1 WORK_DIR "/a"
#define PATH2 WORK_DIR "/b"
#define BUSYBOX "/bin/busybox"

#if !defined(__i386__)
#error "test_abi32 is a 32-bit program: build it with -m32"
#endif

static bool is_64bit_elf(const char *path)
{
	unsigned char ident[5];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	bool ok;

	if (fd < 0)
		return false;
	ok = read(fd, ident, sizeof(ident)) == sizeof(ident) &&
	     !memcmp(ident, "\177ELF", 4) && ident[4] == 2;
	close(fd);
	return ok;
}

static void paths_cleanup(void)
{
	rmdir(PATH1);
	rmdir(PATH2);
}

/*
 * mkdir through glibc (PATH1) and through int $0x80 (PATH2), both giving
 * `want`; getpid works.
 */
static int child_mkdir_both(void *arg)
{
	long want = (long)arg;
	bool ok;

	ok = expect_result("32-bit mkdir through glibc",
			   syscall3(SYS_mkdir, (long)PATH1, 0755, 0), want);
	ok &= expect_exists(PATH1, want == 0);
	ok &= expect_result("32-bit mkdir through int $0x80",
			    int80_syscall2(SYS_mkdir, (long)PATH2, 0755), want);
	ok &= expect_exists(PATH2, want == 0);
	ok &= expect_result("32-bit getpid", syscall3(SYS_getpid, 0, 0, 0),
			    ANY_SUCCESS);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_abi32_denied_mkdir_fails_with_enosys(void)
{
	int ret = KSFT_FAIL;

	paths_cleanup();
	if (run_in_cgroup(NULL, child_mkdir_both, (void *)0L) != KSFT_PASS)
		goto cleanup;
	paths_cleanup();
	if (cg_create_denying(CG32, "mkdir"))
		goto cleanup;
	if (run_in_cgroup(CG32, child_mkdir_both, (void *)(long)-ENOSYS) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	paths_cleanup();
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

static int test_abi32_running_task_sees_deny_and_allow(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (cg_create(CG32))
		goto cleanup;
	if (probe_start(&p, 1) || cg_enter_process(CG32, p.pid))
		goto cleanup;
	if (!probe_mkdir(&p, 0, PATH1, 0, "32-bit, nothing denied"))
		goto cleanup;
	if (cg_deny(CG32, "mkdir"))
		goto cleanup;
	if (!probe_mkdir(&p, 0, PATH1, -ENOSYS, "32-bit, after the deny returned"))
		goto cleanup;
	if (cg_allow(CG32, "mkdir"))
		goto cleanup;
	if (!probe_mkdir(&p, 0, PATH1, 0, "32-bit, after the allow returned"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	paths_cleanup();
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

static int test_abi32_bare_number_denies_ia32_call(void)
{
	int ret = KSFT_FAIL;

	/* The x86_64 mkdir: ia32 mkdir goes with it. */
	if (cg_create_denying(CG32, STRINGIFY(X86_64_MKDIR)))
		goto cleanup;
	if (run_in_cgroup(CG32, child_mkdir_both, (void *)(long)-ENOSYS) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	paths_cleanup();
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

/*
 * With ia32:39 denied, this 32-bit task's mkdir fails; then it execs the
 * 64-bit busybox mkdir, which must succeed in the same cgroup.
 */
static int child_ia32_then_64(void *arg)
{
	if (!expect_result("32-bit mkdir, ia32:39 denied",
			   syscall3(SYS_mkdir, (long)PATH1, 0755, 0), -ENOSYS) ||
	    !expect_exists(PATH1, false))
		return KSFT_FAIL;
	execl(BUSYBOX, "mkdir", PATH2, (char *)NULL);
	diag("exec of %s: expected success, got %s", BUSYBOX, strerror(errno));
	return KSFT_FAIL;
}

static int test_ia32_prefix_denies_only_the_32bit_call(void)
{
	int ret = KSFT_FAIL;

	if (!is_64bit_elf(BUSYBOX)) {
		diag("no 64-bit %s to run 64-bit calls with", BUSYBOX);
		return KSFT_SKIP;
	}
	paths_cleanup();
	if (cg_create_denying(CG32, "ia32:" STRINGIFY(IA32_MKDIR)))
		goto cleanup;
	if (run_in_cgroup(CG32, child_ia32_then_64, NULL) != KSFT_PASS) {
		diag("expected the 32-bit mkdir denied and the 64-bit one of busybox (exit 0) to run");
		goto cleanup;
	}
	if (!expect_exists(PATH2, true))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	paths_cleanup();
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

/*
 * In a cgroup with ia32:all denied, a 32-bit task can only exit: the
 * results travel in the exit status, a bit for each call that did not fail
 * with ENOSYS.
 */
static int child_ia32_all(void *arg)
{
	int bad = 0;

	if (syscall3(SYS_getpid, 0, 0, 0) != -ENOSYS)
		bad |= 1;
	if (int80_syscall2(SYS_getpid, 0, 0) != -ENOSYS)
		bad |= 2;
	if (syscall3(SYS_mkdir, (long)PATH1, 0755, 0) != -ENOSYS)
		bad |= 4;
	return bad ? 16 + bad : KSFT_PASS;
}

/*
 * Starts `busybox sh -c 'read x && mkdir PATH2'`, moves it into cg once it
 * runs as a 64-bit program, then lets it go; its exit status or -1.
 */
static int run_busybox_mkdir_in(const char *cg)
{
	int in[2], exec_done[2], status, err;
	pid_t pid;
	char b;

	if (pipe2(in, O_CLOEXEC) || pipe2(exec_done, O_CLOEXEC))
		return -1;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		return -1;
	if (pid == 0) {
		alarm(CHILD_ALARM);
		dup2(in[0], STDIN_FILENO);
		close(exec_done[0]);
		execl(BUSYBOX, "sh", "-c", "read x && mkdir " PATH2,
		      (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(exec_done[1]);
	/* End of file once exec closed the write end: busybox runs. */
	while (read(exec_done[0], &b, 1) < 0 && errno == EINTR)
		;
	close(exec_done[0]);
	err = cg_enter_process(cg, pid);
	if (err)
		diag("moving busybox %d into %s: expected success, got %s", pid,
		     cg, result_name(err));
	if (err || write(in[1], "go\n", 3) != 3) {
		close(in[1]);
		kill_and_reap(pid);
		return -1;
	}
	close(in[1]);
	if (waitpid(pid, &status, 0) != pid)
		return -1;
	return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static int test_ia32_all_closes_only_the_32bit_abi(void)
{
	int ret = KSFT_FAIL, st;

	paths_cleanup();
	if (cg_create_denying(CG32, "ia32:all"))
		goto cleanup;
	st = run_status_in_cgroup(CG32, child_ia32_all, NULL);
	if (st != KSFT_PASS) {
		diag("32-bit task with ia32:all denied: expected getpid (glibc, int $0x80) and mkdir ENOSYS and exit 0, got exit %d",
		     st);
		goto cleanup;
	}
	if (!expect_exists(PATH1, false))
		goto cleanup;
	if (!is_64bit_elf(BUSYBOX)) {
		diag("no 64-bit %s: the 64-bit half is not checked", BUSYBOX);
		ret = KSFT_PASS;
		goto cleanup;
	}
	st = run_busybox_mkdir_in(CG32);
	if (st != 0 || !expect_exists(PATH2, true)) {
		diag("64-bit busybox mkdir with ia32:all denied: expected exit 0, got %d",
		     st);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	paths_cleanup();
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

/* ---- exit, sigreturn and rt_sigreturn stay allowed. ---- */

static volatile int traps, ills;

/* No SA_SIGINFO: glibc returns through sigreturn (119). */
static void on_trap(int sig)
{
	traps++;
}

/* SA_SIGINFO: glibc returns through rt_sigreturn (173); skips the ud2. */
static void on_ill(int sig, siginfo_t *si, void *ctx)
{
	ucontext_t *uc = ctx;

	uc->uc_mcontext.gregs[REG_EIP] += 2;
	ills++;
}

static int child_signal_returns(void *arg)
{
	int bad = 0;

	asm volatile("int3");
	asm volatile("ud2");
	if (traps != 1)
		bad |= 1;
	if (ills != 1)
		bad |= 2;
	if (syscall3(SYS_getpid, 0, 0, 0) != -ENOSYS)
		bad |= 4;
	return bad ? 16 + bad : KSFT_PASS;
}

static int test_ia32_all_keeps_exit_and_sigreturn(void)
{
	struct sigaction trap = { .sa_handler = on_trap };
	struct sigaction ill = { .sa_sigaction = on_ill, .sa_flags = SA_SIGINFO };
	struct sigaction old_trap, old_ill;
	int ret = KSFT_FAIL, st;

	if (cg_create_denying(CG32, "ia32:all"))
		goto cleanup;
	/* The child inherits the handlers: it cannot install them itself. */
	if (sigaction(SIGTRAP, &trap, &old_trap) || sigaction(SIGILL, &ill, &old_ill))
		goto cleanup;
	st = run_status_in_cgroup(CG32, child_signal_returns, NULL);
	sigaction(SIGTRAP, &old_trap, NULL);
	sigaction(SIGILL, &old_ill, NULL);
	if (st != KSFT_PASS) {
		diag("with ia32:all denied: expected both signal handlers to return, getpid ENOSYS and exit 0, got %d",
		     st);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG32);
	cg_reset_root();
	return ret;
}

/* ---- `all` denies every ia32 number but the four that always run. ---- */

static bool ia32_always_runs(unsigned long nr)
{
	return nr == SYS_exit || nr == SYS_sigreturn || nr == SYS_rt_sigreturn ||
	       nr == SYS_exit_group;
}

static long glibc_call(unsigned long nr)
{
	return syscall3(nr, 0, 0, 0);
}

static long int80_call(unsigned long nr)
{
	return int80_syscall2(nr, 0, 0);
}

static int test_all_denies_every_ia32_number(void)
{
	static const struct number_sweep sweeps[] = {
		{ "ia32 (glibc)", 500, glibc_call, ia32_always_runs,
		  SYS_restart_syscall },
		{ "ia32 (int $0x80)", 500, int80_call, ia32_always_runs,
		  SYS_restart_syscall },
	};

	return check_all_denies_every_number(CG32, sweeps, ARRAY_SIZE(sweeps));
}

static struct syscalls_test tests[] = {
	T(test_abi32_denied_mkdir_fails_with_enosys),
	T(test_abi32_running_task_sees_deny_and_allow),
	T(test_abi32_bare_number_denies_ia32_call),
	T(test_ia32_prefix_denies_only_the_32bit_call),
	T(test_ia32_all_closes_only_the_32bit_abi),
	T(test_ia32_all_keeps_exit_and_sigreturn),
	T(test_all_denies_every_ia32_number),
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
