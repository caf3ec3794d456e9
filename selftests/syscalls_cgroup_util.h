/* SPDX-License-Identifier: GPL-2.0 */
/*
 * The vocabulary of the syscalls cgroup selftests: the hierarchy and its
 * files, the sets a read lists, system calls made by number, children that
 * run in a cgroup, the kernel log, and the one diagnostic printer.
 *
 * Cgroup names are relative to the hierarchy's root ("" is the root
 * itself). Two kinds of function:
 *
 * - one named for an action (cg_create(), cg_write(), cg_enter_process(),
 *   child_start()) returns 0 or -errno (a length for a read);
 * - one named for an expectation (cg_denies(), cg_read_expect(),
 *   cg_write_expect(), expect_result()) returns true when it holds and,
 *   when it does not, prints what was expected and what happened.
 *
 * The actions that set a test up (cg_create(), cg_create_denying(),
 * cg_deny(), cg_allow(), cg_read_set(), cg_write_set()) say what failed
 * themselves; the others are quiet, as a test may expect them to fail.
 */
#ifndef SYSCALLS_CGROUP_UTIL_H
#define SYSCALLS_CGROUP_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "kselftest.h"

#define STRINGIFY_TEXT(x) #x
/* A macro's value as a string: STRINGIFY(SYS_mkdir) is "83". */
#define STRINGIFY(x) STRINGIFY_TEXT(x)

/* ---- System call numbers the headers of this ABI do not give ---- */

/* ia32 (arch/x86/entry/syscalls/syscall_32.tbl). */
#define IA32_RESTART_SYSCALL		0
#define IA32_EXIT			1
#define IA32_READ			3
#define IA32_GETPID			20
#define IA32_MKDIR			39
#define IA32_SIGRETURN			119
#define IA32_NANOSLEEP			162
#define IA32_POLL			168
#define IA32_RT_SIGRETURN		173
#define IA32_FUTEX			240
#define IA32_EXIT_GROUP			252
#define IA32_CLOCK_NANOSLEEP		267
#define IA32_CLOCK_NANOSLEEP_TIME64	407
#define IA32_FUTEX_TIME64		422

/* x86_64, for 32-bit programs (syscall_64.tbl). */
#define X86_64_MKDIR			83

/* x32 (the x32 entries of syscall_64.tbl, less the bit). */
#define X32_SYSCALL_BIT			0x40000000UL
#define X32_RT_SIGRETURN		513
#define X32_IOCTL			514

/* ---- Diagnostics ---- */

/*
 * Prints "# " and the message as one line, in one write(), so that lines
 * of concurrent threads and children do not mix. The only printer of the
 * tests: a failure says what was expected and what happened.
 */
__printf(1, 2) void diag(const char *fmt, ...);

/*
 * A result in words: "-ENOSYS" for a negative errno, else the number
 * ("0", "1234"). Rotating buffers: four fit in one diag().
 */
const char *result_name(long result);

/* Text fit for a diagnostic: newlines and tabs escaped, long text cut. */
const char *escaped(const char *text);

/* A cgroup's name in a diagnostic: "(root)" for the root. */
const char *cg_name(const char *cg);

double now_seconds(void);
/* Sleeps for that long, signals or not. */
void sleep_seconds(double seconds);

/* ---- The hierarchy ---- */

/*
 * Where the tests work. A runtime value, so that the same tests can run on
 * either hierarchy: the v1 mount at /sys/fs/cgroup/syscalls by default,
 * cgroup v2 at CG2_ROOT after cg_use_v2().
 */
struct cgroup_hierarchy {
	/* The directory of the root cgroup. */
	const char *root;
	/* The file that moves one thread: "tasks" on v1, "cgroup.threads". */
	const char *threads_file;
	/* Whether the root cgroup has syscalls.deny and syscalls.allow. */
	bool root_has_files;
	/* Whether it is the unified hierarchy, cgroup v2. */
	bool v2;
};

extern struct cgroup_hierarchy cg_hierarchy;

/* Mounts the v1 syscalls hierarchy at cg_hierarchy.root unless it is. */
int cg_mount(void);

