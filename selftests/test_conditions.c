// SPDX-License-Identifier: GPL-2.0
/*
 * Argument conditions (x86_64): an item of syscalls.deny may carry one
 * condition on one argument, `socket(arg0=38|40)`, `clone(arg0&0x7e020000!=0)`,
 * and then denies the call only when the argument, masked, is one of the
 * values (or with `!=`, none of them), compared at the width the kernel
 * reads the argument at. What a write accepts and rejects, what a read
 * prints, which calls a condition denies, in which ABI, along the
 * hierarchy, and that a call a condition denies is denied like any other:
 * its action, mode, counters and log line. test_conditions32 makes the
 * same calls from a 32-bit task.
 *
 * The numbers read: x86_64 socket is 41 (ia32 359), clone 56 (ia32 120),
 * personality 135 (ia32 136), mkdir 83 (ia32 39). Family 38 is AF_ALG,
 * 40 AF_VSOCK; SOCK_SEQPACKET is 5. A call that a condition does not deny
 * must give what it gives with nothing denied (a family the test kernel
 * lacks fails with EAFNOSUPPORT, never ENOSYS): each list of calls runs
 * first in the root cgroup, then in the cgroup under test.
 *
 * Work runs in forked children; the test itself stays in the root cgroup.
 * Each test removes its cgroups and resets the root, passed or not.
 */
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/personality.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "syscalls_cgroup_util.h"

#define TEST_PREFIX "cond_"
#define CG_A "cond_a"
#define CG_AB "cond_a/b"
#define CG_AC "cond_a/c"
#define CG_ABC "cond_a/b/c"
#define CG_B "cond_b"

/* ia32 socket (syscall_32.tbl). */
#define IA32_SOCKET 359

#define HIGH_BIT (1UL << 32)

/* What syscalls.policy reads in a cgroup with no policy of its own. */
#define FRESH_POLICY "deny\nmode enforce\naction errno ENOSYS"

/* What a read of `socket(arg0=38)` prints. */
#define SOCKET_38 "x86_64:41(arg0=38) ia32:359(arg0=38)"
#define SOCKET_40 "x86_64:41(arg0=40) ia32:359(arg0=40)"

/* ---- Reads ---- */

/* Splits text at spaces into at most max items; how many. */
static int split_items(char *text, char **items, int max)
{
	char *save, *item;
	int n = 0;

	for (item = strtok_r(text, " ", &save); item && n < max;
	     item = strtok_r(NULL, " ", &save))
		items[n++] = item;
	return n;
}

