// SPDX-License-Identifier: GPL-2.0
/*
 * Races in the syscalls cgroup. Writers of parents and children, mkdir and
 * rmdir of cgroups and readers all at once: every write and read gives a
 * result the race allows, and the effective sets end as the last whole
 * rounds of rules say. And a deny toggled while tasks call, fork, clone,
 * exec and migrate, and while cgroups come and go below it: no denied call
 * runs after the deny returned.
 *
 * Every test works in cgroups of its own below the root (the test runs in
 * the root cgroup, so it never denies anything there that it needs) and
 * removes them, and resets the root, whether it passes or not.
 */
#include <linux/futex.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>

#include "syscalls_cgroup_util.h"

/* Every test cgroup's name starts with this, so that leftovers are found. */
#define TEST_PREFIX "sct_"

/* ---- Writers race each other and mkdir and rmdir. ---- */

#define WRITERS_SECONDS 3
#define WRITERS_CHILDREN 4
#define WRITERS_CHURNERS 2
#define WRITERS_SLOTS 4
#define WRITERS_PARENT TEST_PREFIX "race"
/* A parent writer, child writers, churners, a stray and a reader. */
#define WRITERS_THREADS (1 + WRITERS_CHILDREN + WRITERS_CHURNERS + 2)

struct writers {
	int stop;
	pthread_mutex_t lock;
	int failures;
	char first[512];
	long ops[8];
	/* Expected errors seen: refused allows, and cgroups gone. */
	long eperm, gone;
	/* What each child's own rules hold at the end: 200 + i or not. */
	bool child_denies[WRITERS_CHILDREN];
};

static __printf(2, 3) void writers_fail(struct writers *r, const char *fmt, ...)
{
	va_list args;

	pthread_mutex_lock(&r->lock);
	if (!r->failures++) {
		va_start(args, fmt);
		vsnprintf(r->first, sizeof(r->first), fmt, args);
		va_end(args);
	}
	pthread_mutex_unlock(&r->lock);
}

static bool writers_stopped(struct writers *r)
{
	return __atomic_load_n(&r->stop, __ATOMIC_RELAXED);
}

/* Whether err is one of the allowed results; records a failure if not. */
static bool writers_check(struct writers *r, const char *what, const char *cg,
			  int err, int ok1, int ok2, int ok3)
{
	if (err == 0 || err == ok1 || err == ok2 || err == ok3) {
		if (err == -EPERM)
			__atomic_fetch_add(&r->eperm, 1, __ATOMIC_RELAXED);
		else if (err)
			__atomic_fetch_add(&r->gone, 1, __ATOMIC_RELAXED);
		return true;
	}
	writers_fail(r, "%s %s: expected success or an error the race allows, got %s",
		     what, cg, result_name(err));
	return false;
}

struct writers_arg {
	struct writers *r;
	int i;
};

