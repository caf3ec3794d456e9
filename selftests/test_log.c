// SPDX-License-Identifier: GPL-2.0
/*
 * What a denial of the syscalls cgroup leaves behind: one kernel message
 * per denied call,
 *
 *	syscalls_cgroup: denied x86_64 mkdir (83): pid=123 comm="mkdir" cgroup="/box" action=ENOSYS
 *	syscalls_cgroup: denied ia32 ia32:mkdir (39): ...
 *	syscalls_cgroup: denied x32 mkdir (1073741907): ...
 *
 * with the action the errno's name, `kill`, or `log` in log mode (where the
 * call runs), and the task's name and the cgroup's path quoted, with '"',
 * '\' and unprintable bytes escaped. Rate limited per cgroup to 10 in 5
 * seconds (under a cap of 50 for the whole controller), then a
 * "syscalls_cgroup: N denials of cgroup="/box" not logged" line when the
 * cgroup's next interval starts, while syscalls.events counts every
 * denial; a flood in one cgroup does not silence another. With audit
 * enabled the message becomes an audit record of type 1326
 * (AUDIT_SECCOMP), as seccomp writes them.
 *
 * The messages are read from /dev/kmsg. The tests model the rate limit as
 * if it were shared by every cgroup and every earlier program (which is
 * more than it is), so a test that expects lines first waits for the
 * quiet that opens a new interval. The audit test is
 * the last: once audit has been on, every task forked later carries an
 * audit context.
 *
 * Work runs in forked children; the test itself stays in the root cgroup.
 * Each test leaves the hierarchy as it found it, and audit as it was.
 */
#include <linux/audit.h>
#include <linux/netlink.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "log_"
#define WORK_DIR "/tmp/log"

/* The controller's rate limit: LOG_BURST lines in LOG_INTERVAL seconds. */
#define LOG_BURST 10
#define LOG_INTERVAL 5.0
/* The quiet that surely starts a new interval (jiffies round up). */
#define LOG_QUIET (LOG_INTERVAL + 0.3)

#define DENIED_PREFIX "syscalls_cgroup: denied "

/* Whether line has needle; a NULL needle matches every line. */
static bool has(const char *line, const char *needle)
{
	return !needle || strstr(line, needle);
}

/* The lines read that say "denied" for pid: count of them. */
static bool expect_denied_lines(pid_t pid, int want)
{
	char tag[32];
	int got;

	snprintf(tag, sizeof(tag), " pid=%d ", pid);
	got = kmsg_count(DENIED_PREFIX, tag);
	if (got == want)
		return true;
	diag("kernel log: expected %d '%s' lines for pid %d, found %d", want,
	     DENIED_PREFIX, pid, got);
	kmsg_show("syscalls_cgroup");
	return false;
}

/*
 * The rate limit. What the test printed since the log was last quiet for
 * LOG_QUIET (as far as it knows: it assumes the worst when it starts, an
 * earlier program's full burst); before a test that needs n lines, waits
 * for a new interval unless they surely fit in this one.
 */
static struct {
	double last;	/* the end of the last denials */
	int printed;	/* lines since the last quiet */
} budget = { 0, LOG_BURST };

static void log_budget(int n)
{
	double quiet = budget.last + LOG_QUIET - now_seconds();

	if (quiet <= 0) {
		budget.printed = 0;
	} else if (budget.printed + n > LOG_BURST) {
		usleep((useconds_t)(quiet * 1e6));
		budget.printed = 0;
	}
	budget.printed += n;
}

/* Denials end now: the quiet counts from here. */
static void log_denials_done(void)
{
	budget.last = now_seconds();
}

/* ---- Children ---- */

/* What a child does, and the name it gives itself first. */
struct job {
	const char *comm;
	int (*fn)(void *arg);
	void *arg;
};

static int job_run(void *arg)
{
	const struct job *job = arg;

	if (prctl(PR_SET_NAME, job->comm, 0, 0, 0))
		return KSFT_FAIL;
	return job->fn(job->arg);
}

/*
 * Runs job in a child moved into cg first; its raw wait status (-1 if it
 * could not run) and its pid.
 */
