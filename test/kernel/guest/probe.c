/*
 * probe: the confined test program of the kernel tests. One access per run, made with the
 * exact system call the case is about (a shell would ask for more: `: >> F` asks for create
 * as well as append), so the kernel's verdict concerns that access alone.
 * Prints "ok" and exits 0 when the access succeeds, "fail OP: ERROR" and exits 1 when not.
 */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <sched.h>
#include <unistd.h>
#include <linux/io_uring.h>

static int fail(const char *op) {
  printf("fail %s: %s\n", op, strerror(errno));
  return 1;
}

static int ok(void) {
  puts("ok");
  return 0;
}

static int open_as(const char *path, int flags) {
  int fd = open(path, flags, 0644);
  if (fd < 0) return fail("open");
  close(fd);
  return ok();
}

static int label(void) {
  char buf[256] = {0};
  int fd = open("/proc/self/attr/current", O_RDONLY);
  if (fd < 0) return fail("open attr");
  ssize_t n = read(fd, buf, sizeof buf - 1);
  close(fd);
  if (n < 0) return fail("read attr");
  fputs(buf, stdout);
  return 0;
}

static int lock(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return fail("open");
  if (flock(fd, LOCK_SH) != 0) return fail("flock");
  return ok();
}

static int mmap_exec(const char *path) {
  int fd = open(path, O_RDONLY);
  if (fd < 0) return fail("open");
  void *p = mmap(NULL, 4096, PROT_READ | PROT_EXEC, MAP_PRIVATE, fd, 0);
  if (p == MAP_FAILED) return fail("mmap");
  return ok();
}

static int sock(const char *family, const char *type) {
  int f = strcmp(family, "unix") == 0 ? AF_UNIX : strcmp(family, "inet6") == 0 ? AF_INET6 : AF_INET;
  int t = strcmp(type, "dgram") == 0 ? SOCK_DGRAM : SOCK_STREAM;
  int fd = socket(f, t, 0);
  if (fd < 0) return fail("socket");
  return ok();
}

/* A UDP socket bound and connected on the loopback: create, bind and connect in turn. */
static int udp(void) {
  int fd = socket(AF_INET, SOCK_DGRAM, 0);
  if (fd < 0) return fail("socket");
  struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
  if (bind(fd, (struct sockaddr *)&a, sizeof a) != 0) return fail("bind");
  a.sin_port = htons(9);
  if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) return fail("connect");
  return ok();
}

static void on_usr1(int sig) { (void)sig; }

/* Waits for SIGUSR1 (at most `seconds`), printing "ready" first so the sender knows when to send. */
static int wait_signal(int seconds) {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGUSR1);
  sigprocmask(SIG_BLOCK, &set, NULL);
  signal(SIGUSR1, on_usr1);
  printf("ready %d\n", getpid());
  fflush(stdout);
  struct timespec limit = {seconds > 0 ? seconds : 20, 0};
  if (sigtimedwait(&set, NULL, &limit) != SIGUSR1) return fail("sigtimedwait");
  return ok();
}

static int trace(pid_t pid) {
  if (ptrace(PTRACE_ATTACH, pid, NULL, NULL) != 0) return fail("ptrace");
  waitpid(pid, NULL, 0);
  ptrace(PTRACE_DETACH, pid, NULL, NULL);
  return ok();
}

/* pivot_root needs a mount namespace of its own and a mount point as the new root. */
static int pivot(const char *newroot) {
  if (unshare(CLONE_NEWNS) != 0) return fail("unshare");
  if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0) return fail("mount private");
  if (mount("tmpfs", newroot, "tmpfs", 0, NULL) != 0) return fail("mount");
  char old[512];
  snprintf(old, sizeof old, "%s/old", newroot);
  mkdir(old, 0755);
  if (syscall(SYS_pivot_root, newroot, old) != 0) return fail("pivot_root");
  return ok();
}

/* An io_uring with a kernel thread polling its queue: AppArmor 4's `io_uring sqpoll`. */
static int uring_sqpoll(void) {
  struct io_uring_params params;
  memset(&params, 0, sizeof params);
  params.flags = IORING_SETUP_SQPOLL;
  int fd = syscall(SYS_io_uring_setup, 4, &params);
  if (fd < 0) return fail("io_uring_setup");
  return ok();
}

/* A copy of the mount at SRC attached at DST with the new mount API: mediated from 6.12 on. */
static int move_tree(const char *src, const char *dst) {
  int fd = syscall(SYS_open_tree, AT_FDCWD, src, OPEN_TREE_CLONE);
  if (fd < 0) return fail("open_tree");
  if (syscall(SYS_move_mount, fd, "", AT_FDCWD, dst, MOVE_MOUNT_F_EMPTY_PATH) != 0) return fail("move_mount");
  return ok();
}

int main(int argc, char **argv) {
  setvbuf(stdout, NULL, _IOLBF, 0);
  if (argc < 2) { fputs("usage: probe OP ARGS...\n", stderr); return 2; }
  const char *op = argv[1];
  const char *a = argc > 2 ? argv[2] : "";
  const char *b = argc > 3 ? argv[3] : "";
  if (!strcmp(op, "read")) return open_as(a, O_RDONLY);
  if (!strcmp(op, "write")) return open_as(a, O_WRONLY);
  if (!strcmp(op, "create")) return open_as(a, O_WRONLY | O_CREAT | O_EXCL);
  if (!strcmp(op, "append")) return open_as(a, O_WRONLY | O_APPEND);
  if (!strcmp(op, "link")) return link(a, b) == 0 ? ok() : fail("link");
  if (!strcmp(op, "rename")) return rename(a, b) == 0 ? ok() : fail("rename");
  if (!strcmp(op, "lock")) return lock(a);
  if (!strcmp(op, "mmapx")) return mmap_exec(a);
  if (!strcmp(op, "label")) return label();
  if (!strcmp(op, "exec")) { execv(a, argv + 2); return fail("exec"); }
  if (!strcmp(op, "nice")) return setpriority(PRIO_PROCESS, 0, -5) == 0 ? ok() : fail("setpriority");
  if (!strcmp(op, "socket")) return sock(a, b);
  if (!strcmp(op, "udp")) return udp();
  if (!strcmp(op, "kill")) return kill(atoi(a), SIGUSR1) == 0 ? ok() : fail("kill");
  if (!strcmp(op, "waitsig")) return wait_signal(atoi(a));
  if (!strcmp(op, "ptrace")) return trace(atoi(a));
  if (!strcmp(op, "mount")) return mount("tmpfs", a, "tmpfs", 0, NULL) == 0 ? ok() : fail("mount");
  if (!strcmp(op, "umount")) return umount(a) == 0 ? ok() : fail("umount");
  if (!strcmp(op, "pivot_root")) return pivot(a);
  if (!strcmp(op, "userns")) return unshare(CLONE_NEWUSER) == 0 ? ok() : fail("unshare");
  if (!strcmp(op, "uring_sqpoll")) return uring_sqpoll();
  if (!strcmp(op, "move_mount")) return move_tree(a, b);
  fprintf(stderr, "probe: unknown op %s\n", op);
  return 2;
}
