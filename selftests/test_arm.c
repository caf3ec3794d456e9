// SPDX-License-Identifier: GPL-2.0
/*
 * syscalls.arm: a cgroup that says "exec" judges a task by its own rules
 * (and those of the levels below it) only from the task's next execve()
 * on; until then the rules of the levels above judge it. A task that made
 * an execve() in such a cgroup is armed for life: it stays filtered when it
 * moves, and so are the tasks it creates. "now" below an "exec" ends the
 * deferring; syscalls.unarmed lists the tasks a cgroup waits for.
 *
 * The probes: getpgrp(), which the cgroups under test deny, and getsid(),
 * which their parent denies. The tasks are this program itself, executed
 * with --serve: it answers probes on its standard input and output.
 */
#include <sys/mman.h>
#include <sys/wait.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "arm_"
#define CG_P "arm_p"
#define CG_C "arm_p/c"
#define CG_D "arm_p/d"
#define CG_CS "arm_p/c/s"

/* What a probe finds denied (ENOSYS): a bit each. */
#define PGRP_DENIED	1	/* getpgrp: the cgroup's own rule */
#define SID_DENIED	2	/* getsid: the parent's rule */

static int probe(void)
{
	int bits = 0;

	errno = 0;
	if (syscall(SYS_getpgrp) < 0 && errno == ENOSYS)
		bits |= PGRP_DENIED;
	errno = 0;
	if (syscall(SYS_getsid, 0) < 0 && errno == ENOSYS)
		bits |= SID_DENIED;
	return bits;
}

/*
 * --serve: reads a command byte at a time from standard input, answers on
 * standard output: 'p' a probe (one byte, its bits), 'f' the probe of a
 * child it forks, 'e' executes itself again (no answer). EOF ends it.
 */
static int serve(void)
{
	char cmd, answer;
	pid_t pid;
	int status;

	while (read(0, &cmd, 1) == 1) {
		switch (cmd) {
		case 'p':
			answer = probe();
			break;
		case 'f':
			pid = fork();
			if (pid == 0)
				_exit(probe());
			if (pid < 0 || waitpid(pid, &status, 0) != pid ||
			    !WIFEXITED(status))
				return 2;
			answer = WEXITSTATUS(status);
			break;
		case 'e':
			execl("/proc/self/exe", "test_arm", "--serve",
			      (char *)NULL);
			return 3;
		default:
			return 4;
		}
		if (write(1, &answer, 1) != 1)
			return 5;
	}
	return 0;
}

/* A server: its pid, the pipes to it, and what it probed before its exec. */
struct server {
	struct child c;
	int to, from;
	int *before;	/* shared: the probe before the exec, or -1 */
};

struct start {
	int to[2], from[2];
	int *before;
};

/* In the child: probe, then become the server. */
static int probe_and_exec(void *arg)
{
	struct start *s = arg;

	*s->before = probe();
	if (dup2(s->to[0], 0) < 0 || dup2(s->from[1], 1) < 0)
		return 6;
	execl("/proc/self/exe", "test_arm", "--serve", (char *)NULL);
	return 7;
}

/*
 * Starts a server, moved into cg before it probes and executes itself;
 * unarmed_listed says whether cg's syscalls.unarmed must list it then.
 */
static bool server_start(struct server *sv, const char *cg, bool unarmed_listed)
{
	struct start s = { { -1, -1 }, { -1, -1 }, NULL };
	char pid[32], buf[4096];
	bool ok = false;

	sv->c.pid = -1;
	sv->to = sv->from = -1;
	sv->before = mmap(NULL, sizeof(int), PROT_READ | PROT_WRITE,
			  MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sv->before == MAP_FAILED || pipe(s.to) || pipe(s.from))
		goto out;
	*sv->before = -1;
	s.before = sv->before;
	if (child_start(&sv->c, probe_and_exec, &s) ||
	    cg_enter_process(cg, sv->c.pid))
		goto out;
	snprintf(pid, sizeof(pid), "%d\n", sv->c.pid);
	if (cg_read_raw(cg, "syscalls.unarmed", buf, sizeof(buf)) < 0)
		goto out;
	if (!!strstr(buf, pid) != unarmed_listed) {
		ksft_print_msg("%s/syscalls.unarmed %s %d before its exec: '%s'\n",
			       cg_name(cg), unarmed_listed ? "lacks" : "lists",
			       sv->c.pid, escaped(buf));
		goto out;
	}
	if (child_go(&sv->c))
		goto out;
	sv->to = s.to[1];
	sv->from = s.from[0];
	s.to[1] = s.from[0] = -1;
	ok = true;
out:
	for (int i = 0; i < 2; i++) {
		if (s.to[i] >= 0)
			close(s.to[i]);
		if (s.from[i] >= 0)
			close(s.from[i]);
	}
	return ok;
}