static int run_job(const char *cg, const struct job *job, pid_t *pid)
{
	struct child c;
	int status, err;

	*pid = -1;
	err = child_start(&c, job_run, (void *)job);
	if (err) {
		diag("fork: expected a child, got %s", result_name(err));
		return -1;
	}
	*pid = c.pid;
	err = cg_enter_process(cg, c.pid);
	if (err) {
		diag("moving child %d into %s: expected success, got %s",
		     c.pid, cg_name(cg), result_name(err));
		child_kill(&c);
		return -1;
	}
	child_go(&c);
	if (waitpid(c.pid, &status, 0) != c.pid)
		status = -1;
	c.pid = -1;
	child_kill(&c);
	log_denials_done();
	return status;
}

/* Runs job in cg; it must exit with KSFT_PASS. Its pid, or -1. */
static pid_t run_job_passing(const char *cg, const struct job *job)
{
	pid_t pid;
	int status = run_job(cg, job, &pid);

	if (status < 0)
		return -1;
	if (status_result(job->comm, status) != KSFT_PASS) {
		diag("child %s: expected to pass, it did not (status %#x)",
		     job->comm, status);
		return -1;
	}
	return pid;
}

/* The expected denial line. */
static const char *denied_line(const char *abi, const char *name, int nr,
			       pid_t pid, const char *comm, const char *cg,
			       const char *action)
{
	static char buf[512];

	snprintf(buf, sizeof(buf),
		 DENIED_PREFIX "%s %s (%d): pid=%d comm=\"%s\" cgroup=\"/%s\" action=%s",
		 abi, name, nr, pid, comm, cg, action);
	return buf;
}

static bool expect_events(const char *cg, long denied)
{
	char want[64];

	snprintf(want, sizeof(want), "denied %ld", denied);
	if (!cg_read_expect(cg, "syscalls.events", want))
		return false;
	return !cg_hierarchy.v2 ||
	       cg_read_expect(cg, "syscalls.events.local", want);
}

/* A page below 4 GiB, for the path of an int $0x80 mkdir. */
static char *low_page;

static char *low_path(const char *path)
{
	if (!low_page) {
		low_page = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
		if (low_page == MAP_FAILED) {
			low_page = NULL;
			diag("mmap(MAP_32BIT): expected a page, got %s",
			     strerror(errno));
			return NULL;
		}
	}
	snprintf(low_page, 4096, "%s", path);
	return low_page;
}

/* ---- One line per denied call: ABI, name, number, task, cgroup. ---- */

#define CG_BOX "log_box"
#define PATH_A WORK_DIR "/a"
#define PATH_B WORK_DIR "/b"

