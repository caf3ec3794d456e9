// SPDX-License-Identifier: GPL-2.0
/*
 * syscalls.policy: a cgroup's whole own policy (its denies, mode and
 * actions) in one file, replaced by one write. What a read prints writes
 * back to the same policy; a bad policy gets the errno of its first bad
 * line and changes nothing; and going from one policy to another never
 * makes a call fail that both allow, however often it is done under a
 * running task.
 */
#include <fcntl.h>
#include <linux/futex.h>
#include <sys/mman.h>
#include <signal.h>
#include <sys/wait.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "pol_"
#define CG_A "pol_a"
#define CG_AB "pol_a/b"

#define FRESH "deny\nmode enforce\naction errno ENOSYS"

/* ---- The file ---- */

static int test_read_writes_back(void)
{
	static const char policy[] =
		"deny all\nallow read,write\n\naction errno EPERM\n"
		"action kill ptrace\nmode log\n";
	char first[4096], again[4096];
	int ret = KSFT_FAIL;

	if (cg_create(CG_A) || !cg_read_expect(CG_A, "syscalls.policy", FRESH))
		goto cleanup;
	if (!cg_write_expect(CG_A, "syscalls.policy", policy, 0) ||
	    !cg_read_expect(CG_A, "syscalls.mode", "log") ||
	    !cg_read_expect(CG_A, "syscalls.action", "errno EPERM\nkill 101 ia32:26"))
		goto cleanup;
	if (cg_read(CG_A, "syscalls.policy", first, sizeof(first)) < 0)
		goto cleanup;
	/* The denies read as syscalls.deny shows them, and write back. */
	if (strncmp(first, "deny ", 5) ||
	    !strstr(first, "\nmode log\naction errno EPERM\naction kill 101")) {
		ksft_print_msg("unexpected policy read: '%s'\n", escaped(first));
		goto cleanup;
	}
	if (!cg_write_expect(CG_A, "syscalls.policy", first, 0) ||
	    cg_read(CG_A, "syscalls.policy", again, sizeof(again)) < 0)
		goto cleanup;
	if (strcmp(first, again)) {
		ksft_print_msg("written back '%s', read '%s'\n",
			       escaped(first), escaped(again));
		goto cleanup;
	}
	/* A blank policy clears everything: mode, actions, denies. */
	if (!cg_write_expect(CG_A, "syscalls.policy", "\n", 0) ||
	    !cg_read_expect(CG_A, "syscalls.policy", FRESH) ||
	    !cg_read_expect(CG_A, "syscalls.deny", ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	return ret;
}

static int test_bad_policy_changes_nothing(void)
{
	static const struct {
		const char *text;
		int err;
	} bad[] = {
		{ "deny mkdir\npermit read", -EINVAL },
		{ "deny mkdir\nmode strict", -EINVAL },
		{ "deny 99999", -ERANGE },
		{ "deny mkdir\naction errno 512", -EINVAL },
		{ "deny mkdir,,rmdir", -EINVAL },
		{ "denyall", -EINVAL },
		/* Syntax before permission: the bad name decides. */
		{ "allow rmdir\ndeny bogus", -EINVAL },
		/* The parent denies rmdir: this cgroup cannot allow it. */
		{ "deny all\nallow read,rmdir", -EPERM },
	};
	char before[4096];
	int ret = KSFT_FAIL;
	size_t i;

	if (cg_create_denying(CG_A, "rmdir") || cg_create(CG_AB) ||
	    !cg_write_expect(CG_AB, "syscalls.policy",
			     "deny mkdir\naction errno EACCES", 0) ||
	    cg_read(CG_AB, "syscalls.policy", before, sizeof(before)) < 0)
		goto cleanup;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (!cg_write_expect(CG_AB, "syscalls.policy", bad[i].text,
				     bad[i].err) ||
		    !cg_read_expect(CG_AB, "syscalls.policy", before) ||
		    !cg_denies(CG_AB, "83-84 ia32:39-40"))
			goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	return ret;
}

/* ---- Replacing under a running task ---- */

struct loop {
	int zero, null;		/* /dev/zero and /dev/null */
	int *shared;		/* [0]: stop, [1]: failures, [2]: rounds */
};

/* getppid, read, write and futex, until told to stop; failures counted. */
static int loop_calls(void *arg)
{
	struct loop *l = arg;
	char byte;
	int word = 0;

	while (!__atomic_load_n(&l->shared[0], __ATOMIC_SEQ_CST)) {
		if (syscall(SYS_getppid) <= 0 ||
		    syscall(SYS_read, l->zero, &byte, 1) != 1 ||
		    syscall(SYS_write, l->null, &byte, 1) != 1 ||
		    syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0) < 0)
			__atomic_add_fetch(&l->shared[1], 1, __ATOMIC_SEQ_CST);
		__atomic_add_fetch(&l->shared[2], 1, __ATOMIC_SEQ_CST);
	}
	return KSFT_PASS;
}

/* Waits until the loop made `target` rounds; false after 10 s. */
static bool wait_rounds(struct loop *l, int target)
{
	double end = now_seconds() + 10;

	while (__atomic_load_n(&l->shared[2], __ATOMIC_SEQ_CST) < target)
		if (now_seconds() > end) {
			ksft_print_msg("the loop stopped at %d rounds\n",
				       l->shared[2]);
			return false;
		}
	return true;
}

/*
 * A kill-by-default allowlist and a deny-by-default errno policy, both
 * allowing the loop's calls, each written 100 times, alternately, while
 * the loop runs: a call that either denied on the way would kill the loop
 * or count as a failure. The other calls stay denied throughout.
 */
static int test_replace_never_fails_what_both_allow(void)
{
	static const char kill_list[] =
		"deny all\nallow getppid,read,write,futex\naction kill\n";
	static const char errno_list[] =
		"deny all\nallow getppid,read,write,futex,mkdir\n"
		"action errno EPERM\naction kill ptrace\n";
	struct loop l = { -1, -1, NULL };
	struct child c = { -1, NULL };
	int ret = KSFT_FAIL, i, status, rounds;

	l.zero = open("/dev/zero", O_RDONLY);
	l.null = open("/dev/null", O_WRONLY);
	l.shared = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (l.zero < 0 || l.null < 0 || l.shared == MAP_FAILED) {
		l.shared = NULL;
		goto cleanup;
	}
	/* The child waits for its go with sched_yield(): no policy yet. */
	if (cg_create(CG_A) || child_start(&c, loop_calls, &l) ||
	    cg_enter_process(CG_A, c.pid) || child_go(&c) ||
	    !wait_rounds(&l, 100))
		goto cleanup;
	for (i = 0; i < 200; i++) {
		if (!cg_write_expect(CG_A, "syscalls.policy",
				     i % 2 ? errno_list : kill_list, 0))
			goto cleanup;
		/* Let the loop make calls under each policy. */
		rounds = __atomic_load_n(&l.shared[2], __ATOMIC_SEQ_CST);
		if (!wait_rounds(&l, rounds + 5))
			goto cleanup;
	}
	/* The last policy written stands. */
	if (!cg_read_expect(CG_A, "syscalls.action",
			    "errno EPERM\nkill 101 ia32:26"))
		goto cleanup;
	__atomic_store_n(&l.shared[0], 1, __ATOMIC_SEQ_CST);
	status = child_wait_status(&c);
	c.pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != KSFT_PASS) {
		ksft_print_msg("the looping task did not survive: status %#x\n",
			       status);
		goto cleanup;
	}
	if (l.shared[1]) {
		ksft_print_msg("%d rounds of calls failed during the replaces\n",
			       l.shared[1]);
		goto cleanup;
	}
	ksft_print_msg("%d rounds of calls, none failed, over 200 replaces\n",
		       l.shared[2]);
	ret = KSFT_PASS;
cleanup:
	child_kill(&c);
	cg_destroy(CG_A);
	if (l.shared)
		munmap(l.shared, 4096);
	if (l.zero >= 0)
		close(l.zero);
	if (l.null >= 0)
		close(l.null);
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_read_writes_back),
	T(test_bad_policy_changes_nothing),
	T(test_replace_never_fails_what_both_allow),
};