/*
 * cgroup v2 mode. With SYSCALLS_CGROUP_V2=1 in its environment, a program
 * runs its tests on cgroup v2: cg_setup() calls cg_use_v2() instead of
 * cg_mount(), leaves v2 as it found it when the program exits, and the
 * TAP names start with "v2: ". The same tests then see these differences:
 *
 * - the root cgroup has no syscalls.* files (cg_reset_root() does
 *   nothing), so no rule can apply to the root's tasks;
 * - cg_create() of a cgroup below another enables the controller in the
 *   parent's cgroup.subtree_control, so that every cgroup the tests make
 *   has the files, as on v1; below a threaded cgroup, the new one is made
 *   threaded (a domain there could hold no task);
 * - one thread moves alone (cg_enter_thread(), through cgroup.threads)
 *   only inside a threaded subtree: cg_make_threaded() a cgroup that takes
 *   single threads of a process of the root;
 * - a cgroup with tasks may not have populated children unless they are
 *   threaded (the no internal process rule of domain cgroups).
 */
#define CG_V2_ENV "SYSCALLS_CGROUP_V2"
/* Where cg_use_v2() mounts cgroup2 when /sys/fs/cgroup is not cgroup2. */
#define CG2_ROOT "/sys/fs/cgroup/unified"

/* Whether the environment asks for cgroup v2. */
bool cg_v2_requested(void);
/*
 * Mounts cgroup2 with nsdelegate at CG2_ROOT (or takes /sys/fs/cgroup if
 * cgroup2 is there, setting nsdelegate), enables the controller in the
 * root's cgroup.subtree_control, and points cg_hierarchy at it. Fails
 * with -ENOENT while a v1 hierarchy holds the controller.
 */
int cg_use_v2(void);
/*
 * Undoes what cg_use_v2() did: disables the controller in every
 * cgroup.subtree_control, the root's last, if cg_use_v2() enabled it, and
 * unmounts what it mounted; points cg_hierarchy back at v1. Then a v1
 * hierarchy can take the controller (cg_mount() retries while the v2
 * cgroups are still going away).
 */
void cg_leave_v2(void);
/* Makes a cgroup threaded (v2); on v1, where any cgroup is, nothing. */
int cg_make_threaded(const char *cg);
/*
 * For a test that cannot apply on v2: there, says why and returns true,
 * and the test returns KSFT_SKIP.
 */
bool skip_on_v2(const char *why);

/*
 * Mounts the hierarchy as root (v1, or v2 as cg_v2_requested() says),
 * removes the cgroups named PREFIX* that an earlier run left, allows
 * everything at the root and finds the table sizes; ignores SIGPIPE. What
 * every program but test_interface does first.
 */
int cg_setup(const char *prefix);

/* The path of a cgroup's file (file NULL: the cgroup's directory). */
const char *cg_path(char *buf, size_t len, const char *cg, const char *file);
bool cg_exists(const char *cg, const char *file);

/* Writes text to a cgroup's file in one write(). */
int cg_write(const char *cg, const char *file, const char *text);
/* Reads a file byte for byte, final newline included, NUL-terminated. */
ssize_t cg_read_raw(const char *cg, const char *file, char *buf, size_t len);
/* Reads a file without its final newline. */
ssize_t cg_read(const char *cg, const char *file, char *buf, size_t len);

/*
 * Creates a cgroup whose parent exists (one that exists is fine); on v2
 * with the files, as said above.
 */
int cg_create(const char *cg);
/* Creates a cgroup and writes rules (unless NULL) to its syscalls.deny. */
int cg_create_denying(const char *cg, const char *rules);
/* Writes rules to syscalls.deny or syscalls.allow, expecting success. */
int cg_deny(const char *cg, const char *rules);
int cg_allow(const char *cg, const char *rules);
/* Removes one empty cgroup: rmdir(). */
int cg_remove(const char *cg);

/* Moves a whole process (every thread) into a cgroup. */
int cg_enter_process(const char *cg, pid_t pid);
/* Moves one thread into a cgroup (on v2 inside a threaded subtree). */
int cg_enter_thread(const char *cg, pid_t tid);
/* The threads in a cgroup, or -errno. */
int cg_count_threads(const char *cg);
/* Moves every thread of a cgroup to the root; the number left behind. */
int cg_empty(const char *cg);
/* A cgroup's children (the first 32), sorted, space separated; how many. */
int cg_list_children(const char *cg, char *buf, size_t len);
/*
 * The cgroup of task pid (0: the caller) as /proc/PID/cgroup shows it,
 * "/" for the root: the syscalls line on v1, the 0:: line on v2.
 */
int cg_of_task(pid_t pid, char *buf, size_t len);

