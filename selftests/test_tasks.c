// SPDX-License-Identifier: GPL-2.0
/*
 * Which tasks a syscalls cgroup's policy reaches (x86_64): the children a
 * filtered task forks, the threads it creates, the programs it execs, the
 * tasks and threads that migrate in and out (at once, between any two
 * cgroups), and a child cloned into a cgroup of another hierarchy; never a
 * task of the root cgroup, nor a kernel thread moved into a cgroup that
 * denies everything.
 *
 * Filtered work runs in forked children, so that the test program itself
 * stays in the root cgroup and can always clean up. Each test leaves the
 * hierarchy as it found it: its cgroups removed and everything allowed at
 * the root.
 */
#include <dirent.h>
#include <linux/sched.h>
#include <pthread.h>
#include <signal.h>
#include <sys/mount.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "enf_"
#define WORK_DIR "/tmp/enforce"
#define CG2_DIR "/tmp/cg2"

#define PF_KTHREAD 0x00200000

/* ---- Fork, clone and exec keep the filter. ---- */

#define CG_INHERIT "enf_inherit"
#define FORK_PATH WORK_DIR "/forked"
#define THREAD_PATH WORK_DIR "/threaded"
#define EXEC_PATH WORK_DIR "/execed"
#define EXEC_PATH2 WORK_DIR "/execed-busybox"
#define EXEC_PATH3 WORK_DIR "/execed-from-thread"

static int child_fork_filtered(void *arg)
{
	const char *cg = arg;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return KSFT_FAIL;
	if (pid == 0) {
		bool ok = expect_in_cgroup(0, cg);

		ok &= expect_result("mkdir in the child of a filtered process",
				    syscall3(SYS_mkdir, (long)FORK_PATH, 0755, 0),
				    -ENOSYS);
		ok &= expect_exists(FORK_PATH, false);
		_exit(ok ? KSFT_PASS : KSFT_FAIL);
	}
	if (waitpid(pid, &status, 0) != pid)
		return KSFT_FAIL;
	return status_result("forked child", status);
}

static int test_fork_child_is_filtered(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_INHERIT, "mkdir"))
		goto cleanup;
	if (run_in_cgroup(CG_INHERIT, child_fork_filtered, CG_INHERIT) != KSFT_PASS)
		goto cleanup;
	if (!expect_exists(FORK_PATH, false))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(FORK_PATH);
	cg_destroy(CG_INHERIT);
	cg_reset_root();
	return ret;
}

struct thread_result {
	long ret;
	char cg[200];
};

static void *thread_mkdir(void *arg)
{
	struct thread_result *res = arg;

	res->ret = syscall3(SYS_mkdir, (long)THREAD_PATH, 0755, 0);
	if (cg_of_task(gettid(), res->cg, sizeof(res->cg)))
		res->cg[0] = '\0';
	return NULL;
}

static int child_thread_filtered(void *arg)
{
	const char *cg = arg;
	struct thread_result res = { 0 };
	char want[256];
	pthread_t t;
	bool ok;

	if (pthread_create(&t, NULL, thread_mkdir, &res) ||
	    pthread_join(t, NULL))
		return KSFT_FAIL;
	ok = expect_result("mkdir in a thread created by a filtered process",
			   res.ret, -ENOSYS);
	snprintf(want, sizeof(want), "/%s", cg);
	if (strcmp(res.cg, want)) {
		diag("new thread: expected in syscalls cgroup %s, it was in '%s'",
		     want, res.cg);
		ok = false;
	}
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_new_thread_is_filtered(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_INHERIT, "mkdir"))
		goto cleanup;
	if (run_in_cgroup(CG_INHERIT, child_thread_filtered, CG_INHERIT) != KSFT_PASS)
		goto cleanup;
	if (!expect_exists(THREAD_PATH, false))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(THREAD_PATH);
	cg_destroy(CG_INHERIT);
	cg_reset_root();
	return ret;
}

/*
 * `test_tasks --exec-probe PATH`: makes directory PATH; exits with 0 on
 * success, else with the errno (ENOSYS is 38).
 */