static volatile sig_atomic_t stop_looping;

static void stop_loop(int sig)
{
	stop_looping = 1;
}

/*
 * test_policy --loop: the task of test_syscallsctl.sh's re-apply test.
 * getppid, read, write and futex until SIGUSR1, then one line with the
 * rounds made and the failed ones; exit status 0 when none failed. Its
 * system calls after the start are those four, rt_sigreturn and
 * exit_group.
 */
static int loop_until_told(void)
{
	long rounds = 0, failed = 0;
	int zero = open("/dev/zero", O_RDONLY);
	int null = open("/dev/null", O_WRONLY);
	int word = 0, len;
	char byte, line[96];

	if (zero < 0 || null < 0 || signal(SIGUSR1, stop_loop) == SIG_ERR)
		return 2;
	while (!stop_looping) {
		if (syscall(SYS_getppid) <= 0 ||
		    syscall(SYS_read, zero, &byte, 1) != 1 ||
		    syscall(SYS_write, null, &byte, 1) != 1 ||
		    syscall(SYS_futex, &word, FUTEX_WAKE, 1, NULL, NULL, 0) < 0)
			failed++;
		rounds++;
	}
	len = snprintf(line, sizeof(line), "rounds %ld failed %ld\n", rounds,
		       failed);
	syscall(SYS_write, 1, line, len);
	return failed ? 1 : 0;
}

/* Runs every test, or with arguments those whose name contains one of them. */
int main(int argc, char **argv)
{
	int err;

	if (argc == 2 && !strcmp(argv[1], "--loop"))
		syscall(SYS_exit_group, loop_until_told());

	ksft_print_header();
	err = cg_setup(TEST_PREFIX);
	if (err)
		ksft_exit_skip("no syscalls hierarchy to test (run as root): %s\n",
			       strerror(-err));
	ksft_set_plan(tests_selected(tests, ARRAY_SIZE(tests), argc, argv));
	run_tests(tests, ARRAY_SIZE(tests), argc, argv);
}
