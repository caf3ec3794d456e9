// SPDX-License-Identifier: GPL-2.0
/*
 * The vocabulary of the syscalls cgroup selftests: see
 * syscalls_cgroup_util.h. Built into every program, 64-bit and 32-bit.
 */
#include <dirent.h>
#include <grp.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/vfs.h>
#include <linux/futex.h>
#include <linux/magic.h>

#include "syscalls_cgroup_util.h"

#ifdef __i386__
/* This ABI's headers give the ia32 numbers: they must agree. */
_Static_assert(SYS_restart_syscall == IA32_RESTART_SYSCALL, "ia32 numbers");
_Static_assert(SYS_exit == IA32_EXIT, "ia32 numbers");
_Static_assert(SYS_read == IA32_READ, "ia32 numbers");
_Static_assert(SYS_getpid == IA32_GETPID, "ia32 numbers");
_Static_assert(SYS_mkdir == IA32_MKDIR, "ia32 numbers");
_Static_assert(SYS_sigreturn == IA32_SIGRETURN, "ia32 numbers");
_Static_assert(SYS_nanosleep == IA32_NANOSLEEP, "ia32 numbers");
_Static_assert(SYS_poll == IA32_POLL, "ia32 numbers");
_Static_assert(SYS_rt_sigreturn == IA32_RT_SIGRETURN, "ia32 numbers");
_Static_assert(SYS_futex == IA32_FUTEX, "ia32 numbers");
_Static_assert(SYS_exit_group == IA32_EXIT_GROUP, "ia32 numbers");
_Static_assert(SYS_clock_nanosleep == IA32_CLOCK_NANOSLEEP, "ia32 numbers");
_Static_assert(SYS_clock_nanosleep_time64 == IA32_CLOCK_NANOSLEEP_TIME64,
	       "ia32 numbers");
_Static_assert(SYS_futex_time64 == IA32_FUTEX_TIME64, "ia32 numbers");
#endif
#ifdef __x86_64__
_Static_assert(SYS_mkdir == X86_64_MKDIR, "x86_64 numbers");
_Static_assert(__X32_SYSCALL_BIT == X32_SYSCALL_BIT, "the x32 bit");
#endif

/* ---- Diagnostics ---- */

void diag(const char *fmt, ...)
{
	char line[8192] = "# ";
	int saved_errno = errno;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(line + 2, sizeof(line) - 3, fmt, ap);
	va_end(ap);
	if (n >= 0) {
		if (n > (int)sizeof(line) - 4)
			n = sizeof(line) - 4;
		/* An empty message is a bare "#", not "# ". */
		n = n ? n + 2 : 1;
		line[n++] = '\n';
		fflush(stdout);
		if (write(STDOUT_FILENO, line, n) != n)
			n = -1;
	}
	errno = saved_errno;
}

const char *result_name(long result)
{
	static __thread char buffers[4][48];
	static __thread unsigned int next;
	char *buf = buffers[next++ % 4];
	const char *name = NULL;

	if (result < 0 && result >= -4095)
		name = strerrorname_np((int)-result);
	if (name)
		snprintf(buf, sizeof(buffers[0]), "-%s", name);
	else
		snprintf(buf, sizeof(buffers[0]), "%ld", result);
	return buf;
}

/* A write's outcome in words: "success" or "-EPERM". */
static const char *outcome(int err)
{
	return err ? result_name(err) : "success";
}

const char *escaped(const char *text)
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

const char *cg_name(const char *cg)
{
	return *cg ? cg : "(root)";
}

