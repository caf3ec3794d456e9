// SPDX-License-Identifier: GPL-2.0
/*
 * The syscalls cgroup benchmark, in the manner of seccomp_benchmark.c: what
 * a getpid() costs a task in the root cgroup, in a child cgroup that denies
 * nothing, in filtering cgroups (depth 1 and 32, 1 and 400 calls denied),
 * what a denied call costs, what seccomp costs with a filter its bitmap
 * cache serves and with one it cannot cache, and what one deny write costs
 * over N cgroups holding N tasks. The expectations are TAP results.
 *
 * With SYSCALLS_CGROUP_V2=1 it runs the same cases on cgroup v2 (the
 * root-cgroup case is then v2's root), and one more: a task in a cgroup
 * whose controller was disabled (-syscalls in its parent's
 * cgroup.subtree_control) after it was filtered there, which must cost
 * what a task of the root costs.
 *
 * It is meant to run under QEMU with -icount shift=0,sleep=off, where the
 * guest clock advances one nanosecond per instruction executed: every
 * figure is then a count of instructions (not cycles), and repeats exactly
 * from run to run and from boot to boot. On real hardware it still runs,
 * and the figures are nanoseconds.
 *
 * Method. A run times a loop of calls between two clock_gettime() calls
 * (the vDSO). A figure is the difference between the shortest run of 2N
 * calls and the shortest run of N calls, divided by N: the clock reads and
 * the loop's setup cancel out. Interrupts only ever add instructions to a
 * run, so the shortest runs are the ones no interrupt hit; a run of 2N
 * calls stays well inside a tick so that most runs are such clean runs, and
 * the number of runs that agree with the shortest is reported. From that
 * the same loop calling a copy of glibc's syscall() whose syscall
 * instruction is replaced by an ordinary one is subtracted: what remains is
 * what the kernel executes for one call.
 *
 * Machine-readable lines "# bench: KEY VALUE" carry every figure
 * (scripts/bench.sh gathers them) and "# bench-info: KEY TEXT" the facts
 * about the run. On a kernel without the controller only the root figure
 * is measured, so that it can be compared with the same figure on a kernel
 * with it.
 */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#include "kselftest.h"
#include "syscalls_cgroup_util.h"

/*
 * N, the calls of a short run, is chosen per figure so that a long run (2N
 * calls) takes about RUN_NS: a tenth of a tick at HZ=250, so that most
 * runs see no interrupt at all although both CPUs tick, yet long enough
 * that the clock's last digit is worth 1/N of an instruction per call.
 */
#define RUN_NS		400000
#define MIN_CALLS	100
#define MAX_CALLS	1000
/* Runs of N and of 2N calls per figure; the shortest of each counts. */
#define RUNS		15
/* Deny (and allow) writes timed per size of the tree. */
#define WRITE_RUNS	9
/* Clock reads that differ by this much still count as the same run. */
#define SAME_NS		2

/*
 * The x86_64 table runs from 0 to 462 (mseal) on 6.12, and on to 472 on 7.3,
 * with a hole from 335 to 423 between the old calls and the ones common to
 * all architectures. The large set is taken from the numbers both have.
 */
#define X86_64_LAST	462
#define HOLE_FIRST	335
#define HOLE_END	424
/* Calls denied in the large set. */
#define MANY_DENIED	400
/* A number past the table: the kernel's own -ENOSYS. */
#define NO_SUCH_CALL	1000

/* Deny writes are timed over trees of these many cgroups and tasks. */
#define TREE_MAX	1000
static const int tree_sizes[] = { 10, 100, TREE_MAX };
#define NR_SIZES	((int)ARRAY_SIZE(tree_sizes))

/*
 * Copies of glibc's syscall() (x86_64, glibc 2.36) with the syscall
 * instruction replaced by one ordinary instruction that sets the result:
 * the loop calling them runs every instruction the loop calling syscall()
 * runs in user space, on the success path (bench_stub_ok) or on the error
 * path that stores errno (bench_stub_enosys), so subtracting them leaves
 * the kernel's share alone.
 */
__thread int bench_errno;
long bench_stub_ok(long nr, ...);
long bench_stub_enosys(long nr, ...);

#define STUB(name, result)						\
	".globl " #name "\n"						\
	".type " #name ", @function\n"					\
	#name ":\n"							\
	"	mov %rdi, %rax\n"					\
	"	mov %rsi, %rdi\n"					\
	"	mov %rdx, %rsi\n"					\
	"	mov %rcx, %rdx\n"					\
	"	mov %r8, %r10\n"					\
	"	mov %r9, %r8\n"						\
	"	mov 8(%rsp), %r9\n"					\
	"	" result "\n"						\
	"	cmp $-4095, %rax\n"					\
	"	jae 1f\n"						\
	"	ret\n"							\
	"1:	mov $bench_errno@tpoff, %rcx\n"				\
	"	neg %eax\n"						\
	"	mov %eax, %fs:(%rcx)\n"					\
	"	or $-1, %rax\n"						\
	"	ret\n"							\
	".size " #name ", . - " #name "\n"