/* Cleanup: empties and removes a cgroup and all below it, if it exists. */
void cg_destroy(const char *cg);
/*
 * Cleanup: allows everything at the root, as every test leaves it (on v2,
 * where the root has no files, nothing).
 */
void cg_reset_root(void);
/* Destroys the cgroups below the root whose names start with prefix. */
void cg_remove_leftovers(const char *prefix);

/* A write to a cgroup's file gives want: 0 or -errno. */
bool cg_write_expect(const char *cg, const char *file, const char *text,
		     int want);
/* A cgroup's file reads exactly want (without the final newline). */
bool cg_read_expect(const char *cg, const char *file, const char *want);
/* A cgroup's syscalls.deny reads exactly want. */
bool cg_denies(const char *cg, const char *want);
/* The root denies nothing (on v2 it has no files: it cannot deny). */
bool root_denies_nothing(void);
/* Task pid (0: the caller) is in cgroup cg. */
bool expect_in_cgroup(pid_t pid, const char *cg);

/* The syscalls line of /proc/cgroups: hierarchy id, cgroups, enabled. */
bool read_proc_cgroups(int *hierarchy_id, int *num_cgroups, int *enabled);

/* ---- Sets of system calls, as a read lists them ---- */

/* Larger than any system call table the tests expect to meet. */
#define SET_MAX 1024

/* One byte a number. */
struct syscall_set {
	unsigned char x86_64[SET_MAX];
	unsigned char ia32[SET_MAX];
};

/*
 * The sizes of the x86_64 and ia32 tables (the highest number plus one):
 * 463 until probe_table_sizes() finds them (463 on 6.12, 473 on 7.3).
 */
extern int table_size_x86_64;
extern int table_size_ia32;

/* Finds the table sizes by writes to cgroup cg, which it makes. */
void probe_table_sizes(const char *cg);

/* The calls no rule can deny. */
#define ALWAYS_ALLOWED_X86_64 3
#define ALWAYS_ALLOWED_IA32 4
extern const int always_allowed_x86_64[ALWAYS_ALLOWED_X86_64];
extern const int always_allowed_ia32[ALWAYS_ALLOWED_IA32];

/* What a read of `all`, of `ia32:all`, and an allow denying nothing list. */
const char *all_text(void);
const char *ia32_all_text(void);
const char *everything_text(void);

/*
 * Parses a read into a set; -EINVAL (and says why) if the text is not in
 * the kernel's list format.
 */
int set_parse(const char *text, struct syscall_set *set);
/* Reads a cgroup's file as a set. */
int cg_read_set(const char *cg, const char *file, struct syscall_set *set);
/* Writes a set as prefixed items, in writes of at most about 3000 bytes. */
int cg_write_set(const char *cg, const char *file,
		 const struct syscall_set *set);
/* Two sets are equal; names the first difference. */
bool expect_same_set(const struct syscall_set *got,
		     const struct syscall_set *want, const char *what);
void set_drop_always_allowed(struct syscall_set *set);

/* ---- System calls ---- */

/* syscall() with three arguments: the result, or -errno. */
long syscall3(long nr, long a, long b, long c);

/* int $0x80 with two arguments (the ia32 ABI, whatever the program's). */
long int80_syscall2(unsigned long nr, unsigned long a, unsigned long b);
/* And with three: the others zero. */
long int80_syscall3(unsigned long nr, unsigned long a, unsigned long b,
		    unsigned long c);

#ifdef __x86_64__
/* The 64-bit `syscall` instruction with any value in %rax. */
long raw_syscall3(unsigned long nr, unsigned long a, unsigned long b,
		  unsigned long c);
/* Whether the kernel runs x32 system calls: an x32 getpid works. */
bool x32_syscalls_work(void);
#endif

/* Any result that is not an error, for expect_result(). */
#define ANY_SUCCESS LONG_MIN

/* A result is want: >= 0 that value, ANY_SUCCESS, or < 0 that -errno. */
bool expect_result(const char *what, long got, long want);
bool path_exists(const char *path);
/* A path exists (want true) or does not. */
bool expect_exists(const char *path, bool want);

long futex_op(int *uaddr, int op, int val, const struct timespec *timeout);
/* Waits until *word >= target, for at most seconds; 0 or -1. */
int wait_at_least(int *word, int target, double seconds);
void store_and_wake(int *word, int value);

/* ---- The kernel log ---- */

#define KMSG_MAX_LINES 1024
#define KMSG_LINE 512

