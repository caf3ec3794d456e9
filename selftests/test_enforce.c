// SPDX-License-Identifier: GPL-2.0
/*
 * Enforcement by the syscalls cgroup (x86_64): a denied system call fails
 * with -ENOSYS without running, for the tasks of its cgroup and of the
 * cgroup's descendants only, from the moment the write that denied it
 * returned, whatever a tracer or a seccomp filter does to the call; and
 * restart_syscall cannot continue a call denied since. Which tasks a
 * policy follows (children, exec, migration) is test_tasks.c's business.
 *
 * Filtered work runs in forked children, so that the test program itself
 * stays in the root cgroup and can always clean up. Each test leaves the
 * hierarchy as it found it: its cgroups removed and everything allowed at
 * the root.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/user.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "enf_"
#define WORK_DIR "/tmp/enforce"

/* ---- A denied call fails with ENOSYS and has no effect. ---- */

#define CG_DENY "enf_deny"

static int test_denied_call_fails_with_enosys(void)
{
	static const struct calls denied = { 2, {
		{ "mkdir in a cgroup denying mkdir", CALL_SYSCALL, SYS_mkdir,
		  WORK_DIR "/denied", -ENOSYS },
		{ "getpid in a cgroup denying mkdir", CALL_SYSCALL, SYS_getpid,
		  NULL, ANY_SUCCESS },
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_DENY, "mkdir"))
		goto cleanup;
	if (run_calls(CG_DENY, &denied) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	calls_remove_paths(&denied);
	cg_destroy(CG_DENY);
	cg_reset_root();
	return ret;
}

/* ---- A deny reaches its cgroup only: siblings and the root run. ---- */

#define CG_SIB_A "enf_sibling_a"
#define CG_SIB_B "enf_sibling_b"

static int test_deny_reaches_only_its_cgroup(void)
{
	static const struct calls in_a = { 1, {
		{ "mkdir in the denying cgroup", CALL_SYSCALL, SYS_mkdir,
		  WORK_DIR "/sib-a", -ENOSYS },
	} };
	static const struct calls in_b = { 1, {
		{ "mkdir in the sibling cgroup", CALL_SYSCALL, SYS_mkdir,
		  WORK_DIR "/sib-b", 0 },
	} };
	static const struct calls in_root = { 1, {
		{ "mkdir in the root cgroup", CALL_SYSCALL, SYS_mkdir,
		  WORK_DIR "/sib-root", 0 },
	} };
	const char *own = WORK_DIR "/sib-self";
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_SIB_A, "mkdir") || cg_create(CG_SIB_B))
		goto cleanup;
	if (run_calls(CG_SIB_A, &in_a) != KSFT_PASS)
		goto cleanup;
	if (run_calls(CG_SIB_B, &in_b) != KSFT_PASS)
		goto cleanup;
	if (run_calls(NULL, &in_root) != KSFT_PASS)
		goto cleanup;
	if (!expect_result("mkdir by the test itself, in the root",
			   syscall3(SYS_mkdir, (long)own, 0755, 0), 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(own);
	cg_destroy(CG_SIB_A);
	cg_destroy(CG_SIB_B);
	cg_reset_root();
	return ret;
}

/* ---- A policy change reaches every thread of a running process. ---- */

#define CG_LIVE "enf_live"
#define LIVE_THREADS 4
#define LIVE_ROUNDS 3

struct live {
	int ready;
	int go;
	int done;
	long ret[LIVE_ROUNDS + 1][LIVE_THREADS];
};

static struct live *live;

static void live_path(char *buf, size_t len, int round, int i)
{
	snprintf(buf, len, WORK_DIR "/live-%d-%d", round, i);
}

/*
 * Each round, a thread makes one mkdir once the test says go. Even threads
 * wait for that spinning in user mode, odd ones asleep in futex(): the
 * policy changes under both.
 */
static void *live_thread(void *arg)
{
	int i = (int)(long)arg, round, g;
	char path[128];

	__atomic_add_fetch(&live->ready, 1, __ATOMIC_SEQ_CST);
	futex_op(&live->ready, FUTEX_WAKE, INT_MAX, NULL);
	for (round = 1; round <= LIVE_ROUNDS; round++) {
		while ((g = __atomic_load_n(&live->go, __ATOMIC_SEQ_CST)) < round) {
			if (i & 1)
				futex_op(&live->go, FUTEX_WAIT, g, NULL);
			else
				__builtin_ia32_pause();
		}
		live_path(path, sizeof(path), round, i);
		live->ret[round][i] = syscall3(SYS_mkdir, (long)path, 0755, 0);
		__atomic_add_fetch(&live->done, 1, __ATOMIC_SEQ_CST);
		futex_op(&live->done, FUTEX_WAKE, INT_MAX, NULL);
	}
	return NULL;
}

static int live_process(void *arg)
{
	pthread_t t[LIVE_THREADS];
	int i;

	for (i = 0; i < LIVE_THREADS; i++)
		if (pthread_create(&t[i], NULL, live_thread, (void *)(long)i))
			return KSFT_FAIL;
	for (i = 0; i < LIVE_THREADS; i++)
		pthread_join(t[i], NULL);
	return KSFT_PASS;
}

/* Lets every thread make its call of `round`; checks the results. */
static bool live_round(int round, long want, const char *when)
{
	char path[128], what[160];
	bool ok = true;
	int i;

	store_and_wake(&live->go, round);
	if (wait_at_least(&live->done, round * LIVE_THREADS, 60)) {
		diag("%s: expected %d threads to call, %d did", when,
		     LIVE_THREADS, live->done - (round - 1) * LIVE_THREADS);
		return false;
	}
	for (i = 0; i < LIVE_THREADS; i++) {
		snprintf(what, sizeof(what), "%s: mkdir by thread %d (%s)",
			 when, i, i & 1 ? "was asleep" : "was spinning");
		ok &= expect_result(what, live->ret[round][i], want);
		live_path(path, sizeof(path), round, i);
		ok &= expect_exists(path, want == 0);
	}
	return ok;
}

static int test_policy_change_reaches_running_threads(void)
{
	struct child c = { .pid = -1, .sync = NULL };
	int ret = KSFT_FAIL, round, i, n, err;
	char path[128];

	live = mmap(NULL, sizeof(*live), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (live == MAP_FAILED) {
		live = NULL;
		goto cleanup;
	}
	if (cg_create(CG_LIVE))
		goto cleanup;
	if (child_start(&c, live_process, NULL) || child_go(&c))
		goto cleanup;
	if (wait_at_least(&live->ready, LIVE_THREADS, 60)) {
		diag("expected %d threads to start, %d did", LIVE_THREADS,
		     live->ready);
		goto cleanup;
	}
	/* The whole process, every thread, before the policy changes. */
	err = cg_enter_process(CG_LIVE, c.pid);
	if (err) {
		diag("moving process %d into %s: expected success, got %s",
		     c.pid, CG_LIVE, result_name(err));
		goto cleanup;
	}
	n = cg_count_threads(CG_LIVE);
	if (n != LIVE_THREADS + 1) {
		diag("expected %d tasks in %s, found %d", LIVE_THREADS + 1,
		     CG_LIVE, n);
		goto cleanup;
	}
	if (!live_round(1, 0, "before the deny"))
		goto cleanup;
	if (cg_deny(CG_LIVE, "mkdir"))
		goto cleanup;
	if (!live_round(2, -ENOSYS, "after the deny returned"))
		goto cleanup;
	if (cg_allow(CG_LIVE, "mkdir"))
		goto cleanup;
	if (!live_round(3, 0, "after the allow returned"))
		goto cleanup;
	if (child_wait(&c) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	if (live)
		store_and_wake(&live->go, LIVE_ROUNDS + 1);
	child_kill(&c);
	for (round = 1; round <= LIVE_ROUNDS; round++)
		for (i = 0; i < LIVE_THREADS; i++) {
			live_path(path, sizeof(path), round, i);
			rmdir(path);
		}
	if (live)
		munmap(live, sizeof(*live));
	live = NULL;
	cg_destroy(CG_LIVE);
	cg_reset_root();
	return ret;
}

/* ---- A deny at an ancestor reaches the running tasks below it. ---- */

#define CG_ANC "enf_ancestor"
#define CG_ANC_CHILD "enf_ancestor/child"
#define ANC_PATH WORK_DIR "/ancestor"

static int test_ancestor_deny_reaches_running_descendants(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL, i;
	char what[160];

	if (cg_create(CG_ANC) || cg_create(CG_ANC_CHILD))
		goto cleanup;
	if (probe_start(&p, 2) || cg_enter_process(CG_ANC_CHILD, p.pid))
		goto cleanup;
	for (i = 0; i < 2; i++) {
		snprintf(what, sizeof(what), "thread %d, nothing denied", i);
		if (!probe_mkdir(&p, i, ANC_PATH, 0, what))
			goto cleanup;
	}
	if (cg_deny(CG_ANC, "mkdir"))
		goto cleanup;
	for (i = 0; i < 2; i++) {
		snprintf(what, sizeof(what), "thread %d, mkdir denied at the parent", i);
		if (!probe_mkdir(&p, i, ANC_PATH, -ENOSYS, what))
			goto cleanup;
	}
	/* The child did not deny mkdir itself: the parent's allow reopens it. */
	if (cg_allow(CG_ANC, "mkdir"))
		goto cleanup;
	for (i = 0; i < 2; i++) {
		snprintf(what, sizeof(what), "thread %d, mkdir allowed again at the parent", i);
		if (!probe_mkdir(&p, i, ANC_PATH, 0, what))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	rmdir(ANC_PATH);
	cg_destroy(CG_ANC);
	cg_reset_root();
	return ret;
}

/* ---- A tracer cannot smuggle a denied call through. ---- */

#define CG_TRACE "enf_trace"
#define CG_TRACE_CTL "enf_trace_control"
#define TRACE_PATH WORK_DIR "/traced"

struct tracee {
	unsigned long nr;
	const char *path;
};

static int tracee_main(void *arg)
{
	const struct tracee *t = arg;

	if (ptrace(PTRACE_TRACEME, 0, NULL, NULL))
		return KSFT_FAIL;
	kill(getpid(), SIGSTOP);
	raw_syscall3(t->nr, (unsigned long)t->path, 0755, 0);
	return KSFT_PASS;
}

/*
 * Runs a tracee in cg that makes call `from` with path; at that call's
 * syscall-entry stop the tracer rewrites the number to `to` and the
 * arguments to (path, 0755). *result is %rax at the syscall-exit stop.
 */
static int trace_rewrite(const char *cg, unsigned long from, unsigned long to,
			 const char *path, long *result)
{
	struct tracee t = { from, path };
	struct user_regs_struct regs;
	int status = 0, in_call = 0, armed = 0, done = 0, sig = 0;
	struct child c;

	if (child_start(&c, tracee_main, &t))
		return -1;
	if (cg_enter_process(cg, c.pid) || child_go(&c))
		goto out;
	if (waitpid(c.pid, &status, 0) != c.pid || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != SIGSTOP) {
		diag("tracee: expected a SIGSTOP stop, got status %#x", status);
		goto out;
	}
	if (ptrace(PTRACE_SETOPTIONS, c.pid, NULL,
		   (void *)(long)(PTRACE_O_TRACESYSGOOD | PTRACE_O_EXITKILL)))
		goto out;
	for (;;) {
		if (ptrace(PTRACE_SYSCALL, c.pid, NULL, (void *)(long)sig))
			break;
		sig = 0;
		if (waitpid(c.pid, &status, 0) != c.pid)
			break;
		if (WIFEXITED(status) || WIFSIGNALED(status)) {
			if (WIFSIGNALED(status))
				status_result("tracee", status);
			c.pid = -1;
			break;
		}
		if (WSTOPSIG(status) != (SIGTRAP | 0x80)) {
			sig = WSTOPSIG(status);
			continue;
		}
		if (ptrace(PTRACE_GETREGS, c.pid, NULL, &regs))
			break;
		if (!in_call) {
			if (!done && regs.orig_rax == from) {
				regs.orig_rax = to;
				regs.rdi = (unsigned long)path;
				regs.rsi = 0755;
				if (ptrace(PTRACE_SETREGS, c.pid, NULL, &regs))
					break;
				armed = 1;
			}
		} else if (armed) {
			*result = (long)regs.rax;
			armed = 0;
			done = 1;
		}
		in_call = !in_call;
	}
out:
	child_kill(&c);
	if (!done)
		diag("tracer: expected to see the rewritten call, it did not");
	return done ? 0 : -1;
}

static bool trace_expect(const char *cg, unsigned long from, unsigned long to,
			 long want, const char *what)
{
	long r = LONG_MIN;
	bool ok;

	rmdir(TRACE_PATH);
	if (trace_rewrite(cg, from, to, TRACE_PATH, &r))
		return false;
	ok = expect_result(what, r, want);
	ok &= expect_exists(TRACE_PATH, want == 0);
	rmdir(TRACE_PATH);
	return ok;
}

static int test_tracer_cannot_smuggle_denied_call(void)
{
	static const struct {
		unsigned long to;
		const char *what;
		int x32;
	} rewrites[] = {
		{ SYS_mkdir, "getppid rewritten into mkdir", 0 },
		{ (1UL << 32) | SYS_mkdir,
		  "getppid rewritten into (1 << 32) | mkdir", 0 },
		{ X32_SYSCALL_BIT | SYS_mkdir, "getppid rewritten into x32 mkdir", 1 },
	};
	char what[200];
	int ret = KSFT_FAIL;
	unsigned int i;

	/* The control cgroup sets the work bit, but allows mkdir. */
	if (cg_create_denying(CG_TRACE_CTL, "rmdir") ||
	    cg_create_denying(CG_TRACE, "mkdir"))
		goto cleanup;
	for (i = 0; i < ARRAY_SIZE(rewrites); i++) {
		if (rewrites[i].x32 && !x32_syscalls_work())
			continue;
		snprintf(what, sizeof(what), "%s, mkdir allowed", rewrites[i].what);
		if (!trace_expect(CG_TRACE_CTL, SYS_getppid, rewrites[i].to, 0, what))
			goto cleanup;
		snprintf(what, sizeof(what), "%s, mkdir denied", rewrites[i].what);
		if (!trace_expect(CG_TRACE, SYS_getppid, rewrites[i].to, -ENOSYS,
				  what))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	rmdir(TRACE_PATH);
	cg_destroy(CG_TRACE);
	cg_destroy(CG_TRACE_CTL);
	cg_reset_root();
	return ret;
}

static int test_tracer_rewrites_denied_into_allowed(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_TRACE, "mkdir"))
		goto cleanup;
	/* getppid of the tracee returns the tracer's pid: this process. */
	if (!trace_expect(CG_TRACE, SYS_mkdir, SYS_getppid, getpid(),
			  "denied mkdir rewritten into getppid"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(TRACE_PATH);
	cg_destroy(CG_TRACE);
	cg_reset_root();
	return ret;
}

/* ---- Seccomp runs first; both apply. ---- */

#define CG_SECCOMP "enf_seccomp"
#define SECCOMP_PATH WORK_DIR "/seccomp"

/* Installs a filter failing x86_64 call nr with err. 0 or -errno. */
static int seccomp_fail_call(int nr, int err)
{
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
			 offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nr, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { .len = ARRAY_SIZE(f), .filter = f };

	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog)) {
		diag("installing a seccomp filter: expected success, got %s",
		     strerror(errno));
		return -errno;
	}
	return 0;
}

static int child_seccomp_mkdir(void *arg)
{
	bool ok;

	if (seccomp_fail_call(SYS_mkdir, EPERM))
		return KSFT_FAIL;
	ok = expect_result("mkdir failed by seccomp and denied by the cgroup",
			   syscall3(SYS_mkdir, (long)SECCOMP_PATH, 0755, 0),
			   -EPERM);
	ok &= expect_exists(SECCOMP_PATH, false);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int child_seccomp_getppid(void *arg)
{
	bool ok;

	if (seccomp_fail_call(SYS_getppid, EACCES))
		return KSFT_FAIL;
	ok = expect_result("getppid failed by seccomp",
			   syscall3(SYS_getppid, 0, 0, 0), -EACCES);
	ok &= expect_result("mkdir denied by the cgroup, seccomp allowing it",
			    syscall3(SYS_mkdir, (long)SECCOMP_PATH, 0755, 0),
			    -ENOSYS);
	ok &= expect_exists(SECCOMP_PATH, false);
	ok &= expect_result("getpid allowed by both",
			    syscall3(SYS_getpid, 0, 0, 0), ANY_SUCCESS);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_seccomp_errno_stands(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_SECCOMP, "mkdir"))
		goto cleanup;
	if (run_in_cgroup(CG_SECCOMP, child_seccomp_mkdir, NULL) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(SECCOMP_PATH);
	cg_destroy(CG_SECCOMP);
	cg_reset_root();
	return ret;
}

static int test_seccomp_and_cgroup_both_apply(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_SECCOMP, "mkdir"))
		goto cleanup;
	if (run_in_cgroup(CG_SECCOMP, child_seccomp_getppid, NULL) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(SECCOMP_PATH);
	cg_destroy(CG_SECCOMP);
	cg_reset_root();
	return ret;
}

/* ---- restart_syscall cannot continue a denied call. ---- */

#define CG_RESTART "enf_restart"

/*
 * A poll() that a stop and a continue interrupt leaves a restart behind:
 * restart_syscall runs the rest of it, poll's body, as often as called.
 * Once poll is denied, restart_syscall must fail for it too (it follows
 * the call it continues), or the task could go on polling through it; the
 * deny file shows poll alone.
 */
static int test_restart_cannot_continue_a_denied_call(void)
{
	static struct pollfd pfd;
	int to_child[2] = { -1, -1 }, to_parent[2] = { -1, -1 };
	int ret = KSFT_FAIL, status;
	pid_t child = -1;
	char b;

	if (cg_create(CG_RESTART) || pipe(to_child) || pipe(to_parent))
		goto cleanup;
	child = fork();
	if (child < 0)
		goto cleanup;
	if (child == 0) {
		int p[2];
		long r;

		if (read(to_child[0], &b, 1) != 1 || pipe(p))
			_exit(2);
		pfd.fd = p[0];
		pfd.events = POLLIN;
		/* Stopped and continued by the parent: restarted by the kernel. */
		r = raw_syscall3(SYS_poll, (long)&pfd, 1, 1500);
		if (r != 0 || write(to_parent[1], "p", 1) != 1)
			_exit(3);
		if (read(to_child[0], &b, 1) != 1)
			_exit(4);
		if (raw_syscall3(SYS_poll, (long)&pfd, 1, 0) != -ENOSYS)
			_exit(5);
		if (write(p[1], "y", 1) != 1)
			_exit(6);
		pfd.revents = 0;
		r = raw_syscall3(SYS_restart_syscall, 0, 0, 0);
		if (r != -ENOSYS) {
			diag("restart_syscall after the deny: expected -ENOSYS, got %ld (revents %#x)",
			     r, pfd.revents);
			_exit(7);
		}
		_exit(0);
	}
	if (cg_enter_process(CG_RESTART, child) || write(to_child[1], "g", 1) != 1)
		goto cleanup;
	usleep(300000);
	kill(child, SIGSTOP);
	usleep(200000);
	kill(child, SIGCONT);
	if (read(to_parent[0], &b, 1) != 1) {
		diag("the child's first poll failed");
		goto cleanup;
	}
	if (cg_write(CG_RESTART, "syscalls.deny", "poll")) {
		diag("deny poll failed");
		goto cleanup;
	}
	if (!cg_read_expect(CG_RESTART, "syscalls.deny", "7 ia32:168"))
		goto cleanup;
	if (write(to_child[1], "g", 1) != 1)
		goto cleanup;
	if (waitpid(child, &status, 0) != child)
		goto cleanup;
	child = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		diag("child: expected exit 0, got status %#x", status);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	if (child > 0) {
		kill(child, SIGKILL);
		waitpid(child, NULL, 0);
	}
	close(to_child[0]);
	close(to_child[1]);
	close(to_parent[0]);
	close(to_parent[1]);
	cg_destroy(CG_RESTART);
	cg_reset_root();
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_denied_call_fails_with_enosys),
	T(test_deny_reaches_only_its_cgroup),
	T(test_policy_change_reaches_running_threads),
	T(test_ancestor_deny_reaches_running_descendants),
	T(test_tracer_cannot_smuggle_denied_call),
	T(test_tracer_rewrites_denied_into_allowed),
	T(test_seccomp_errno_stands),
	T(test_seccomp_and_cgroup_both_apply),
	T(test_restart_cannot_continue_a_denied_call),
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
