// SPDX-License-Identifier: GPL-2.0
/*
 * The hierarchy rules of the syscalls cgroup: the root takes rules, a new
 * cgroup starts from its parent's effective set, a deny reaches every
 * descendant, existing or later, a child cannot allow what an ancestor
 * denies, a re-allow reopens the descendants that did not deny the call
 * themselves, the same at any depth; and a removed cgroup leaves nothing
 * behind.
 *
 * Every test works in cgroups of its own below the root (the test runs in
 * the root cgroup, so it never denies anything there that it needs) and
 * removes them, and resets the root, whether it passes or not.
 */
#include <dirent.h>
#include <sys/mount.h>

#include "syscalls_cgroup_util.h"

/* Every test cgroup's name starts with this, so that leftovers are found. */
#define TEST_PREFIX "sct_"

/* ---- Nesting and propagation ---- */

static int test_root_takes_rules_too(void)
{
	const char *child = TEST_PREFIX "rootchild";
	int ret = KSFT_FAIL;

	if (cg_create(child))
		goto cleanup;
	/* Nothing this 64-bit test needs: the ia32 ABI only. */
	if (cg_deny("", "ia32:all") || !cg_denies("", ia32_all_text()) ||
	    !cg_denies(child, ia32_all_text()))
		goto cleanup;
	/* The root has no parent: its allow is never refused. */
	if (cg_allow("", "ia32:all") || !cg_denies("", "") || !cg_denies(child, ""))
		goto cleanup;
	if (cg_allow("", "all"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(child);
	cg_reset_root();
	return ret;
}

static int test_new_cgroup_inherits_the_parent_effective_set(void)
{
	const char *p = TEST_PREFIX "inherit", *c = TEST_PREFIX "inherit/c",
		   *g = TEST_PREFIX "inherit/c/g";
	int ret = KSFT_FAIL;

	if (cg_create_denying(p, "83 ia32:100") || cg_create(c) || cg_create(g))
		goto cleanup;
	if (!cg_denies(c, "83 ia32:39,ia32:100") ||
	    !cg_denies(g, "83 ia32:39,ia32:100"))
		goto cleanup;
	/* It inherits the effective set, not rules of its own. */
	if (cg_allow(p, "mkdir") || !cg_denies(c, "ia32:100") ||
	    !cg_denies(g, "ia32:100"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(p);
	cg_reset_root();
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

	if (cg_create(p))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(below); i++) {
		if (cg_create(below[i]))
			goto cleanup;
	}
	if (cg_deny(below[3], "getpid") || cg_deny(p, "mkdir"))
		goto cleanup;
	if (!cg_denies(p, "83 ia32:39") || !cg_denies(below[0], "83 ia32:39") ||
	    !cg_denies(below[1], "83 ia32:39") ||
	    !cg_denies(below[2], "83 ia32:39") ||
	    !cg_denies(below[3], "39,83 ia32:20,ia32:39"))
		goto cleanup;
	/* The root and its other children are untouched. */
	if (!cg_denies("", ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(p);
	cg_reset_root();
	return ret;
}

static int test_parent_deny_reaches_later_descendants(void)
{
	const char *p = TEST_PREFIX "later", *c = TEST_PREFIX "later/c",
		   *g = TEST_PREFIX "later/c/g";
	int ret = KSFT_FAIL;

	if (cg_create(p) || cg_create(c) || cg_deny(p, "mkdir") || cg_create(g))
		goto cleanup;
	if (!cg_denies(g, "83 ia32:39"))
		goto cleanup;
	/* A later deny reaches the grandchild made after the first. */
	if (cg_deny(p, "ia32:socketcall") || !cg_denies(g, "83 ia32:39,ia32:102"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(p);
	cg_reset_root();
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

	if (cg_create(p) || cg_create(c) || cg_create(g) ||
	    cg_deny(p, "mkdir") || cg_deny(c, "getpid"))
		goto cleanup;
	for (size_t i = 0; i < ARRAY_SIZE(refused); i++) {
		if (!cg_write_expect(c, "syscalls.allow", refused[i], -EPERM) ||
		    !cg_write_expect(g, "syscalls.allow", refused[i], -EPERM))
			goto cleanup;
		/* Nothing changed, getpid included. */
		if (!cg_denies(c, "39,83 ia32:20,ia32:39") ||
		    !cg_denies(g, "39,83 ia32:20,ia32:39"))
			goto cleanup;
	}
	/* What the ancestors do not deny, a child may allow. */
	if (cg_allow(c, "getpid") || !cg_denies(c, "83 ia32:39") ||
	    !cg_denies(g, "83 ia32:39"))
		goto cleanup;
	/* The grandchild is refused what its grandparent denies. */
	if (!cg_write_expect(g, "syscalls.allow", "83", -EPERM))
		goto cleanup;
	/* Once the parent allows, the child may. */
	if (cg_allow(p, "all") || cg_allow(c, "all") || cg_allow(g, "all") ||
	    !cg_denies(g, ""))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(p);
	cg_reset_root();
	return ret;
}

static int test_reallow_at_an_ancestor_reopens_descendants(void)
{
	const char *p = TEST_PREFIX "reopen", *b = TEST_PREFIX "reopen/b",
		   *c = TEST_PREFIX "reopen/c", *g = TEST_PREFIX "reopen/c/g",
		   *h = TEST_PREFIX "reopen/b/h";
	int ret = KSFT_FAIL;

	if (cg_create_denying(p, "mkdir getpid") || cg_create(b) ||
	    cg_create(c) || cg_create(g) || cg_create(h))
		goto cleanup;
	/* b denies mkdir itself, though its parent already does. */
	if (cg_deny(b, "mkdir"))
		goto cleanup;
	if (cg_allow(p, "mkdir"))
		goto cleanup;
	if (!cg_denies(p, "39 ia32:20") || !cg_denies(c, "39 ia32:20") ||
	    !cg_denies(g, "39 ia32:20"))
		goto cleanup;
	/* Not those that denied it themselves, nor their descendants. */
	if (!cg_denies(b, "39,83 ia32:20,ia32:39") ||
	    !cg_denies(h, "39,83 ia32:20,ia32:39"))
		goto cleanup;
	if (cg_allow(p, "getpid") || !cg_denies(c, "") || !cg_denies(g, "") ||
	    !cg_denies(b, "83 ia32:39"))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(p);
	cg_reset_root();
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
		if (!levels[i] || cg_create(levels[i]))
			goto cleanup;
	}
	if (cg_deny(levels[0], "mkdir getpid ia32:all"))
		goto cleanup;
	snprintf(want, sizeof(want),
		 "39,83 ia32:2-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 table_size_ia32 - 1);
	n = cg_read(levels[0], "syscalls.deny", top_read, sizeof(top_read));
	if (n < 0 || strcmp(top_read, want)) {
		diag("top: expected '%s', read '%s'", want,
		     n < 0 ? result_name(n) : top_read);
		goto cleanup;
	}
	for (int i = 1; i < DEPTH; i++) {
		if (!cg_denies(levels[i], top_read))
			goto cleanup;
	}
	/* A rule at the bottom stays at the bottom. */
	if (cg_deny(levels[DEPTH - 1], "x86_64:0") ||
	    !cg_denies(levels[DEPTH - 2], top_read))
		goto cleanup;
	snprintf(want, sizeof(want),
		 "0,39,83 ia32:2-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 table_size_ia32 - 1);
	if (!cg_denies(levels[DEPTH - 1], want))
		goto cleanup;
	/* An allow at the top reaches the bottom. */
	if (cg_allow(levels[0], "mkdir"))
		goto cleanup;
	snprintf(want, sizeof(want),
		 "39 ia32:2-38,ia32:40-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 table_size_ia32 - 1);
	for (int i = 0; i < DEPTH - 1; i++) {
		if (!cg_denies(levels[i], want))
			goto cleanup;
	}
	snprintf(want, sizeof(want),
		 "0,39 ia32:2-38,ia32:40-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 table_size_ia32 - 1);
	if (!cg_denies(levels[DEPTH - 1], want))
		goto cleanup;
	ret = KSFT_PASS;
cleanup:
	cg_destroy(TEST_PREFIX "deep");
	for (int i = 0; i < DEPTH; i++)
		free(levels[i]);
	cg_reset_root();
	return ret;
}

/* ---- Removal ---- */

/*
 * The leak check counts what the cycles leave charged to a memory cgroup
 * of their own: every allocation the controller makes for a cgroup, its
 * rules and its reads is accounted (GFP_KERNEL_ACCOUNT), and so are the
 * cgroup core's and kernfs's for a new cgroup. Unlike /proc/meminfo, that
 * sum sees no other task's memory and no cache of the kernel's own (with
 * KASAN, freed objects wait in a quarantine of up to 1/32 of memory,
 * still counted as Slab). It is exact to the object but for the per-CPU
 * stock of object charges, a page or so of each kind on each CPU. On the
 * 7.3 test kernel, 1,000 cycles left from -1,704 to +3,264 bytes and
 * 2,000 left 6,528: less than an object in ten cycles,
 * where an object leaked in each cycle would leave more than the slack
 * (with KASAN's redzones the smallest, kmalloc-8, takes 32 bytes of slab,
 * 40 charged: 40,000 bytes in 1,000 cycles); a directory on tmpfs leaked
 * a cycle left 3.7 MB in 2,000.
 */
#define LEAK_CYCLES 1000
#define LEAK_SLACK_BYTES (32L << 10)
/* Where the test mounts cgroup2 for its memory cgroup, and that cgroup. */
#define LEAK_MNT "/tmp/sct_leak_memcg"
#define LEAK_MEMCG LEAK_MNT "/sct_leak"

/* Writes a value to a file: 0, or -errno. */
static int write_file(const char *path, const char *value)
{
	ssize_t len = strlen(value), n;
	int fd = open(path, O_WRONLY), err = 0;

	if (fd < 0)
		return -errno;
	n = write(fd, value, len);
	if (n < 0)
		err = -errno;
	else if (n != len)
		err = -EIO;
	close(fd);
	return err;
}

/* Writes a value to a file; errors are not the test's business here. */
static void poke(const char *path, const char *value)
{
	(void)write_file(path, value);
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

/* The kernel memory charged to a memory cgroup, from its memory.stat. */
struct charged {
	long slab, percpu, vmalloc;
};

static long charged_sum(const struct charged *c)
{
	return c->slab + c->percpu + c->vmalloc;
}

/* Reads memory.stat of LEAK_MEMCG; false if it has no slab line. */
static bool read_charged(struct charged *c)
{
	char line[256];
	bool slab = false;
	long value;
	FILE *f;

	*c = (struct charged){ 0 };
	f = fopen(LEAK_MEMCG "/memory.stat", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "slab %ld", &value) == 1) {
			c->slab = value;
			slab = true;
		} else if (sscanf(line, "percpu %ld", &value) == 1) {
			c->percpu = value;
		} else if (sscanf(line, "vmalloc %ld", &value) == 1) {
			c->vmalloc = value;
		}
	}
	fclose(f);
	return slab;
}

/* This process's cgroup on v2 before it entered LEAK_MEMCG, "/..." */
static char leak_home[PATH_MAX + 8] = "/";

/* Whether LEAK_MNT's root has memory in its cgroup.subtree_control. */
static bool root_has_memory(void)
{
	char buf[512] = "";
	FILE *f = fopen(LEAK_MNT "/cgroup.subtree_control", "r");

	if (f) {
		if (!fgets(buf, sizeof(buf), f))
			buf[0] = '\0';
		fclose(f);
	}
	return strstr(buf, "memory") != NULL;
}

/*
 * Puts this process in a memory cgroup of its own, LEAK_MEMCG, on a
 * cgroup2 mount of its own (the syscalls hierarchy under test may be v1;
 * the memory controller is then on v2), noting where it was, and enabling
 * memory at the root unless it is (*enabled says whether it did).
 * KSFT_PASS, KSFT_SKIP without memory cgroups, or KSFT_FAIL.
 */
static int enter_leak_memcg(bool *enabled)
{
	char pid[32], line[PATH_MAX + 8];
	FILE *f;
	int err;

	*enabled = false;
	f = fopen("/proc/self/cgroup", "r");
	while (f && fgets(line, sizeof(line), f)) {
		if (!strncmp(line, "0::", 3)) {
			line[strcspn(line, "\n")] = '\0';
			snprintf(leak_home, sizeof(leak_home), "%s", line + 3);
		}
	}
	if (f)
		fclose(f);
	if (mkdir(LEAK_MNT, 0755) && errno != EEXIST) {
		diag("mkdir %s: expected success, got %s", LEAK_MNT, result_name(-errno));
		return KSFT_FAIL;
	}
	if (mount("cgroup2", LEAK_MNT, "cgroup2", 0, NULL)) {
		diag("mount of cgroup2 at %s: expected success, got %s", LEAK_MNT,
		     result_name(-errno));
		return KSFT_FAIL;
	}
	if (!root_has_memory()) {
		err = write_file(LEAK_MNT "/cgroup.subtree_control", "+memory");
		if (err) {
			diag("+memory at the cgroup2 root: %s (no CONFIG_MEMCG, or v1 holds it?)",
			     result_name(err));
			return KSFT_SKIP;
		}
		*enabled = true;
	}
	if (mkdir(LEAK_MEMCG, 0755)) {
		diag("mkdir %s: expected success, got %s", LEAK_MEMCG, result_name(-errno));
		return KSFT_FAIL;
	}
	snprintf(pid, sizeof(pid), "%d", getpid());
	err = write_file(LEAK_MEMCG "/cgroup.procs", pid);
	if (err) {
		diag("moving into %s: expected success, got %s", LEAK_MEMCG,
		     result_name(err));
		return KSFT_FAIL;
	}
	return KSFT_PASS;
}

/* Undoes enter_leak_memcg(), whatever part of it was done. */
static void leave_leak_memcg(bool enabled)
{
	char pid[32], path[2 * PATH_MAX];

	snprintf(pid, sizeof(pid), "%d", getpid());
	snprintf(path, sizeof(path), "%s%s/cgroup.procs", LEAK_MNT, leak_home);
	poke(path, pid);
	/* Its charges still held, a memory cgroup goes away in the background. */
	rmdir(LEAK_MEMCG);
	if (enabled)
		poke(LEAK_MNT "/cgroup.subtree_control", "-memory");
	umount2(LEAK_MNT, MNT_DETACH);
	rmdir(LEAK_MNT);
}

/* The cgroups of the hierarchy below cg, cg included. */
static int count_cgroups(const char *cg)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	int count = 1;
	DIR *dir;

	dir = opendir(cg_path(path, sizeof(path), cg, NULL));
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
	int hierarchy_id, num = -1, enabled;

	for (int i = 0; i < seconds * 10; i++) {
		if (!read_proc_cgroups(&hierarchy_id, &num, &enabled))
			return -1;
		if (num == want)
			break;
		usleep(100000);
	}
	return num;
}

/* One life of a cgroup: made, given rules, read, removed. */
static bool leak_cycle(const char *cg)
{
	char buf[4096];
	const char *step;
	int err;

	step = "mkdir";
	err = cg_create(cg);
	if (err)
		goto fail;
	step = "deny";
	err = cg_write(cg, "syscalls.deny", "mkdir,0-3 ia32:200-220");
	if (err)
		goto fail;
	step = "allow";
	err = cg_write(cg, "syscalls.allow", "1 ia32:210");
	if (err)
		goto fail;
	step = "read deny";
	err = cg_read(cg, "syscalls.deny", buf, sizeof(buf));
	if (err < 0)
		goto fail;
	step = "read allow";
	err = cg_read(cg, "syscalls.allow", buf, sizeof(buf));
	if (err < 0)
		goto fail;
	step = "rmdir";
	err = cg_remove(cg);
	if (err)
		goto fail;
	return true;
fail:
	diag("cycle of %s: %s: expected success, got %s", cg, step,
	     result_name(err));
	return false;
}

static int test_cgroup_removal_frees_everything(void)
{
	const char *p = TEST_PREFIX "leak", *c = TEST_PREFIX "leak/c";
	struct charged before, after;
	int num0, num1, ret = KSFT_FAIL;
	bool enabled = false;
	double start, took;
	long left;

	if (cg_create_denying(p, "getpid"))
		goto cleanup;
	ret = enter_leak_memcg(&enabled);
	if (ret != KSFT_PASS)
		goto cleanup;
	ret = KSFT_FAIL;
	/*
	 * A few cycles first, so that this CPU's stock of charges and the
	 * caches the first cycles fill do not count.
	 */
	for (int i = 0; i < 50; i++) {
		if (!leak_cycle(c))
			goto cleanup;
	}
	/*
	 * Cgroups removed by earlier tests and these go away in the
	 * background: start when only the live ones are counted.
	 */
	num0 = count_cgroups("");
	num1 = wait_num_cgroups(num0, 60);
	if (num1 != num0) {
		diag("num_cgroups before the cycles: expected %d (the live cgroups), got %d",
		     num0, num1);
		goto cleanup;
	}
	/* The memory cgroup's statistics are flushed every 2 seconds. */
	settle_memory();
	sleep(3);
	if (!read_charged(&before)) {
		diag("%s/memory.stat: expected a slab line, found none", LEAK_MEMCG);
		goto cleanup;
	}

	start = now_seconds();
	for (int i = 0; i < LEAK_CYCLES; i++) {
		if (!leak_cycle(c))
			goto cleanup;
	}
	took = now_seconds() - start;

	num1 = wait_num_cgroups(num0, 60);
	/*
	 * Freed memory comes back late: RCU callbacks free the cgroups'
	 * last parts, and the statistics catch up within 2 seconds. Measure
	 * again while it looks like a leak, a few times: a real leak stays.
	 */
	for (int tries = 0; tries < 5; tries++) {
		settle_memory();
		sleep(3);
		if (!read_charged(&after))
			break;
		left = charged_sum(&after) - charged_sum(&before);
		if (left < LEAK_SLACK_BYTES)
			break;
	}
	left = charged_sum(&after) - charged_sum(&before);
	diag("%d cycles in %.1f s (%.2f ms each); num_cgroups %d -> %d; charged to the cycles' memory cgroup: slab %ld -> %ld, percpu %ld -> %ld, vmalloc %ld -> %ld bytes (%+ld, %+.1f a cycle)",
	     LEAK_CYCLES, took, took * 1000 / LEAK_CYCLES, num0, num1,
	     before.slab, after.slab, before.percpu, after.percpu,
	     before.vmalloc, after.vmalloc, left, (double)left / LEAK_CYCLES);
	if (num1 != num0) {
		diag("num_cgroups: expected %d, got %d", num0, num1);
		goto cleanup;
	}
	if (left >= LEAK_SLACK_BYTES) {
		diag("memory left charged after %d cycles: expected less than %ld bytes, got %ld",
		     LEAK_CYCLES, LEAK_SLACK_BYTES, left);
		goto cleanup;
	}
	ret = KSFT_PASS;
cleanup:
	leave_leak_memcg(enabled);
	cg_destroy(p);
	cg_reset_root();
	return ret;
}

static struct syscalls_test tests[] = {
	T(test_root_takes_rules_too),
	T(test_new_cgroup_inherits_the_parent_effective_set),
	T(test_parent_deny_reaches_existing_descendants),
	T(test_parent_deny_reaches_later_descendants),
	T(test_child_allow_of_an_ancestor_denied_call_fails_with_eperm),
	T(test_reallow_at_an_ancestor_reopens_descendants),
	T(test_deep_chain_reads_the_same_at_every_level),
	T(test_cgroup_removal_frees_everything),
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