static int exec_probe(const char *path)
{
	long r = syscall3(SYS_mkdir, (long)path, 0755, 0);

	return r == 0 ? 0 : r < 0 && r > -250 ? (int)-r : 255;
}

static int child_exec_self(void *arg)
{
	execl("/proc/self/exe", "test_tasks", "--exec-probe", (char *)arg,
	      (char *)NULL);
	diag("exec of /proc/self/exe: expected success, got %s",
	     strerror(errno));
	return 254;
}

static void *thread_exec_self(void *arg)
{
	child_exec_self(arg);
	return NULL;
}

/* exec from a thread that is not the leader: it takes the leader's place. */
static int child_exec_from_thread(void *arg)
{
	pthread_t t;

	if (pthread_create(&t, NULL, thread_exec_self, arg))
		return 254;
	pthread_join(t, NULL);
	return 254;
}

static int child_exec_busybox(void *arg)
{
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);

	/* Its complaint about the failed mkdir is expected: keep TAP clean. */
	if (fd >= 0)
		dup2(fd, STDERR_FILENO);
	execl("/bin/busybox", "mkdir", (char *)arg, (char *)NULL);
	diag("exec of /bin/busybox: expected success, got %s",
	     strerror(errno));
	return 254;
}

static int test_exec_stays_filtered(void)
{
	int ret = KSFT_FAIL, st;

	if (cg_create_denying(CG_INHERIT, "mkdir"))
		goto cleanup;
	/* The probe really makes the directory where nothing denies it. */
	st = run_status_in_cgroup(NULL, child_exec_self, EXEC_PATH);
	if (st != 0 || !expect_exists(EXEC_PATH, true)) {
		diag("exec'd probe in the root: expected exit 0, got %d", st);
		goto cleanup;
	}
	rmdir(EXEC_PATH);
	st = run_status_in_cgroup(CG_INHERIT, child_exec_self, EXEC_PATH);
	if (st != ENOSYS) {
		diag("mkdir after exec of itself: expected exit %d (ENOSYS), got %d",
		     ENOSYS, st);
		goto cleanup;
	}
	if (!expect_exists(EXEC_PATH, false))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(EXEC_PATH);
	cg_destroy(CG_INHERIT);
	cg_reset_root();
	return ret;
}

static int test_exec_from_a_second_thread_stays_filtered(void)
{
	int ret = KSFT_FAIL, st;

	if (cg_create_denying(CG_INHERIT, "mkdir"))
		goto cleanup;
	st = run_status_in_cgroup(CG_INHERIT, child_exec_from_thread, EXEC_PATH3);
	if (st != ENOSYS) {
		diag("mkdir after exec of itself from a second thread: expected exit %d (ENOSYS), got %d",
		     ENOSYS, st);
		goto cleanup;
	}
	if (!expect_exists(EXEC_PATH3, false))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(EXEC_PATH3);
	cg_destroy(CG_INHERIT);
	cg_reset_root();
	return ret;
}

static int test_exec_of_another_binary_stays_filtered(void)
{
	int ret = KSFT_FAIL, st;

	if (!path_exists("/bin/busybox")) {
		diag("no /bin/busybox to exec");
		return KSFT_SKIP;
	}
	if (cg_create_denying(CG_INHERIT, "mkdir"))
		goto cleanup;
	/* busybox's mkdir. */
	st = run_status_in_cgroup(CG_INHERIT, child_exec_busybox, EXEC_PATH2);
	if (st == 0 || !expect_exists(EXEC_PATH2, false)) {
		diag("busybox mkdir exec'd in a cgroup denying mkdir: expected failure, got exit %d",
		     st);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	rmdir(EXEC_PATH2);
	cg_destroy(CG_INHERIT);
	cg_reset_root();
	return ret;
}

/* ---- Migration between cgroups takes effect at once. ---- */

#define CG_MIG_A "enf_mig_a"
#define CG_MIG_B "enf_mig_b"
#define MIG_PATH1 WORK_DIR "/mig1"
#define MIG_PATH2 WORK_DIR "/mig2"

static void mig_cleanup(void)
{
	rmdir(MIG_PATH1);
	rmdir(MIG_PATH2);
	cg_destroy(CG_MIG_A);
	cg_destroy(CG_MIG_B);
	cg_reset_root();
}

/* Moves one thread, or says why it could not. */
static int move_thread(const char *cg, pid_t tid)
{
	int err = cg_enter_thread(cg, tid);

	if (err)
		diag("moving thread %d into %s: expected success, got %s", tid,
		     cg_name(cg), result_name(err));
	return err;
}

static int test_migration_into_filtering_cgroup(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_MIG_A, "mkdir"))
		goto cleanup;
	if (probe_start(&p, 1))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH1, 0, "in the root"))
		goto cleanup;
	if (cg_enter_process(CG_MIG_A, p.pid) || !expect_in_cgroup(p.pid, CG_MIG_A))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH2, -ENOSYS,
			 "moved into a cgroup denying mkdir"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	mig_cleanup();
	return ret;
}

