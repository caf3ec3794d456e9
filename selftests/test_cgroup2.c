// SPDX-License-Identifier: GPL-2.0
/*
 * The syscalls controller on cgroup v2 (x86_64), as
 * Documentation/admin-guide/cgroup-v2-syscalls.rst describes it: enabled
 * through cgroup.subtree_control, files in every cgroup below the root and
 * none in the root, the grammar, reads, errors and hierarchy of v1, one
 * hierarchy at a time; tasks that clone3() places, cgroup.procs and
 * cgroup.threads move, and threads of one process following different
 * rules; disabling and enabling again. Delegation is test_delegation.c's.
 *
 * Always on cgroup v2: the program runs in v2 mode whatever its
 * environment says (see syscalls_cgroup_util.h), and leaves v2 as it
 * found it. Filtered work runs in forked children, and each test removes
 * its cgroups.
 */
#include <linux/sched.h>
#include <signal.h>
#include <sys/mount.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "cg2_"
#define WORK_DIR "/tmp/cgroup2"
#define MKDIR_PATH WORK_DIR "/made"
/* A path rmdir() finds nothing at: ENOENT where rmdir runs. */
#define NO_PATH WORK_DIR "/none"

/* What reads show when mkdir, or rmdir, is denied. */
#define MKDIR_DENIED "83 ia32:39"
#define RMDIR_DENIED "84 ia32:40"

/* Whether a cgroup's file holds word (space-separated), as for controllers. */
static bool file_has_word(const char *cg, const char *file, const char *word)
{
	char buf[512], *w, *save;

	if (cg_read(cg, file, buf, sizeof(buf)) < 0)
		return false;
	for (w = strtok_r(buf, " ", &save); w; w = strtok_r(NULL, " ", &save))
		if (!strcmp(w, word))
			return true;
	return false;
}

/* A cgroup has both syscalls.* files (want true) or neither. */
static bool expect_files(const char *cg, bool want)
{
	bool deny = cg_exists(cg, "syscalls.deny");
	bool allow = cg_exists(cg, "syscalls.allow");

	if (deny == want && allow == want)
		return true;
	diag("%s: expected %s, found syscalls.deny %s and syscalls.allow %s",
	     cg_name(cg), want ? "both syscalls.* files" : "no syscalls.* file",
	     deny ? "present" : "absent", allow ? "present" : "absent");
	return false;
}

/* Thread i of the probe: rmdir of a missing path gives want. */
static bool probe_rmdir(struct probe *p, int i, long want, const char *when)
{
	char what[200];

	snprintf(what, sizeof(what), "%s: rmdir by thread %d", when, i);
	return expect_result(what, probe_call(p, i, SYS_rmdir, NO_PATH, 0),
			     want);
}

/* ---- Enabling, the files, their grammar and hierarchy ---- */

#define CG_FILES TEST_PREFIX "files"
#define CG_FILES_CHILD CG_FILES "/child"

static int test_enabling_adds_files_only_below_the_root(void)
{
	char path[PATH_MAX];
	int ret = KSFT_FAIL;
	struct stat st;

	if (!file_has_word("", "cgroup.controllers", "syscalls") ||
	    !file_has_word("", "cgroup.subtree_control", "syscalls")) {
		diag("root: expected syscalls in cgroup.controllers and cgroup.subtree_control");
		goto cleanup;
	}
	if (!expect_files("", false))
		goto cleanup;
	if (cg_create(CG_FILES) || !expect_files(CG_FILES, true))
		goto cleanup;
	if (stat(cg_path(path, sizeof(path), CG_FILES, "syscalls.deny"), &st) ||
	    (st.st_mode & 07777) != 0644 || st.st_uid != 0) {
		diag("%s: expected mode 0644 and owner root", path);
		goto cleanup;
	}
	if (!cg_denies(CG_FILES, "") ||
	    !cg_read_expect(CG_FILES, "syscalls.allow", everything_text()))
		goto cleanup;
	/* Not enabled in the parent: no files, nothing in cgroup.controllers. */
	if (mkdir(cg_path(path, sizeof(path), CG_FILES_CHILD, NULL), 0755)) {
		diag("mkdir %s: expected success, got %s", path, strerror(errno));
		goto cleanup;
	}
	if (!expect_files(CG_FILES_CHILD, false))
		goto cleanup;
	if (file_has_word(CG_FILES_CHILD, "cgroup.controllers", "syscalls")) {
		diag("%s/cgroup.controllers: expected no syscalls before +syscalls",
		     CG_FILES_CHILD);
		goto cleanup;
	}
	if (!cg_write_expect(CG_FILES, "cgroup.subtree_control", "+syscalls", 0) ||
	    !expect_files(CG_FILES_CHILD, true) || !expect_files("", false))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_FILES);
	return ret;
}