asm(".text\n"
	STUB(bench_stub_ok, "xor %eax, %eax")
	STUB(bench_stub_enosys, "mov $-38, %rax"));

typedef long (*call_fn)(long nr, ...);

/* One figure, measured in a child and sent to the parent. */
struct sample {
	int calls;		/* N. */
	double call;		/* The kernel's instructions per call. */
	double loop;		/* The loop's and the wrapper's own. */
	double fixed;		/* A run's fixed cost: two clock reads, setup. */
	int clean;		/* Least number of runs agreeing with a minimum. */
	long ret;		/* What the first call returned, */
	int err;		/* and its errno. */
};

static uint64_t now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One run: @n calls of @fn(@nr) between two clock reads. */
static __attribute__((noinline)) uint64_t run(call_fn fn, long nr,
					      unsigned long n)
{
	uint64_t start = now();
	unsigned long i;

	for (i = 0; i < n; i++)
		fn(nr);
	return now() - start;
}

struct series {
	uint64_t min;
	int same;		/* Runs within SAME_NS of the minimum. */
};

static void series_add(struct series *s, uint64_t *t, int n)
{
	int i;

	s->min = UINT64_MAX;
	for (i = 0; i < n; i++)
		if (t[i] < s->min)
			s->min = t[i];
	s->same = 0;
	for (i = 0; i < n; i++)
		if (t[i] <= s->min + SAME_NS)
			s->same++;
}

/*
 * Instructions per call of @fn(@nr), loop included; the fixed cost of a run
 * in *@fixed and the least count of agreeing runs in *@clean.
 */
static double per_call(call_fn fn, long nr, int calls, double *fixed,
		       int *clean)
{
	uint64_t t1[RUNS], t2[RUNS];
	struct series s1, s2;
	double call;
	int r;

	for (r = 0; r < RUNS; r++) {
		t1[r] = run(fn, nr, calls);
		t2[r] = run(fn, nr, 2 * calls);
	}
	series_add(&s1, t1, RUNS);
	series_add(&s2, t2, RUNS);
	call = (double)(int64_t)(s2.min - s1.min) / calls;
	if (fixed)
		*fixed = s1.min - call * calls;
	if (*clean > s1.same)
		*clean = s1.same;
	if (*clean > s2.same)
		*clean = s2.same;
	return call;
}

/* The sustained storm: runs of this many denied calls in a row, and twice. */
#define STORM_CALLS	100000
/* What a denied call may cost, sustained. */
#define STORM_MAX	400.0

/* N for the case being measured, when it is fixed; 0 otherwise. */
static int fixed_calls;

/* N for system call @nr: a long run of about RUN_NS, in hundreds. */
static int choose_calls(long nr)
{
	uint64_t t, best = UINT64_MAX;
	int r, calls;

	for (r = 0; r < 5; r++) {
		t = run(syscall, nr, MIN_CALLS);
		if (t < best)
			best = t;
	}
	calls = RUN_NS / 2 / (best / MIN_CALLS + 1) / 100 * 100;
	if (calls < MIN_CALLS)
		calls = MIN_CALLS;
	if (calls > MAX_CALLS)
		calls = MAX_CALLS;
	return calls;
}

/* Measures system call @nr in the calling task, as it stands. */
static void sample_call(long nr, struct sample *s)
{
	call_fn stub;

	errno = 0;
	s->ret = syscall(nr);
	s->err = s->ret == -1 ? errno : 0;
	stub = s->ret == -1 ? bench_stub_enosys : bench_stub_ok;
	s->calls = fixed_calls ?: choose_calls(nr);
	s->clean = RUNS;
	s->loop = per_call(stub, nr, s->calls, NULL, &s->clean);
	s->call = per_call(syscall, nr, s->calls, &s->fixed, &s->clean) -
		  s->loop;
}

/*
 * Measures system call @nr in a child moved into cgroup @cg ("" is the
 * root, NULL leaves it where it is), under seccomp filter @filter if not
 * NULL: a filter cannot be removed, and a child keeps the parent clean.
 * If @disable is not NULL, the controller is disabled in that cgroup's
 * cgroup.subtree_control once the child is in @cg, before it measures.
 * 0 or -errno.
 */
