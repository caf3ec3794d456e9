// SPDX-License-Identifier: GPL-2.0
/*
 * Delegation of the syscalls controller on cgroup v2 (x86_64), as
 * Documentation/admin-guide/cgroup-v2-syscalls.rst describes it. The
 * delegator gives the delegatee (NOBODY) the directory of the delegation
 * point and its cgroup.procs, cgroup.subtree_control and cgroup.threads;
 * the delegatee then denies and allows in the cgroups it makes below, but
 * never allows what an ancestor denies and never writes the delegation
 * point's own files. With nsdelegate, a cgroup namespace's root is a
 * delegation boundary too. And no one gains privileges through a deny a
 * delegatee wrote: a set-user-ID root program exec'd under it runs with
 * the caller's credentials, while under an administrator's deny it keeps
 * its privileges, as on v1. Whoever lacks CAP_SYS_ADMIN as the writer or
 * as the opener of the file writes a delegatee's rule.
 *
 * Always on cgroup v2, like test_cgroup2. The delegatee's work runs in
 * forked children that drop to NOBODY; each test removes its cgroups.
 */
#include <sched.h>
#include <signal.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "dlg_"
#define WORK_DIR "/tmp/delegation"
#define MKDIR_PATH WORK_DIR "/made"
#define SETUID_HELPER "/tmp/delegation_setuid_helper"

#define MKDIR_DENIED "83 ia32:39"
#define RMDIR_DENIED "84 ia32:40"

/*
 * The delegation point, the leaf where the delegator puts the delegatee's
 * processes, a cgroup the delegatee makes and one below that.
 */
#define CG_POINT TEST_PREFIX "point"
#define CG_HOME CG_POINT "/home"
#define CG_SUB CG_POINT "/sub"
#define CG_INNER CG_SUB "/inner"

/* What the delegator gives the delegatee: NULL is the directory. */
static const char *const delegated[] = {
	NULL, "cgroup.procs", "cgroup.subtree_control", "cgroup.threads",
};

/*
 * Creates the delegation point and gives it to NOBODY, and the leaf below
 * it for the delegatee's processes, without the controller: enabling it is
 * the delegatee's business. (A delegation point with processes of its own
 * would become a thread root once the threaded syscalls controller is
 * enabled in it, and the cgroups below could not take processes.)
 */
static int delegate(void)
{
	char path[PATH_MAX];

	if (cg_create(CG_POINT))
		return -1;
	for (size_t i = 0; i < ARRAY_SIZE(delegated); i++) {
		cg_path(path, sizeof(path), CG_POINT, delegated[i]);
		if (chown(path, NOBODY, NOBODY)) {
			diag("chown %d %s: expected success, got %s", NOBODY,
			     path, strerror(errno));
			return -1;
		}
	}
	if (mkdir(cg_path(path, sizeof(path), CG_HOME, NULL), 0755)) {
		diag("mkdir %s: expected success, got %s", path, strerror(errno));
		return -1;
	}
	return 0;
}

/* Runs fn as the delegatee, in a child the delegator put in CG_HOME. */
static int run_as_delegatee(int (*fn)(void *), void *arg)
{
	return run_in_cgroup(CG_HOME, fn, arg);
}

static bool become_delegatee(void)
{
	int err = become_nobody();

	if (err)
		diag("dropping to uid %d: expected success, got %s", NOBODY,
		     result_name(err));
	return !err;
}

/* ---- What the delegatee may write, and what not ---- */

/* A cgroup's file belongs to uid. */
static bool expect_owner(const char *cg, const char *file, uid_t uid)
{
	char path[PATH_MAX];
	struct stat st;

	if (stat(cg_path(path, sizeof(path), cg, file), &st)) {
		diag("stat %s: expected success, got %s", path, strerror(errno));
		return false;
	}
	if (st.st_uid == uid)
		return true;
	diag("%s: expected to belong to uid %d, it belongs to uid %d", path,
	     uid, st.st_uid);
	return false;
}

