// SPDX-License-Identifier: GPL-2.0
/*
 * What a denied call does: syscalls.mode (enforce, or log: the call runs
 * and is counted as denied) and syscalls.action (an errno of the
 * administrator's choice, or kill: the process dies with SIGSYS), their
 * grammar, and their hierarchy rule: along the path from the root the
 * strictest of the cgroups that deny a call decides, so that a child can
 * make a call fail harder but never weaken what an ancestor enforces.
 */
#include <pthread.h>
#include <signal.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "act_"
#define WORK_DIR "/tmp/actions"
#define CG_A "act_a"
#define CG_AB "act_a/b"

/* Makes WORK_DIR/name in a child moved into cg: mkdir's result. */
static long mkdir_in(const char *cg, const char *name, long want)
{
	char path[128];
	struct calls one = { 1, {
		{ "mkdir", CALL_SYSCALL, SYS_mkdir, path, want },
	} };
	long ret;

	snprintf(path, sizeof(path), WORK_DIR "/%s", name);
	ret = run_calls(cg, &one);
	rmdir(path);
	return ret;
}

/* ---- Defaults and grammar ---- */

static int test_defaults_and_bad_values(void)
{
	static const char *const bad_modes[] = {
		"strict", " ", "enforce log", "Enforce", "1",
	};
	static const char *const bad_actions[] = {
		"errno 0", "errno 4096", "errno 99999", "errno EFOO",
		"errno", "kill bogus", "errno EPERM EPERM", "trap", "errno -1",
		"errno eperm",
	};
	int ret = KSFT_FAIL;
	size_t i;

	if (cg_create(CG_A))
		goto cleanup;
	if (!cg_read_expect(CG_A, "syscalls.mode", "enforce") ||
	    !cg_read_expect(CG_A, "syscalls.action", "errno ENOSYS"))
		goto cleanup;
	for (i = 0; i < ARRAY_SIZE(bad_modes); i++)
		if (!cg_write_expect(CG_A, "syscalls.mode", bad_modes[i],
				     -EINVAL))
			goto cleanup;
	for (i = 0; i < ARRAY_SIZE(bad_actions); i++)
		if (!cg_write_expect(CG_A, "syscalls.action", bad_actions[i],
				     -EINVAL))
			goto cleanup;
	/* Nothing changed. */
	if (!cg_read_expect(CG_A, "syscalls.mode", "enforce") ||
	    !cg_read_expect(CG_A, "syscalls.action", "errno ENOSYS"))
		goto cleanup;
	/* Good values, with white space around, read back by name. */
	if (!cg_write_expect(CG_A, "syscalls.mode", " log\n", 0) ||
	    !cg_read_expect(CG_A, "syscalls.mode", "log") ||
	    !cg_write_expect(CG_A, "syscalls.action", "errno\t13\n", 0) ||
	    !cg_read_expect(CG_A, "syscalls.action", "errno EACCES") ||
	    !cg_write_expect(CG_A, "syscalls.action", "errno 4000", 0) ||
	    !cg_read_expect(CG_A, "syscalls.action", "errno 4000") ||
	    !cg_write_expect(CG_A, "syscalls.action", "errno 4095", 0) ||
	    !cg_write_expect(CG_A, "syscalls.action", "kill", 0) ||
	    !cg_read_expect(CG_A, "syscalls.action", "kill") ||
	    !cg_write_expect(CG_A, "syscalls.action", "errno EPERM", 0) ||
	    !cg_read_expect(CG_A, "syscalls.action", "errno EPERM"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	return ret;
}

/* ---- Actions ---- */

static int test_errno_action(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "mkdir"))
		goto cleanup;
	if (mkdir_in(CG_A, "enosys", -ENOSYS) != KSFT_PASS)
		goto cleanup;
	if (cg_write(CG_A, "syscalls.action", "errno EPERM") ||
	    mkdir_in(CG_A, "eperm", -EPERM) != KSFT_PASS)
		goto cleanup;
	/* An errno without a name reaches the caller as it is. */
	if (cg_write(CG_A, "syscalls.action", "errno 4000") ||
	    mkdir_in(CG_A, "e4000", -4000) != KSFT_PASS)
		goto cleanup;
	/* A call the cgroup allows is untouched by its action. */
	if (cg_allow(CG_A, "mkdir") || mkdir_in(CG_A, "allowed", 0) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	return ret;
}

static int rmdir_fails_with(const char *cg, long want)
{
	struct calls one = { 1, {
		{ "rmdir", CALL_SYSCALL, SYS_rmdir, WORK_DIR "/none", want },
	} };

	return run_calls(cg, &one);
}

static int test_action_for_particular_calls(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "mkdir,rmdir") ||
	    cg_write(CG_A, "syscalls.action", "errno EPERM"))
		goto cleanup;
	/* As Docker denies clone3 with ENOSYS and the rest with EPERM. */
	if (!cg_write_expect(CG_A, "syscalls.action", "errno ENOSYS rmdir\n", 0) ||
	    !cg_read_expect(CG_A, "syscalls.action",
			    "errno EPERM\nerrno ENOSYS 84 ia32:40"))
		goto cleanup;
	if (mkdir_in(CG_A, "perm", -EPERM) != KSFT_PASS ||
	    rmdir_fails_with(CG_A, -ENOSYS) != KSFT_PASS)
		goto cleanup;
	/* A new default leaves the call's own action alone. */
	if (cg_write(CG_A, "syscalls.action", "errno EACCES") ||
	    mkdir_in(CG_A, "acces", -EACCES) != KSFT_PASS ||
	    rmdir_fails_with(CG_A, -ENOSYS) != KSFT_PASS)
		goto cleanup;
	/* Bad calls or actions: EINVAL, and nothing changes. */
	if (!cg_write_expect(CG_A, "syscalls.action", "errno EPERM bogus", -EINVAL) ||
	    !cg_write_expect(CG_A, "syscalls.action", "errno 0 rmdir", -EINVAL) ||
	    !cg_write_expect(CG_A, "syscalls.action", "default", -EINVAL) ||
	    !cg_read_expect(CG_A, "syscalls.action",
			    "errno EACCES\nerrno ENOSYS 84 ia32:40"))
		goto cleanup;
	/* default gives the call the cgroup's action again. */
	if (!cg_write_expect(CG_A, "syscalls.action", "default rmdir", 0) ||
	    !cg_read_expect(CG_A, "syscalls.action", "errno EACCES") ||
	    rmdir_fails_with(CG_A, -EACCES) != KSFT_PASS)
		goto cleanup;
	/* A call's action is hierarchical as the default is. */
	if (cg_write(CG_A, "syscalls.action", "errno EPERM rmdir") ||
	    cg_create(CG_AB) || cg_deny(CG_AB, "rmdir") ||
	    cg_write(CG_AB, "syscalls.action", "errno ENOENT rmdir") ||
	    rmdir_fails_with(CG_AB, -EPERM) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_AB);
	cg_destroy(CG_A);
	return ret;
}

