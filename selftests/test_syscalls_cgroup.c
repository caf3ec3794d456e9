// SPDX-License-Identifier: GPL-2.0
/*
 * Functional tests of the syscalls cgroup's v1 interface: the files, the
 * write grammar and the read format, the hierarchy rules, the errors of bad
 * writes, the capability writers need, concurrent writers against mkdir and
 * rmdir, and that removed cgroups leave nothing behind.
 *
 * Every test works in cgroups of its own below the root (the test runs in
 * the root cgroup, so it never denies anything there that it needs) and
 * removes them, and resets the root, whether it passes or not.
 */
#include <dirent.h>
#include <linux/capability.h>
#include <pthread.h>
#include <sched.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest.h"
#include "syscalls_util.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

/* Every test cgroup's name starts with this, so that leftovers are found. */
#define TEST_PREFIX "sct_"

/* Larger than any system call table the tests expect to meet. */
#define SET_MAX 1024

/*
 * The sizes of the x86_64 and ia32 tables (the highest number plus one),
 * found by probing in main(); 463 on 6.12.
 */
static int nr_x86_64 = 463;
static int nr_ia32 = 463;

/* The calls no rule can deny, by number (x86 ABI facts). */
static const int always_x86_64[] = { 15, 60, 231 };	/* rt_sigreturn exit exit_group */
static const int always_ia32[] = { 1, 119, 173, 252 };	/* exit sigreturn rt_sigreturn exit_group */

/* A set of system calls, one byte a number, as a read lists it. */
struct sc_set {
	unsigned char x86_64[SET_MAX];
	unsigned char ia32[SET_MAX];
};

/* The name of a result of sc_write() and friends: 0 or -errno. */
static const char *errname(int err)
{
	static __thread char buf[32];

	switch (-err) {
	case 0: return "success";
	case EPERM: return "EPERM";
	case ENOENT: return "ENOENT";
	case EIO: return "EIO";
	case E2BIG: return "E2BIG";
	case EBUSY: return "EBUSY";
	case EEXIST: return "EEXIST";
	case ENODEV: return "ENODEV";
	case EINVAL: return "EINVAL";
	case ENOMEM: return "ENOMEM";
	case ERANGE: return "ERANGE";
	case EACCES: return "EACCES";
	case ENOSYS: return "ENOSYS";
	}
	snprintf(buf, sizeof(buf), "errno %d", -err);
	return buf;
}

/* Text shown in a diagnostic: escaped, and shortened when long. */
static const char *shown(const char *text)
{
	static __thread char buf[128];
	size_t i, n = 0, len = strlen(text);

	for (i = 0; i < len && n < 80; i++) {
		char c = text[i];

		if (c == '\n' || c == '\t') {
			buf[n++] = '\\';
			buf[n++] = c == '\n' ? 'n' : 't';
		} else {
			buf[n++] = c;
		}
	}
	if (i < len)
		n += snprintf(buf + n, sizeof(buf) - n, "...(%zu bytes)", len);
	buf[n] = '\0';
	return buf;
}

static const char *cgshown(const char *cg)
{
	return *cg ? cg : "(root)";
}

/* Whether a write gives the expected result; says what happened if not. */
static bool write_is(const char *cg, const char *file, const char *text,
		     int want)
{
	int got = sc_write(cg, file, text);

	if (got == want)
		return true;
	ksft_print_msg("write '%s' to %s/%s: expected %s, got %s\n",
		       shown(text), cgshown(cg), file, errname(want),
		       errname(got));
	return false;
}

static bool deny_ok(const char *cg, const char *text)
{
	return write_is(cg, "syscalls.deny", text, 0);
}

static bool allow_ok(const char *cg, const char *text)
{
	return write_is(cg, "syscalls.allow", text, 0);
}

/* Whether a file reads exactly as expected; says what it read if not. */
static bool reads(const char *cg, const char *file, const char *want)
{
	char buf[16384];
	ssize_t n = sc_read(cg, file, buf, sizeof(buf));

	if (n < 0) {
		ksft_print_msg("read %s/%s: expected '%s', got %s\n",
			       cgshown(cg), file, want, errname(n));
		return false;
	}
	return sc_reads(cg, file, want);
}

static bool denies(const char *cg, const char *want)
{
	return reads(cg, "syscalls.deny", want);
}

static bool exists(const char *cg, const char *file)
{
	char path[4096];
	struct stat st;

	return stat(sc_path(path, sizeof(path), cg, file), &st) == 0;
}

/* Removes a cgroup and everything below it. */
static void destroy(const char *cg)
{
	char path[4096], sub[4096];
	struct dirent *e;
	DIR *dir;

	dir = opendir(sc_path(path, sizeof(path), cg, NULL));
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") ||
		    !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", cg, *cg ? "/" : "",
			 e->d_name);
		destroy(sub);
	}
	closedir(dir);
	if (*cg) {
		int err = sc_rmdir(cg);

		if (err && err != -ENOENT)
			ksft_print_msg("cleanup: rmdir %s: %s\n", cg,
				       errname(err));
	}
}

/* Gives the root back its default: nothing denied. */
static void reset_root(void)
{
	int err = sc_write("", "syscalls.allow", "all");

	if (err)
		ksft_print_msg("cleanup: allow all at the root: %s\n",
			       errname(err));
}

/* Creates a cgroup, whose parent exists; false (and says why) on failure. */
static bool make(const char *cg)
{
	int err = sc_mkdir(cg);

	if (err)
		ksft_print_msg("mkdir %s: %s\n", cg, errname(err));
	return !err;
}

/* Removes leftovers of earlier runs, which would confuse the tests. */
static void remove_leftovers(void)
{
	struct dirent *e;
	DIR *dir;

	dir = opendir(SC_ROOT);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (e->d_type == DT_DIR &&
		    !strncmp(e->d_name, TEST_PREFIX, strlen(TEST_PREFIX)))
			destroy(e->d_name);
	}
	closedir(dir);
	reset_root();
}

/*
 * Parses a read into a set, checking that it is in the kernel's list format:
 * the x86_64 part first, then one space, then the ia32 items; within a part,
 * items joined by commas, in increasing order, each a maximal run ("a-b" or
 * "a"); ia32 items each behind "ia32:"; x86_64 items either all bare or all
 * behind "x86_64:". Bare x86_64 numbers are taken literally (a read lists
 * their ia32 namesakes too). Returns false (and says why) if the text is not
 * in that format.
 */