double now_seconds(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

void sleep_seconds(double seconds)
{
	double end = now_seconds() + seconds;
	struct timespec ts = { 0, 50 * 1000 * 1000 };

	while (now_seconds() < end)
		nanosleep(&ts, NULL);
}

/* ---- The hierarchy ---- */

static const struct cgroup_hierarchy v1_hierarchy = {
	.root = "/sys/fs/cgroup/syscalls",
	.threads_file = "tasks",
	.root_has_files = true,
	.v2 = false,
};

struct cgroup_hierarchy cg_hierarchy = v1_hierarchy;

const char *cg_path(char *buf, size_t len, const char *cg, const char *file)
{
	snprintf(buf, len, "%s%s%s%s%s", cg_hierarchy.root, *cg ? "/" : "",
		 cg, file ? "/" : "", file ? file : "");
	return buf;
}

bool cg_exists(const char *cg, const char *file)
{
	char path[PATH_MAX];
	struct stat st;

	return stat(cg_path(path, sizeof(path), cg, file), &st) == 0;
}

static bool is_fs(const char *path, long type)
{
	struct statfs sf;

	return statfs(path, &sf) == 0 && sf.f_type == type;
}

/*
 * Makes directory dir to mount a hierarchy on. Its parent, /sys/fs/cgroup,
 * may be sysfs's, which takes no new directory, or a cgroup2 mount, where
 * a new directory is a cgroup: unless it is a tmpfs, a tmpfs goes there
 * first.
 */
static int make_mount_point(const char *dir)
{
	char base[PATH_MAX], *slash;
	struct stat st;

	if (stat(dir, &st) == 0)
		return 0;
	snprintf(base, sizeof(base), "%s", dir);
	slash = strrchr(base, '/');
	if (slash && slash != base)
		*slash = '\0';
	mkdir(base, 0755);
	if (!is_fs(base, TMPFS_MAGIC) &&
	    mount("cgroup_root", base, "tmpfs", 0, NULL) && errno != EBUSY)
		return -errno;
	if (mkdir(dir, 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

int cg_mount(void)
{
	const char *root = cg_hierarchy.root;
	int err, tries;

	if (cg_exists("", "syscalls.deny"))
		return 0;
	err = make_mount_point(root);
	if (err)
		return err;
	/*
	 * Right after cg_leave_v2(), the controller's v2 cgroups may still be
	 * on their way out, and the controller busy until they are gone.
	 */
	for (tries = 0; tries < 100; tries++) {
		if (!mount("syscalls", root, "cgroup", 0, "syscalls"))
			return 0;
		if (errno != EBUSY)
			break;
		usleep(100 * 1000);
	}
	return -errno;
}

/* ---- cgroup v2 ---- */

/* What cg_use_v2() did, for cg_leave_v2() to undo. */
static struct {
	char root[PATH_MAX];
	bool mounted;
	bool enabled;
	/* The process that leaves v2 when it exits: cg_setup()'s caller. */
	pid_t leaver;
} v2_state;

bool cg_v2_requested(void)
{
	const char *v = getenv(CG_V2_ENV);

	return v && !strcmp(v, "1");
}

static bool is_cgroup2(const char *path)
{
	return is_fs(path, CGROUP2_SUPER_MAGIC);
}

/* Whether a cgroup's cgroup.subtree_control enables the controller. */
static bool subtree_has_syscalls(const char *cg)
{
	char buf[512], *word, *save;

	if (cg_read(cg, "cgroup.subtree_control", buf, sizeof(buf)) < 0)
		return false;
	for (word = strtok_r(buf, " ", &save); word;
	     word = strtok_r(NULL, " ", &save))
		if (!strcmp(word, "syscalls"))
			return true;
	return false;
}

int cg_use_v2(void)
{
	const char *root = CG2_ROOT;
	int err;

	if (cg_hierarchy.v2)
		return 0;
	memset(&v2_state, 0, sizeof(v2_state));
	if (is_cgroup2("/sys/fs/cgroup"))
		root = "/sys/fs/cgroup";
	snprintf(v2_state.root, sizeof(v2_state.root), "%s", root);
	if (is_cgroup2(root)) {
		/* Someone else's mount: nsdelegate on, the rest as it is. */
		if (mount(NULL, root, NULL, MS_REMOUNT, "nsdelegate")) {
			err = -errno;
			diag("remount of cgroup2 at %s with nsdelegate: expected success, got %s",
			     root, result_name(err));
			return err;
		}
	} else {
		err = make_mount_point(root);
		if (!err && mount("cgroup2", root, "cgroup2", 0, "nsdelegate"))
			err = -errno;
		if (err) {
			diag("mount of cgroup2 at %s: expected success, got %s",
			     root, result_name(err));
			return err;
		}
		v2_state.mounted = true;
	}
	cg_hierarchy.root = v2_state.root;
	cg_hierarchy.threads_file = "cgroup.threads";
	cg_hierarchy.root_has_files = false;
	cg_hierarchy.v2 = true;
	if (subtree_has_syscalls(""))
		return 0;
	err = cg_write("", "cgroup.subtree_control", "+syscalls");
	if (err) {
		diag("+syscalls to %s/cgroup.subtree_control: expected success, got %s%s",
		     root, result_name(err),
		     err == -ENOENT ? " (a v1 hierarchy holds the controller)" : "");
		cg_leave_v2();
		return err;
	}
	v2_state.enabled = true;
	return 0;
}

/* Disables the controller below cg and in cg, the deepest first. */
static void disable_below(const char *cg)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int err;

	dir = opendir(cg_path(path, sizeof(path), cg, NULL));
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") ||
		    !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", cg, *cg ? "/" : "",
			 e->d_name);
		disable_below(sub);
	}
	closedir(dir);
	if (!subtree_has_syscalls(cg))
		return;
	err = cg_write(cg, "cgroup.subtree_control", "-syscalls");
	if (err)
		diag("leaving v2: -syscalls to %s/cgroup.subtree_control: expected success, got %s",
		     cg_name(cg), result_name(err));
}

void cg_leave_v2(void)
{
	if (!cg_hierarchy.v2)
		return;
	if (v2_state.enabled)
		disable_below("");
	if (v2_state.mounted && umount2(v2_state.root, 0))
		diag("leaving v2: umount %s: expected success, got %s",
		     v2_state.root, strerror(errno));
	memset(&v2_state, 0, sizeof(v2_state));
	cg_hierarchy = v1_hierarchy;
}

static void leave_v2_at_exit(void)
{
	if (getpid() == v2_state.leaver)
		cg_leave_v2();
}

int cg_make_threaded(const char *cg)
{
	int err;

	if (!cg_hierarchy.v2)
		return 0;
	err = cg_write(cg, "cgroup.type", "threaded");
	if (err)
		diag("threaded to %s/cgroup.type: expected success, got %s",
		     cg_name(cg), result_name(err));
	return err;
}

bool skip_on_v2(const char *why)
{
	if (!cg_hierarchy.v2)
		return false;
	diag("not on cgroup v2: %s", why);
	return true;
}

int cg_write(const char *cg, const char *file, const char *text)
{
	char path[PATH_MAX];
	ssize_t n;
	int fd, err = 0;

	fd = open(cg_path(path, sizeof(path), cg, file), O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, text, strlen(text));
	if (n < 0)
		err = -errno;
	else if ((size_t)n != strlen(text))
		err = -EIO;
	close(fd);
	return err;
}

ssize_t cg_read_raw(const char *cg, const char *file, char *buf, size_t len)
{
	char path[PATH_MAX];
	ssize_t n, total = 0;
	int fd;

	fd = open(cg_path(path, sizeof(path), cg, file), O_RDONLY);
	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf + total, len - 1 - total)) > 0)
		total += n;
	close(fd);
	if (n < 0)
		return -errno;
	buf[total] = '\0';
	return total;
}

ssize_t cg_read(const char *cg, const char *file, char *buf, size_t len)
{
	ssize_t total = cg_read_raw(cg, file, buf, len);

	if (total > 0 && buf[total - 1] == '\n')
		buf[--total] = '\0';
	return total;
}

int cg_create(const char *cg)
{
	const char *slash = strrchr(cg, '/');
	char path[PATH_MAX], parent[PATH_MAX], type[64];
	int err;

	/* On v2, the files of a cgroup below another: see the header. */
	if (cg_hierarchy.v2 && slash) {
		snprintf(parent, sizeof(parent), "%.*s", (int)(slash - cg), cg);
		err = cg_write(parent, "cgroup.subtree_control", "+syscalls");
		if (err) {
			diag("+syscalls to %s/cgroup.subtree_control: expected success, got %s",
			     parent, result_name(err));
			return err;
		}
	}
	if (mkdir(cg_path(path, sizeof(path), cg, NULL), 0755) &&
	    errno != EEXIST) {
		err = -errno;
		diag("mkdir of cgroup %s: expected success, got %s", cg,
		     result_name(err));
		return err;
	}
	if (cg_hierarchy.v2 && slash &&
	    cg_read(parent, "cgroup.type", type, sizeof(type)) > 0 &&
	    !strcmp(type, "threaded"))
		return cg_make_threaded(cg);
	return 0;
}