static int measure(const char *cg, const struct sock_fprog *filter, long nr,
		   const char *disable, struct sample *s)
{
	int go[2], res[2], status, err = 0;
	ssize_t n;
	pid_t pid;
	char c = 0;

	if (pipe(go))
		return -errno;
	if (pipe(res)) {
		err = -errno;
		close(go[0]);
		close(go[1]);
		return err;
	}
	pid = fork();
	if (pid < 0) {
		err = -errno;
		goto out;
	}
	if (pid == 0) {
		struct sample out = { 0 };

		close(go[1]);
		close(res[0]);
		/* The parent moves us meanwhile: only then the measuring. */
		if (read(go[0], &c, 1) != 1 || c != 'g')
			_exit(1);
		if (filter &&
		    (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) ||
		     prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, filter)))
			_exit(2);
		sample_call(nr, &out);
		if (write(res[1], &out, sizeof(out)) != sizeof(out))
			_exit(3);
		_exit(0);
	}
	close(go[0]);
	go[0] = -1;
	close(res[1]);
	res[1] = -1;
	if (cg)
		err = cg_enter_process(cg, pid);
	if (!err && disable)
		err = cg_write(disable, "cgroup.subtree_control", "-syscalls");
	/* A child that was not moved must not measure: EOF stops it. */
	if (!err && write(go[1], "g", 1) != 1)
		err = -errno;
	close(go[1]);
	go[1] = -1;
	n = read(res[0], s, sizeof(*s));
	if (waitpid(pid, &status, 0) != pid)
		err = err ?: -errno;
	else if (!err && (!WIFEXITED(status) || WEXITSTATUS(status)))
		err = -ECHILD;
	if (!err && n != sizeof(*s))
		err = -EIO;
out:
	if (go[0] >= 0)
		close(go[0]);
	if (go[1] >= 0)
		close(go[1]);
	if (res[0] >= 0)
		close(res[0]);
	if (res[1] >= 0)
		close(res[1]);
	return err;
}

/* Pins us (and our children) to the last CPU, as seccomp_benchmark does. */
static void pin(void)
{
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cpu_set_t set;

	CPU_ZERO(&set);
	CPU_SET(ncpu > 1 ? ncpu - 1 : 0, &set);
	if (sched_setaffinity(0, sizeof(set), &set))
		diag("cannot pin to CPU %ld: %s", ncpu - 1,
		     strerror(errno));
}

/* The first line of a file, or "?". */
static const char *first_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	if (!f || !fgets(buf, len, f))
		snprintf(buf, len, "?");
	else
		buf[strcspn(buf, "\n")] = '\0';
	if (f)
		fclose(f);
	return buf;
}

/* The TSC frequency the kernel calibrated, as /proc/cpuinfo reports it. */
static const char *cpu_mhz(char *buf, size_t len)
{
	char line[256];
	FILE *f = fopen("/proc/cpuinfo", "r");

	snprintf(buf, len, "?");
	if (!f)
		return buf;
	while (fgets(line, sizeof(line), f)) {
		char *v = strchr(line, ':');

		if (!strncmp(line, "cpu MHz", 7) && v) {
			snprintf(buf, len, "%s", v + 2);
			buf[strcspn(buf, "\n")] = '\0';
			break;
		}
	}
	fclose(f);
	return buf;
}

#define CLOCKSOURCE "/sys/devices/system/clocksource/clocksource0/current_clocksource"

/*
 * The kernel starts on tsc-early and moves to tsc a second after boot,
 * when the benchmark may be running already: waits for that, so that no
 * run straddles the switch. Sleeping costs nothing under sleep=off.
 */
static void wait_for_tsc(void)
{
	struct timespec tenth = { 0, 100000000 };
	char buf[64];
	int i;

	for (i = 0; i < 100; i++) {
		if (strcmp(first_line(CLOCKSOURCE, buf, sizeof(buf)),
			   "tsc-early"))
			return;
		nanosleep(&tenth, NULL);
	}
}

/* Whether the running kernel has the syscalls controller at all. */
static bool have_controller(void)
{
	char line[256];
	bool found = false;
	FILE *f = fopen("/proc/cgroups", "r");

	if (!f)
		return false;
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "syscalls\t", 9))
			found = true;
	fclose(f);
	return found;
}

static void print_info(void)
{
	char buf[256];
	struct utsname u;

	uname(&u);
	diag("bench-info: kernel %s %s", u.release, u.version);
	diag("bench-info: clocksource %s",
	     first_line(CLOCKSOURCE, buf, sizeof(buf)));
	diag("bench-info: bpf_jit_enable %s",
	     first_line("/proc/sys/net/core/bpf_jit_enable", buf,
			sizeof(buf)));
	diag("bench-info: cpu_mhz %s", cpu_mhz(buf, sizeof(buf)));
	diag("bench-info: method min of %d runs of N and 2N calls, N in %d..%d",
	     RUNS, MIN_CALLS, MAX_CALLS);
}

/* The cases measured per call, in the order of the table. */
enum {
	ROOT,
	NONE,
	DEPTH1,
	DEPTH32,
	MANY,
	DENIED,
	NOSYS,
	SECCOMP_CACHED,
	SECCOMP_FULL,
	DISABLED,
	LEARNING,
	LOG_ALLOWED,
	LOGGED,
	STORM,
	CONDITION,
	NR_CASES
};

