/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers of the enforcement tests (test_enforce.c, test_abi32.c): running
 * work in forked children that a test can move between cgroups, probes that
 * make system calls on request, and reporting what a call returned.
 *
 * Every child arms an alarm, so a test that loses track of one still ends:
 * the child dies of SIGALRM and the test reports it.
 */
#ifndef ENFORCE_UTIL_H
#define ENFORCE_UTIL_H

#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "kselftest.h"
#include "syscalls_util.h"

/* How long any child may live, in seconds. */
#define EN_CHILD_ALARM 120

/* Prints a diagnostic line, "# ..." as TAP wants it. */
static inline __printf(1, 2) void en_diag(const char *fmt, ...)
{
	char line[1024];
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	/* One write, so that lines of concurrent children do not mix. */
	fflush(stdout);
	if (write(STDOUT_FILENO, "# ", 2) == 2 &&
	    write(STDOUT_FILENO, line, n) == n)
		return;
}

/*
 * A system call result in words: "0", "1234", or "-ENOSYS" for a negative
 * errno. Uses one of a few rotating buffers, so two fit in one printf.
 */
static inline const char *en_res(long r)
{
	static char bufs[4][64];
	static int next;
	char *buf = bufs[next++ % 4];
	const char *name;

	if (r < 0 && r >= -4095) {
		name = strerrorname_np((int)-r);
		if (name) {
			snprintf(buf, 64, "-%s", name);
			return buf;
		}
	}
	snprintf(buf, 64, "%ld", r);
	return buf;
}

/* A system call through libc's syscall(); the result or -errno. */
static inline long en_sys(long nr, long a, long b, long c)
{
	long r;

	errno = 0;
	r = syscall(nr, a, b, c);
	return r == -1 ? -errno : r;
}

/*
 * Checks a result: want >= 0 is that value exactly, EN_ANY_OK any value
 * that is not an error, want < 0 that -errno. Prints what differs.
 */
#define EN_ANY_OK LONG_MIN

static inline int en_expect(const char *what, long got, long want)
{
	if (want == EN_ANY_OK ? (got >= 0 || got < -4095) : got == want)
		return 1;
	en_diag("%s: expected %s, got %s", what,
		want == EN_ANY_OK ? "success" : en_res(want), en_res(got));
	return 0;
}

static inline int en_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

/* Checks that path exists (want 1) or does not (want 0). */
static inline int en_expect_exists(const char *path, int want)
{
	int got = en_exists(path);

	if (got == want)
		return 1;
	en_diag("%s: expected it %s, it %s", path,
		want ? "to exist" : "not to exist",
		got ? "exists" : "does not exist");
	return 0;
}

/* Removes a directory a test may have made; quiet if it is not there. */
static inline void en_rmdir_quiet(const char *path)
{
	rmdir(path);
}

/*
 * The cgroup of pid (0: the caller) in the syscalls hierarchy, as
 * /proc/PID/cgroup shows it ("/" for the root), into buf; 0 or -1.
 */
static inline int en_cgroup_of(pid_t pid, char *buf, size_t len)
{
	char path[64], line[512];
	FILE *f;
	int ret = -1;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/cgroup");
	f = fopen(path, "re");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, ":syscalls:");

		if (!p)
			continue;
		p += strlen(":syscalls:");
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, len, "%s", p);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

/* Checks that pid (0: the caller) is in cgroup cg ("" is the root). */
static inline int en_expect_cgroup(pid_t pid, const char *cg)
{
	char got[256], want[256];

	snprintf(want, sizeof(want), "/%s", cg);
	if (en_cgroup_of(pid, got, sizeof(got))) {
		en_diag("no syscalls line in /proc/%d/cgroup", pid);
		return 0;
	}
	if (strcmp(got, want)) {
		en_diag("task %d: expected in syscalls cgroup %s, it is in %s",
			pid, want, got);
		return 0;
	}
	return 1;
}

/* Moves every task of a cgroup to the root; the number left behind. */
static inline int en_cg_empty(const char *cg)
{
	char buf[65536], *p, *end;
	int pass, left = 0;

	for (pass = 0; pass < 5; pass++) {
		if (sc_read(cg, "tasks", buf, sizeof(buf)) < 0)
			return 0;
		left = 0;
		for (p = buf; *p; p = end) {
			long tid = strtol(p, &end, 10);

			if (end == p)
				break;
			left++;
			sc_enter_thread("", tid);
		}
		if (!left)
			return 0;
	}
	return left;
}