/* Writes rules a test expects to be accepted; says so if they are not. */
static int write_rules(const char *cg, const char *file, const char *rules)
{
	int err = cg_write(cg, file, rules);

	if (err)
		diag("write '%s' to %s/%s: expected success, got %s",
		     escaped(rules), cg_name(cg), file, result_name(err));
	return err;
}

int cg_deny(const char *cg, const char *rules)
{
	return write_rules(cg, "syscalls.deny", rules);
}

int cg_allow(const char *cg, const char *rules)
{
	return write_rules(cg, "syscalls.allow", rules);
}

int cg_create_denying(const char *cg, const char *rules)
{
	int err = cg_create(cg);

	if (!err && rules)
		err = cg_deny(cg, rules);
	return err;
}

int cg_remove(const char *cg)
{
	char path[PATH_MAX];

	return rmdir(cg_path(path, sizeof(path), cg, NULL)) ? -errno : 0;
}

int cg_enter_process(const char *cg, pid_t pid)
{
	char text[32];

	snprintf(text, sizeof(text), "%d", pid);
	return cg_write(cg, "cgroup.procs", text);
}

int cg_enter_thread(const char *cg, pid_t tid)
{
	char text[32];

	snprintf(text, sizeof(text), "%d", tid);
	return cg_write(cg, cg_hierarchy.threads_file, text);
}

int cg_count_threads(const char *cg)
{
	char buf[65536], *p;
	ssize_t len = cg_read(cg, cg_hierarchy.threads_file, buf, sizeof(buf));
	int n = 0;

	if (len < 0)
		return len;
	for (p = buf; *p; p++)
		n += *p == '\n';
	return buf[0] ? n + 1 : 0;
}

int cg_empty(const char *cg)
{
	/*
	 * On v2 a thread of a domain cgroup cannot move alone: its process
	 * goes, through the root's cgroup.procs.
	 */
	const char *to = cg_hierarchy.v2 ? "cgroup.procs" :
					   cg_hierarchy.threads_file;
	char buf[65536], *p, *end, text[32];
	int pass, left = 0;

	for (pass = 0; pass < 5; pass++) {
		if (cg_read(cg, cg_hierarchy.threads_file, buf, sizeof(buf)) < 0)
			return 0;
		left = 0;
		for (p = buf; *p; p = end) {
			long tid = strtol(p, &end, 10);

			if (end == p)
				break;
			left++;
			snprintf(text, sizeof(text), "%ld", tid);
			cg_write("", to, text);
		}
		if (!left)
			return 0;
	}
	return left;
}

static int compare_names(const void *a, const void *b)
{
	return strcmp(a, b);
}

int cg_list_children(const char *cg, char *buf, size_t len)
{
	char path[PATH_MAX], names[32][NAME_MAX + 1];
	size_t n = 0, used = 0;
	struct dirent *e;
	DIR *dir;

	buf[0] = '\0';
	dir = opendir(cg_path(path, sizeof(path), cg, NULL));
	if (!dir)
		return -errno;
	while ((e = readdir(dir)) && n < 32) {
		if (e->d_type == DT_DIR && e->d_name[0] != '.')
			snprintf(names[n++], sizeof(names[0]), "%s", e->d_name);
	}
	closedir(dir);
	qsort(names, n, sizeof(names[0]), compare_names);
	for (size_t i = 0; i < n; i++)
		used += snprintf(buf + used, len - used, "%s%s", i ? " " : "",
				 names[i]);
	return n;
}

int cg_of_task(pid_t pid, char *buf, size_t len)
{
	const char *tag = cg_hierarchy.v2 ? "0::" : ":syscalls:";
	char path[64], line[512];
	FILE *f;
	int ret = -ENOENT;

	if (pid)
		snprintf(path, sizeof(path), "/proc/%d/cgroup", pid);
	else
		snprintf(path, sizeof(path), "/proc/self/cgroup");
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f)) {
		char *p = strstr(line, tag);

		if (!p || (cg_hierarchy.v2 && p != line))
			continue;
		p += strlen(tag);
		p[strcspn(p, "\n")] = '\0';
		snprintf(buf, len, "%s", p);
		ret = 0;
		break;
	}
	fclose(f);
	return ret;
}

void cg_destroy(const char *cg)
{
	char path[PATH_MAX], sub[PATH_MAX];
	struct dirent *e;
	DIR *dir;
	int err;

	dir = opendir(cg_path(path, sizeof(path), cg, NULL));
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (e->d_type != DT_DIR || !strcmp(e->d_name, ".") ||
		    !strcmp(e->d_name, ".."))
			continue;
		snprintf(sub, sizeof(sub), "%s%s%s", cg, *cg ? "/" : "",
			 e->d_name);
		cg_destroy(sub);
	}
	closedir(dir);
	if (!*cg)
		return;
	cg_empty(cg);
	err = cg_remove(cg);
	if (err && err != -ENOENT)
		diag("cleanup: rmdir of cgroup %s: %s", cg, result_name(err));
}

void cg_reset_root(void)
{
	int err;

	if (!cg_hierarchy.root_has_files)
		return;
	err = cg_write("", "syscalls.allow", "all");
	if (err)
		diag("cleanup: allow all at the root: %s", result_name(err));
	/* And the root's denies back to their defaults, learning off. */
	err = cg_write("", "syscalls.mode", "enforce");
	if (!err)
		err = cg_write("", "syscalls.action", "errno ENOSYS");
	if (!err)
		err = cg_write("", "syscalls.learn", "0");
	if (err)
		diag("cleanup: the root's mode, action and learning: %s",
		     result_name(err));
}

void cg_remove_leftovers(const char *prefix)
{
	struct dirent *e;
	DIR *dir;

	dir = opendir(cg_hierarchy.root);
	if (!dir)
		return;
	while ((e = readdir(dir))) {
		if (e->d_type == DT_DIR &&
		    !strncmp(e->d_name, prefix, strlen(prefix)))
			cg_destroy(e->d_name);
	}
	closedir(dir);
	cg_reset_root();
}

int cg_setup(const char *prefix)
{
	char probe[64];
	int err;

	if (geteuid())
		return -EPERM;
	/* A child that died early must not take the test down with it. */
	signal(SIGPIPE, SIG_IGN);
	if (cg_v2_requested()) {
		err = cg_use_v2();
		if (!err) {
			v2_state.leaver = getpid();
			atexit(leave_v2_at_exit);
		}
	} else {
		err = cg_mount();
	}
	if (err)
		return err;
	cg_remove_leftovers(prefix);
	snprintf(probe, sizeof(probe), "%sprobe", prefix);
	probe_table_sizes(probe);
	return 0;
}

