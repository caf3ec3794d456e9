// SPDX-License-Identifier: GPL-2.0
/*
 * The denial counters: syscalls.events ("denied N": the calls denied to
 * tasks of the cgroup's subtree since it was made, as pids.events counts),
 * syscalls.events.local on cgroup v2 (the cgroup's own tasks only), the
 * poll() wake-up on them, and syscalls.stat (per call, how often it was
 * denied in the subtree). Calls that run are never counted; calls denied
 * in log mode are.
 */
#include <poll.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "evt_"
#define WORK_DIR "/tmp/events"
#define CG_A "evt_a"
#define CG_AB "evt_a/b"
#define CG_AC "evt_a/c"

/* Makes mkdir WORK_DIR/x n times in a child of cg, each failing with want. */
static int mkdirs_in(const char *cg, int n, long want)
{
	static const struct calls denied = { 1, {
		{ "mkdir", CALL_SYSCALL, SYS_mkdir, WORK_DIR "/x", -ENOSYS },
	} };
	struct calls c = denied;
	int i;

	c.c[0].want = want;
	for (i = 0; i < n; i++) {
		if (run_calls(cg, &c) != KSFT_PASS)
			return KSFT_FAIL;
		rmdir(WORK_DIR "/x");
	}
	return KSFT_PASS;
}

/* A child's ia32 socketcall: fails with ENOSYS when denied. */
static int ia32_socketcall(void *arg)
{
	long r = int80_syscall2(102, 1, 0);

	return expect_result("ia32 socketcall", r, -ENOSYS) ? KSFT_PASS
							    : KSFT_FAIL;
}

