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
#include <sys/mman.h>

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

/* ---- No privilege gain through a delegatee's rules, in any order ---- */

/*
 * The set-user-ID helper's probe (--probe): the exit status is PROBE plus
 * PROBE_ROOT if it started with effective uid 0, PROBE_MKDIR_DENIED if its
 * mkdir failed with ENOSYS, PROBE_DROPPED if setuid() to its real uid
 * worked and left it there. With --wait it first writes a byte to its
 * standard output and reads one from its standard input, so that the
 * test can change rules, modes or cgroups while it runs.
 */
#define PROBE 64
#define PROBE_ROOT 1
#define PROBE_MKDIR_DENIED 2
#define PROBE_DROPPED 4
#define PROBE_MKDIR_PATH WORK_DIR "/probe"

/* A root program that drops its privileges and can: the delegatee's rules are not its. */
#define PROBE_ROOT_DROPS (PROBE + PROBE_ROOT + PROBE_DROPPED)

/* The calls a privilege drop makes. */
#define DROP_CALLS "setresuid,setuid,setreuid,setfsuid"

static int probe(bool wait)
{
	bool root = geteuid() == 0, denied, dropped;
	uid_t uid = getuid();
	char c;

	if (wait && (write(STDOUT_FILENO, "r", 1) != 1 ||
		     read(STDIN_FILENO, &c, 1) != 1))
		return 1;
	denied = syscall3(SYS_mkdir, (long)PROBE_MKDIR_PATH, 0755, 0) == -ENOSYS;
	rmdir(PROBE_MKDIR_PATH);
	dropped = syscall3(SYS_setuid, uid, 0, 0) == 0 && geteuid() == uid;
	return PROBE + (root ? PROBE_ROOT : 0) +
	       (denied ? PROBE_MKDIR_DENIED : 0) + (dropped ? PROBE_DROPPED : 0);
}

static const char *probe_text(int status)
{
	static char buf[128];

	if (status < PROBE || status > PROBE + 7) {
		snprintf(buf, sizeof(buf), "exit status %d", status);
		return buf;
	}
	status -= PROBE;
	snprintf(buf, sizeof(buf), "%s, mkdir %s, privilege drop %s",
		 status & PROBE_ROOT ? "euid 0" : "not root",
		 status & PROBE_MKDIR_DENIED ? "denied" : "allowed",
		 status & PROBE_DROPPED ? "worked" : "failed");
	return buf;
}

/*
 * A running helper: exec'd by NOBODY in cgroup cg (moved there by the
 * test before the exec), waiting on its standard input.
 */
struct helper {
	pid_t pid;
	int ready, go;
};

static void helper_kill(struct helper *h)
{
	if (h->pid < 0)
		return;
	close(h->go);
	close(h->ready);
	kill_and_reap(h->pid);
	h->pid = -1;
}

struct helper_exec {
	const char *path;
	int ready, go;
};

/* The helper's child: its pipes as standard output and input, NOBODY. */
static int helper_exec(void *arg)
{
	const struct helper_exec *x = arg;

	if (dup2(x->go, STDIN_FILENO) < 0 || dup2(x->ready, STDOUT_FILENO) < 0 ||
	    !become_delegatee())
		return 2;
	execl(x->path, x->path, "--probe", "--wait", (char *)NULL);
	return 3;
}

static int helper_start(struct helper *h, const char *path, const char *cg)
{
	int ready[2] = { -1, -1 }, go[2] = { -1, -1 };
	struct helper_exec x;
	struct child c;
	char ch;

	h->pid = -1;
	h->ready = h->go = -1;
	if (pipe2(ready, O_CLOEXEC) || pipe2(go, O_CLOEXEC))
		goto fail;
	x = (struct helper_exec){ path, ready[1], go[0] };
	if (child_start(&c, helper_exec, &x))
		goto fail;
	h->pid = c.pid;
	if (cg_enter_process(cg, c.pid)) {
		diag("moving %d into %s: expected success, it failed", c.pid, cg);
		child_kill(&c);
		h->pid = -1;
		goto fail;
	}
	child_go(&c);
	/* The child's copy of the shared page is its own now. */
	c.pid = -1;
	child_kill(&c);
	close(ready[1]);
	close(go[0]);
	ready[1] = go[0] = -1;
	h->ready = ready[0];
	h->go = go[1];
	if (read(h->ready, &ch, 1) != 1) {
		diag("the set-user-ID helper in %s did not start", cg);
		helper_kill(h);
		return -1;
	}
	return 0;
fail:
	for (int i = 0; i < 2; i++) {
		if (ready[i] >= 0)
			close(ready[i]);
		if (go[i] >= 0)
			close(go[i]);
	}
	return -1;
}