struct bench_case {
	const char *key;
	const char *label;
	const char *cg;
	long nr;
	const struct sock_fprog *filter;
	/* Where the controller is disabled once the task is in cg (v2). */
	const char *disable;
	/* N when it is fixed: a sustained run rather than one of RUN_NS. */
	int calls;
};


/*
 * The seccomp filters of seccomp_benchmark.c: one whose result depends on
 * the number alone (the bitmap cache answers for it at attach time), and
 * one that loads an argument, which the cache must leave to the filter.
 */
static struct sock_filter cached_insns[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static const struct sock_fprog cached_filter = {
	.len = ARRAY_SIZE(cached_insns),
	.filter = cached_insns,
};

static struct sock_filter full_insns[] = {
	BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		 offsetof(struct seccomp_data, args[0])),
	BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
};

static const struct sock_fprog full_filter = {
	.len = ARRAY_SIZE(full_insns),
	.filter = full_insns,
};

#define DEEP_LEVELS	32

static char deep_path[DEEP_LEVELS * 4 + 8];

static struct bench_case cases[NR_CASES] = {
	[ROOT] = { "root", "root cgroup", NULL, SYS_getpid, NULL },
	[NONE] = { "child_none", "child cgroup, denies nothing", "bench_none",
		   SYS_getpid, NULL },
	[DEPTH1] = { "filter_depth1", "filtering, depth 1, 1 denied",
		     "bench_one", SYS_getpid, NULL },
	[DEPTH32] = { "filter_depth32", "filtering, depth 32, 1 denied",
		      deep_path, SYS_getpid, NULL },
	[MANY] = { "filter_400", "filtering, depth 1, 400 denied",
		   "bench_many", SYS_getpid, NULL },
	[DENIED] = { "denied", "denied call (getppid, -ENOSYS)",
		     "bench_denied", SYS_getppid, NULL },
	[NOSYS] = { "root_nosys", "root, no such call (-ENOSYS)", NULL,
		    NO_SUCH_CALL, NULL },
	[SECCOMP_CACHED] = { "seccomp_cached",
			     "seccomp, 1 filter, bitmap-cached", NULL,
			     SYS_getpid, &cached_filter },
	[SECCOMP_FULL] = { "seccomp_full",
			   "seccomp, 1 filter, not cacheable", NULL,
			   SYS_getpid, &full_filter },
	[DISABLED] = { "disabled", "controller disabled (-syscalls)",
		       "bench_off/child", SYS_getpid, NULL, "bench_off" },
	[LEARNING] = { "learning", "learning, call recorded already",
		       "bench_learn", SYS_getpid, NULL },
	[LOG_ALLOWED] = { "log_allowed", "log mode, allowed call",
			  "bench_log", SYS_getpid, NULL },
	[LOGGED] = { "logged", "log mode, denied call (getppid runs)",
		     "bench_logged", SYS_getppid, NULL },
	[STORM] = { "denied_storm", "denied call, 100,000 in a row",
		    "bench_storm", SYS_getppid, NULL, NULL, STORM_CALLS },
	[CONDITION] = { "condition_allowed", "allowed, with an argument condition",
			"bench_cond", SYS_getpid, NULL },
};

/* Whether a case is measured: the disabled controller is v2's alone. */
static bool measured(int i)
{
	return !cases[i].disable || cg_hierarchy.v2;
}

static struct sample results[NR_CASES];

/*
 * Calls that the task measuring in the cgroup of many denied calls needs,
 * or might: reading the go-ahead, sending its figures, the clock (should
 * the vDSO fall back to system calls), getpid itself, exiting, and what
 * glibc's abort() would use.
 */
static const int needed[] = {
	SYS_read, SYS_write, SYS_close, SYS_rt_sigaction, SYS_rt_sigprocmask,
	SYS_rt_sigreturn, SYS_sched_yield, SYS_nanosleep, SYS_getpid, SYS_exit,
	SYS_kill, SYS_gettimeofday, SYS_gettid, SYS_time, SYS_futex,
	SYS_clock_gettime, SYS_clock_getres, SYS_clock_nanosleep,
	SYS_exit_group, SYS_tgkill,
};

static bool is_needed(int nr)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(needed); i++)
		if (needed[i] == nr)
			return true;
	return false;
}

/*
 * The large deny list: every numbered x86_64 call but those needed, then
 * holes of the table (which behave like any number) up to MANY_DENIED.
 */
static void many_denied(char *buf, size_t len)
{
	size_t used = 0;
	int nr, pass, count = 0;

	buf[0] = '\0';
	for (pass = 0; pass < 2 && count < MANY_DENIED; pass++) {
		for (nr = 0; nr <= X86_64_LAST && count < MANY_DENIED; nr++) {
			bool hole = nr >= HOLE_FIRST && nr < HOLE_END;

			if (hole != (pass == 1) || is_needed(nr))
				continue;
			used += snprintf(buf + used, len - used, "%s%d",
					 count ? "," : "", nr);
			count++;
		}
	}
}