/* Sends cmd; the answer byte, or -1. 'e' has none: a probe follows. */
static int server_ask(struct server *sv, char cmd)
{
	char answer;

	if (cmd == 'e') {
		if (write(sv->to, &cmd, 1) != 1)
			return -1;
		cmd = 'p';
	}
	if (write(sv->to, &cmd, 1) != 1 || read(sv->from, &answer, 1) != 1)
		return -1;
	return answer;
}

static void server_stop(struct server *sv)
{
	if (sv->to >= 0)
		close(sv->to);
	if (sv->from >= 0)
		close(sv->from);
	child_kill(&sv->c);
	if (sv->before && sv->before != MAP_FAILED)
		munmap(sv->before, sizeof(int));
	sv->before = NULL;
}

static bool expect_bits(const char *when, int got, int want)
{
	if (got == want)
		return true;
	ksft_print_msg("%s: getpgrp %s, getsid %s (expected getpgrp %s, getsid %s)\n",
		       when, got < 0 ? "?" : got & PGRP_DENIED ? "denied" : "allowed",
		       got < 0 ? "?" : got & SID_DENIED ? "denied" : "allowed",
		       want & PGRP_DENIED ? "denied" : "allowed",
		       want & SID_DENIED ? "denied" : "allowed");
	return false;
}

/* The parent denies getsid; each child cgroup under test getpgrp. */
static int make_tree(void)
{
	if (cg_create_denying(CG_P, "getsid") ||
	    cg_create_denying(CG_C, "getpgrp") ||
	    cg_create_denying(CG_D, "getpgrp"))
		return -1;
	return 0;
}