/* A thread that waits forever, so that the process is not single-threaded. */
static void *sleeper(void *arg)
{
	for (;;)
		pause();
	return NULL;
}

static int mkdir_with_a_second_thread(void *arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, sleeper, NULL))
		return KSFT_FAIL;
	syscall(SYS_mkdir, WORK_DIR "/killed", 0755);
	/* Only reached if the process was not killed. */
	return KSFT_PASS;
}

static int ignore_sigsys_then_mkdir(void *arg)
{
	signal(SIGSYS, SIG_IGN);
	syscall(SYS_mkdir, WORK_DIR "/killed", 0755);
	return KSFT_PASS;
}

/*
 * Runs fn in a child moved into cg first; its raw wait status, or -1. The
 * child waits on a pipe, which no policy of cg denies, until it is there.
 */
static int raw_status_in(const char *cg, int (*fn)(void *))
{
	int go[2], status = -1;
	pid_t pid;
	char b;

	if (pipe(go))
		return -1;
	pid = fork();
	if (pid == 0) {
		close(go[1]);
		if (read(go[0], &b, 1) != 1)
			_exit(KSFT_FAIL);
		_exit(fn(NULL));
	}
	close(go[0]);
	if (pid < 0 || cg_enter_process(cg, pid) || write(go[1], "g", 1) != 1) {
		diag("starting a child in %s failed", cg);
		kill_and_reap(pid);
	} else if (waitpid(pid, &status, 0) != pid) {
		status = -1;
	}
	close(go[1]);
	return status;
}