static int test_migration_out_to_root(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_MIG_A, "mkdir"))
		goto cleanup;
	if (probe_start(&p, 1))
		goto cleanup;
	if (cg_enter_process(CG_MIG_A, p.pid))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH1, -ENOSYS, "in a cgroup denying mkdir"))
		goto cleanup;
	if (cg_enter_process("", p.pid) || !expect_in_cgroup(p.pid, ""))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH2, 0, "moved out to the root"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	mig_cleanup();
	return ret;
}

static int test_migration_between_filtering_cgroups(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_MIG_A, "mkdir") ||
	    cg_create_denying(CG_MIG_B, "rmdir"))
		goto cleanup;
	if (probe_start(&p, 1))
		goto cleanup;
	if (cg_enter_process(CG_MIG_A, p.pid))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH1, -ENOSYS, "in the cgroup denying mkdir"))
		goto cleanup;
	if (mkdir(MIG_PATH2, 0755) ||
	    !expect_result("rmdir in the cgroup denying mkdir",
			   probe_call(&p, 0, SYS_rmdir, MIG_PATH2, 0), 0))
		goto cleanup;
	if (cg_enter_process(CG_MIG_B, p.pid))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH1, 0, "moved to the cgroup denying rmdir"))
		goto cleanup;
	if (mkdir(MIG_PATH2, 0755) ||
	    !expect_result("rmdir in the cgroup denying rmdir",
			   probe_call(&p, 0, SYS_rmdir, MIG_PATH2, 0), -ENOSYS) ||
	    !expect_exists(MIG_PATH2, true))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	mig_cleanup();
	return ret;
}

static int test_thread_migration(void)
{
	struct probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	/* On v2 a thread moves alone in a threaded subtree (of the root). */
	if (cg_create_denying(CG_MIG_A, "mkdir") || cg_make_threaded(CG_MIG_A))
		goto cleanup;
	if (probe_start(&p, 2))
		goto cleanup;
	if (move_thread(CG_MIG_A, p.tid[1]))
		goto cleanup;
	if (!expect_in_cgroup(p.tid[1], CG_MIG_A) ||
	    !expect_in_cgroup(p.tid[0], ""))
		goto cleanup;
	if (!probe_mkdir(&p, 1, MIG_PATH1, -ENOSYS,
			 "thread moved into a cgroup denying mkdir"))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH2, 0,
			 "its sibling thread, left in the root"))
		goto cleanup;
	if (move_thread("", p.tid[1]))
		goto cleanup;
	if (!probe_mkdir(&p, 1, MIG_PATH1, 0, "thread moved back to the root"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	probe_stop(&p);
	mig_cleanup();
	return ret;
}

/* ---- CLONE_INTO_CGROUP. ---- */

#define CG_INTO "enf_into"
#define CG2_INTO CG2_DIR "/enf_into"
#define INTO_PATH WORK_DIR "/into"

static long clone3_into(int cgroup_fd)
{
	struct clone_args args = {
		.flags = CLONE_INTO_CGROUP,
		.exit_signal = SIGCHLD,
		.cgroup = cgroup_fd,
	};

	return syscall(__NR_clone3, &args, sizeof(args));
}

/* Whether the caller is in v2 cgroup `want` ("/enf_into"). */
static bool in_v2_cgroup(const char *want)
{
	char line[512];
	FILE *f = fopen("/proc/self/cgroup", "re");
	bool found = false;

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		found = !strcmp(line + 3, want);
		if (!found)
			diag("expected in v2 cgroup %s, in %s", want, line + 3);
	}
	fclose(f);
	return found;
}