bool cg_write_expect(const char *cg, const char *file, const char *text,
		     int want)
{
	int got = cg_write(cg, file, text);

	if (got == want)
		return true;
	diag("write '%s' to %s/%s: expected %s, got %s", escaped(text),
	     cg_name(cg), file, outcome(want), outcome(got));
	return false;
}

bool cg_read_expect(const char *cg, const char *file, const char *want)
{
	char buf[16384];
	ssize_t n = cg_read(cg, file, buf, sizeof(buf));

	if (n < 0) {
		diag("read of %s/%s: expected '%s', got %s", cg_name(cg), file,
		     want, result_name(n));
		return false;
	}
	if (strcmp(buf, want)) {
		diag("%s/%s: expected '%s', read '%s'", cg_name(cg), file, want,
		     buf);
		return false;
	}
	return true;
}

bool cg_denies(const char *cg, const char *want)
{
	return cg_read_expect(cg, "syscalls.deny", want);
}

bool root_denies_nothing(void)
{
	return !cg_hierarchy.root_has_files || cg_denies("", "");
}

bool expect_in_cgroup(pid_t pid, const char *cg)
{
	char got[256], want[256];
	int err;

	snprintf(want, sizeof(want), "/%s", cg);
	err = cg_of_task(pid, got, sizeof(got));
	if (err) {
		diag("task %d: expected a %s line in /proc/%d/cgroup, got %s",
		     pid, cg_hierarchy.v2 ? "0::" : "syscalls", pid,
		     result_name(err));
		return false;
	}
	if (strcmp(got, want)) {
		diag("task %d: expected in syscalls cgroup %s, it is in %s",
		     pid, want, got);
		return false;
	}
	return true;
}

bool read_proc_cgroups(int *hierarchy_id, int *num_cgroups, int *enabled)
{
	char line[256], name[64];
	bool found = false;
	FILE *f;

	f = fopen("/proc/cgroups", "r");
	if (!f)
		return false;
	while (fgets(line, sizeof(line), f)) {
		if (sscanf(line, "%63s %d %d %d", name, hierarchy_id,
			   num_cgroups, enabled) == 4 &&
		    !strcmp(name, "syscalls")) {
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

/* ---- Sets of system calls ---- */

int table_size_x86_64 = 463;
int table_size_ia32 = 463;

const int always_allowed_x86_64[ALWAYS_ALLOWED_X86_64] = {
	SYS_rt_sigreturn, SYS_exit, SYS_exit_group,
};

const int always_allowed_ia32[ALWAYS_ALLOWED_IA32] = {
	IA32_EXIT, IA32_SIGRETURN, IA32_RT_SIGRETURN, IA32_EXIT_GROUP,
};

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
	if (cg_write(cg, "syscalls.deny", text))
		return -1;
	snprintf(text, sizeof(text), "%s:%d", prefix, hi);
	if (cg_write(cg, "syscalls.deny", text) != -ERANGE)
		return -1;
	while (hi - lo > 1) {
		int mid = lo + (hi - lo) / 2;
		int err;

		snprintf(text, sizeof(text), "%s:%d", prefix, mid);
		err = cg_write(cg, "syscalls.deny", text);
		if (err == 0)
			lo = mid;
		else if (err == -ERANGE)
			hi = mid;
		else
			return -1;
	}
	return hi;
}

void probe_table_sizes(const char *cg)
{
	int n64, n32;

	if (cg_create(cg))
		return;
	n64 = probe_table_size(cg, "x86_64");
	n32 = probe_table_size(cg, "ia32");
	cg_destroy(cg);
	if (n64 > 300 && n64 <= SET_MAX && n32 > 300 && n32 <= SET_MAX) {
		table_size_x86_64 = n64;
		table_size_ia32 = n32;
	} else {
		diag("table sizes not found by probing (x86_64 %d, ia32 %d): assuming %d and %d",
		     n64, n32, table_size_x86_64, table_size_ia32);
	}
	diag("table sizes: x86_64 %d, ia32 %d", table_size_x86_64,
	     table_size_ia32);
}

const char *all_text(void)
{
	static char buf[256];

	snprintf(buf, sizeof(buf),
		 "0-14,16-59,61-218,220-230,232-%d ia32:2-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 table_size_x86_64 - 1, table_size_ia32 - 1);
	return buf;
}

const char *ia32_all_text(void)
{
	static char buf[256];

	/* No rule names restart_syscall (ia32 0): it follows its call. */
	snprintf(buf, sizeof(buf),
		 "ia32:2-118,ia32:120-172,ia32:174-251,ia32:253-%d",
		 table_size_ia32 - 1);
	return buf;
}

const char *everything_text(void)
{
	static char buf[64];

	snprintf(buf, sizeof(buf), "0-%d ia32:0-%d", table_size_x86_64 - 1,
		 table_size_ia32 - 1);
	return buf;
}

/*
 * The list format: the x86_64 part first, then one space, then the ia32
 * items; within a part, items joined by commas, in increasing order, each
 * a maximal run ("a-b" or "a"); ia32 items each behind "ia32:"; x86_64
 * items either all bare or all behind "x86_64:". Bare x86_64 numbers are
 * taken literally (a read lists their ia32 namesakes too).
 */
int set_parse(const char *text, struct syscall_set *set)
{
	const char *p = text;
	int abi = -1, bare = -1;
	long prev = -2;
	char sep = 0;

	memset(set, 0, sizeof(*set));
	if (!*p)
		return 0;
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
			diag("read '%s': expected the list format, got an x86_64 item after ia32 items",
			     escaped(text));
			return -EINVAL;
		}
		if (sep && (sep == ' ') != (item_abi != abi)) {
			diag("read '%s': expected the list format, got '%c' before an item of %s",
			     escaped(text), sep,
			     item_abi == abi ? "the same ABI" : "another ABI");
			return -EINVAL;
		}
		if (item_abi != abi)
			prev = -2;
		abi = item_abi;
		if (abi == 0) {
			if (bare == -1) {
				bare = !prefixed;
			} else if (bare != !prefixed) {
				diag("read '%s': expected the list format, got bare and prefixed x86_64 items mixed",
				     escaped(text));
				return -EINVAL;
			}
		}
		if (*p < '0' || *p > '9' ||
		    (p[0] == '0' && p[1] >= '0' && p[1] <= '9'))
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
			diag("read '%s': expected the list format, got %ld, which does not follow %ld as a new run",
			     escaped(text), lo, prev);
			return -EINVAL;
		}
		if (hi >= (abi ? table_size_ia32 : table_size_x86_64) ||
		    hi >= SET_MAX) {
			diag("read '%s': expected numbers within the table, got %ld",
			     escaped(text), hi);
			return -EINVAL;
		}
		for (long n = lo; n <= hi; n++)
			(abi ? set->ia32 : set->x86_64)[n] = 1;
		prev = hi;
		if (!*p)
			return 0;
		if (*p != ',' && *p != ' ')
			goto bad;
		sep = *p++;
	}
bad:
	diag("read '%s': expected the list format, got '%s'", escaped(text),
	     escaped(p));
	return -EINVAL;
}

