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
#include <sys/mman.h>
#include <ucontext.h>

#include "enforce_util.h"

#define EN_DIR "/tmp/enforce32"
#define CG32 "enf_abi32"
#define PATH1 EN_DIR "/a"
#define PATH2 EN_DIR "/b"
#define BUSYBOX "/bin/busybox"

#if !defined(__i386__)
#error "test_abi32 is a 32-bit program: build it with -m32"
#endif

/* An ia32 system call through int $0x80, whatever glibc uses. */
static long int80_syscall2(long nr, long a, long b)
{
	long ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b)
		     : "memory");
	return ret;
}

static int is_64bit_elf(const char *path)
{
	unsigned char ident[5];
	int fd = open(path, O_RDONLY | O_CLOEXEC), ok;

	if (fd < 0)
		return 0;
	ok = read(fd, ident, sizeof(ident)) == sizeof(ident) &&
	     !memcmp(ident, "\177ELF", 4) && ident[4] == 2;
	close(fd);
	return ok;
}

static void paths_cleanup(void)
{
	en_rmdir_quiet(PATH1);
	en_rmdir_quiet(PATH2);
}

/*
 * mkdir through glibc (PATH1) and through int $0x80 (PATH2), both giving
 * `want`; getpid works.
 */
static int child_mkdir_both(void *arg)
{
	long want = (long)arg;
	int ok;

	ok = en_expect("32-bit mkdir through glibc",
		       en_sys(SYS_mkdir, (long)PATH1, 0755, 0), want);
	ok &= en_expect_exists(PATH1, want == 0);
	ok &= en_expect("32-bit mkdir through int $0x80",
			int80_syscall2(SYS_mkdir, (long)PATH2, 0755), want);
	ok &= en_expect_exists(PATH2, want == 0);
	ok &= en_expect("32-bit getpid", en_sys(SYS_getpid, 0, 0, 0), EN_ANY_OK);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_abi32_denied_mkdir_fails_with_enosys(void)
{
	int ret = KSFT_FAIL;

	paths_cleanup();
	if (en_run_in(NULL, child_mkdir_both, (void *)0L) != KSFT_PASS)
		goto cleanup;
	paths_cleanup();
	if (en_cg_make(CG32, "mkdir"))
		goto cleanup;
	if (en_run_in(CG32, child_mkdir_both, (void *)(long)-ENOSYS) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	paths_cleanup();
	en_cg_remove(CG32);
	en_reset_root();
	return ret;
}

static int probe_mkdir(struct en_probe *p, long want, const char *when)
{
	char what[160];
	int ok;

	snprintf(what, sizeof(what), "%s: 32-bit mkdir", when);
	ok = en_expect(what, en_probe_call(p, 0, SYS_mkdir, PATH1, 0755), want);
	ok &= en_expect_exists(PATH1, want == 0);
	en_rmdir_quiet(PATH1);
	return ok;
}

static int test_abi32_running_task_sees_deny_and_allow(void)
{
	struct en_probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (en_cg_make(CG32, NULL))
		goto cleanup;
	if (en_probe_start(&p, 1) || sc_enter(CG32, p.pid))
		goto cleanup;
	if (!probe_mkdir(&p, 0, "nothing denied"))
		goto cleanup;
	if (!en_write(CG32, "syscalls.deny", "mkdir"))
		goto cleanup;
	if (!probe_mkdir(&p, -ENOSYS, "after the deny returned"))
		goto cleanup;
	if (!en_write(CG32, "syscalls.allow", "mkdir"))
		goto cleanup;
	if (!probe_mkdir(&p, 0, "after the allow returned"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_probe_stop(&p);
	paths_cleanup();
	en_cg_remove(CG32);
	en_reset_root();
	return ret;
}

static int test_abi32_bare_number_denies_ia32_call(void)
{
	int ret = KSFT_FAIL;

	/* 83 is the x86_64 mkdir: ia32 mkdir (39) goes with it. */
	if (en_cg_make(CG32, "83"))
		goto cleanup;
	if (en_run_in(CG32, child_mkdir_both, (void *)(long)-ENOSYS) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	paths_cleanup();
	en_cg_remove(CG32);
	en_reset_root();
	return ret;
}

/*
 * With ia32:39 denied, this 32-bit task's mkdir fails; then it execs the
 * 64-bit busybox mkdir, which must succeed in the same cgroup.
 */
static int child_ia32_then_64(void *arg)
{
	if (!en_expect("32-bit mkdir, ia32:39 denied",
		       en_sys(SYS_mkdir, (long)PATH1, 0755, 0), -ENOSYS) ||
	    !en_expect_exists(PATH1, 0))
		return KSFT_FAIL;
	execl(BUSYBOX, "mkdir", PATH2, (char *)NULL);
	en_diag("exec of %s: %s", BUSYBOX, strerror(errno));
	return KSFT_FAIL;
}

static int test_ia32_prefix_denies_only_the_32bit_call(void)
{
	int ret = KSFT_FAIL;

	if (!is_64bit_elf(BUSYBOX)) {
		en_diag("no 64-bit %s to run 64-bit calls with", BUSYBOX);
		return KSFT_SKIP;
	}
	paths_cleanup();
	if (en_cg_make(CG32, "ia32:39"))
		goto cleanup;
	if (en_run_in(CG32, child_ia32_then_64, NULL) != KSFT_PASS) {
		en_diag("expected the 32-bit mkdir denied and the 64-bit one of busybox (exit 0) to run");
		goto cleanup;
	}
	if (!en_expect_exists(PATH2, 1))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	paths_cleanup();
	en_cg_remove(CG32);
	en_reset_root();
	return ret;
}

/* Runs fn in a child moved into cg; its exit status, or -1. */
static int run_status_in(const char *cg, int (*fn)(void *))
{
	struct en_child c;
	int status;

	if (en_child_start(&c, fn, NULL))
		return -1;
	if (sc_enter(cg, c.pid) || en_child_go(&c) ||
	    waitpid(c.pid, &status, 0) != c.pid) {
		en_child_kill(&c);
		return -1;
	}
	en_child_unmap(&c);
	if (!WIFEXITED(status)) {
		en_status("32-bit child", status);
		return -1;
	}
	return WEXITSTATUS(status);
}

/*
 * In a cgroup with ia32:all denied, a 32-bit task can only exit: the
 * results travel in the exit status, a bit for each call that did not fail
 * with ENOSYS.
 */
static int child_ia32_all(void *arg)
{
	int bad = 0;

	if (en_sys(SYS_getpid, 0, 0, 0) != -ENOSYS)
		bad |= 1;
	if (int80_syscall2(SYS_getpid, 0, 0) != -ENOSYS)
		bad |= 2;
	if (en_sys(SYS_mkdir, (long)PATH1, 0755, 0) != -ENOSYS)
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
		alarm(EN_CHILD_ALARM);
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
	err = sc_enter(cg, pid);
	if (err)
		en_diag("moving busybox %d into %s: %s", pid, cg, en_res(err));
	if (err || write(in[1], "go\n", 3) != 3) {
		close(in[1]);
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
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
	if (en_cg_make(CG32, "ia32:all"))
		goto cleanup;
	st = run_status_in(CG32, child_ia32_all);
	if (st != KSFT_PASS) {
		en_diag("32-bit task with ia32:all denied: expected getpid (glibc, int $0x80) and mkdir ENOSYS and exit 0, got exit %d",
			st);
		goto cleanup;
	}
	if (!en_expect_exists(PATH1, 0))
		goto cleanup;
	if (!is_64bit_elf(BUSYBOX)) {
		en_diag("no 64-bit %s: the 64-bit half is not checked", BUSYBOX);
		ret = KSFT_PASS;
		goto cleanup;
	}
	st = run_busybox_mkdir_in(CG32);
	if (st != 0 || !en_expect_exists(PATH2, 1)) {
		en_diag("64-bit busybox mkdir with ia32:all denied: expected exit 0, got %d",
			st);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	paths_cleanup();
	en_cg_remove(CG32);
	en_reset_root();
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
	if (en_sys(SYS_getpid, 0, 0, 0) != -ENOSYS)
		bad |= 4;
	return bad ? 16 + bad : KSFT_PASS;
}

static int test_ia32_all_keeps_exit_and_sigreturn(void)
{
	struct sigaction trap = { .sa_handler = on_trap };
	struct sigaction ill = { .sa_sigaction = on_ill, .sa_flags = SA_SIGINFO };
	struct sigaction old_trap, old_ill;
	int ret = KSFT_FAIL, st;

	if (en_cg_make(CG32, "ia32:all"))
		goto cleanup;
	/* The child inherits the handlers: it cannot install them itself. */
	if (sigaction(SIGTRAP, &trap, &old_trap) || sigaction(SIGILL, &ill, &old_ill))
		goto cleanup;
	st = run_status_in(CG32, child_signal_returns);
	sigaction(SIGTRAP, &old_trap, NULL);
	sigaction(SIGILL, &old_ill, NULL);
	if (st != KSFT_PASS) {
		en_diag("with ia32:all denied: expected both signal handlers to return, getpid ENOSYS and exit 0, got %d",
			st);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	en_cg_remove(CG32);
	en_reset_root();
	return ret;
}

/* ---- `all` denies every ia32 number but the four that always run. ---- */

#define ALL_MAX_BAD 8

struct all_result {
	struct {
		int checked, bad;
		long nr[ALL_MAX_BAD];
		long ret[ALL_MAX_BAD];
	} path[2];
	int done;
};

static const char *const all_path_name[2] = { "glibc", "int $0x80" };

static struct all_result *all_res;

static void all_record(int path, long nr, long r)
{
	int n;

	all_res->path[path].checked++;
	if (r == -ENOSYS)
		return;
	n = all_res->path[path].bad++;
	if (n < ALL_MAX_BAD) {
		all_res->path[path].nr[n] = nr;
		all_res->path[path].ret[n] = r;
	}
}

/* exit, sigreturn, rt_sigreturn and exit_group always run. */
static int always_allowed_ia32(long nr)
{
	return nr == SYS_exit || nr == SYS_sigreturn || nr == SYS_rt_sigreturn ||
	       nr == SYS_exit_group;
}

/* Cannot write with everything denied: reports through shared memory. */
static int child_all_numbers(void *arg)
{
	long nr;

	for (nr = 0; nr < 500; nr++) {
		if (always_allowed_ia32(nr))
			continue;
		all_record(0, nr, en_sys(nr, 0, 0, 0));
		all_record(1, nr, int80_syscall2(nr, 0, 0));
	}
	all_res->done = 1;
	return KSFT_PASS;
}

static int test_all_denies_every_ia32_number(void)
{
	int ret = KSFT_FAIL, ok, path, i;

	all_res = mmap(NULL, sizeof(*all_res), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (all_res == MAP_FAILED) {
		all_res = NULL;
		goto cleanup;
	}
	if (en_cg_make(CG32, "all"))
		goto cleanup;
	ok = en_run_in(CG32, child_all_numbers, NULL) == KSFT_PASS;
	if (!all_res->done) {
		en_diag("the child denied all did not get through its calls");
		goto cleanup;
	}
	for (path = 0; path < 2; path++) {
		ksft_print_msg("all denied: %d ia32 numbers checked through %s, %d ran\n",
			       all_res->path[path].checked, all_path_name[path],
			       all_res->path[path].bad);
		for (i = 0; i < all_res->path[path].bad && i < ALL_MAX_BAD; i++)
			en_diag("ia32 call %ld through %s with all denied: expected -ENOSYS, got %s",
				all_res->path[path].nr[i], all_path_name[path],
				en_res(all_res->path[path].ret[i]));
		ok &= !all_res->path[path].bad;
	}
	if (ok)
		ret = KSFT_PASS;
cleanup:
	if (all_res)
		munmap(all_res, sizeof(*all_res));
	all_res = NULL;
	en_cg_remove(CG32);
	en_reset_root();
	return ret;
}

#define T(x) { x, #x }
struct abi32_test {
	int (*fn)(void);
	const char *name;
} tests[] = {
	T(test_abi32_denied_mkdir_fails_with_enosys),
	T(test_abi32_running_task_sees_deny_and_allow),
	T(test_abi32_bare_number_denies_ia32_call),
	T(test_ia32_prefix_denies_only_the_32bit_call),
	T(test_ia32_all_closes_only_the_32bit_abi),
	T(test_ia32_all_keeps_exit_and_sigreturn),
	T(test_all_denies_every_ia32_number),
};
#undef T

int main(int argc, char **argv)
{
	unsigned int i;
	int err;

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(tests));
	/* A child that died early must not take the test down with it. */
	signal(SIGPIPE, SIG_IGN);
	if (geteuid())
		ksft_exit_skip("must run as root\n");
	err = sc_mount();
	if (err)
		ksft_exit_skip("cannot mount the syscalls hierarchy: %s\n",
			       strerror(-err));
	if (mkdir(EN_DIR, 0755) && errno != EEXIST)
		ksft_exit_fail_msg("mkdir %s: %s\n", EN_DIR, strerror(errno));
	en_reset_root();

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		switch (tests[i].fn()) {
		case KSFT_PASS:
			ksft_test_result_pass("%s\n", tests[i].name);
			break;
		case KSFT_SKIP:
			ksft_test_result_skip("%s\n", tests[i].name);
			break;
		default:
			ksft_test_result_fail("%s\n", tests[i].name);
			break;
		}
		fflush(stdout);
	}
	ksft_finished();
}
