// SPDX-License-Identifier: GPL-2.0
/*
 * Enforcement tests of the syscalls cgroup (x86_64): a denied system call
 * fails with -ENOSYS without running, for every task of the cgroup and from
 * the moment the write that denied it returned, through fork, clone, exec,
 * migration and CLONE_INTO_CGROUP, through every system call ABI, and
 * whatever a tracer or a seccomp filter does to the call.
 *
 * Filtered work runs in forked children, so that the test program itself
 * stays in the root cgroup and can always clean up. Each test leaves the
 * hierarchy as it found it: its cgroups removed and everything allowed at
 * the root.
 */
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/futex.h>
#include <linux/sched.h>
#include <linux/seccomp.h>
#include <poll.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/user.h>
#include <time.h>

#include "enforce_util.h"

#define EN_DIR "/tmp/enforce"
#define CG2_DIR "/tmp/cg2"

#define X32_BIT 0x40000000UL
#define IA32_MKDIR 39
#define IA32_GETPID 20
#define X32_IOCTL 514
#define PF_KTHREAD 0x00200000

/* Whether the kernel runs x32 system calls: an x32 getpid works. */
static int x32_works;

/* A page below 4 GiB, for the arguments of int $0x80 calls. */
static char *low_page;

/* The 64-bit `syscall` instruction with any value in %rax. */
static long raw_syscall3(unsigned long nr, unsigned long a, unsigned long b,
			 unsigned long c)
{
	register unsigned long r10 asm("r10") = 0;
	register unsigned long r8 asm("r8") = 0;
	register unsigned long r9 asm("r9") = 0;
	unsigned long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
		       "r"(r9)
		     : "rcx", "r11", "memory");
	return (long)ret;
}

/*
 * A 32-bit system call from this 64-bit process: int $0x80, two arguments,
 * the next three zero.
 */
static long int80_syscall2(unsigned long nr, unsigned long a, unsigned long b)
{
	unsigned long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(0), "S"(0), "D"(0)
		     : "r8", "r9", "r10", "r11", "memory");
	return (int)ret;
}