static int delegatee_denies_and_allows(void *arg)
{
	bool ok;
	int err;

	if (!become_delegatee() || cg_create(CG_SUB))
		return KSFT_FAIL;
	if (!expect_owner(CG_SUB, "syscalls.deny", NOBODY) ||
	    !expect_owner(CG_SUB, "syscalls.allow", NOBODY))
		return KSFT_FAIL;
	if (cg_deny(CG_SUB, "mkdir") || !cg_denies(CG_SUB, MKDIR_DENIED))
		return KSFT_FAIL;
	/* The delegation point's cgroup.procs is the delegatee's: it moves. */
	err = cg_enter_process(CG_SUB, getpid());
	if (err) {
		diag("the delegatee moving itself into %s: expected success, got %s",
		     CG_SUB, result_name(err));
		return KSFT_FAIL;
	}
	ok = expect_result("mkdir by the delegatee under its own deny",
			   syscall3(SYS_mkdir, (long)MKDIR_PATH, 0755, 0),
			   -ENOSYS);
	ok &= !cg_allow(CG_SUB, "mkdir") && cg_denies(CG_SUB, "");
	ok &= expect_result("mkdir by the delegatee after its allow",
			    syscall3(SYS_mkdir, (long)MKDIR_PATH, 0755, 0), 0);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_delegatee_denies_and_allows_below_the_delegation_point(void)
{
	int ret = KSFT_FAIL;

	if (delegate())
		goto cleanup;
	if (run_as_delegatee(delegatee_denies_and_allows, NULL) != KSFT_PASS)
		goto cleanup;
	if (expect_exists(MKDIR_PATH, true))
		ret = KSFT_PASS;
cleanup:
	rmdir(MKDIR_PATH);
	cg_destroy(CG_POINT);
	return ret;
}

static int delegatee_allows_what_the_delegator_denies(void *arg)
{
	bool ok;

	if (!become_delegatee() || cg_create(CG_SUB))
		return KSFT_FAIL;
	ok = cg_denies(CG_SUB, RMDIR_DENIED);
	ok &= cg_write_expect(CG_SUB, "syscalls.allow", "rmdir", -EPERM);
	ok &= cg_write_expect(CG_SUB, "syscalls.allow", "all", -EPERM);
	ok &= cg_denies(CG_SUB, RMDIR_DENIED);
	/* Restricting further is the delegatee's to do and undo. */
	ok &= !cg_deny(CG_SUB, "mkdir") && cg_denies(CG_SUB, "83-84 ia32:39-40");
	ok &= !cg_allow(CG_SUB, "mkdir") && cg_denies(CG_SUB, RMDIR_DENIED);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_delegatee_cannot_allow_what_an_ancestor_denies(void)
{
	int ret = KSFT_FAIL;

	if (delegate() || cg_deny(CG_POINT, "rmdir"))
		goto cleanup;
	if (run_as_delegatee(delegatee_allows_what_the_delegator_denies, NULL) !=
	    KSFT_PASS)
		goto cleanup;
	if (cg_denies(CG_POINT, RMDIR_DENIED))
		ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_POINT);
	return ret;
}

static int delegatee_writes_the_delegation_point(void *arg)
{
	bool ok;

	if (!become_delegatee())
		return KSFT_FAIL;
	ok = cg_write_expect(CG_POINT, "syscalls.deny", "mkdir", -EACCES);
	ok &= cg_write_expect(CG_POINT, "syscalls.allow", "rmdir", -EACCES);
	/* It still reads them. */
	ok &= cg_denies(CG_POINT, RMDIR_DENIED);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_delegatee_cannot_write_the_delegation_point_files(void)
{
	int ret = KSFT_FAIL;

	if (delegate() || cg_deny(CG_POINT, "rmdir"))
		goto cleanup;
	if (run_as_delegatee(delegatee_writes_the_delegation_point, NULL) !=
	    KSFT_PASS)
		goto cleanup;
	if (cg_denies(CG_POINT, RMDIR_DENIED))
		ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_POINT);
	return ret;
}

/* ---- nsdelegate: a cgroup namespace's root is a boundary ---- */

#define CG_NS TEST_PREFIX "ns"
#define CG_NS_INNER CG_NS "/inner"

static int child_in_cgroup_namespace(void *arg)
{
	char cg[256];
	bool ok = true;

	if (unshare(CLONE_NEWCGROUP)) {
		diag("unshare(CLONE_NEWCGROUP): expected success, got %s",
		     strerror(errno));
		return KSFT_FAIL;
	}
	if (cg_of_task(0, cg, sizeof(cg)) || strcmp(cg, "/")) {
		diag("in a new cgroup namespace: expected to be in its root, /, got '%s'",
		     cg);
		ok = false;
	}
	/* The files are opened by path, from inside: root, but no writer. */
	ok &= cg_write_expect(CG_NS, "syscalls.deny", "mkdir", -EPERM);
	ok &= cg_write_expect(CG_NS, "syscalls.allow", "rmdir", -EPERM);
	ok &= cg_write_expect(CG_NS_INNER, "syscalls.deny", "mkdir", 0);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_namespace_root_files_are_not_writable_from_inside(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_NS, "rmdir") || cg_create(CG_NS_INNER))
		goto cleanup;
	if (run_in_cgroup(CG_NS, child_in_cgroup_namespace, NULL) != KSFT_PASS)
		goto cleanup;
	if (cg_denies(CG_NS, RMDIR_DENIED) &&
	    cg_denies(CG_NS_INNER, "83-84 ia32:39-40"))
		ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_NS);
	return ret;
}

