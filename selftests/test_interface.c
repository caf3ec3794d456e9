// SPDX-License-Identifier: GPL-2.0
/*
 * The syscalls cgroup's v1 interface: the mount and its files, the read
 * format (what a read lists, and that it writes back), and the capability
 * writers need.
 *
 * Every test works in cgroups of its own below the root (the test runs in
 * the root cgroup, so it never denies anything there that it needs) and
 * removes them, and resets the root, whether it passes or not.
 */
#include <linux/capability.h>
#include <sched.h>
#include <stdint.h>
#include <sys/statfs.h>

#include "syscalls_cgroup_util.h"

#ifndef CGROUP_SUPER_MAGIC
#define CGROUP_SUPER_MAGIC 0x27e0eb
#endif

/* Every test cgroup's name starts with this, so that leftovers are found. */
#define TEST_PREFIX "sct_"

/* ---- The files ---- */

static int test_mount_works(void)
{
	char line[1024], dev[256], dir[256], type[64], opts[512];
	const char *root = cg_hierarchy.root;
	bool found = false;
	struct statfs sfs;
	FILE *f;
	int err;

	err = cg_mount();
	if (err) {
		diag("mount -t cgroup -o syscalls: expected success, got %s",
		     result_name(err));
		return KSFT_FAIL;
	}
	if (statfs(root, &sfs)) {
		diag("statfs %s: expected success, got %s", root,
		     strerror(errno));
		return KSFT_FAIL;
	}
	if (sfs.f_type != CGROUP_SUPER_MAGIC) {
		diag("%s: expected a cgroup v1 file system (%#x), got %#lx",
		     root, CGROUP_SUPER_MAGIC, (long)sfs.f_type);
		return KSFT_FAIL;
	}
	f = fopen("/proc/self/mounts", "r");
	if (!f) {
		diag("/proc/self/mounts: expected to open it, got %s",
		     strerror(errno));
		return KSFT_FAIL;
	}
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%255s %255s %63s %511s", dev, dir, type, opts) != 4)
			continue;
		if (!strcmp(dir, root) && !strcmp(type, "cgroup") &&
		    strstr(opts, "syscalls"))
			found = true;
	}
	fclose(f);
	if (!found) {
		diag("/proc/self/mounts: expected a cgroup mount with option syscalls at %s, found none",
		     root);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static int test_proc_cgroups_lists_syscalls(void)
{
	int hierarchy_id, num, enabled;

	if (!read_proc_cgroups(&hierarchy_id, &num, &enabled)) {
		diag("/proc/cgroups: expected a line for syscalls, found none");
		return KSFT_FAIL;
	}
	if (hierarchy_id == 0 || num < 1 || enabled != 1) {
		diag("/proc/cgroups: syscalls: expected a mounted, enabled hierarchy, got hierarchy %d, %d cgroups, enabled %d",
		     hierarchy_id, num, enabled);
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

static int test_every_cgroup_has_allow_and_deny(void)
{
	const char *cgs[] = { "", TEST_PREFIX "files", TEST_PREFIX "files/child" };
	int ret = KSFT_FAIL;

	if (cg_create(cgs[1]) || cg_create(cgs[2]))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(cgs); i++) {
		for (int f = 0; f < 2; f++) {
			const char *file = f ? "syscalls.deny" : "syscalls.allow";
			char path[PATH_MAX];
			struct stat st;

			if (stat(cg_path(path, sizeof(path), cgs[i], file), &st)) {
				diag("%s: expected a file, got %s", path,
				     strerror(errno));
				goto cleanup;
			}
			if (!S_ISREG(st.st_mode) || (st.st_mode & 0777) != 0644) {
				diag("%s: expected a regular file of mode 0644, got mode %o",
				     path, st.st_mode);
				goto cleanup;
			}
		}
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cgs[1]);
	cg_reset_root();
	return ret;
}

static int test_every_cgroup_starts_denying_nothing(void)
{
	const char *cgs[] = { "", TEST_PREFIX "fresh", TEST_PREFIX "fresh/child" };
	int ret = KSFT_FAIL;

	if (cg_create(cgs[1]) || cg_create(cgs[2]))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(cgs); i++) {
		if (!cg_denies(cgs[i], "") ||
		    !cg_read_expect(cgs[i], "syscalls.allow", everything_text()))
			goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cgs[1]);
	cg_reset_root();
	return ret;
}

/* ---- The read format ---- */

static int test_reads_list_x86_64_first_then_ia32(void)
{
	const char *cg = TEST_PREFIX "format";
	int ret = KSFT_FAIL;

	if (cg_create(cg))
		goto cleanup;
	/* Written ia32 first, in several writes, out of order. */
	if (cg_deny(cg, "ia32:39") || cg_deny(cg, "ia32:3-6") ||
	    cg_deny(cg, "83") || cg_deny(cg, "3") || cg_deny(cg, "0-2"))
		goto cleanup;
	if (!cg_denies(cg, "0-3,83 ia32:3-6,ia32:39"))
		goto cleanup;
	/* Adjacent runs merge; 4 is stat, ia32 106. */
	if (cg_deny(cg, "4") || !cg_denies(cg, "0-4,83 ia32:3-6,ia32:39,ia32:106"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

static int test_empty_set_reads_as_an_empty_line(void)
{
	const char *cg = TEST_PREFIX "empty";
	int ret = KSFT_FAIL;
	char buf[256];
	ssize_t n;

	if (cg_create(cg))
		goto cleanup;
	for (int pass = 0; pass < 2; pass++) {
		n = cg_read_raw(cg, "syscalls.deny", buf, sizeof(buf));
		if (n != 1 || buf[0] != '\n') {
			diag("%s deny: expected '\\n', read %zd bytes '%s'",
			     pass ? "emptied" : "fresh", n,
			     n >= 0 ? escaped(buf) : result_name(n));
			goto cleanup;
		}
		if (pass == 0 && (cg_deny(cg, "0-3,83") || cg_allow(cg, "0-3,83")))
			goto cleanup;
	}
	/* A set with items reads as one line too. */
	if (cg_deny(cg, "all"))
		goto cleanup;
	n = cg_read_raw(cg, "syscalls.allow", buf, sizeof(buf));
	if (n < 2 || buf[n - 1] != '\n' || strchr(buf, '\n') != buf + n - 1) {
		diag("allow: expected one line ending in a newline, read '%s'",
		     n >= 0 ? escaped(buf) : result_name(n));
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
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
static void random_set(struct syscall_set *set, int runs)
{
	memset(set, 0, sizeof(*set));
	for (int i = 0; i < runs; i++) {
		int abi = rng() % 2;
		int size = abi ? table_size_ia32 : table_size_x86_64;
		int lo = rng() % size, len = rng() % 4 ? 0 : rng() % 20;

		for (int n = lo; n <= lo + len && n < size; n++)
			(abi ? set->ia32 : set->x86_64)[n] = 1;
	}
}

/*
 * Writes a read of syscalls.deny back to dst's deny. Writes stop at a page;
 * only contrived sets (alternating numbers whose x86_64 items must carry
 * their prefix) read longer, and such a read goes back in pieces cut
 * between items: deny joins sets, so the result is the same.
 */
static int write_back(const char *dst, const char *text)
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
		if (cg_deny(dst, piece))
			return -EIO;
		start = end + 1;
	}
	return 0;
}

/*
 * Reads src's deny, writes it to a fresh cgroup dst's deny and checks that
 * it reads the same there.
 */
static bool writes_back(const char *src, const char *dst)
{
	char text[16384];
	ssize_t n;

	cg_destroy(dst);
	if (cg_create(dst))
		return false;
	n = cg_read(src, "syscalls.deny", text, sizeof(text));
	if (n < 0) {
		diag("read of %s/syscalls.deny: expected success, got %s", src,
		     result_name(n));
		return false;
	}
	if (write_back(dst, text))
		return false;
	return cg_denies(dst, text);
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
	struct syscall_set want, got;
	int ret = KSFT_FAIL;

	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		cg_destroy(a);
		if (cg_create(a) || cg_deny(a, sources[i]) || !writes_back(a, b))
			goto cleanup;
	}
	/*
	 * Random sets of prefixed items: they read as written (less the calls
	 * no rule names), and back.
	 */
	for (int i = 0; i < 40; i++) {
		cg_destroy(a);
		random_set(&want, 1 + rng() % 60);
		if (cg_create(a) || cg_write_set(a, "syscalls.deny", &want))
			goto cleanup;
		set_drop_always_allowed(&want);
		if (cg_read_set(a, "syscalls.deny", &got) ||
		    !expect_same_set(&got, &want, "a random set read back"))
			goto cleanup;
		/* Some bare numbers on top, with their namesakes. */
		if (i % 2) {
			char text[64];

			snprintf(text, sizeof(text), "%u,%u-%u",
				 rng() % table_size_x86_64, rng() % 200,
				 200 + rng() % 50);
			if (cg_deny(a, text))
				goto cleanup;
		}
		if (!writes_back(a, b)) {
			diag("(random set %d)", i);
			goto cleanup;
		}
	}
	ret = KSFT_PASS;
cleanup:
	cg_destroy(a);
	cg_destroy(b);
	cg_reset_root();
	return ret;
}

/*
 * The longest reads: every other x86_64 number behind its prefix (no ia32
 * namesakes), and every other ia32 number; 4486 bytes on 6.12, more than a
 * page.
 */
static void longest_set(struct syscall_set *set)
{
	memset(set, 0, sizeof(*set));
	for (int i = 0; i < table_size_x86_64; i += 2)
		set->x86_64[i] = 1;
	for (int i = 1; i < table_size_ia32; i += 2)
		set->ia32[i] = 1;
}

static int test_read_longer_than_a_page(void)
{
	const char *cg = TEST_PREFIX "long_read";
	struct syscall_set want, got;
	char text[16384];
	int ret = KSFT_FAIL;
	ssize_t n;

	longest_set(&want);
	if (cg_create(cg) || cg_write_set(cg, "syscalls.deny", &want))
		goto cleanup;
	set_drop_always_allowed(&want);
	n = cg_read(cg, "syscalls.deny", text, sizeof(text));
	if (n < 0) {
		diag("read of %s/syscalls.deny: expected success, got %s", cg,
		     result_name(n));
		goto cleanup;
	}
	diag("the read is %zd bytes long", n + 1);
	if (set_parse(text, &got) || !expect_same_set(&got, &want, "the long read"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

static int test_the_longest_read_writes_back(void)
{
	const char *a = TEST_PREFIX "long_a", *b = TEST_PREFIX "long_b";
	struct syscall_set set;
	int ret = KSFT_FAIL;

	longest_set(&set);
	if (cg_create(a) || cg_write_set(a, "syscalls.deny", &set))
		goto cleanup;
	if (!writes_back(a, b))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(a);
	cg_destroy(b);
	cg_reset_root();
	return ret;
}

/* Allow lists exactly what deny does not, within the tables. */
static bool allow_is_the_complement(const char *cg)
{
	struct syscall_set deny, allow;

	if (cg_read_set(cg, "syscalls.deny", &deny) ||
	    cg_read_set(cg, "syscalls.allow", &allow))
		return false;
	for (int n = 0; n < table_size_x86_64; n++) {
		if (deny.x86_64[n] == allow.x86_64[n]) {
			diag("x86_64 %d: expected in exactly one of deny and allow, is in %s",
			     n, deny.x86_64[n] ? "both" : "neither");
			return false;
		}
	}
	for (int n = 0; n < table_size_ia32; n++) {
		if (deny.ia32[n] == allow.ia32[n]) {
			diag("ia32 %d: expected in exactly one of deny and allow, is in %s",
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
	struct syscall_set set;
	int ret = KSFT_FAIL;
	char want[256];

	for (size_t i = 0; i < ARRAY_SIZE(sources); i++) {
		cg_destroy(cg);
		if (cg_create(cg) || cg_deny(cg, sources[i]) ||
		    !allow_is_the_complement(cg)) {
			diag("(after deny '%s')", sources[i]);
			goto cleanup;
		}
	}
	for (int i = 0; i < 10; i++) {
		cg_destroy(cg);
		random_set(&set, 1 + rng() % 40);
		if (cg_create(cg) || cg_write_set(cg, "syscalls.deny", &set) ||
		    !allow_is_the_complement(cg))
			goto cleanup;
	}
	/* Two exact reads. */
	cg_destroy(cg);
	if (cg_create(cg) ||
	    !cg_read_expect(cg, "syscalls.allow", everything_text()))
		goto cleanup;
	snprintf(want, sizeof(want), "0-82,84-%d ia32:0-38,ia32:40-%d",
		 table_size_x86_64 - 1, table_size_ia32 - 1);
	if (cg_deny(cg, "mkdir") || !cg_read_expect(cg, "syscalls.allow", want))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
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

static int test_writing_needs_cap_sys_admin(void)
{
	const char *cg = TEST_PREFIX "cap";
	int ret = KSFT_FAIL;
	pid_t pid;

	if (cg_create_denying(cg, "mkdir"))
		goto cleanup;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		goto cleanup;
	if (pid == 0) {
		int err = drop_capability(CAP_SYS_ADMIN);
		bool ok;

		if (err) {
			diag("dropping CAP_SYS_ADMIN: expected success, got %s",
			     result_name(err));
			_exit(KSFT_FAIL);
		}
		if (getuid() != 0 || geteuid() != 0) {
			diag("expected to stay uid 0, got uid %d, euid %d",
			     getuid(), geteuid());
			_exit(KSFT_FAIL);
		}
		ok = cg_write_expect(cg, "syscalls.deny", "getpid", -EPERM) &&
		     cg_write_expect(cg, "syscalls.allow", "mkdir", -EPERM) &&
		     cg_write_expect(cg, "syscalls.allow", "all", -EPERM) &&
		     cg_write_expect("", "syscalls.deny", "ia32:all", -EPERM) &&
		     cg_write_expect("", "syscalls.allow", "all", -EPERM) &&
		     cg_denies(cg, "83 ia32:39") && cg_denies("", "") &&
		     allow_is_the_complement(cg);
		_exit(ok ? KSFT_PASS : KSFT_FAIL);
	}
	ret = wait_result(pid, "child without CAP_SYS_ADMIN");
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	if (!cg_denies(cg, "83 ia32:39") || !cg_denies("", ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

static int test_cap_sys_admin_of_a_user_namespace_is_not_enough(void)
{
	const char *cg = TEST_PREFIX "userns";
	int ret = KSFT_FAIL;
	pid_t pid;

	if (cg_create_denying(cg, "mkdir"))
		goto cleanup;
	fflush(NULL);
	pid = fork();
	if (pid < 0)
		goto cleanup;
	if (pid == 0) {
		char path[PATH_MAX];
		int deny, allow;
		bool ok = true;

		/* Opened before, as root: the open itself is not the test. */
		deny = open(cg_path(path, sizeof(path), cg, "syscalls.deny"), O_WRONLY);
		allow = open(cg_path(path, sizeof(path), cg, "syscalls.allow"), O_WRONLY);
		if (deny < 0 || allow < 0) {
			diag("opening the files of %s as root: expected success, got %s",
			     cg, strerror(errno));
			_exit(KSFT_FAIL);
		}
		if (unshare(CLONE_NEWUSER)) {
			diag("unshare(CLONE_NEWUSER): %s", strerror(errno));
			_exit(KSFT_SKIP);
		}
		if (write(deny, "getpid", 6) != -1 || errno != EPERM) {
			diag("deny in a user namespace: expected EPERM, got %s",
			     errno == EPERM ? "success" : strerror(errno));
			ok = false;
		}
		if (write(allow, "mkdir", 5) != -1 || errno != EPERM) {
			diag("allow in a user namespace: expected EPERM, got %s",
			     errno == EPERM ? "success" : strerror(errno));
			ok = false;
		}
		_exit(ok ? KSFT_PASS : KSFT_FAIL);
	}
	ret = wait_result(pid, "child in a user namespace");
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	if (!cg_denies(cg, "83 ia32:39"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_mount_works),
	T(test_proc_cgroups_lists_syscalls),
	T(test_every_cgroup_has_allow_and_deny),
	T(test_every_cgroup_starts_denying_nothing),
	T(test_reads_list_x86_64_first_then_ia32),
	T(test_empty_set_reads_as_an_empty_line),
	T(test_what_is_read_writes_back_to_the_same_set),
	T(test_read_longer_than_a_page),
	T(test_the_longest_read_writes_back),
	T(test_allow_reads_as_the_complement),
	T(test_writing_needs_cap_sys_admin),
	T(test_cap_sys_admin_of_a_user_namespace_is_not_enough),
};

/*
 * Runs every test, or with arguments those whose name contains one of them.
 * The mount test always runs, and reports whether the hierarchy is there.
 */
int main(int argc, char **argv)
{
	size_t i;

	ksft_print_header();
	ksft_set_plan(tests_selected(tests + 1, ARRAY_SIZE(tests) - 1, argc,
				     argv) + 1);
	if (cg_mount() == 0) {
		cg_remove_leftovers(TEST_PREFIX);
		probe_table_sizes(TEST_PREFIX "probe");
	}
	for (i = 0; i < ARRAY_SIZE(tests); i++) {
		if (i > 0 && !test_selected(argc, argv, tests[i].name))
			continue;
		if (i > 0 && !cg_exists("", "syscalls.deny")) {
			ksft_test_result_skip("%s: no syscalls hierarchy\n",
					      tests[i].name);
			continue;
		}
		run_test(&tests[i]);
	}
	ksft_finished();
}
