// SPDX-License-Identifier: GPL-2.0
/*
 * Learning mode of the syscalls cgroup: syscalls.learn and syscalls.used.
 *
 * While a cgroup's syscalls.learn is 1, every call that a task of that
 * cgroup itself makes (not a task of a descendant, not one elsewhere) is
 * recorded, allowed or denied; syscalls.used lists the record in the read
 * format of syscalls.deny, less the calls no rule names (exit, exit_group,
 * the signal returns, restart_syscall). Writing 1 when learning is off
 * starts a new record, writing 0 stops and keeps it. So
 *
 *	echo all > syscalls.deny; cat syscalls.used > syscalls.allow
 *
 * turns what a workload did into its allowlist: the last test records a
 * real workload (busybox commands, a C function and a 32-bit program),
 * applies the list, and shows that the workload still runs and that a call
 * it never made is denied.
 *
 * Work runs in forked children; the test itself stays in the root cgroup.
 * Each test leaves the hierarchy as it found it.
 */
#include <libgen.h>
#include <signal.h>
#include <sys/utsname.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "learn_"
#define WORK_DIR "/tmp/learn"
/* A path that does not exist, for chroot(): ENOENT unless denied. */
#define MISSING "/nonexistent-learn"
#define BUSYBOX "/bin/busybox"
#define WORKLOAD32 "learn_workload32"
#define IA32_RMDIR 40
#define IA32_CHROOT 61

/* The directory of this program, where learn_workload32 is. */
static char prog_dir[PATH_MAX] = ".";

/* What a fresh record lists. */
static bool used_is(const char *cg, const char *want)
{
	return cg_read_expect(cg, "syscalls.used", want);
}

/* Whether call nr of the x86_64 (abi 0) or ia32 (abi 1) table is in set. */
static bool in_set(const struct syscall_set *set, int abi, int nr)
{
	return abi ? set->ia32[nr] : set->x86_64[nr];
}

/* The call is in (want) or out of a cgroup's syscalls.used, as a set. */
static bool expect_used(const struct syscall_set *used, int abi, int nr,
			const char *name, bool want, const char *why)
{
	if (in_set(used, abi, nr) == want)
		return true;
	diag("syscalls.used: expected %s%s (%d) %s it (%s), it is %s",
	     abi ? "ia32:" : "", name, nr, want ? "in" : "not in", why,
	     want ? "missing" : "there");
	return false;
}

/* None of the calls that no rule names is listed. */
static bool expect_no_unruled_calls(const struct syscall_set *used)
{
	bool ok = true;
	int i;

	for (i = 0; i < ALWAYS_ALLOWED_X86_64; i++)
		ok &= expect_used(used, 0, always_allowed_x86_64[i],
				  "an always-allowed call", false,
				  "exit, exit_group and the signal returns are never listed");
	for (i = 0; i < ALWAYS_ALLOWED_IA32; i++)
		ok &= expect_used(used, 1, always_allowed_ia32[i],
				  "an always-allowed call", false,
				  "exit, exit_group and the signal returns are never listed");
	ok &= expect_used(used, 0, SYS_restart_syscall, "restart_syscall",
			  false, "never listed");
	ok &= expect_used(used, 1, IA32_RESTART_SYSCALL, "restart_syscall",
			  false, "never listed");
	return ok;
}

/* Reads a cgroup's syscalls.used as a set, and says what it lists. */
static int read_used(const char *cg, struct syscall_set *used)
{
	char buf[4096];

	if (cg_read(cg, "syscalls.used", buf, sizeof(buf)) >= 0)
		diag("%s/syscalls.used: '%s'", cg_name(cg), escaped(buf));
	return cg_read_set(cg, "syscalls.used", used);
}

/* ---- syscalls.learn: 0 and 1, nothing else; used empty before. ---- */

#define CG_SWITCH "learn_switch"

