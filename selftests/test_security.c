// SPDX-License-Identifier: GPL-2.0
/*
 * Security tests of the syscalls cgroup (x86_64): what an interrupted call
 * resumes, whose credentials a write is judged by, and the legacy vsyscall
 * entry, which reaches system calls without the system call instruction.
 *
 * As in the other programs, filtered work runs in forked children and each
 * test leaves the hierarchy as it found it.
 */
#include <linux/futex.h>
#include <poll.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <time.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "security_"
#define SEC_HELPER "/tmp/security_setuid_helper"

/* The legacy vsyscall page's entries (arch/x86/entry/vsyscall/). */
#define VSYSCALL_GETTIMEOFDAY 0xffffffffff600000UL
#define VSYSCALL_TIME 0xffffffffff600400UL
#define VSYSCALL_GETCPU 0xffffffffff600800UL


/* ---- Interrupted calls: what restart_syscall continues. ---- */

/*
 * A call that a stop and a continue interrupt, made by a child in a
 * cgroup; the parent may change the policy while the child is stopped.
 */
struct stopped_call {
	const char *what;
	long nr;
	long want;	/* the result the call must give in the end */
	int *futex_word;
};

static long make_sleeping_call(const struct stopped_call *sc)
{
	struct timespec ts = { 1, 500 * 1000 * 1000 };
	struct pollfd pfd;
	int p[2];

	switch (sc->nr) {
	case SYS_nanosleep:
		return syscall3(SYS_nanosleep, (long)&ts, 0, 0);
	case SYS_futex:
		return syscall(SYS_futex, sc->futex_word, FUTEX_WAIT, 0, &ts,
			       NULL, 0) ? -errno : 0;
	case SYS_poll:
		if (pipe(p))
			return -errno;
		pfd.fd = p[0];
		pfd.events = POLLIN;
		return syscall3(SYS_poll, (long)&pfd, 1, 1500);
	}
	return -EINVAL;
}

static int child_stopped_call(void *arg)
{
	const struct stopped_call *sc = arg;

	return expect_result(sc->what, make_sleeping_call(sc), sc->want) ?
		       KSFT_PASS : KSFT_FAIL;
}

/*
 * Runs sc in a child of cg (which denies `deny`), stops and continues it
 * in its sleep, and writes `deny_meanwhile` to cg's deny file while it is
 * stopped (NULL: nothing).
 */
static int stop_and_continue(const char *cg, const char *deny,
			     const char *deny_meanwhile, struct stopped_call *sc)
{
	int ret = KSFT_FAIL, *word = NULL;
	struct child c = { .pid = -1 };

	word = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (word == MAP_FAILED) {
		word = NULL;
		goto cleanup;
	}
	sc->futex_word = word;
	if (cg_create_denying(cg, deny))
		goto cleanup;
	if (child_start(&c, child_stopped_call, sc)) {
		diag("fork: %s", strerror(errno));
		goto cleanup;
	}
	if (cg_enter_process(cg, c.pid)) {
		diag("moving child %d into %s failed", c.pid, cg);
		goto cleanup;
	}
	child_go(&c);
	usleep(300 * 1000);
	if (kill(c.pid, SIGSTOP))
		goto cleanup;
	usleep(200 * 1000);
	if (deny_meanwhile && !cg_write_expect(cg, "syscalls.deny", deny_meanwhile, 0)) {
		kill(c.pid, SIGCONT);
		goto cleanup;
	}
	if (kill(c.pid, SIGCONT))
		goto cleanup;
	ret = child_wait(&c);
cleanup:
	child_kill(&c);
	if (word)
		munmap(word, 4096);
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

#define CG_STOP TEST_PREFIX "stop"

static int test_stopped_sleep_resumes_where_ia32_is_denied(void)
{
	struct stopped_call sc = {
		.what = "nanosleep(1.5 s) stopped and continued",
		.nr = SYS_nanosleep,
		.want = 0,
	};

	return stop_and_continue(CG_STOP, "ia32:all", NULL, &sc);
}

static int test_stopped_sleep_resumes_where_64bit_poll_is_denied(void)
{
	struct stopped_call sc = {
		.what = "nanosleep(1.5 s) stopped and continued",
		.nr = SYS_nanosleep,
		.want = 0,
	};

	return stop_and_continue(CG_STOP, "x86_64:poll", NULL, &sc);
}

static int test_stopped_futex_wait_resumes_where_ia32_is_denied(void)
{
	struct stopped_call sc = {
		.what = "FUTEX_WAIT(1.5 s) stopped and continued",
		.nr = SYS_futex,
		.want = -ETIMEDOUT,
	};

	return stop_and_continue(CG_STOP, "ia32:all", NULL, &sc);
}

static int test_stopped_poll_resumes_where_other_calls_are_denied(void)
{
	struct stopped_call sc = {
		.what = "poll(1.5 s) stopped and continued",
		.nr = SYS_poll,
		.want = 0,
	};

	return stop_and_continue(CG_STOP, "nanosleep,futex,mkdir", NULL, &sc);
}

static int test_stopped_sleep_denied_meanwhile_does_not_resume(void)
{
	struct stopped_call sc = {
		.what = "nanosleep(1.5 s) denied while stopped",
		.nr = SYS_nanosleep,
		.want = -ENOSYS,
	};

	return stop_and_continue(CG_STOP, "mkdir", "nanosleep", &sc);
}

/* The 32-bit restart_syscall, from this 64-bit process. */
static long int80_restart_syscall(void)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"((long)IA32_RESTART_SYSCALL)
		     : "rbx", "rcx", "rdx", "rsi", "rdi", "r8", "r9", "r10",
		       "r11", "memory");
	return (int)ret;
}