static int child_clone_into_v2(void *arg)
{
	int fd, status;
	pid_t pid;

	fd = open(CG2_INTO, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		diag("open %s: expected success, got %s", CG2_INTO,
		     strerror(errno));
		return KSFT_FAIL;
	}
	pid = clone3_into(fd);
	if (pid == 0) {
		bool ok = in_v2_cgroup("/enf_into");

		ok &= expect_in_cgroup(0, CG_INTO);
		ok &= expect_result("mkdir in a child cloned into a v2 cgroup",
				    syscall3(SYS_mkdir, (long)INTO_PATH, 0755, 0),
				    -ENOSYS);
		_exit(ok ? KSFT_PASS : KSFT_FAIL);
	}
	if (pid < 0) {
		diag("clone3(CLONE_INTO_CGROUP) into a v2 cgroup: expected a child, got %s",
		     result_name(-errno));
		return KSFT_FAIL;
	}
	close(fd);
	if (waitpid(pid, &status, 0) != pid)
		return KSFT_FAIL;
	return status_result("child cloned into a v2 cgroup", status);
}

static bool cg2_mounted;

static int cg2_mount(void)
{
	mkdir(CG2_DIR, 0755);
	if (mount("cgroup2", CG2_DIR, "cgroup2", 0, NULL)) {
		diag("mount cgroup2 on %s: %s", CG2_DIR, strerror(errno));
		return -1;
	}
	cg2_mounted = true;
	if (mkdir(CG2_INTO, 0755)) {
		diag("mkdir %s: %s", CG2_INTO, strerror(errno));
		return -1;
	}
	return 0;
}

static void cg2_cleanup(void)
{
	rmdir(CG2_INTO);
	if (cg2_mounted && umount2(CG2_DIR, 0))
		diag("cleanup: umount %s: %s", CG2_DIR, strerror(errno));
	cg2_mounted = false;
	rmdir(CG2_DIR);
}

static int test_clone_into_v2_cgroup_stays_filtered(void)
{
	int ret = KSFT_FAIL;

	if (skip_on_v2("v2 is the filtering hierarchy: test_cgroup2 clones into it"))
		return KSFT_SKIP;
	if (cg_create_denying(CG_INTO, "mkdir"))
		goto cleanup;
	if (cg2_mount()) {
		ret = KSFT_SKIP;
		goto cleanup;
	}
	if (run_in_cgroup(CG_INTO, child_clone_into_v2, NULL) != KSFT_PASS)
		goto cleanup;
	if (!expect_exists(INTO_PATH, false))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(INTO_PATH);
	cg2_cleanup();
	cg_destroy(CG_INTO);
	cg_reset_root();
	return ret;
}

/*
 * clone3(CLONE_INTO_CGROUP) with the fd of a v1 directory: must fail. If a
 * child comes out anyway, it reports with its exit status whether its mkdir
 * ran (99) or not (98).
 */