/* Creates the cgroups of the per-call cases; 0 or -errno. */
static int setup_cgroups(void)
{
	char many[4096];
	size_t used = 0;
	int err, i;

	err = cg_create("bench_none");
	err = err ?: cg_create("bench_one");
	err = err ?: cg_write("bench_one", "syscalls.deny", "mkdir");
	err = err ?: cg_create("bench_denied");
	err = err ?: cg_write("bench_denied", "syscalls.deny", "getppid");
	err = err ?: cg_create("bench_storm");
	err = err ?: cg_write("bench_storm", "syscalls.deny", "getppid");
	/* Learning, and denying nothing: every call checked until recorded. */
	err = err ?: cg_create("bench_learn");
	err = err ?: cg_write("bench_learn", "syscalls.learn", "1");
	err = err ?: cg_create("bench_log");
	err = err ?: cg_write("bench_log", "syscalls.deny", "mkdir");
	err = err ?: cg_write("bench_log", "syscalls.mode", "log");
	/*
	 * A condition on getpid that its calls here never meet: they run,
	 * judged by their argument on the slow path.
	 */
	err = err ?: cg_create("bench_cond");
	err = err ?: cg_write("bench_cond", "syscalls.deny",
			      "mkdir getpid(arg0=0xdead0000dead)");
	err = err ?: cg_create("bench_logged");
	err = err ?: cg_write("bench_logged", "syscalls.deny", "getppid");
	err = err ?: cg_write("bench_logged", "syscalls.mode", "log");
	if (err)
		return err;
	if (!cg_read_expect("bench_one", "syscalls.deny", "83 ia32:39"))
		return -EINVAL;

	/* The deny sits at the top: depth 32 inherits it through 31 levels. */
	for (i = 1; i <= DEEP_LEVELS; i++) {
		used += snprintf(deep_path + used, sizeof(deep_path) - used,
				 "%sd%d", i > 1 ? "/" : "", i);
		err = cg_create(deep_path);
		if (err)
			return err;
		if (i == 1)
			err = cg_write(deep_path, "syscalls.deny", "mkdir");
		if (err)
			return err;
	}
	if (!cg_read_expect(deep_path, "syscalls.deny", "83 ia32:39"))
		return -EINVAL;

	many_denied(many, sizeof(many));
	err = cg_create("bench_many");
	err = err ?: cg_write("bench_many", "syscalls.deny", many);
	if (err || !cg_hierarchy.v2)
		return err;

	/*
	 * The child denies a call: a task moved there is filtered, until
	 * -syscalls in bench_off takes the child's rules away.
	 */
	err = cg_create("bench_off");
	err = err ?: cg_create("bench_off/child");
	err = err ?: cg_write("bench_off/child", "syscalls.deny", "mkdir");
	return err;
}

/* The sleeping tasks of the write benchmark and their cgroups. */
struct tree {
	int n;			/* Cgroups (and tasks) made so far. */
	int wake;		/* Write end of the pipe they block on. */
	int sleep;		/* Its read end. */
	pid_t pids[TREE_MAX];
};

/* Grows the tree under bench_tree to @n cgroups, each with a task. */
static int tree_grow(struct tree *t, int n)
{
	char cg[64];
	pid_t pid;
	int err;

	for (; t->n < n; t->n++) {
		snprintf(cg, sizeof(cg), "bench_tree/c%d", t->n);
		err = cg_create(cg);
		if (err)
			return err;
		pid = fork();
		if (pid < 0)
			return -errno;
		if (pid == 0) {
			char c;

			/* Sleeps until the parent closes its end of the pipe. */
			close(t->wake);
			while (read(t->sleep, &c, 1) > 0)
				;
			_exit(0);
		}
		t->pids[t->n] = pid;
		err = cg_enter_process(cg, pid);
		if (err) {
			t->n++;
			return err;
		}
	}
	return 0;
}

static void tree_destroy(struct tree *t)
{
	char cg[64];
	int i;

	close(t->wake);
	close(t->sleep);
	for (i = 0; i < t->n; i++)
		waitpid(t->pids[i], NULL, 0);
	for (i = 0; i < t->n; i++) {
		snprintf(cg, sizeof(cg), "bench_tree/c%d", i);
		cg_remove(cg);
	}
	cg_remove("bench_tree");
}

/* The instructions of one write of @text to @fd, clock reads excluded. */
static int64_t timed_write(int fd, const char *text, uint64_t clock)
{
	size_t len = strlen(text);
	uint64_t start, end;
	ssize_t n;

	start = now();
	n = pwrite(fd, text, len, 0);
	end = now();
	if (n != (ssize_t)len)
		return n < 0 ? -errno : -EIO;
	return end - start - clock;
}