/*
 * A 64-bit poll, interrupted and then denied for x86_64 only, cannot be
 * continued through the ia32 restart_syscall either: the restart is judged
 * in the ABI the poll was made in, where it is denied.
 */
static int child_poll_then_restart_from_ia32(void *arg)
{
	struct stopped_call sc = { .nr = SYS_poll };
	int ok = 1;

	ok &= expect_result("64-bit poll denied while stopped",
			make_sleeping_call(&sc), -ENOSYS);
	ok &= expect_result("ia32 restart_syscall of the denied 64-bit poll",
			int80_restart_syscall(), -ENOSYS);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_restart_is_judged_in_the_abi_of_the_interrupted_call(void)
{
	struct child c = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_STOP, "mkdir"))
		goto cleanup;
	if (child_start(&c, child_poll_then_restart_from_ia32, NULL))
		goto cleanup;
	if (cg_enter_process(CG_STOP, c.pid))
		goto cleanup;
	child_go(&c);
	usleep(300 * 1000);
	kill(c.pid, SIGSTOP);
	usleep(200 * 1000);
	if (!cg_write_expect(CG_STOP, "syscalls.deny", "x86_64:poll", 0)) {
		kill(c.pid, SIGCONT);
		goto cleanup;
	}
	kill(c.pid, SIGCONT);
	ret = child_wait(&c);
cleanup:
	child_kill(&c);
	cg_destroy(CG_STOP);
	cg_reset_root();
	return ret;
}

static void ignore_signal(int sig)
{
}

/*
 * Returning from a signal handler leaves nothing to restart: then
 * restart_syscall fails with EINTR, as on a kernel without the controller.
 */
static int child_restart_with_nothing_to_restart(void *arg)
{
	struct sigaction sa = { .sa_handler = ignore_signal };

	if (sigaction(SIGUSR1, &sa, NULL) || raise(SIGUSR1))
		return KSFT_FAIL;
	return expect_result("restart_syscall with nothing to restart",
			 syscall3(SYS_restart_syscall, 0, 0, 0), -EINTR) ?
		       KSFT_PASS : KSFT_FAIL;
}

static int test_restart_with_nothing_to_restart_fails_with_eintr(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_STOP, "poll,nanosleep,futex,mkdir"))
		goto cleanup;
	ret = run_in_cgroup(CG_STOP, child_restart_with_nothing_to_restart, NULL);
	if (ret == KSFT_PASS && !cg_denies(CG_STOP, "7,35,83,202 ia32:39,ia32:162,ia32:168,ia32:240"))
		ret = KSFT_FAIL;
cleanup:
	cg_destroy(CG_STOP);
	cg_reset_root();
	return ret;
}