/*
 * The messages read from /dev/kmsg since kmsg_open(), each cut at its
 * first newline: kmsg->line[0] to kmsg->line[kmsg->n - 1].
 */
struct kmsg {
	int fd;
	int n;
	char line[KMSG_MAX_LINES][KMSG_LINE];
};

extern struct kmsg *kmsg;

/* Opens /dev/kmsg at its end: only records written later are read. */
int kmsg_open(void);
void kmsg_close(void);
/* Reads the records there are now; the number of new ones. */
int kmsg_read(void);
/* Lines that have both needles (a NULL needle matches every line). */
int kmsg_count(const char *a, const char *b);
/*
 * Reads until count lines have both needles, or seconds have passed; the
 * count.
 */
int kmsg_wait_for(const char *a, const char *b, int count, double seconds);
/* Shows the lines read that have needle (every line if NULL). */
void kmsg_show(const char *needle);
/* Among the lines read, exactly one is want. */
bool expect_line(const char *want);

/* ---- Privileges ---- */

/* The user that unprivileged work runs as. */
#define NOBODY 65534

/* Drops root: no supplementary groups, gid and uid NOBODY. 0 or -errno. */
int become_nobody(void);
/*
 * Copies this program to path, owned by root and set-user-ID (mode 04755),
 * for a test to exec as NOBODY with a helper mode in argv. 0 or -errno.
 */
int make_setuid_copy(const char *path);

/* ---- Children ---- */

/* How long any child may live, in seconds. */
#define CHILD_ALARM 120

/*
 * A child that waits for child_go() before it runs fn(arg); its exit
 * status is what fn returns. It waits spinning on shared memory, with no
 * system call that a policy written meanwhile could deny: the test may
 * move it into a cgroup that denies everything before letting it go.
 */
struct child {
	pid_t pid;
	int *sync;	/* [0]: the child is waiting, [1]: go */
};

int child_start(struct child *c, int (*fn)(void *), void *arg);
int child_go(struct child *c);
/* Waits for the child; its KSFT_* result. */
int child_wait(struct child *c);
/* Waits for the child; its raw exit status, or -1. */
int child_wait_status(struct child *c);
/* Cleanup: kills and reaps the child if it is still there. */
void child_kill(struct child *c);
/* Cleanup: kills and reaps pid if it is > 0. */
void kill_and_reap(pid_t pid);

/* A wait status as KSFT_*; a death by a signal is reported. */
int status_result(const char *who, int status);
/* Waits for pid; its KSFT_* result. */
int wait_result(pid_t pid, const char *who);

/*
 * Runs fn(arg) in a child moved into cgroup cg first (NULL: left in the
 * caller's cgroup); the child's KSFT_* result, or its raw exit status.
 */
int run_in_cgroup(const char *cg, int (*fn)(void *), void *arg);
int run_status_in_cgroup(const char *cg, int (*fn)(void *), void *arg);

/*
 * A probe: a child process of one or more threads, each making the system
 * calls the test sends it, with a path argument, and answering with the
 * result. Each thread blocks in read() between requests.
 */
#define PROBE_THREADS 4

struct probe {
	pid_t pid;
	int nthreads;
	pid_t tid[PROBE_THREADS];
	int cmd[PROBE_THREADS];
	int res[PROBE_THREADS];
};

int probe_start(struct probe *p, int nthreads);
/* Has thread i of the probe make call nr(path, mode); the result. */
long probe_call(struct probe *p, int i, long nr, const char *path, long mode);
/* Thread i makes directory path, which must exist exactly if want is 0. */
bool probe_mkdir(struct probe *p, int i, const char *path, long want,
		 const char *when);
void probe_stop(struct probe *p);

#ifdef __x86_64__
/*
 * A list of calls a child makes, each with the result it must give. A call
 * with a path makes that directory (mode 0755), and the directory must then
 * exist exactly when the call succeeded.
 */
enum call_abi {
	CALL_SYSCALL,	/* the `syscall` instruction, any 64-bit %rax */
	CALL_INT80,	/* int $0x80, arguments copied below 4 GiB */
};

struct call {
	const char *what;
	enum call_abi abi;
	unsigned long nr;
	const char *path;
	long want;
};

#define CALLS_MAX 6

struct calls {
	int n;
	struct call c[CALLS_MAX];
};

