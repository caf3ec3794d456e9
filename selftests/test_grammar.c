// SPDX-License-Identifier: GPL-2.0
/*
 * The write grammar of the syscalls cgroup: what a write to syscalls.deny
 * or syscalls.allow accepts and what it reads as, and what it rejects, with
 * which errno, changing nothing.
 *
 * The texts written are the grammar under test, so they are spelled out:
 * 83 is x86_64 mkdir, whose ia32 namesake is 39; 39 is getpid (ia32 20);
 * 0 is read (ia32 3). Every test works in cgroups of its own below the
 * root and removes them, and resets the root, whether it passes or not.
 */
#include "syscalls_cgroup_util.h"

/* Every test cgroup's name starts with this, so that leftovers are found. */
#define TEST_PREFIX "sct_"

/* ---- What a write accepts ---- */

/*
 * Writes each of a list of texts to syscalls.deny of a fresh cgroup and
 * checks what it reads as. Cases are pairs: the write, the read.
 */
static int check_reads(const char *const cases[][2], size_t n)
{
	const char *cg = TEST_PREFIX "grammar";
	int ret = KSFT_FAIL;

	for (size_t i = 0; i < n; i++) {
		cg_destroy(cg);
		if (cg_create(cg))
			goto cleanup;
		if (cg_deny(cg, cases[i][0]) || !cg_denies(cg, cases[i][1]))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

static int test_number_reads_back_with_its_ia32_namesake(void)
{
	static const char *const cases[][2] = {
		{ "83", "83 ia32:39" },		/* mkdir */
		{ "39", "39 ia32:20" },		/* getpid */
		{ "0", "0 ia32:3" },		/* read */
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_range(void)
{
	static const char *const cases[][2] = {
		{ "0-3", "0-3 ia32:3-6" },
		{ "83-83", "83 ia32:39" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_name(void)
{
	static const char *const cases[][2] = {
		{ "mkdir", "83 ia32:39" },
		{ "getpid", "39 ia32:20" },
		{ "mkdir\n", "83 ia32:39" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_all(void)
{
	const char *cases[][2] = {
		{ "all", all_text() },
		{ "all\n", all_text() },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_ia32_number(void)
{
	static const char *const cases[][2] = {
		{ "ia32:39", "ia32:39" },
		/* ia32 0 is restart_syscall, which no rule names. */
		{ "ia32:0", "" },
		/* A hole is a number like any other. */
		{ "ia32:222", "ia32:222" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_ia32_range(void)
{
	static const char *const cases[][2] = {
		/* ia32 0 is restart_syscall, 1 exit: no rule names them. */
		{ "ia32:0-10", "ia32:2-10" },
		{ "ia32:20-22", "ia32:20-22" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_ia32_name(void)
{
	static const char *const cases[][2] = {
		{ "ia32:socketcall", "ia32:102" },
		{ "ia32:mkdir", "ia32:39" },
		{ "ia32:mmap2", "ia32:192" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_ia32_all(void)
{
	const char *cases[][2] = {
		{ "ia32:all", ia32_all_text() },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_x86_64_prefix_is_x86_64_only(void)
{
	static const char *const cases[][2] = {
		{ "x86_64:83", "x86_64:83" },
		{ "x86_64:mkdir", "x86_64:83" },
		{ "x86_64:0-3", "x86_64:0-3" },
		{ "x86_64:0-3,x86_64:83", "x86_64:0-3,x86_64:83" },
		/* With the namesakes, the x86_64 items read bare. */
		{ "x86_64:83 ia32:39", "83 ia32:39" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_x86_64_all(void)
{
	char want[128];
	const char *cases[][2] = {
		{ "x86_64:all", want },
	};

	/* No rule names restart_syscall (x86_64 219): it follows its call. */
	snprintf(want, sizeof(want),
		 "x86_64:0-14,x86_64:16-59,x86_64:61-218,x86_64:220-230,x86_64:232-%d",
		 table_size_x86_64 - 1);
	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_commas_and_white_space_separate_items(void)
{
	static const char *const cases[][2] = {
		{ "0-3, 83\t ia32:100\n,ia32:101 ",
		  "0-3,83 ia32:3-6,ia32:39,ia32:100-101" },
		{ "1 2\t3\n83", "1-3,83 ia32:4-6,ia32:39" },
		{ " \t\n1,2 , 3\n", "1-3 ia32:4-6" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_several_items_in_one_write(void)
{
	static const char *const cases[][2] = {
		{ "0-3,83", "0-3,83 ia32:3-6,ia32:39" },
		{ "mkdir,ia32:socketcall,0-1,ia32:200", "0-1,83 ia32:3-4,ia32:39,ia32:102,ia32:200" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_bare_number_or_name_reaches_the_ia32_namesake(void)
{
	static const char *const cases[][2] = {
		{ "158", "158 ia32:384" },		/* arch_prctl */
		{ "arch_prctl", "158 ia32:384" },
		/* Only the ABIs whose table has the name. */
		{ "socketcall", "ia32:102" },
		{ "waitpid", "ia32:7" },
		{ "accept", "43" },
		{ "43", "43" },
		/* A hole has no namesake. */
		{ "400", "400" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_allow_removes_from_the_rules(void)
{
	const char *cg = TEST_PREFIX "allow";
	int ret = KSFT_FAIL;

	if (cg_create(cg))
		goto cleanup;
	if (cg_deny(cg, "0-3,83") || cg_allow(cg, "1") ||
	    !cg_denies(cg, "0,2-3,83 ia32:3,ia32:5-6,ia32:39"))
		goto cleanup;
	/* An ia32 allow leaves the x86_64 namesake denied. */
	if (cg_allow(cg, "ia32:39") ||
	    !cg_denies(cg, "x86_64:0,x86_64:2-3,x86_64:83 ia32:3,ia32:5-6"))
		goto cleanup;
	/* Allowing what is not denied is fine. */
	if (cg_allow(cg, "getpid") ||
	    !cg_denies(cg, "x86_64:0,x86_64:2-3,x86_64:83 ia32:3,ia32:5-6"))
		goto cleanup;
	if (cg_allow(cg, "all") || !cg_denies(cg, ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

/*
 * Whether a set that a range or `all` made holds the neighbours of the
 * always allowed calls, and none of those calls.
 */
static bool only_neighbours_denied(const struct syscall_set *set,
				   const char *how)
{
	static const int x86_64_neighbours[] = {
		SYS_rt_sigreturn - 1, SYS_rt_sigreturn + 1, SYS_exit + 1,
	};
	static const int ia32_neighbours[] = {
		IA32_EXIT + 1, IA32_SIGRETURN - 1, IA32_SIGRETURN + 1,
		IA32_EXIT_GROUP + 1,
	};

	for (size_t i = 0; i < ARRAY_SIZE(x86_64_neighbours); i++) {
		if (!set->x86_64[x86_64_neighbours[i]]) {
			diag("%s: x86_64 %d, a neighbour of an always allowed call: expected denied, read as allowed",
			     how, x86_64_neighbours[i]);
			return false;
		}
	}
	for (size_t i = 0; i < ARRAY_SIZE(ia32_neighbours); i++) {
		if (!set->ia32[ia32_neighbours[i]]) {
			diag("%s: ia32 %d, a neighbour of an always allowed call: expected denied, read as allowed",
			     how, ia32_neighbours[i]);
			return false;
		}
	}
	for (int i = 0; i < ALWAYS_ALLOWED_X86_64; i++) {
		if (set->x86_64[always_allowed_x86_64[i]]) {
			diag("%s: x86_64 %d: expected never denied, read as denied",
			     how, always_allowed_x86_64[i]);
			return false;
		}
	}
	for (int i = 0; i < ALWAYS_ALLOWED_IA32; i++) {
		if (set->ia32[always_allowed_ia32[i]]) {
			diag("%s: ia32 %d: expected never denied, read as denied",
			     how, always_allowed_ia32[i]);
			return false;
		}
	}
	return true;
}

static int test_exit_and_sigreturn_are_never_denied(void)
{
	static const char *const noops[] = {
		"exit", "exit_group", "rt_sigreturn", "sigreturn",
		"ia32:sigreturn", "ia32:exit", "ia32:rt_sigreturn",
		"ia32:exit_group", "x86_64:exit", "15", "60", "231",
		"x86_64:60", "ia32:1", "ia32:119", "ia32:173", "ia32:252",
		"exit exit_group rt_sigreturn ia32:sigreturn",
	};
	const char *cg = TEST_PREFIX "always", *child = TEST_PREFIX "always/child";
	struct syscall_set set;
	int ret = KSFT_FAIL;

	if (cg_create(cg) || cg_create(child))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(noops); i++) {
		if (cg_deny(cg, noops[i]) || !cg_denies(cg, ""))
			goto cleanup;
	}
	/* Ranges and all skip them. */
	if (cg_deny(cg, "0-99 ia32:0-199 ia32:250-260") ||
	    cg_read_set(cg, "syscalls.deny", &set) ||
	    !only_neighbours_denied(&set, "ranges"))
		goto cleanup;
	if (cg_deny(cg, "all") || cg_read_set(cg, "syscalls.deny", &set) ||
	    !only_neighbours_denied(&set, "all"))
		goto cleanup;
	/*
	 * What allow reads under `all` is exactly them and restart_syscall
	 * (219, ia32 0), which no rule names either.
	 */
	if (!cg_read_expect(cg, "syscalls.allow",
			    "15,60,219,231 ia32:0-1,ia32:119,ia32:173,ia32:252"))
		goto cleanup;
	/* A child may allow them under a parent that denies all. */
	if (cg_allow(child, "exit exit_group rt_sigreturn sigreturn 60 ia32:1") ||
	    !cg_denies(child, all_text()))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

static int test_blank_write_changes_nothing(void)
{
	static const char *const blanks[] = { "", " ", "\n", "\t", " \t\n \n" };
	const char *cg = TEST_PREFIX "blank";
	int ret = KSFT_FAIL;

	if (cg_create(cg))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(blanks); i++) {
		if (cg_deny(cg, blanks[i]) || !cg_denies(cg, ""))
			goto cleanup;
	}
	if (cg_deny(cg, "83"))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(blanks); i++) {
		if (cg_deny(cg, blanks[i]) || cg_allow(cg, blanks[i]) ||
		    !cg_denies(cg, "83 ia32:39"))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

/* ---- What a write rejects ---- */

#define BAD_CG TEST_PREFIX "bad"
#define BAD_CHILD TEST_PREFIX "bad/child"
#define BAD_STATE "0-3 ia32:3-6"

/*
 * Writes each text to both files of a cgroup that denies 0-3 and checks
 * the errno, and that nothing changed, in the cgroup and its child.
 */
static int check_bad_writes(const char *const texts[], size_t n, int want)
{
	int ret = KSFT_FAIL;

	if (cg_create(BAD_CG) || cg_create(BAD_CHILD) || cg_deny(BAD_CG, "0-3"))
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		for (int f = 0; f < 2; f++) {
			const char *file = f ? "syscalls.allow" : "syscalls.deny";

			if (!cg_write_expect(BAD_CG, file, texts[i], want))
				goto cleanup;
			if (!cg_denies(BAD_CG, BAD_STATE) ||
			    !cg_denies(BAD_CHILD, BAD_STATE)) {
				diag("(after write '%s' to %s)",
				     escaped(texts[i]), file);
				goto cleanup;
			}
		}
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(BAD_CG);
	cg_reset_root();
	return ret;
}

static int test_unknown_names_and_garbage_fail_with_einval(void)
{
	static const char *const texts[] = {
		"abc", "nosuchcall", "mk-dir", "83~", "~", "ia32:nosuchcall",
		"x86_64:socketcall", "ia32:accept", "1-2-3", "0x10", "+1",
		"1.5", "1a", "mkdir!", "\xff", "83;84", "1-a", "a-1",
		"mkdir-getpid", "all-1", "x86_64:ia32:1",
	};

	return check_bad_writes(texts, ARRAY_SIZE(texts), -EINVAL);
}

static int test_negative_number_fails_with_einval(void)
{
	static const char *const texts[] = { "-1", "ia32:-1", "-0", "-5-3", "-" };

	return check_bad_writes(texts, ARRAY_SIZE(texts), -EINVAL);
}

static int test_number_past_the_table_fails_with_erange(void)
{
	char t[8][64];
	const char *texts[] = { t[0], t[1], t[2], t[3], t[4], t[5], t[6], t[7],
				"999", "ia32:999", "x86_64:999" };

	snprintf(t[0], sizeof(t[0]), "%d", table_size_x86_64);
	snprintf(t[1], sizeof(t[1]), "ia32:%d", table_size_ia32);
	snprintf(t[2], sizeof(t[2]), "x86_64:%d", table_size_x86_64);
	snprintf(t[3], sizeof(t[3]), "0-%d", table_size_x86_64);
	snprintf(t[4], sizeof(t[4]), "ia32:0-%d", table_size_ia32);
	snprintf(t[5], sizeof(t[5]), "%d-%d", table_size_x86_64,
		 table_size_x86_64 + 1);
	snprintf(t[6], sizeof(t[6]), "ia32:%d-%d", table_size_ia32 + 5,
		 table_size_ia32 + 9);
	snprintf(t[7], sizeof(t[7]), "%d", table_size_x86_64 + 1);
	diag("note: table sizes %d and %d (463 and 463 on 6.12, 473 and 473 on 7.3)",
	     table_size_x86_64, table_size_ia32);
	return check_bad_writes(texts, ARRAY_SIZE(texts), -ERANGE);
}

static int test_last_number_of_each_table_is_accepted(void)
{
	const char *cg = TEST_PREFIX "edge";
	char text[64], want[64];
	int ret = KSFT_FAIL;

	if (cg_create(cg))
		goto cleanup;
	snprintf(text, sizeof(text), "x86_64:%d ia32:%d",
		 table_size_x86_64 - 1, table_size_ia32 - 1);
	/*
	 * The last call of both tables, one namesake (mseal on 6.12, fchroot
	 * on 7.3), reads bare.
	 */
	snprintf(want, sizeof(want), "%d ia32:%d", table_size_x86_64 - 1,
		 table_size_ia32 - 1);
	if (cg_deny(cg, text) || !cg_denies(cg, want))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

static int test_overflowing_number_fails_with_erange(void)
{
	static const char *const texts[] = {
		"99999999999999999999999", "ia32:99999999999999999999999",
		"x86_64:99999999999999999999999", "0-99999999999999999999999",
		"18446744073709551616", "18446744073709551615",
		"4294967296", "4294967295", "9223372036854775808",
		"000000000000000000000000000000000000000099999999999999999999",
	};

	return check_bad_writes(texts, ARRAY_SIZE(texts), -ERANGE);
}

static int test_reversed_and_open_ranges_fail_with_einval(void)
{
	static const char *const texts[] = {
		"5-3", "5-", "ia32:5-3", "ia32:5-", "x86_64:5-", "5--6",
		"1-0", "0-3 5-",
	};

	return check_bad_writes(texts, ARRAY_SIZE(texts), -EINVAL);
}

static int test_empty_items_fail_with_einval(void)
{
	static const char *const texts[] = {
		"1,,2", ",1", "1,", ",", "1, ,2", "1 ,", ", 1", "ia32:",
		"x86_64:", "1,\n",
	};

	return check_bad_writes(texts, ARRAY_SIZE(texts), -EINVAL);
}

static int test_unknown_prefix_fails_with_einval(void)
{
	static const char *const texts[] = {
		"foo:1", "x32:1", "i386:1", ":1", "IA32:1", "ia32::1",
		"x86-64:1", "foo:mkdir", "foo:all",
	};

	return check_bad_writes(texts, ARRAY_SIZE(texts), -EINVAL);
}

/*
 * TEMPLATE with each "@" replaced by the first number past the table: the
 * ia32 table's after "ia32:", the x86_64 table's elsewhere. Into buf.
 */
static const char *past_end(const char *tmpl, char *buf, size_t size)
{
	size_t n = 0;

	for (const char *p = tmpl; *p && n + 1 < size; p++) {
		if (*p != '@') {
			buf[n++] = *p;
			continue;
		}
		n += snprintf(buf + n, size - n, "%d",
			      p - tmpl >= 5 && !strncmp(p - 5, "ia32:", 5) ?
			      table_size_ia32 : table_size_x86_64);
	}
	buf[n < size ? n : size - 1] = '\0';
	return buf;
}

static int test_good_item_then_bad_item_changes_nothing(void)
{
	static const char *const einval[] = {
		"84 abc", "84,5-3", "mkdir,,", "all foo:1", "ia32:all x",
		"84 ia32:39 1,",
	};
	static const char *const erange_at[] = {
		"84 @", "all 99999", "mkdir ia32:@", "84,99999999999999999999999",
	};
	char buf[ARRAY_SIZE(erange_at)][64];
	const char *erange[ARRAY_SIZE(erange_at)];
	int ret;

	for (size_t i = 0; i < ARRAY_SIZE(erange_at); i++)
		erange[i] = past_end(erange_at[i], buf[i], sizeof(buf[i]));
	ret = check_bad_writes(einval, ARRAY_SIZE(einval), -EINVAL);
	if (ret != KSFT_PASS)
		return ret;
	return check_bad_writes(erange, ARRAY_SIZE(erange), -ERANGE);
}

static int test_allow_refused_for_one_call_changes_nothing(void)
{
	const char *p = TEST_PREFIX "atomic", *c = TEST_PREFIX "atomic/c";
	int ret = KSFT_FAIL;

	/* 84 is rmdir, ia32 40. */
	if (cg_create(p) || cg_create(c) || cg_deny(p, "mkdir") ||
	    cg_deny(c, "84"))
		goto cleanup;
	if (!cg_write_expect(c, "syscalls.allow", "84 83", -EPERM) ||
	    !cg_write_expect(c, "syscalls.allow", "84,ia32:39", -EPERM) ||
	    !cg_denies(c, "83-84 ia32:39-40"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(p);
	cg_reset_root();
	return ret;
}

static int test_first_bad_item_decides_the_errno(void)
{
	static const struct {
		const char *text;
		int err;
	} cases[] = {
		{ "abc 99999", -EINVAL }, { "99999 abc", -ERANGE },
		{ "1 abc 99999", -EINVAL }, { "5-3,@", -EINVAL },
		{ "@,5-3", -ERANGE }, { "foo:1 @", -EINVAL },
		{ "ia32:@ foo:1", -ERANGE }, { "1,,@", -EINVAL },
		{ "@,,1", -ERANGE },
	};
	int ret = KSFT_FAIL;
	char buf[64];

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *texts[] = {
			past_end(cases[i].text, buf, sizeof(buf))
		};

		ret = check_bad_writes(texts, 1, cases[i].err);
		if (ret != KSFT_PASS)
			break;
	}
	return ret;
}

static int test_parse_errors_come_before_eperm(void)
{
	const char *p = TEST_PREFIX "order", *c = TEST_PREFIX "order/c";
	int ret = KSFT_FAIL;
	char past[64];

	past_end("mkdir @", past, sizeof(past));
	if (cg_create(p) || cg_create(c) || cg_deny(p, "mkdir"))
		goto cleanup;
	if (!cg_write_expect(c, "syscalls.allow", "83 abc", -EINVAL) ||
	    !cg_write_expect(c, "syscalls.allow", past, -ERANGE) ||
	    !cg_write_expect(c, "syscalls.allow", "all,", -EINVAL) ||
	    !cg_denies(c, "83 ia32:39"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(p);
	cg_reset_root();
	return ret;
}

/* `count` copies of "1 ", a valid write of 2 * count bytes. */
static char *repeated_items(size_t count)
{
	char *text = malloc(2 * count + 1);

	if (!text)
		return NULL;
	for (size_t i = 0; i < count; i++)
		memcpy(text + 2 * i, "1 ", 2);
	text[2 * count] = '\0';
	return text;
}

static int test_write_longer_than_a_page_fails(void)
{
	const char *cg = TEST_PREFIX "long";
	char *text = repeated_items(4096);
	long page = sysconf(_SC_PAGESIZE);
	int ret = KSFT_FAIL, err;

	if (!text || page != 4096) {
		diag("expected a page of 4096 bytes and 8193 bytes of memory, got a page of %ld and %s",
		     page, text ? "the memory" : "no memory");
		goto cleanup;
	}
	if (cg_create_denying(cg, "83"))
		goto cleanup;
	for (int f = 0; f < 2; f++) {
		const char *file = f ? "syscalls.allow" : "syscalls.deny";

		err = cg_write(cg, file, text);
		if (err != -E2BIG && err != -EINVAL) {
			diag("write of 8192 bytes to %s: expected -E2BIG or -EINVAL, got %s",
			     file, result_name(err));
			goto cleanup;
		}
		if (!cg_denies(cg, "83 ia32:39"))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	free(text);
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

static int test_write_of_a_page_succeeds(void)
{
	const char *cg = TEST_PREFIX "page";
	char *text = repeated_items(2048);
	int ret = KSFT_FAIL;

	if (!text || cg_create(cg))
		goto cleanup;
	if (cg_deny(cg, text) || !cg_denies(cg, "1 ia32:4"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	free(text);
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_number_reads_back_with_its_ia32_namesake),
	T(test_range),
	T(test_name),
	T(test_all),
	T(test_ia32_number),
	T(test_ia32_range),
	T(test_ia32_name),
	T(test_ia32_all),
	T(test_x86_64_prefix_is_x86_64_only),
	T(test_x86_64_all),
	T(test_commas_and_white_space_separate_items),
	T(test_several_items_in_one_write),
	T(test_bare_number_or_name_reaches_the_ia32_namesake),
	T(test_allow_removes_from_the_rules),
	T(test_exit_and_sigreturn_are_never_denied),
	T(test_blank_write_changes_nothing),
	T(test_unknown_names_and_garbage_fail_with_einval),
	T(test_negative_number_fails_with_einval),
	T(test_number_past_the_table_fails_with_erange),
	T(test_last_number_of_each_table_is_accepted),
	T(test_overflowing_number_fails_with_erange),
	T(test_reversed_and_open_ranges_fail_with_einval),
	T(test_empty_items_fail_with_einval),
	T(test_unknown_prefix_fails_with_einval),
	T(test_good_item_then_bad_item_changes_nothing),
	T(test_allow_refused_for_one_call_changes_nothing),
	T(test_first_bad_item_decides_the_errno),
	T(test_parse_errors_come_before_eperm),
	T(test_write_longer_than_a_page_fails),
	T(test_write_of_a_page_succeeds),
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