/* ---- A write is judged by who opened the file, too. ---- */

#define CG_OPENER TEST_PREFIX "opener"

/*
 * Why the two tests below are v1's: there only CAP_SYS_ADMIN of the writer
 * and of the opener lets a write through.
 */
#define V2_MODE_DECIDES \
	"the file's mode decides who writes, and a write without CAP_SYS_ADMIN of writer and opener counts as a delegatee's (test_delegation)"

/*
 * The set-user-ID helper: writes argv[2] to its standard output, which the
 * test opened as an unprivileged user. Exits 0 when the write went
 * through, 1 when it failed with EPERM, 2 on another error, 3 when it is
 * not running as root (the set-user-ID bit did not work).
 */
static int setuid_helper(const char *text)
{
	if (geteuid() != 0)
		return 3;
	if (write(STDOUT_FILENO, text, strlen(text)) == (ssize_t)strlen(text))
		return 0;
	return errno == EPERM ? 1 : 2;
}

static int test_setuid_program_cannot_write_through_an_unprivileged_opener(void)
{
	char path[4096];
	int ret = KSFT_FAIL, status, err;
	pid_t pid = -1;

	if (skip_on_v2(V2_MODE_DECIDES))
		return KSFT_SKIP;
	if (cg_create_denying(CG_OPENER, "mkdir"))
		goto cleanup;
	cg_path(path, sizeof(path), CG_OPENER, "syscalls.allow");
	if (chmod(path, 0666)) {
		diag("chmod 0666 %s: %s", path, strerror(errno));
		goto cleanup;
	}
	err = make_setuid_copy(SEC_HELPER);
	if (err) {
		diag("making the set-user-ID helper: %s", result_name(err));
		goto cleanup;
	}
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		goto cleanup;
	if (pid == 0) {
		int fd;

		if (become_nobody())
			_exit(4);
		fd = open(path, O_WRONLY);
		if (fd < 0 || dup2(fd, STDOUT_FILENO) < 0)
			_exit(5);
		execl(SEC_HELPER, SEC_HELPER, "--setuid-write", "mkdir",
		      (char *)NULL);
		_exit(6);
	}
	if (waitpid(pid, &status, 0) != pid)
		goto cleanup;
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 1) {
		diag("set-user-ID root program writing 'mkdir' to an allow file opened by uid %d: expected EPERM (exit 1), got status %#x (0: the write went through)",
			NOBODY, status);
		goto cleanup;
	}
	if (cg_denies(CG_OPENER, "83 ia32:39"))
		ret = KSFT_PASS;
cleanup:
	if (pid > 0)
		waitpid(pid, NULL, 0);
	unlink(SEC_HELPER);
	cg_destroy(CG_OPENER);
	cg_reset_root();
	return ret;
}

static int test_unprivileged_writer_cannot_use_a_root_opened_file(void)
{
	char path[4096];
	int ret = KSFT_FAIL, status, fd = -1;
	pid_t pid = -1;

	if (skip_on_v2(V2_MODE_DECIDES))
		return KSFT_SKIP;
	if (cg_create_denying(CG_OPENER, "mkdir"))
		goto cleanup;
	fd = open(cg_path(path, sizeof(path), CG_OPENER, "syscalls.allow"),
		  O_WRONLY);
	if (fd < 0)
		goto cleanup;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		goto cleanup;
	if (pid == 0) {
		if (become_nobody())
			_exit(4);
		if (write(fd, "mkdir", 5) == 5)
			_exit(0);
		_exit(errno == EPERM ? 1 : 2);
	}
	if (waitpid(pid, &status, 0) != pid)
		goto cleanup;
	pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 1) {
		diag("uid %d writing 'mkdir' to an allow file root opened: expected EPERM (exit 1), got status %#x",
			NOBODY, status);
		goto cleanup;
	}
	if (cg_denies(CG_OPENER, "83 ia32:39"))
		ret = KSFT_PASS;
cleanup:
	if (pid > 0)
		waitpid(pid, NULL, 0);
	if (fd >= 0)
		close(fd);
	cg_destroy(CG_OPENER);
	cg_reset_root();
	return ret;
}