int cg_read_set(const char *cg, const char *file, struct syscall_set *set)
{
	char buf[16384];
	ssize_t n = cg_read(cg, file, buf, sizeof(buf));

	if (n < 0) {
		diag("read of %s/%s: expected success, got %s", cg_name(cg),
		     file, result_name(n));
		return n;
	}
	return set_parse(buf, set);
}

bool expect_same_set(const struct syscall_set *got,
		     const struct syscall_set *want, const char *what)
{
	for (int n = 0; n < SET_MAX; n++) {
		if (got->x86_64[n] != want->x86_64[n]) {
			diag("%s: x86_64 %d: expected %s, got %s", what, n,
			     want->x86_64[n] ? "in" : "out",
			     got->x86_64[n] ? "in" : "out");
			return false;
		}
		if (got->ia32[n] != want->ia32[n]) {
			diag("%s: ia32 %d: expected %s, got %s", what, n,
			     want->ia32[n] ? "in" : "out",
			     got->ia32[n] ? "in" : "out");
			return false;
		}
	}
	return true;
}

int cg_write_set(const char *cg, const char *file,
		 const struct syscall_set *set)
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
				if (write_rules(cg, file, buf))
					return -EIO;
				len = 0;
			}
		}
	}
	return len && write_rules(cg, file, buf) ? -EIO : 0;
}

void set_drop_always_allowed(struct syscall_set *set)
{
	for (int i = 0; i < ALWAYS_ALLOWED_X86_64; i++)
		set->x86_64[always_allowed_x86_64[i]] = 0;
	for (int i = 0; i < ALWAYS_ALLOWED_IA32; i++)
		set->ia32[always_allowed_ia32[i]] = 0;
	/* No rule names restart_syscall: it follows the call it continues. */
	set->x86_64[SYS_restart_syscall] = 0;
	set->ia32[IA32_RESTART_SYSCALL] = 0;
}


/* ---- System calls ---- */

long syscall3(long nr, long a, long b, long c)
{
	long r;

	errno = 0;
	r = syscall(nr, a, b, c);
	return r == -1 ? -errno : r;
}

#ifdef __x86_64__
long raw_syscall3(unsigned long nr, unsigned long a, unsigned long b,
		  unsigned long c)
{
	register unsigned long r10 asm("r10") = 0;
	register unsigned long r8 asm("r8") = 0;
	register unsigned long r9 asm("r9") = 0;
	unsigned long ret;

	asm volatile("syscall"
		     : "=a"(ret)
		     : "a"(nr), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8),
		       "r"(r9)
		     : "rcx", "r11", "memory");
	return (long)ret;
}

/* From this 64-bit process: the next three arguments zero. */
long int80_syscall2(unsigned long nr, unsigned long a, unsigned long b)
{
	unsigned long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(0), "S"(0), "D"(0)
		     : "r8", "r9", "r10", "r11", "memory");
	return (int)ret;
}

long int80_syscall3(unsigned long nr, unsigned long a, unsigned long b,
		    unsigned long c)
{
	unsigned long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(0), "D"(0)
		     : "r8", "r9", "r10", "r11", "memory");
	return (int)ret;
}

bool x32_syscalls_work(void)
{
	static int works = -1;

	if (works < 0)
		works = syscall3(X32_SYSCALL_BIT | SYS_getpid, 0, 0, 0) ==
			getpid();
	return works;
}
#else
/* Whatever glibc uses for its own calls (sysenter or syscall). */
long int80_syscall2(unsigned long nr, unsigned long a, unsigned long b)
{
	long ret;

	asm volatile("int $0x80" : "=a"(ret) : "a"(nr), "b"(a), "c"(b)
		     : "memory");
	return ret;
}

long int80_syscall3(unsigned long nr, unsigned long a, unsigned long b,
		    unsigned long c)
{
	long ret;

	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c), "S"(0), "D"(0)
		     : "memory");
	return ret;
}
#endif

bool expect_result(const char *what, long got, long want)
{
	if (want == ANY_SUCCESS ? (got >= 0 || got < -4095) : got == want)
		return true;
	diag("%s: expected %s, got %s", what,
	     want == ANY_SUCCESS ? "success" : result_name(want),
	     result_name(got));
	return false;
}

bool path_exists(const char *path)
{
	struct stat st;

	return lstat(path, &st) == 0;
}

bool expect_exists(const char *path, bool want)
{
	bool got = path_exists(path);

	if (got == want)
		return true;
	diag("%s: expected it %s, it %s", path,
	     want ? "to exist" : "not to exist",
	     got ? "exists" : "does not exist");
	return false;
}

long futex_op(int *uaddr, int op, int val, const struct timespec *timeout)
{
	return syscall(SYS_futex, uaddr, op, val, timeout, NULL, 0);
}

/* The futex sleeps have a timeout only so that a lost wake-up cannot hang. */
int wait_at_least(int *word, int target, double seconds)
{
	double deadline = now_seconds() + seconds;
	struct timespec ts = { 0, 200 * 1000 * 1000 };
	int v;

	while ((v = __atomic_load_n(word, __ATOMIC_SEQ_CST)) < target) {
		if (now_seconds() > deadline)
			return -1;
		futex_op(word, FUTEX_WAIT, v, &ts);
	}
	return 0;
}

void store_and_wake(int *word, int value)
{
	__atomic_store_n(word, value, __ATOMIC_SEQ_CST);
	futex_op(word, FUTEX_WAKE, INT_MAX, NULL);
}

/* ---- The kernel log ---- */

struct kmsg *kmsg;