/* Two denied mkdirs, and allowed calls between them. */
static int two_mkdirs(void *arg)
{
	bool ok;

	ok = expect_result("mkdir, denied", syscall3(SYS_mkdir, (long)PATH_A,
						     0755, 0), -ENOSYS);
	ok &= expect_result("getppid, allowed", syscall3(SYS_getppid, 0, 0, 0),
			    ANY_SUCCESS);
	ok &= expect_result("mkdir again, denied",
			    syscall3(SYS_mkdir, (long)PATH_B, 0755, 0),
			    -ENOSYS);
	ok &= expect_exists(PATH_A, false) & expect_exists(PATH_B, false);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_line_per_denied_call(void)
{
	const struct job job = { "log_x86_64", two_mkdirs, NULL };
	int ret = KSFT_FAIL, i, same = 0;
	const char *want;
	pid_t pid;

	if (cg_create_denying(CG_BOX, "mkdir") || kmsg_open())
		goto cleanup;
	log_budget(2);
	pid = run_job_passing(CG_BOX, &job);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	/* Two lines, one for each mkdir, both this one; none for getppid. */
	if (!expect_denied_lines(pid, 2))
		goto cleanup;
	want = denied_line("x86_64", "mkdir", SYS_mkdir, pid, job.comm, CG_BOX,
			   "ENOSYS");
	for (i = 0; i < kmsg->n; i++)
		same += !strcmp(kmsg->line[i], want);
	if (same != 2) {
		diag("kernel log: expected the line '%s' twice, found it %d times",
		     want, same);
		kmsg_show("syscalls_cgroup");
		goto cleanup;
	}
	if (!expect_events(CG_BOX, 2))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(PATH_A);
	rmdir(PATH_B);
	kmsg_close();
	cg_destroy(CG_BOX);
	cg_reset_root();
	return ret;
}

/* ---- An ia32 call through int $0x80 says so. ---- */

#define CG_IA32 "log_ia32"

static int int80_mkdir(void *arg)
{
	bool ok;

	ok = expect_result("mkdir through int $0x80, denied",
			   int80_syscall2(IA32_MKDIR, (unsigned long)arg, 0755),
			   -ENOSYS);
	ok &= expect_exists(PATH_A, false);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_line_names_the_ia32_abi(void)
{
	struct job job = { "log_ia32", int80_mkdir, NULL };
	int ret = KSFT_FAIL;
	pid_t pid;

	job.arg = low_path(PATH_A);
	if (!job.arg)
		return KSFT_FAIL;
	/* Denied in the ia32 ABI only: x86_64 mkdir would run. */
	if (cg_create_denying(CG_IA32, "ia32:mkdir") || kmsg_open())
		goto cleanup;
	log_budget(1);
	pid = run_job_passing(CG_IA32, &job);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	if (!expect_denied_lines(pid, 1) ||
	    !expect_line(denied_line("ia32", "ia32:mkdir", IA32_MKDIR, pid,
				     job.comm, CG_IA32, "ENOSYS")))
		goto cleanup;
	if (!expect_events(CG_IA32, 1))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(PATH_A);
	kmsg_close();
	cg_destroy(CG_IA32);
	cg_reset_root();
	return ret;
}

/* ---- The line names the action: an errno's name, or kill. ---- */

#define CG_ACTION "log_action"
#define CG_ACTION_SUB "log_action/inner"

static int mkdir_fails_with(void *arg)
{
	long want = (long)arg;

	return expect_result("mkdir, denied",
			     syscall3(SYS_mkdir, (long)PATH_A, 0755, 0), want) &&
		       expect_exists(PATH_A, false) ?
		       KSFT_PASS : KSFT_FAIL;
}

static int mkdir_killed(void *arg)
{
	syscall3(SYS_mkdir, (long)PATH_A, 0755, 0);
	/* Not reached if the call kills. */
	return KSFT_FAIL;
}

static int test_line_names_the_action(void)
{
	const struct job eperm = { "log_eperm", mkdir_fails_with,
				   (void *)(long)-EPERM };
	const struct job eacces = { "log_eacces", mkdir_fails_with,
				    (void *)(long)-EACCES };
	const struct job kill = { "log_kill", mkdir_killed, NULL };
	int ret = KSFT_FAIL, status;
	pid_t pid;

	if (cg_create_denying(CG_ACTION, "mkdir") || kmsg_open())
		goto cleanup;
	if (!cg_read_expect(CG_ACTION, "syscalls.action", "errno ENOSYS"))
		goto cleanup;
	log_budget(3);

	if (!cg_write_expect(CG_ACTION, "syscalls.action", "errno EPERM", 0))
		goto cleanup;
	pid = run_job_passing(CG_ACTION, &eperm);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	if (!expect_denied_lines(pid, 1) ||
	    !expect_line(denied_line("x86_64", "mkdir", SYS_mkdir, pid,
				     eperm.comm, CG_ACTION, "EPERM")))
		goto cleanup;

	/* A number: the line gives its name. */
	if (!cg_write_expect(CG_ACTION, "syscalls.action", "errno 13", 0) ||
	    !cg_read_expect(CG_ACTION, "syscalls.action", "errno EACCES"))
		goto cleanup;
	pid = run_job_passing(CG_ACTION, &eacces);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	if (!expect_denied_lines(pid, 1) ||
	    !expect_line(denied_line("x86_64", "mkdir", SYS_mkdir, pid,
				     eacces.comm, CG_ACTION, "EACCES")))
		goto cleanup;

	/*
	 * kill: the task dies of SIGSYS. In a child cgroup (made now: on v2,
	 * a cgroup with children takes no task), the line names it.
	 */
	if (cg_create(CG_ACTION_SUB) ||
	    !cg_write_expect(CG_ACTION, "syscalls.action", "kill", 0) ||
	    !cg_read_expect(CG_ACTION, "syscalls.action", "kill") ||
	    !cg_write_expect(CG_ACTION_SUB, "syscalls.action", "kill", 0))
		goto cleanup;
	status = run_job(CG_ACTION_SUB, &kill, &pid);
	if (status < 0)
		goto cleanup;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS) {
		diag("mkdir denied with action kill: expected death by SIGSYS, got status %#x",
		     status);
		goto cleanup;
	}
	kmsg_read();
	if (!expect_denied_lines(pid, 1) ||
	    !expect_line(denied_line("x86_64", "mkdir", SYS_mkdir, pid,
				     kill.comm, CG_ACTION_SUB, "kill")))
		goto cleanup;
	if (!cg_read_expect(CG_ACTION, "syscalls.events", "denied 3"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(PATH_A);
	kmsg_close();
	cg_destroy(CG_ACTION);
	cg_reset_root();
	return ret;
}

/* ---- Log mode: the call runs, and is logged as denied. ---- */

#define CG_LOGMODE "log_mode"

static int mkdir_runs(void *arg)
{
	bool ok;

	ok = expect_result("mkdir, denied but in log mode",
			   syscall3(SYS_mkdir, (long)PATH_A, 0755, 0), 0);
	ok &= expect_exists(PATH_A, true);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static int test_log_mode_runs_and_logs(void)
{
	const struct job job = { "log_logmode", mkdir_runs, NULL };
	int ret = KSFT_FAIL;
	pid_t pid;

	rmdir(PATH_A);
	if (cg_create_denying(CG_LOGMODE, "mkdir") || kmsg_open())
		goto cleanup;
	if (!cg_read_expect(CG_LOGMODE, "syscalls.mode", "enforce") ||
	    !cg_write_expect(CG_LOGMODE, "syscalls.mode", "log", 0) ||
	    !cg_read_expect(CG_LOGMODE, "syscalls.mode", "log"))
		goto cleanup;
	/* Not even kill applies: log mode only logs. */
	if (!cg_write_expect(CG_LOGMODE, "syscalls.action", "kill", 0))
		goto cleanup;
	log_budget(1);
	pid = run_job_passing(CG_LOGMODE, &job);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	if (!expect_denied_lines(pid, 1) ||
	    !expect_line(denied_line("x86_64", "mkdir", SYS_mkdir, pid,
				     job.comm, CG_LOGMODE, "log")))
		goto cleanup;
	if (!expect_events(CG_LOGMODE, 1))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(PATH_A);
	kmsg_close();
	cg_destroy(CG_LOGMODE);
	cg_reset_root();
	return ret;
}

/* ---- A flood: at most a burst of lines, but every denial counted. ---- */

#define CG_FLOOD "log_flood"
#define CG_FLOOD_BOX "log_flood/box"
#define FLOOD 200

static int mkdir_flood(void *arg)
{
	double start = now_seconds();
	int i, bad = 0;

	for (i = 0; i < FLOOD; i++)
		bad += syscall3(SYS_mkdir, (long)PATH_A, 0755, 0) != -ENOSYS;
	if (bad)
		diag("%d of %d denied mkdirs: expected -ENOSYS, got something else",
		     bad, FLOOD);
	if (now_seconds() - start > 1.0)
		diag("the %d denied calls took %.2f s, expected less than 1 s",
		     FLOOD, now_seconds() - start);
	return bad || now_seconds() - start > 1.0 ? KSFT_FAIL : KSFT_PASS;
}

static int test_flood_is_rate_limited_and_counted(void)
{
	const struct job flood = { "log_flood", mkdir_flood, NULL };
	const struct job one = { "log_after", mkdir_fails_with,
				 (void *)(long)-ENOSYS };
	char note[128];
	int ret = KSFT_FAIL, lines;
	pid_t pid;

	if (cg_create(CG_FLOOD) || cg_create_denying(CG_FLOOD_BOX, "mkdir") ||
	    kmsg_open())
		goto cleanup;
	/* A new interval: the whole burst is the flood's. */
	budget.printed = LOG_BURST;
	log_budget(LOG_BURST);
	pid = run_job_passing(CG_FLOOD_BOX, &flood);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	lines = kmsg_count(DENIED_PREFIX, NULL);
	diag("%d denied calls: %d lines", FLOOD, lines);
	if (!expect_denied_lines(pid, LOG_BURST))
		goto cleanup;
	if (lines != LOG_BURST) {
		diag("kernel log: expected %d denial lines in all, found %d",
		     LOG_BURST, lines);
		goto cleanup;
	}
	if (kmsg_count(" not logged", NULL)) {
		diag("kernel log: expected no suppression note before the interval ends");
		kmsg_show("syscalls_cgroup");
		goto cleanup;
	}
	/* Counting is not rate limited: in the cgroup and its parent. */
	if (!expect_events(CG_FLOOD_BOX, FLOOD) ||
	    !cg_read_expect(CG_FLOOD, "syscalls.events", "denied " STRINGIFY(FLOOD)))
		goto cleanup;
	if (cg_hierarchy.v2 &&
	    !cg_read_expect(CG_FLOOD, "syscalls.events.local", "denied 0"))
		goto cleanup;
	if (!cg_hierarchy.v2 && cg_exists(CG_FLOOD, "syscalls.events.local")) {
		diag("%s/syscalls.events.local: expected it on cgroup v2 only, it exists on v1",
		     CG_FLOOD);
		goto cleanup;
	}

	/* The next interval opens with the note of what was suppressed. */
	log_budget(1);
	pid = run_job_passing(CG_FLOOD_BOX, &one);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	snprintf(note, sizeof(note),
		 "syscalls_cgroup: %d denials of cgroup=\"/%s\" not logged",
		 FLOOD - LOG_BURST, CG_FLOOD_BOX);
	if (!expect_line(note) || !expect_denied_lines(pid, 1) ||
	    !expect_line(denied_line("x86_64", "mkdir", SYS_mkdir, pid,
				     one.comm, CG_FLOOD_BOX, "ENOSYS")))
		goto cleanup;
	if (!expect_events(CG_FLOOD_BOX, FLOOD + 1))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(PATH_A);
	kmsg_close();
	cg_destroy(CG_FLOOD);
	cg_reset_root();
	return ret;
}

/* ---- A flood in one cgroup does not silence another ---- */

#define CG_QUIET "log_quiet"

static int test_flood_does_not_silence_another_cgroup(void)
{
	const struct job flood = { "log_flood", mkdir_flood, NULL };
	const struct job one = { "log_other", mkdir_fails_with,
				 (void *)(long)-ENOSYS };
	int ret = KSFT_FAIL;
	pid_t pid;

	if (cg_create(CG_FLOOD) || cg_create_denying(CG_FLOOD_BOX, "mkdir") ||
	    cg_create_denying(CG_QUIET, "mkdir") || kmsg_open())
		goto cleanup;
	log_budget(LOG_BURST);
	if (run_job_passing(CG_FLOOD_BOX, &flood) < 0)
		goto cleanup;
	/* In the same interval, the other cgroup's first denial. */
	pid = run_job_passing(CG_QUIET, &one);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	if (!expect_denied_lines(pid, 1) ||
	    !expect_line(denied_line("x86_64", "mkdir", SYS_mkdir, pid,
				     one.comm, CG_QUIET, "ENOSYS")))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(PATH_A);
	kmsg_close();
	cg_destroy(CG_FLOOD);
	cg_destroy(CG_QUIET);
	cg_reset_root();
	/* The flood spent a budget: the next test waits for a new interval. */
	budget.printed = LOG_BURST;
	return ret;
}

/* ---- Names a tenant chose are quoted: they cannot add a field ---- */

/* text as /dev/kmsg shows it: '\\' and unprintable bytes as \xNN. */
static const char *kmsg_escaped(const char *text, char *buf, size_t len)
{
	size_t n = 0;

	for (; *text && n + 5 < len; text++) {
		unsigned char c = *text;

		if (c < ' ' || c >= 127 || c == '\\')
			n += snprintf(buf + n, len - n, "\\x%02x", c);
		else
			buf[n++] = c;
	}
	buf[n] = '\0';
	return buf;
}

#define CG_NAMED "log_x action=log \"q\\"
#define CG_NAMED_TEXT "log_x action=log \\\"q\\\\"

static int test_names_are_quoted_and_escaped(void)
{
	const struct job job = { "c\"o m\\=\t", mkdir_fails_with,
				 (void *)(long)-ENOSYS };
	char line[512], want[1024];
	int ret = KSFT_FAIL;
	pid_t pid;

	if (cg_create_denying(CG_NAMED, "mkdir") || kmsg_open())
		goto cleanup;
	log_budget(1);
	pid = run_job_passing(CG_NAMED, &job);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	/* The line escapes the names; /dev/kmsg then escapes each '\\'. */
	snprintf(line, sizeof(line),
		 DENIED_PREFIX "x86_64 mkdir (%d): pid=%d comm=\"c\\\"o m\\\\=\\x09\" cgroup=\"/%s\" action=ENOSYS",
		 SYS_mkdir, pid, CG_NAMED_TEXT);
	if (!expect_denied_lines(pid, 1) || !expect_line(kmsg_escaped(line, want, sizeof(want))))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(PATH_A);
	kmsg_close();
	cg_destroy(CG_NAMED);
	cg_reset_root();
	return ret;
}

/* ---- An x32 call is logged as x32, with the x32 bit in its number ---- */

#define CG_X32 "log_x32"
#define X32_BIT 0x40000000UL

static int x32_mkdir(void *arg)
{
	return expect_result("x32 mkdir, denied",
			     raw_syscall3(X32_BIT | SYS_mkdir, (long)PATH_A, 0755, 0),
			     -ENOSYS) && expect_exists(PATH_A, false) ?
		       KSFT_PASS : KSFT_FAIL;
}

static int test_line_names_the_x32_abi(void)
{
	const struct job job = { "log_x32", x32_mkdir, NULL };
	int ret = KSFT_FAIL;
	pid_t pid;

	if (!x32_syscalls_work()) {
		diag("the kernel runs no x32 system calls (CONFIG_X86_X32_ABI)");
		return KSFT_SKIP;
	}
	if (cg_create_denying(CG_X32, "mkdir") || kmsg_open())
		goto cleanup;
	log_budget(1);
	pid = run_job_passing(CG_X32, &job);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	if (!expect_denied_lines(pid, 1) ||
	    !expect_line(denied_line("x32", "mkdir", (int)(X32_BIT | SYS_mkdir),
				     pid, job.comm, CG_X32, "ENOSYS")))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	rmdir(PATH_A);
	kmsg_close();
	cg_destroy(CG_X32);
	cg_reset_root();
	return ret;
}

/* ---- With audit on: an AUDIT_SECCOMP record instead of the line. ---- */

#define CG_AUDIT "log_audit"
#define CG_AUDIT_KILL "log_audit_kill"
#define CG_AUDIT_LOG "log_audit_log"
/* SECCOMP_RET_* of <linux/seccomp.h>, as the record's code gives them. */
#define CODE_ERRNO 0x00050000U
#define CODE_KILL_PROCESS 0x80000000U
#define CODE_LOG 0x7ffc0000U
#define ARCH_X86_64 "c000003e"
#define ARCH_I386 "40000003"

/*
 * One request on an audit netlink socket: AUDIT_GET fills *reply,
 * AUDIT_SET sends *set and waits for the acknowledgment. 0 or -errno.
 */
static int audit_request(int type, const struct audit_status *set,
			 struct audit_status *reply)
{
	struct sockaddr_nl kernel = { .nl_family = AF_NETLINK };
	struct {
		struct nlmsghdr h;
		struct audit_status s;
	} req;
	struct timeval tv = { 5, 0 };
	char buf[8192];
	int fd, err = -ETIMEDOUT;
	ssize_t n;

	fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_AUDIT);
	if (fd < 0)
		return -errno;
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	memset(&req, 0, sizeof(req));
	req.h.nlmsg_type = type;
	req.h.nlmsg_seq = 1;
	if (type == AUDIT_SET) {
		req.h.nlmsg_len = NLMSG_LENGTH(sizeof(req.s));
		req.h.nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
		req.s = *set;
	} else {
		req.h.nlmsg_len = NLMSG_LENGTH(0);
		req.h.nlmsg_flags = NLM_F_REQUEST;
	}
	if (sendto(fd, &req, req.h.nlmsg_len, 0, (struct sockaddr *)&kernel,
		   sizeof(kernel)) < 0) {
		err = -errno;
		goto out;
	}
	while ((n = recv(fd, buf, sizeof(buf), 0)) > 0) {
		struct nlmsghdr *h;
		int len = n;

		for (h = (struct nlmsghdr *)buf; NLMSG_OK(h, len);
		     h = NLMSG_NEXT(h, len)) {
			if (h->nlmsg_type == NLMSG_ERROR) {
				struct nlmsgerr *e = NLMSG_DATA(h);

				err = e->error;
				if (err || type == AUDIT_SET)
					goto out;
			} else if (h->nlmsg_type == AUDIT_GET &&
				   type == AUDIT_GET) {
				memset(reply, 0, sizeof(*reply));
				memcpy(reply, NLMSG_DATA(h),
				       h->nlmsg_len - NLMSG_LENGTH(0) <
						       sizeof(*reply) ?
					       h->nlmsg_len - NLMSG_LENGTH(0) :
					       sizeof(*reply));
				err = 0;
				goto out;
			}
		}
	}
	if (n < 0)
		err = -errno;
out:
	close(fd);
	return err;
}

static int audit_set_enabled(unsigned int enabled)
{
	struct audit_status s = {
		.mask = AUDIT_STATUS_ENABLED,
		.enabled = enabled,
	};
	int err = audit_request(AUDIT_SET, &s, NULL);

	if (err)
		diag("AUDIT_SET enabled=%u: expected success, got %s", enabled,
		     result_name(err));
	return err;
}

/*
 * Waits for the audit record of pid's denial and checks its fields; and
 * that no line of ours came instead.
 */
static bool expect_audit_record(pid_t pid, const char *comm, const char *arch,
				int nr, int compat, int sig, unsigned int code)
{
	char tag[32], want[160];
	const char *rec = NULL;
	int i;

	snprintf(tag, sizeof(tag), " pid=%d ", pid);
	if (kmsg_wait_for("type=1326 ", tag, 1, 10) != 1) {
		diag("kernel log: expected one audit record of type 1326 (AUDIT_SECCOMP) for pid %d, found %d",
		     pid, kmsg_count("type=1326 ", tag));
		kmsg_show(NULL);
		return false;
	}
	for (i = 0; i < kmsg->n; i++)
		if (has(kmsg->line[i], "type=1326 ") &&
		    has(kmsg->line[i], tag))
			rec = kmsg->line[i];
	diag("audit record: %s", rec);
	snprintf(want, sizeof(want), "comm=\"%s\"", comm);
	if (!strstr(rec, want))
		goto bad;
	snprintf(want, sizeof(want),
		 " sig=%d arch=%s syscall=%d compat=%d ip=0x", sig, arch, nr,
		 compat);
	if (!strstr(rec, want))
		goto bad;
	snprintf(want, sizeof(want), " code=0x%x", code);
	if (!strstr(rec, want) || strcmp(strstr(rec, want), want))
		goto bad;
	if (kmsg_count(DENIED_PREFIX, NULL)) {
		diag("kernel log: expected no '%s' line with audit on, found %d",
		     DENIED_PREFIX, kmsg_count(DENIED_PREFIX, NULL));
		kmsg_show("syscalls_cgroup");
		return false;
	}
	return true;
bad:
	diag("audit record: expected '%s' in it", want);
	return false;
}

static int test_audit_record_replaces_the_line(void)
{
	const struct job x64 = { "log_audit64", mkdir_fails_with,
				 (void *)(long)-ENOSYS };
	struct job ia32 = { "log_audit32", int80_mkdir, NULL };
	const struct job killed = { "log_auditkill", mkdir_killed, NULL };
	const struct job logged = { "log_auditlog", mkdir_runs, NULL };
	const struct job after = { "log_auditoff", mkdir_fails_with,
				   (void *)(long)-ENOSYS };
	struct audit_status before;
	bool switched = false;
	int ret = KSFT_FAIL, err, status;
	pid_t pid;

	/*
	 * Once audit has been on, every task forked later carries an audit
	 * context, whatever the switch says since: run.sh runs this test last,
	 * on v1, so that no other program runs under it. The record does not
	 * depend on the hierarchy.
	 */
	if (skip_on_v2("audit, once on, stays in every later task: tested last, on v1"))
		return KSFT_SKIP;
	ia32.arg = low_path(PATH_A);
	if (!ia32.arg)
		return KSFT_FAIL;
	err = audit_request(AUDIT_GET, NULL, &before);
	if (err) {
		diag("AUDIT_GET: expected the audit status, got %s",
		     result_name(err));
		return KSFT_FAIL;
	}
	diag("audit was %s", before.enabled ? "enabled" : "disabled");
	if (before.enabled) {
		diag("audit is on already (an auditd?): the records may not reach the kernel log");
		return KSFT_SKIP;
	}
	if (cg_create_denying(CG_AUDIT, "mkdir") ||
	    cg_create_denying(CG_AUDIT_KILL, "mkdir") ||
	    cg_create_denying(CG_AUDIT_LOG, "mkdir") ||
	    !cg_write_expect(CG_AUDIT_KILL, "syscalls.action", "kill", 0) ||
	    !cg_write_expect(CG_AUDIT_LOG, "syscalls.mode", "log", 0))
		goto cleanup;
	rmdir(PATH_A);
	/* The records, and the lines that are not, count against the burst. */
	log_budget(4);
	if (audit_set_enabled(1))
		goto cleanup;
	switched = true;

	/* errno: ENOSYS (38) in the code's low bits. */
	if (kmsg_open())
		goto cleanup;
	pid = run_job_passing(CG_AUDIT, &x64);
	if (pid < 0 || !expect_audit_record(pid, x64.comm, ARCH_X86_64,
					    SYS_mkdir, 0, 0,
					    CODE_ERRNO | ENOSYS))
		goto cleanup;

	/* ia32, through int $0x80 from a 64-bit task: compat. */
	if (kmsg_open())
		goto cleanup;
	pid = run_job_passing(CG_AUDIT, &ia32);
	if (pid < 0 || !expect_audit_record(pid, ia32.comm, ARCH_I386,
					    IA32_MKDIR, 1, 0,
					    CODE_ERRNO | ENOSYS))
		goto cleanup;

	/* x32: the x86_64 arch, the x32 bit in the number, compat as x32 is. */
	if (x32_syscalls_work()) {
		const struct job x32 = { "log_audit_x32", x32_mkdir, NULL };

		if (kmsg_open())
			goto cleanup;
		pid = run_job_passing(CG_AUDIT, &x32);
		if (pid < 0 || !expect_audit_record(pid, x32.comm, ARCH_X86_64,
						    X32_BIT | SYS_mkdir, 1, 0,
						    CODE_ERRNO | ENOSYS))
			goto cleanup;
	}

	/* kill: SIGSYS, and the code of SECCOMP_RET_KILL_PROCESS. */
	if (kmsg_open())
		goto cleanup;
	status = run_job(CG_AUDIT_KILL, &killed, &pid);
	if (status < 0)
		goto cleanup;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS) {
		diag("mkdir denied with action kill: expected death by SIGSYS, got status %#x",
		     status);
		goto cleanup;
	}
	if (!expect_audit_record(pid, killed.comm, ARCH_X86_64, SYS_mkdir, 0,
				 SIGSYS, CODE_KILL_PROCESS))
		goto cleanup;

	/* log mode: the call runs; the code of SECCOMP_RET_LOG. */
	if (kmsg_open())
		goto cleanup;
	pid = run_job_passing(CG_AUDIT_LOG, &logged);
	if (pid < 0 || !expect_audit_record(pid, logged.comm, ARCH_X86_64,
					    SYS_mkdir, 0, 0, CODE_LOG))
		goto cleanup;
	rmdir(PATH_A);
	/* Counted all the same. */
	if (!expect_events(CG_AUDIT, x32_syscalls_work() ? 3 : 2) ||
	    !expect_events(CG_AUDIT_KILL, 1) ||
	    !expect_events(CG_AUDIT_LOG, 1))
		goto cleanup;

	/* Audit off again: the line is back, and no record comes. */
	if (audit_set_enabled(0))
		goto cleanup;
	switched = false;
	if (kmsg_open())
		goto cleanup;
	log_budget(1);
	pid = run_job_passing(CG_AUDIT, &after);
	if (pid < 0)
		goto cleanup;
	kmsg_read();
	if (!expect_denied_lines(pid, 1) ||
	    !expect_line(denied_line("x86_64", "mkdir", SYS_mkdir, pid,
				     after.comm, CG_AUDIT, "ENOSYS")))
		goto cleanup;
	usleep(300 * 1000);	/* kauditd's time to print, were it to */
	kmsg_read();
	if (kmsg_count("type=1326 ", NULL)) {
		diag("kernel log: expected no audit record with audit off, found %d",
		     kmsg_count("type=1326 ", NULL));
		kmsg_show("type=1326");
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	if (switched)
		audit_set_enabled(0);
	rmdir(PATH_A);
	kmsg_close();
	cg_destroy(CG_AUDIT);
	cg_destroy(CG_AUDIT_KILL);
	cg_destroy(CG_AUDIT_LOG);
	cg_reset_root();
	return ret;
}

/* The audit test last: see the top of the file. */
static struct syscalls_test tests[] = {
	T(test_line_per_denied_call),
	T(test_line_names_the_ia32_abi),
	T(test_line_names_the_action),
	T(test_log_mode_runs_and_logs),
	T(test_flood_is_rate_limited_and_counted),
	T(test_flood_does_not_silence_another_cgroup),
	T(test_names_are_quoted_and_escaped),
	T(test_line_names_the_x32_abi),
	T(test_audit_record_replaces_the_line),
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
	/* An earlier program's denials may have spent the burst. */
	log_denials_done();
	ksft_set_plan(tests_selected(tests, ARRAY_SIZE(tests), argc, argv));
	run_tests(tests, ARRAY_SIZE(tests), argc, argv);
}