static bool parse_read(const char *text, struct sc_set *set)
{
	const char *p = text;
	int abi = -1, bare = -1;
	long prev = -2;
	char sep = 0;

	memset(set, 0, sizeof(*set));
	if (!*p)
		return true;
	for (;;) {
		int item_abi, prefixed = 1;
		long lo, hi;
		char *end;

		if (!strncmp(p, "ia32:", 5)) {
			item_abi = 1;
			p += 5;
		} else if (!strncmp(p, "x86_64:", 7)) {
			item_abi = 0;
			p += 7;
		} else {
			item_abi = 0;
			prefixed = 0;
		}
		if (item_abi < abi) {
			ksft_print_msg("read '%s': x86_64 item after ia32 items\n",
				       shown(text));
			return false;
		}
		if (sep && (sep == ' ') != (item_abi != abi)) {
			ksft_print_msg("read '%s': '%c' before an item of %s\n",
				       shown(text), sep,
				       item_abi == abi ? "the same ABI" : "another ABI");
			return false;
		}
		if (item_abi != abi)
			prev = -2;
		abi = item_abi;
		if (abi == 0) {
			if (bare == -1) {
				bare = !prefixed;
			} else if (bare != !prefixed) {
				ksft_print_msg("read '%s': bare and prefixed x86_64 items mixed\n",
					       shown(text));
				return false;
			}
		}
		if (*p < '0' || *p > '9' || (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
			goto bad;
		lo = strtol(p, &end, 10);
		p = end;
		hi = lo;
		if (*p == '-') {
			p++;
			if (*p < '0' || *p > '9')
				goto bad;
			hi = strtol(p, &end, 10);
			p = end;
			if (hi <= lo)
				goto bad;
		}
		if (lo <= prev + 1) {
			ksft_print_msg("read '%s': %ld does not follow %ld as a new run\n",
				       shown(text), lo, prev);
			return false;
		}
		if (hi >= (abi ? nr_ia32 : nr_x86_64) || hi >= SET_MAX) {
			ksft_print_msg("read '%s': %ld is past the table\n",
				       shown(text), hi);
			return false;
		}
		for (long n = lo; n <= hi; n++)
			(abi ? set->ia32 : set->x86_64)[n] = 1;
		prev = hi;
		if (!*p)
			return true;
		if (*p != ',' && *p != ' ')
			goto bad;
		sep = *p++;
	}
bad:
	ksft_print_msg("read '%s': not in the list format near '%s'\n",
		       shown(text), shown(p));
	return false;
}

/* Reads a cgroup's file as a set; false (and says why) on failure. */
static bool read_set(const char *cg, const char *file, struct sc_set *set)
{
	char buf[16384];
	ssize_t n = sc_read(cg, file, buf, sizeof(buf));

	if (n < 0) {
		ksft_print_msg("read %s/%s: %s\n", cgshown(cg), file,
			       errname(n));
		return false;
	}
	return parse_read(buf, set);
}

/* Whether two sets are equal; names the first difference if not. */
static bool same_set(const struct sc_set *got, const struct sc_set *want,
		     const char *what)
{
	for (int n = 0; n < SET_MAX; n++) {
		if (got->x86_64[n] != want->x86_64[n]) {
			ksft_print_msg("%s: x86_64 %d: expected %s, got %s\n",
				       what, n, want->x86_64[n] ? "in" : "out",
				       got->x86_64[n] ? "in" : "out");
			return false;
		}
		if (got->ia32[n] != want->ia32[n]) {
			ksft_print_msg("%s: ia32 %d: expected %s, got %s\n",
				       what, n, want->ia32[n] ? "in" : "out",
				       got->ia32[n] ? "in" : "out");
			return false;
		}
	}
	return true;
}

/*
 * Writes a set to a cgroup's file as prefixed items ("x86_64:1-3",
 * "ia32:5"), which mean exactly those numbers, in writes of at most about
 * 3000 bytes.
 */
static bool write_set(const char *cg, const char *file,
		      const struct sc_set *set)
{
	char buf[4096];
	size_t len = 0;

	for (int abi = 0; abi < 2; abi++) {
		const unsigned char *bits = abi ? set->ia32 : set->x86_64;

		for (int n = 0; n < SET_MAX; n++) {
			int hi = n;

			if (!bits[n])
				continue;
			while (hi + 1 < SET_MAX && bits[hi + 1])
				hi++;
			len += snprintf(buf + len, sizeof(buf) - len,
					"%s%s:%d-%d", len ? "," : "",
					abi ? "ia32" : "x86_64", n, hi);
			n = hi;
			if (len > 3000) {
				if (!write_is(cg, file, buf, 0))
					return false;
				len = 0;
			}
		}
	}
	return len ? write_is(cg, file, buf, 0) : true;
}

/* Removes the always allowed calls from a set. */
static void drop_always_allowed(struct sc_set *set)
{
	for (size_t i = 0; i < ARRAY_SIZE(always_x86_64); i++)
		set->x86_64[always_x86_64[i]] = 0;
	for (size_t i = 0; i < ARRAY_SIZE(always_ia32); i++)
		set->ia32[always_ia32[i]] = 0;
}

/*
 * The calls that can leave a restart behind (poll, nanosleep, futex,
 * clock_nanosleep and their ia32 time64 forms) and restart_syscall, which
 * continues them: x86_64 219, ia32 0.
 */
static const int restartable_x86_64[] = { 7, 35, 202, 230 };
static const int restartable_ia32[] = { 162, 168, 240, 267, 407, 422 };

/*
 * The effective set of rules `set`: where a restartable call is denied,
 * restart_syscall is denied too, in every ABI.
 */
static void add_restart_rule(struct sc_set *set)
{
	bool any = false;

	for (size_t i = 0; i < ARRAY_SIZE(restartable_x86_64); i++)
		any |= set->x86_64[restartable_x86_64[i]];
	for (size_t i = 0; i < ARRAY_SIZE(restartable_ia32); i++)
		any |= set->ia32[restartable_ia32[i]];
	if (any) {
		set->x86_64[219] = 1;
		set->ia32[0] = 1;
	}
}

/* What a read of `all` prints: every call but the always allowed. */
static const char *all_text(void)
{
	static char buf[256];

	snprintf(buf, sizeof(buf),
		 "0-14,16-59,61-230,232-%d ia32:0,ia32:2-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 nr_x86_64 - 1, nr_ia32 - 1);
	return buf;
}

/* What a read of `ia32:all` prints. */
static const char *ia32_all_text(void)
{
	static char buf[256];

	/* ia32 poll and the sleeps are in: restart_syscall (219) follows. */
	snprintf(buf, sizeof(buf),
		 "219 ia32:0,ia32:2-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 nr_ia32 - 1);
	return buf;
}

/* What syscalls.allow prints when nothing is denied. */
static const char *everything_text(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "0-%d ia32:0-%d", nr_x86_64 - 1,
		 nr_ia32 - 1);
	return buf;
}

/*
 * The size of an ABI's table: the smallest number that a write of
 * "PREFIX:N" rejects with ERANGE, all smaller ones being accepted. -1 if the
 * writes do not behave that way.
 */
static int probe_table_size(const char *cg, const char *prefix)
{
	int lo = 0, hi = 1 << 16;
	char text[64];

	snprintf(text, sizeof(text), "%s:%d", prefix, lo);
	if (sc_write(cg, "syscalls.deny", text))
		return -1;
	snprintf(text, sizeof(text), "%s:%d", prefix, hi);
	if (sc_write(cg, "syscalls.deny", text) != -ERANGE)
		return -1;
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;
		int err;

		snprintf(text, sizeof(text), "%s:%d", prefix, mid);
		err = sc_write(cg, "syscalls.deny", text);
		if (err == 0)
			lo = mid;
		else if (err == -ERANGE)
			hi = mid;
		else
			return -1;
	}
	return hi;
}

static void probe_table_sizes(void)
{
	const char *cg = TEST_PREFIX "probe";
	int n64, n32;

	if (sc_mkdir(cg))
		return;
	n64 = probe_table_size(cg, "x86_64");
	n32 = probe_table_size(cg, "ia32");
	destroy(cg);
	if (n64 > 300 && n64 <= SET_MAX && n32 > 300 && n32 <= SET_MAX) {
		nr_x86_64 = n64;
		nr_ia32 = n32;
	} else {
		ksft_print_msg("table sizes not found by probing (x86_64 %d, ia32 %d): assuming %d and %d\n",
			       n64, n32, nr_x86_64, nr_ia32);
	}
	ksft_print_msg("table sizes: x86_64 %d, ia32 %d\n", nr_x86_64, nr_ia32);
}

/* ---- The files ---- */

static int test_mount_works(void)
{
	char line[1024], dev[256], dir[256], type[64], opts[512];
	bool found = false;
	struct statfs sfs;
	FILE *f;
	int err;

	err = sc_mount();
	if (err) {
		ksft_print_msg("mount -t cgroup -o syscalls: expected success, got %s\n",
			       errname(err));
		return KSFT_FAIL;
	}
	if (statfs(SC_ROOT, &sfs)) {
		ksft_print_msg("statfs %s: %s\n", SC_ROOT, strerror(errno));
		return KSFT_FAIL;
	}
	if (sfs.f_type != CGROUP_SUPER_MAGIC) {
		ksft_print_msg("%s: expected a cgroup v1 file system (%#x), got %#lx\n",
			       SC_ROOT, CGROUP_SUPER_MAGIC, (long)sfs.f_type);
		return KSFT_FAIL;
	}
	f = fopen("/proc/self/mounts", "r");
	if (!f) {
		ksft_perror("/proc/self/mounts");
		return KSFT_FAIL;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %255s %63s %511s", dev, dir, type, opts) != 4)
			continue;
		if (!strcmp(dir, SC_ROOT) && !strcmp(type, "cgroup") &&
		    strstr(opts, "syscalls"))
			found = true;
	}
	fclose(f);
	if (!found) {
		ksft_print_msg("/proc/self/mounts: expected a cgroup mount with option syscalls at %s, found none\n",
			       SC_ROOT);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* The syscalls line of /proc/cgroups: hierarchy, cgroups, enabled. */
static bool proc_cgroups(int *hierarchy, int *num, int *enabled)
{
	char line[256], name[64];
	bool found = false;
	FILE *f;

	f = fopen("/proc/cgroups", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %d %d %d", name, hierarchy, num,
			   enabled) == 4 && !strcmp(name, "syscalls")) {
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

static int test_proc_cgroups_lists_syscalls(void)
{
	int hierarchy, num, enabled;

	if (!proc_cgroups(&hierarchy, &num, &enabled)) {
		ksft_print_msg("/proc/cgroups: expected a line for syscalls, found none\n");
		return KSFT_FAIL;
	}
	if (hierarchy == 0 || num < 1 || enabled != 1) {
		ksft_print_msg("/proc/cgroups: syscalls: expected a mounted, enabled hierarchy, got hierarchy %d, %d cgroups, enabled %d\n",
			       hierarchy, num, enabled);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static int test_every_cgroup_has_allow_and_deny(void)
{
	const char *cgs[] = { "", TEST_PREFIX "files", TEST_PREFIX "files/child" };
	int ret = KSFT_FAIL;

	if (!make(cgs[1]) || !make(cgs[2]))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(cgs); i++) {
		for (int f = 0; f < 2; f++) {
			const char *file = f ? "syscalls.deny" : "syscalls.allow";
			char path[4096];
			struct stat st;

			if (stat(sc_path(path, sizeof(path), cgs[i], file), &st)) {
				ksft_print_msg("%s: expected a file, got %s\n",
					       path, strerror(errno));
				goto cleanup;
			}
			if (!S_ISREG(st.st_mode) || (st.st_mode & 0777) != 0644) {
				ksft_print_msg("%s: expected a regular file of mode 0644, got mode %o\n",
					       path, st.st_mode);
				goto cleanup;
			}
		}
		if (!denies(cgs[i], "") ||
		    !reads(cgs[i], "syscalls.allow", everything_text()))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	destroy(cgs[1]);
	reset_root();
	return ret;
}

/* ---- The write grammar and the read format ---- */

/*
 * Writes each of a list of texts to syscalls.deny of a fresh cgroup and
 * checks what it reads as. Cases are pairs: the write, the read.
 */
static int check_reads(const char *const cases[][2], size_t n)
{
	const char *cg = TEST_PREFIX "grammar";
	int ret = KSFT_FAIL;

	for (size_t i = 0; i < n; i++) {
		destroy(cg);
		if (!make(cg))
			goto cleanup;
		if (!deny_ok(cg, cases[i][0]) || !denies(cg, cases[i][1]))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
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
		{ "ia32:0", "ia32:0" },
		/* A hole is a number like any other. */
		{ "ia32:222", "ia32:222" },
	};

	return check_reads(cases, ARRAY_SIZE(cases));
}

static int test_ia32_range(void)
{
	static const char *const cases[][2] = {
		/* ia32 1 is exit, always allowed. */
		{ "ia32:0-10", "ia32:0,ia32:2-10" },
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

	/* poll and the sleeps are in: ia32 restart_syscall (0) follows. */
	snprintf(want, sizeof(want), "x86_64:0-14,x86_64:16-59,x86_64:61-230,x86_64:232-%d ia32:0",
		 nr_x86_64 - 1);
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

static int test_reads_list_x86_64_first_then_ia32(void)
{
	const char *cg = TEST_PREFIX "format";
	int ret = KSFT_FAIL;

	if (!make(cg))
		goto cleanup;
	/* Written ia32 first, in several writes, out of order. */
	if (!deny_ok(cg, "ia32:39") || !deny_ok(cg, "ia32:3-6") ||
	    !deny_ok(cg, "83") || !deny_ok(cg, "3") || !deny_ok(cg, "0-2"))
		goto cleanup;
	if (!denies(cg, "0-3,83 ia32:3-6,ia32:39"))
		goto cleanup;
	/* Adjacent runs merge; 4 is stat, ia32 106. */
	if (!deny_ok(cg, "4") || !denies(cg, "0-4,83 ia32:3-6,ia32:39,ia32:106"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
	return ret;
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

	if (!make(cg))
		goto cleanup;
	if (!deny_ok(cg, "0-3,83") || !allow_ok(cg, "1") ||
	    !denies(cg, "0,2-3,83 ia32:3,ia32:5-6,ia32:39"))
		goto cleanup;
	/* An ia32 allow leaves the x86_64 namesake denied. */
	if (!allow_ok(cg, "ia32:39") ||
	    !denies(cg, "x86_64:0,x86_64:2-3,x86_64:83 ia32:3,ia32:5-6"))
		goto cleanup;
	/* Allowing what is not denied is fine. */
	if (!allow_ok(cg, "getpid") ||
	    !denies(cg, "x86_64:0,x86_64:2-3,x86_64:83 ia32:3,ia32:5-6"))
		goto cleanup;
	if (!allow_ok(cg, "all") || !denies(cg, ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
	return ret;
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
	struct sc_set set;
	int ret = KSFT_FAIL;

	if (!make(cg) || !make(child))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(noops); i++) {
		if (!deny_ok(cg, noops[i]) || !denies(cg, ""))
			goto cleanup;
	}
	/* Ranges and all skip them. */
	if (!deny_ok(cg, "0-99 ia32:0-199 ia32:250-260") ||
	    !read_set(cg, "syscalls.deny", &set))
		goto cleanup;
	for (int pass = 0; pass < 2; pass++) {
		if (!set.x86_64[14] || !set.x86_64[16] || !set.x86_64[61] ||
		    !set.ia32[0] || !set.ia32[2] || !set.ia32[253]) {
			ksft_print_msg("%s: expected the neighbours of the always allowed calls denied, they are not\n",
				       pass ? "all" : "ranges");
			goto cleanup;
		}
		for (size_t i = 0; i < ARRAY_SIZE(always_x86_64); i++) {
			if (set.x86_64[always_x86_64[i]]) {
				ksft_print_msg("x86_64 %d: expected never denied, read as denied\n",
					       always_x86_64[i]);
				goto cleanup;
			}
		}
		for (size_t i = 0; i < ARRAY_SIZE(always_ia32); i++) {
			if (set.ia32[always_ia32[i]]) {
				ksft_print_msg("ia32 %d: expected never denied, read as denied\n",
					       always_ia32[i]);
				goto cleanup;
			}
		}
		if (pass == 0 && (!deny_ok(cg, "all") ||
				  !read_set(cg, "syscalls.deny", &set)))
			goto cleanup;
	}
	/* What allow reads under `all` is exactly them. */
	if (!reads(cg, "syscalls.allow", "15,60,231 ia32:1,ia32:119,ia32:173,ia32:252"))
		goto cleanup;
	/* A child may allow them under a parent that denies all. */
	if (!allow_ok(child, "exit exit_group rt_sigreturn sigreturn 60 ia32:1") ||
	    !denies(child, all_text()))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
	return ret;
}

static int test_empty_set_reads_as_an_empty_line(void)
{
	const char *cg = TEST_PREFIX "empty";
	int ret = KSFT_FAIL;
	char buf[256];
	ssize_t n;

	if (!make(cg))
		goto cleanup;
	for (int pass = 0; pass < 2; pass++) {
		n = sc_read_raw(cg, "syscalls.deny", buf, sizeof(buf));
		if (n != 1 || buf[0] != '\n') {
			ksft_print_msg("%s deny: expected '\\n', read %zd bytes '%s'\n",
				       pass ? "emptied" : "fresh", n,
				       n >= 0 ? shown(buf) : errname(n));
			goto cleanup;
		}
		if (pass == 0 && (!deny_ok(cg, "0-3,83") || !allow_ok(cg, "0-3,83")))
			goto cleanup;
	}
	/* A set with items reads as one line too. */
	if (!deny_ok(cg, "all"))
		goto cleanup;
	n = sc_read_raw(cg, "syscalls.allow", buf, sizeof(buf));
	if (n < 2 || buf[n - 1] != '\n' || strchr(buf, '\n') != buf + n - 1) {
		ksft_print_msg("allow: expected one line ending in a newline, read '%s'\n",
			       n >= 0 ? shown(buf) : errname(n));
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
	return ret;
}

static int test_blank_write_changes_nothing(void)
{
	static const char *const blanks[] = { "", " ", "\n", "\t", " \t\n \n" };
	const char *cg = TEST_PREFIX "blank";
	int ret = KSFT_FAIL;

	if (!make(cg))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(blanks); i++) {
		if (!deny_ok(cg, blanks[i]) || !denies(cg, ""))
			goto cleanup;
	}
	if (!deny_ok(cg, "83"))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(blanks); i++) {
		if (!deny_ok(cg, blanks[i]) || !allow_ok(cg, blanks[i]) ||
		    !denies(cg, "83 ia32:39"))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
	return ret;
}

/* A small deterministic generator, so that failures can be replayed. */
static uint32_t rng_state = 12345;

static uint32_t rng(void)
{
	rng_state = rng_state * 1103515245 + 12345;
	return rng_state >> 8;
}

/* A random set of prefixed items: runs and single numbers of each ABI. */
static void random_set(struct sc_set *set, int runs)
{
	memset(set, 0, sizeof(*set));
	for (int i = 0; i < runs; i++) {
		int abi = rng() % 2, size = abi ? nr_ia32 : nr_x86_64;
		int lo = rng() % size, len = rng() % 4 ? 0 : rng() % 20;

		for (int n = lo; n <= lo + len && n < size; n++)
			(abi ? set->ia32 : set->x86_64)[n] = 1;
	}
}

/*
 * Reads src's deny, writes it in one write to a fresh cgroup's deny and
 * checks that it reads the same there.
 */
/*
 * Writes a read of syscalls.deny back to dst's deny. Writes stop at a page;
 * only contrived sets (alternating numbers whose x86_64 items must carry
 * their prefix) read longer, and such a read goes back in pieces cut
 * between items: deny joins sets, so the result is the same.
 */
static bool write_back(const char *dst, const char *text)
{
	size_t len = strlen(text), start = 0;
	char piece[4096];

	while (start < len) {
		size_t end = len;

		if (end - start >= sizeof(piece)) {
			end = start + sizeof(piece) - 1;
			while (end > start && text[end] != ',' && text[end] != ' ')
				end--;
		}
		memcpy(piece, text + start, end - start);
		piece[end - start] = '\0';
		if (!write_is(dst, "syscalls.deny", piece, 0))
			return false;
		start = end + 1;
	}
	return true;
}

static bool writes_back(const char *src, const char *dst)
{
	char text[16384];
	ssize_t n;

	destroy(dst);
	if (!make(dst))
		return false;
	n = sc_read(src, "syscalls.deny", text, sizeof(text));
	if (n < 0) {
		ksft_print_msg("read %s/syscalls.deny: %s\n", src, errname(n));
		return false;
	}
	if (!write_back(dst, text))
		return false;
	return denies(dst, text);
}

static int test_what_is_read_writes_back_to_the_same_set(void)
{
	static const char *const sources[] = {
		"83", "x86_64:83", "ia32:39", "0-3,83", "all", "ia32:all",
		"x86_64:all", "x86_64:0-10 ia32:5", "socketcall", "336-423",
		"x86_64:1 3 5 ia32:100-120", "mkdir getpid ia32:all",
		"accept 158 ia32:0", "",
	};
	const char *a = TEST_PREFIX "rt_a", *b = TEST_PREFIX "rt_b";
	struct sc_set want, got;
	int ret = KSFT_FAIL;

	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		destroy(a);
		if (!make(a) || !deny_ok(a, sources[i]) || !writes_back(a, b))
			goto cleanup;
	}
	/* Random sets of prefixed items: they read as written (with the
	 * restart rule), and back. */
	for (int i = 0; i < 40; i++) {
		destroy(a);
		random_set(&want, 1 + rng() % 60);
		if (!make(a) || !write_set(a, "syscalls.deny", &want))
			goto cleanup;
		drop_always_allowed(&want);
		add_restart_rule(&want);
		if (!read_set(a, "syscalls.deny", &got) ||
		    !same_set(&got, &want, "a random set read back"))
			goto cleanup;
		/* Some bare numbers on top, with their namesakes. */
		if (i % 2) {
			char text[64];

			snprintf(text, sizeof(text), "%u,%u-%u", rng() % nr_x86_64,
				 rng() % 200, 200 + rng() % 50);
			if (!deny_ok(a, text))
				goto cleanup;
		}
		if (!writes_back(a, b)) {
			ksft_print_msg("(random set %d)\n", i);
			goto cleanup;
		}
	}
	ret = KSFT_PASS;
cleanup:
	destroy(a);
	destroy(b);
	reset_root();
	return ret;
}

/*
 * The longest reads: every other x86_64 number behind its prefix (no ia32
 * namesakes), and every other ia32 number; 4486 bytes on 6.12, more than a
 * page.
 */
static void longest_set(struct sc_set *set)
{
	memset(set, 0, sizeof(*set));
	for (int i = 0; i < nr_x86_64; i += 2)
		set->x86_64[i] = 1;
	for (int i = 1; i < nr_ia32; i += 2)
		set->ia32[i] = 1;
}

static int test_read_longer_than_a_page(void)
{
	const char *cg = TEST_PREFIX "long_read";
	struct sc_set want, got;
	char text[16384];
	int ret = KSFT_FAIL;
	ssize_t n;

	longest_set(&want);
	if (!make(cg) || !write_set(cg, "syscalls.deny", &want))
		goto cleanup;
	drop_always_allowed(&want);
	add_restart_rule(&want);
	n = sc_read(cg, "syscalls.deny", text, sizeof(text));
	if (n < 0) {
		ksft_print_msg("read of %s/syscalls.deny: expected success, got %s\n",
			       cg, errname(n));
		goto cleanup;
	}
	ksft_print_msg("the read is %zd bytes long\n", n + 1);
	if (!parse_read(text, &got) || !same_set(&got, &want, "the long read"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
	return ret;
}

static int test_the_longest_read_writes_back(void)
{
	const char *a = TEST_PREFIX "long_a", *b = TEST_PREFIX "long_b";
	struct sc_set set;
	int ret = KSFT_FAIL;

	longest_set(&set);
	if (!make(a) || !write_set(a, "syscalls.deny", &set))
		goto cleanup;
	if (!writes_back(a, b))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(a);
	destroy(b);
	reset_root();
	return ret;
}

/* Checks that allow lists exactly what deny does not, within the tables. */
static bool allow_is_the_complement(const char *cg)
{
	struct sc_set deny, allow;

	if (!read_set(cg, "syscalls.deny", &deny) ||
	    !read_set(cg, "syscalls.allow", &allow))
		return false;
	for (int n = 0; n < nr_x86_64; n++) {
		if (deny.x86_64[n] == allow.x86_64[n]) {
			ksft_print_msg("x86_64 %d: expected in exactly one of deny and allow, is in %s\n",
				       n, deny.x86_64[n] ? "both" : "neither");
			return false;
		}
	}
	for (int n = 0; n < nr_ia32; n++) {
		if (deny.ia32[n] == allow.ia32[n]) {
			ksft_print_msg("ia32 %d: expected in exactly one of deny and allow, is in %s\n",
				       n, deny.ia32[n] ? "both" : "neither");
			return false;
		}
	}
	return true;
}

static int test_allow_reads_as_the_complement(void)
{
	static const char *const sources[] = {
		"", "83", "0-3,83", "x86_64:83", "ia32:all", "x86_64:all", "all",
	};
	const char *cg = TEST_PREFIX "complement";
	char want[256];
	struct sc_set set;
	int ret = KSFT_FAIL;

	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		destroy(cg);
		if (!make(cg) || !deny_ok(cg, sources[i]) ||
		    !allow_is_the_complement(cg)) {
			ksft_print_msg("(after deny '%s')\n", sources[i]);
			goto cleanup;
		}
	}
	for (int i = 0; i < 10; i++) {
		destroy(cg);
		random_set(&set, 1 + rng() % 40);
		if (!make(cg) || !write_set(cg, "syscalls.deny", &set) ||
		    !allow_is_the_complement(cg))
			goto cleanup;
	}
	/* Two exact reads. */
	destroy(cg);
	if (!make(cg) || !reads(cg, "syscalls.allow", everything_text()))
		goto cleanup;
	snprintf(want, sizeof(want), "0-82,84-%d ia32:0-38,ia32:40-%d",
		 nr_x86_64 - 1, nr_ia32 - 1);
	if (!deny_ok(cg, "mkdir") || !reads(cg, "syscalls.allow", want))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
	return ret;
}

static int test_root_takes_rules_too(void)
{
	const char *child = TEST_PREFIX "rootchild";
	int ret = KSFT_FAIL;

	if (!make(child))
		goto cleanup;
	/* Nothing this 64-bit test needs: the ia32 ABI only. */
	if (!deny_ok("", "ia32:all") || !denies("", ia32_all_text()) ||
	    !denies(child, ia32_all_text()))
		goto cleanup;
	/* The root has no parent: its allow is never refused. */
	if (!allow_ok("", "ia32:all") || !denies("", "") || !denies(child, ""))
		goto cleanup;
	if (!allow_ok("", "all"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(child);
	reset_root();
	return ret;
}

/* ---- The hierarchy ---- */

static int test_new_cgroup_inherits_the_parent_effective_set(void)
{
	const char *p = TEST_PREFIX "inherit", *c = TEST_PREFIX "inherit/c",
		   *g = TEST_PREFIX "inherit/c/g";
	int ret = KSFT_FAIL;

	if (!make(p) || !deny_ok(p, "83 ia32:100") || !make(c) || !make(g))
		goto cleanup;
	if (!denies(c, "83 ia32:39,ia32:100") || !denies(g, "83 ia32:39,ia32:100"))
		goto cleanup;
	/* It inherits the effective set, not rules of its own. */
	if (!allow_ok(p, "mkdir") || !denies(c, "ia32:100") ||
	    !denies(g, "ia32:100"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(p);
	reset_root();
	return ret;
}

static int test_parent_deny_reaches_existing_descendants(void)
{
	static const char *const below[] = {
		TEST_PREFIX "reach/a", TEST_PREFIX "reach/a/b",
		TEST_PREFIX "reach/a/b/c", TEST_PREFIX "reach/d",
	};
	const char *p = TEST_PREFIX "reach";
	int ret = KSFT_FAIL;

	if (!make(p))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(below); i++) {
		if (!make(below[i]))
			goto cleanup;
	}
	if (!deny_ok(below[3], "getpid") || !deny_ok(p, "mkdir"))
		goto cleanup;
	if (!denies(p, "83 ia32:39") || !denies(below[0], "83 ia32:39") ||
	    !denies(below[1], "83 ia32:39") || !denies(below[2], "83 ia32:39") ||
	    !denies(below[3], "39,83 ia32:20,ia32:39"))
		goto cleanup;
	/* The root and its other children are untouched. */
	if (!denies("", ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(p);
	reset_root();
	return ret;
}

static int test_parent_deny_reaches_later_descendants(void)
{
	const char *p = TEST_PREFIX "later", *c = TEST_PREFIX "later/c",
		   *g = TEST_PREFIX "later/c/g";
	int ret = KSFT_FAIL;

	if (!make(p) || !make(c) || !deny_ok(p, "mkdir") || !make(g))
		goto cleanup;
	if (!denies(g, "83 ia32:39"))
		goto cleanup;
	/* A later deny reaches the grandchild made after the first. */
	if (!deny_ok(p, "ia32:socketcall") || !denies(g, "83 ia32:39,ia32:102"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(p);
	reset_root();
	return ret;
}

static int test_child_allow_of_an_ancestor_denied_call_fails_with_eperm(void)
{
	static const char *const refused[] = {
		"mkdir", "83", "ia32:39", "ia32:mkdir", "x86_64:83", "all",
		"ia32:all", "x86_64:all", "0-100", "getpid mkdir",
	};
	const char *p = TEST_PREFIX "eperm", *c = TEST_PREFIX "eperm/c",
		   *g = TEST_PREFIX "eperm/c/g";
	int ret = KSFT_FAIL;

	if (!make(p) || !make(c) || !make(g) || !deny_ok(p, "mkdir") ||
	    !deny_ok(c, "getpid"))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		if (!write_is(c, "syscalls.allow", refused[i], -EPERM) ||
		    !write_is(g, "syscalls.allow", refused[i], -EPERM))
			goto cleanup;
		/* Nothing changed, getpid included. */
		if (!denies(c, "39,83 ia32:20,ia32:39") ||
		    !denies(g, "39,83 ia32:20,ia32:39"))
			goto cleanup;
	}
	/* What the ancestors do not deny, a child may allow. */
	if (!allow_ok(c, "getpid") || !denies(c, "83 ia32:39") ||
	    !denies(g, "83 ia32:39"))
		goto cleanup;
	/* The grandchild is refused what its grandparent denies. */
	if (!write_is(g, "syscalls.allow", "83", -EPERM))
		goto cleanup;
	/* Once the parent allows, the child may. */
	if (!allow_ok(p, "all") || !allow_ok(c, "all") || !allow_ok(g, "all") ||
	    !denies(g, ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(p);
	reset_root();
	return ret;
}

static int test_reallow_at_an_ancestor_reopens_descendants(void)
{
	const char *p = TEST_PREFIX "reopen", *b = TEST_PREFIX "reopen/b",
		   *c = TEST_PREFIX "reopen/c", *g = TEST_PREFIX "reopen/c/g",
		   *h = TEST_PREFIX "reopen/b/h";
	int ret = KSFT_FAIL;

	if (!make(p) || !deny_ok(p, "mkdir getpid") || !make(b) ||
	    !make(c) || !make(g) || !make(h))
		goto cleanup;
	/* b denies mkdir itself, though its parent already does. */
	if (!deny_ok(b, "mkdir"))
		goto cleanup;
	if (!allow_ok(p, "mkdir"))
		goto cleanup;
	if (!denies(p, "39 ia32:20") || !denies(c, "39 ia32:20") ||
	    !denies(g, "39 ia32:20"))
		goto cleanup;
	/* Not those that denied it themselves, nor their descendants. */
	if (!denies(b, "39,83 ia32:20,ia32:39") ||
	    !denies(h, "39,83 ia32:20,ia32:39"))
		goto cleanup;
	if (!allow_ok(p, "getpid") || !denies(c, "") || !denies(g, "") ||
	    !denies(b, "83 ia32:39"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(p);
	reset_root();
	return ret;
}

#define DEPTH 32

static int test_deep_chain_reads_the_same_at_every_level(void)
{
	char *levels[DEPTH] = { NULL }, top_read[16384], want[16384];
	int ret = KSFT_FAIL;
	ssize_t n;

	levels[0] = strdup(TEST_PREFIX "deep");
	for (int i = 1; i < DEPTH && levels[i - 1]; i++) {
		if (asprintf(&levels[i], "%s/l%d", levels[i - 1], i + 1) < 0)
			levels[i] = NULL;
	}
	for (int i = 0; i < DEPTH; i++) {
		if (!levels[i] || !make(levels[i]))
			goto cleanup;
	}
	if (!deny_ok(levels[0], "mkdir getpid ia32:all"))
		goto cleanup;
	snprintf(want, sizeof(want),
		 "39,83,219 ia32:0,ia32:2-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 nr_ia32 - 1);
	n = sc_read(levels[0], "syscalls.deny", top_read, sizeof(top_read));
	if (n < 0 || strcmp(top_read, want)) {
		ksft_print_msg("top: expected '%s', read '%s'\n", want,
			       n < 0 ? errname(n) : top_read);
		goto cleanup;
	}
	for (int i = 1; i < DEPTH; i++) {
		if (!denies(levels[i], top_read))
			goto cleanup;
	}
	/* A rule at the bottom stays at the bottom. */
	if (!deny_ok(levels[DEPTH - 1], "x86_64:0") ||
	    !denies(levels[DEPTH - 2], top_read))
		goto cleanup;
	snprintf(want, sizeof(want),
		 "0,39,83,219 ia32:0,ia32:2-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 nr_ia32 - 1);
	if (!denies(levels[DEPTH - 1], want))
		goto cleanup;
	/* An allow at the top reaches the bottom. */
	if (!allow_ok(levels[0], "mkdir"))
		goto cleanup;
	snprintf(want, sizeof(want),
		 "39,219 ia32:0,ia32:2-38,ia32:40-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 nr_ia32 - 1);
	for (int i = 0; i < DEPTH - 1; i++) {
		if (!denies(levels[i], want))
			goto cleanup;
	}
	snprintf(want, sizeof(want),
		 "0,39,219 ia32:0,ia32:2-38,ia32:40-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 nr_ia32 - 1);
	if (!denies(levels[DEPTH - 1], want))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(TEST_PREFIX "deep");
	for (int i = 0; i < DEPTH; i++)
		free(levels[i]);
	reset_root();
	return ret;
}

/* ---- Bad input ---- */

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

	if (!make(BAD_CG) || !make(BAD_CHILD) || !deny_ok(BAD_CG, "0-3"))
		goto cleanup;
	for (size_t i = 0; i < n; i++) {
		for (int f = 0; f < 2; f++) {
			const char *file = f ? "syscalls.allow" : "syscalls.deny";
			int got = sc_write(BAD_CG, file, texts[i]);

			if (got != want) {
				ksft_print_msg("write '%s' to %s: expected %s, got %s\n",
					       shown(texts[i]), file,
					       errname(want), errname(got));
				goto cleanup;
			}
			if (!denies(BAD_CG, BAD_STATE) ||
			    !denies(BAD_CHILD, BAD_STATE)) {
				ksft_print_msg("(after write '%s' to %s)\n",
					       shown(texts[i]), file);
				goto cleanup;
			}
		}
	}
	ret = KSFT_PASS;
cleanup:
	destroy(BAD_CG);
	reset_root();
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
	const char *cg = TEST_PREFIX "edge";
	int ret;

	snprintf(t[0], sizeof(t[0]), "%d", nr_x86_64);
	snprintf(t[1], sizeof(t[1]), "ia32:%d", nr_ia32);
	snprintf(t[2], sizeof(t[2]), "x86_64:%d", nr_x86_64);
	snprintf(t[3], sizeof(t[3]), "0-%d", nr_x86_64);
	snprintf(t[4], sizeof(t[4]), "ia32:0-%d", nr_ia32);
	snprintf(t[5], sizeof(t[5]), "%d-%d", nr_x86_64, nr_x86_64 + 1);
	snprintf(t[6], sizeof(t[6]), "ia32:%d-%d", nr_ia32 + 5, nr_ia32 + 9);
	snprintf(t[7], sizeof(t[7]), "%d", nr_x86_64 + 1);
	if (nr_x86_64 != 463 || nr_ia32 != 463)
		ksft_print_msg("note: table sizes %d and %d (463 and 463 on 6.12)\n",
			       nr_x86_64, nr_ia32);
	ret = check_bad_writes(texts, ARRAY_SIZE(texts), -ERANGE);
	if (ret != KSFT_PASS)
		return ret;

	/* The last number of each table is fine. */
	ret = KSFT_FAIL;
	if (!make(cg))
		goto cleanup;
	snprintf(t[0], sizeof(t[0]), "x86_64:%d ia32:%d", nr_x86_64 - 1,
		 nr_ia32 - 1);
	/* mseal, the last call of both tables on 6.12, reads bare. */
	snprintf(t[1], sizeof(t[1]), "%d ia32:%d", nr_x86_64 - 1,
		 nr_ia32 - 1);
	if (!deny_ok(cg, t[0]) || !denies(cg, t[1]))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
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

static int test_good_item_then_bad_item_changes_nothing(void)
{
	static const char *const einval[] = {
		"84 abc", "84,5-3", "mkdir,,", "all foo:1", "ia32:all x",
		"84 ia32:39 1,",
	};
	static const char *const erange[] = {
		"84 463", "all 99999", "mkdir ia32:463", "84,99999999999999999999999",
	};
	const char *p = TEST_PREFIX "atomic", *c = TEST_PREFIX "atomic/c";
	int ret;

	ret = check_bad_writes(einval, ARRAY_SIZE(einval), -EINVAL);
	if (ret != KSFT_PASS)
		return ret;
	ret = check_bad_writes(erange, ARRAY_SIZE(erange), -ERANGE);
	if (ret != KSFT_PASS)
		return ret;

	/* An allow refused for one call leaves the others denied. */
	ret = KSFT_FAIL;
	if (!make(p) || !make(c) || !deny_ok(p, "mkdir") || !deny_ok(c, "84"))
		goto cleanup;
	if (!write_is(c, "syscalls.allow", "84 83", -EPERM) ||
	    !write_is(c, "syscalls.allow", "84,ia32:39", -EPERM) ||
	    !denies(c, "83-84 ia32:39-40"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(p);
	reset_root();
	return ret;
}

static int test_first_bad_item_decides_the_errno(void)
{
	static const struct {
		const char *text;
		int err;
	} cases[] = {
		{ "abc 99999", -EINVAL }, { "99999 abc", -ERANGE },
		{ "1 abc 99999", -EINVAL }, { "5-3,463", -EINVAL },
		{ "463,5-3", -ERANGE }, { "foo:1 463", -EINVAL },
		{ "ia32:463 foo:1", -ERANGE }, { "1,,463", -EINVAL },
		{ "463,,1", -ERANGE },
	};
	int ret = KSFT_FAIL;

	for (size_t i = 0; i < ARRAY_SIZE(cases); i++) {
		const char *texts[] = { cases[i].text };

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

	if (!make(p) || !make(c) || !deny_ok(p, "mkdir"))
		goto cleanup;
	if (!write_is(c, "syscalls.allow", "83 abc", -EINVAL) ||
	    !write_is(c, "syscalls.allow", "mkdir 463", -ERANGE) ||
	    !write_is(c, "syscalls.allow", "all,", -EINVAL) ||
	    !denies(c, "83 ia32:39"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(p);
	reset_root();
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

	if (!text || page != 4096)
		goto cleanup;
	if (!make(cg) || !deny_ok(cg, "83"))
		goto cleanup;
	for (int f = 0; f < 2; f++) {
		const char *file = f ? "syscalls.allow" : "syscalls.deny";

		err = sc_write(cg, file, text);
		if (err != -E2BIG && err != -EINVAL) {
			ksft_print_msg("write of 8192 bytes to %s: expected E2BIG or EINVAL, got %s\n",
				       file, errname(err));
			goto cleanup;
		}
		if (!denies(cg, "83 ia32:39"))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	free(text);
	destroy(cg);
	reset_root();
	return ret;
}

static int test_write_of_a_page_succeeds(void)
{
	const char *cg = TEST_PREFIX "page";
	char *text = repeated_items(2048);
	int ret = KSFT_FAIL;

	if (!text || !make(cg))
		goto cleanup;
	if (!deny_ok(cg, text) || !denies(cg, "1 ia32:4"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	free(text);
	destroy(cg);
	reset_root();
	return ret;
}

/* ---- Permissions ---- */

/* Drops a capability from the effective, permitted and inheritable sets. */
static int drop_capability(int cap)
{
	struct __user_cap_header_struct hdr = {
		.version = _LINUX_CAPABILITY_VERSION_3,
		.pid = 0,
	};
	struct __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3];

	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	data[CAP_TO_INDEX(cap)].effective &= ~CAP_TO_MASK(cap);
	data[CAP_TO_INDEX(cap)].permitted &= ~CAP_TO_MASK(cap);
	data[CAP_TO_INDEX(cap)].inheritable &= ~CAP_TO_MASK(cap);
	if (syscall(SYS_capset, &hdr, data))
		return -errno;
	if (syscall(SYS_capget, &hdr, data))
		return -errno;
	if (data[CAP_TO_INDEX(cap)].effective & CAP_TO_MASK(cap))
		return -EIO;
	return 0;
}

/* Waits for a child and turns its exit status into a test result. */
static int child_result(pid_t pid)
{
	int status;

	if (waitpid(pid, &status, 0) != pid) {
		ksft_perror("waitpid");
		return KSFT_FAIL;
	}
	if (!WIFEXITED(status)) {
		ksft_print_msg("child died: status %#x\n", status);
		return KSFT_FAIL;
	}
	return WEXITSTATUS(status);
}

static int test_writing_needs_cap_sys_admin(void)
{
	const char *cg = TEST_PREFIX "cap";
	int ret = KSFT_FAIL;
	pid_t pid;

	if (!make(cg) || !deny_ok(cg, "mkdir"))
		goto cleanup;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		goto cleanup;
	if (pid == 0) {
		int err = drop_capability(CAP_SYS_ADMIN);
		bool ok;

		if (err) {
			ksft_print_msg("dropping CAP_SYS_ADMIN: %s\n", errname(err));
			fflush(stdout);
			_exit(KSFT_FAIL);
		}
		if (getuid() != 0 || geteuid() != 0) {
			ksft_print_msg("expected to stay uid 0\n");
			fflush(stdout);
			_exit(KSFT_FAIL);
		}
		ok = write_is(cg, "syscalls.deny", "getpid", -EPERM) &&
		     write_is(cg, "syscalls.allow", "mkdir", -EPERM) &&
		     write_is(cg, "syscalls.allow", "all", -EPERM) &&
		     write_is("", "syscalls.deny", "ia32:all", -EPERM) &&
		     write_is("", "syscalls.allow", "all", -EPERM) &&
		     denies(cg, "83 ia32:39") && denies("", "") &&
		     allow_is_the_complement(cg);
		fflush(stdout);
		fflush(stderr);
		_exit(ok ? KSFT_PASS : KSFT_FAIL);
	}
	ret = child_result(pid);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	if (!denies(cg, "83 ia32:39") || !denies("", ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
	return ret;
}

static int test_cap_sys_admin_of_a_user_namespace_is_not_enough(void)
{
	const char *cg = TEST_PREFIX "userns";
	int ret = KSFT_FAIL;
	pid_t pid;

	if (!make(cg) || !deny_ok(cg, "mkdir"))
		goto cleanup;
	fflush(stdout);
	fflush(stderr);
	pid = fork();
	if (pid < 0)
		goto cleanup;
	if (pid == 0) {
		char path[4096];
		int deny, allow;
		bool ok = true;

		/* Opened before, as root: the open itself is not the test. */
		deny = open(sc_path(path, sizeof(path), cg, "syscalls.deny"), O_WRONLY);
		allow = open(sc_path(path, sizeof(path), cg, "syscalls.allow"), O_WRONLY);
		if (deny < 0 || allow < 0)
			_exit(KSFT_FAIL);
		if (unshare(CLONE_NEWUSER)) {
			ksft_print_msg("unshare(CLONE_NEWUSER): %s\n", strerror(errno));
			fflush(stdout);
			_exit(KSFT_SKIP);
		}
		if (write(deny, "getpid", 6) != -1 || errno != EPERM) {
			ksft_print_msg("deny in a user namespace: expected EPERM, got %s\n",
				       errno == EPERM ? "success" : strerror(errno));
			ok = false;
		}
		if (write(allow, "mkdir", 5) != -1 || errno != EPERM) {
			ksft_print_msg("allow in a user namespace: expected EPERM, got %s\n",
				       errno == EPERM ? "success" : strerror(errno));
			ok = false;
		}
		fflush(stdout);
		_exit(ok ? KSFT_PASS : KSFT_FAIL);
	}
	ret = child_result(pid);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	if (!denies(cg, "83 ia32:39"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(cg);
	reset_root();
	return ret;
}

/* ---- Concurrency ---- */

#define RACE_SECONDS 3
#define RACE_CHILDREN 4
#define RACE_CHURNERS 2
#define RACE_SLOTS 4
#define RACE_PARENT TEST_PREFIX "race"

struct race {
	int stop;
	pthread_mutex_t lock;
	int failures;
	char first[512];
	long ops[8];
	/* Expected errors seen: refused allows, and cgroups gone. */
	long eperm, gone;
	/* What each child's own rules hold at the end: 200 + i or not. */
	bool child_denies[RACE_CHILDREN];
};

static __printf(2, 3) void race_fail(struct race *r, const char *fmt, ...)
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

static bool race_stopped(struct race *r)
{
	return __atomic_load_n(&r->stop, __ATOMIC_RELAXED);
}

/* Whether err is one of the allowed results; records a failure if not. */
static bool race_check(struct race *r, const char *what, const char *cg,
		       int err, int ok1, int ok2, int ok3)
{
	if (err == 0 || err == ok1 || err == ok2 || err == ok3) {
		if (err == -EPERM)
			__atomic_fetch_add(&r->eperm, 1, __ATOMIC_RELAXED);
		else if (err)
			__atomic_fetch_add(&r->gone, 1, __ATOMIC_RELAXED);
		return true;
	}
	race_fail(r, "%s %s: unexpected %s", what, cg, errname(err));
	return false;
}

struct race_arg {
	struct race *r;
	int i;
};

/* The parent's rules come and go; its own parent denies nothing. */
static void *race_parent_writer(void *p)
{
	static const char *const rules[] = {
		"x86_64:100-110 ia32:100-110", "all", "x86_64:201", "mkdir",
		"ia32:all 200-203",
	};
	struct race_arg *a = p;
	long k = 0;

	while (!race_stopped(a->r)) {
		const char *text = rules[k++ % ARRAY_SIZE(rules)];

		race_check(a->r, "parent deny", RACE_PARENT,
			   sc_write(RACE_PARENT, "syscalls.deny", text), 0, 0, 0);
		race_check(a->r, "parent allow", RACE_PARENT,
			   sc_write(RACE_PARENT, "syscalls.allow", text), 0, 0, 0);
		__atomic_fetch_add(&a->r->ops[0], 2, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* A child's own rule comes and goes; its allows may race a parent deny. */
static void *race_child_writer(void *p)
{
	struct race_arg *a = p;
	char cg[64], own[32];
	int err;

	snprintf(cg, sizeof(cg), RACE_PARENT "/c%d", a->i);
	snprintf(own, sizeof(own), "x86_64:%d", 200 + a->i);
	while (!race_stopped(a->r)) {
		err = sc_write(cg, "syscalls.deny", own);
		if (race_check(a->r, "child deny", cg, err, 0, 0, 0))
			a->r->child_denies[a->i] = true;
		err = sc_write(cg, "syscalls.allow", own);
		if (race_check(a->r, "child allow", cg, err, -EPERM, 0, 0) && !err)
			a->r->child_denies[a->i] = false;
		err = sc_write(cg, "syscalls.allow", "ia32:105");
		race_check(a->r, "child allow ia32:105", cg, err, -EPERM, 0, 0);
		__atomic_fetch_add(&a->r->ops[1], 3, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Children of the parent come and go, with rules and a child of their own. */
static void *race_churner(void *p)
{
	struct race_arg *a = p;
	char cg[64], sub[80];
	long k = 0;
	int err;

	while (!race_stopped(a->r)) {
		snprintf(cg, sizeof(cg), RACE_PARENT "/s%d_%ld", a->i,
			 k++ % RACE_SLOTS);
		snprintf(sub, sizeof(sub), "%s/g", cg);
		err = sc_mkdir(cg);
		if (!race_check(a->r, "mkdir", cg, err, 0, 0, 0))
			continue;
		race_check(a->r, "mkdir", sub, sc_mkdir(sub), 0, 0, 0);
		race_check(a->r, "churn deny", sub,
			   sc_write(sub, "syscalls.deny", "getpid"), 0, 0, 0);
		race_check(a->r, "churn allow", sub,
			   sc_write(sub, "syscalls.allow", "getpid"), -EPERM, 0, 0);
		race_check(a->r, "rmdir", sub, sc_rmdir(sub), 0, 0, 0);
		race_check(a->r, "rmdir", cg, sc_rmdir(cg), 0, 0, 0);
		__atomic_fetch_add(&a->r->ops[2], 6, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Writes to and reads the churned cgroups, which may be gone meanwhile. */
static void *race_stray(void *p)
{
	struct race_arg *a = p;
	struct sc_set set;
	char cg[80], buf[16384];
	ssize_t n;

	while (!race_stopped(a->r)) {
		snprintf(cg, sizeof(cg), RACE_PARENT "/s%u_%u%s",
			 (unsigned int)(random() % RACE_CHURNERS),
			 (unsigned int)(random() % RACE_SLOTS),
			 random() % 2 ? "/g" : "");
		race_check(a->r, "stray deny", cg,
			   sc_write(cg, "syscalls.deny", "x86_64:300"),
			   -ENOENT, -ENODEV, 0);
		race_check(a->r, "stray allow", cg,
			   sc_write(cg, "syscalls.allow", "x86_64:300"),
			   -ENOENT, -ENODEV, -EPERM);
		n = sc_read(cg, "syscalls.deny", buf, sizeof(buf));
		if (race_check(a->r, "stray read", cg, n < 0 ? n : 0, -ENOENT,
			       -ENODEV, 0) && n >= 0 && !parse_read(buf, &set))
			race_fail(a->r, "read of %s not in the list format: '%s'",
				  cg, shown(buf));
		__atomic_fetch_add(&a->r->ops[3], 3, __ATOMIC_RELAXED);
	}
	return NULL;
}

/* Reads the stable cgroups: every read must succeed and be well formed. */
static void *race_reader(void *p)
{
	struct race_arg *a = p;
	struct sc_set set;
	char cg[64], buf[16384];
	long k = 0;
	ssize_t n;

	while (!race_stopped(a->r)) {
		int i = k++ % (RACE_CHILDREN + 1);
		const char *file = k % 2 ? "syscalls.deny" : "syscalls.allow";

		if (i == RACE_CHILDREN)
			snprintf(cg, sizeof(cg), RACE_PARENT);
		else
			snprintf(cg, sizeof(cg), RACE_PARENT "/c%d", i);
		n = sc_read(cg, file, buf, sizeof(buf));
		if (n < 0)
			race_fail(a->r, "read %s/%s: %s", cg, file, errname(n));
		else if (!parse_read(buf, &set))
			race_fail(a->r, "read of %s/%s not in the list format: '%s'",
				  cg, file, shown(buf));
		__atomic_fetch_add(&a->r->ops[4], 1, __ATOMIC_RELAXED);
	}
	return NULL;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

/* Lists the subdirectories of a cgroup into buf, space separated, sorted. */
static void list_children(const char *cg, char *buf, size_t len)
{
	char path[4096], names[32][256];
	struct dirent *e;
	size_t n = 0, used = 0;
	DIR *dir;

	buf[0] = '\0';
	dir = opendir(sc_path(path, sizeof(path), cg, NULL));
	if (!dir)
		return;
	while ((e = readdir(dir)) && n < 32) {
		if (e->d_type == DT_DIR && e->d_name[0] != '.')
			snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(names[0]), compare_names);
	for (size_t i = 0; i < n; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? " " : "",
				 names[i]);
}

static int test_concurrent_writers_and_mkdir_rmdir(void)
{
	pthread_t threads[RACE_CHILDREN + RACE_CHURNERS + 3];
	struct race_arg args[RACE_CHILDREN + RACE_CHURNERS + 3];
	struct race r = { .lock = PTHREAD_MUTEX_INITIALIZER };
	struct timespec start, end;
	int nthreads = 0, ret = KSFT_FAIL;
	char cg[64], want[128], list[1024];
	struct sc_set set, wanted;

	if (!make(RACE_PARENT))
		goto cleanup;
	for (int i = 0; i < RACE_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), RACE_PARENT "/c%d", i);
		if (!make(cg))
			goto cleanup;
	}
	srandom(1);
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int i = 0; i < RACE_CHILDREN + RACE_CHURNERS + 3; i++) {
		void *(*fn)(void *);

		args[i].r = &r;
		if (i == 0) {
			fn = race_parent_writer;
			args[i].i = 0;
		} else if (i <= RACE_CHILDREN) {
			fn = race_child_writer;
			args[i].i = i - 1;
		} else if (i <= RACE_CHILDREN + RACE_CHURNERS) {
			fn = race_churner;
			args[i].i = i - 1 - RACE_CHILDREN;
		} else if (i == RACE_CHILDREN + RACE_CHURNERS + 1) {
			fn = race_stray;
			args[i].i = 0;
		} else {
			fn = race_reader;
			args[i].i = 0;
		}
		if (pthread_create(&threads[i], NULL, fn, &args[i])) {
			ksft_print_msg("pthread_create failed\n");
			break;
		}
		nthreads++;
	}
	sleep(RACE_SECONDS);
	__atomic_store_n(&r.stop, 1, __ATOMIC_RELAXED);
	for (int i = 0; i < nthreads; i++)
		pthread_join(threads[i], NULL);
	clock_gettime(CLOCK_MONOTONIC, &end);
	ksft_print_msg("%.1f s: %ld parent writes, %ld child writes, %ld churn operations, %ld stray operations, %ld reads; %ld EPERM, %ld ENOENT or ENODEV\n",
		       end.tv_sec - start.tv_sec + (end.tv_nsec - start.tv_nsec) / 1e9,
		       r.ops[0], r.ops[1], r.ops[2], r.ops[3], r.ops[4],
		       r.eperm, r.gone);
	if (nthreads != RACE_CHILDREN + RACE_CHURNERS + 3)
		goto cleanup;
	if (r.failures) {
		ksft_print_msg("%d unexpected results; the first: %s\n",
			       r.failures, r.first);
		goto cleanup;
	}
	if (r.ops[0] < 4 || r.ops[1] < 4 || r.ops[2] < 4) {
		ksft_print_msg("too few operations to race\n");
		goto cleanup;
	}

	/*
	 * The writers stopped after whole rounds: the parent has no rules
	 * left, and each child its own rule or none. The effective sets must
	 * say so, whatever order the updates raced in.
	 */
	if (!denies(RACE_PARENT, ""))
		goto cleanup;
	for (int i = 0; i < RACE_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), RACE_PARENT "/c%d", i);
		memset(&wanted, 0, sizeof(wanted));
		wanted.x86_64[200 + i] = r.child_denies[i];
		add_restart_rule(&wanted);
		if (!read_set(cg, "syscalls.deny", &set) ||
		    !same_set(&set, &wanted, cg))
			goto cleanup;
	}
	list_children(RACE_PARENT, list, sizeof(list));
	if (strcmp(list, "c0 c1 c2 c3")) {
		ksft_print_msg("%s: expected children 'c0 c1 c2 c3', found '%s'\n",
			       RACE_PARENT, list);
		goto cleanup;
	}

	/* A known sequence: each child reads its own rules and the parent's. */
	for (int i = 0; i < RACE_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), RACE_PARENT "/c%d", i);
		if (!allow_ok(cg, "all"))
			goto cleanup;
	}
	if (!deny_ok(RACE_PARENT, "x86_64:100 ia32:100"))
		goto cleanup;
	for (int i = 0; i < RACE_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), RACE_PARENT "/c%d", i);
		/* 180 and up: calls that cannot be restarted. */
		snprintf(want, sizeof(want), "x86_64:%d", 180 + i);
		if (!deny_ok(cg, want))
			goto cleanup;
	}
	for (int i = 0; i < RACE_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), RACE_PARENT "/c%d", i);
		snprintf(want, sizeof(want), "x86_64:100,x86_64:%d ia32:100",
			 180 + i);
		if (!denies(cg, want))
			goto cleanup;
	}
	if (!allow_ok(RACE_PARENT, "x86_64:100"))
		goto cleanup;
	for (int i = 0; i < RACE_CHILDREN; i++) {
		snprintf(cg, sizeof(cg), RACE_PARENT "/c%d", i);
		snprintf(want, sizeof(want), "x86_64:%d ia32:100", 180 + i);
		if (!denies(cg, want))
			goto cleanup;
	}
	if (!denies("", ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	destroy(RACE_PARENT);
	reset_root();
	return ret;
}

/* ---- Removal ---- */

#define LEAK_CYCLES 10000
#define LEAK_SLACK_KB 2048

/* A field of /proc/meminfo, in kB; -1 if missing. */
static long meminfo(const char *field)
{
	char line[256];
	size_t len = strlen(field);
	long value = -1;
	FILE *f;

	f = fopen("/proc/meminfo", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f)) {
		if (!strncmp(line, field, len) && line[len] == ':') {
			value = strtol(line + len + 1, NULL, 10);
			break;
		}
	}
	fclose(f);
	return value;
}

/* Writes a value to a file; errors are not the test's business here. */
static void poke(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY);

	if (fd >= 0) {
		ssize_t n = write(fd, value, strlen(value));

		(void)n;
		close(fd);
	}
}

/* Lets freed memory settle: caches dropped and slabs shrunk. */
static void settle_memory(void)
{
	struct dirent *e;
	char path[512];
	DIR *dir;

	sync();
	poke("/proc/sys/vm/drop_caches", "3");
	dir = opendir("/sys/kernel/slab");
	if (dir) {
		while ((e = readdir(dir))) {
			if (e->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), "/sys/kernel/slab/%s/shrink",
				 e->d_name);
			poke(path, "1");
		}
		closedir(dir);
	}
}

/* The cgroups of the hierarchy below cg, cg included. */
static int count_cgroups(const char *cg)
{
	char path[4096], sub[4096];
	struct dirent *e;
	int count = 1;
	DIR *dir;

	dir = opendir(sc_path(path, sizeof(path), cg, NULL));
	if (!dir)
		return 0;
	while ((e = readdir(dir))) {
		if (e->d_type != DT_DIR || e->d_name[0] == '.')
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", cg, *cg ? "/" : "",
			 e->d_name);
		count += count_cgroups(sub);
	}
	closedir(dir);
	return count;
}

/* Waits until /proc/cgroups counts `want` cgroups; the last count read. */
static int wait_num_cgroups(int want, int seconds)
{
	int hierarchy, num = -1, enabled;

	for (int i = 0; i < seconds * 10; i++) {
		if (!proc_cgroups(&hierarchy, &num, &enabled))
			return -1;
		if (num == want)
			break;
		usleep(100000);
	}
	return num;
}

static double seconds_since(const struct timespec *start)
{
	struct timespec now;

	clock_gettime(CLOCK_MONOTONIC, &now);
	return now.tv_sec - start->tv_sec + (now.tv_nsec - start->tv_nsec) / 1e9;
}

/* One life of a cgroup: made, given rules, read, removed. */
static bool leak_cycle(const char *cg)
{
	char buf[4096];
	const char *step;
	int err;

	step = "mkdir";
	err = sc_mkdir(cg);
	if (err)
		goto fail;
	step = "deny";
	err = sc_write(cg, "syscalls.deny", "mkdir,0-3 ia32:200-220");
	if (err)
		goto fail;
	step = "allow";
	err = sc_write(cg, "syscalls.allow", "1 ia32:210");
	if (err)
		goto fail;
	step = "read deny";
	err = sc_read(cg, "syscalls.deny", buf, sizeof(buf));
	if (err < 0)
		goto fail;
	step = "read allow";
	err = sc_read(cg, "syscalls.allow", buf, sizeof(buf));
	if (err < 0)
		goto fail;
	step = "rmdir";
	err = sc_rmdir(cg);
	if (err)
		goto fail;
	return true;
fail:
	ksft_print_msg("cycle of %s: %s: expected success, got %s\n", cg, step,
		       errname(err));
	return false;
}

static int test_cgroup_removal_frees_everything(void)
{
	const char *p = TEST_PREFIX "leak", *c = TEST_PREFIX "leak/c";
	long slab0, slab1, avail0, avail1;
	int num0, num1, ret = KSFT_FAIL;
	struct timespec start;
	double took;

	if (!make(p) || !deny_ok(p, "getpid"))
		goto cleanup;
	/* Warm the caches up, so that their first slabs do not count. */
	for (int i = 0; i < 200; i++) {
		if (!leak_cycle(c))
			goto cleanup;
	}
	/*
	 * Cgroups removed by earlier tests and the warm-up go away in the
	 * background: start when only the live ones are counted.
	 */
	num0 = count_cgroups("");
	num1 = wait_num_cgroups(num0, 60);
	if (num1 != num0) {
		ksft_print_msg("num_cgroups before the cycles: expected %d (the live cgroups), got %d\n",
			       num0, num1);
		goto cleanup;
	}
	sleep(1);
	settle_memory();
	slab0 = meminfo("Slab");
	avail0 = meminfo("MemAvailable");

	clock_gettime(CLOCK_MONOTONIC, &start);
	for (int i = 0; i < LEAK_CYCLES; i++) {
		if (!leak_cycle(c))
			goto cleanup;
	}
	took = seconds_since(&start);

	num1 = wait_num_cgroups(num0, 60);
	sleep(2);
	settle_memory();
	slab1 = meminfo("Slab");
	avail1 = meminfo("MemAvailable");
	ksft_print_msg("%d cycles in %.1f s (%.2f ms each); num_cgroups %d -> %d; Slab %ld -> %ld kB (%+ld); MemAvailable %ld -> %ld kB (%+ld)\n",
		       LEAK_CYCLES, took, took * 1000 / LEAK_CYCLES, num0, num1,
		       slab0, slab1, slab1 - slab0, avail0, avail1,
		       avail1 - avail0);
	if (num1 != num0) {
		ksft_print_msg("num_cgroups: expected %d, got %d\n", num0, num1);
		goto cleanup;
	}
	if (slab0 < 0 || slab1 < 0 || avail0 < 0 || avail1 < 0) {
		ksft_print_msg("/proc/meminfo lacks Slab or MemAvailable\n");
		goto cleanup;
	}
	if (slab1 - slab0 >= LEAK_SLACK_KB) {
		ksft_print_msg("Slab: expected less than %d kB growth, grew %ld kB\n",
			       LEAK_SLACK_KB, slab1 - slab0);
		goto cleanup;
	}
	if (avail0 - avail1 >= LEAK_SLACK_KB) {
		ksft_print_msg("MemAvailable: expected less than %d kB loss, lost %ld kB\n",
			       LEAK_SLACK_KB, avail0 - avail1);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	destroy(p);
	reset_root();
	return ret;
}

#define T(x) { x, #x }
static struct syscalls_test {
	int (*fn)(void);
	const char *name;
} tests[] = {
	T(test_mount_works),
	T(test_proc_cgroups_lists_syscalls),
	T(test_every_cgroup_has_allow_and_deny),
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
	T(test_reads_list_x86_64_first_then_ia32),
	T(test_bare_number_or_name_reaches_the_ia32_namesake),
	T(test_allow_removes_from_the_rules),
	T(test_exit_and_sigreturn_are_never_denied),
	T(test_empty_set_reads_as_an_empty_line),
	T(test_blank_write_changes_nothing),
	T(test_what_is_read_writes_back_to_the_same_set),
	T(test_read_longer_than_a_page),
	T(test_the_longest_read_writes_back),
	T(test_allow_reads_as_the_complement),
	T(test_root_takes_rules_too),
	T(test_new_cgroup_inherits_the_parent_effective_set),
	T(test_parent_deny_reaches_existing_descendants),
	T(test_parent_deny_reaches_later_descendants),
	T(test_child_allow_of_an_ancestor_denied_call_fails_with_eperm),
	T(test_reallow_at_an_ancestor_reopens_descendants),
	T(test_deep_chain_reads_the_same_at_every_level),
	T(test_unknown_names_and_garbage_fail_with_einval),
	T(test_negative_number_fails_with_einval),
	T(test_number_past_the_table_fails_with_erange),
	T(test_overflowing_number_fails_with_erange),
	T(test_reversed_and_open_ranges_fail_with_einval),
	T(test_empty_items_fail_with_einval),
	T(test_unknown_prefix_fails_with_einval),
	T(test_good_item_then_bad_item_changes_nothing),
	T(test_first_bad_item_decides_the_errno),
	T(test_parse_errors_come_before_eperm),
	T(test_write_longer_than_a_page_fails),
	T(test_write_of_a_page_succeeds),
	T(test_writing_needs_cap_sys_admin),
	T(test_cap_sys_admin_of_a_user_namespace_is_not_enough),
	T(test_concurrent_writers_and_mkdir_rmdir),
	T(test_cgroup_removal_frees_everything),
};
#undef T

/* Whether a test is selected: all are, unless names are given. */
static bool selected(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++) {
		if (strstr(name, argv[i]))
			return true;
	}
	return false;
}

/*
 * Runs every test, or with arguments those whose name contains one of them
 * (the mount test always runs).
 */
int main(int argc, char **argv)
{
	unsigned int plan = 0;

	setvbuf(stdout, NULL, _IOLBF, 0);
	ksft_print_header();
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++)
		plan += i == 0 || selected(argc, argv, tests[i].name);
	ksft_set_plan(plan);

	/* test_mount_works reports how this went. */
	if (sc_mount() == 0) {
		remove_leftovers();
		probe_table_sizes();
	}
	for (size_t i = 0; i < ARRAY_SIZE(tests); i++) {
		const char *name = tests[i].name + strlen("test_");
		struct timespec start;

		if (i > 0 && !selected(argc, argv, name))
			continue;
		if (i > 0 && !exists("", "syscalls.deny")) {
			ksft_test_result_skip("%s: no syscalls hierarchy\n", name);
			continue;
		}
		clock_gettime(CLOCK_MONOTONIC, &start);
		switch (tests[i].fn()) {
		case KSFT_PASS:
			ksft_test_result_pass("%s\n", name);
			break;
		case KSFT_SKIP:
			ksft_test_result_skip("%s\n", name);
			break;
		default:
			ksft_test_result_fail("%s\n", name);
			break;
		}
		if (seconds_since(&start) > 2)
			ksft_print_msg("(%s took %.1f s)\n", name,
				       seconds_since(&start));
	}
	ksft_finished();
}