static int child_mkdir_rmdir(void *arg)
{
	const char *path = arg;
	bool ok;

	ok = expect_result("mkdir in the learning cgroup",
			   syscall3(SYS_mkdir, (long)path, 0755, 0), 0);
	ok &= expect_result("rmdir in the learning cgroup",
			    syscall3(SYS_rmdir, (long)path, 0, 0), 0);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

/* Every bad value is rejected, and learning and the record stay. */
static bool bad_values_change_nothing(const char *cg, const char *learn,
				      const char *used)
{
	static const char *const bad[] = {
		"2", "yes", "on", "-1", "\n", " ", "1 1", "0 1", "10",
	};
	bool ok = true;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ok &= cg_write_expect(cg, "syscalls.learn", bad[i], -EINVAL);
		ok &= cg_read_expect(cg, "syscalls.learn", learn);
		ok &= used_is(cg, used);
	}
	return ok;
}

static int test_learn_switch_reads_and_writes(void)
{
	const char *path = WORK_DIR "/switch";
	char mkdir_nr[16];
	int ret = KSFT_FAIL;

	snprintf(mkdir_nr, sizeof(mkdir_nr), "%d", SYS_mkdir);
	rmdir(path);
	if (cg_create(CG_SWITCH))
		goto cleanup;
	/* A new cgroup does not learn and has recorded nothing. */
	if (!cg_read_expect(CG_SWITCH, "syscalls.learn", "0") ||
	    !used_is(CG_SWITCH, ""))
		goto cleanup;
	/* Not learning: a child's calls are not recorded. */
	if (run_in_cgroup(CG_SWITCH, child_mkdir_rmdir, (void *)path) != KSFT_PASS)
		goto cleanup;
	if (!used_is(CG_SWITCH, ""))
		goto cleanup;
	if (!bad_values_change_nothing(CG_SWITCH, "0", ""))
		goto cleanup;
	/* Off to off: nothing happens. */
	if (!cg_write_expect(CG_SWITCH, "syscalls.learn", "0", 0) ||
	    !cg_read_expect(CG_SWITCH, "syscalls.learn", "0"))
		goto cleanup;

	if (!cg_write_expect(CG_SWITCH, "syscalls.learn", "1", 0) ||
	    !cg_read_expect(CG_SWITCH, "syscalls.learn", "1"))
		goto cleanup;
	/* Learning, with nobody in the cgroup: nothing recorded yet. */
	if (!used_is(CG_SWITCH, ""))
		goto cleanup;
	if (run_in_cgroup(CG_SWITCH, child_mkdir_rmdir, (void *)path) != KSFT_PASS)
		goto cleanup;
	{
		struct syscall_set used;
		char text[4096];

		if (read_used(CG_SWITCH, &used))
			goto cleanup;
		if (!expect_used(&used, 0, SYS_mkdir, "mkdir", true,
				 "a child in the cgroup made it while it learned") ||
		    !expect_used(&used, 0, SYS_rmdir, "rmdir", true,
				 "a child in the cgroup made it while it learned"))
			goto cleanup;
		/* A bad value while learning: still learning, record kept. */
		if (cg_read(CG_SWITCH, "syscalls.used", text, sizeof(text)) < 0)
			goto cleanup;
		if (!bad_values_change_nothing(CG_SWITCH, "1", text))
			goto cleanup;
		/* 1 while learning: learning goes on, the record stays. */
		if (!cg_write_expect(CG_SWITCH, "syscalls.learn", "1", 0) ||
		    !cg_read_expect(CG_SWITCH, "syscalls.learn", "1") ||
		    !used_is(CG_SWITCH, text))
			goto cleanup;
		/* 0 (with a newline, as echo writes it): off, record kept. */
		if (!cg_write_expect(CG_SWITCH, "syscalls.learn", "0\n", 0) ||
		    !cg_read_expect(CG_SWITCH, "syscalls.learn", "0") ||
		    !used_is(CG_SWITCH, text))
			goto cleanup;
		if (!bad_values_change_nothing(CG_SWITCH, "0", text))
			goto cleanup;
	}
	/* 1 when off starts a new record: nothing in it yet. */
	if (!cg_write_expect(CG_SWITCH, "syscalls.learn", "1\n", 0) ||
	    !cg_read_expect(CG_SWITCH, "syscalls.learn", "1") ||
	    !used_is(CG_SWITCH, ""))
		goto cleanup;
	if (!cg_write_expect(CG_SWITCH, "syscalls.learn", "0", 0))
		goto cleanup;
	/* Learning is no rule: the cgroup still denies nothing. */
	if (!cg_denies(CG_SWITCH, ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(path);
	cg_destroy(CG_SWITCH);
	cg_reset_root();
	return ret;
}

/* ---- used lists the calls of the cgroup's own tasks, only. ---- */

#define CG_BOX "learn_box"
#define CG_BOX_SUB "learn_box/sub"
#define CG_OTHER "learn_other"

static void on_usr1(int sig)
{
}

/*
 * In the learning cgroup: mkdir, getppid, and a signal handled (so a
 * rt_sigreturn), then exit_group. The calls of the other children below
 * are none of these but the exit.
 */
static int child_in_box(void *arg)
{
	const char *path = arg;
	struct sigaction sa = { .sa_handler = on_usr1 };
	bool ok;

	ok = expect_result("mkdir in the learning cgroup",
			   syscall3(SYS_mkdir, (long)path, 0755, 0), 0);
	ok &= expect_result("getppid in the learning cgroup",
			    syscall3(SYS_getppid, 0, 0, 0), ANY_SUCCESS);
	ok &= expect_result("sigaction", sigaction(SIGUSR1, &sa, NULL), 0);
	ok &= expect_result("raise", raise(SIGUSR1), 0);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int child_call(void *arg)
{
	long nr = (long)arg;

	return expect_result("the call by number",
			     syscall3(nr, 0, 0, 0), ANY_SUCCESS) ?
		       KSFT_PASS : KSFT_FAIL;
}

static int child_rmdir(void *arg)
{
	return expect_result("rmdir after learning stopped",
			     syscall3(SYS_rmdir, (long)arg, 0, 0), 0) ?
		       KSFT_PASS : KSFT_FAIL;
}

static int test_used_lists_the_cgroup_own_calls(void)
{
	const char *path = WORK_DIR "/box";
	struct syscall_set used, again;
	int ret = KSFT_FAIL;

	rmdir(path);
	if (cg_create(CG_BOX) || cg_create(CG_OTHER))
		goto cleanup;
	if (cg_write(CG_BOX, "syscalls.learn", "1")) {
		diag("write 1 to %s/syscalls.learn: expected success", CG_BOX);
		goto cleanup;
	}
	if (run_in_cgroup(CG_BOX, child_in_box, (void *)path) != KSFT_PASS)
		goto cleanup;
	/* Elsewhere: a sibling cgroup, and the root (with this test). */
	if (run_in_cgroup(CG_OTHER, child_call, (void *)(long)SYS_getpgrp) != KSFT_PASS)
		goto cleanup;
	if (run_in_cgroup(NULL, child_call, (void *)(long)SYS_getsid) != KSFT_PASS)
		goto cleanup;
	if (!expect_result("getuid by the test, in the root",
			   syscall3(SYS_getuid, 0, 0, 0), ANY_SUCCESS))
		goto cleanup;
	if (read_used(CG_BOX, &used))
		goto cleanup;
	if (!expect_used(&used, 0, SYS_mkdir, "mkdir", true,
			 "the child in the cgroup made it") ||
	    !expect_used(&used, 0, SYS_getppid, "getppid", true,
			 "the child in the cgroup made it") ||
	    !expect_used(&used, 0, SYS_rt_sigaction, "rt_sigaction", true,
			 "the child in the cgroup made it") ||
	    !expect_used(&used, 0, SYS_getpgrp, "getpgrp", false,
			 "only a task of a sibling cgroup made it") ||
	    !expect_used(&used, 0, SYS_getsid, "getsid", false,
			 "only a task of the root cgroup made it") ||
	    !expect_used(&used, 0, SYS_getuid, "getuid", false,
			 "only the test, in the root cgroup, made it") ||
	    !expect_used(&used, 1, IA32_MKDIR, "mkdir", false,
			 "only x86_64 calls were made"))
		goto cleanup;
	/* The child exited and returned from its handler: not listed. */
	if (!expect_no_unruled_calls(&used))
		goto cleanup;

	/* Stopped: the record stays, and a call made now is not added. */
	if (!cg_write_expect(CG_BOX, "syscalls.learn", "0", 0))
		goto cleanup;
	if (run_in_cgroup(CG_BOX, child_rmdir, (void *)path) != KSFT_PASS)
		goto cleanup;
	if (cg_read_set(CG_BOX, "syscalls.used", &again) ||
	    !expect_used(&again, 0, SYS_rmdir, "rmdir", false,
			 "made after learning stopped") ||
	    !expect_same_set(&again, &used, "syscalls.used after learning stopped"))
		goto cleanup;

	/* Restarted: the old record is gone; a new call is recorded. */
	if (!cg_write_expect(CG_BOX, "syscalls.learn", "1", 0) ||
	    !used_is(CG_BOX, ""))
		goto cleanup;
	if (run_in_cgroup(CG_BOX, child_call, (void *)(long)SYS_getpgrp) != KSFT_PASS)
		goto cleanup;
	if (cg_read_set(CG_BOX, "syscalls.used", &again) ||
	    !expect_used(&again, 0, SYS_getpgrp, "getpgrp", true,
			 "made in the cgroup after learning restarted") ||
	    !expect_used(&again, 0, SYS_mkdir, "mkdir", false,
			 "made before learning restarted"))
		goto cleanup;
	/*
	 * A descendant's tasks are not the cgroup's own (last: on v2, a
	 * cgroup with the controller enabled for children takes no task).
	 */
	if (cg_create(CG_BOX_SUB))
		goto cleanup;
	if (run_in_cgroup(CG_BOX_SUB, child_call, (void *)(long)SYS_getsid) != KSFT_PASS)
		goto cleanup;
	if (cg_read_set(CG_BOX, "syscalls.used", &used) ||
	    !expect_used(&used, 0, SYS_getsid, "getsid", false,
			 "only a task of a child cgroup made it") ||
	    !expect_same_set(&used, &again,
			     "syscalls.used after a child cgroup's calls"))
		goto cleanup;
	/* The child cgroup does not learn: nothing recorded there. */
	if (!used_is(CG_BOX_SUB, ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(path);
	cg_destroy(CG_BOX);
	cg_destroy(CG_OTHER);
	cg_reset_root();
	return ret;
}

/* ---- A 32-bit program's calls are listed as ia32 calls. ---- */

#define CG_IA32 "learn_ia32"

struct exec_args {
	const char *path;
	char *const *argv;
};

/* In the child, once in its cgroup: exec; 127 if that fails. */
static int child_exec(void *arg)
{
	const struct exec_args *e = arg;

	execv(e->path, e->argv);
	return 127;
}

/* Runs a program in a child moved into cg first; its exit status or -1. */
static int run_program(const char *cg, const char *path, char *const argv[])
{
	struct exec_args e = { path, argv };

	return run_status_in_cgroup(cg, child_exec, &e);
}

static char workload32_path[PATH_MAX + 32];

static bool have_workload32(void)
{
	if (access(workload32_path, X_OK) == 0)
		return true;
	diag("%s: expected the 32-bit workload beside this program, got %s",
	     workload32_path, strerror(errno));
	return false;
}

/* Runs the 32-bit workload (with "chroot" or not); its status is want. */
static bool run_workload32(const char *cg, bool chroot, int want,
			   const char *when)
{
	char *argv[] = { WORKLOAD32, chroot ? "chroot" : NULL, NULL };
	int status = run_program(cg, workload32_path, argv);

	if (status == want)
		return true;
	diag("%s: %s%s: expected exit status %d, got %d%s", when, WORKLOAD32,
	     chroot ? " chroot" : "", want, status,
	     status == 127 ? " (exec failed)" :
	     status >= 100 ? " (a step of the workload failed)" : "");
	return false;
}

static int test_used_lists_ia32_calls_with_prefix(void)
{
	struct syscall_set used;
	char text[4096];
	int ret = KSFT_FAIL;

	if (!have_workload32())
		return KSFT_FAIL;
	if (cg_create(CG_IA32) ||
	    !cg_write_expect(CG_IA32, "syscalls.learn", "1", 0))
		goto cleanup;
	if (!run_workload32(CG_IA32, false, 0, "learning"))
		goto cleanup;
	if (!cg_write_expect(CG_IA32, "syscalls.learn", "0", 0))
		goto cleanup;
	if (cg_read(CG_IA32, "syscalls.used", text, sizeof(text)) < 0 ||
	    read_used(CG_IA32, &used))
		goto cleanup;
	if (!strstr(text, "ia32:")) {
		diag("syscalls.used: expected items with the ia32: prefix, read '%s'",
		     escaped(text));
		goto cleanup;
	}
	/* The 64-bit child's exec, then the 32-bit program's calls. */
	if (!expect_used(&used, 0, SYS_execve, "execve", true,
			 "the 64-bit child made it to start the program") ||
	    !expect_used(&used, 1, IA32_MKDIR, "mkdir", true,
			 "the 32-bit program made it") ||
	    !expect_used(&used, 1, IA32_RMDIR, "rmdir", true,
			 "the 32-bit program made it") ||
	    !expect_used(&used, 1, IA32_GETPID, "getpid", true,
			 "the 32-bit program made it through int $0x80") ||
	    !expect_used(&used, 0, SYS_mkdir, "mkdir", false,
			 "no 64-bit task made it") ||
	    !expect_used(&used, 0, SYS_rmdir, "rmdir", false,
			 "no 64-bit task made it") ||
	    !expect_used(&used, 1, IA32_CHROOT, "chroot", false,
			 "the program makes it only when asked") ||
	    !expect_no_unruled_calls(&used))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_IA32);
	cg_reset_root();
	return ret;
}

/* ---- Learning below a denying parent: recorded and still denied. ---- */

#define CG_PARENT "learn_parent"
#define CG_PARENT_BOX "learn_parent/box"

static int child_denied_calls(void *arg)
{
	const char *path = arg;
	bool ok;

	ok = expect_result("mkdir, denied by the parent, while learning",
			   syscall3(SYS_mkdir, (long)path, 0755, 0), -ENOSYS);
	ok &= expect_exists(path, false);
	ok &= expect_result("getppid, denied by the learning cgroup itself",
			    syscall3(SYS_getppid, 0, 0, 0), -ENOSYS);
	ok &= expect_result("getpgrp, denied by nobody, while learning",
			    syscall3(SYS_getpgrp, 0, 0, 0), ANY_SUCCESS);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_learning_keeps_enforcing_denies(void)
{
	const char *path = WORK_DIR "/parent";
	struct syscall_set used;
	int ret = KSFT_FAIL;

	rmdir(path);
	if (cg_create_denying(CG_PARENT, "mkdir") ||
	    cg_create_denying(CG_PARENT_BOX, "getppid") ||
	    !cg_write_expect(CG_PARENT_BOX, "syscalls.learn", "1", 0))
		goto cleanup;
	if (run_in_cgroup(CG_PARENT_BOX, child_denied_calls, (void *)path) != KSFT_PASS)
		goto cleanup;
	if (read_used(CG_PARENT_BOX, &used))
		goto cleanup;
	if (!expect_used(&used, 0, SYS_mkdir, "mkdir", true,
			 "made, and denied by the parent") ||
	    !expect_used(&used, 0, SYS_getppid, "getppid", true,
			 "made, and denied by the cgroup") ||
	    !expect_used(&used, 0, SYS_getpgrp, "getpgrp", true,
			 "made, and allowed"))
		goto cleanup;
	/* The parent does not learn: its own record stays empty. */
	if (!used_is(CG_PARENT, ""))
		goto cleanup;
	/* Learning changed no rule. */
	if (!cg_denies(CG_PARENT, "83 ia32:39") ||
	    !cg_denies(CG_PARENT_BOX, "83,110 ia32:39,ia32:64"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(path);
	cg_destroy(CG_PARENT);
	cg_reset_root();
	return ret;
}

/* ---- A learned allowlist runs its workload and denies the rest. ---- */

#define CG_WORK "learn_work"
#define BB_DIR "/tmp/learn_bb"
#define BB_OUT "/tmp/learn_bb.out"
#define C_DIR WORK_DIR "/c"
#define C_FILE C_DIR "/file"

/* busybox commands, their output to a file the test shows on failure. */
static const char bb_script[] =
	"exec >" BB_OUT " 2>&1; "
	"mkdir " BB_DIR " && ls -l /tmp && cat /proc/version && "
	"echo hello > " BB_DIR "/f && cat " BB_DIR "/f && "
	"rm " BB_DIR "/f && rmdir " BB_DIR;

static bool run_busybox(const char *cg, const char *when)
{
	char *argv[] = { "busybox", "sh", "-c", (char *)bb_script, NULL };
	char out[2048];
	int status, fd;
	ssize_t n;

	if (rmdir(BB_DIR) == 0)
		diag("%s: removed a %s left behind", when, BB_DIR);
	status = run_program(cg, BUSYBOX, argv);
	if (status == 0)
		return true;
	diag("%s: busybox sh -c '%s': expected exit status 0, got %d", when,
	     bb_script, status);
	fd = open(BB_OUT, O_RDONLY | O_CLOEXEC);
	n = fd < 0 ? -1 : read(fd, out, sizeof(out) - 1);
	if (fd >= 0)
		close(fd);
	if (n >= 0) {
		out[n] = '\0';
		diag("its output: '%s'", escaped(out));
	}
	return false;
}

/*
 * The C part of the workload: a few ordinary calls through glibc. No
 * output: it reports through its exit status, 0 or the failed step.
 */
static int c_workload(void *arg)
{
	char buf[64], cwd[PATH_MAX];
	struct timespec ts = { 0, 1000 * 1000 };
	struct utsname u;
	struct stat st;
	int fd;

	/* By number, whatever glibc would use: the test looks for it. */
	syscall(SYS_rmdir, C_DIR);
	if (syscall(SYS_mkdir, C_DIR, 0755))
		return 1;
	fd = open(C_FILE, O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return 2;
	if (write(fd, "learn\n", 6) != 6 || lseek(fd, 0, SEEK_SET) != 0 ||
	    read(fd, buf, sizeof(buf)) != 6 || fstat(fd, &st) || close(fd))
		return 3;
	if (uname(&u) || !getcwd(cwd, sizeof(cwd)) || nanosleep(&ts, NULL))
		return 4;
	if (getpid() <= 0)
		return 5;
	if (unlink(C_FILE) || syscall(SYS_rmdir, C_DIR))
		return 6;
	return 0;
}

static bool run_c_workload(const char *cg, const char *when)
{
	int status = run_status_in_cgroup(cg, c_workload, NULL);

	if (status == 0)
		return true;
	diag("%s: the C workload: expected exit status 0, got %d (the step that failed)",
	     when, status);
	return false;
}

/* A call the workload never makes: its errno as the exit status. */
static int child_chroot(void *arg)
{
	long r = syscall3(SYS_chroot, (long)MISSING, 0, 0);

	return r < 0 ? (int)-r : 100;
}

static bool run_chroot(const char *cg, int want, const char *when)
{
	int status = run_status_in_cgroup(cg, child_chroot, NULL);

	if (status == want)
		return true;
	diag("%s: chroot(\"%s\") in a child: expected %s, got %s", when,
	     MISSING, result_name(-want),
	     status == 100 ? "success" : status < 0 ? "no exit" :
	     result_name(-status));
	return false;
}

static int test_learned_list_runs_the_workload(void)
{
	struct syscall_set used, all, denied, want;
	char text[8192];
	int ret = KSFT_FAIL, n, count = 0;

	if (!have_workload32())
		return KSFT_FAIL;
	if (cg_create(CG_WORK))
		goto cleanup;
	/* Before: the call outside the workload runs (and is not learned). */
	if (!run_chroot(CG_WORK, ENOENT, "before learning") ||
	    !run_workload32(CG_WORK, true, ENOENT, "before learning"))
		goto cleanup;

	/* Learn: the three workloads run, nothing denied. */
	if (!cg_write_expect(CG_WORK, "syscalls.learn", "1", 0))
		goto cleanup;
	if (!run_busybox(CG_WORK, "learning") ||
	    !run_c_workload(CG_WORK, "learning") ||
	    !run_workload32(CG_WORK, false, 0, "learning"))
		goto cleanup;
	if (!cg_write_expect(CG_WORK, "syscalls.learn", "0", 0))
		goto cleanup;
	if (read_used(CG_WORK, &used))
		goto cleanup;
	for (n = 0; n < SET_MAX; n++)
		count += used.x86_64[n] + used.ia32[n];
	diag("learned %d calls", count);
	if (!expect_used(&used, 0, SYS_mkdir, "mkdir", true,
			 "busybox mkdir and the C workload made it") ||
	    !expect_used(&used, 0, SYS_execve, "execve", true,
			 "every workload starts with it") ||
	    !expect_used(&used, 1, IA32_MKDIR, "mkdir", true,
			 "the 32-bit workload made it") ||
	    !expect_used(&used, 0, SYS_chroot, "chroot", false,
			 "the workload never made it") ||
	    !expect_used(&used, 1, IA32_CHROOT, "chroot", false,
			 "the workload never made it") ||
	    !expect_no_unruled_calls(&used))
		goto cleanup;

	/* Apply: deny all, then allow what was used, as read. */
	if (cg_read(CG_WORK, "syscalls.used", text, sizeof(text)) < 0)
		goto cleanup;
	if (cg_deny(CG_WORK, "all") || cg_allow(CG_WORK, text))
		goto cleanup;
	/* What is denied now is all but what was used. */
	if (set_parse(all_text(), &all) ||
	    cg_read_set(CG_WORK, "syscalls.deny", &denied))
		goto cleanup;
	want = all;
	for (n = 0; n < SET_MAX; n++) {
		want.x86_64[n] &= !used.x86_64[n];
		want.ia32[n] &= !used.ia32[n];
	}
	if (!expect_same_set(&denied, &want,
			     "syscalls.deny after deny all and allow used"))
		goto cleanup;

	/* The workload still runs, in full. */
	if (!run_busybox(CG_WORK, "under the learned allowlist") ||
	    !run_c_workload(CG_WORK, "under the learned allowlist") ||
	    !run_workload32(CG_WORK, false, 0, "under the learned allowlist"))
		goto cleanup;
	/* A call outside it fails with ENOSYS, in either ABI. */
	if (!run_chroot(CG_WORK, ENOSYS, "under the learned allowlist") ||
	    !run_workload32(CG_WORK, true, ENOSYS,
			    "under the learned allowlist"))
		goto cleanup;
	/* The same, outside the cgroup: it was the policy. */
	if (!run_chroot(NULL, ENOENT, "in the root cgroup"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(BB_DIR);
	unlink(BB_OUT);
	unlink(C_FILE);
	rmdir(C_DIR);
	cg_destroy(CG_WORK);
	cg_reset_root();
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_learn_switch_reads_and_writes),
	T(test_used_lists_the_cgroup_own_calls),
	T(test_used_lists_ia32_calls_with_prefix),
	T(test_learning_keeps_enforcing_denies),
	T(test_learned_list_runs_the_workload),
};

/* The directory of argv[0], or of /proc/self/exe if it names none. */
static void find_prog_dir(const char *argv0)
{
	char buf[PATH_MAX];
	ssize_t n;

	if (strchr(argv0, '/')) {
		snprintf(buf, sizeof(buf), "%s", argv0);
	} else {
		n = readlink("/proc/self/exe", buf, sizeof(buf) - 1);
		if (n < 0)
			return;
		buf[n] = '\0';
	}
	snprintf(prog_dir, sizeof(prog_dir), "%s", dirname(buf));
}

/* Runs every test, or with arguments those whose name contains one of them. */
int main(int argc, char **argv)
{
	int err;

	find_prog_dir(argv[0]);
	snprintf(workload32_path, sizeof(workload32_path), "%s/%s", prog_dir,
		 WORKLOAD32);
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