/* Runs a call list in a child moved into cg (NULL: the caller's cgroup). */
int run_calls(const char *cg, const struct calls *calls);
void calls_remove_paths(const struct calls *calls);
#endif

/*
 * A list of calls with arguments a child makes, for argument conditions:
 * each must give its want in the cgroup under test, where UNFILTERED
 * stands for what the call gave in a child of the caller's cgroup, with
 * nothing denied (the test runs in the root). A result is -errno, or 0
 * for any success.
 */
enum arg_call_how {
	ARG_SYSCALL,	/* syscall(): this program's ABI, the full registers */
	ARG_INT80,	/* int $0x80: the ia32 ABI */
#ifdef __x86_64__
	ARG_X32,	/* the `syscall` instruction, the x32 bit set */
#endif
};

/* What a success leaves behind, undone before the next call. */
enum arg_call_effect {
	EFFECT_NONE,
	EFFECT_FD,	/* a file descriptor, closed */
	EFFECT_FORK,	/* a clone without a new stack: the new process exits
			 * at once and is reaped */
};

#define UNFILTERED (LONG_MIN + 1)

struct arg_call {
	const char *what;
	enum arg_call_how how;
	enum arg_call_effect effect;
	unsigned long nr;
	unsigned long arg[3];	/* the others are 0 */
	long want;		/* -errno, 0 or UNFILTERED */
};

#define ARG_CALLS_MAX 8

struct arg_calls {
	int n;
	struct arg_call c[ARG_CALLS_MAX];
};

/* Makes one call (the caller's own task): -errno, or 0 for a success. */
long make_arg_call(const struct arg_call *c);
/*
 * Makes the calls in a child of the caller's cgroup, then in a child moved
 * into cg, and checks the results there; a KSFT_* result. KSFT_SKIP when a
 * call gives ENOSYS with nothing denied, or the errno it should give in cg:
 * a denial could not be told from the call's own result.
 */
int run_arg_calls(const char *cg, const struct arg_calls *calls);

/*
 * One way of making every system call number, for
 * check_all_denies_every_number(): numbers 0 to count - 1, but those
 * always_runs() names, made by call() with zero arguments.
 */
struct number_sweep {
	const char *name;
	unsigned long count;
	long (*call)(unsigned long nr);
	bool (*always_runs)(unsigned long nr);
	/*
	 * The ABI's restart_syscall, which follows the call it continues: with
	 * nothing to continue it fails with EINTR, as on a kernel without the
	 * controller, and with a call to continue, that call is denied too.
	 */
	unsigned long restart;
};

#define MAX_SWEEPS 3

/*
 * Denies `all` in cgroup cg (which it makes and removes) and checks that
 * every number of every sweep fails there with ENOSYS; a KSFT_* result.
 */
int check_all_denies_every_number(const char *cg,
				  const struct number_sweep *sweeps, int n);

/* ---- The tests' table ---- */

struct syscalls_test {
	int (*fn)(void);
	const char *name;
};

#define T(x) { x, #x }

/* Selected: every test without arguments, else those whose name has one. */
bool test_selected(int argc, char **argv, const char *name);
/* How many of the tests are selected, for ksft_set_plan(). */
unsigned int tests_selected(const struct syscalls_test *tests, size_t n,
			    int argc, char **argv);

/* Runs one test: its time as a diagnostic, its result as TAP. */
static inline void run_test(const struct syscalls_test *test)
{
	double start = now_seconds();
	int ret = test->fn();

	const char *v2 = cg_hierarchy.v2 ? "v2: " : "";

	diag("%s%s: %.2f s", v2, test->name, now_seconds() - start);
	switch (ret) {
	case KSFT_PASS:
		ksft_test_result_pass("%s%s\n", v2, test->name);
		break;
	case KSFT_SKIP:
		ksft_test_result_skip("%s%s\n", v2, test->name);
		break;
	default:
		ksft_test_result_fail("%s%s\n", v2, test->name);
		break;
	}
}

/* Runs the selected tests of a table and exits with the TAP summary. */
static inline __noreturn void run_tests(const struct syscalls_test *tests,
					size_t n, int argc, char **argv)
{
	double start = now_seconds();
	size_t i;

	for (i = 0; i < n; i++)
		if (test_selected(argc, argv, tests[i].name))
			run_test(&tests[i]);
	diag("total: %.1f s", now_seconds() - start);
	ksft_finished();
}

#endif /* SYSCALLS_CGROUP_UTIL_H */