/* The parent's rules come and go; its own parent denies nothing. */
static void *parent_writer(void *p)
{
	static const char *const rules[] = {
		"x86_64:100-110 ia32:100-110", "all", "x86_64:201", "mkdir",
		"ia32:all 200-203",
	};
	struct writers_arg *a = p;
	long k = 0;

	while (!writers_stopped(a->r)) {
		const char *text = rules[k++ % ARRAY_SIZE(rules)];

		writers_check(a->r, "parent deny", WRITERS_PARENT,
			      cg_write(WRITERS_PARENT, "syscalls.deny", text), 0, 0, 0);
		writers_check(a->r, "parent allow", WRITERS_PARENT,
			      cg_write(WRITERS_PARENT, "syscalls.allow", text), 0, 0, 0);
		__atomic_fetch_add(&a->r->ops[0], 2, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* A child's own rule comes and goes; its allows may race a parent deny. */
static void *child_writer(void *p)
{
	struct writers_arg *a = p;
	char cg[64], own[32];
	int err;

	snprintf(cg, sizeof(cg), WRITERS_PARENT "/c%d", a->i);
	snprintf(own, sizeof(own), "x86_64:%d", 200 + a->i);
	while (!writers_stopped(a->r)) {
		err = cg_write(cg, "syscalls.deny", own);
		if (writers_check(a->r, "child deny", cg, err, 0, 0, 0))
			a->r->child_denies[a->i] = true;
		err = cg_write(cg, "syscalls.allow", own);
		if (writers_check(a->r, "child allow", cg, err, -EPERM, 0, 0) && !err)
			a->r->child_denies[a->i] = false;
		err = cg_write(cg, "syscalls.allow", "ia32:105");
		writers_check(a->r, "child allow ia32:105", cg, err, -EPERM, 0, 0);
		__atomic_fetch_add(&a->r->ops[1], 3, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Children of the parent come and go, with rules and a child of their own. */
static void *churner(void *p)
{
	struct writers_arg *a = p;
	char cg[64], sub[80];
	long k = 0;
	int err;

	while (!writers_stopped(a->r)) {
		snprintf(cg, sizeof(cg), WRITERS_PARENT "/s%d_%ld", a->i,
			 k++ % WRITERS_SLOTS);
		snprintf(sub, sizeof(sub), "%s/g", cg);
		err = cg_create(cg);
		if (!writers_check(a->r, "mkdir", cg, err, 0, 0, 0))
			continue;
		writers_check(a->r, "mkdir", sub, cg_create(sub), 0, 0, 0);
		writers_check(a->r, "churn deny", sub,
			      cg_write(sub, "syscalls.deny", "getpid"), 0, 0, 0);
		writers_check(a->r, "churn allow", sub,
			      cg_write(sub, "syscalls.allow", "getpid"), -EPERM, 0, 0);
		writers_check(a->r, "rmdir", sub, cg_remove(sub), 0, 0, 0);
		writers_check(a->r, "rmdir", cg, cg_remove(cg), 0, 0, 0);
		__atomic_fetch_add(&a->r->ops[2], 6, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Writes to and reads the churned cgroups, which may be gone meanwhile. */
static void *stray(void *p)
{
	struct writers_arg *a = p;
	struct syscall_set set;
	char cg[80], buf[16384];
	ssize_t n;

	while (!writers_stopped(a->r)) {
		snprintf(cg, sizeof(cg), WRITERS_PARENT "/s%u_%u%s",
			 (unsigned int)(random() % WRITERS_CHURNERS),
			 (unsigned int)(random() % WRITERS_SLOTS),
			 random() % 2 ? "/g" : "");
		writers_check(a->r, "stray deny", cg,
			      cg_write(cg, "syscalls.deny", "x86_64:300"),
			      -ENOENT, -ENODEV, 0);
		writers_check(a->r, "stray allow", cg,
			      cg_write(cg, "syscalls.allow", "x86_64:300"),
			      -ENOENT, -ENODEV, -EPERM);
		n = cg_read(cg, "syscalls.deny", buf, sizeof(buf));
		if (writers_check(a->r, "stray read", cg, n < 0 ? n : 0, -ENOENT,
				  -ENODEV, 0) && n >= 0 && set_parse(buf, &set))
			writers_fail(a->r, "read of %s: expected the list format, got '%s'",
				     cg, escaped(buf));
		__atomic_fetch_add(&a->r->ops[3], 3, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Reads the stable cgroups: every read must succeed and be well formed. */
static void *reader(void *p)
{
	struct writers_arg *a = p;
	struct syscall_set set;
	char cg[64], buf[16384];
	long k = 0;
	ssize_t n;

	while (!writers_stopped(a->r)) {
		int i = k++ % (WRITERS_CHILDREN + 1);
		const char *file = k % 2 ? "syscalls.deny" : "syscalls.allow";

		if (i == WRITERS_CHILDREN)
			snprintf(cg, sizeof(cg), WRITERS_PARENT);
		else
			snprintf(cg, sizeof(cg), WRITERS_PARENT "/c%d", i);
		n = cg_read(cg, file, buf, sizeof(buf));
		if (n < 0)
			writers_fail(a->r, "read of %s/%s: expected success, got %s",
				     cg, file, result_name(n));
		else if (set_parse(buf, &set))
			writers_fail(a->r, "read of %s/%s: expected the list format, got '%s'",
				     cg, file, escaped(buf));
		__atomic_fetch_add(&a->r->ops[4], 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int test_concurrent_writers_and_mkdir_rmdir(void)
{
	pthread_t threads[WRITERS_THREADS];
	struct writers_arg args[WRITERS_THREADS];
	struct writers r = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct timespec start, end;
	int nthreads = 0, ret = KSFT_FAIL;
	char cg[64], want[128], list[1024];
	struct syscall_set set, wanted;

	if (cg_create(WRITERS_PARENT))
		goto cleanup;
	for (int i = 0; i < WRITERS_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), WRITERS_PARENT "/c%d", i);
		if (cg_create(cg))
			goto cleanup;
	}
	srandom(1);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int i = 0; i < WRITERS_THREADS; i++) {
		void *(*fn)(void *) = reader;

		args[i].r = &r;
		args[i].i = 0;
		if (i == 0) {
			fn = parent_writer;
		} else if (i <= WRITERS_CHILDREN) {
			fn = child_writer;
			args[i].i = i - 1;
		} else if (i <= WRITERS_CHILDREN + WRITERS_CHURNERS) {
			fn = churner;
			args[i].i = i - 1 - WRITERS_CHILDREN;
		} else if (i == WRITERS_CHILDREN + WRITERS_CHURNERS + 1) {
			fn = stray;
		}
		if (pthread_create(&threads[i], NULL, fn, &args[i])) {
			diag("pthread_create: expected a thread, got none");
			break;
		}
		nthreads++;
	}
	sleep(WRITERS_SECONDS);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	diag("%.1f s: %ld parent writes, %ld child writes, %ld churn operations, %ld stray operations, %ld reads; %ld EPERM, %ld ENOENT or ENODEV",
	     end.tv_sec - start.tv_sec + (end.tv_nsec - start.tv_nsec) / 1e9,
	     r.ops[0], r.ops[1], r.ops[2], r.ops[3], r.ops[4],
	     r.eperm, r.gone);
	if (nthreads != WRITERS_THREADS)
		goto cleanup;
	if (r.failures) {
		diag("%d unexpected results; the first: %s",
		     r.failures, r.first);
		goto cleanup;
	}
	if (r.ops[0] < 4 || r.ops[1] < 4 || r.ops[2] < 4) {
		diag("expected at least 4 parent writes, child writes and churn operations, got fewer");
		goto cleanup;
	}

	/*
	 * The writers stopped after whole rounds: the parent has no rules
	 * left, and each child its own rule or none. The effective sets must
	 * say so, whatever order the updates raced in.
	 */
	if (!cg_denies(WRITERS_PARENT, ""))
		goto cleanup;
	for (int i = 0; i < WRITERS_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), WRITERS_PARENT "/c%d", i);
		memset(&wanted, 0, sizeof(wanted));
		wanted.x86_64[200 + i] = r.child_denies[i];
		if (cg_read_set(cg, "syscalls.deny", &set) ||
		    !expect_same_set(&set, &wanted, cg))
			goto cleanup;
	}
	cg_list_children(WRITERS_PARENT, list, sizeof(list));
	if (strcmp(list, "c0 c1 c2 c3")) {
		diag("%s: expected children 'c0 c1 c2 c3', found '%s'",
		     WRITERS_PARENT, list);
		goto cleanup;
	}

	/* A known sequence: each child reads its own rules and the parent's. */
	for (int i = 0; i < WRITERS_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), WRITERS_PARENT "/c%d", i);
		if (cg_allow(cg, "all"))
			goto cleanup;
	}
	if (cg_deny(WRITERS_PARENT, "x86_64:100 ia32:100"))
		goto cleanup;
	for (int i = 0; i < WRITERS_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), WRITERS_PARENT "/c%d", i);
		snprintf(want, sizeof(want), "x86_64:%d", 180 + i);
		if (cg_deny(cg, want))
			goto cleanup;
	}
	for (int i = 0; i < WRITERS_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), WRITERS_PARENT "/c%d", i);
		snprintf(want, sizeof(want), "x86_64:100,x86_64:%d ia32:100",
			 180 + i);
		if (!cg_denies(cg, want))
			goto cleanup;
	}
	if (cg_allow(WRITERS_PARENT, "x86_64:100"))
		goto cleanup;
	for (int i = 0; i < WRITERS_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), WRITERS_PARENT "/c%d", i);
		snprintf(want, sizeof(want), "x86_64:%d ia32:100", 180 + i);
		if (!cg_denies(cg, want))
			goto cleanup;
	}
	if (!root_denies_nothing())
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(WRITERS_PARENT);
	cg_reset_root();
	return ret;
}

/* ---- Race: no denied call runs after the deny returned. ---- */

#define RACE_SECONDS 6
#define RACE_P TEST_PREFIX "deny_race"
#define RACE_C TEST_PREFIX "deny_race/inner"

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
				execl("/proc/self/exe", "test_races",
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

/* `test_races --race-exec FD`: the exec'd side of RACE_EXEC. */
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
		diag("toggler: setpriority: %s", strerror(errno));
	race_wait_start();
	while (!race_stopped()) {
		err = cg_write(RACE_P, "syscalls.deny", "getppid");
		if (err) {
			diag("toggler: deny getppid: expected success, got %s",
			     result_name(err));
			race_add(&race->errors, 1);
			break;
		}
		/* Published only once the deny write returned. */
		__atomic_store_n(&race->state, (++gen << 1) | 1, __ATOMIC_SEQ_CST);
		race_progress(&race->checked, 64, 0.02);
		/* Retracted before the allow write begins. */
		__atomic_store_n(&race->state, ++gen << 1, __ATOMIC_SEQ_CST);
		err = cg_write(RACE_P, "syscalls.allow", "getppid");
		if (err) {
			diag("toggler: allow getppid: expected success, got %s",
			     result_name(err));
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

	if (cg_read(from, cg_hierarchy.threads_file, buf, sizeof(buf)) < 0)
		return;
	for (p = buf; *p; p = end) {
		long tid = strtol(p, &end, 10);

		if (end == p)
			break;
		err = cg_enter_thread(to, tid);
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
		diag("migrator: setpriority: %s", strerror(errno));
	race_wait_start();
	while (!race_stopped()) {
		if (round % 4 == 3) {
			/* Single threads, forked and exec'd children too. */
			race_move_all(RACE_P, RACE_C);
			race_move_all(RACE_C, RACE_P);
		} else {
			for (i = 0; i < n; i++) {
				err = cg_enter_process((round + i) & 1 ? RACE_C : RACE_P,
						       workers[i]);
				if (!err) {
					race_add(&race->migrations, 1);
				} else if (err != -ESRCH) {
					if (!race->errors)
						diag("migrator: moving %d: expected success or -ESRCH, got %s",
						     workers[i], result_name(err));
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
		err = cg_create(cg);
		if (!err)
			err = cg_enter_process(cg, victim);
		if (!err)
			err = cg_enter_process(n & 1 ? RACE_P : RACE_C, victim);
		if (!err)
			err = cg_remove(cg);
		if (!err) {
			race_add(&race->churns, 1);
		} else if (err == -ESRCH && race_stopped()) {
			break;
		} else if (err != -EBUSY) {
			diag("churner: cgroup %s: expected success or -EBUSY, got %s",
			     cg, result_name(err));
			race_add(&race->errors, 1);
			break;
		}
	}
	_exit(0);
}

/* Waits for a process of the race; whether it ended well joins *ok. */
static void race_reap(pid_t *pid, const char *who, bool *ok)
{
	int status;

	if (*pid > 0 && waitpid(*pid, &status, 0) == *pid) {
		*ok &= status_result(who, status) == KSFT_PASS;
		*pid = 0;
	}
}

static int test_race_deny_never_leaks(void)
{
	static const int kinds[] = {
		RACE_LOOP, RACE_LOOP, RACE_FORK, RACE_FORK, RACE_THREAD,
		RACE_EXEC,
	};
	pid_t workers[ARRAY_SIZE(kinds)] = { 0 }, toggler = 0, migrator = 0;
	pid_t churner = 0;
	struct timespec run = { RACE_SECONDS, 0 };
	int ret = KSFT_FAIL;
	bool ok = true;
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
	/*
	 * Tasks in both, single threads moving: on v2 a threaded subtree (the
	 * churned cgroups below are threaded too, as cg_create() makes them).
	 */
	if (cg_create(RACE_P) || cg_make_threaded(RACE_P) || cg_create(RACE_C))
		goto cleanup;
	fflush(NULL);
	for (i = 0; i < ARRAY_SIZE(kinds); i++) {
		workers[i] = fork();
		if (workers[i] < 0)
			goto cleanup;
		if (workers[i] == 0)
			race_worker(kinds[i]);
		nworkers++;
		if (cg_enter_process(i & 1 ? RACE_C : RACE_P, workers[i]))
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

	for (i = 0; i < nworkers; i++)
		race_reap(&workers[i], race_kind_name[kinds[i]], &ok);
	race_reap(&toggler, "toggler", &ok);
	race_reap(&migrator, "migrator", &ok);
	race_reap(&churner, "churner", &ok);
	diag("race: %.1f s, %lu calls, %lu checked while denied, %lu ENOSYS, %lu violations",
	     now_seconds() - t0, race->calls, race->checked,
	     race->enosys, race->violations);
	diag("race: %lu toggles, %lu migrations, %lu cgroups made and removed, %lu forks, %lu threads, %lu execs, %lu errors",
	     race->toggles, race->migrations, race->churns,
	     race->forks, race->threads, race->execs, race->errors);
	for (i = 0; i < race->violations && i < ARRAY_SIZE(race->viol); i++)
		diag("violation: getppid by %s task %d returned %s while denied since generation %lu",
		     race_kind_name[race->viol[i].kind], race->viol[i].tid,
		     result_name(race->viol[i].ret), race->viol[i].state >> 1);
	if (race->violations) {
		diag("expected no denied call to run, %lu did",
		     race->violations);
		ok = false;
	}
	if (race->errors) {
		diag("expected no errors in the workers, got %lu",
		     race->errors);
		ok = false;
	}
	if (!race->checked || !race->toggles || !race->migrations ||
	    !race->churns) {
		diag("expected calls checked while denied, toggles, migrations and cgroups made; got %lu, %lu, %lu, %lu",
		     race->checked, race->toggles, race->migrations,
		     race->churns);
		ok = false;
	}
	if (ok)
		ret = KSFT_PASS;
cleanup:
	if (race)
		__atomic_store_n(&race->stop, 1, __ATOMIC_SEQ_CST);
	for (i = 0; i < nworkers; i++)
		kill_and_reap(workers[i]);
	kill_and_reap(toggler);
	kill_and_reap(migrator);
	kill_and_reap(churner);
	/* The churned cgroups, below both, go with them. */
	cg_destroy(RACE_P);
	cg_reset_root();
	if (race)
		munmap(race, sizeof(*race));
	race = NULL;
	if (race_memfd >= 0)
		close(race_memfd);
	race_memfd = -1;
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_concurrent_writers_and_mkdir_rmdir),
	T(test_race_deny_never_leaks),
};

/*
 * Runs every test, or with arguments those whose name contains one of them;
 * `--race-exec FD` is the side of the deny race that is exec'd.
 */
int main(int argc, char **argv)
{
	int err;

	if (argc == 3 && !strcmp(argv[1], "--race-exec"))
		return race_execed(argv[2]);

	ksft_print_header();
	err = cg_setup(TEST_PREFIX);
	if (err)
		ksft_exit_skip("no syscalls hierarchy to test (run as root): %s\n",
			       strerror(-err));
	ksft_set_plan(tests_selected(tests, ARRAY_SIZE(tests), argc, argv));
	run_tests(tests, ARRAY_SIZE(tests), argc, argv);
}