static int test_counts_start_at_zero(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "mkdir"))
		goto cleanup;
	if (!cg_read_expect(CG_A, "syscalls.events", "denied 0") ||
	    !cg_read_expect(CG_A, "syscalls.stat", ""))
		goto cleanup;
	if (cg_hierarchy.v2
	    ? !cg_read_expect(CG_A, "syscalls.events.local", "denied 0")
	    : !expect_exists(cg_path((char[256]){}, 256, CG_A,
				     "syscalls.events.local"), false))
		goto cleanup;
	/* Read-only: a write fails (root may open it), changing nothing. */
	if (!cg_write_expect(CG_A, "syscalls.events", "denied 5", -EINVAL) ||
	    !cg_write_expect(CG_A, "syscalls.stat", "mkdir 5", -EINVAL) ||
	    !cg_write_expect(CG_A, "syscalls.used", "0-5", -EINVAL) ||
	    !cg_read_expect(CG_A, "syscalls.events", "denied 0"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	return ret;
}

static int test_denials_counted_per_call(void)
{
	static const struct calls allowed = { 2, {
		{ "getpid", CALL_SYSCALL, SYS_getpid, NULL, ANY_SUCCESS },
		{ "rmdir", CALL_SYSCALL, SYS_rmdir, WORK_DIR "/none", -ENOENT },
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "mkdir,ia32:socketcall"))
		goto cleanup;
	if (mkdirs_in(CG_A, 3, -ENOSYS) != KSFT_PASS ||
	    run_in_cgroup(CG_A, ia32_socketcall, NULL) != KSFT_PASS)
		goto cleanup;
	/* Calls that run are not counted. */
	if (run_calls(CG_A, &allowed) != KSFT_PASS)
		goto cleanup;
	if (!cg_read_expect(CG_A, "syscalls.events", "denied 4") ||
	    !cg_read_expect(CG_A, "syscalls.stat",
			    "mkdir 3\nia32:socketcall 1"))
		goto cleanup;
	/* Log mode: the call runs, and counts as denied. */
	if (cg_write(CG_A, "syscalls.mode", "log") ||
	    mkdirs_in(CG_A, 2, 0) != KSFT_PASS)
		goto cleanup;
	if (!cg_read_expect(CG_A, "syscalls.events", "denied 6") ||
	    !cg_read_expect(CG_A, "syscalls.stat",
			    "mkdir 5\nia32:socketcall 1"))
		goto cleanup;
	/* Allowing the call again stops the counting, keeps the count. */
	if (cg_allow(CG_A, "mkdir") || mkdirs_in(CG_A, 1, 0) != KSFT_PASS ||
	    !cg_read_expect(CG_A, "syscalls.events", "denied 6"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	return ret;
}

static int test_subtree_and_local_counts(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "mkdir") || cg_create(CG_AB) ||
	    cg_create(CG_AC))
		goto cleanup;
	if (mkdirs_in(CG_AB, 2, -ENOSYS) != KSFT_PASS ||
	    mkdirs_in(CG_AC, 1, -ENOSYS) != KSFT_PASS)
		goto cleanup;
	/* Each child counts its own; the parent counts its subtree. */
	if (!cg_read_expect(CG_AB, "syscalls.events", "denied 2") ||
	    !cg_read_expect(CG_AC, "syscalls.events", "denied 1") ||
	    !cg_read_expect(CG_A, "syscalls.events", "denied 3") ||
	    !cg_read_expect(CG_A, "syscalls.stat", "mkdir 3") ||
	    !cg_read_expect(CG_AB, "syscalls.stat", "mkdir 2"))
		goto cleanup;
	if (cg_hierarchy.v2 &&
	    (!cg_read_expect(CG_AB, "syscalls.events.local", "denied 2") ||
	     !cg_read_expect(CG_A, "syscalls.events.local", "denied 0")))
		goto cleanup;
	/* A new cgroup starts from zero, whatever its parent counted. */
	cg_destroy(CG_AC);
	if (cg_create(CG_AC) ||
	    !cg_read_expect(CG_AC, "syscalls.events", "denied 0") ||
	    !cg_read_expect(CG_A, "syscalls.events", "denied 3"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_AC);
	cg_destroy(CG_AB);
	cg_destroy(CG_A);
	return ret;
}

/* Waits up to ms for a change notification on fd; poll()'s result. */
static int wait_change(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLPRI };

	return poll(&p, 1, ms);
}

/* Opens a cgroup's file and reads it once, as a poller starts. */
static int open_and_read(const char *cg, const char *file)
{
	char path[256], buf[64];
	int fd;

	fd = open(cg_path(path, sizeof(path), cg, file), O_RDONLY);
	if (fd < 0) {
		diag("open %s: %s", path, strerror(errno));
		return -1;
	}
	if (read(fd, buf, sizeof(buf)) < 0) {
		diag("read %s: %s", path, strerror(errno));
		close(fd);
		return -1;
	}
	return fd;
}

static int test_poll_wakes_on_denial(void)
{
	int fd = -1, parent_fd = -1, local_fd = -1, n;
	int ret = KSFT_FAIL;

	if (cg_create(CG_A) || cg_create_denying(CG_AB, "mkdir"))
		goto cleanup;
	fd = open_and_read(CG_AB, "syscalls.events");
	parent_fd = open_and_read(CG_A, "syscalls.events");
	if (fd < 0 || parent_fd < 0)
		goto cleanup;
	if (cg_hierarchy.v2) {
		local_fd = open_and_read(CG_A, "syscalls.events.local");
		if (local_fd < 0)
			goto cleanup;
	}
	/* Nothing happened: no wake-up. */
	n = wait_change(fd, 300);
	if (n != 0) {
		diag("poll before any denial: expected 0, got %d", n);
		goto cleanup;
	}
	if (mkdirs_in(CG_AB, 1, -ENOSYS) != KSFT_PASS)
		goto cleanup;
	n = wait_change(fd, 5000);
	if (n != 1) {
		diag("poll of the cgroup's events after a denial: expected 1, got %d", n);
		goto cleanup;
	}
	n = wait_change(parent_fd, 5000);
	if (n != 1) {
		diag("poll of the parent's events after a denial below: expected 1, got %d",
		     n);
		goto cleanup;
	}
	/* The parent's own tasks denied nothing: its local file is quiet. */
	if (local_fd >= 0 && (n = wait_change(local_fd, 300)) != 0) {
		diag("poll of the parent's events.local: expected 0, got %d", n);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	if (fd >= 0)
		close(fd);
	if (parent_fd >= 0)
		close(parent_fd);
	if (local_fd >= 0)
		close(local_fd);
	cg_destroy(CG_AB);
	cg_destroy(CG_A);
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_counts_start_at_zero),
	T(test_denials_counted_per_call),
	T(test_subtree_and_local_counts),
	T(test_poll_wakes_on_denial),
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