/*
 * Removes a test's cgroup: moves what is left in it to the root first.
 * Quiet when the cgroup does not exist.
 */
static inline void en_cg_remove(const char *cg)
{
	char path[4096];
	int err;

	if (!en_exists(sc_path(path, sizeof(path), cg, NULL)))
		return;
	en_cg_empty(cg);
	err = sc_rmdir(cg);
	if (err)
		en_diag("cleanup: rmdir of cgroup %s: %s", cg, en_res(err));
}

/* Allows everything at the root again, as every test leaves it. */
static inline void en_reset_root(void)
{
	int err = sc_write("", "syscalls.allow", "all");

	if (err)
		en_diag("cleanup: allow all at the root: %s", en_res(err));
}

/* Creates a cgroup and writes rules to its deny file (rules may be NULL). */
static inline int en_cg_make(const char *cg, const char *deny)
{
	int err = sc_mkdir(cg);

	if (err) {
		en_diag("mkdir of cgroup %s: %s", cg, en_res(err));
		return err;
	}
	if (deny) {
		err = sc_write(cg, "syscalls.deny", deny);
		if (err)
			en_diag("deny '%s' in %s: %s", deny, cg, en_res(err));
	}
	return err;
}

/* Writes to a cgroup file and reports a failure; 1 on success. */
static inline int en_write(const char *cg, const char *file, const char *text)
{
	int err = sc_write(cg, file, text);

	if (err)
		en_diag("write '%s' to %s/%s: expected success, got %s", text,
			*cg ? cg : "(root)", file, en_res(err));
	return !err;
}

/*
 * A child that waits for en_child_go() before it runs fn(arg); its exit
 * status is what fn returns. It waits spinning on shared memory, with no
 * system call that a policy written meanwhile could deny: the test may
 * move it into a cgroup that denies everything before letting it go.
 */
struct en_child {
	pid_t pid;
	int *sync;	/* [0]: the child is waiting, [1]: go */
};

static inline void en_child_unmap(struct en_child *c)
{
	if (c->sync)
		munmap(c->sync, 4096);
	c->sync = NULL;
}

static inline int en_child_start(struct en_child *c, int (*fn)(void *),
				 void *arg)
{
	c->pid = -1;
	c->sync = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->sync == MAP_FAILED) {
		c->sync = NULL;
		return -1;
	}
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		en_child_unmap(c);
		return -1;
	}
	if (c->pid == 0) {
		alarm(EN_CHILD_ALARM);
		__atomic_store_n(&c->sync[0], 1, __ATOMIC_SEQ_CST);
		/* sched_yield() may fail with ENOSYS: it still spins. */
		while (!__atomic_load_n(&c->sync[1], __ATOMIC_SEQ_CST))
			sched_yield();
		_exit(fn(arg));
	}
	while (!__atomic_load_n(&c->sync[0], __ATOMIC_SEQ_CST))
		sched_yield();
	return 0;
}

static inline int en_child_go(struct en_child *c)
{
	if (!c->sync)
		return -1;
	__atomic_store_n(&c->sync[1], 1, __ATOMIC_SEQ_CST);
	return 0;
}

/* Maps a wait status to KSFT_*, reporting deaths by signal. */
static inline int en_status(const char *who, int status)
{
	if (WIFEXITED(status)) {
		switch (WEXITSTATUS(status)) {
		case KSFT_PASS:
		case KSFT_SKIP:
			return WEXITSTATUS(status);
		default:
			return KSFT_FAIL;
		}
	}
	if (WIFSIGNALED(status))
		en_diag("%s: killed by signal %d (%s)", who, WTERMSIG(status),
			strsignal(WTERMSIG(status)));
	return KSFT_FAIL;
}

/* Waits for the child; its KSFT_* result. */
static inline int en_child_wait(struct en_child *c)
{
	int status;

	en_child_unmap(c);
	if (c->pid <= 0)
		return KSFT_FAIL;
	if (waitpid(c->pid, &status, 0) != c->pid) {
		en_diag("waitpid(%d): %s", c->pid, strerror(errno));
		c->pid = -1;
		return KSFT_FAIL;
	}
	c->pid = -1;
	return en_status("child", status);
}

/* Kills and reaps a child that is still there (cleanup paths). */
static inline void en_child_kill(struct en_child *c)
{
	en_child_unmap(c);
	if (c->pid > 0) {
		kill(c->pid, SIGKILL);
		waitpid(c->pid, NULL, 0);
		c->pid = -1;
	}
}

/*
 * Runs fn(arg) in a child moved into cgroup cg first (NULL: left in the
 * caller's cgroup); the child's KSFT_* result.
 */