static long futex_op(int *uaddr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

static double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/*
 * Waits until *word >= target, for at most `seconds`; the futex sleeps
 * have a timeout only so that a lost wake-up cannot hang the test.
 */
static int wait_at_least(int *word, int target, double seconds)
{
	double deadline = now_seconds() + seconds;
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	int v;

	while ((v = __atomic_load_n(word, __ATOMIC_SEQ_CST)) < target) {
		if (now_seconds() > deadline)
			return -1;
		futex_op(word, FUTEX_WAIT, v, &ts);
	}
	return 0;
}

static void store_and_wake(int *word, int value)
{
	__atomic_store_n(word, value, __ATOMIC_SEQ_CST);
	futex_op(word, FUTEX_WAKE, INT_MAX, NULL);
}

/*
 * A list of calls a child makes, each with the result it must give. A call
 * with a path makes that directory (mode 0755), and the directory must then
 * exist exactly when the call succeeded.
 */
enum call_abi {
	CALL_64,	/* the `syscall` instruction, any 64-bit %rax */
	CALL_INT80,	/* int $0x80, arguments copied below 4 GiB */
};

struct call {
	const char *what;
	enum call_abi abi;
	unsigned long nr;
	const char *path;
	long want;
};

#define MAX_CALLS 6

struct calls {
	int n;
	struct call c[MAX_CALLS];
};

static long make_call(const struct call *c, int slot)
{
	char *low;

	if (c->abi == CALL_INT80) {
		low = NULL;
		if (c->path) {
			low = low_page + 256 * slot;
			snprintf(low, 256, "%s", c->path);
		}
		return int80_syscall2(c->nr, (unsigned long)low, 0755);
	}
	return raw_syscall3(c->nr, (unsigned long)c->path, 0755, 0);
}

static int child_calls(void *arg)
{
	const struct calls *cs = arg;
	int i, ok = 1;

	for (i = 0; i < cs->n; i++) {
		const struct call *c = &cs->c[i];
		long r = make_call(c, i);

		ok &= en_expect(c->what, r, c->want);
		if (c->path)
			ok &= en_expect_exists(c->path, c->want >= 0 ||
							c->want == EN_ANY_OK);
	}
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static void calls_cleanup(const struct calls *cs)
{
	int i;

	for (i = 0; i < cs->n; i++)
		if (cs->c[i].path)
			en_rmdir_quiet(cs->c[i].path);
}

/* Runs a call list in a child moved into cg (NULL: the root cgroup). */
static int run_calls(const char *cg, const struct calls *cs)
{
	int ret;

	calls_cleanup(cs);
	ret = en_run_in(cg, child_calls, (void *)cs);
	calls_cleanup(cs);
	return ret;
}

/* ---- A denied call fails with ENOSYS and has no effect. ---- */

#define CG_DENY "enf_deny"

static int test_denied_call_fails_with_enosys(void)
{
	static const struct calls denied = { 2, {
		{ "mkdir in a cgroup denying mkdir", CALL_64, SYS_mkdir,
		  EN_DIR "/denied", -ENOSYS },
		{ "getpid in a cgroup denying mkdir", CALL_64, SYS_getpid,
		  NULL, EN_ANY_OK },
	} };
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_DENY, "mkdir"))
		goto cleanup;
	if (run_calls(CG_DENY, &denied) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	calls_cleanup(&denied);
	en_cg_remove(CG_DENY);
	en_reset_root();
	return ret;
}

/* ---- A deny reaches its cgroup only: siblings and the root run. ---- */

#define CG_SIB_A "enf_sibling_a"
#define CG_SIB_B "enf_sibling_b"

static int test_deny_reaches_only_its_cgroup(void)
{
	static const struct calls in_a = { 1, {
		{ "mkdir in the denying cgroup", CALL_64, SYS_mkdir,
		  EN_DIR "/sib-a", -ENOSYS },
	} };
	static const struct calls in_b = { 1, {
		{ "mkdir in the sibling cgroup", CALL_64, SYS_mkdir,
		  EN_DIR "/sib-b", 0 },
	} };
	static const struct calls in_root = { 1, {
		{ "mkdir in the root cgroup", CALL_64, SYS_mkdir,
		  EN_DIR "/sib-root", 0 },
	} };
	const char *own = EN_DIR "/sib-self";
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_SIB_A, "mkdir") || en_cg_make(CG_SIB_B, NULL))
		goto cleanup;
	if (run_calls(CG_SIB_A, &in_a) != KSFT_PASS)
		goto cleanup;
	if (run_calls(CG_SIB_B, &in_b) != KSFT_PASS)
		goto cleanup;
	if (run_calls(NULL, &in_root) != KSFT_PASS)
		goto cleanup;
	if (!en_expect("mkdir by the test itself, in the root",
		       en_sys(SYS_mkdir, (long)own, 0755, 0), 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_rmdir_quiet(own);
	en_cg_remove(CG_SIB_A);
	en_cg_remove(CG_SIB_B);
	en_reset_root();
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
	snprintf(buf, len, EN_DIR "/live-%d-%d", round, i);
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
		live->ret[round][i] = en_sys(SYS_mkdir, (long)path, 0755, 0);
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
static int live_round(int round, long want, const char *when)
{
	char path[128], what[160];
	int i, ok = 1;

	store_and_wake(&live->go, round);
	if (wait_at_least(&live->done, round * LIVE_THREADS, 60)) {
		en_diag("%s: expected %d threads to call, %d did", when,
			LIVE_THREADS, live->done - (round - 1) * LIVE_THREADS);
		return 0;
	}
	for (i = 0; i < LIVE_THREADS; i++) {
		snprintf(what, sizeof(what), "%s: mkdir by thread %d (%s)",
			 when, i, i & 1 ? "was asleep" : "was spinning");
		ok &= en_expect(what, live->ret[round][i], want);
		live_path(path, sizeof(path), round, i);
		ok &= en_expect_exists(path, want == 0);
	}
	return ok;
}

static int count_tasks(const char *cg)
{
	char buf[65536], *p;
	int n = 0;

	if (sc_read(cg, "tasks", buf, sizeof(buf)) < 0)
		return -1;
	for (p = buf; *p; p++)
		n += *p == '\n';
	return buf[0] ? n + 1 : 0;
}

static int test_policy_change_reaches_running_threads(void)
{
	struct en_child c = { .pid = -1, .sync = NULL };
	char path[128];
	int ret = KSFT_FAIL, round, i, n;

	live = mmap(NULL, sizeof(*live), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (live == MAP_FAILED) {
		live = NULL;
		goto cleanup;
	}
	if (en_cg_make(CG_LIVE, NULL))
		goto cleanup;
	if (en_child_start(&c, live_process, NULL) || en_child_go(&c))
		goto cleanup;
	if (wait_at_least(&live->ready, LIVE_THREADS, 60)) {
		en_diag("expected %d threads to start, %d did", LIVE_THREADS,
			live->ready);
		goto cleanup;
	}
	/* The whole process, every thread, before the policy changes. */
	if (sc_enter(CG_LIVE, c.pid))
		goto cleanup;
	n = count_tasks(CG_LIVE);
	if (n != LIVE_THREADS + 1) {
		en_diag("expected %d tasks in %s, found %d", LIVE_THREADS + 1,
			CG_LIVE, n);
		goto cleanup;
	}
	if (!live_round(1, 0, "before the deny"))
		goto cleanup;
	if (!en_write(CG_LIVE, "syscalls.deny", "mkdir"))
		goto cleanup;
	if (!live_round(2, -ENOSYS, "after the deny returned"))
		goto cleanup;
	if (!en_write(CG_LIVE, "syscalls.allow", "mkdir"))
		goto cleanup;
	if (!live_round(3, 0, "after the allow returned"))
		goto cleanup;
	if (en_child_wait(&c) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	if (live)
		store_and_wake(&live->go, LIVE_ROUNDS + 1);
	en_child_kill(&c);
	for (round = 1; round <= LIVE_ROUNDS; round++)
		for (i = 0; i < LIVE_THREADS; i++) {
			live_path(path, sizeof(path), round, i);
			en_rmdir_quiet(path);
		}
	if (live)
		munmap(live, sizeof(*live));
	live = NULL;
	en_cg_remove(CG_LIVE);
	en_reset_root();
	return ret;
}

/* ---- Fork, clone and exec keep the filter. ---- */

#define CG_INHERIT "enf_inherit"
#define FORK_PATH EN_DIR "/forked"
#define THREAD_PATH EN_DIR "/threaded"
#define EXEC_PATH EN_DIR "/execed"
#define EXEC_PATH2 EN_DIR "/execed-busybox"
#define EXEC_PATH3 EN_DIR "/execed-from-thread"

static int child_fork_filtered(void *arg)
{
	const char *cg = arg;
	int status;
	pid_t pid;

	pid = fork();
	if (pid < 0)
		return KSFT_FAIL;
	if (pid == 0) {
		int ok = en_expect_cgroup(0, cg);

		ok &= en_expect("mkdir in the child of a filtered process",
				en_sys(SYS_mkdir, (long)FORK_PATH, 0755, 0),
				-ENOSYS);
		ok &= en_expect_exists(FORK_PATH, 0);
		_exit(ok ? KSFT_PASS : KSFT_FAIL);
	}
	if (waitpid(pid, &status, 0) != pid)
		return KSFT_FAIL;
	return en_status("forked child", status);
}

static int test_fork_child_is_filtered(void)
{
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_INHERIT, "mkdir"))
		goto cleanup;
	if (en_run_in(CG_INHERIT, child_fork_filtered, CG_INHERIT) != KSFT_PASS)
		goto cleanup;
	if (!en_expect_exists(FORK_PATH, 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_rmdir_quiet(FORK_PATH);
	en_cg_remove(CG_INHERIT);
	en_reset_root();
	return ret;
}

static void *thread_mkdir(void *arg)
{
	long *r = arg;

	*r = en_sys(SYS_mkdir, (long)THREAD_PATH, 0755, 0);
	if (en_cgroup_of(gettid(), (char *)(r + 1), 200))
		((char *)(r + 1))[0] = '\0';
	return NULL;
}

static int child_thread_filtered(void *arg)
{
	const char *cg = arg;
	struct {
		long r;
		char cg[200];
	} res = { 0 };
	char want[256];
	pthread_t t;
	int ok;

	if (pthread_create(&t, NULL, thread_mkdir, &res) ||
	    pthread_join(t, NULL))
		return KSFT_FAIL;
	ok = en_expect("mkdir in a thread created by a filtered process",
		       res.r, -ENOSYS);
	snprintf(want, sizeof(want), "/%s", cg);
	if (strcmp(res.cg, want)) {
		en_diag("new thread: expected in syscalls cgroup %s, it was in '%s'",
			want, res.cg);
		ok = 0;
	}
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_new_thread_is_filtered(void)
{
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_INHERIT, "mkdir"))
		goto cleanup;
	if (en_run_in(CG_INHERIT, child_thread_filtered, CG_INHERIT) != KSFT_PASS)
		goto cleanup;
	if (!en_expect_exists(THREAD_PATH, 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_rmdir_quiet(THREAD_PATH);
	en_cg_remove(CG_INHERIT);
	en_reset_root();
	return ret;
}

/*
 * `test_enforce --exec-probe PATH`: makes directory PATH; exits with 0 on
 * success, else with the errno (ENOSYS is 38).
 */
static int exec_probe(const char *path)
{
	long r = en_sys(SYS_mkdir, (long)path, 0755, 0);

	return r == 0 ? 0 : r < 0 && r > -250 ? (int)-r : 255;
}

static int child_exec_self(void *arg)
{
	execl("/proc/self/exe", "test_enforce", "--exec-probe", (char *)arg,
	      (char *)NULL);
	en_diag("exec of /proc/self/exe: %s", strerror(errno));
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
	en_diag("exec of /bin/busybox: %s", strerror(errno));
	return 254;
}

/* Runs fn in a child in cg (NULL: root); its raw exit status or -1. */
static int run_status(const char *cg, int (*fn)(void *), void *arg)
{
	struct en_child c;
	int status;

	if (en_child_start(&c, fn, arg))
		return -1;
	if (cg && sc_enter(cg, c.pid)) {
		en_child_kill(&c);
		return -1;
	}
	if (en_child_go(&c) || waitpid(c.pid, &status, 0) != c.pid) {
		en_child_kill(&c);
		return -1;
	}
	en_child_unmap(&c);
	if (!WIFEXITED(status)) {
		en_status("exec'd child", status);
		return -1;
	}
	return WEXITSTATUS(status);
}

static int test_exec_stays_filtered(void)
{
	int ret = KSFT_FAIL, st;

	if (en_cg_make(CG_INHERIT, "mkdir"))
		goto cleanup;
	/* The probe really makes the directory where nothing denies it. */
	st = run_status(NULL, child_exec_self, EXEC_PATH);
	if (st != 0 || !en_expect_exists(EXEC_PATH, 1)) {
		en_diag("exec'd probe in the root: expected exit 0, got %d", st);
		goto cleanup;
	}
	en_rmdir_quiet(EXEC_PATH);
	st = run_status(CG_INHERIT, child_exec_self, EXEC_PATH);
	if (st != ENOSYS) {
		en_diag("mkdir after exec of itself: expected exit %d (ENOSYS), got %d",
			ENOSYS, st);
		goto cleanup;
	}
	if (!en_expect_exists(EXEC_PATH, 0))
		goto cleanup;
	st = run_status(CG_INHERIT, child_exec_from_thread, EXEC_PATH3);
	if (st != ENOSYS) {
		en_diag("mkdir after exec of itself from a second thread: expected exit %d (ENOSYS), got %d",
			ENOSYS, st);
		goto cleanup;
	}
	if (!en_expect_exists(EXEC_PATH3, 0))
		goto cleanup;
	/* Another binary, busybox's mkdir, is filtered as well. */
	if (en_exists("/bin/busybox")) {
		st = run_status(CG_INHERIT, child_exec_busybox, EXEC_PATH2);
		if (st == 0 || !en_expect_exists(EXEC_PATH2, 0)) {
			en_diag("busybox mkdir exec'd in a cgroup denying mkdir: expected failure, got exit %d",
				st);
			goto cleanup;
		}
	}
	ret = KSFT_PASS;
cleanup:
	en_rmdir_quiet(EXEC_PATH);
	en_rmdir_quiet(EXEC_PATH2);
	en_rmdir_quiet(EXEC_PATH3);
	en_cg_remove(CG_INHERIT);
	en_reset_root();
	return ret;
}

/* ---- Migration between cgroups takes effect at once. ---- */

#define CG_MIG_A "enf_mig_a"
#define CG_MIG_B "enf_mig_b"
#define MIG_PATH1 EN_DIR "/mig1"
#define MIG_PATH2 EN_DIR "/mig2"

static void mig_cleanup(void)
{
	en_rmdir_quiet(MIG_PATH1);
	en_rmdir_quiet(MIG_PATH2);
	en_cg_remove(CG_MIG_A);
	en_cg_remove(CG_MIG_B);
	en_reset_root();
}

/* Thread i of the probe makes `path`; checks the result and the path. */
static int probe_mkdir(struct en_probe *p, int i, const char *path, long want,
		       const char *when)
{
	char what[200];
	int ok;

	snprintf(what, sizeof(what), "%s: mkdir by thread %d", when, i);
	ok = en_expect(what, en_probe_call(p, i, SYS_mkdir, path, 0755), want);
	ok &= en_expect_exists(path, want == 0);
	en_rmdir_quiet(path);
	return ok;
}

static int test_migration_into_filtering_cgroup(void)
{
	struct en_probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_MIG_A, "mkdir"))
		goto cleanup;
	if (en_probe_start(&p, 1))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH1, 0, "in the root"))
		goto cleanup;
	if (sc_enter(CG_MIG_A, p.pid) || !en_expect_cgroup(p.pid, CG_MIG_A))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH2, -ENOSYS,
			 "moved into a cgroup denying mkdir"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_probe_stop(&p);
	mig_cleanup();
	return ret;
}

static int test_migration_out_to_root(void)
{
	struct en_probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_MIG_A, "mkdir"))
		goto cleanup;
	if (en_probe_start(&p, 1))
		goto cleanup;
	if (sc_enter(CG_MIG_A, p.pid))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH1, -ENOSYS, "in a cgroup denying mkdir"))
		goto cleanup;
	if (sc_enter("", p.pid) || !en_expect_cgroup(p.pid, ""))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH2, 0, "moved out to the root"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_probe_stop(&p);
	mig_cleanup();
	return ret;
}