/* ---- No privilege gain under a delegatee's deny ---- */

/* The exit statuses of the set-user-ID helper: its effective uid. */
#define EUID_ROOT 10
#define EUID_NOBODY 11
#define EUID_OTHER 12

static int report_euid(void)
{
	uid_t euid = geteuid();

	return euid == 0 ? EUID_ROOT : euid == NOBODY ? EUID_NOBODY : EUID_OTHER;
}

/*
 * Execs the set-user-ID helper as NOBODY in cgroup cg, where the caller
 * moves it once it has dropped root; the helper's exit status, or -1.
 */
static int exec_setuid_helper_in(const char *cg)
{
	int ready[2] = { -1, -1 }, go[2] = { -1, -1 }, status = -1;
	pid_t pid = -1;
	char c;

	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		goto out;
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		alarm(CHILD_ALARM);
		if (!become_delegatee() || write(ready[1], "r", 1) != 1 ||
		    read(go[0], &c, 1) != 1)
			_exit(EUID_OTHER + 1);
		execl(SETUID_HELPER, SETUID_HELPER, "--report-euid", (char *)NULL);
		_exit(EUID_OTHER + 2);
	}
	if (pid < 0 || read(ready[0], &c, 1) != 1)
		goto out;
	if (cg_enter_process(cg, pid)) {
		diag("moving %d into %s: expected success, it failed", pid, cg);
		goto out;
	}
	if (write(go[1], "g", 1) != 1)
		goto out;
	if (waitpid(pid, &status, 0) == pid && WIFEXITED(status))
		status = WEXITSTATUS(status);
	else
		status = -1;
	pid = -1;