static int child_clone_into_v1(void *arg)
{
	const char *dir = arg;
	int fd, status = 0, err;
	pid_t pid;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		diag("open %s: expected success, got %s", dir, strerror(errno));
		return KSFT_FAIL;
	}
	pid = clone3_into(fd);
	err = errno;
	if (pid == 0)
		_exit(syscall3(SYS_mkdir, (long)INTO_PATH, 0755, 0) == 0 ? 99 : 98);
	close(fd);
	if (pid > 0) {
		waitpid(pid, &status, 0);
		diag("clone3(CLONE_INTO_CGROUP, fd of v1 %s): expected an error, got a child that %s",
		     dir, WIFEXITED(status) && WEXITSTATUS(status) == 99 ?
		     "ran unfiltered: its mkdir succeeded" : "was filtered");
		return KSFT_FAIL;
	}
	if (err == 0) {
		diag("clone3(CLONE_INTO_CGROUP, fd of v1 %s): expected an errno, got none",
		     dir);
		return KSFT_FAIL;
	}
	diag("clone3(CLONE_INTO_CGROUP, fd of v1 %s) fails with %s", dir,
	     strerrorname_np(err));
	return KSFT_PASS;
}

static int test_clone_into_v1_cgroup_fails(void)
{
	char root_dir[PATH_MAX], into_dir[PATH_MAX];
	int ret = KSFT_FAIL;

	if (skip_on_v2("no v1 directory to aim at: the controller is on v2"))
		return KSFT_SKIP;
	cg_path(root_dir, sizeof(root_dir), "", NULL);
	cg_path(into_dir, sizeof(into_dir), CG_INTO, NULL);
	if (cg_create_denying(CG_INTO, "mkdir"))
		goto cleanup;
	/* A filtered task tries to escape into the root's v1 directory. */
	if (run_in_cgroup(CG_INTO, child_clone_into_v1, root_dir) != KSFT_PASS)
		goto cleanup;
	/* A task of the root aims at the filtering cgroup's v1 directory. */
	if (run_in_cgroup(NULL, child_clone_into_v1, into_dir) != KSFT_PASS)
		goto cleanup;
	if (!expect_exists(INTO_PATH, false))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(INTO_PATH);
	cg_destroy(CG_INTO);
	cg_reset_root();
	return ret;
}

/* ---- The root and kernel threads are never filtered. ---- */

#define CG_ALL "enf_all"
#define ROOT_PATH1 WORK_DIR "/root1"
#define ROOT_PATH2 WORK_DIR "/root2"

/*
 * In a cgroup denying everything, only exit works: the results travel in
 * the exit status, bit 0 for getpid, bit 1 for mkdir, each set if the call
 * did not fail with ENOSYS.
 */
static int child_deny_all(void *arg)
{
	int bad = 0;

	if (raw_syscall3(SYS_getpid, 0, 0, 0) != -ENOSYS)
		bad |= 1;
	if (raw_syscall3(SYS_mkdir, (unsigned long)ROOT_PATH1, 0755, 0) != -ENOSYS)
		bad |= 2;
	return bad ? 16 + bad : KSFT_PASS;
}

static int test_root_unfiltered_while_child_denies_all(void)
{
	static const struct calls in_root = { 1, {
		{ "mkdir by a child in the root", CALL_SYSCALL, SYS_mkdir,
		  ROOT_PATH2, 0 },
	} };
	struct child c = { .pid = -1, .sync = NULL };
	int ret = KSFT_FAIL, status;

	if (cg_create_denying(CG_ALL, "all"))
		goto cleanup;
	if (!root_denies_nothing())
		goto cleanup;
	/* A task sits in the cgroup that denies all while the root works. */
	if (child_start(&c, child_deny_all, NULL) ||
	    cg_enter_process(CG_ALL, c.pid))
		goto cleanup;
	if (run_calls(NULL, &in_root) != KSFT_PASS)
		goto cleanup;
	if (!expect_result("mkdir by the test itself in the root",
			   syscall3(SYS_mkdir, (long)ROOT_PATH2, 0755, 0), 0))
		goto cleanup;
	rmdir(ROOT_PATH2);
	status = child_go(&c) ? -1 : child_wait_status(&c);
	if (status != KSFT_PASS) {
		diag("task in the cgroup denying all: expected getpid and mkdir ENOSYS and exit 0, got exit %d",
		     status);
		goto cleanup;
	}
	if (!expect_exists(ROOT_PATH1, false))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	child_kill(&c);
	rmdir(ROOT_PATH1);
	rmdir(ROOT_PATH2);
	cg_destroy(CG_ALL);
	cg_reset_root();
	return ret;
}