static bool died_of_sigsys(const char *who, int status)
{
	if (status == -1 || !WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS) {
		diag("%s: expected death by SIGSYS, got status %#x", who, status);
		return false;
	}
	return true;
}

static int test_kill_action(void)
{
	static const struct calls allowed = { 1, {
		{ "rmdir of nothing", CALL_SYSCALL, SYS_rmdir,
		  WORK_DIR "/none", -ENOENT },
	} };
	int ret = KSFT_FAIL;
	int status;

	if (cg_create_denying(CG_A, "mkdir") ||
	    cg_write(CG_A, "syscalls.action", "kill"))
		goto cleanup;
	status = raw_status_in(CG_A, mkdir_with_a_second_thread);
	if (!died_of_sigsys("a two-thread process making a denied mkdir", status))
		goto cleanup;
	/* The signal cannot be ignored, as with seccomp's kill. */
	status = raw_status_in(CG_A, ignore_sigsys_then_mkdir);
	if (!died_of_sigsys("a process ignoring SIGSYS", status))
		goto cleanup;
	if (!expect_exists(WORK_DIR "/killed", false))
		goto cleanup;
	/* Calls the cgroup allows run under the kill action. */
	if (run_calls(CG_A, &allowed) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(WORK_DIR "/killed");
	cg_destroy(CG_A);
	return ret;
}

static int test_log_mode_runs_the_call(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "mkdir") ||
	    cg_write(CG_A, "syscalls.action", "kill") ||
	    cg_write(CG_A, "syscalls.mode", "log"))
		goto cleanup;
	/* Log mode: the call runs, even with a kill action. */
	if (mkdir_in(CG_A, "logged", 0) != KSFT_PASS)
		goto cleanup;
	if (!cg_read_expect(CG_A, "syscalls.events", "denied 1"))
		goto cleanup;
	/* The policy reads the same in both modes. */
	if (!cg_denies(CG_A, "83 ia32:39"))
		goto cleanup;
	if (cg_write(CG_A, "syscalls.mode", "enforce") ||
	    cg_write(CG_A, "syscalls.action", "errno EPERM") ||
	    mkdir_in(CG_A, "enforced", -EPERM) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	return ret;
}

/* ---- The hierarchy rule ---- */

static int test_child_cannot_weaken_ancestor(void)
{
	int ret = KSFT_FAIL;

	/* The parent enforces EPERM on mkdir. */
	if (cg_create_denying(CG_A, "mkdir") ||
	    cg_write(CG_A, "syscalls.action", "errno EPERM") ||
	    cg_create(CG_AB))
		goto cleanup;
	/* A child in log mode with its own errno and deny: still EPERM. */
	if (cg_write(CG_AB, "syscalls.mode", "log") ||
	    cg_write(CG_AB, "syscalls.action", "errno EACCES") ||
	    cg_deny(CG_AB, "mkdir,rmdir"))
		goto cleanup;
	if (mkdir_in(CG_AB, "weaker", -EPERM) != KSFT_PASS)
		goto cleanup;
	/* A child in enforce mode with another errno: the ancestor's. */
	if (cg_write(CG_AB, "syscalls.mode", "enforce") ||
	    mkdir_in(CG_AB, "other", -EPERM) != KSFT_PASS)
		goto cleanup;
	/* Kill is stricter than an errno: the child may ask for it. */
	if (cg_write(CG_AB, "syscalls.action", "kill"))
		goto cleanup;
	if (!died_of_sigsys("mkdir in a killing child of an EPERM parent",
			    raw_status_in(CG_AB, ignore_sigsys_then_mkdir)))
		goto cleanup;
	/* And a parent's kill stands whatever the child says. */
	if (cg_write(CG_AB, "syscalls.action", "errno EACCES") ||
	    cg_write(CG_AB, "syscalls.mode", "log") ||
	    cg_write(CG_A, "syscalls.action", "kill"))
		goto cleanup;
	if (!died_of_sigsys("mkdir in a logging child of a killing parent",
			    raw_status_in(CG_AB, ignore_sigsys_then_mkdir)))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(WORK_DIR "/killed");
	cg_destroy(CG_AB);
	cg_destroy(CG_A);
	return ret;
}