static int test_migration_between_filtering_cgroups(void)
{
	struct en_probe p = { .pid = -1 };
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_MIG_A, "mkdir") || en_cg_make(CG_MIG_B, "rmdir"))
		goto cleanup;
	if (en_probe_start(&p, 1))
		goto cleanup;
	if (sc_enter(CG_MIG_A, p.pid))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH1, -ENOSYS, "in the cgroup denying mkdir"))
		goto cleanup;
	if (mkdir(MIG_PATH2, 0755) ||
	    !en_expect("rmdir in the cgroup denying mkdir",
		       en_probe_call(&p, 0, SYS_rmdir, MIG_PATH2, 0), 0))
		goto cleanup;
	if (sc_enter(CG_MIG_B, p.pid))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH1, 0, "moved to the cgroup denying rmdir"))
		goto cleanup;
	if (mkdir(MIG_PATH2, 0755) ||
	    !en_expect("rmdir in the cgroup denying rmdir",
		       en_probe_call(&p, 0, SYS_rmdir, MIG_PATH2, 0), -ENOSYS) ||
	    !en_expect_exists(MIG_PATH2, 1))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_probe_stop(&p);
	mig_cleanup();
	return ret;
}

static int test_thread_migration(void)
{
	struct en_probe p = { .pid = -1 };
	int ret = KSFT_FAIL;
	char tid[32];

	if (en_cg_make(CG_MIG_A, "mkdir"))
		goto cleanup;
	if (en_probe_start(&p, 2))
		goto cleanup;
	snprintf(tid, sizeof(tid), "%d", p.tid[1]);
	if (!en_write(CG_MIG_A, "tasks", tid))
		goto cleanup;
	if (!en_expect_cgroup(p.tid[1], CG_MIG_A) ||
	    !en_expect_cgroup(p.tid[0], ""))
		goto cleanup;
	if (!probe_mkdir(&p, 1, MIG_PATH1, -ENOSYS,
			 "thread moved into a cgroup denying mkdir"))
		goto cleanup;
	if (!probe_mkdir(&p, 0, MIG_PATH2, 0,
			 "its sibling thread, left in the root"))
		goto cleanup;
	if (!en_write("", "tasks", tid))
		goto cleanup;
	if (!probe_mkdir(&p, 1, MIG_PATH1, 0, "thread moved back to the root"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_probe_stop(&p);
	mig_cleanup();
	return ret;
}

/* ---- A deny at an ancestor reaches the running tasks below it. ---- */

#define CG_ANC "enf_ancestor"
#define CG_ANC_CHILD "enf_ancestor/child"
#define ANC_PATH EN_DIR "/ancestor"

static int test_ancestor_deny_reaches_running_descendants(void)
{
	struct en_probe p = { .pid = -1 };
	int ret = KSFT_FAIL, i;
	char what[160];

	if (en_cg_make(CG_ANC, NULL) || en_cg_make(CG_ANC_CHILD, NULL))
		goto cleanup;
	if (en_probe_start(&p, 2) || sc_enter(CG_ANC_CHILD, p.pid))
		goto cleanup;
	for (i = 0; i < 2; i++) {
		snprintf(what, sizeof(what), "thread %d, nothing denied", i);
		if (!probe_mkdir(&p, i, ANC_PATH, 0, what))
			goto cleanup;
	}
	if (!en_write(CG_ANC, "syscalls.deny", "mkdir"))
		goto cleanup;
	for (i = 0; i < 2; i++) {
		snprintf(what, sizeof(what), "thread %d, mkdir denied at the parent", i);
		if (!probe_mkdir(&p, i, ANC_PATH, -ENOSYS, what))
			goto cleanup;
	}
	/* The child did not deny mkdir itself: the parent's allow reopens it. */
	if (!en_write(CG_ANC, "syscalls.allow", "mkdir"))
		goto cleanup;
	for (i = 0; i < 2; i++) {
		snprintf(what, sizeof(what), "thread %d, mkdir allowed again at the parent", i);
		if (!probe_mkdir(&p, i, ANC_PATH, 0, what))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	en_probe_stop(&p);
	en_rmdir_quiet(ANC_PATH);
	en_cg_remove(CG_ANC_CHILD);
	en_cg_remove(CG_ANC);
	en_reset_root();
	return ret;
}

/* ---- CLONE_INTO_CGROUP. ---- */

#define CG_INTO "enf_into"
#define CG2_INTO CG2_DIR "/enf_into"
#define INTO_PATH EN_DIR "/into"

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
static int in_v2_cgroup(const char *want)
{
	char line[512];
	FILE *f = fopen("/proc/self/cgroup", "re");
	int found = 0;

	if (!f)
		return 0;
	while (fgets(line, sizeof(line), f)) {
		if (strncmp(line, "0::", 3))
			continue;
		line[strcspn(line, "\n")] = '\0';
		found = !strcmp(line + 3, want);
		if (!found)
			en_diag("expected in v2 cgroup %s, in %s", want, line + 3);
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
		en_diag("open %s: %s", CG2_INTO, strerror(errno));
		return KSFT_FAIL;
	}
	pid = clone3_into(fd);
	if (pid == 0) {
		int ok = in_v2_cgroup("/enf_into");

		ok &= en_expect_cgroup(0, CG_INTO);
		ok &= en_expect("mkdir in a child cloned into a v2 cgroup",
				en_sys(SYS_mkdir, (long)INTO_PATH, 0755, 0),
				-ENOSYS);
		_exit(ok ? KSFT_PASS : KSFT_FAIL);
	}
	if (pid < 0) {
		en_diag("clone3(CLONE_INTO_CGROUP) into a v2 cgroup: expected a child, got %s",
			en_res(-errno));
		return KSFT_FAIL;
	}
	close(fd);
	if (waitpid(pid, &status, 0) != pid)
		return KSFT_FAIL;
	return en_status("child cloned into a v2 cgroup", status);
}

static int cg2_mounted;

static int cg2_mount(void)
{
	mkdir(CG2_DIR, 0755);
	if (mount("cgroup2", CG2_DIR, "cgroup2", 0, NULL)) {
		en_diag("mount cgroup2 on %s: %s", CG2_DIR, strerror(errno));
		return -1;
	}
	cg2_mounted = 1;
	if (mkdir(CG2_INTO, 0755)) {
		en_diag("mkdir %s: %s", CG2_INTO, strerror(errno));
		return -1;
	}
	return 0;
}

static void cg2_cleanup(void)
{
	rmdir(CG2_INTO);
	if (cg2_mounted && umount2(CG2_DIR, 0))
		en_diag("cleanup: umount %s: %s", CG2_DIR, strerror(errno));
	cg2_mounted = 0;
	rmdir(CG2_DIR);
}

static int test_clone_into_v2_cgroup_stays_filtered(void)
{
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_INTO, "mkdir"))
		goto cleanup;
	if (cg2_mount()) {
		ret = KSFT_SKIP;
		goto cleanup;
	}
	if (en_run_in(CG_INTO, child_clone_into_v2, NULL) != KSFT_PASS)
		goto cleanup;
	if (!en_expect_exists(INTO_PATH, 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_rmdir_quiet(INTO_PATH);
	cg2_cleanup();
	en_cg_remove(CG_INTO);
	en_reset_root();
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
	int fd, status, err;
	pid_t pid;

	fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0) {
		en_diag("open %s: %s", dir, strerror(errno));
		return KSFT_FAIL;
	}
	pid = clone3_into(fd);
	err = errno;
	if (pid == 0)
		_exit(en_sys(SYS_mkdir, (long)INTO_PATH, 0755, 0) == 0 ? 99 : 98);
	close(fd);
	if (pid > 0) {
		waitpid(pid, &status, 0);
		en_diag("clone3(CLONE_INTO_CGROUP, fd of v1 %s): expected an error, got a child that %s",
			dir, WIFEXITED(status) && WEXITSTATUS(status) == 99 ?
			"ran unfiltered: its mkdir succeeded" :
			"was filtered");
		return KSFT_FAIL;
	}
	if (err == 0) {
		en_diag("clone3(CLONE_INTO_CGROUP, fd of v1 %s): expected an errno, got none",
			dir);
		return KSFT_FAIL;
	}
	en_diag("clone3(CLONE_INTO_CGROUP, fd of v1 %s) fails with %s", dir,
		strerrorname_np(err));
	return KSFT_PASS;
}

static int test_clone_into_v1_cgroup_fails(void)
{
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_INTO, "mkdir"))
		goto cleanup;
	/* A filtered task tries to escape into the root's v1 directory. */
	if (en_run_in(CG_INTO, child_clone_into_v1, SC_ROOT) != KSFT_PASS)
		goto cleanup;
	/* A task of the root aims at the filtering cgroup's v1 directory. */
	if (en_run_in(NULL, child_clone_into_v1, SC_ROOT "/" CG_INTO) != KSFT_PASS)
		goto cleanup;
	if (!en_expect_exists(INTO_PATH, 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_rmdir_quiet(INTO_PATH);
	en_cg_remove(CG_INTO);
	en_reset_root();
	return ret;
}

/* ---- No ABI bypasses a deny. ---- */

#define CG_ABI "enf_abi"
#define ABI_PATH1 EN_DIR "/abi1"
#define ABI_PATH2 EN_DIR "/abi2"
#define ABI_PATH3 EN_DIR "/abi3"

static int test_int80_from_64bit_denied(void)
{
	static const struct calls allowed = { 2, {
		{ "int $0x80 mkdir, nothing denied", CALL_INT80, IA32_MKDIR,
		  ABI_PATH1, 0 },
		{ "int $0x80 mkdir with high bits in %rax, nothing denied",
		  CALL_INT80, (1UL << 32) | IA32_MKDIR, ABI_PATH2, 0 },
	} };
	static const struct calls denied = { 3, {
		{ "int $0x80 mkdir, mkdir denied", CALL_INT80, IA32_MKDIR,
		  ABI_PATH1, -ENOSYS },
		{ "int $0x80 mkdir with high bits in %rax, mkdir denied",
		  CALL_INT80, (1UL << 32) | IA32_MKDIR, ABI_PATH2, -ENOSYS },
		{ "int $0x80 getpid, mkdir denied", CALL_INT80, IA32_GETPID,
		  NULL, EN_ANY_OK },
	} };
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_ABI, "mkdir"))
		goto cleanup;
	if (run_calls(NULL, &allowed) != KSFT_PASS)
		goto cleanup;
	if (run_calls(CG_ABI, &denied) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	calls_cleanup(&denied);
	en_cg_remove(CG_ABI);
	en_reset_root();
	return ret;
}

static int test_ia32_number_denies_only_int80(void)
{
	static const struct calls calls = { 2, {
		{ "int $0x80 mkdir, ia32:39 denied", CALL_INT80, IA32_MKDIR,
		  ABI_PATH1, -ENOSYS },
		{ "64-bit mkdir, ia32:39 denied", CALL_64, SYS_mkdir,
		  ABI_PATH2, 0 },
	} };
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_ABI, "ia32:39"))
		goto cleanup;
	if (run_calls(CG_ABI, &calls) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	calls_cleanup(&calls);
	en_cg_remove(CG_ABI);
	en_reset_root();
	return ret;
}