static int test_files_read_and_reject_as_on_v1(void)
{
	static const struct {
		const char *text;
		int err;
	} bad[] = {
		{ "5-3", -EINVAL }, { "mkdir,bogus", -EINVAL },
		{ "MKDIR", -EINVAL }, { "x32:1", -EINVAL }, { "ia32:", -EINVAL },
		{ "99999999999999999999999", -ERANGE },
	};
	char text[5000], range[32];
	int ret = KSFT_FAIL;

	if (cg_create(CG_FILES))
		goto cleanup;
	if (cg_deny(CG_FILES, "0-3,83 ia32:3-6") ||
	    !cg_denies(CG_FILES, "0-3,83 ia32:3-6,ia32:39"))
		goto cleanup;
	/* An x86_64 call without its ia32 namesake: prefixed items. */
	if (cg_allow(CG_FILES, "ia32:39") ||
	    !cg_denies(CG_FILES, "x86_64:0-3,x86_64:83 ia32:3-6"))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(bad); i++)
		if (!cg_write_expect(CG_FILES, "syscalls.deny", bad[i].text,
				     bad[i].err))
			goto cleanup;
	snprintf(range, sizeof(range), "0-%d", table_size_x86_64);
	if (!cg_write_expect(CG_FILES, "syscalls.deny", range, -ERANGE))
		goto cleanup;
	memset(text, ' ', sizeof(text) - 1);
	text[sizeof(text) - 1] = '\0';
	if (!cg_write_expect(CG_FILES, "syscalls.deny", text, -E2BIG))
		goto cleanup;
	/* No bad write changed anything. */
	if (!cg_denies(CG_FILES, "x86_64:0-3,x86_64:83 ia32:3-6"))
		goto cleanup;
	if (cg_allow(CG_FILES, "all") || cg_deny(CG_FILES, "all") ||
	    !cg_denies(CG_FILES, all_text()))
		goto cleanup;
	/* syscalls.allow reads the complement. */
	snprintf(text, sizeof(text), "0-82,84-%d ia32:0-38,ia32:40-%d",
		 table_size_x86_64 - 1, table_size_ia32 - 1);
	if (cg_allow(CG_FILES, "all") || cg_deny(CG_FILES, "mkdir") ||
	    !cg_read_expect(CG_FILES, "syscalls.allow", text))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_FILES);
	return ret;
}

static int test_child_cannot_allow_what_its_parent_denies(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_FILES, "mkdir") || cg_create(CG_FILES_CHILD))
		goto cleanup;
	if (!cg_denies(CG_FILES_CHILD, MKDIR_DENIED))
		goto cleanup;
	if (!cg_write_expect(CG_FILES_CHILD, "syscalls.allow", "mkdir", -EPERM) ||
	    !cg_write_expect(CG_FILES_CHILD, "syscalls.allow", "all", -EPERM) ||
	    !cg_denies(CG_FILES_CHILD, MKDIR_DENIED))
		goto cleanup;
	/* The parent's allow reopens it in the child, which did not deny it. */
	if (cg_allow(CG_FILES, "mkdir") || !cg_denies(CG_FILES_CHILD, ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_FILES);
	return ret;
}

/* ---- clone3(CLONE_INTO_CGROUP) ---- */

#define CG_INTO TEST_PREFIX "into"
#define CG_OPEN TEST_PREFIX "open"

/* Exit statuses of a child cloned into a cgroup, after its first call. */
#define FIRST_CALL_ENOSYS 0
#define FIRST_CALL_RAN 1
#define FIRST_CALL_OTHER 2

/*
 * clone3()s a child into cgroup cg whose first system call is mkdir of
 * MKDIR_PATH; its exit status (FIRST_CALL_*), or -1.
 */