/* Opens /dev/kmsg at its end: only records written later are read. */
int kmsg_open(void)
{
	if (!kmsg) {
		kmsg = mmap(NULL, sizeof(*kmsg), PROT_READ | PROT_WRITE,
			    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (kmsg == MAP_FAILED) {
			kmsg = NULL;
			return -ENOMEM;
		}
	} else if (kmsg->fd >= 0) {
		close(kmsg->fd);
	}
	kmsg->n = 0;
	kmsg->fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	if (kmsg->fd < 0) {
		int err = -errno;

		diag("open /dev/kmsg: expected success, got %s",
		     result_name(err));
		return err;
	}
	if (lseek(kmsg->fd, 0, SEEK_END) < 0) {
		int err = -errno;

		diag("lseek of /dev/kmsg to its end: expected success, got %s",
		     result_name(err));
		return err;
	}
	return 0;
}

void kmsg_close(void)
{
	if (kmsg && kmsg->fd >= 0)
		close(kmsg->fd);
	if (kmsg)
		kmsg->fd = -1;
}

/* Reads the records there are now; the number of new ones. */
int kmsg_read(void)
{
	char rec[8192];
	int added = 0;
	ssize_t n;

	while (kmsg->n < KMSG_MAX_LINES) {
		char *msg, *end;

		n = read(kmsg->fd, rec, sizeof(rec) - 1);
		if (n < 0 && errno == EPIPE)
			continue;	/* records lost to a wrap: go on */
		if (n <= 0)
			break;
		rec[n] = '\0';
		/* "prio,seq,time,flags;message\n[ KEY=value\n]..." */
		msg = strchr(rec, ';');
		msg = msg ? msg + 1 : rec;
		end = strchr(msg, '\n');
		if (end)
			*end = '\0';
		n = strnlen(msg, KMSG_LINE - 1);
		memcpy(kmsg->line[kmsg->n], msg, n);
		kmsg->line[kmsg->n++][n] = '\0';
		added++;
	}
	return added;
}

/* Whether line has needle; a NULL needle matches every line. */
static bool has(const char *line, const char *needle)
{
	return !needle || strstr(line, needle);
}

/* Lines that have both needles. */
int kmsg_count(const char *a, const char *b)
{
	int i, count = 0;

	for (i = 0; i < kmsg->n; i++)
		count += has(kmsg->line[i], a) && has(kmsg->line[i], b);
	return count;
}

/*
 * Reads until count lines have both needles, or seconds have passed (the
 * audit records come from kauditd, a thread of their own); the count.
 */
int kmsg_wait_for(const char *a, const char *b, int count,
			 double seconds)
{
	double deadline = now_seconds() + seconds;
	int got;

	for (;;) {
		kmsg_read();
		got = kmsg_count(a, b);
		if (got >= count || now_seconds() > deadline)
			return got;
		usleep(20 * 1000);
	}
}

/* Shows the lines read that have needle (every line if NULL). */
void kmsg_show(const char *needle)
{
	int i, shown = 0;

	for (i = 0; i < kmsg->n && shown < 20; i++) {
		if (!has(kmsg->line[i], needle))
			continue;
		diag("kernel log: %s", kmsg->line[i]);
		shown++;
	}
	if (!shown)
		diag("kernel log: no line%s%s", needle ? " with " : "",
		     needle ? needle : "");
}

/* Among the lines read, exactly one is want. */
bool expect_line(const char *want)
{
	int i, count = 0;

	for (i = 0; i < kmsg->n; i++)
		count += !strcmp(kmsg->line[i], want);
	if (count == 1)
		return true;
	diag("kernel log: expected the line '%s' once, found it %d times",
	     want, count);
	kmsg_show("syscalls_cgroup");
	return false;
}

/* ---- Privileges ---- */

int become_nobody(void)
{
	if (setgroups(0, NULL) || setresgid(NOBODY, NOBODY, NOBODY) ||
	    setresuid(NOBODY, NOBODY, NOBODY))
		return -errno;
	return 0;
}

int make_setuid_copy(const char *path)
{
	char buf[65536];
	int in, out = -1, err = 0;
	ssize_t n;

	in = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
	if (in < 0)
		return -errno;
	unlink(path);
	out = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0700);
	if (out < 0) {
		err = -errno;
		goto out;
	}
	while ((n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, n) != n) {
			err = -EIO;
			goto out;
		}
	}
	if (n < 0 || fchown(out, 0, 0) || fchmod(out, 04755))
		err = -errno;
out:
	if (out >= 0)
		close(out);
	close(in);
	if (err)
		unlink(path);
	return err;
}

/* ---- Children ---- */

static void child_unmap(struct child *c)
{
	if (c->sync)
		munmap(c->sync, 4096);
	c->sync = NULL;
}