out:
	kill_and_reap(pid);
	for (int i = 0; i < 2; i++) {
		if (ready[i] >= 0)
			close(ready[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	return status;
}

/* The helper exec'd by NOBODY in cg runs with effective uid want. */
static bool expect_helper_euid(const char *cg, int want, const char *when)
{
	int got = exec_setuid_helper_in(cg);

	if (got == want)
		return true;
	diag("%s: a set-user-ID root program exec'd by uid %d in %s: expected exit %d (euid %s), got %d",
	     when, NOBODY, cg, want, want == EUID_ROOT ? "0" : "65534", got);
	return false;
}

static int delegatee_denies_setresuid(void *arg)
{
	if (!become_delegatee() || cg_create(CG_SUB) || cg_create(CG_INNER))
		return KSFT_FAIL;
	return cg_deny(CG_SUB, "setresuid") ? KSFT_FAIL : KSFT_PASS;
}

static int make_helper(void)
{
	int err = make_setuid_copy(SETUID_HELPER);

	if (err)
		diag("making the set-user-ID helper %s: expected success, got %s",
		     SETUID_HELPER, result_name(err));
	return err;
}

static int setuid_test_setup(void)
{
	return make_helper() ?: delegate();
}

static int test_setuid_exec_under_a_delegatee_deny_gains_no_privilege(void)
{
	int ret = KSFT_FAIL;

	if (setuid_test_setup())
		goto cleanup;
	/* The helper works: where nothing is denied, it runs as root. */
	if (!expect_helper_euid(CG_HOME, EUID_ROOT, "no deny"))
		goto cleanup;
	if (run_as_delegatee(delegatee_denies_setresuid, NULL) != KSFT_PASS)
		goto cleanup;
	if (!expect_helper_euid(CG_SUB, EUID_NOBODY, "the delegatee denying setresuid") ||
	    !expect_helper_euid(CG_INNER, EUID_NOBODY, "below the delegatee's deny of setresuid"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	unlink(SETUID_HELPER);
	cg_destroy(CG_POINT);
	return ret;
}

static int test_setuid_exec_under_an_administrator_deny_keeps_its_privilege(void)
{
	int ret = KSFT_FAIL;

	if (setuid_test_setup() || cg_create(CG_SUB) ||
	    cg_deny(CG_SUB, "setresuid"))
		goto cleanup;
	if (!expect_helper_euid(CG_SUB, EUID_ROOT, "root denying setresuid"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	unlink(SETUID_HELPER);
	cg_destroy(CG_POINT);
	return ret;
}

static int test_administrator_deny_over_a_delegatee_deny_restores_privilege(void)
{
	int ret = KSFT_FAIL;

	if (setuid_test_setup())
		goto cleanup;
	if (run_as_delegatee(delegatee_denies_setresuid, NULL) != KSFT_PASS)
		goto cleanup;
	if (!expect_helper_euid(CG_SUB, EUID_NOBODY, "the delegatee denying setresuid"))
		goto cleanup;
	/* The administrator writes the same deny: the rule is now theirs. */
	if (cg_deny(CG_SUB, "setresuid") ||
	    !expect_helper_euid(CG_SUB, EUID_ROOT, "root denying setresuid again"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	unlink(SETUID_HELPER);
	cg_destroy(CG_POINT);
	return ret;
}

/* ---- A write is judged by who opened the file, too ---- */

#define CG_OPENER TEST_PREFIX "opener"
#define SETRESUID_DENIED "117 ia32:164"

/*
 * The set-user-ID helper's other side: writes text to its standard output,
 * which an unprivileged user opened. Exits 0 when the write went through,
 * 1 when it failed with EPERM, 2 on another error, 3 when it does not run
 * as root.
 */
static int write_stdout(const char *text)
{
	if (geteuid() != 0)
		return 3;
	if (write(STDOUT_FILENO, text, strlen(text)) == (ssize_t)strlen(text))
		return 0;
	return errno == EPERM ? 1 : 2;
}

/*
 * Forks a child that drops to NOBODY and runs fn(arg) (its exit status is
 * what fn returns); the child's exit status, or -1.
 */
static int run_as_nobody(int (*fn)(void *), void *arg)
{
	int status;
	pid_t pid;

	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		alarm(CHILD_ALARM);
		_exit(become_delegatee() ? fn(arg) : 100);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || !WIFEXITED(status))
		return -1;
	return WEXITSTATUS(status);
}

/* Opens a deny file and has the set-user-ID helper write setresuid to it. */
static int open_for_setuid_writer(void *arg)
{
	int fd = open(arg, O_WRONLY);

	if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
		return 101;
	execl(SETUID_HELPER, SETUID_HELPER, "--write-stdout", "setresuid",
	      (char *)NULL);
	return 102;
}

static int test_deny_through_an_unprivileged_opener_is_a_delegatees(void)
{
	char path[PATH_MAX];
	int ret = KSFT_FAIL, st;

	if (make_helper() || cg_create(CG_OPENER))
		goto cleanup;
	cg_path(path, sizeof(path), CG_OPENER, "syscalls.deny");
	if (chmod(path, 0666)) {
		diag("chmod 0666 %s: expected success, got %s", path,
		     strerror(errno));
		goto cleanup;
	}
	/* The mode lets the write through, but root did not open the file. */
	st = run_as_nobody(open_for_setuid_writer, path);
	if (st != 0) {
		diag("a set-user-ID root program writing setresuid to a deny file uid %d opened: expected the write to go through (exit 0), got %d",
		     NOBODY, st);
		goto cleanup;
	}
	if (!cg_denies(CG_OPENER, SETRESUID_DENIED) ||
	    !expect_helper_euid(CG_OPENER, EUID_NOBODY, "a deny written through uid 65534's file"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	unlink(SETUID_HELPER);
	cg_destroy(CG_OPENER);
	return ret;
}

static int write_setresuid(void *arg)
{
	int fd = *(int *)arg;

	return write(fd, "setresuid", 9) == 9 ? 0 : 103;
}

static int test_deny_by_an_unprivileged_writer_is_a_delegatees(void)
{
	char path[PATH_MAX];
	int ret = KSFT_FAIL, fd = -1, st;

	if (make_helper() || cg_create(CG_OPENER))
		goto cleanup;
	fd = open(cg_path(path, sizeof(path), CG_OPENER, "syscalls.deny"),
		  O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		diag("open %s: expected success, got %s", path, strerror(errno));
		goto cleanup;
	}
	st = run_as_nobody(write_setresuid, &fd);
	if (st != 0) {
		diag("uid %d writing setresuid to a deny file root opened: expected the write to go through (exit 0), got %d",
		     NOBODY, st);
		goto cleanup;
	}
	if (!cg_denies(CG_OPENER, SETRESUID_DENIED) ||
	    !expect_helper_euid(CG_OPENER, EUID_NOBODY,
				"a deny uid 65534 wrote through root's file"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	if (fd >= 0)
		close(fd);
	unlink(SETUID_HELPER);
	cg_destroy(CG_OPENER);
	return ret;
}

static const struct syscalls_test tests[] = {
	T(test_delegatee_denies_and_allows_below_the_delegation_point),
	T(test_delegatee_cannot_allow_what_an_ancestor_denies),
	T(test_delegatee_cannot_write_the_delegation_point_files),
	T(test_namespace_root_files_are_not_writable_from_inside),
	T(test_setuid_exec_under_a_delegatee_deny_gains_no_privilege),
	T(test_setuid_exec_under_an_administrator_deny_keeps_its_privilege),
	T(test_administrator_deny_over_a_delegatee_deny_restores_privilege),
	T(test_deny_through_an_unprivileged_opener_is_a_delegatees),
	T(test_deny_by_an_unprivileged_writer_is_a_delegatees),
};

/*
 * Runs every test, or with arguments those whose name contains one of
 * them; `--report-euid` and `--write-stdout TEXT` are the set-user-ID
 * helper's sides.
 */
int main(int argc, char **argv)
{
	int err;

	if (argc == 2 && !strcmp(argv[1], "--report-euid"))
		return report_euid();
	if (argc == 3 && !strcmp(argv[1], "--write-stdout"))
		return write_stdout(argv[2]);

	ksft_print_header();
	/* These tests are about cgroup v2 alone. */
	setenv(CG_V2_ENV, "1", 1);
	err = cg_setup(TEST_PREFIX);
	if (err)
		ksft_exit_skip("no cgroup v2 with the syscalls controller to test (run as root): %s\n",
			       strerror(-err));
	/* The delegatee makes its directories here. */
	if ((mkdir(WORK_DIR, 0755) && errno != EEXIST) || chmod(WORK_DIR, 01777))
		ksft_exit_fail_msg("mkdir %s: %s\n", WORK_DIR, strerror(errno));
	ksft_set_plan(tests_selected(tests, ARRAY_SIZE(tests), argc, argv));
	run_tests(tests, ARRAY_SIZE(tests), argc, argv);
}