static int test_setting_grammar(void)
{
	static const char *const bad[] = {
		"bogus", "exec now", "Exec", "1", " ", "now,exec",
	};
	int ret = KSFT_FAIL;
	size_t i;

	if (cg_create(CG_P) || !cg_read_expect(CG_P, "syscalls.arm", "inherit") ||
	    !cg_read_expect(CG_P, "syscalls.unarmed", ""))
		goto cleanup;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		if (!cg_write_expect(CG_P, "syscalls.arm", bad[i], -EINVAL) ||
		    !cg_read_expect(CG_P, "syscalls.arm", "inherit"))
			goto cleanup;
	if (!cg_write_expect(CG_P, "syscalls.arm", "exec\n", 0) ||
	    !cg_read_expect(CG_P, "syscalls.arm", "exec") ||
	    !cg_write_expect(CG_P, "syscalls.arm", "now", 0) ||
	    !cg_read_expect(CG_P, "syscalls.arm", "now") ||
	    !cg_write_expect(CG_P, "syscalls.arm", "inherit", 0) ||
	    !cg_read_expect(CG_P, "syscalls.arm", "inherit"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_P);
	return ret;
}

/*
 * A task that enters a cgroup that waits for an exec: its rules wait, the
 * parent's do not; from the exec on, both judge it, and its children.
 */
static int test_exec_arms_the_task(void)
{
	struct server sv = { { -1, NULL }, -1, -1, NULL };
	int ret = KSFT_FAIL;

	if (make_tree() || !cg_write_expect(CG_C, "syscalls.arm", "exec", 0) ||
	    !server_start(&sv, CG_C, true))
		goto cleanup;
	if (!expect_bits("before the exec", server_ask(&sv, 'p') < 0 ? -1 :
			 *sv.before, SID_DENIED))
		goto cleanup;
	/* The probe above came after the exec: both rules judge it. */
	if (!expect_bits("after the exec", server_ask(&sv, 'p'),
			 PGRP_DENIED | SID_DENIED) ||
	    !expect_bits("a child it forked", server_ask(&sv, 'f'),
			 PGRP_DENIED | SID_DENIED) ||
	    !cg_read_expect(CG_C, "syscalls.unarmed", ""))
		goto cleanup;
	/* The denial before the exec was the parent's, counted there. */
	if (!cg_read_expect(CG_C, "syscalls.stat", "getpgrp 3\ngetsid 3") ||
	    !cg_read_expect(CG_P, "syscalls.events", "denied 7"))
		goto cleanup;
	/* Armed for life: moved into another cgroup that waits, still judged. */
	if (!cg_write_expect(CG_D, "syscalls.arm", "exec", 0) ||
	    cg_enter_process(CG_D, sv.c.pid) ||
	    !expect_bits("moved after its exec", server_ask(&sv, 'p'),
			 PGRP_DENIED | SID_DENIED) ||
	    !cg_read_expect(CG_D, "syscalls.unarmed", ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	server_stop(&sv);
	cg_destroy(CG_P);
	return ret;
}

/*
 * A task in the cgroup when "exec" is written waits for its next exec too;
 * writing "now" or "inherit" judges it again at once.
 */
static int test_setting_written_under_a_running_task(void)
{
	struct server sv = { { -1, NULL }, -1, -1, NULL };
	char pid[32];
	int ret = KSFT_FAIL;

	if (make_tree() || !server_start(&sv, CG_C, false) ||
	    !expect_bits("in a cgroup that does not wait", server_ask(&sv, 'p'),
			 PGRP_DENIED | SID_DENIED))
		goto cleanup;
	snprintf(pid, sizeof(pid), "%d", sv.c.pid);
	if (!cg_write_expect(CG_C, "syscalls.arm", "exec", 0) ||
	    !cg_read_expect(CG_C, "syscalls.unarmed", pid) ||
	    !expect_bits("once its cgroup waits", server_ask(&sv, 'p'),
			 SID_DENIED) ||
	    !expect_bits("its child", server_ask(&sv, 'f'), SID_DENIED))
		goto cleanup;
	if (!cg_write_expect(CG_C, "syscalls.arm", "now", 0) ||
	    !expect_bits("after now", server_ask(&sv, 'p'),
			 PGRP_DENIED | SID_DENIED) ||
	    !cg_write_expect(CG_C, "syscalls.arm", "exec", 0) ||
	    !expect_bits("waiting again", server_ask(&sv, 'p'), SID_DENIED))
		goto cleanup;
	/* Its next exec arms it. */
	if (!expect_bits("after its exec", server_ask(&sv, 'e'),
			 PGRP_DENIED | SID_DENIED) ||
	    !cg_read_expect(CG_C, "syscalls.unarmed", ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	server_stop(&sv);
	cg_destroy(CG_P);
	return ret;
}

/*
 * The deferring covers the levels from the one that says "exec" down; a
 * level below that says "now" judges at once with everything above it, and
 * one that inherits waits as its parent does. The parent's rules never
 * wait.
 */
static int test_hierarchy_of_the_setting(void)
{
	struct server a = { { -1, NULL }, -1, -1, NULL };
	struct server b = { { -1, NULL }, -1, -1, NULL };
	int ret = KSFT_FAIL;

	if (make_tree() || !cg_write_expect(CG_C, "syscalls.arm", "exec", 0) ||
	    cg_create(CG_CS))
		goto cleanup;
	/* Inherit below exec: waits; the deny of c and p's one judge. */
	if (!server_start(&a, CG_CS, true) ||
	    !expect_bits("inherit below exec, before its exec",
			 server_ask(&a, 'p') < 0 ? -1 : *a.before, SID_DENIED))
		goto cleanup;
	if (!cg_write_expect(CG_CS, "syscalls.arm", "now", 0) ||
	    !server_start(&b, CG_CS, false) ||
	    !expect_bits("now below exec, before its exec",
			 server_ask(&b, 'p') < 0 ? -1 : *b.before,
			 PGRP_DENIED | SID_DENIED))
		goto cleanup;
	/* exec at the parent: the grandparent (the root here) judges. */
	if (!cg_write_expect(CG_CS, "syscalls.arm", "inherit", 0) ||
	    !cg_write_expect(CG_P, "syscalls.arm", "exec", 0) ||
	    !cg_write_expect(CG_C, "syscalls.arm", "inherit", 0))
		goto cleanup;
	server_stop(&a);
	if (!server_start(&a, CG_CS, true) ||
	    !expect_bits("below a parent that waits, before its exec",
			 server_ask(&a, 'p') < 0 ? -1 : *a.before, 0))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	server_stop(&a);
	server_stop(&b);
	cg_destroy(CG_P);
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_setting_grammar),
	T(test_exec_arms_the_task),
	T(test_setting_written_under_a_running_task),
	T(test_hierarchy_of_the_setting),
};

/* Runs every test, or with arguments those whose name contains one of them. */
int main(int argc, char **argv)
{
	int err;

	if (argc == 2 && !strcmp(argv[1], "--serve"))
		return serve();
	ksft_print_header();
	err = cg_setup(TEST_PREFIX);
	if (err)
		ksft_exit_skip("no syscalls hierarchy to test (run as root): %s\n",
			       strerror(-err));
	ksft_set_plan(tests_selected(tests, ARRAY_SIZE(tests), argc, argv));
	run_tests(tests, ARRAY_SIZE(tests), argc, argv);
}
