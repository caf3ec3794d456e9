/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Helpers shared by the syscalls cgroup selftests: mounting the v1
 * hierarchy and reading and writing its files. Cgroup names are relative to
 * the hierarchy's root ("" is the root itself).
 */
#ifndef SYSCALLS_UTIL_H
#define SYSCALLS_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/types.h>
#include <unistd.h>

#define SC_BASE "/sys/fs/cgroup"
#define SC_ROOT SC_BASE "/syscalls"

static inline const char *sc_path(char *buf, size_t len, const char *cg,
				  const char *file)
{
	snprintf(buf, len, "%s%s%s%s%s", SC_ROOT, *cg ? "/" : "", cg,
		 file ? "/" : "", file ? file : "");
	return buf;
}

/* Mounts the syscalls hierarchy unless it is mounted; 0 or -errno. */
static inline int sc_mount(void)
{
	struct stat st;

	if (stat(SC_ROOT "/syscalls.deny", &st) == 0)
		return 0;
	mkdir(SC_BASE, 0755);
	if (stat(SC_BASE "/syscalls", &st) != 0) {
		if (mount("cgroup_root", SC_BASE, "tmpfs", 0, NULL) && errno != EBUSY)
			return -errno;
		if (mkdir(SC_ROOT, 0755) && errno != EEXIST)
			return -errno;
	}
	if (mount("syscalls", SC_ROOT, "cgroup", 0, "syscalls"))
		return -errno;
	return 0;
}

/* Writes text to a file of a cgroup in one write(); 0 or -errno. */
static inline int sc_write(const char *cg, const char *file, const char *text)
{
	char path[4096];
	ssize_t n;
	int fd, err = 0;

	fd = open(sc_path(path, sizeof(path), cg, file), O_WRONLY);
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

/*
 * Reads a file of a cgroup into buf byte for byte, newline included, and
 * NUL-terminates it; the length read or -errno.
 */
static inline ssize_t sc_read_raw(const char *cg, const char *file, char *buf,
				  size_t len)
{
	char path[4096];
	ssize_t n, total = 0;
	int fd;

	fd = open(sc_path(path, sizeof(path), cg, file), O_RDONLY);
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

/*
 * Reads a file of a cgroup into buf, without the final newline; the length
 * read or -errno.
 */
static inline ssize_t sc_read(const char *cg, const char *file, char *buf,
			      size_t len)
{
	ssize_t total = sc_read_raw(cg, file, buf, len);

	if (total > 0 && buf[total - 1] == '\n')
		buf[--total] = '\0';
	return total;
}

/* Whether a cgroup's file reads exactly as expected. */
static inline int sc_reads(const char *cg, const char *file, const char *want)
{
	char buf[16384];

	if (sc_read(cg, file, buf, sizeof(buf)) < 0)
		return 0;
	if (strcmp(buf, want)) {
		fprintf(stderr, "# %s/%s: expected '%s', read '%s'\n",
			*cg ? cg : "(root)", file, want, buf);
		return 0;
	}
	return 1;
}

static inline int sc_mkdir(const char *cg)
{
	char path[4096];

	if (mkdir(sc_path(path, sizeof(path), cg, NULL), 0755) && errno != EEXIST)
		return -errno;
	return 0;
}

static inline int sc_rmdir(const char *cg)
{
	char path[4096];

	return rmdir(sc_path(path, sizeof(path), cg, NULL)) ? -errno : 0;
}

/* Moves a whole process (every thread) into a cgroup; 0 or -errno. */
static inline int sc_enter(const char *cg, pid_t pid)
{
	char text[32];

	snprintf(text, sizeof(text), "%d", pid);
	return sc_write(cg, "cgroup.procs", text);
}

/* Moves one thread into a cgroup; 0 or -errno. */
static inline int sc_enter_thread(const char *cg, pid_t tid)
{
	char text[32];

	snprintf(text, sizeof(text), "%d", tid);
	return sc_write(cg, "tasks", text);
}

#endif /* SYSCALLS_UTIL_H */