struct write_cost {
	int64_t deny;		/* From all allowed to denying mkdir. */
	int64_t allow;		/* And back. */
};

/*
 * Times deny writes at the top of trees of 10, 100 and 1000 cgroups, each
 * with a sleeping task. Only a write that makes a cgroup deny something
 * for the first time marks its tasks, so each deny starts from a tree that
 * denies nothing, and an allow (timed as well) restores that state.
 */
static int measure_writes(struct write_cost *cost)
{
	struct tree *t;
	char path[4096];
	int dfd = -1, afd = -1, sz, r, fds[2], err;
	uint64_t clock = UINT64_MAX, a, b;

	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	if (pipe(fds)) {
		free(t);
		return -errno;
	}
	t->sleep = fds[0];
	t->wake = fds[1];
	err = cg_create("bench_tree");
	if (err)
		goto out;
	dfd = open(cg_path(path, sizeof(path), "bench_tree", "syscalls.deny"),
		   O_WRONLY);
	afd = open(cg_path(path, sizeof(path), "bench_tree", "syscalls.allow"),
		   O_WRONLY);
	if (dfd < 0 || afd < 0) {
		err = -errno;
		goto out;
	}
	/* The two clock reads around a write, as around nothing. */
	for (r = 0; r < RUNS; r++) {
		a = now();
		b = now();
		if (b - a < clock)
			clock = b - a;
	}

	for (sz = 0; sz < NR_SIZES; sz++) {
		err = tree_grow(t, tree_sizes[sz]);
		if (err)
			goto out;
		cost[sz].deny = INT64_MAX;
		cost[sz].allow = INT64_MAX;
		for (r = 0; r < WRITE_RUNS; r++) {
			int64_t d, al;

			d = timed_write(dfd, "mkdir", clock);
			if (d < 0) {
				err = d;
				goto out;
			}
			/* The deepest cgroup must see the deny before any undo. */
			if (r == 0 && !cg_read_expect("bench_tree/c0", "syscalls.deny",
						      "83 ia32:39")) {
				err = -EINVAL;
				goto out;
			}
			al = timed_write(afd, "mkdir", clock);
			if (al < 0) {
				err = al;
				goto out;
			}
			if (d < cost[sz].deny)
				cost[sz].deny = d;
			if (al < cost[sz].allow)
				cost[sz].allow = al;
		}
		if (!cg_read_expect("bench_tree/c0", "syscalls.deny", "")) {
			err = -EINVAL;
			goto out;
		}
	}
out:
	if (dfd >= 0)
		close(dfd);
	if (afd >= 0)
		close(afd);
	tree_destroy(t);
	free(t);
	return err;
}

static void print_case(int i)
{
	const struct sample *s = &results[i];
	double root = results[ROOT].call, d = s->call - root;

	char vs[32] = "";

	if (i != ROOT)
		snprintf(vs, sizeof(vs), "%+9.1f %+8.2f %%", d, 100.0 * d / root);
	diag("  %-34s %9.1f %20s %6d %3d/%d", cases[i].label,
	     s->call, vs, s->calls, s->clean, RUNS);
}

static void print_bench(const char *key, double value)
{
	diag("bench: %s %.2f", key, value);
}

/* Whether @a and @b differ by at most @pct percent of @b. */
static bool within(double a, double b, double pct)
{
	double d = a > b ? a - b : b - a;

	return d <= b * pct / 100.0;
}

/* "v2: " before the TAP descriptions of a run on cgroup v2. */
static const char *v2_prefix(void)
{
	return cg_hierarchy.v2 ? "v2: " : "";
}