/* ---- Legacy vsyscalls are checked like system calls. ---- */

#define CG_VSYSCALL TEST_PREFIX "vsyscall"

/* Whether the vsyscall page is mapped (vsyscall=xonly or emulate). */
static int have_vsyscall_page(void)
{
	char line[512];
	FILE *f = fopen("/proc/self/maps", "r");
	int found = 0;

	if (!f)
		return 0;
	while (!found && fgets(line, sizeof(line), f))
		found = strstr(line, "[vsyscall]") != NULL;
	fclose(f);
	return found;
}

typedef long (*vsyscall_gettimeofday_fn)(struct timeval *, void *);
typedef long (*vsyscall_time_fn)(long *);
typedef long (*vsyscall_getcpu_fn)(unsigned int *, unsigned int *, void *);

static int child_vsyscalls(void *arg)
{
	long want = (long)arg;
	struct timeval tv;
	unsigned int cpu, node;
	long t;
	int ok = 1;

	t = ((vsyscall_time_fn)VSYSCALL_TIME)(NULL);
	if (want != ANY_SUCCESS) {
		ok &= expect_result("vsyscall time", t, want);
	} else if (t < 1000000000) {
		diag("vsyscall time: expected the time, got %s", result_name(t));
		ok = 0;
	}
	ok &= expect_result("vsyscall gettimeofday",
			((vsyscall_gettimeofday_fn)VSYSCALL_GETTIMEOFDAY)(&tv, NULL),
			want == ANY_SUCCESS ? 0 : want);
	ok &= expect_result("vsyscall getcpu",
			((vsyscall_getcpu_fn)VSYSCALL_GETCPU)(&cpu, &node, NULL),
			want == ANY_SUCCESS ? 0 : want);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_denied_vsyscall_fails_with_enosys(void)
{
	int ret = KSFT_FAIL;

	if (!have_vsyscall_page())
		return KSFT_SKIP;
	if (cg_create_denying(CG_VSYSCALL, "time,gettimeofday,getcpu"))
		goto cleanup;
	ret = run_in_cgroup(CG_VSYSCALL, child_vsyscalls, (void *)(long)-ENOSYS);
cleanup:
	cg_destroy(CG_VSYSCALL);
	cg_reset_root();
	return ret;
}

static int test_allowed_vsyscall_runs_in_a_filtering_cgroup(void)
{
	int ret = KSFT_FAIL;

	if (!have_vsyscall_page())
		return KSFT_SKIP;
	if (cg_create_denying(CG_VSYSCALL, "mkdir"))
		goto cleanup;
	ret = run_in_cgroup(CG_VSYSCALL, child_vsyscalls, (void *)ANY_SUCCESS);
cleanup:
	cg_destroy(CG_VSYSCALL);
	cg_reset_root();
	return ret;
}

static const struct syscalls_test tests[] = {
	T(test_stopped_sleep_resumes_where_ia32_is_denied),
	T(test_stopped_sleep_resumes_where_64bit_poll_is_denied),
	T(test_stopped_futex_wait_resumes_where_ia32_is_denied),
	T(test_stopped_poll_resumes_where_other_calls_are_denied),
	T(test_stopped_sleep_denied_meanwhile_does_not_resume),
	T(test_restart_is_judged_in_the_abi_of_the_interrupted_call),
	T(test_restart_with_nothing_to_restart_fails_with_eintr),
	T(test_setuid_program_cannot_write_through_an_unprivileged_opener),
	T(test_unprivileged_writer_cannot_use_a_root_opened_file),
	T(test_denied_vsyscall_fails_with_enosys),
	T(test_allowed_vsyscall_runs_in_a_filtering_cgroup),
};

int main(int argc, char **argv)
{
	int err;

	if (argc == 3 && !strcmp(argv[1], "--setuid-write"))
		return setuid_helper(argv[2]);

	ksft_print_header();
	err = cg_setup(TEST_PREFIX);
	if (err)
		ksft_exit_skip("no syscalls hierarchy to test (run as root): %s\n",
			       strerror(-err));
	ksft_set_plan(tests_selected(tests, ARRAY_SIZE(tests), argc, argv));
	run_tests(tests, ARRAY_SIZE(tests), argc, argv);
}