static int test_x32_call_denied(void)
{
	static const struct calls allowed = { 1, {
		{ "x32 mkdir, nothing denied", CALL_64, X32_BIT | SYS_mkdir,
		  ABI_PATH1, 0 },
	} };
	static const struct calls denied = { 2, {
		{ "x32 getpid, mkdir denied", CALL_64, X32_BIT | SYS_getpid,
		  NULL, EN_ANY_OK },
		{ "x32 mkdir, mkdir denied", CALL_64, X32_BIT | SYS_mkdir,
		  ABI_PATH1, -ENOSYS },
	} };
	int ret = KSFT_FAIL;

	if (!x32_works) {
		en_diag("x32 system calls do not run on this kernel");
		return KSFT_SKIP;
	}
	if (en_cg_make(CG_ABI, "mkdir"))
		goto cleanup;
	if (run_calls(NULL, &allowed) != KSFT_PASS)
		goto cleanup;
	if (run_calls(CG_ABI, &denied) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	calls_cleanup(&denied);
	en_cg_remove(CG_ABI);
	en_reset_root();
	return ret;
}

/*
 * x32 ioctl (514) is a number of x32's own; it is the x86_64 ioctl. FIOCLEX
 * on a pipe shows whether it ran: it sets close-on-exec.
 */
static int child_x32_ioctl(void *arg)
{
	long want = (long)arg, r;
	int p[2], flags, ok;

	if (pipe(p))
		return KSFT_FAIL;
	ok = en_expect("x32 getpid", en_sys(X32_BIT | SYS_getpid, 0, 0, 0),
		       EN_ANY_OK);
	r = en_sys(X32_BIT | X32_IOCTL, p[0], FIOCLEX, 0);
	ok &= en_expect("x32 ioctl(FIOCLEX)", r, want);
	flags = fcntl(p[0], F_GETFD);
	if (!!(flags & FD_CLOEXEC) != !want) {
		en_diag("after x32 ioctl(FIOCLEX): expected close-on-exec %s, it is %s",
			want == 0 ? "set" : "clear",
			flags & FD_CLOEXEC ? "set" : "clear");
		ok = 0;
	}
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_x32_only_number_denied(void)
{
	int ret = KSFT_FAIL;

	if (!x32_works) {
		en_diag("x32 system calls do not run on this kernel");
		return KSFT_SKIP;
	}
	if (en_run_in(NULL, child_x32_ioctl, (void *)0L) != KSFT_PASS)
		goto cleanup;
	/* By name. */
	if (en_cg_make(CG_ABI, "ioctl"))
		goto cleanup;
	if (en_run_in(CG_ABI, child_x32_ioctl, (void *)(long)-ENOSYS) != KSFT_PASS)
		goto cleanup;
	en_cg_remove(CG_ABI);
	/* By the bare x86_64 number. */
	if (en_cg_make(CG_ABI, "16"))
		goto cleanup;
	if (en_run_in(CG_ABI, child_x32_ioctl, (void *)(long)-ENOSYS) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_cg_remove(CG_ABI);
	en_reset_root();
	return ret;
}

/*
 * The entry code truncates %rax to int: (1 << 32) | 83 runs mkdir. With
 * mkdir denied, no such number may run it.
 */
static int test_high_bits_of_rax_ignored(void)
{
	static const struct calls allowed = { 3, {
		{ "mkdir as (1 << 32) | 83, nothing denied", CALL_64,
		  (1UL << 32) | SYS_mkdir, ABI_PATH1, 0 },
		{ "mkdir as 0xffffffff00000053, nothing denied", CALL_64,
		  0xffffffff00000000UL | SYS_mkdir, ABI_PATH2, 0 },
		{ "x32 mkdir as (1 << 32) | x32 bit | 83, nothing denied",
		  CALL_64, (1UL << 32) | X32_BIT | SYS_mkdir, ABI_PATH3, 0 },
	} };
	static const struct calls denied = { 3, {
		{ "mkdir as (1 << 32) | 83, mkdir denied", CALL_64,
		  (1UL << 32) | SYS_mkdir, ABI_PATH1, -ENOSYS },
		{ "mkdir as 0xffffffff00000053, mkdir denied", CALL_64,
		  0xffffffff00000000UL | SYS_mkdir, ABI_PATH2, -ENOSYS },
		{ "x32 mkdir as (1 << 32) | x32 bit | 83, mkdir denied",
		  CALL_64, (1UL << 32) | X32_BIT | SYS_mkdir, ABI_PATH3,
		  -ENOSYS },
	} };
	struct calls a = allowed, d = denied;
	int ret = KSFT_FAIL;

	if (!x32_works) {
		a.n--;
		d.n--;
	}
	if (en_cg_make(CG_ABI, "mkdir"))
		goto cleanup;
	if (run_calls(NULL, &a) != KSFT_PASS)
		goto cleanup;
	if (run_calls(CG_ABI, &d) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	calls_cleanup(&denied);
	en_cg_remove(CG_ABI);
	en_reset_root();
	return ret;
}

/*
 * With `all` denied, every number of every ABI fails with ENOSYS but the
 * calls that always run (exit, exit_group, rt_sigreturn and, on ia32,
 * sigreturn). The child cannot write: it reports through shared memory.
 */
#define ALL_MAX_BAD 8

enum { ALL_X86_64, ALL_X32, ALL_IA32, ALL_ABIS };

static const char *const all_abi_name[ALL_ABIS] = {
	"x86_64", "x32", "ia32 (int $0x80)",
};

struct all_result {
	struct {
		int checked, bad;
		unsigned long nr[ALL_MAX_BAD];
		long ret[ALL_MAX_BAD];
	} abi[ALL_ABIS];
	int done;
};

static struct all_result *all_res;

static void all_record(int abi, unsigned long nr, long r)
{
	int n;

	all_res->abi[abi].checked++;
	if (r == -ENOSYS)
		return;
	n = all_res->abi[abi].bad++;
	if (n < ALL_MAX_BAD) {
		all_res->abi[abi].nr[n] = nr;
		all_res->abi[abi].ret[n] = r;
	}
}

static int always_allowed_64(unsigned long nr)
{
	return nr == SYS_rt_sigreturn || nr == SYS_exit || nr == SYS_exit_group;
}

static int child_all_numbers(void *arg)
{
	unsigned long nr;

	for (nr = 0; nr < 600; nr++)
		if (!always_allowed_64(nr))
			all_record(ALL_X86_64, nr, raw_syscall3(nr, 0, 0, 0));
	/* 513 is x32's rt_sigreturn. */
	for (nr = 0; x32_works && nr < 600; nr++)
		if (!always_allowed_64(nr) && nr != 513)
			all_record(ALL_X32, nr,
				   raw_syscall3(X32_BIT | nr, 0, 0, 0));
	/* exit, sigreturn, rt_sigreturn, exit_group. */
	for (nr = 0; nr < 500; nr++)
		if (nr != 1 && nr != 119 && nr != 173 && nr != 252)
			all_record(ALL_IA32, nr, int80_syscall2(nr, 0, 0));
	all_res->done = 1;
	return KSFT_PASS;
}

static int test_all_denies_every_number(void)
{
	int ret = KSFT_FAIL, ok, abi, i;

	all_res = mmap(NULL, sizeof(*all_res), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (all_res == MAP_FAILED) {
		all_res = NULL;
		goto cleanup;
	}
	if (en_cg_make(CG_ABI, "all"))
		goto cleanup;
	ok = en_run_in(CG_ABI, child_all_numbers, NULL) == KSFT_PASS;
	if (!all_res->done) {
		en_diag("the child denied all did not get through its calls");
		goto cleanup;
	}
	for (abi = 0; abi < ALL_ABIS; abi++) {
		ksft_print_msg("all denied: %d %s numbers checked, %d ran\n",
			       all_res->abi[abi].checked, all_abi_name[abi],
			       all_res->abi[abi].bad);
		for (i = 0; i < all_res->abi[abi].bad && i < ALL_MAX_BAD; i++)
			en_diag("%s call %lu with all denied: expected -ENOSYS, got %s",
				all_abi_name[abi], all_res->abi[abi].nr[i],
				en_res(all_res->abi[abi].ret[i]));
		ok &= !all_res->abi[abi].bad;
	}
	if (ok)
		ret = KSFT_PASS;
cleanup:
	if (all_res)
		munmap(all_res, sizeof(*all_res));
	all_res = NULL;
	en_cg_remove(CG_ABI);
	en_reset_root();
	return ret;
}

/* ---- A tracer cannot smuggle a denied call through. ---- */

#define CG_TRACE "enf_trace"
#define CG_TRACE_CTL "enf_trace_control"
#define TRACE_PATH EN_DIR "/traced"

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
	int status, in_call = 0, armed = 0, done = 0, sig = 0;
	struct en_child c;

	if (en_child_start(&c, tracee_main, &t))
		return -1;
	if (sc_enter(cg, c.pid) || en_child_go(&c))
		goto out;
	if (waitpid(c.pid, &status, 0) != c.pid || !WIFSTOPPED(status) ||
	    WSTOPSIG(status) != SIGSTOP) {
		en_diag("tracee: expected a SIGSTOP stop, got status %#x", status);
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
				en_status("tracee", status);
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
	en_child_kill(&c);
	if (!done)
		en_diag("tracer: the rewritten call was not seen");
	return done ? 0 : -1;
}

static int trace_expect(const char *cg, unsigned long from, unsigned long to,
			long want, const char *what)
{
	long r = LONG_MIN;
	int ok;

	en_rmdir_quiet(TRACE_PATH);
	if (trace_rewrite(cg, from, to, TRACE_PATH, &r))
		return 0;
	ok = en_expect(what, r, want);
	ok &= en_expect_exists(TRACE_PATH, want == 0);
	en_rmdir_quiet(TRACE_PATH);
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
		{ X32_BIT | SYS_mkdir, "getppid rewritten into x32 mkdir", 1 },
	};
	char what[200];
	int ret = KSFT_FAIL;
	unsigned int i;

	/* The control cgroup sets the work bit, but allows mkdir. */
	if (en_cg_make(CG_TRACE_CTL, "rmdir") || en_cg_make(CG_TRACE, "mkdir"))
		goto cleanup;
	for (i = 0; i < ARRAY_SIZE(rewrites); i++) {
		if (rewrites[i].x32 && !x32_works)
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
	en_rmdir_quiet(TRACE_PATH);
	en_cg_remove(CG_TRACE);
	en_cg_remove(CG_TRACE_CTL);
	en_reset_root();
	return ret;
}

static int test_tracer_rewrites_denied_into_allowed(void)
{
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_TRACE, "mkdir"))
		goto cleanup;
	/* getppid of the tracee returns the tracer's pid: this process. */
	if (!trace_expect(CG_TRACE, SYS_mkdir, SYS_getppid, getpid(),
			  "denied mkdir rewritten into getppid"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_rmdir_quiet(TRACE_PATH);
	en_cg_remove(CG_TRACE);
	en_reset_root();
	return ret;
}

/* ---- Seccomp runs first; both apply. ---- */

#define CG_SECCOMP "enf_seccomp"
#define SECCOMP_PATH EN_DIR "/seccomp"

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
		en_diag("installing a seccomp filter: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static int child_seccomp_mkdir(void *arg)
{
	int ok;

	if (seccomp_fail_call(SYS_mkdir, EPERM))
		return KSFT_FAIL;
	ok = en_expect("mkdir failed by seccomp and denied by the cgroup",
		       en_sys(SYS_mkdir, (long)SECCOMP_PATH, 0755, 0), -EPERM);
	ok &= en_expect_exists(SECCOMP_PATH, 0);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int child_seccomp_getppid(void *arg)
{
	int ok;

	if (seccomp_fail_call(SYS_getppid, EACCES))
		return KSFT_FAIL;
	ok = en_expect("getppid failed by seccomp",
		       en_sys(SYS_getppid, 0, 0, 0), -EACCES);
	ok &= en_expect("mkdir denied by the cgroup, seccomp allowing it",
			en_sys(SYS_mkdir, (long)SECCOMP_PATH, 0755, 0), -ENOSYS);
	ok &= en_expect_exists(SECCOMP_PATH, 0);
	ok &= en_expect("getpid allowed by both", en_sys(SYS_getpid, 0, 0, 0),
			EN_ANY_OK);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_seccomp_errno_stands(void)
{
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_SECCOMP, "mkdir"))
		goto cleanup;
	if (en_run_in(CG_SECCOMP, child_seccomp_mkdir, NULL) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_rmdir_quiet(SECCOMP_PATH);
	en_cg_remove(CG_SECCOMP);
	en_reset_root();
	return ret;
}

static int test_seccomp_and_cgroup_both_apply(void)
{
	int ret = KSFT_FAIL;

	if (en_cg_make(CG_SECCOMP, "mkdir"))
		goto cleanup;
	if (en_run_in(CG_SECCOMP, child_seccomp_getppid, NULL) != KSFT_PASS)
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_rmdir_quiet(SECCOMP_PATH);
	en_cg_remove(CG_SECCOMP);
	en_reset_root();
	return ret;
}

/* ---- Race: no denied call runs after the deny returned. ---- */

#define RACE_SECONDS 6
#define RACE_P "enf_race"
#define RACE_C "enf_race/inner"

enum race_kind {
	RACE_LOOP,	/* three threads calling in a loop */
	RACE_FORK,	/* forks children that call and exit */
	RACE_THREAD,	/* creates threads that call and exit */
	RACE_EXEC,	/* forks children that exec and call */
	RACE_EXECED,	/* such an exec'd child */
	RACE_KINDS,
};

static const char *const race_kind_name[RACE_KINDS] = {
	"loop", "fork", "thread", "exec", "exec'd",
};

struct race {
	/* (generation << 1) | 1 while the toggler knows getppid denied. */
	uint64_t state;
	int start;
	int stop;
	uint64_t calls, checked, enosys, violations;
	uint64_t forks, threads, execs, migrations, toggles, churns, errors;
	struct {
		uint64_t state;
		long ret;
		int kind;
		pid_t tid;
	} viol[4];
};

static struct race *race;

static void race_add(uint64_t *counter, uint64_t n)
{
	__atomic_add_fetch(counter, n, __ATOMIC_RELAXED);
}

static int race_stopped(void)
{
	return __atomic_load_n(&race->stop, __ATOMIC_RELAXED);
}

/*
 * One checked call. The state read before and after it: if both say
 * "denied since generation g", the deny write had returned before the
 * call began and the allow write had not begun when it ended, so the call
 * must have failed with ENOSYS.
 */
static void race_check(int kind)
{
	uint64_t before, after, n;
	long r;

	before = __atomic_load_n(&race->state, __ATOMIC_SEQ_CST);
	r = raw_syscall3(SYS_getppid, 0, 0, 0);
	after = __atomic_load_n(&race->state, __ATOMIC_SEQ_CST);
	race_add(&race->calls, 1);
	if (!(before & 1) || after != before)
		return;
	race_add(&race->checked, 1);
	if (r == -ENOSYS) {
		race_add(&race->enosys, 1);
		return;
	}
	n = __atomic_fetch_add(&race->violations, 1, __ATOMIC_SEQ_CST);
	if (n < ARRAY_SIZE(race->viol)) {
		race->viol[n].state = before;
		race->viol[n].ret = r;
		race->viol[n].kind = kind;
		race->viol[n].tid = gettid();
	}
}

static void *race_loop_thread(void *arg)
{
	while (!race_stopped())
		race_check(RACE_LOOP);
	return NULL;
}

static void *race_short_thread(void *arg)
{
	int i;

	for (i = 0; i < 16; i++)
		race_check(RACE_THREAD);
	return NULL;
}

static int race_memfd = -1;

static void race_wait_start(void)
{
	int v;

	while (!(v = __atomic_load_n(&race->start, __ATOMIC_SEQ_CST)))
		futex_op(&race->start, FUTEX_WAIT, v, NULL);
}

static __noreturn void race_worker(int kind)
{
	pthread_t t[3];
	char fd[16];
	int i, status;
	pid_t pid;

	alarm(RACE_SECONDS + 120);
	race_wait_start();
	switch (kind) {
	case RACE_LOOP:
		for (i = 0; i < 2; i++)
			if (pthread_create(&t[i], NULL, race_loop_thread, NULL))
				race_add(&race->errors, 1);
		race_loop_thread(NULL);
		for (i = 0; i < 2; i++)
			pthread_join(t[i], NULL);
		break;
	case RACE_FORK:
		while (!race_stopped()) {
			race_check(kind);
			pid = fork();
			if (pid == 0) {
				for (i = 0; i < 16; i++)
					race_check(kind);
				_exit(0);
			}
			if (pid < 0) {
				race_add(&race->errors, 1);
				break;
			}
			race_check(kind);
			waitpid(pid, NULL, 0);
			race_add(&race->forks, 1);
		}
		break;
	case RACE_THREAD:
		while (!race_stopped()) {
			for (i = 0; i < 3; i++)
				if (pthread_create(&t[i], NULL, race_short_thread, NULL))
					race_add(&race->errors, 1);
			for (i = 0; i < 3; i++)
				pthread_join(t[i], NULL);
			race_add(&race->threads, 3);
		}
		break;
	case RACE_EXEC:
		snprintf(fd, sizeof(fd), "%d", race_memfd);
		while (!race_stopped()) {
			pid = fork();
			if (pid == 0) {
				execl("/proc/self/exe", "test_enforce",
				      "--race-exec", fd, (char *)NULL);
				_exit(1);
			}
			if (pid < 0) {
				race_add(&race->errors, 1);
				break;
			}
			if (waitpid(pid, &status, 0) != pid || status != 0)
				race_add(&race->errors, 1);
			race_add(&race->execs, 1);
		}
		break;
	}
	_exit(0);
}

/* `test_enforce --race-exec FD`: the exec'd side of RACE_EXEC. */
static int race_execed(const char *fd)
{
	int i;

	race = mmap(NULL, sizeof(*race), PROT_READ | PROT_WRITE, MAP_SHARED,
		    atoi(fd), 0);
	if (race == MAP_FAILED)
		return 1;
	for (i = 0; i < 32; i++)
		race_check(RACE_EXECED);
	return 0;
}

/* Spins until *counter grew by n, or `seconds` passed. */
static void race_progress(uint64_t *counter, uint64_t n, double seconds)
{
	uint64_t from = __atomic_load_n(counter, __ATOMIC_RELAXED);
	double deadline = now_seconds() + seconds;

	while (__atomic_load_n(counter, __ATOMIC_RELAXED) - from < n &&
	       now_seconds() < deadline && !race_stopped())
		sched_yield();
}

static __noreturn void race_toggler(void)
{
	uint64_t gen = 0;
	int err;

	alarm(RACE_SECONDS + 120);
	/* More toggles, more races: a larger share of the CPUs. */
	if (setpriority(PRIO_PROCESS, 0, -10))
		en_diag("toggler: setpriority: %s", strerror(errno));
	race_wait_start();
	while (!race_stopped()) {
		err = sc_write(RACE_P, "syscalls.deny", "getppid");
		if (err) {
			en_diag("toggler: deny getppid: %s", en_res(err));
			race_add(&race->errors, 1);
			break;
		}
		/* Published only once the deny write returned. */
		__atomic_store_n(&race->state, (++gen << 1) | 1, __ATOMIC_SEQ_CST);
		race_progress(&race->checked, 64, 0.02);
		/* Retracted before the allow write begins. */
		__atomic_store_n(&race->state, ++gen << 1, __ATOMIC_SEQ_CST);
		err = sc_write(RACE_P, "syscalls.allow", "getppid");
		if (err) {
			en_diag("toggler: allow getppid: %s", en_res(err));
			race_add(&race->errors, 1);
			break;
		}
		race_add(&race->toggles, 1);
		race_progress(&race->calls, 64, 0.005);
	}
	_exit(0);
}

/* Moves every task of cgroup `from` to `to` through `tasks`. */
static void race_move_all(const char *from, const char *to)
{
	char buf[65536], *p, *end;
	int err;

	if (sc_read(from, "tasks", buf, sizeof(buf)) < 0)
		return;
	for (p = buf; *p; p = end) {
		long tid = strtol(p, &end, 10);

		if (end == p)
			break;
		err = sc_enter_thread(to, tid);
		if (!err)
			race_add(&race->migrations, 1);
		else if (err != -ESRCH)
			race_add(&race->errors, 1);
	}
}

static __noreturn void race_migrator(const pid_t *workers, int n)
{
	unsigned int round = 0;
	int i, err;

	alarm(RACE_SECONDS + 120);
	if (setpriority(PRIO_PROCESS, 0, -10))
		en_diag("migrator: setpriority: %s", strerror(errno));
	race_wait_start();
	while (!race_stopped()) {
		if (round % 4 == 3) {
			/* Single threads, forked and exec'd children too. */
			race_move_all(RACE_P, RACE_C);
			race_move_all(RACE_C, RACE_P);
		} else {
			for (i = 0; i < n; i++) {
				err = sc_enter((round + i) & 1 ? RACE_C : RACE_P,
					       workers[i]);
				if (!err) {
					race_add(&race->migrations, 1);
				} else if (err != -ESRCH) {
					if (!race->errors)
						en_diag("migrator: moving %d: %s",
							workers[i], en_res(err));
					race_add(&race->errors, 1);
				}
			}
		}
		round++;
	}
	_exit(0);
}

/*
 * Creates cgroups under the toggled ones and removes them again, moving a
 * worker through each new one on the way: their effective sets, taken
 * from the parent while the toggler writes, must deny as the parent does.
 */
#define RACE_CHURN 4

static void race_churn_name(char *buf, size_t len, unsigned int n)
{
	snprintf(buf, len, "%s/churn%u", n & 1 ? RACE_C : RACE_P,
		 n % RACE_CHURN);
}

static __noreturn void race_churner(pid_t victim)
{
	unsigned int n = 0;
	char cg[64];
	int err;

	alarm(RACE_SECONDS + 120);
	race_wait_start();
	while (!race_stopped()) {
		race_churn_name(cg, sizeof(cg), n++);
		err = sc_mkdir(cg);
		if (!err)
			err = sc_enter(cg, victim);
		if (!err)
			err = sc_enter(n & 1 ? RACE_P : RACE_C, victim);
		if (!err)
			err = sc_rmdir(cg);
		if (!err) {
			race_add(&race->churns, 1);
		} else if (err == -ESRCH && race_stopped()) {
			break;
		} else if (err != -EBUSY) {
			en_diag("churner: cgroup %s: %s", cg, en_res(err));
			race_add(&race->errors, 1);
			break;
		}
	}
	_exit(0);
}

static int test_race_deny_never_leaks(void)
{
	static const int kinds[] = {
		RACE_LOOP, RACE_LOOP, RACE_FORK, RACE_FORK, RACE_THREAD,
		RACE_EXEC,
	};
	pid_t workers[ARRAY_SIZE(kinds)] = { 0 }, toggler = 0, migrator = 0;
	pid_t churner = 0;
	char cg[64];
	struct timespec run = { RACE_SECONDS, 0 };
	int ret = KSFT_FAIL, status, ok;
	unsigned int i, nworkers = 0;
	double t0;

	race_memfd = memfd_create("race", 0);
	if (race_memfd < 0 || ftruncate(race_memfd, sizeof(*race)))
		goto cleanup;
	race = mmap(NULL, sizeof(*race), PROT_READ | PROT_WRITE, MAP_SHARED,
		    race_memfd, 0);
	if (race == MAP_FAILED) {
		race = NULL;
		goto cleanup;
	}
	if (en_cg_make(RACE_P, NULL) || en_cg_make(RACE_C, NULL))
		goto cleanup;
	fflush(NULL);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		workers[i] = fork();
		if (workers[i] < 0)
			goto cleanup;
		if (workers[i] == 0)
			race_worker(kinds[i]);
		nworkers++;
		if (sc_enter(i & 1 ? RACE_C : RACE_P, workers[i]))
			goto cleanup;
	}
	toggler = fork();
	if (toggler == 0)
		race_toggler();
	migrator = fork();
	if (migrator == 0)
		race_migrator(workers, ARRAY_SIZE(kinds));
	churner = fork();
	if (churner == 0)
		race_churner(workers[0]);
	if (toggler < 0 || migrator < 0 || churner < 0)
		goto cleanup;

	t0 = now_seconds();
	store_and_wake(&race->start, 1);
	nanosleep(&run, NULL);
	__atomic_store_n(&race->stop, 1, __ATOMIC_SEQ_CST);

	ok = 1;
	for (i = 0; i < nworkers; i++) {
		if (waitpid(workers[i], &status, 0) == workers[i]) {
			ok &= en_status(race_kind_name[kinds[i]], status) == KSFT_PASS;
			workers[i] = 0;
		}
	}
	if (waitpid(toggler, &status, 0) == toggler) {
		ok &= en_status("toggler", status) == KSFT_PASS;
		toggler = 0;
	}
	if (waitpid(migrator, &status, 0) == migrator) {
		ok &= en_status("migrator", status) == KSFT_PASS;
		migrator = 0;
	}
	if (waitpid(churner, &status, 0) == churner) {
		ok &= en_status("churner", status) == KSFT_PASS;
		churner = 0;
	}
	ksft_print_msg("race: %.1f s, %lu calls, %lu checked while denied, %lu ENOSYS, %lu violations\n",
		       now_seconds() - t0, race->calls, race->checked,
		       race->enosys, race->violations);
	ksft_print_msg("race: %lu toggles, %lu migrations, %lu cgroups made and removed, %lu forks, %lu threads, %lu execs, %lu errors\n",
		       race->toggles, race->migrations, race->churns,
		       race->forks, race->threads, race->execs, race->errors);
	for (i = 0; i < race->violations && i < ARRAY_SIZE(race->viol); i++)
		en_diag("violation: getppid by %s task %d returned %s while denied since generation %lu",
			race_kind_name[race->viol[i].kind], race->viol[i].tid,
			en_res(race->viol[i].ret), race->viol[i].state >> 1);
	if (race->violations) {
		en_diag("expected no denied call to run, %lu did",
			race->violations);
		ok = 0;
	}
	if (race->errors) {
		en_diag("expected no errors in the workers, got %lu",
			race->errors);
		ok = 0;
	}
	if (!race->checked || !race->toggles || !race->migrations ||
	    !race->churns) {
		en_diag("expected calls checked while denied, toggles, migrations and cgroups made; got %lu, %lu, %lu, %lu",
			race->checked, race->toggles, race->migrations,
			race->churns);
		ok = 0;
	}
	if (ok)
		ret = KSFT_PASS;
cleanup:
	if (race)
		__atomic_store_n(&race->stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < nworkers; i++)
		if (workers[i] > 0) {
			kill(workers[i], SIGKILL);
			waitpid(workers[i], NULL, 0);
		}
	if (toggler > 0) {
		kill(toggler, SIGKILL);
		waitpid(toggler, NULL, 0);
	}
	if (migrator > 0) {
		kill(migrator, SIGKILL);
		waitpid(migrator, NULL, 0);
	}
	if (churner > 0) {
		kill(churner, SIGKILL);
		waitpid(churner, NULL, 0);
	}
	for (i = 0; i < 2 * RACE_CHURN; i++) {
		race_churn_name(cg, sizeof(cg), i);
		en_cg_remove(cg);
	}
	en_cg_remove(RACE_C);
	en_cg_remove(RACE_P);
	en_reset_root();
	if (race)
		munmap(race, sizeof(*race));
	race = NULL;
	if (race_memfd >= 0)
		close(race_memfd);
	race_memfd = -1;
	return ret;
}

/* ---- The root and kernel threads are never filtered. ---- */

#define CG_ALL "enf_all"
#define ROOT_PATH1 EN_DIR "/root1"
#define ROOT_PATH2 EN_DIR "/root2"

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

	if (en_cg_make(CG_RESTART, NULL) || pipe(to_child) || pipe(to_parent))
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
			printf("# restart_syscall after the deny: expected -ENOSYS, got %ld (revents %#x)\n",
			       r, pfd.revents);
			_exit(7);
		}
		_exit(0);
	}
	if (sc_enter(CG_RESTART, child) || write(to_child[1], "g", 1) != 1)
		goto cleanup;
	usleep(300000);
	kill(child, SIGSTOP);
	usleep(200000);
	kill(child, SIGCONT);
	if (read(to_parent[0], &b, 1) != 1) {
		ksft_print_msg("the child's first poll failed\n");
		goto cleanup;
	}
	if (sc_write(CG_RESTART, "syscalls.deny", "poll")) {
		ksft_print_msg("deny poll failed\n");
		goto cleanup;
	}
	if (!sc_reads(CG_RESTART, "syscalls.deny", "7 ia32:168"))
		goto cleanup;
	if (write(to_child[1], "g", 1) != 1)
		goto cleanup;
	if (waitpid(child, &status, 0) != child)
		goto cleanup;
	child = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status)) {
		ksft_print_msg("child: expected exit 0, got status %#x\n", status);
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
	en_cg_remove(CG_RESTART);
	en_reset_root();
	return ret;
}

static int test_root_unfiltered_while_child_denies_all(void)
{
	static const struct calls in_root = { 1, {
		{ "mkdir by a child in the root", CALL_64, SYS_mkdir,
		  ROOT_PATH2, 0 },
	} };
	struct en_child c = { .pid = -1, .sync = NULL };
	int ret = KSFT_FAIL, status;

	if (en_cg_make(CG_ALL, "all"))
		goto cleanup;
	if (!sc_reads("", "syscalls.deny", ""))
		goto cleanup;
	/* A task sits in the cgroup that denies all while the root works. */
	if (en_child_start(&c, child_deny_all, NULL) || sc_enter(CG_ALL, c.pid))
		goto cleanup;
	if (run_calls(NULL, &in_root) != KSFT_PASS)
		goto cleanup;
	if (!en_expect("mkdir by the test itself in the root",
		       en_sys(SYS_mkdir, (long)ROOT_PATH2, 0755, 0), 0))
		goto cleanup;
	en_rmdir_quiet(ROOT_PATH2);
	if (en_child_go(&c) || waitpid(c.pid, &status, 0) != c.pid)
		goto cleanup;
	c.pid = -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != KSFT_PASS) {
		en_diag("task in the cgroup denying all: expected getpid and mkdir ENOSYS and exit 0, got status %#x",
			status);
		goto cleanup;
	}
	if (!en_expect_exists(ROOT_PATH1, 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	en_child_kill(&c);
	en_rmdir_quiet(ROOT_PATH1);
	en_rmdir_quiet(ROOT_PATH2);
	en_cg_remove(CG_ALL);
	en_reset_root();
	return ret;
}

static int is_kthread(const char *pid)
{
	char path[64], buf[1024], *p;
	unsigned int flags;
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), "/proc/%s/stat", pid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	p = strrchr(buf, ')');
	if (!p || sscanf(p + 2, "%*c %*d %*d %*d %*d %*d %u", &flags) != 1)
		return 0;
	return !!(flags & PF_KTHREAD);
}

/* Work that needs kernel threads: writeback, tmpfs, fork and exec. */
static int system_works(void)
{
	char dir[] = EN_DIR "/kt", path[128], data[4096];
	int i, fd, ok = 1, status;
	pid_t pid;

	sync();
	if (mkdir(dir, 0755) || mount("tmpfs", dir, "tmpfs", 0, NULL)) {
		en_diag("tmpfs on %s: %s", dir, strerror(errno));
		rmdir(dir);
		return 0;
	}
	memset(data, 'k', sizeof(data));
	for (i = 0; i < 64 && ok; i++) {
		snprintf(path, sizeof(path), "%s/f%d", dir, i);
		fd = open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
		if (fd < 0 || write(fd, data, sizeof(data)) != sizeof(data) ||
		    fsync(fd)) {
			en_diag("writing %s: %s", path, strerror(errno));
			ok = 0;
		}
		if (fd >= 0)
			close(fd);
		if (unlink(path) && ok) {
			en_diag("unlink %s: %s", path, strerror(errno));
			ok = 0;
		}
	}
	if (umount2(dir, 0)) {
		en_diag("umount %s: %s", dir, strerror(errno));
		ok = 0;
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
		en_diag("fork and exec of busybox true: expected exit 0, got status %#x",
			status);
		ok = 0;
	}
	return ok;
}

static int test_kernel_threads_never_filtered(void)
{
	int ret = KSFT_FAIL, moved = 0, refused = 0, left;
	struct dirent *de;
	DIR *proc;

	if (en_cg_make(CG_ALL, "all"))
		goto cleanup;
	proc = opendir("/proc");
	if (!proc)
		goto cleanup;
	while ((de = readdir(proc))) {
		if (de->d_name[0] < '0' || de->d_name[0] > '9' ||
		    !is_kthread(de->d_name))
			continue;
		if (sc_enter_thread(CG_ALL, atoi(de->d_name)))
			refused++;
		else
			moved++;
	}
	closedir(proc);
	ksft_print_msg("moved %d kernel threads into a cgroup denying all; %d refused\n",
		       moved, refused);
	if (!moved) {
		ret = KSFT_SKIP;
		goto cleanup;
	}
	if (!system_works())
		goto cleanup;
	if (!en_expect("mkdir by the test itself in the root",
		       en_sys(SYS_mkdir, (long)ROOT_PATH1, 0755, 0), 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	left = en_cg_empty(CG_ALL);
	if (left) {
		en_diag("expected every kernel thread back in the root, %d left",
			left);
		ret = KSFT_FAIL;
	}
	en_rmdir_quiet(ROOT_PATH1);
	en_cg_remove(CG_ALL);
	en_reset_root();
	return ret;
}

#define T(x) { x, #x }
struct enforce_test {
	int (*fn)(void);
	const char *name;
} tests[] = {
	T(test_denied_call_fails_with_enosys),
	T(test_deny_reaches_only_its_cgroup),
	T(test_policy_change_reaches_running_threads),
	T(test_fork_child_is_filtered),
	T(test_new_thread_is_filtered),
	T(test_exec_stays_filtered),
	T(test_migration_into_filtering_cgroup),
	T(test_migration_out_to_root),
	T(test_migration_between_filtering_cgroups),
	T(test_thread_migration),
	T(test_ancestor_deny_reaches_running_descendants),
	T(test_clone_into_v2_cgroup_stays_filtered),
	T(test_clone_into_v1_cgroup_fails),
	T(test_int80_from_64bit_denied),
	T(test_ia32_number_denies_only_int80),
	T(test_x32_call_denied),
	T(test_x32_only_number_denied),
	T(test_high_bits_of_rax_ignored),
	T(test_all_denies_every_number),
	T(test_tracer_cannot_smuggle_denied_call),
	T(test_tracer_rewrites_denied_into_allowed),
	T(test_seccomp_errno_stands),
	T(test_seccomp_and_cgroup_both_apply),
	T(test_race_deny_never_leaks),
	T(test_restart_cannot_continue_a_denied_call),
	T(test_root_unfiltered_while_child_denies_all),
	T(test_kernel_threads_never_filtered),
};
#undef T

int main(int argc, char **argv)
{
	double t0 = now_seconds(), t;
	unsigned int i;
	int err;

	if (argc == 3 && !strcmp(argv[1], "--exec-probe"))
		return exec_probe(argv[2]);
	if (argc == 3 && !strcmp(argv[1], "--race-exec"))
		return race_execed(argv[2]);

	ksft_print_header();
	ksft_set_plan(ARRAY_SIZE(tests));
	/* A child that died early must not take the test down with it. */
	signal(SIGPIPE, SIG_IGN);
	if (geteuid())
		ksft_exit_skip("must run as root\n");
	err = sc_mount();
	if (err)
		ksft_exit_skip("cannot mount the syscalls hierarchy: %s\n",
			       strerror(-err));
	if (mkdir(EN_DIR, 0755) && errno != EEXIST)
		ksft_exit_fail_msg("mkdir %s: %s\n", EN_DIR, strerror(errno));
	low_page = mmap(NULL, 4096 * 2, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low_page == MAP_FAILED)
		ksft_exit_fail_msg("mmap(MAP_32BIT): %s\n", strerror(errno));
	x32_works = en_sys(X32_BIT | SYS_getpid, 0, 0, 0) == getpid();
	en_reset_root();

	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		t = now_seconds();
		err = tests[i].fn();
		ksft_print_msg("%s: %.2f s\n", tests[i].name, now_seconds() - t);
		switch (err) {
		case KSFT_PASS:
			ksft_test_result_pass("%s\n", tests[i].name);
			break;
		case KSFT_SKIP:
			ksft_test_result_skip("%s\n", tests[i].name);
			break;
		default:
			ksft_test_result_fail("%s\n", tests[i].name);
			break;
		}
		fflush(stdout);
	}
	ksft_print_msg("total: %.1f s\n", now_seconds() - t0);
	ksft_finished();
}