static int compare_items(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A cgroup's syscalls.deny holds exactly the items of want, in any order:
 * for reads where the contract does not say the order of the conditions.
 */
static bool cg_denies_items(const char *cg, const char *want)
{
	char got_text[8192], want_text[8192], got_copy[8192];
	char *got_items[128], *want_items[128];
	int n_got, n_want, i;

	if (cg_read(cg, "syscalls.deny", got_text, sizeof(got_text)) < 0) {
		diag("read of %s/syscalls.deny failed", cg_name(cg));
		return false;
	}
	snprintf(got_copy, sizeof(got_copy), "%s", got_text);
	snprintf(want_text, sizeof(want_text), "%s", want);
	n_got = split_items(got_copy, got_items, 128);
	n_want = split_items(want_text, want_items, 128);
	qsort(got_items, n_got, sizeof(char *), compare_items);
	qsort(want_items, n_want, sizeof(char *), compare_items);
	for (i = 0; i < n_got && i < n_want; i++)
		if (strcmp(got_items[i], want_items[i]))
			break;
	if (n_got == n_want && i == n_got)
		return true;
	diag("%s/syscalls.deny: expected the items '%s' in any order, read '%s'",
	     cg_name(cg), want, got_text);
	return false;
}

/*
 * Writes each text to syscalls.deny of a fresh CG_A and checks what it
 * reads as. Cases are pairs: the write, the read.
 */
static int check_reads(const char *const cases[][2], size_t n)
{
	int ret = KSFT_FAIL;
	size_t i;

	for (i = 0; i < n; i++) {
		cg_destroy(CG_A);
		if (cg_create(CG_A) || cg_deny(CG_A, cases[i][0]) ||
		    !cg_denies(CG_A, cases[i][1]))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

/* ---- Calls with arguments, made by a child ---- */

/* A socket(family, type, 0) call. */
#define SOCKET_CALL(what, how, family, type, want)			\
	{ what, how, EFFECT_FD,						\
	  (how) == ARG_INT80 ? IA32_SOCKET : SYS_socket,		\
	  { family, type, 0 }, want }
#define CLONE_CALL(what, flags, want)					\
	{ what, ARG_SYSCALL, EFFECT_FORK, SYS_clone, { flags, 0, 0 }, want }
#define PERSONALITY_CALL(what, persona, want)				\
	{ what, ARG_SYSCALL, EFFECT_NONE, SYS_personality,		\
	  { persona, 0, 0 }, want }

/* socket(AF_ALG) denied with want; AF_UNIX and AF_INET as unfiltered. */
static int check_alg_socket(const char *cg, long want)
{
	const struct arg_calls calls = { 3, {
		SOCKET_CALL("socket(AF_ALG, SOCK_SEQPACKET)", ARG_SYSCALL, AF_ALG,
			    SOCK_SEQPACKET, want),
		SOCKET_CALL("socket(AF_UNIX, SOCK_STREAM)", ARG_SYSCALL, AF_UNIX,
			    SOCK_STREAM, UNFILTERED),
		SOCKET_CALL("socket(AF_INET, SOCK_STREAM)", ARG_SYSCALL, AF_INET,
			    SOCK_STREAM, UNFILTERED),
	} };

	return run_arg_calls(cg, &calls);
}

/* ---- Grammar: what a write accepts, and how it reads ---- */

static int test_read_gives_abi_number_and_condition(void)
{
	static const char *const cases[][2] = {
		/* The contract's example. */
		{ "mkdir socket(arg0=38)", "83 ia32:39 " SOCKET_38 },
		/* Nothing denied by number: the first condition begins. */
		{ "socket(arg0=38)", SOCKET_38 },
		{ "socket(arg2=6)", "x86_64:41(arg2=6) ia32:359(arg2=6)" },
		/* A number or name reaches the ABIs it reaches without one. */
		{ "41(arg0=38)", SOCKET_38 },
		{ "x86_64:socket(arg0=38)", "x86_64:41(arg0=38)" },
		{ "x86_64:41(arg0=38)", "x86_64:41(arg0=38)" },
		{ "ia32:socket(arg0=38)", "ia32:359(arg0=38)" },
		{ "ia32:359(arg0=38)", "ia32:359(arg0=38)" },
		{ "accept(arg0=3)", "x86_64:43(arg0=3)" },
		{ "socketcall(arg0=1)", "ia32:102(arg0=1)" },
		{ "x86_64:mmap(arg5=0)", "x86_64:9(arg5=0)" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_values_read_ascending_in_decimal(void)
{
	static const char *const cases[][2] = {
		{ "socket(arg0=40|38)", "x86_64:41(arg0=38|40) ia32:359(arg0=38|40)" },
		{ "socket(arg0=0x28|0x26)", "x86_64:41(arg0=38|40) ia32:359(arg0=38|40)" },
		{ "socket(arg0=8|7|6|5|4|3|2|1)",
		  "x86_64:41(arg0=1|2|3|4|5|6|7|8) ia32:359(arg0=1|2|3|4|5|6|7|8)" },
		{ "x86_64:clone(arg0=18446744073709551615)",
		  "x86_64:56(arg0=18446744073709551615)" },
		{ "x86_64:clone(arg0=0xffffffffffffffff|0)",
		  "x86_64:56(arg0=0|18446744073709551615)" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_mask_and_not_equal_read(void)
{
	static const char *const cases[][2] = {
		{ "personality(arg0!=0|8|0x20000|0x20008|0xffffffff)",
		  "x86_64:135(arg0!=0|8|131072|131080|4294967295) ia32:136(arg0!=0|8|131072|131080|4294967295)" },
		{ "personality(arg0!=0xffffffff|0x20008|0x20000|8|0)",
		  "x86_64:135(arg0!=0|8|131072|131080|4294967295) ia32:136(arg0!=0|8|131072|131080|4294967295)" },
		{ "clone(arg0&0x7e020000!=0)",
		  "x86_64:56(arg0&0x7e020000!=0) ia32:120(arg0&0x7e020000!=0)" },
		/* A mask written in decimal reads in hex. */
		{ "clone(arg0&2114060288!=0)",
		  "x86_64:56(arg0&0x7e020000!=0) ia32:120(arg0&0x7e020000!=0)" },
		{ "x86_64:clone(arg0&0x10000000=0x10000000)",
		  "x86_64:56(arg0&0x10000000=268435456)" },
		/* All ones is no mask. */
		{ "x86_64:clone(arg0&0xffffffffffffffff=256)", "x86_64:56(arg0=256)" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_identical_conditions_kept_once(void)
{
	int ret = KSFT_FAIL;

	if (cg_create(CG_A) ||
	    cg_deny(CG_A, "socket(arg0=38|40) socket(arg0=40|38)") ||
	    cg_deny(CG_A, "socket(arg0=0x26|0x28)") ||
	    cg_deny(CG_A, "41(arg0=38|40) ia32:socket(arg0=38|40)") ||
	    !cg_denies(CG_A, "x86_64:41(arg0=38|40) ia32:359(arg0=38|40)"))
		goto cleanup;
	/* Another value set is another condition. */
	if (cg_deny(CG_A, "x86_64:socket(arg0=38)") ||
	    !cg_denies_items(CG_A, "x86_64:41(arg0=38|40) ia32:359(arg0=38|40) x86_64:41(arg0=38)"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_read_writes_back(void)
{
	static const char policy[] =
		"mkdir socket(arg0=38|40) socket(arg1=5) "
		"x86_64:clone(arg0&0x10000000!=0) ia32:personality(arg0!=0|8) "
		"accept(arg2=0x10)";
	char first[8192];
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, policy) ||
	    cg_read(CG_A, "syscalls.deny", first, sizeof(first)) < 0)
		goto cleanup;
	/* Into a fresh cgroup, and over the same policy. */
	if (cg_create(CG_B) || cg_deny(CG_B, first) || !cg_denies(CG_B, first))
		goto cleanup;
	if (cg_deny(CG_A, first) || !cg_denies(CG_A, first))
		goto cleanup;
	if (!cg_denies_items(CG_B,
			     "83 ia32:39 x86_64:41(arg0=38|40) ia32:359(arg0=38|40) "
			     "x86_64:41(arg1=5) ia32:359(arg1=5) "
			     "x86_64:56(arg0&0x10000000!=0) ia32:136(arg0!=0|8) "
			     "x86_64:43(arg2=16)"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_destroy(CG_B);
	cg_reset_root();
	return ret;
}

static int test_limits_of_a_condition_accepted(void)
{
	static const char *const good[] = {
		"socket(arg0=0)", "socket(arg0!=0)", "x86_64:mmap(arg5=1)",
		"socket(arg0=1|2|3|4|5|6|7|8)", "socket(arg0!=1|2|3|4|5|6|7|8)",
		"x86_64:clone(arg0=18446744073709551615)",
		"x86_64:clone(arg0=0xffffffffffffffff)",
		"x86_64:clone(arg0&0xffffffffffffffff=0)",
		"x86_64:clone(arg0&18446744073709551615=0)",
		"x86_64:clone(arg0&1=1)", "x86_64:clone(arg0&0x8000000000000000=0)",
		"socket(arg0=38),mkdir",
	};
	int ret = KSFT_FAIL;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(good); i++) {
		cg_destroy(CG_A);
		if (cg_create(CG_A) ||
		    !cg_write_expect(CG_A, "syscalls.deny", good[i], 0))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

/*
 * Writes each bad text to a file of CG_A, which denies mkdir and
 * socket(arg0=38); each must fail with err, and leave the cgroup's deny,
 * policy and action reads as they were.
 */
static int check_rejected(const char *file, const char *const *bad, size_t n,
			  int err)
{
	static const char *const reads[] = {
		"syscalls.deny", "syscalls.policy", "syscalls.action",
	};
	char before[ARRAY_SIZE(reads)][4096];
	int ret = KSFT_FAIL;
	size_t i, r;

	if (cg_create_denying(CG_A, "mkdir socket(arg0=38)") ||
	    !cg_denies(CG_A, "83 ia32:39 " SOCKET_38))
		goto cleanup;
	for (r = 0; r < ARRAY_SIZE(reads); r++)
		if (cg_read(CG_A, reads[r], before[r], sizeof(before[r])) < 0)
			goto cleanup;
	for (i = 0; i < n; i++) {
		if (!cg_write_expect(CG_A, file, bad[i], err))
			goto cleanup;
		for (r = 0; r < ARRAY_SIZE(reads); r++)
			if (!cg_read_expect(CG_A, reads[r], before[r])) {
				diag("after the failed write of '%s' to %s: expected %s unchanged",
				     escaped(bad[i]), file, reads[r]);
				goto cleanup;
			}
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_malformed_condition_is_einval(void)
{
	static const char *const bad[] = {
		/* The argument: arg0 to arg5. */
		"socket(arg6=1)", "socket(arg9=1)", "socket(arg=1)",
		"socket(argx=1)", "socket(arg-1=1)", "socket(0=1)",
		"socket(arg0)", "socket(x0=1)",
		/* One to eight values. */
		"socket(arg0=)", "socket(arg0!=)",
		"socket(arg0=1|2|3|4|5|6|7|8|9)",
		"socket(arg0!=1|2|3|4|5|6|7|8|9)",
		"socket(arg0=1|)", "socket(arg0=|1)", "socket(arg0=1||2)",
		/* A mask of 0, or none after the &. */
		"socket(arg0&0=0)", "socket(arg0&0x0=0)", "socket(arg0&=1)",
		"socket(arg0&0x10)",
		/* Malformed numbers. */
		"socket(arg0=abc)", "socket(arg0=0x)", "socket(arg0=-1)",
		"socket(arg0=0x1g)", "socket(arg0=1.0)", "socket(arg0=+1)",
		"socket(arg0=0x+1)",
		"socket(arg0=38x)", "socket(arg0&0xzz=1)", "socket(arg0&-1=1)",
		/* The parentheses and operators. */
		"socket()", "socket(", "socket(arg0=38", "socket arg0=38)",
		"socket(arg0=38))", "socket(arg0=38)x", "(arg0=38)",
		"socket(arg0=38)(arg1=1)", "socket(arg0==38)", "socket(arg0<38)",
		"socket(arg0=38&1)", "socket(arg0=!38)", "socket(arg0!38)",
		/* No comma and no white space inside an item. */
		"socket(arg0=38,40)", "socket(arg0=38 |40)", "socket( arg0=38)",
		"socket (arg0=38)", "socket(arg0=38\n)",
		/* An unknown call. */
		"nosuchcall(arg0=1)",
		/* The bad item last: the good ones before it stay out too. */
		"rmdir socket(arg0=40) socket(arg6=1)",
	};

	return check_rejected("syscalls.deny", bad, ARRAY_SIZE(bad), -EINVAL);
}

static int test_condition_only_on_a_name_or_number(void)
{
	static const char *const bad[] = {
		"0-99(arg0=1)", "41-41(arg0=1)", "all(arg0=1)",
		"ia32:all(arg0=1)", "x86_64:all(arg0=1)", "ia32:0-10(arg0=1)",
		"rmdir all(arg0=1)",
	};

	return check_rejected("syscalls.deny", bad, ARRAY_SIZE(bad), -EINVAL);
}

static int test_no_condition_on_calls_outside_the_rules(void)
{
	static const char *const bad[] = {
		"exit(arg0=0)", "exit_group(arg0=0)", "rt_sigreturn(arg0=0)",
		"sigreturn(arg0=0)", "ia32:sigreturn(arg0=0)",
		"restart_syscall(arg0=0)", "x86_64:exit(arg0=0)", "60(arg0=0)",
		"231(arg0=0)", "ia32:1(arg0=0)", "ia32:252(arg0=0)",
		"ia32:119(arg0=0)", "219(arg0=0)", "ia32:0(arg0=0)",
	};

	return check_rejected("syscalls.deny", bad, ARRAY_SIZE(bad), -EINVAL);
}

static int test_number_out_of_range_is_erange(void)
{
	static const char *const bad[] = {
		/* Past 2^64 - 1. */
		"socket(arg0=18446744073709551616)",
		"socket(arg0=0x10000000000000000)",
		"socket(arg0=99999999999999999999)",
		"socket(arg0=1|18446744073709551616)",
		"socket(arg0&0x1ffffffffffffffff=1)",
		/* A value with bits outside the mask. */
		"socket(arg0&0xff=0x100)", "socket(arg0&0xff=1|0x1ff)",
		"clone(arg0&0x10000000!=0x10000001)",
		"x86_64:clone(arg0&0xffffffff00000000=1)",
		/* A number past its table, with a condition. */
		"ia32:9999(arg0=1)", "99999(arg0=1)",
	};

	return check_rejected("syscalls.deny", bad, ARRAY_SIZE(bad), -ERANGE);
}

static int test_allow_rejects_what_deny_rejects(void)
{
	static const char *const bad_einval[] = {
		"socket(arg6=38)", "socket(arg0=)", "all(arg0=38)",
		"exit(arg0=0)", "socket(arg0=1|2|3|4|5|6|7|8|9)",
	};
	static const char *const bad_erange[] = {
		"socket(arg0=18446744073709551616)", "socket(arg0&0xff=0x100)",
	};
	int ret;

	ret = check_rejected("syscalls.allow", bad_einval,
			     ARRAY_SIZE(bad_einval), -EINVAL);
	if (ret != KSFT_PASS)
		return ret;
	return check_rejected("syscalls.allow", bad_erange,
			      ARRAY_SIZE(bad_erange), -ERANGE);
}

static int test_action_takes_no_condition(void)
{
	static const char *const bad[] = {
		"errno EPERM socket(arg0=38)", "kill socket(arg0=38)",
		"default socket(arg0=38)", "errno EPERM mkdir socket(arg0=38)",
		"errno EPERM socket(arg0=38),mkdir",
	};
	static const char *const bad_policy[] = {
		"deny mkdir socket(arg0=38)\naction errno EPERM socket(arg0=38)\n",
		"deny mkdir\naction kill socket(arg0=38)\n",
	};
	int ret;

	ret = check_rejected("syscalls.action", bad, ARRAY_SIZE(bad), -EINVAL);
	if (ret != KSFT_PASS)
		return ret;
	return check_rejected("syscalls.policy", bad_policy,
			      ARRAY_SIZE(bad_policy), -EINVAL);
}

/* The first bad item decides; syntax before permission before space. */
static int test_errors_in_order(void)
{
	char policy[2048];
	int ret = KSFT_FAIL, i, n;

	if (cg_create_denying(CG_A, "socket(arg0=38)") || cg_create(CG_AB))
		goto cleanup;
	if (!cg_write_expect(CG_AB, "syscalls.deny",
			     "socket(arg0&0xff=0x100) socket(arg6=0)", -ERANGE) ||
	    !cg_write_expect(CG_AB, "syscalls.deny",
			     "socket(arg6=0) socket(arg0&0xff=0x100)", -EINVAL) ||
	    !cg_write_expect(CG_AB, "syscalls.allow",
			     "socket(arg0=38) socket(arg6=0)", -EINVAL) ||
	    !cg_write_expect(CG_AB, "syscalls.allow",
			     "socket(arg0=38) socket(arg0=18446744073709551616)",
			     -ERANGE))
		goto cleanup;
	/* 34 own conditions and an allow of the parent's: EPERM first. */
	n = snprintf(policy, sizeof(policy), "deny");
	for (i = 1; i <= 17; i++)
		n += snprintf(policy + n, sizeof(policy) - n, " socket(arg1=%d)", i);
	snprintf(policy + n, sizeof(policy) - n, "\nallow socket(arg0=38)\n");
	if (!cg_write_expect(CG_AB, "syscalls.policy", policy, -EPERM))
		goto cleanup;
	/* Without the allow: ENOSPC. */
	policy[n] = '\0';
	if (!cg_write_expect(CG_AB, "syscalls.policy", policy, -ENOSPC))
		goto cleanup;
	if (!cg_read_expect(CG_AB, "syscalls.policy", FRESH_POLICY) ||
	    !cg_denies(CG_AB, SOCKET_38))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_policy_file_holds_own_conditions(void)
{
	int ret = KSFT_FAIL;
	char first[4096];

	if (cg_create_denying(CG_A, "mkdir socket(arg0=38)") || cg_create(CG_AB))
		goto cleanup;
	if (!cg_read_expect(CG_A, "syscalls.policy",
			    "deny 83 ia32:39\ndeny " SOCKET_38
			    "\nmode enforce\naction errno ENOSYS"))
		goto cleanup;
	/* The parent's conditions are not the child's own policy. */
	if (!cg_read_expect(CG_AB, "syscalls.policy", FRESH_POLICY))
		goto cleanup;
	/* Written back, the same policy. */
	if (cg_read(CG_A, "syscalls.policy", first, sizeof(first)) < 0 ||
	    !cg_write_expect(CG_A, "syscalls.policy", first, 0) ||
	    !cg_read_expect(CG_A, "syscalls.policy", first) ||
	    !cg_denies(CG_A, "83 ia32:39 " SOCKET_38))
		goto cleanup;
	/* A policy without conditions replaces them too. */
	if (!cg_write_expect(CG_A, "syscalls.policy", "deny mkdir\n", 0) ||
	    !cg_denies(CG_A, "83 ia32:39") ||
	    !cg_read_expect(CG_A, "syscalls.policy",
			    "deny 83 ia32:39\nmode enforce\naction errno ENOSYS"))
		goto cleanup;
	/* Conditions only: the set's line is empty. */
	if (!cg_write_expect(CG_A, "syscalls.policy",
			     "deny socket(arg0=40|38)\n", 0) ||
	    !cg_denies(CG_A, "x86_64:41(arg0=38|40) ia32:359(arg0=38|40)") ||
	    !cg_read_expect(CG_A, "syscalls.policy",
			    "deny\ndeny x86_64:41(arg0=38|40) ia32:359(arg0=38|40)"
			    "\nmode enforce\naction errno ENOSYS"))
		goto cleanup;
	/* The lines apply in order: an allow removes what a deny added. */
	if (!cg_write_expect(CG_A, "syscalls.policy",
			     "deny mkdir socket(arg0=38)\nallow socket(arg0=38)\n",
			     0) ||
	    !cg_denies(CG_A, "83 ia32:39"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

#define OWN_CONDITIONS_MAX 32

static int test_own_conditions_limited_to_32(void)
{
	char text[2048], before[8192];
	int ret = KSFT_FAIL, i, n = 0;

	/* socket(...) is one condition on each of two ABIs: 16 make 32. */
	for (i = 1; i <= OWN_CONDITIONS_MAX / 2; i++)
		n += snprintf(text + n, sizeof(text) - n, "socket(arg0=%d) ", i);
	if (cg_create_denying(CG_A, text) ||
	    cg_read(CG_A, "syscalls.deny", before, sizeof(before)) < 0)
		goto cleanup;
	if (!cg_write_expect(CG_A, "syscalls.deny", "ia32:socket(arg0=17)", -ENOSPC) ||
	    !cg_write_expect(CG_A, "syscalls.deny", "x86_64:clone(arg0=1)", -ENOSPC) ||
	    !cg_write_expect(CG_A, "syscalls.deny", "rmdir ia32:socket(arg0=17)",
			     -ENOSPC) ||
	    !cg_denies(CG_A, before))
		goto cleanup;
	/* One the cgroup holds is no new one. */
	if (!cg_write_expect(CG_A, "syscalls.deny", "socket(arg0=2)", 0) ||
	    !cg_denies(CG_A, before))
		goto cleanup;
	/* Room for one on one ABI, not for two. */
	if (cg_allow(CG_A, "x86_64:socket(arg0=1)") ||
	    !cg_write_expect(CG_A, "syscalls.deny", "socket(arg0=17)", -ENOSPC) ||
	    !cg_write_expect(CG_A, "syscalls.deny", "ia32:socket(arg0=17)", 0) ||
	    !cg_write_expect(CG_A, "syscalls.deny", "x86_64:socket(arg0=18)",
			     -ENOSPC))
		goto cleanup;
	/* A child holds 32 of its own under a parent's 32. */
	if (cg_create(CG_AB))
		goto cleanup;
	for (i = 1, n = 0; i <= OWN_CONDITIONS_MAX; i++)
		n += snprintf(text + n, sizeof(text) - n,
			      "x86_64:socket(arg1=%d) ", i);
	if (!cg_write_expect(CG_AB, "syscalls.deny", text, 0) ||
	    !cg_write_expect(CG_AB, "syscalls.deny", "x86_64:socket(arg1=99)",
			     -ENOSPC))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

/* ---- Enforcement ---- */

static int test_condition_denies_only_matching_calls(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "socket(arg0=38)"))
		goto cleanup;
	ret = check_alg_socket(CG_A, -ENOSYS);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_any_of_the_values_denies(void)
{
	static const struct arg_calls calls = { 4, {
		SOCKET_CALL("socket(AF_ALG)", ARG_SYSCALL, AF_ALG, SOCK_SEQPACKET,
			    -ENOSYS),
		SOCKET_CALL("socket(AF_VSOCK)", ARG_SYSCALL, AF_VSOCK,
			    SOCK_STREAM, -ENOSYS),
		SOCKET_CALL("socket(AF_UNIX)", ARG_SYSCALL, AF_UNIX, SOCK_STREAM,
			    UNFILTERED),
		SOCKET_CALL("socket(AF_INET)", ARG_SYSCALL, AF_INET, SOCK_STREAM,
			    UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "socket(arg0=38|40)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_not_equal_denies_every_other_value(void)
{
	static const struct arg_calls calls = { 4, {
		SOCKET_CALL("socket(AF_UNIX)", ARG_SYSCALL, AF_UNIX, SOCK_STREAM,
			    UNFILTERED),
		SOCKET_CALL("socket(AF_INET)", ARG_SYSCALL, AF_INET, SOCK_STREAM,
			    UNFILTERED),
		SOCKET_CALL("socket(AF_ALG)", ARG_SYSCALL, AF_ALG, SOCK_SEQPACKET,
			    -ENOSYS),
		SOCKET_CALL("socket(AF_VSOCK)", ARG_SYSCALL, AF_VSOCK,
			    SOCK_STREAM, -ENOSYS),
	} };
	int ret = KSFT_FAIL;

	/* Only AF_UNIX and AF_INET sockets. */
	if (cg_create_denying(CG_A, "socket(arg0!=1|2)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_mask_selects_clone_flags(void)
{
	static const struct arg_calls calls = { 4, {
		CLONE_CALL("clone(CLONE_NEWUSER | SIGCHLD)",
			   CLONE_NEWUSER | SIGCHLD, -ENOSYS),
		CLONE_CALL("clone(CLONE_NEWUSER | CLONE_NEWUTS | SIGCHLD)",
			   CLONE_NEWUSER | CLONE_NEWUTS | SIGCHLD, -ENOSYS),
		CLONE_CALL("clone(SIGCHLD), a fork", SIGCHLD, UNFILTERED),
		CLONE_CALL("clone(CLONE_NEWUTS | SIGCHLD)",
			   CLONE_NEWUTS | SIGCHLD, UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	/* Deny clone when CLONE_NEWUSER (0x10000000) is set. */
	if (cg_create_denying(CG_A, "clone(arg0&0x10000000!=0)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_int_argument_compared_at_32_bits(void)
{
	static const struct arg_calls calls = { 4, {
		SOCKET_CALL("socket(AF_ALG | 1 << 32)", ARG_SYSCALL,
			    AF_ALG | HIGH_BIT, SOCK_SEQPACKET, -ENOSYS),
		SOCKET_CALL("socket(AF_ALG | 0xffffffff00000000)", ARG_SYSCALL,
			    AF_ALG | 0xffffffff00000000UL, SOCK_SEQPACKET, -ENOSYS),
		SOCKET_CALL("socket(AF_UNIX | 1 << 32)", ARG_SYSCALL,
			    AF_UNIX | HIGH_BIT, SOCK_STREAM, UNFILTERED),
		SOCKET_CALL("socket(AF_ALG)", ARG_SYSCALL, AF_ALG, SOCK_SEQPACKET,
			    -ENOSYS),
	} };
	int ret = KSFT_FAIL;

	/* The kernel reads socket's family as an int: so does the rule. */
	if (cg_create_denying(CG_A, "socket(arg0=38)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_value_compared_at_the_argument_width(void)
{
	int ret = KSFT_FAIL;

	/* 0x100000026 is 38 as an int. */
	if (cg_create_denying(CG_A, "socket(arg0=0x100000026)"))
		goto cleanup;
	ret = check_alg_socket(CG_A, -ENOSYS);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_long_argument_compared_at_64_bits(void)
{
	static const struct arg_calls calls = { 2, {
		CLONE_CALL("clone(SIGCHLD | 1 << 32)", SIGCHLD | HIGH_BIT,
			   -ENOSYS),
		CLONE_CALL("clone(SIGCHLD)", SIGCHLD, UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	/*
	 * clone's flags are an unsigned long: all 64 bits compare, though
	 * clone itself ignores the high half.
	 */
	if (cg_create_denying(CG_A, "x86_64:clone(arg0&0xffffffff00000000!=0)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	if (cg_create_denying(CG_B, "x86_64:clone(arg0=0x100000011)"))
		goto cleanup;
	ret = run_arg_calls(CG_B, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_destroy(CG_B);
	cg_reset_root();
	return ret;
}

static int test_unsigned_int_personality(void)
{
	static const struct arg_calls calls = { 6, {
		PERSONALITY_CALL("personality(ADDR_NO_RANDOMIZE)",
				 ADDR_NO_RANDOMIZE, -ENOSYS),
		PERSONALITY_CALL("personality(ADDR_NO_RANDOMIZE | 1 << 32)",
				 ADDR_NO_RANDOMIZE | HIGH_BIT, -ENOSYS),
		PERSONALITY_CALL("personality(0xffffffff), a query", 0xffffffffUL,
				 UNFILTERED),
		/* As an unsigned int, these are the query and PER_LINUX. */
		PERSONALITY_CALL("personality(0xffffffffffffffff)", ~0UL,
				 UNFILTERED),
		PERSONALITY_CALL("personality(1 << 32)", HIGH_BIT, UNFILTERED),
		PERSONALITY_CALL("personality(PER_LINUX32)", PER_LINUX32,
				 UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	/* Docker's rule. */
	if (cg_create_denying(CG_A,
			      "personality(arg0!=0|8|0x20000|0x20008|0xffffffff)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_conditions_on_one_call_all_apply(void)
{
	static const struct arg_calls calls = { 4, {
		SOCKET_CALL("socket(AF_ALG, SOCK_STREAM)", ARG_SYSCALL, AF_ALG,
			    SOCK_STREAM, -ENOSYS),
		SOCKET_CALL("socket(AF_UNIX, SOCK_SEQPACKET)", ARG_SYSCALL,
			    AF_UNIX, SOCK_SEQPACKET, -ENOSYS),
		SOCKET_CALL("socket(AF_UNIX, SOCK_STREAM)", ARG_SYSCALL, AF_UNIX,
			    SOCK_STREAM, UNFILTERED),
		SOCKET_CALL("socket(AF_UNIX, SOCK_DGRAM)", ARG_SYSCALL, AF_UNIX,
			    SOCK_DGRAM, UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	/* Either denies; in one write or in two. */
	if (cg_create_denying(CG_A, "socket(arg0=38) socket(arg1=5)") ||
	    !cg_denies_items(CG_A, SOCKET_38 " x86_64:41(arg1=5) ia32:359(arg1=5)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	if (cg_create_denying(CG_B, "socket(arg1=5)") ||
	    cg_deny(CG_B, "socket(arg0=38)") ||
	    !cg_denies_items(CG_B, SOCKET_38 " x86_64:41(arg1=5) ia32:359(arg1=5)"))
		goto cleanup;
	ret = run_arg_calls(CG_B, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_destroy(CG_B);
	cg_reset_root();
	return ret;
}

/* What the running task of test_condition_changes_under_running_task shares. */
struct live {
	int go;		/* the round the task may make */
	int done;	/* the last round it made */
	long alg[4];	/* its socket(AF_ALG) of each round */
	long unix_[4];	/* its socket(AF_UNIX) */
};

static struct live *live;

static long socket_result(unsigned long family, unsigned long type)
{
	long r = raw_syscall3(SYS_socket, family, type, 0);

	if (r >= 0) {
		close(r);
		r = 0;
	}
	return r;
}

/* Three rounds of calls, each when the test says go; asleep in between. */
static int live_task(void *arg)
{
	int round;

	for (round = 1; round <= 3; round++) {
		if (wait_at_least(&live->go, round, 60))
			return KSFT_FAIL;
		live->alg[round] = socket_result(AF_ALG, SOCK_SEQPACKET);
		live->unix_[round] = socket_result(AF_UNIX, SOCK_STREAM);
		store_and_wake(&live->done, round);
	}
	return KSFT_PASS;
}

static bool live_round(int round, long alg, const char *when)
{
	char what[160];
	bool ok;

	store_and_wake(&live->go, round);
	if (wait_at_least(&live->done, round, 60)) {
		diag("%s: expected the running task to make its calls, it did not",
		     when);
		return false;
	}
	snprintf(what, sizeof(what), "%s: socket(AF_ALG)", when);
	ok = expect_result(what, live->alg[round], alg);
	snprintf(what, sizeof(what), "%s: socket(AF_UNIX)", when);
	ok &= expect_result(what, live->unix_[round], 0);
	return ok;
}

static int test_condition_changes_under_running_task(void)
{
	struct child c = { .pid = -1, .sync = NULL };
	int ret = KSFT_FAIL;
	long unfiltered;

	live = mmap(NULL, sizeof(*live), PROT_READ | PROT_WRITE,
		    MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (live == MAP_FAILED) {
		live = NULL;
		goto cleanup;
	}
	unfiltered = socket_result(AF_ALG, SOCK_SEQPACKET);
	if (unfiltered == -ENOSYS) {
		diag("socket(AF_ALG) gives ENOSYS with nothing denied");
		ret = KSFT_SKIP;
		goto cleanup;
	}
	if (cg_create(CG_A) || child_start(&c, live_task, NULL) ||
	    cg_enter_process(CG_A, c.pid) || child_go(&c))
		goto cleanup;
	if (!live_round(1, unfiltered, "nothing denied"))
		goto cleanup;
	if (cg_deny(CG_A, "socket(arg0=38)") ||
	    !live_round(2, -ENOSYS, "after the deny of socket(arg0=38) returned"))
		goto cleanup;
	if (cg_allow(CG_A, "socket(arg0=38)") || !cg_denies(CG_A, "") ||
	    !live_round(3, unfiltered, "after the allow of socket(arg0=38) returned"))
		goto cleanup;
	ret = child_wait(&c);
cleanup:
	child_kill(&c);
	if (live)
		munmap(live, sizeof(*live));
	live = NULL;
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_x32_call_meets_the_condition(void)
{
	static const struct arg_calls calls = { 2, {
		SOCKET_CALL("x32 socket(AF_ALG)", ARG_X32, AF_ALG, SOCK_SEQPACKET,
			    -ENOSYS),
		SOCKET_CALL("x32 socket(AF_UNIX)", ARG_X32, AF_UNIX, SOCK_STREAM,
			    UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	if (!x32_syscalls_work()) {
		diag("this kernel runs no x32 system calls");
		return KSFT_SKIP;
	}
	/* x32 calls are checked as the x86_64 call of the same name. */
	if (cg_create_denying(CG_A, "socket(arg0=38)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

/*
 * An x32-only entry (writev is 516) runs a compat function whose arguments
 * the conditions do not read: a condition on the call denies it whatever
 * its arguments, while its x86_64 namesake is judged by them.
 */
static int test_x32_only_entry_fails_closed(void)
{
	static const struct arg_calls calls = { 2, {
		{ "x32 writev(-1, NULL, 0), entry 516", ARG_X32, EFFECT_NONE,
		  516, { -1, 0, 0 }, -ENOSYS },
		{ "writev(-1, NULL, 0)", ARG_SYSCALL, EFFECT_NONE, SYS_writev,
		  { -1, 0, 0 }, UNFILTERED },
	} };
	int ret = KSFT_FAIL;

	if (!x32_syscalls_work()) {
		diag("this kernel runs no x32 system calls");
		return KSFT_SKIP;
	}
	if (cg_create_denying(CG_A, "writev(arg0=12345)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

/* ---- ABIs: int $0x80 from this 64-bit task is the ia32 ABI ---- */

static int test_name_condition_reaches_ia32(void)
{
	static const struct arg_calls calls = { 5, {
		SOCKET_CALL("ia32 socket(AF_ALG)", ARG_INT80, AF_ALG,
			    SOCK_SEQPACKET, -ENOSYS),
		SOCKET_CALL("ia32 socket(AF_UNIX)", ARG_INT80, AF_UNIX,
			    SOCK_STREAM, UNFILTERED),
		SOCKET_CALL("ia32 socket(AF_INET)", ARG_INT80, AF_INET,
			    SOCK_STREAM, UNFILTERED),
		/* An ia32 argument is 32 bits, whatever %rbx holds above. */
		SOCKET_CALL("ia32 socket(AF_ALG), 1 << 32 in %rbx", ARG_INT80,
			    AF_ALG | HIGH_BIT, SOCK_SEQPACKET, -ENOSYS),
		SOCKET_CALL("ia32 socket(AF_UNIX), 1 << 32 in %rbx", ARG_INT80,
			    AF_UNIX | HIGH_BIT, SOCK_STREAM, UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "socket(arg0=38)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_x86_64_prefix_condition_skips_ia32(void)
{
	static const struct arg_calls calls = { 2, {
		SOCKET_CALL("x86_64 socket(AF_ALG)", ARG_SYSCALL, AF_ALG,
			    SOCK_SEQPACKET, -ENOSYS),
		SOCKET_CALL("ia32 socket(AF_ALG)", ARG_INT80, AF_ALG,
			    SOCK_SEQPACKET, UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "x86_64:socket(arg0=38)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_ia32_prefix_condition_skips_x86_64(void)
{
	static const struct arg_calls calls = { 2, {
		SOCKET_CALL("ia32 socket(AF_ALG)", ARG_INT80, AF_ALG,
			    SOCK_SEQPACKET, -ENOSYS),
		SOCKET_CALL("x86_64 socket(AF_ALG)", ARG_SYSCALL, AF_ALG,
			    SOCK_SEQPACKET, UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "ia32:socket(arg0=38)"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

/* ---- Hierarchy ---- */

static int test_child_cannot_remove_ancestor_condition(void)
{
	static const char *const exact[] = {
		"socket(arg0=38)", "x86_64:socket(arg0=38)", "ia32:359(arg0=38)",
		"41(arg0=38)", "socket(arg0=0x26)",
	};
	int ret = KSFT_FAIL;
	size_t i;

	if (cg_create_denying(CG_A, "socket(arg0=38)") || cg_create(CG_AB))
		goto cleanup;
	for (i = 0; i < ARRAY_SIZE(exact); i++)
		if (!cg_write_expect(CG_AB, "syscalls.allow", exact[i], -EPERM) ||
		    !cg_denies(CG_AB, SOCKET_38))
			goto cleanup;
	/* Another condition is not the parent's: the child holds none. */
	if (!cg_write_expect(CG_AB, "syscalls.allow", "socket(arg0=38|40)", 0))
		goto cleanup;
	/* A plain allow removes the child's own: the parent's stays. */
	if (!cg_write_expect(CG_AB, "syscalls.allow", "socket", 0) ||
	    !cg_write_expect(CG_AB, "syscalls.allow", "all", 0) ||
	    !cg_denies(CG_AB, SOCKET_38) || !cg_denies(CG_A, SOCKET_38))
		goto cleanup;
	ret = check_alg_socket(CG_AB, -ENOSYS);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_child_adds_its_own_condition(void)
{
	static const struct arg_calls in_child = { 3, {
		SOCKET_CALL("socket(AF_ALG)", ARG_SYSCALL, AF_ALG, SOCK_SEQPACKET,
			    -ENOSYS),
		SOCKET_CALL("socket(AF_VSOCK)", ARG_SYSCALL, AF_VSOCK,
			    SOCK_STREAM, -ENOSYS),
		SOCKET_CALL("socket(AF_UNIX)", ARG_SYSCALL, AF_UNIX, SOCK_STREAM,
			    UNFILTERED),
	} };
	static const struct arg_calls in_sibling = { 2, {
		SOCKET_CALL("socket(AF_ALG)", ARG_SYSCALL, AF_ALG, SOCK_SEQPACKET,
			    -ENOSYS),
		SOCKET_CALL("socket(AF_VSOCK)", ARG_SYSCALL, AF_VSOCK,
			    SOCK_STREAM, UNFILTERED),
	} };
	static const struct arg_calls lifted = { 2, {
		SOCKET_CALL("socket(AF_ALG)", ARG_SYSCALL, AF_ALG, SOCK_SEQPACKET,
			    -ENOSYS),
		SOCKET_CALL("socket(AF_VSOCK), the child's own lifted",
			    ARG_SYSCALL, AF_VSOCK, SOCK_STREAM, UNFILTERED),
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "socket(arg0=38)") ||
	    cg_create_denying(CG_AB, "socket(arg0=40)") || cg_create(CG_AC))
		goto cleanup;
	if (!cg_denies(CG_A, SOCKET_38) ||
	    !cg_denies_items(CG_AB, SOCKET_38 " " SOCKET_40) ||
	    !cg_denies(CG_AC, SOCKET_38) ||
	    !cg_read_expect(CG_AB, "syscalls.policy",
			    "deny\ndeny " SOCKET_40
			    "\nmode enforce\naction errno ENOSYS"))
		goto cleanup;
	ret = run_arg_calls(CG_AB, &in_child);
	if (ret == KSFT_PASS)
		ret = run_arg_calls(CG_AC, &in_sibling);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	/* The child's own condition is its own to remove. */
	if (cg_allow(CG_AB, "socket(arg0=40)") || !cg_denies(CG_AB, SOCKET_38))
		goto cleanup;
	ret = run_arg_calls(CG_AB, &lifted);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_ancestor_allow_lifts_condition_for_subtree(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "socket(arg0=38)") || cg_create(CG_AB))
		goto cleanup;
	ret = check_alg_socket(CG_AB, -ENOSYS);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	if (cg_allow(CG_A, "socket(arg0=38)") || !cg_denies(CG_A, "") ||
	    !cg_denies(CG_AB, ""))
		goto cleanup;
	ret = check_alg_socket(CG_AB, UNFILTERED);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_plain_allow_removes_own_conditions(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "mkdir socket(arg0=38) socket(arg1=5) "
			      "clone(arg0&0x10000000!=0)"))
		goto cleanup;
	/* Of the call in that ABI only. */
	if (cg_allow(CG_A, "x86_64:socket") ||
	    !cg_denies_items(CG_A, "83 ia32:39 ia32:359(arg0=38) ia32:359(arg1=5) "
			     "x86_64:56(arg0&0x10000000!=0) ia32:120(arg0&0x10000000!=0)"))
		goto cleanup;
	if (cg_allow(CG_A, "socket") ||
	    !cg_denies_items(CG_A, "83 ia32:39 x86_64:56(arg0&0x10000000!=0) "
			     "ia32:120(arg0&0x10000000!=0)"))
		goto cleanup;
	if (cg_allow(CG_A, "all") || !cg_denies(CG_A, ""))
		goto cleanup;
	ret = check_alg_socket(CG_A, UNFILTERED);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	/* EPERM when an ancestor denies the call by number, all or nothing. */
	if (cg_deny(CG_A, "socket") || cg_create_denying(CG_AB, "socket(arg0=40)") ||
	    !cg_write_expect(CG_AB, "syscalls.allow", "socket", -EPERM) ||
	    !cg_denies_items(CG_AB, "41 ia32:359 " SOCKET_40))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_effective_read_shows_ancestor_conditions(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "socket(arg0=38)") ||
	    cg_create_denying(CG_AB, "mkdir"))
		goto cleanup;
	if (!cg_denies(CG_AB, "83 ia32:39 " SOCKET_38) ||
	    !cg_read_expect(CG_AB, "syscalls.policy",
			    "deny 83 ia32:39\nmode enforce\naction errno ENOSYS"))
		goto cleanup;
	/* A cgroup made later starts with them, and its tasks meet them. */
	if (cg_create(CG_ABC) || !cg_denies(CG_ABC, "83 ia32:39 " SOCKET_38) ||
	    !cg_read_expect(CG_ABC, "syscalls.policy", FRESH_POLICY))
		goto cleanup;
	ret = check_alg_socket(CG_ABC, -ENOSYS);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

/* ---- Action, mode, counters and the log ---- */

static int test_errno_action_applies(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "socket(arg0=38)") ||
	    !cg_write_expect(CG_A, "syscalls.action", "errno EPERM", 0))
		goto cleanup;
	ret = check_alg_socket(CG_A, -EPERM);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	/* The call's own action. */
	if (!cg_write_expect(CG_A, "syscalls.action", "errno EACCES socket", 0))
		goto cleanup;
	ret = check_alg_socket(CG_A, -EACCES);
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

/* socket(AF_UNIX) must work; socket(AF_ALG) kills. */
static int alg_socket_killed(void *arg)
{
	if (socket_result(AF_UNIX, SOCK_STREAM) != 0)
		return 2;
	socket_result(AF_ALG, SOCK_SEQPACKET);
	return 3;
}

/* Runs fn in a child moved into cg; its raw wait status, -1 if none. */
static int run_raw_status(const char *cg, int (*fn)(void *), void *arg,
			  pid_t *pid)
{
	struct child c;
	int status, err;

	err = child_start(&c, fn, arg);
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
	return status;
}

static int test_kill_action_applies(void)
{
	int ret = KSFT_FAIL, status;
	pid_t pid;

	if (socket_result(AF_ALG, SOCK_SEQPACKET) == -ENOSYS) {
		diag("socket(AF_ALG) gives ENOSYS with nothing denied");
		return KSFT_SKIP;
	}
	if (cg_create_denying(CG_A, "socket(arg0=38)") ||
	    !cg_write_expect(CG_A, "syscalls.action", "kill", 0))
		goto cleanup;
	status = run_raw_status(CG_A, alg_socket_killed, NULL, &pid);
	if (status == -1)
		goto cleanup;
	if (!WIFSIGNALED(status) || WTERMSIG(status) != SIGSYS) {
		diag("socket(AF_UNIX), then socket(AF_ALG) with socket(arg0=38) denied and action kill: expected death by SIGSYS at the second, got status %#x",
		     status);
		goto cleanup;
	}
	if (!cg_read_expect(CG_A, "syscalls.events", "denied 1"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_denials_counted(void)
{
	static const struct arg_calls calls = { 3, {
		SOCKET_CALL("socket(AF_ALG)", ARG_SYSCALL, AF_ALG, SOCK_SEQPACKET,
			    -ENOSYS),
		SOCKET_CALL("socket(AF_UNIX)", ARG_SYSCALL, AF_UNIX, SOCK_STREAM,
			    UNFILTERED),
		SOCKET_CALL("socket(AF_ALG | 1 << 32)", ARG_SYSCALL,
			    AF_ALG | HIGH_BIT, SOCK_SEQPACKET, -ENOSYS),
	} };
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "socket(arg0=38)") ||
	    !cg_read_expect(CG_A, "syscalls.events", "denied 0"))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	if (!cg_read_expect(CG_A, "syscalls.events", "denied 2") ||
	    !cg_read_expect(CG_A, "syscalls.stat", "socket 2"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static int test_log_mode_runs_and_counts(void)
{
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "socket(arg0=38)") ||
	    !cg_write_expect(CG_A, "syscalls.mode", "log", 0) ||
	    !cg_write_expect(CG_A, "syscalls.action", "kill", 0))
		goto cleanup;
	/* Not even kill: the call runs. */
	ret = check_alg_socket(CG_A, UNFILTERED);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	if (!cg_read_expect(CG_A, "syscalls.events", "denied 1") ||
	    !cg_read_expect(CG_A, "syscalls.stat", "socket 1"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

/*
 * A learning cgroup records socket once a task makes it, and takes the call
 * off the slow path only where nothing else checks it: its condition keeps
 * socket(AF_ALG) denied after socket(AF_UNIX) was learnt, and the learnt
 * call is in syscalls.used whatever its arguments.
 */
static int test_learning_keeps_conditions(void)
{
	static const struct arg_calls calls = { 4, {
		SOCKET_CALL("socket(AF_UNIX), learnt", ARG_SYSCALL, AF_UNIX,
			    SOCK_STREAM, UNFILTERED),
		SOCKET_CALL("socket(AF_ALG) after socket was learnt", ARG_SYSCALL,
			    AF_ALG, SOCK_SEQPACKET, -ENOSYS),
		SOCKET_CALL("socket(AF_UNIX) again", ARG_SYSCALL, AF_UNIX,
			    SOCK_STREAM, UNFILTERED),
		SOCKET_CALL("socket(AF_ALG) again", ARG_SYSCALL, AF_ALG,
			    SOCK_SEQPACKET, -ENOSYS),
	} };
	struct syscall_set used;
	int ret = KSFT_FAIL;

	if (cg_create_denying(CG_A, "socket(arg0=38)") ||
	    !cg_write_expect(CG_A, "syscalls.learn", "1", 0))
		goto cleanup;
	ret = run_arg_calls(CG_A, &calls);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	if (!cg_read_expect(CG_A, "syscalls.stat", "socket 2") ||
	    cg_read_set(CG_A, "syscalls.used", &used))
		goto cleanup;
	if (!used.x86_64[SYS_socket]) {
		diag("syscalls.used: expected socket (%d) in it, got it without",
		     SYS_socket);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

/* The controller's log rate limit: a new interval after this quiet. */
#define LOG_QUIET 5.3
#define DENIED_PREFIX "syscalls_cgroup: denied "
#define LOG_COMM "cond_log"

/*
 * Under its own name: socket(AF_ALG) twice, the second with 1 << 32, and
 * clone(SIGCHLD | 1 << 32), each denied.
 */
static int logged_calls(void *arg)
{
	static const struct arg_call calls[] = {
		SOCKET_CALL("socket(AF_ALG)", ARG_SYSCALL, AF_ALG,
			    SOCK_SEQPACKET, -ENOSYS),
		SOCKET_CALL("socket(AF_ALG | 1 << 32)", ARG_SYSCALL,
			    AF_ALG | HIGH_BIT, SOCK_SEQPACKET, -ENOSYS),
		CLONE_CALL("clone(SIGCHLD | 1 << 32)", SIGCHLD | HIGH_BIT,
			   -ENOSYS),
	};
	bool ok = true;
	size_t i;

	if (prctl(PR_SET_NAME, LOG_COMM, 0, 0, 0))
		return KSFT_FAIL;
	for (i = 0; i < ARRAY_SIZE(calls); i++)
		ok &= expect_result(calls[i].what, make_arg_call(&calls[i]),
				    calls[i].want);
	return ok ? KSFT_PASS : KSFT_FAIL;
}

static bool expect_lines(const char *want, int count)
{
	int i, got = 0;

	for (i = 0; i < kmsg->n; i++)
		got += !strcmp(kmsg->line[i], want);
	if (got == count)
		return true;
	diag("kernel log: expected the line '%s' %d times, found it %d times",
	     want, count, got);
	kmsg_show("syscalls_cgroup");
	return false;
}

static int test_log_line_ends_with_the_argument(void)
{
	char want[512];
	int ret = KSFT_FAIL, status;
	pid_t pid;

	/* Earlier denials of this program may have spent the interval. */
	sleep_seconds(LOG_QUIET);
	if (cg_create_denying(CG_A, "socket(arg0=38) "
			      "x86_64:clone(arg0&0xffffffff00000000!=0)") ||
	    kmsg_open())
		goto cleanup;
	status = run_raw_status(CG_A, logged_calls, NULL, &pid);
	if (status == -1 || status_result(LOG_COMM, status) != KSFT_PASS)
		goto cleanup;
	kmsg_read();
	/* The argument as compared: 32 bits of socket's, 64 of clone's. */
	snprintf(want, sizeof(want),
		 DENIED_PREFIX "x86_64 socket (%d): pid=%d comm=\"%s\" cgroup=\"/%s\" action=ENOSYS arg0=0x26",
		 SYS_socket, pid, LOG_COMM, CG_A);
	if (!expect_lines(want, 2))
		goto cleanup;
	snprintf(want, sizeof(want),
		 DENIED_PREFIX "x86_64 clone (%d): pid=%d comm=\"%s\" cgroup=\"/%s\" action=ENOSYS arg0=0x100000011",
		 SYS_clone, pid, LOG_COMM, CG_A);
	if (!expect_lines(want, 1))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	kmsg_close();
	cg_destroy(CG_A);
	cg_reset_root();
	return ret;
}

static struct syscalls_test tests[] = {
	/* Grammar */
	T(test_read_gives_abi_number_and_condition),
	T(test_values_read_ascending_in_decimal),
	T(test_mask_and_not_equal_read),
	T(test_identical_conditions_kept_once),
	T(test_read_writes_back),
	T(test_limits_of_a_condition_accepted),
	T(test_malformed_condition_is_einval),
	T(test_condition_only_on_a_name_or_number),
	T(test_no_condition_on_calls_outside_the_rules),
	T(test_number_out_of_range_is_erange),
	T(test_allow_rejects_what_deny_rejects),
	T(test_action_takes_no_condition),
	T(test_errors_in_order),
	T(test_policy_file_holds_own_conditions),
	T(test_own_conditions_limited_to_32),
	/* Enforcement */
	T(test_condition_denies_only_matching_calls),
	T(test_any_of_the_values_denies),
	T(test_not_equal_denies_every_other_value),
	T(test_mask_selects_clone_flags),
	T(test_int_argument_compared_at_32_bits),
	T(test_value_compared_at_the_argument_width),
	T(test_long_argument_compared_at_64_bits),
	T(test_unsigned_int_personality),
	T(test_conditions_on_one_call_all_apply),
	T(test_condition_changes_under_running_task),
	T(test_x32_call_meets_the_condition),
	T(test_x32_only_entry_fails_closed),
	T(test_name_condition_reaches_ia32),
	T(test_x86_64_prefix_condition_skips_ia32),
	T(test_ia32_prefix_condition_skips_x86_64),
	/* Hierarchy */
	T(test_child_cannot_remove_ancestor_condition),
	T(test_child_adds_its_own_condition),
	T(test_ancestor_allow_lifts_condition_for_subtree),
	T(test_plain_allow_removes_own_conditions),
	T(test_effective_read_shows_ancestor_conditions),
	/* Action, mode, counters, log */
	T(test_errno_action_applies),
	T(test_kill_action_applies),
	T(test_denials_counted),
	T(test_log_mode_runs_and_counts),
	T(test_log_line_ends_with_the_argument),
	T(test_learning_keeps_conditions),
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
	ksft_set_plan(tests_selected(tests, ARRAY_SIZE(tests), argc, argv));
	run_tests(tests, ARRAY_SIZE(tests), argc, argv);
}