static int clone_into_and_mkdir(const char *cg)
{
	char path[PATH_MAX];
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
	};
	int fd, status;
	long pid;

	fd = open(cg_path(path, sizeof(path), cg, NULL),
		  O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		diag("open %s: expected success, got %s", path, strerror(errno));
		return -1;
	}
	args.cgroup = fd;
	fflush(NULL);
	pid = syscall(__NR_clone3, &args, sizeof(args));
	if (pid == 0) {
		long r = raw_syscall3(SYS_mkdir, (long)MKDIR_PATH, 0755, 0);

		_exit(r == -ENOSYS ? FIRST_CALL_ENOSYS :
		      r == 0 ? FIRST_CALL_RAN : FIRST_CALL_OTHER);
	}
	close(fd);
	if (pid < 0) {
		diag("clone3(CLONE_INTO_CGROUP) into %s: expected a child, got %s",
		     cg, strerror(errno));
		return -1;
	}
	if (waitpid(pid, &status, 0) != pid || !WIFEXITED(status)) {
		diag("the child cloned into %s: expected an exit", cg);
		return -1;
	}
	return WEXITSTATUS(status);
}

static int test_clone_into_filtering_cgroup_is_filtered_from_the_first_call(void)
{
	int ret = KSFT_FAIL, st;

	if (cg_create_denying(CG_INTO, "mkdir"))
		goto cleanup;
	st = clone_into_and_mkdir(CG_INTO);
	if (st != FIRST_CALL_ENOSYS) {
		diag("first call, mkdir, of a child cloned from the root into a cgroup denying it: expected -ENOSYS (exit %d), got exit %d",
		     FIRST_CALL_ENOSYS, st);
		goto cleanup;
	}
	if (expect_exists(MKDIR_PATH, false))
		ret = KSFT_PASS;
cleanup:
	rmdir(MKDIR_PATH);
	cg_destroy(CG_INTO);
	return ret;
}

static int child_clone_into_open_cgroup(void *arg)
{
	bool ok;
	int st;

	ok = expect_result("mkdir by the parent, in a cgroup denying it",
			   syscall3(SYS_mkdir, (long)MKDIR_PATH, 0755, 0),
			   -ENOSYS);
	st = clone_into_and_mkdir(CG_OPEN);
	if (st != FIRST_CALL_RAN) {
		diag("mkdir of a child cloned from a cgroup denying it into one denying nothing: expected success (exit %d), got exit %d",
		     FIRST_CALL_RAN, st);
		ok = false;
	}
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_clone_from_filtering_into_open_cgroup_is_not_filtered(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_INTO, "mkdir") || cg_create(CG_OPEN))
		goto cleanup;
	if (run_in_cgroup(CG_INTO, child_clone_into_open_cgroup, NULL) != KSFT_PASS)
		goto cleanup;
	if (expect_exists(MKDIR_PATH, true))
		ret = KSFT_PASS;
cleanup:
	rmdir(MKDIR_PATH);
	cg_destroy(CG_INTO);
	cg_destroy(CG_OPEN);
	return ret;
}

/* ---- cgroup.procs and cgroup.threads ---- */

#define CG_MIG_A TEST_PREFIX "mig_a"
#define CG_MIG_B TEST_PREFIX "mig_b"

/* Moves a probe's process into cg; all its threads must then be there. */
static bool move_probe(struct probe *p, const char *cg)
{
	int err = cg_enter_process(cg, p->pid);

	if (err) {
		diag("%d to %s/cgroup.procs: expected success, got %s", p->pid,
		     cg_name(cg), result_name(err));
		return false;
	}
	for (int i = 0; i < p->nthreads; i++)
		if (!expect_in_cgroup(p->tid[i], cg))
			return false;
	return true;
}