/* Lets the helper go on; its exit status, or -1. */
static int helper_finish(struct helper *h)
{
	int status;

	if (h->pid < 0)
		return -1;
	if (write(h->go, "g", 1) != 1 || waitpid(h->pid, &status, 0) != h->pid ||
	    !WIFEXITED(status))
		status = -1;
	else
		status = WEXITSTATUS(status);
	close(h->go);
	close(h->ready);
	h->pid = -1;
	return status;
}


static bool expect_probe(int got, int want, const char *when)
{
	char text[128];

	if (got == want)
		return true;
	snprintf(text, sizeof(text), "%s", probe_text(want));
	diag("%s: the set-user-ID root helper exec'd by uid %d: expected %s, got %s",
	     when, NOBODY, text, probe_text(got));
	return false;
}

/* The helper exec'd in cg at once: its probe. */
static int probe_in(const char *path, const char *cg)
{
	struct helper h;

	if (helper_start(&h, path, cg))
		return -1;
	return helper_finish(&h);
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

/* The delegatee's own tasks: a drop of a task it has power over fails. */
static int delegatee_drop_fails(void *arg)
{
	if (!become_delegatee())
		return KSFT_FAIL;
	return expect_result("setresuid by the delegatee's own task",
			     syscall3(SYS_setresuid, NOBODY, NOBODY, NOBODY),
			     -ENOSYS) ? KSFT_PASS : KSFT_FAIL;
}

static bool delegatee_rule_applies_to_its_own(const char *cg)
{
	if (run_in_cgroup(cg, delegatee_drop_fails, NULL) == KSFT_PASS)
		return true;
	diag("in %s: expected the delegatee's rule to judge its own tasks", cg);
	return false;
}

static int delegatee_makes(void *arg)
{
	const char *const *cgs = arg;

	if (!become_delegatee())
		return KSFT_FAIL;
	for (; *cgs; cgs++)
		if (cg_create(*cgs))
			return KSFT_FAIL;
	return KSFT_PASS;
}

struct delegatee_write {
	const char *cg, *file, *text;
};

static int delegatee_writes(void *arg)
{
	const struct delegatee_write *w = arg;

	if (!become_delegatee())
		return KSFT_FAIL;
	for (; w->cg; w++)
		if (cg_write(w->cg, w->file, w->text)) {
			diag("the delegatee writing '%s' to %s/%s: expected success",
			     w->text, w->cg, w->file);
			return KSFT_FAIL;
		}
	return KSFT_PASS;
}

static int run_delegatee_writes(const struct delegatee_write *w)
{
	return run_as_delegatee(delegatee_writes, (void *)w);
}

#define CG_A CG_POINT "/a"
#define CG_B CG_POINT "/b"

static int test_delegatee_deny_before_the_exec_does_not_keep_root(void)
{
	static const char *const sub[] = { CG_SUB, CG_INNER, NULL };
	static const struct delegatee_write deny[] = {
		{ CG_SUB, "syscalls.deny", DROP_CALLS }, { NULL }
	};
	int ret = KSFT_FAIL;

	if (setuid_test_setup())
		goto cleanup;
	/* The helper works: where nothing is denied, it runs as root. */
	if (run_as_delegatee(delegatee_makes, (void *)sub) != KSFT_PASS ||
	    !expect_probe(probe_in(SETUID_HELPER, CG_SUB), PROBE_ROOT_DROPS,
			  "no deny") ||
	    run_delegatee_writes(deny) != KSFT_PASS)
		goto cleanup;
	if (!expect_probe(probe_in(SETUID_HELPER, CG_SUB), PROBE_ROOT_DROPS,
			  "the delegatee's deny written before the exec") ||
	    !expect_probe(probe_in(SETUID_HELPER, CG_INNER), PROBE_ROOT_DROPS,
			  "below the delegatee's deny") ||
	    !delegatee_rule_applies_to_its_own(CG_INNER))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	unlink(SETUID_HELPER);
	cg_destroy(CG_POINT);
	return ret;
}

static int test_delegatee_deny_after_the_exec_does_not_keep_root(void)
{
	static const char *const sub[] = { CG_SUB, NULL };
	static const struct delegatee_write deny[] = {
		{ CG_SUB, "syscalls.deny", DROP_CALLS }, { NULL }
	};
	struct helper h = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (setuid_test_setup() ||
	    run_as_delegatee(delegatee_makes, (void *)sub) != KSFT_PASS ||
	    helper_start(&h, SETUID_HELPER, CG_SUB))
		goto cleanup;
	/* The program runs as root; stopped, it cannot race the deny. */
	kill(h.pid, SIGSTOP);
	if (run_delegatee_writes(deny) != KSFT_PASS)
		goto cleanup;
	kill(h.pid, SIGCONT);
	if (!expect_probe(helper_finish(&h), PROBE_ROOT_DROPS,
			  "the delegatee's deny written while it ran") ||
	    !delegatee_rule_applies_to_its_own(CG_SUB))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	helper_kill(&h);
	unlink(SETUID_HELPER);
	cg_destroy(CG_POINT);
	return ret;
}

static int delegatee_moves(void *arg)
{
	pid_t pid = *(pid_t *)arg;
	int err;

	if (!become_delegatee())
		return KSFT_FAIL;
	err = cg_enter_process(CG_B, pid);
	if (err) {
		diag("the delegatee moving %d into %s: expected success, got %s",
		     pid, CG_B, result_name(err));
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static int test_move_into_a_delegatee_deny_does_not_keep_root(void)
{
	static const char *const ab[] = { CG_A, CG_B, NULL };
	static const struct delegatee_write deny[] = {
		{ CG_B, "syscalls.deny", DROP_CALLS }, { NULL }
	};
	struct helper h = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (setuid_test_setup() ||
	    run_as_delegatee(delegatee_makes, (void *)ab) != KSFT_PASS ||
	    run_delegatee_writes(deny) != KSFT_PASS ||
	    helper_start(&h, SETUID_HELPER, CG_A))
		goto cleanup;
	if (run_as_delegatee(delegatee_moves, &h.pid) != KSFT_PASS ||
	    !expect_in_cgroup(h.pid, CG_B))
		goto cleanup;
	if (!expect_probe(helper_finish(&h), PROBE_ROOT_DROPS,
			  "moved by the delegatee under its deny") ||
	    !delegatee_rule_applies_to_its_own(CG_B))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	helper_kill(&h);
	unlink(SETUID_HELPER);
	cg_destroy(CG_POINT);
	return ret;
}

/* The delegatee's own task: its setresuid fails as the setting says. */
static int delegatee_drop_denied(void *arg)
{
	const struct delegatee_write *w = arg;
	long want = -ENOSYS;

	for (; w->cg; w++)
		if (!strcmp(w->file, "syscalls.action"))
			want = -EPERM;
	if (!become_delegatee())
		return KSFT_FAIL;
	return expect_result("setresuid by the delegatee's own task, under its setting",
			     syscall3(SYS_setresuid, NOBODY, NOBODY, NOBODY),
			     want) ? KSFT_PASS : KSFT_FAIL;
}

/*
 * An administrator's deny of the privilege drop in log mode, in the
 * delegatee's cgroup; the delegatee then writes setting (mode or action):
 * the helper, root, still drops its privileges, running before and after,
 * while the delegatee's own tasks are judged by the stricter setting.
 */
static int setting_after_log_mode(const struct delegatee_write *setting,
				  const char *what)
{
	static const char *const sub[] = { CG_SUB, NULL };
	struct helper h = { .pid = -1 };
	char when[128];
	int ret = KSFT_FAIL;

	if (setuid_test_setup() ||
	    run_as_delegatee(delegatee_makes, (void *)sub) != KSFT_PASS ||
	    cg_write(CG_SUB, "syscalls.mode", "log") ||
	    cg_deny(CG_SUB, DROP_CALLS) ||
	    helper_start(&h, SETUID_HELPER, CG_SUB))
		goto cleanup;
	if (run_delegatee_writes(setting) != KSFT_PASS)
		goto cleanup;
	snprintf(when, sizeof(when), "an administrator's log-mode deny, then the delegatee's %s",
		 what);
	if (!expect_probe(helper_finish(&h), PROBE_ROOT_DROPS, when) ||
	    !expect_probe(probe_in(SETUID_HELPER, CG_SUB), PROBE_ROOT_DROPS, when) ||
	    run_in_cgroup(CG_SUB, delegatee_drop_denied, (void *)setting) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	helper_kill(&h);
	unlink(SETUID_HELPER);
	cg_destroy(CG_POINT);
	return ret;
}

static int test_delegatee_mode_does_not_enforce_an_administrator_deny_on_root(void)
{
	static const struct delegatee_write mode[] = {
		{ CG_SUB, "syscalls.mode", "enforce" }, { NULL }
	};

	return setting_after_log_mode(mode, "enforce mode");
}

static int test_delegatee_action_does_not_harden_an_administrator_deny_on_root(void)
{
	static const struct delegatee_write action[] = {
		{ CG_SUB, "syscalls.mode", "enforce" },
		{ CG_SUB, "syscalls.action", "errno EPERM" },
		{ NULL }
	};

	return setting_after_log_mode(action, "enforce mode and errno EPERM");
}

static int test_administrator_deny_judges_a_setuid_program(void)
{
	static const char *const sub[] = { CG_SUB, NULL };
	static const struct delegatee_write deny[] = {
		{ CG_SUB, "syscalls.deny", "mkdir" }, { NULL }
	};
	int ret = KSFT_FAIL;

	if (setuid_test_setup() ||
	    run_as_delegatee(delegatee_makes, (void *)sub) != KSFT_PASS)
		goto cleanup;
	/* The delegatee's deny of mkdir does not judge root... */
	if (run_delegatee_writes(deny) != KSFT_PASS ||
	    !expect_probe(probe_in(SETUID_HELPER, CG_SUB), PROBE_ROOT_DROPS,
			  "the delegatee denying mkdir"))
		goto cleanup;
	/* ...the administrator's, of the same call and of the drop, do. */
	if (cg_deny(CG_SUB, "mkdir,setuid") ||
	    !expect_probe(probe_in(SETUID_HELPER, CG_SUB),
			  PROBE + PROBE_ROOT + PROBE_MKDIR_DENIED,
			  "the administrator denying mkdir and setuid"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	unlink(SETUID_HELPER);
	cg_destroy(CG_POINT);
	return ret;
}

/* ---- Rootless: a set-user-ID program in the delegatee's own user namespace ---- */

#define NS_HELPER "/tmp/delegation_ns_helper"
/* The user the delegatee's namespace maps to its uid 1, and the gid. */
#define NS_OTHER 1000

/*
 * In the delegatee's cgroup under its deny of mkdir, a child of the
 * delegatee makes a user namespace, which the test maps (0 to the
 * delegatee, 1 to NS_OTHER), becomes its uid 1 and execs NS_HELPER, a
 * set-user-ID copy that the delegatee owns: its uid 0 there.
 */
static int userns_child(void *arg)
{
	int *sync = arg;
	char c;

	if (!become_delegatee() || unshare(CLONE_NEWUSER) ||
	    write(sync[1], "u", 1) != 1 || read(sync[2], &c, 1) != 1)
		return 2;
	if (setresgid(1, 1, 1) || setresuid(1, 1, 1))
		return 3;
	execl(NS_HELPER, NS_HELPER, "--probe", (char *)NULL);
	return 4;
}

static int write_map(pid_t pid, const char *file, const char *map)
{
	char path[64];
	int fd, err = 0;

	snprintf(path, sizeof(path), "/proc/%d/%s", pid, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, map, strlen(map)) != (ssize_t)strlen(map))
		err = -errno;
	if (fd >= 0)
		close(fd);
	if (err)
		diag("writing '%s' to %s: expected success, got %s", map, path,
		     strerror(-err));
	return err;
}

static int test_setuid_in_the_delegatees_user_namespace_gains_and_is_judged(void)
{
	static const char *const sub[] = { CG_SUB, NULL };
	static const struct delegatee_write deny[] = {
		{ CG_SUB, "syscalls.deny", "mkdir" }, { NULL }
	};
	char map[64];
	int sync[4] = { -1, -1, -1, -1 }, ret = KSFT_FAIL, status, err;
	struct child c;
	char ch;

	c.pid = -1;
	err = make_setuid_copy(NS_HELPER);
	if (err || chown(NS_HELPER, NOBODY, NOBODY) || chmod(NS_HELPER, 04755)) {
		diag("making %s, set-user-ID uid %d: expected success, got %s",
		     NS_HELPER, NOBODY, err ? result_name(err) : strerror(errno));
		goto cleanup;
	}
	if (delegate() ||
	    run_as_delegatee(delegatee_makes, (void *)sub) != KSFT_PASS ||
	    run_delegatee_writes(deny) != KSFT_PASS ||
	    pipe(sync) || pipe(sync + 2))
		goto cleanup;
	if (child_start(&c, userns_child, sync))
		goto cleanup;
	if (cg_enter_process(CG_SUB, c.pid) || child_go(&c)) {
		diag("moving the delegatee's child into %s: expected success", CG_SUB);
		goto cleanup;
	}
	if (read(sync[0], &ch, 1) != 1) {
		diag("the delegatee's child did not make its user namespace");
		goto cleanup;
	}
	snprintf(map, sizeof(map), "0 %d 1\n1 %d 1\n", NOBODY, NS_OTHER);
	if (write_map(c.pid, "uid_map", map) || write_map(c.pid, "gid_map", map) ||
	    write(sync[3], "g", 1) != 1)
		goto cleanup;
	status = child_wait_status(&c);
	/*
	 * The exec gains uid 0 of the namespace, which the delegatee owns: its
	 * deny judges the program, and the program can drop to its uid 1.
	 */
	if (!expect_probe(status, PROBE + PROBE_ROOT + PROBE_MKDIR_DENIED + PROBE_DROPPED,
			  "in the delegatee's own user namespace"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	if (c.pid > 0)
		child_kill(&c);
	for (int i = 0; i < 4; i++)
		if (sync[i] >= 0)
			close(sync[i]);
	unlink(NS_HELPER);
	cg_destroy(CG_POINT);
	return ret;
}

/* ---- A delegatee pays for its cgroups, in its memory cgroup ---- */

#define CG_MEM_SUB CG_POINT "/sub"
#define CG_MEM_OPEN CG_POINT "/open"
#define CG_MEM_OFF CG_POINT "/off"
/* Cgroups made in each of the two kinds, to measure. */
#define MEM_MEASURED 40
/* What the record of a filtering cgroup's calls costs at the least. */
#define MEM_CALLS_MIN 8192
/* Room given past what the delegatee uses, before the cgroups that fail. */
#define MEM_ROOM (2L << 20)

static long mem_current(void)
{
	char buf[64];

	if (cg_read(CG_POINT, "memory.current", buf, sizeof(buf)) <= 0)
		return -1;
	return atol(buf);
}

/* Makes n cgroups below parent, as the delegatee: the bytes they took. */
struct mem_make {
	const char *parent;
	const char *prefix;
	int n;
	long bytes;
	bool no_controller;	/* the children get no css of the controller */
	int made;	/* with n < 0: how many were made before one failed */
	int err;	/* and with what */
};

static int delegatee_makes_many(void *arg)
{
	struct mem_make *m = arg;
	char name[PATH_MAX], path[PATH_MAX];
	long before;
	int i;

	if (!become_delegatee())
		return KSFT_FAIL;
	/* Each child its own css of the controller, unless told otherwise. */
	if (!m->no_controller &&
	    cg_write(m->parent, "cgroup.subtree_control", "+syscalls"))
		return KSFT_FAIL;
	before = mem_current();
	for (i = 0; m->n < 0 || i < m->n; i++) {
		snprintf(name, sizeof(name), "%s/%s%d", m->parent, m->prefix, i);
		if (mkdir(cg_path(path, sizeof(path), name, NULL), 0755)) {
			m->err = -errno;
			break;
		}
		m->made = i + 1;
	}
	m->bytes = mem_current() - before;
	return m->n < 0 || m->made == m->n ? KSFT_PASS : KSFT_FAIL;
}

static int run_makes(struct mem_make *m)
{
	struct mem_make *shared = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
				       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	int ret;

	if (shared == MAP_FAILED)
		return KSFT_FAIL;
	*shared = *m;
	ret = run_as_delegatee(delegatee_makes_many, shared);
	*m = *shared;
	munmap(shared, sizeof(*m));
	return ret;
}

static int test_delegatee_pays_for_its_cgroups_in_its_memory_cgroup(void)
{
	static const char *const subs[] = { CG_MEM_SUB, CG_MEM_OPEN, CG_MEM_OFF, NULL };
	static const struct delegatee_write deny[] = {
		{ CG_MEM_SUB, "syscalls.deny", "mkdir" }, { NULL }
	};
	struct mem_make off = { .parent = CG_MEM_OFF, .prefix = "m", .n = MEM_MEASURED,
				.no_controller = true };
	struct mem_make open = { .parent = CG_MEM_OPEN, .prefix = "m", .n = MEM_MEASURED };
	struct mem_make filtering = { .parent = CG_MEM_SUB, .prefix = "m", .n = MEM_MEASURED };
	struct mem_make rest = { .parent = CG_MEM_SUB, .prefix = "r", .n = -1 };
	char max[32], events[256];
	int ret = KSFT_FAIL, err;
	long per_off, per_open, per_filtering, used;

	err = cg_write("", "cgroup.subtree_control", "+memory");
	if (err) {
		diag("+memory at the root: %s (no CONFIG_MEMCG?)", result_name(err));
		return KSFT_SKIP;
	}
	if (delegate() || cg_write(CG_POINT, "cgroup.subtree_control", "+memory") ||
	    run_as_delegatee(delegatee_makes, (void *)subs) != KSFT_PASS ||
	    run_delegatee_writes(deny) != KSFT_PASS)
		goto cleanup;
	if (run_makes(&off) != KSFT_PASS || run_makes(&open) != KSFT_PASS ||
	    run_makes(&filtering) != KSFT_PASS) {
		diag("the delegatee making %d cgroups: expected success, got %s after %d",
		     MEM_MEASURED, result_name(open.err ?: filtering.err),
		     open.err ? open.made : filtering.made);
		goto cleanup;
	}
	per_off = off.bytes / MEM_MEASURED;
	per_open = open.bytes / MEM_MEASURED;
	per_filtering = filtering.bytes / MEM_MEASURED;
	diag("memory.current of the delegation point per cgroup made: %ld bytes without the controller; the controller's share: %ld for a cgroup that filters nothing, %ld for a filtering one",
	     per_off, per_open - per_off, per_filtering - per_off);
	/* The record of a filtering cgroup's calls is charged, and only it. */
	if (per_filtering - per_open < MEM_CALLS_MIN) {
		diag("a filtering cgroup: expected to cost its maker at least %d bytes more than one that filters nothing, it cost %ld more",
		     MEM_CALLS_MIN, per_filtering - per_open);
		goto cleanup;
	}
	/* At memory.max, making cgroups fails. */
	used = mem_current();
	snprintf(max, sizeof(max), "%ld", used + MEM_ROOM);
	if (cg_write(CG_POINT, "memory.max", max))
		goto cleanup;
	/*
	 * The maker runs into the limit: its mkdir fails with ENOMEM, or the
	 * memory cgroup's OOM killer ends it, as for any charge past
	 * memory.max. Either way, no more than the limit is used.
	 */
	run_makes(&rest);
	diag("with memory.max %s, the delegatee made %d more filtering cgroups, then %s",
	     max, rest.made, rest.err ? result_name(rest.err) : "was killed");
	if (cg_read(CG_POINT, "memory.events", events, sizeof(events)) <= 0)
		goto cleanup;
	if (rest.err != -ENOMEM && (rest.err || strstr(events, "oom_kill 0"))) {
		diag("making cgroups past memory.max: expected ENOMEM or the maker OOM-killed, got %s; memory.events: %s",
		     result_name(rest.err), events);
		goto cleanup;
	}
	if (mem_current() > used + MEM_ROOM || strstr(events, "\nmax 0") ||
	    rest.made > MEM_ROOM / MEM_CALLS_MIN) {
		diag("memory.current %ld after %d more cgroups, memory.events '%s': expected at most %s, max events, and fewer than %ld cgroups",
		     mem_current(), rest.made, events, max, MEM_ROOM / MEM_CALLS_MIN);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_POINT);
	cg_write("", "cgroup.subtree_control", "-memory");
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
	/* A delegatee's rule: it does not judge the root program. */
	if (!cg_denies(CG_OPENER, SETRESUID_DENIED) ||
	    !expect_probe(probe_in(SETUID_HELPER, CG_OPENER), PROBE_ROOT_DROPS,
			  "a deny written through uid 65534's file"))
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
	    !expect_probe(probe_in(SETUID_HELPER, CG_OPENER), PROBE_ROOT_DROPS,
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

/* ---- syscalls.arm: what a delegatee may defer ---- */

/*
 * A task of CG_SUB that is not armed (it made no exec there): the
 * delegatee's deny of getpgrp waits for its exec, the administrator's deny
 * of getsid at the delegation point does not.
 */
static int unarmed_task_is_judged_above(void *arg)
{
	long pgrp = syscall3(SYS_getpgrp, 0, 0, 0);

	return expect_result("getpgrp, which the delegatee's waiting cgroup denies",
			     pgrp > 0 ? 0 : pgrp, 0) &&
	       expect_result("getsid, which the delegation point denies",
			     syscall3(SYS_getsid, 0, 0, 0), -ENOSYS) ?
		       KSFT_PASS : KSFT_FAIL;
}

static int delegatee_cannot_defer_an_administrators_deny(void *arg)
{
	if (!become_delegatee())
		return KSFT_FAIL;
	return cg_write_expect(CG_SUB, "syscalls.arm", "exec", -EPERM) ?
		       KSFT_PASS : KSFT_FAIL;
}

static int test_delegatee_arm_never_defers_an_ancestor(void)
{
	static const char *const sub[] = { CG_SUB, NULL };
	static const struct delegatee_write wait[] = {
		{ CG_SUB, "syscalls.deny", "getpgrp" },
		{ CG_SUB, "syscalls.arm", "exec" }, { NULL }
	};
	static const struct delegatee_write now[] = {
		{ CG_SUB, "syscalls.arm", "now" }, { NULL }
	};
	int ret = KSFT_FAIL;

	if (delegate() || cg_deny(CG_POINT, "getsid") ||
	    run_as_delegatee(delegatee_makes, (void *)sub) != KSFT_PASS ||
	    run_delegatee_writes(wait) != KSFT_PASS ||
	    run_in_cgroup(CG_SUB, unarmed_task_is_judged_above, NULL) != KSFT_PASS)
		goto cleanup;
	/*
	 * With an administrator's deny among CG_SUB's own rules, the delegatee
	 * may end the waiting but not start it again.
	 */
	if (run_delegatee_writes(now) != KSFT_PASS || cg_deny(CG_SUB, "rmdir") ||
	    run_as_delegatee(delegatee_cannot_defer_an_administrators_deny,
			     NULL) != KSFT_PASS ||
	    !cg_read_expect(CG_SUB, "syscalls.arm", "now") ||
	    !cg_write_expect(CG_SUB, "syscalls.arm", "exec", 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_POINT);
	return ret;
}

static const struct syscalls_test tests[] = {
	T(test_delegatee_denies_and_allows_below_the_delegation_point),
	T(test_delegatee_cannot_allow_what_an_ancestor_denies),
	T(test_delegatee_cannot_write_the_delegation_point_files),
	T(test_namespace_root_files_are_not_writable_from_inside),
	T(test_delegatee_deny_before_the_exec_does_not_keep_root),
	T(test_delegatee_deny_after_the_exec_does_not_keep_root),
	T(test_move_into_a_delegatee_deny_does_not_keep_root),
	T(test_delegatee_mode_does_not_enforce_an_administrator_deny_on_root),
	T(test_delegatee_action_does_not_harden_an_administrator_deny_on_root),
	T(test_administrator_deny_judges_a_setuid_program),
	T(test_setuid_in_the_delegatees_user_namespace_gains_and_is_judged),
	T(test_delegatee_pays_for_its_cgroups_in_its_memory_cgroup),
	T(test_deny_through_an_unprivileged_opener_is_a_delegatees),
	T(test_deny_by_an_unprivileged_writer_is_a_delegatees),
	T(test_delegatee_arm_never_defers_an_ancestor),
};

/*
 * Runs every test, or with arguments those whose name contains one of
 * them; `--report-euid` and `--write-stdout TEXT` are the set-user-ID
 * helper's sides.
 */
int main(int argc, char **argv)
{
	int err;

	if (argc >= 2 && !strcmp(argv[1], "--probe"))
		return probe(argc == 3 && !strcmp(argv[2], "--wait"));
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