static inline int en_run_in(const char *cg, int (*fn)(void *), void *arg)
{
	struct en_child c;
	int err;

	if (en_child_start(&c, fn, arg)) {
		en_diag("fork: %s", strerror(errno));
		return KSFT_FAIL;
	}
	if (cg) {
		err = sc_enter(cg, c.pid);
		if (err) {
			en_diag("moving child %d into %s: %s", c.pid,
				*cg ? cg : "(root)", en_res(err));
			en_child_kill(&c);
			return KSFT_FAIL;
		}
	}
	if (en_child_go(&c)) {
		en_child_kill(&c);
		return KSFT_FAIL;
	}
	return en_child_wait(&c);
}

/*
 * A probe: a child process of one or more threads, each making the system
 * calls the test sends it, with a path argument, and answering with the
 * result. Each thread blocks in read() between requests.
 */
#define EN_PROBE_THREADS 4

struct en_probe {
	pid_t pid;
	int nthreads;
	pid_t tid[EN_PROBE_THREADS];
	int cmd[EN_PROBE_THREADS];
	int res[EN_PROBE_THREADS];
};

struct en_probe_msg {
	long nr;
	long mode;
	char path[240];
};

/* The probe child's ends of its pipes. */
static int en_probe_cmd_rd[EN_PROBE_THREADS];
static int en_probe_res_wr[EN_PROBE_THREADS];

static inline void *en_probe_serve(void *arg)
{
	int i = (int)(long)arg;
	pid_t tid = gettid();
	struct en_probe_msg m;
	long r;

	if (write(en_probe_res_wr[i], &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	while (read(en_probe_cmd_rd[i], &m, sizeof(m)) == sizeof(m)) {
		r = en_sys(m.nr, (long)m.path, m.mode, 0);
		if (write(en_probe_res_wr[i], &r, sizeof(r)) != sizeof(r))
			break;
	}
	return NULL;
}

static inline int en_probe_start(struct en_probe *p, int nthreads)
{
	int cmd[EN_PROBE_THREADS][2], res[EN_PROBE_THREADS][2];
	int i, j;

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	p->nthreads = nthreads;
	for (i = 0; i < nthreads; i++) {
		if (pipe2(cmd[i], O_CLOEXEC) || pipe2(res[i], O_CLOEXEC)) {
			en_diag("pipe: %s", strerror(errno));
			return -1;
		}
	}
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		return -1;
	if (p->pid == 0) {
		pthread_t t;

		alarm(EN_CHILD_ALARM);
		for (i = 0; i < nthreads; i++) {
			close(cmd[i][1]);
			close(res[i][0]);
			en_probe_cmd_rd[i] = cmd[i][0];
			en_probe_res_wr[i] = res[i][1];
		}
		for (i = 1; i < nthreads; i++)
			if (pthread_create(&t, NULL, en_probe_serve, (void *)(long)i))
				_exit(KSFT_FAIL);
		en_probe_serve((void *)0);
		_exit(KSFT_PASS);
	}
	for (i = 0; i < nthreads; i++) {
		close(cmd[i][0]);
		close(res[i][1]);
		p->cmd[i] = cmd[i][1];
		p->res[i] = res[i][0];
	}
	for (j = 0; j < nthreads; j++)
		if (read(p->res[j], &p->tid[j], sizeof(pid_t)) != sizeof(pid_t))
			return -1;
	return 0;
}

/* Has thread i of the probe make call nr(path, mode); the result. */
static inline long en_probe_call(struct en_probe *p, int i, long nr,
				 const char *path, long mode)
{
	struct en_probe_msg m = { .nr = nr, .mode = mode };
	long r;

	snprintf(m.path, sizeof(m.path), "%s", path);
	if (write(p->cmd[i], &m, sizeof(m)) != sizeof(m) ||
	    read(p->res[i], &r, sizeof(r)) != sizeof(r)) {
		en_diag("probe %d thread %d does not answer", p->pid, i);
		return LONG_MIN + 1;
	}
	return r;
}

/* Ends the probe: its threads see end-of-file and it exits. */
static inline void en_probe_stop(struct en_probe *p)
{
	int i;

	if (p->pid <= 0)
		return;
	for (i = 0; i < p->nthreads; i++) {
		close(p->cmd[i]);
		close(p->res[i]);
	}
	kill(p->pid, SIGKILL);
	waitpid(p->pid, NULL, 0);
	p->pid = -1;
}

#endif /* ENFORCE_UTIL_H */