static int test_cgroup_procs_moves_every_thread_between_policies(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_MIG_A, "mkdir") ||
	    cg_create_denying(CG_MIG_B, "rmdir"))
		goto cleanup;
	if (probe_start(&p, 2))
		goto cleanup;
	if (!probe_mkdir(&p, 1, MKDIR_PATH, 0, "in the root"))
		goto cleanup;
	if (!move_probe(&p, CG_MIG_A) ||
	    !probe_mkdir(&p, 0, MKDIR_PATH, -ENOSYS, "moved into a cgroup denying mkdir") ||
	    !probe_mkdir(&p, 1, MKDIR_PATH, -ENOSYS, "moved into a cgroup denying mkdir") ||
	    !probe_rmdir(&p, 1, -ENOENT, "moved into a cgroup denying mkdir"))
		goto cleanup;
	if (!move_probe(&p, CG_MIG_B) ||
	    !probe_mkdir(&p, 1, MKDIR_PATH, 0, "moved into a cgroup denying rmdir") ||
	    !probe_rmdir(&p, 0, -ENOSYS, "moved into a cgroup denying rmdir"))
		goto cleanup;
	if (!move_probe(&p, "") ||
	    !probe_rmdir(&p, 0, -ENOENT, "moved back to the root"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	rmdir(MKDIR_PATH);
	cg_destroy(CG_MIG_A);
	cg_destroy(CG_MIG_B);
	return ret;
}

/* Moves thread i of a probe through cg's cgroup.threads. */
static bool move_thread(struct probe *p, int i, const char *cg)
{
	int err = cg_enter_thread(cg, p->tid[i]);

	if (err) {
		diag("thread %d to %s/cgroup.threads: expected success, got %s",
		     p->tid[i], cg_name(cg), result_name(err));
		return false;
	}
	return expect_in_cgroup(p->tid[i], cg);
}

#define CG_THREADED TEST_PREFIX "threaded"

static int test_cgroup_threads_moves_one_thread_in_a_threaded_subtree(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (cg_create(CG_THREADED) || cg_make_threaded(CG_THREADED) ||
	    cg_deny(CG_THREADED, "mkdir"))
		goto cleanup;
	if (!cg_read_expect(CG_THREADED, "cgroup.type", "threaded") ||
	    !cg_denies(CG_THREADED, MKDIR_DENIED))
		goto cleanup;
	if (probe_start(&p, 2))
		goto cleanup;
	if (!move_thread(&p, 1, CG_THREADED) || !expect_in_cgroup(p.tid[0], ""))
		goto cleanup;
	if (!probe_mkdir(&p, 1, MKDIR_PATH, -ENOSYS,
			 "thread moved into a threaded cgroup denying mkdir") ||
	    !probe_mkdir(&p, 0, MKDIR_PATH, 0, "its sibling, left in the root"))
		goto cleanup;
	if (!move_thread(&p, 1, "") ||
	    !probe_mkdir(&p, 1, MKDIR_PATH, 0, "thread moved back to the root"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	rmdir(MKDIR_PATH);
	cg_destroy(CG_THREADED);
	return ret;
}

#define CG_DOMAIN TEST_PREFIX "domain"
#define CG_DOMAIN_A CG_DOMAIN "/a"
#define CG_DOMAIN_B CG_DOMAIN "/b"

static int test_sibling_threads_follow_different_rules(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	/* A domain with two threaded children, the process in the domain. */
	if (cg_create(CG_DOMAIN) || cg_create(CG_DOMAIN_A) ||
	    cg_create(CG_DOMAIN_B) || cg_make_threaded(CG_DOMAIN_A) ||
	    cg_make_threaded(CG_DOMAIN_B) || cg_deny(CG_DOMAIN_A, "mkdir") ||
	    cg_deny(CG_DOMAIN_B, "rmdir"))
		goto cleanup;
	if (probe_start(&p, 2) || !move_probe(&p, CG_DOMAIN))
		goto cleanup;
	if (!cg_read_expect(CG_DOMAIN, "cgroup.type", "domain threaded"))
		goto cleanup;
	if (!move_thread(&p, 0, CG_DOMAIN_A) || !move_thread(&p, 1, CG_DOMAIN_B))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MKDIR_PATH, -ENOSYS, "thread in the cgroup denying mkdir") ||
	    !probe_mkdir(&p, 1, MKDIR_PATH, 0, "its sibling, in the cgroup denying rmdir") ||
	    !probe_rmdir(&p, 0, -ENOENT, "thread in the cgroup denying mkdir") ||
	    !probe_rmdir(&p, 1, -ENOSYS, "its sibling, in the cgroup denying rmdir"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	rmdir(MKDIR_PATH);
	cg_destroy(CG_DOMAIN);
	return ret;
}

/* ---- Disabling and enabling again ---- */

#define CG_OFF TEST_PREFIX "off"
#define CG_OFF_CHILD CG_OFF "/child"

/*
 * The parent denies rmdir, its child mkdir as well, and a probe runs in
 * the child; then the parent's cgroup.subtree_control drops the
 * controller.
 */
static bool disable_under_probe(struct probe *p)
{
	if (cg_create_denying(CG_OFF, "rmdir") ||
	    cg_create_denying(CG_OFF_CHILD, "mkdir"))
		return false;
	if (probe_start(p, 1) || !move_probe(p, CG_OFF_CHILD))
		return false;
	if (!probe_mkdir(p, 0, MKDIR_PATH, -ENOSYS, "in the child denying mkdir") ||
	    !probe_rmdir(p, 0, -ENOSYS, "in the child of a parent denying rmdir"))
		return false;
	return cg_write_expect(CG_OFF, "cgroup.subtree_control", "-syscalls", 0);
}

static int test_disabling_drops_the_files_and_the_filtering(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (!disable_under_probe(&p))
		goto cleanup;
	if (!expect_files(CG_OFF_CHILD, false) || !expect_files(CG_OFF, true))
		goto cleanup;
	/* The child's rules are gone; the parent's still reach its tasks. */
	if (!expect_in_cgroup(p.pid, CG_OFF_CHILD) ||
	    !probe_mkdir(&p, 0, MKDIR_PATH, 0, "controller disabled above the child") ||
	    !probe_rmdir(&p, 0, -ENOSYS, "controller disabled, the parent denying rmdir"))
		goto cleanup;
	if (cg_allow(CG_OFF, "rmdir") ||
	    !probe_rmdir(&p, 0, -ENOENT, "controller disabled, the parent allowing rmdir"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	rmdir(MKDIR_PATH);
	cg_destroy(CG_OFF);
	return ret;
}

static int test_enabling_again_starts_from_no_own_rules(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (!disable_under_probe(&p))
		goto cleanup;
	if (!cg_write_expect(CG_OFF, "cgroup.subtree_control", "+syscalls", 0) ||
	    !expect_files(CG_OFF_CHILD, true))
		goto cleanup;
	/* The parent's effective set, and not the mkdir the child denied. */
	if (!cg_denies(CG_OFF_CHILD, RMDIR_DENIED))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MKDIR_PATH, 0, "controller enabled again") ||
	    !probe_rmdir(&p, 0, -ENOSYS, "controller enabled again, the parent denying rmdir"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	rmdir(MKDIR_PATH);
	cg_destroy(CG_OFF);
	return ret;
}

/* ---- One hierarchy at a time ---- */

#define V1_DIR WORK_DIR "/v1"
#define CG_BUSY TEST_PREFIX "busy"

/*
 * A v1 mount with the controller fails with EBUSY (when; "with a cgroup
 * below the root", say). Should it mount, it is undone: unmounted, and the
 * controller enabled at the v2 root again once the v1 hierarchy is gone.
 */
static bool expect_v1_mount_busy(const char *when)
{
	int err = 0;

	if (!mount("syscalls", V1_DIR, "cgroup", 0, "syscalls")) {
		diag("mount -t cgroup -o syscalls, the controller enabled at the v2 root, %s: expected -EBUSY, it mounted",
		     when);
		if (umount2(V1_DIR, 0))
			diag("cleanup: umount %s: %s", V1_DIR, strerror(errno));
		for (int i = 0; i < 100; i++) {
			err = cg_write("", "cgroup.subtree_control", "+syscalls");
			if (err != -ENOENT)
				break;
			usleep(100 * 1000);
		}
		if (err)
			diag("cleanup: +syscalls at the v2 root again: %s",
			     result_name(err));
		return false;
	}
	err = -errno;
	if (err == -EBUSY)
		return true;
	diag("mount -t cgroup -o syscalls, the controller enabled at the v2 root, %s: expected -EBUSY, got %s",
	     when, result_name(err));
	return false;
}

/* Last of the tests: a failure takes the controller off v2 for a moment. */
static int test_v1_mount_is_busy_while_enabled_on_v2(void)
{
	int ret = KSFT_FAIL;

	if (mkdir(V1_DIR, 0755) && errno != EEXIST)
		goto cleanup;
	/*
	 * While a cgroup below the v2 root has the controller, v1 cannot take
	 * it. (With none, the cgroup core lets a v1 mount take it over, as
	 * for every controller.)
	 */
	if (cg_create(CG_BUSY) ||
	    !expect_v1_mount_busy("with a cgroup below the root"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_BUSY);
	rmdir(V1_DIR);
	return ret;
}

/* Enables the controller at the v2 root, waiting for v1 to let it go. */
static int enable_at_v2_root(void)
{
	int err = 0;

	for (int i = 0; i < 100; i++) {
		err = cg_write("", "cgroup.subtree_control", "+syscalls");
		if (err != -ENOENT && err != -EBUSY)
			break;
		usleep(100 * 1000);
	}
	if (err)
		diag("+syscalls at the v2 root: expected success, got %s",
		     result_name(err));
	return err;
}

static int v1_root_write(const char *file, const char *text)
{
	char path[PATH_MAX];
	int fd, err = 0;

	snprintf(path, sizeof(path), "%s/%s", V1_DIR, file);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, text, strlen(text)) != (ssize_t)strlen(text))
		err = -errno;
	if (fd >= 0)
		close(fd);
	return err;
}

/*
 * Rules of the v1 root do not stay in force, unseen, once the controller
 * is back on v2 (whose root has no syscalls.* files): the move clears them.
 */
static int test_rules_of_the_v1_root_go_when_it_returns_to_v2(void)
{
	bool mounted = false, denied = false;
	int ret = KSFT_FAIL, err;

	if (mkdir(V1_DIR, 0755) && errno != EEXIST)
		goto cleanup;
	err = cg_write("", "cgroup.subtree_control", "-syscalls");
	if (err) {
		diag("-syscalls at the v2 root: expected success, got %s",
		     result_name(err));
		goto cleanup;
	}
	/* The css of cgroups removed before may take a moment to go. */
	for (int i = 0; i < 100; i++) {
		err = mount("syscalls", V1_DIR, "cgroup", 0, "syscalls") ? -errno : 0;
		if (err != -EBUSY)
			break;
		usleep(100 * 1000);
	}
	if (err) {
		diag("mount -t cgroup -o syscalls with the controller off v2: expected success, got %s",
		     result_name(err));
		goto cleanup;
	}
	mounted = true;
	err = v1_root_write("syscalls.deny", "mkdir");
	if (err) {
		diag("deny mkdir at the v1 root: expected success, got %s",
		     result_name(err));
		goto cleanup;
	}
	denied = true;
	if (!expect_result("mkdir under the v1 root's deny",
			   syscall3(SYS_mkdir, (long)MKDIR_PATH, 0755, 0), -ENOSYS))
		goto cleanup;
	/* An empty hierarchy goes with its mount: the controller is v2's. */
	if (umount2(V1_DIR, 0)) {
		diag("umount %s: expected success, got %s", V1_DIR, strerror(errno));
		goto cleanup;
	}
	mounted = false;
	if (enable_at_v2_root())
		goto cleanup;
	denied = false;
	if (!expect_result("mkdir in the v2 root after the move",
			   syscall3(SYS_mkdir, (long)MKDIR_PATH, 0755, 0), 0))
		goto cleanup;
	rmdir(MKDIR_PATH);
	ret = KSFT_PASS;
cleanup:
	if (mounted) {
		if (denied)
			v1_root_write("syscalls.allow", "all");
		if (umount2(V1_DIR, 0))
			diag("cleanup: umount %s: %s", V1_DIR, strerror(errno));
		enable_at_v2_root();
	} else if (ret != KSFT_PASS) {
		enable_at_v2_root();
	}
	rmdir(MKDIR_PATH);
	rmdir(V1_DIR);
	return ret;
}

static const struct syscalls_test tests[] = {
	T(test_enabling_adds_files_only_below_the_root),
	T(test_files_read_and_reject_as_on_v1),
	T(test_child_cannot_allow_what_its_parent_denies),
	T(test_clone_into_filtering_cgroup_is_filtered_from_the_first_call),
	T(test_clone_from_filtering_into_open_cgroup_is_not_filtered),
	T(test_cgroup_procs_moves_every_thread_between_policies),
	T(test_cgroup_threads_moves_one_thread_in_a_threaded_subtree),
	T(test_sibling_threads_follow_different_rules),
	T(test_disabling_drops_the_files_and_the_filtering),
	T(test_enabling_again_starts_from_no_own_rules),
	T(test_v1_mount_is_busy_while_enabled_on_v2),
	T(test_rules_of_the_v1_root_go_when_it_returns_to_v2),
};

int main(int argc, char **argv)
{
	int err;

	ksft_print_header();
	/* These tests are about cgroup v2 alone. */
	setenv(CG_V2_ENV, "1", 1);
	err = cg_setup(TEST_PREFIX);
	if (err)
		ksft_exit_skip("no cgroup v2 with the syscalls controller to test (run as root): %s\n",
			       strerror(-err));
	if (mkdir(WORK_DIR, 0755) && errno != EEXIST)
		ksft_exit_fail_msg("mkdir %s: %s\n", WORK_DIR, strerror(errno));
	ksft_set_plan(tests_selected(tests, ARRAY_SIZE(tests), argc, argv));
	run_tests(tests, ARRAY_SIZE(tests), argc, argv);
}