int child_start(struct child *c, int (*fn)(void *), void *arg)
{
	c->pid = -1;
	c->sync = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (c->sync == MAP_FAILED) {
		c->sync = NULL;
		return -errno;
	}
	fflush(NULL);
	c->pid = fork();
	if (c->pid < 0) {
		int err = -errno;

		child_unmap(c);
		return err;
	}
	if (c->pid == 0) {
		alarm(CHILD_ALARM);
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

int child_go(struct child *c)
{
	if (!c->sync)
		return -EINVAL;
	__atomic_store_n(&c->sync[1], 1, __ATOMIC_SEQ_CST);
	return 0;
}

int status_result(const char *who, int status)
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
		diag("%s: expected an exit, got killed by signal %d (%s)", who,
		     WTERMSIG(status), strsignal(WTERMSIG(status)));
	return KSFT_FAIL;
}

int wait_result(pid_t pid, const char *who)
{
	int status;

	if (waitpid(pid, &status, 0) != pid) {
		diag("waitpid(%d): expected the %s, got %s", pid, who,
		     strerror(errno));
		return KSFT_FAIL;
	}
	return status_result(who, status);
}

int child_wait(struct child *c)
{
	pid_t pid = c->pid;

	child_unmap(c);
	c->pid = -1;
	if (pid <= 0)
		return KSFT_FAIL;
	return wait_result(pid, "child");
}

int child_wait_status(struct child *c)
{
	pid_t pid = c->pid;
	int status;

	child_unmap(c);
	c->pid = -1;
	if (pid <= 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (!WIFEXITED(status)) {
		status_result("child", status);
		return -1;
	}
	return WEXITSTATUS(status);
}

void kill_and_reap(pid_t pid)
{
	if (pid > 0) {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
}

void child_kill(struct child *c)
{
	child_unmap(c);
	kill_and_reap(c->pid);
	c->pid = -1;
}

/* Starts fn in a child, moves it into cg (unless NULL) and lets it go. */
static int child_start_in(struct child *c, const char *cg,
			  int (*fn)(void *), void *arg)
{
	int err = child_start(c, fn, arg);

	if (err) {
		diag("fork: expected a child, got %s", result_name(err));
		return err;
	}
	if (cg) {
		err = cg_enter_process(cg, c->pid);
		if (err) {
			diag("moving child %d into %s: expected success, got %s",
			     c->pid, cg_name(cg), result_name(err));
			child_kill(c);
			return err;
		}
	}
	err = child_go(c);
	if (err)
		child_kill(c);
	return err;
}

int run_in_cgroup(const char *cg, int (*fn)(void *), void *arg)
{
	struct child c;

	if (child_start_in(&c, cg, fn, arg))
		return KSFT_FAIL;
	return child_wait(&c);
}

int run_status_in_cgroup(const char *cg, int (*fn)(void *), void *arg)
{
	struct child c;

	if (child_start_in(&c, cg, fn, arg))
		return -1;
	return child_wait_status(&c);
}

/* ---- Probes ---- */

struct probe_message {
	long nr;
	long mode;
	char path[240];
};

/* The probe child's ends of its pipes. */
static int probe_cmd_rd[PROBE_THREADS];
static int probe_res_wr[PROBE_THREADS];

static void *probe_serve(void *arg)
{
	int i = (int)(long)arg;
	pid_t tid = gettid();
	struct probe_message m;
	long r;

	if (write(probe_res_wr[i], &tid, sizeof(tid)) != sizeof(tid))
		return NULL;
	while (read(probe_cmd_rd[i], &m, sizeof(m)) == sizeof(m)) {
		r = syscall3(m.nr, (long)m.path, m.mode, 0);
		if (write(probe_res_wr[i], &r, sizeof(r)) != sizeof(r))
			break;
	}
	return NULL;
}

int probe_start(struct probe *p, int nthreads)
{
	int cmd[PROBE_THREADS][2], res[PROBE_THREADS][2];
	int i, j;

	memset(p, 0, sizeof(*p));
	p->pid = -1;
	p->nthreads = nthreads;
	for (i = 0; i < nthreads; i++) {
		if (pipe2(cmd[i], O_CLOEXEC) || pipe2(res[i], O_CLOEXEC)) {
			diag("pipe: expected success, got %s", strerror(errno));
			return -errno;
		}
	}
	fflush(NULL);
	p->pid = fork();
	if (p->pid < 0)
		return -errno;
	if (p->pid == 0) {
		pthread_t t;

		alarm(CHILD_ALARM);
		for (i = 0; i < nthreads; i++) {
			close(cmd[i][1]);
			close(res[i][0]);
			probe_cmd_rd[i] = cmd[i][0];
			probe_res_wr[i] = res[i][1];
		}
		for (i = 1; i < nthreads; i++)
			if (pthread_create(&t, NULL, probe_serve, (void *)(long)i))
				_exit(KSFT_FAIL);
		probe_serve((void *)0);
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
			return -EIO;
	return 0;
}

long probe_call(struct probe *p, int i, long nr, const char *path, long mode)
{
	struct probe_message m = { .nr = nr, .mode = mode };
	long r;

	snprintf(m.path, sizeof(m.path), "%s", path);
	if (write(p->cmd[i], &m, sizeof(m)) != sizeof(m) ||
	    read(p->res[i], &r, sizeof(r)) != sizeof(r)) {
		diag("probe %d thread %d: expected an answer, got none",
		     p->pid, i);
		return LONG_MIN + 1;
	}
	return r;
}

bool probe_mkdir(struct probe *p, int i, const char *path, long want,
		 const char *when)
{
	char what[200];
	bool ok;

	snprintf(what, sizeof(what), "%s: mkdir by thread %d", when, i);
	ok = expect_result(what, probe_call(p, i, SYS_mkdir, path, 0755), want);
	ok &= expect_exists(path, want == 0);
	rmdir(path);
	return ok;
}

/* Its threads see end-of-file and it exits. */
void probe_stop(struct probe *p)
{
	int i;

	if (p->pid <= 0)
		return;
	for (i = 0; i < p->nthreads; i++) {
		close(p->cmd[i]);
		close(p->res[i]);
	}
	kill_and_reap(p->pid);
	p->pid = -1;
}

/* ---- Lists of calls ---- */

#ifdef __x86_64__
/*
 * A page below 4 GiB, for the arguments of int $0x80 calls. Mapped by the
 * test, so that the child makes no call but those of its list.
 */
static char *low_page;

static int map_low_page(void)
{
	if (low_page)
		return 0;
	low_page = mmap(NULL, 4096 * 2, PROT_READ | PROT_WRITE,
			MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	if (low_page == MAP_FAILED) {
		low_page = NULL;
		diag("mmap(MAP_32BIT): expected a page, got %s",
		     strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

static long make_call(const struct call *c, int slot)
{
	char *low = NULL;

	if (c->abi == CALL_INT80) {
		if (c->path) {
			low = low_page + 256 * slot;
			snprintf(low, 256, "%s", c->path);
		}
		return int80_syscall2(c->nr, (unsigned long)low, 0755);
	}
	return raw_syscall3(c->nr, (unsigned long)c->path, 0755, 0);
}

static int child_calls(void *arg)
{
	const struct calls *calls = arg;
	bool ok = true;
	int i;

	for (i = 0; i < calls->n; i++) {
		const struct call *c = &calls->c[i];
		long r = make_call(c, i);

		ok &= expect_result(c->what, r, c->want);
		if (c->path)
			ok &= expect_exists(c->path, c->want >= 0 ||
						     c->want == ANY_SUCCESS);
	}
	return ok ? KSFT_PASS : KSFT_FAIL;
}

void calls_remove_paths(const struct calls *calls)
{
	int i;

	for (i = 0; i < calls->n; i++)
		if (calls->c[i].path)
			rmdir(calls->c[i].path);
}

int run_calls(const char *cg, const struct calls *calls)
{
	int ret;

	if (map_low_page())
		return KSFT_FAIL;
	calls_remove_paths(calls);
	ret = run_in_cgroup(cg, child_calls, (void *)calls);
	calls_remove_paths(calls);
	return ret;
}
#endif

/* ---- Calls with arguments ---- */

/* The results of the last list a child made, shared with the test. */
static long *arg_results;

long make_arg_call(const struct arg_call *c)
{
	long r;

	switch (c->how) {
	case ARG_INT80:
		r = int80_syscall3(c->nr, c->arg[0], c->arg[1], c->arg[2]);
		break;
#ifdef __x86_64__
	case ARG_X32:
		r = raw_syscall3(X32_SYSCALL_BIT | c->nr, c->arg[0], c->arg[1],
				 c->arg[2]);
		break;
#endif
	default:
		errno = 0;
		r = syscall(c->nr, c->arg[0], c->arg[1], c->arg[2], 0UL, 0UL,
			    0UL);
		if (r == -1 && errno)
			r = -errno;
		break;
	}
	if (r < 0 && r >= -4095)
		return r;
	if (c->effect == EFFECT_FORK) {
		if (r == 0)
			syscall(SYS_exit, 0);
		waitpid(r, NULL, __WALL);
	} else if (c->effect == EFFECT_FD) {
		close(r);
	}
	return 0;
}

static int child_arg_calls(void *arg)
{
	const struct arg_calls *calls = arg;
	int i;

	for (i = 0; i < calls->n; i++)
		arg_results[i] = make_arg_call(&calls->c[i]);
	return KSFT_PASS;
}

int run_arg_calls(const char *cg, const struct arg_calls *calls)
{
	long unfiltered[ARG_CALLS_MAX];
	bool ok = true;
	int i;

	if (!arg_results) {
		arg_results = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
				   MAP_SHARED | MAP_ANONYMOUS, -1, 0);
		if (arg_results == MAP_FAILED) {
			arg_results = NULL;
			diag("mmap: expected a shared page, got %s",
			     strerror(errno));
			return KSFT_FAIL;
		}
	}
	if (run_in_cgroup(NULL, child_arg_calls, (void *)calls) != KSFT_PASS)
		return KSFT_FAIL;
	memcpy(unfiltered, arg_results, sizeof(unfiltered));
	for (i = 0; i < calls->n; i++) {
		const struct arg_call *c = &calls->c[i];

		if (unfiltered[i] == -ENOSYS ||
		    (c->want != UNFILTERED && unfiltered[i] == c->want)) {
			diag("%s gives %s with nothing denied: this kernel cannot show its denial",
			     c->what, result_name(unfiltered[i]));
			return KSFT_SKIP;
		}
	}
	for (i = 0; i < calls->n; i++)
		arg_results[i] = LONG_MIN;
	if (run_in_cgroup(cg, child_arg_calls, (void *)calls) != KSFT_PASS)
		return KSFT_FAIL;
	for (i = 0; i < calls->n; i++) {
		const struct arg_call *c = &calls->c[i];
		char what[256];

		snprintf(what, sizeof(what), "%s in %s%s", c->what, cg_name(cg),
			 c->want == UNFILTERED ? " (as with nothing denied)" : "");
		ok &= expect_result(what, arg_results[i],
				    c->want == UNFILTERED ? unfiltered[i] : c->want);
	}
	return ok ? KSFT_PASS : KSFT_FAIL;
}

/* ---- `all` denies every number ---- */

#define SWEEP_MAX_BAD 8

/* Filled in by the child, which cannot write anything with all denied. */
struct sweep_result {
	struct {
		int checked, bad;
		unsigned long nr[SWEEP_MAX_BAD];
		long ret[SWEEP_MAX_BAD];
	} sweep[MAX_SWEEPS];
	int done;
};

struct sweep_run {
	const struct number_sweep *sweeps;
	int n;
	struct sweep_result *res;
};

static int child_sweep(void *arg)
{
	const struct sweep_run *run = arg;
	int s, bad;
	unsigned long nr;
	long r;

	for (s = 0; s < run->n; s++) {
		const struct number_sweep *sweep = &run->sweeps[s];

		for (nr = 0; nr < sweep->count; nr++) {
			if (sweep->always_runs(nr))
				continue;
			r = sweep->call(nr);
			run->res->sweep[s].checked++;
			if (r == -ENOSYS || (nr == sweep->restart && r == -EINTR))
				continue;
			bad = run->res->sweep[s].bad++;
			if (bad < SWEEP_MAX_BAD) {
				run->res->sweep[s].nr[bad] = nr;
				run->res->sweep[s].ret[bad] = r;
			}
		}
	}
	run->res->done = 1;
	return KSFT_PASS;
}

int check_all_denies_every_number(const char *cg,
				  const struct number_sweep *sweeps, int n)
{
	struct sweep_run run = { sweeps, n, NULL };
	int ret = KSFT_FAIL, s, i;
	bool ok;

	if (n > MAX_SWEEPS)
		return KSFT_FAIL;
	run.res = mmap(NULL, sizeof(*run.res), PROT_READ | PROT_WRITE,
		       MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (run.res == MAP_FAILED) {
		run.res = NULL;
		goto cleanup;
	}
	if (cg_create_denying(cg, "all"))
		goto cleanup;
	ok = run_in_cgroup(cg, child_sweep, &run) == KSFT_PASS;
	if (!run.res->done) {
		diag("the child denied all: expected to get through its calls, it did not");
		goto cleanup;
	}
	for (s = 0; s < n; s++) {
		diag("all denied: %d %s numbers checked, %d ran",
		     run.res->sweep[s].checked, sweeps[s].name,
		     run.res->sweep[s].bad);
		for (i = 0; i < run.res->sweep[s].bad && i < SWEEP_MAX_BAD; i++)
			diag("%s call %lu with all denied: expected -ENOSYS, got %s",
			     sweeps[s].name, run.res->sweep[s].nr[i],
			     result_name(run.res->sweep[s].ret[i]));
		ok &= !run.res->sweep[s].bad;
	}
	if (ok)
		ret = KSFT_PASS;
cleanup:
	if (run.res)
		munmap(run.res, sizeof(*run.res));
	cg_destroy(cg);
	cg_reset_root();
	return ret;
}

/* ---- The tests' table ---- */

bool test_selected(int argc, char **argv, const char *name)
{
	if (argc < 2)
		return true;
	for (int i = 1; i < argc; i++) {
		if (strstr(name, argv[i]))
			return true;
	}
	return false;
}

unsigned int tests_selected(const struct syscalls_test *tests, size_t n,
			    int argc, char **argv)
{
	unsigned int count = 0;

	for (size_t i = 0; i < n; i++)
		count += test_selected(argc, argv, tests[i].name);
	return count;
}