static void check_calls(void)
{
	double root = results[ROOT].call;
	double none = results[NONE].call;
	double d1 = results[DEPTH1].call, d32 = results[DEPTH32].call;
	double many = results[MANY].call;
	double filt = d1 - root, secc = results[SECCOMP_CACHED].call - root;
	double cond = results[CONDITION].call - root;
	double full = results[SECCOMP_FULL].call - root;
	const char *v2 = v2_prefix();

	ksft_test_result(within(none, root, 0.5),
			 "%sa child that denies nothing costs the root's (%.1f vs %.1f, within 0.5 %%)\n",
			 v2, none, root);
	ksft_test_result(filt <= secc / 2,
			 "%san allowed call in a filtering cgroup costs at most half of seccomp's cached filter (+%.1f vs +%.1f, at most +%.1f)\n",
			 v2, filt, secc, secc / 2);
	ksft_test_result(within(d32, d1, 1.0),
			 "%sdepth 32 costs depth 1's (%.1f vs %.1f, within 1 %%)\n",
			 v2, d32, d1);
	ksft_test_result(within(many, d1, 1.0),
			 "%s400 denied calls cost 1's (%.1f vs %.1f, within 1 %%)\n",
			 v2, many, d1);
	if (measured(DISABLED))
		ksft_test_result(within(results[DISABLED].call, root, 0.5),
				 "%sa task where the controller was disabled (-syscalls) costs the root's (%.1f vs %.1f, within 0.5 %%)\n",
				 v2, results[DISABLED].call, root);
	ksft_test_result(within(results[LEARNING].call, d1, 1.0),
			 "%sa call recorded already costs a learning cgroup what an allowed one costs a filtering cgroup (%.1f vs %.1f, within 1 %%)\n",
			 v2, results[LEARNING].call, d1);
	ksft_test_result(results[STORM].call <= STORM_MAX,
			 "%sa denied call costs at most %.0f instructions sustained, in runs of %d in a row (%.1f)\n",
			 v2, STORM_MAX, STORM_CALLS, results[STORM].call);
	ksft_test_result(within(results[LOG_ALLOWED].call, d1, 1.0),
			 "%san allowed call costs a log-mode cgroup what it costs an enforcing one (%.1f vs %.1f, within 1 %%)\n",
			 v2, results[LOG_ALLOWED].call, d1);
	ksft_test_result(cond <= full,
			 "%san allowed call with an argument condition costs no more than seccomp's uncacheable filter (+%.1f vs +%.1f)\n",
			 v2, cond, full);
	ksft_test_result(cond <= full / 2,
			 "%san allowed call with an argument condition costs at most half of seccomp's uncacheable filter (+%.1f vs +%.1f, at most +%.1f)\n",
			 v2, cond, full, full / 2);
}

/*
 * A write costs a fixed part (the file, the parser, the lock) plus a part
 * per cgroup of the subtree and per task marked: a + b * N. Linear growth
 * means two things that these checks test. First, ten times the cgroups
 * cost at most ten times as much, and at least five times: the ratio
 * c(1000) / c(100) is 10 for a negligible fixed part, falls towards 5 only
 * if the fixed part is worth over 100 cgroups, and exceeds 10 only if
 * something grows faster than N (quadratic growth makes it near 100, and
 * N log N about 15, which the bound of 20 still admits). Second, and
 * sharper, the cost of one more cgroup stays the same: the marginal cost
 * from 100 to 1000 is within a factor of two of that from 10 to 100.
 */
static void check_writes(const struct write_cost *c)
{
	double ratio = (double)c[2].deny / c[1].deny;
	double m1 = (double)(c[1].deny - c[0].deny) / (tree_sizes[1] - tree_sizes[0]);
	double m2 = (double)(c[2].deny - c[1].deny) / (tree_sizes[2] - tree_sizes[1]);

	ksft_test_result(ratio >= 5 && ratio <= 20,
			 "%sa deny over 1000 cgroups costs 5 to 20 times one over 100 (%.2f times)\n",
			 v2_prefix(), ratio);
	ksft_test_result(m1 > 0 && m2 >= m1 / 2 && m2 <= m1 * 2,
			 "%sa deny costs the same per cgroup from 100 to 1000 as from 10 to 100 (%.0f vs %.0f, within 2 times)\n",
			 v2_prefix(), m2, m1);
}