static int test_logging_parent_does_not_loosen_child(void)
{
	int ret = KSFT_FAIL;

	/* The parent tries a policy in log mode; the child enforces its own. */
	if (cg_create_denying(CG_A, "mkdir,rmdir") ||
	    cg_write(CG_A, "syscalls.mode", "log") ||
	    cg_create(CG_AB))
		goto cleanup;
	/* The parent's logged deny reaches the child as a logged one. */
	if (mkdir_in(CG_AB, "logged", 0) != KSFT_PASS)
		goto cleanup;
	/* The child's own enforced deny of the same call enforces it. */
	if (cg_deny(CG_AB, "mkdir") ||
	    cg_write(CG_AB, "syscalls.action", "errno EACCES") ||
	    mkdir_in(CG_AB, "enforced", -EACCES) != KSFT_PASS)
		goto cleanup;
	/* When the parent enforces, its action wins over the child's. */
	if (cg_write(CG_A, "syscalls.mode", "enforce") ||
	    mkdir_in(CG_AB, "parent", -ENOSYS) != KSFT_PASS)
		goto cleanup;
	/* Both counted in the parent's subtree: three denials. */
	if (!cg_read_expect(CG_A, "syscalls.events", "denied 3"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_AB);
	cg_destroy(CG_A);
	return ret;
}

/* ---- Changes reach running tasks ---- */

static int test_mode_and_action_change_under_running_task(void)
{
	struct probe p = { 0 };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "mkdir") || probe_start(&p, 1) ||
	    cg_enter_process(CG_A, p.pid))
		goto cleanup;
	if (!probe_mkdir(&p, 0, WORK_DIR "/run1", -ENOSYS, "under enforce"))
		goto cleanup;
	if (cg_write(CG_A, "syscalls.mode", "log") ||
	    !probe_mkdir(&p, 0, WORK_DIR "/run2", 0, "after mode log"))
		goto cleanup;
	if (cg_write(CG_A, "syscalls.mode", "enforce") ||
	    cg_write(CG_A, "syscalls.action", "errno EROFS") ||
	    !probe_mkdir(&p, 0, WORK_DIR "/run3", -EROFS, "after errno EROFS"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	rmdir(WORK_DIR "/run1");
	rmdir(WORK_DIR "/run2");
	rmdir(WORK_DIR "/run3");
	cg_destroy(CG_A);
	return ret;
}

/*
 * 512 (ERESTARTSYS) to 529 (EIOCBQUEUED) are the kernel's own: a call
 * failing with a restart code would run again. Refused, alone or for
 * particular calls; their neighbours are ordinary errnos.
 */
static int test_kernel_internal_errnos_are_refused(void)
{
	static const char *const bad[] = {
		"errno 512", "errno 513", "errno 516", "errno 529",
		"errno 512 mkdir", "errno 529 rmdir",
	};
	int ret = KSFT_FAIL;
	size_t i;

	if (cg_create(CG_A))
		goto cleanup;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (!cg_write_expect(CG_A, "syscalls.action", bad[i], -EINVAL))
			goto cleanup;
	if (!cg_read_expect(CG_A, "syscalls.action", "errno ENOSYS") ||
	    !cg_write_expect(CG_A, "syscalls.action", "errno 511", 0) ||
	    !cg_read_expect(CG_A, "syscalls.action", "errno 511") ||
	    !cg_write_expect(CG_A, "syscalls.action", "errno 530", 0) ||
	    !cg_read_expect(CG_A, "syscalls.action", "errno 530"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_defaults_and_bad_values),
	T(test_kernel_internal_errnos_are_refused),
	T(test_errno_action),
	T(test_action_for_particular_calls),
	T(test_kill_action),
	T(test_log_mode_runs_the_call),
	T(test_child_cannot_weaken_ancestor),
	T(test_logging_parent_does_not_loosen_child),
	T(test_mode_and_action_change_under_running_task),
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