static bool is_kthread(const char *pid)
{
	char path[64], buf[1024], *p;
	unsigned int flags;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return false;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return false;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %u", &flags) != 1)
		return false;
	return flags & PF_KTHREAD;
}

/* Work that needs kernel threads: writeback, tmpfs, fork and exec. */
static bool system_works(void)
{
	char dir[] = WORK_DIR "/kt", path[128], data[4096];
	int i, fd, status = -1;
	bool ok = true;
	pid_t pid;

	sync();
	if (mkdir(dir, 0755) || mount("tmpfs", dir, "tmpfs", 0, NULL)) {
		diag("tmpfs on %s: expected success, got %s", dir,
		     strerror(errno));
		rmdir(dir);
		return false;
	}
	memset(data, 'k', sizeof(data));
	for (i = 0; i < 64 && ok; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data) ||
		    fsync(fd)) {
			diag("writing %s: expected success, got %s", path,
			     strerror(errno));
			ok = false;
		}
		if (fd >= 0)
			close(fd);
		if (unlink(path) && ok) {
			diag("unlink %s: expected success, got %s", path,
			     strerror(errno));
			ok = false;
		}
	}
	if (umount2(dir, 0)) {
		diag("umount %s: expected success, got %s", dir,
		     strerror(errno));
		ok = false;
	}
	rmdir(dir);
	sync();
	fflush(NULL);
	pid = fork();
	if (pid == 0) {
		execl("/bin/busybox", "true", (char *)NULL);
		_exit(127);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid || status != 0) {
		diag("fork and exec of busybox true: expected exit 0, got status %#x",
		     status);
		ok = false;
	}
	return ok;
}

static int test_kernel_threads_never_filtered(void)
{
	int ret = KSFT_FAIL, moved = 0, refused = 0, left;
	struct dirent *de;
	DIR *proc;

	/* On v2 a kernel thread moves alone into a threaded cgroup only. */
	if (cg_create_denying(CG_ALL, "all") || cg_make_threaded(CG_ALL))
		goto cleanup;
	proc = opendir("/proc");
	if (!proc)
		goto cleanup;
	while ((de = readdir(proc))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
		    !is_kthread(de->d_name))
			continue;
		if (cg_enter_thread(CG_ALL, atoi(de->d_name)))
			refused++;
		else
			moved++;
	}
	closedir(proc);
	diag("moved %d kernel threads into a cgroup denying all; %d refused",
	     moved, refused);
	if (!moved) {
		ret = KSFT_SKIP;
		goto cleanup;
	}
	if (!system_works())
		goto cleanup;
	if (!expect_result("mkdir by the test itself in the root",
			   syscall3(SYS_mkdir, (long)ROOT_PATH1, 0755, 0), 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	left = cg_empty(CG_ALL);
	if (left) {
		diag("expected every kernel thread back in the root, %d left",
		     left);
		ret = KSFT_FAIL;
	}
	rmdir(ROOT_PATH1);
	cg_destroy(CG_ALL);
	cg_reset_root();
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_fork_child_is_filtered),
	T(test_new_thread_is_filtered),
	T(test_exec_stays_filtered),
	T(test_exec_from_a_second_thread_stays_filtered),
	T(test_exec_of_another_binary_stays_filtered),
	T(test_migration_into_filtering_cgroup),
	T(test_migration_out_to_root),
	T(test_migration_between_filtering_cgroups),
	T(test_thread_migration),
	T(test_clone_into_v2_cgroup_stays_filtered),
	T(test_clone_into_v1_cgroup_fails),
	T(test_root_unfiltered_while_child_denies_all),
	T(test_kernel_threads_never_filtered),
};

/*
 * Runs every test, or with arguments those whose name contains one of them;
 * `--exec-probe PATH` is the side of the exec tests that is exec'd.
 */
int main(int argc, char **argv)
{
	int err;

	if (argc == 3 && !strcmp(argv[1], "--exec-probe"))
		return exec_probe(argv[2]);

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