int main(int argc, char **argv)
{
	struct write_cost wc[NR_SIZES];
	char many[4096];
	int i, err, clean = RUNS;

	ksft_print_header();
	diag("syscalls cgroup benchmark: the cost of system calls");
	wait_for_tsc();
	print_info();
	pin();

	/*
	 * The root first, before the hierarchy is mounted, and the same way
	 * on a kernel without the controller, so the two compare.
	 */
	err = measure(NULL, NULL, SYS_getpid, NULL, &results[ROOT]);
	if (err)
		ksft_exit_fail_msg("measuring in the root: %s\n", strerror(-err));
	if (results[ROOT].ret <= 0)
		ksft_exit_fail_msg("getpid() returned %ld\n", results[ROOT].ret);

	if (!have_controller()) {
		diag("  %-34s %9.1f", "getpid(), root cgroup",
		     results[ROOT].call);
		print_bench("root", results[ROOT].call);
		print_bench("loop", results[ROOT].loop);
		print_bench("clean_runs", results[ROOT].clean);
		ksft_exit_skip("no syscalls controller in this kernel: the root figure only\n");
	}

	err = cg_v2_requested() ? cg_use_v2() : cg_mount();
	if (err)
		ksft_exit_fail_msg("mounting the syscalls hierarchy: %s\n",
				   strerror(-err));
	diag("bench-info: hierarchy %s at %s",
	     cg_hierarchy.v2 ? "cgroup v2" : "cgroup v1", cg_hierarchy.root);
	err = setup_cgroups();
	if (err)
		ksft_exit_fail_msg("setting up the cgroups: %s\n", strerror(-err));
	many_denied(many, sizeof(many));
	diag("bench-info: denied_400 %s", many);

	ksft_set_plan(measured(DISABLED) ? 12 : 11);

	for (i = 1; i < NR_CASES; i++) {
		struct sample *s = &results[i];

		if (!measured(i))
			continue;
		fixed_calls = cases[i].calls;
		err = measure(cases[i].cg, cases[i].filter, cases[i].nr,
			      cases[i].disable, s);
		fixed_calls = 0;
		if (err)
			ksft_exit_fail_msg("measuring '%s': %s\n", cases[i].label,
					   strerror(-err));
		if ((i == DENIED || i == NOSYS || i == STORM) !=
		    (s->ret == -1 && s->err == ENOSYS))
			ksft_exit_fail_msg("'%s': the call returned %ld, errno %d\n",
					   cases[i].label, s->ret, s->err);
	}
	for (i = 0; i < NR_CASES; i++)
		if (measured(i) && results[i].clean < clean)
			clean = results[i].clean;

	err = measure_writes(wc);
	if (err)
		ksft_exit_fail_msg("timing deny writes: %s\n", strerror(-err));

	diag("%s", "");
	diag("Instructions per system call. Under -icount shift=0,sleep=off, as scripts/bench.sh");
	diag("runs it, a guest ns is one instruction executed: the figures count instructions,");
	diag("not cycles, and repeat exactly from run to run.");
	diag("  %-34s %9s %20s %6s %6s", "getpid() unless said",
	     "instr", "vs root", "N", "clean");
	for (i = 0; i < NR_CASES; i++)
		if (measured(i))
			print_case(i);
	diag("  (the loop and glibc's wrapper, %.1f per call, and a run's clock reads, %.0f, are subtracted)",
	     results[ROOT].loop, results[ROOT].fixed);
	diag("  controller overhead, allowed call: %.1f = %.2f of seccomp's cached filter (%.1f), %.2f of its uncached one (%.1f)",
	     results[DEPTH1].call - results[ROOT].call,
	     (results[DEPTH1].call - results[ROOT].call) /
	     (results[SECCOMP_CACHED].call - results[ROOT].call),
	     results[SECCOMP_CACHED].call - results[ROOT].call,
	     (results[DEPTH1].call - results[ROOT].call) /
	     (results[SECCOMP_FULL].call - results[ROOT].call),
	     results[SECCOMP_FULL].call - results[ROOT].call);
	diag("  an allowed call with an argument condition: +%.1f = %.2f of seccomp's uncached filter",
	     results[CONDITION].call - results[ROOT].call,
	     (results[CONDITION].call - results[ROOT].call) /
	     (results[SECCOMP_FULL].call - results[ROOT].call));
	diag("  a denied call: %.1f more than the kernel's own -ENOSYS",
	     results[DENIED].call - results[NOSYS].call);
	diag("  a getppid denied in log mode, which runs, counted and its log line rate-limited: %.1f",
	     results[LOGGED].call);
	diag("%s", "");
	diag("Instructions per write of 'mkdir' at the top of a tree of N cgroups, one task each");
	diag("  %6s %12s %12s %10s %14s", "N", "deny", "allow", "growth",
	     "per cgroup");
	for (i = 0; i < NR_SIZES; i++) {
		char growth[32] = "", marginal[32] = "";

		if (i > 0) {
			snprintf(growth, sizeof(growth), "x%.2f",
				 (double)wc[i].deny / wc[i - 1].deny);
			snprintf(marginal, sizeof(marginal), "%.0f",
				 (double)(wc[i].deny - wc[i - 1].deny) /
				 (tree_sizes[i] - tree_sizes[i - 1]));
		}
		diag("  %6d %12lld %12lld %10s %14s", tree_sizes[i],
		     (long long)wc[i].deny, (long long)wc[i].allow,
		     growth, marginal);
	}
	diag("  (deny: from denying nothing, marks every task; the minimum of %d writes;",
	     WRITE_RUNS);
	diag("   per cgroup: the added cost of each cgroup and task from the previous N)");
	diag("%s", "");

	for (i = 0; i < NR_CASES; i++)
		if (measured(i))
			print_bench(cases[i].key, results[i].call);
	print_bench("loop", results[ROOT].loop);
	print_bench("clock", results[ROOT].fixed);
	for (i = 0; i < NR_SIZES; i++) {
		char key[32];

		snprintf(key, sizeof(key), "deny_write_%d", tree_sizes[i]);
		print_bench(key, wc[i].deny);
		snprintf(key, sizeof(key), "allow_write_%d", tree_sizes[i]);
		print_bench(key, wc[i].allow);
	}
	print_bench("clean_runs", clean);
	if (clean < 2)
		diag("warning: a figure had a single clean run: interrupts may be in it");

	check_calls();
	check_writes(wc);
	ksft_finished();
}
