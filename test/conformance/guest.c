// The conformance guest in C: the checks of guest.ts, in the same order, printing the
// same lines (see there). argv[1] is "main", or a child's role: "exit STATUS", "park",
// "hold LOCK".
#include <onebox.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define TAG_HELD 5
#define PARK 99

static int check_no = 0;
static char detail[256];

/** Record the first failure of a check; later ones are dropped, as guest.ts's first(). */
static void failed(const char *fmt, ...) {
  if (detail[0]) return;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(detail, sizeof detail, fmt, ap);
  va_end(ap);
}

static void check(const char *name) {
  check_no++;
  if (detail[0]) printf("not ok %d %s: %s\n", check_no, name, detail);
  else printf("ok %d %s\n", check_no, name);
  detail[0] = 0;
}

static void fails(const char *what, int64_t r, int32_t want) {
  if (r != -want) failed("%s: got %lld, want -%d", what, (long long)r, want);
}

static void succeeds(const char *what, int64_t r) {
  if (r < 0) failed("%s: errno %lld", what, (long long)-r);
}

static int32_t spawn_self(const char *args, size_t len) {
  return onebox_spawn("", args, len, "", 0, "");
}

static int32_t send_text(int32_t pid, int32_t tag, const char *text) {
  return onebox_send(pid, tag, text, strlen(text));
}

static int32_t park(void) {
  static const int32_t tags[] = {PARK};
  char buf[1];
  onebox_recv_info_t info;
  return onebox_recv(tags, 1, ONEBOX_TIMEOUT_INFINITE, buf, sizeof buf, &info);
}

/** recv into a NUL-terminated `text`: the length, or a negated errno. */
static int32_t recv_text(const int32_t *tags, int32_t count, int32_t timeout, char *text, size_t size, onebox_recv_info_t *info) {
  int32_t n = onebox_recv(tags, count, timeout, text, size - 1, info);
  text[n < 0 ? 0 : n] = 0;
  return n;
}

static int64_t lock(const char *name, int32_t timeout) {
  uint64_t token;
  int32_t r = onebox_lock(name, timeout, &token);
  return r < 0 ? r : (int64_t)token;
}

static int64_t trylock(const char *name) {
  uint64_t token;
  int32_t r = onebox_trylock(name, &token);
  return r < 0 ? r : (int64_t)token;
}

static int64_t seek(int32_t fd, int64_t offset, int32_t whence) {
  uint64_t pos;
  int32_t r = onebox_seek(fd, offset, whence, &pos);
  return r < 0 ? r : (int64_t)pos;
}

static int main_checks(int argc, char **argv) {
  onebox_wait_status_t st;
  onebox_recv_info_t info;
  char text[64];
  int32_t me = onebox_getpid();

  if (me <= 0 || onebox_getppid() != 0) failed("getpid %d getppid %d", me, onebox_getppid());
  check("pids");

  int32_t pid = spawn_self("exit\0" "7", sizeof "exit\0" "7");
  if (pid < 0) failed("spawn: %s", onebox_errno_name(pid));
  int32_t r = onebox_wait(pid, &st);
  if (r < 0) failed("wait: %s", onebox_errno_name(r));
  else if (r != pid || st.status != 7 || st.reason != ONEBOX_REASON_NORMAL) failed("status %d reason %d", st.status, st.reason);
  check("spawn-wait");

  pid = spawn_self("exit\0" "0", sizeof "exit\0" "0");
  r = onebox_wait(ONEBOX_WAIT_ANY, &st);
  if (r != pid) failed("wait returned %d", r);
  check("wait-any");

  fails("wait any", onebox_wait(ONEBOX_WAIT_ANY, &st), ONEBOX_ECHILD);
  fails("wait 12345", onebox_wait(12345, &st), ONEBOX_ECHILD);
  check("wait-echild");

  fails("missing", onebox_spawn("/missing.wasm", "", 0, "", 0, ""), ONEBOX_ENOENT);
  fails("not wasm", onebox_spawn("/not-wasm.txt", "", 0, "", 0, ""), ONEBOX_ENOEXEC);
  check("spawn-errors");

  int32_t parked = spawn_self("park", sizeof "park");
  r = onebox_kill(parked);
  if (r != 0) failed("kill: %d", r);
  else if (onebox_wait(parked, &st) < 0) failed("wait failed");
  else if (st.status != 137 || st.reason != ONEBOX_REASON_KILLED) failed("status %d reason %d", st.status, st.reason);
  check("kill");

  fails("kill", onebox_kill(parked), ONEBOX_ESRCH);
  fails("send", send_text(parked, 1, "x"), ONEBOX_ESRCH);
  check("kill-esrch");

  send_text(me, 1, "a");
  send_text(me, 2, "b");
  send_text(me, 3, "c");
  char got[32] = "";
  static const int32_t three_nine[] = {3, 9};
  size_t at = 0;
  r = recv_text(three_nine, 2, ONEBOX_TIMEOUT_INFINITE, text, sizeof text, &info);
  at += snprintf(got + at, sizeof got - at, r < 0 ? "-" : "%d%s%s", info.tag, text, info.sender == me ? "" : "?");
  r = recv_text(NULL, 0, ONEBOX_TIMEOUT_INFINITE, text, sizeof text, &info);
  at += snprintf(got + at, sizeof got - at, r < 0 ? " -" : " %d%s", info.tag, text);
  r = recv_text(NULL, 0, 0, text, sizeof text, &info);
  snprintf(got + at, sizeof got - at, r < 0 ? " -" : " %d%s", info.tag, text);
  if (strcmp(got, "3c 1a 2b") != 0) failed("got %s", got);
  check("send-recv-tags");

  fails("recv", onebox_recv(NULL, 0, 0, text, sizeof text, &info), ONEBOX_EAGAIN);
  check("recv-eagain");

  send_text(me, 1, "queued");
  static const int32_t five[] = {5}, one[] = {1}, four[] = {4};
  fails("recv", onebox_recv(five, 1, 20, text, sizeof text, &info), ONEBOX_ETIMEDOUT);
  r = recv_text(one, 1, 0, text, sizeof text, &info);
  if (r < 0 || strcmp(text, "queued") != 0) failed("queued message lost");
  check("recv-etimedout");

  // E2BIG: a message longer than the buffer stays queued, its length in recv_info.len.
  send_text(me, 4, "12345678");
  char small[4];
  fails("recv", onebox_recv(NULL, 0, 0, small, sizeof small, &info), ONEBOX_E2BIG);
  int32_t len = info.len;
  r = recv_text(four, 1, 0, text, sizeof text, &info);
  if (len != 8 || r != 8 || strcmp(text, "12345678") != 0) failed("len %d", len);
  check("recv-e2big");

  fails("send", send_text(me, -2, "x"), ONEBOX_EINVAL);
  check("send-einval");

  int32_t rw = ONEBOX_O_READ | ONEBOX_O_WRITE | ONEBOX_O_CREATE | ONEBOX_O_TRUNC;
  fails("open before mkdir", onebox_open("/d/f", rw), ONEBOX_ENOENT);
  succeeds("mkdir", onebox_mkdir("/d"));
  int32_t fd = onebox_open("/d/f", rw);
  if (fd < 3) failed("open: %d", fd);
  if (onebox_write(fd, "hello world", 11) != 11) failed("write");
  if (seek(fd, 6, ONEBOX_SEEK_SET) != 6) failed("seek set");
  char buf[6] = "";
  if (onebox_read(fd, buf, 5) != 5 || strcmp(buf, "world") != 0) failed("read");
  if (seek(fd, 0, ONEBOX_SEEK_END) != 11) failed("seek end");
  succeeds("close", onebox_close(fd));
  onebox_stat_t s;
  if (onebox_stat("/d/f", &s) < 0 || s.size != 11 || s.kind != ONEBOX_KIND_FILE) failed("stat");
  char names[64];
  r = onebox_readdir("/d", names, sizeof names);
  if (r != 2 || strcmp(names, "f") != 0) failed("readdir");
  succeeds("rename", onebox_rename("/d/f", "/d/g"));
  fails("open renamed", onebox_open("/d/f", ONEBOX_O_READ), ONEBOX_ENOENT);
  fails("unlink full dir", onebox_unlink("/d"), ONEBOX_ENOTEMPTY);
  succeeds("unlink", onebox_unlink("/d/g"));
  succeeds("rmdir", onebox_unlink("/d"));
  check("files");

  fails("read", onebox_read(999, buf, 5), ONEBOX_EBADF);
  fails("close", onebox_close(999), ONEBOX_EBADF);
  check("file-ebadf");

  fails("open", onebox_open("/missing", ONEBOX_O_READ), ONEBOX_ENOENT);
  if (onebox_stat("/missing", &s) != -ONEBOX_ENOENT) failed("stat");
  check("file-enoent");

  fails("open", onebox_open("/escape/secret", ONEBOX_O_READ), ONEBOX_EACCES);
  fails("open via ..", onebox_open("/../escape/secret", ONEBOX_O_READ), ONEBOX_EACCES);
  check("file-eacces");

  int64_t t1 = lock("L", ONEBOX_TIMEOUT_INFINITE);
  if (t1 <= 0) failed("lock: %lld", (long long)t1);
  fails("relock", lock("L", ONEBOX_TIMEOUT_INFINITE), ONEBOX_EDEADLK);
  succeeds("unlock", onebox_unlock("L"));
  fails("unlock again", onebox_unlock("L"), ONEBOX_EPERM);
  if (trylock("L") <= t1) failed("token did not grow");
  succeeds("unlock", onebox_unlock("L"));
  check("locks");

  int32_t holder = spawn_self("hold\0H", sizeof "hold\0H");
  static const int32_t held[] = {TAG_HELD};
  onebox_recv(held, 1, ONEBOX_TIMEOUT_INFINITE, text, sizeof text, &info);
  fails("trylock", trylock("H"), ONEBOX_EBUSY);
  fails("lock", lock("H", 20), ONEBOX_ETIMEDOUT);
  onebox_kill(holder);
  onebox_wait(holder, &st);
  if (lock("H", ONEBOX_TIMEOUT_INFINITE) <= 0) failed("not released on death");
  succeeds("unlock", onebox_unlock("H"));
  check("lock-busy");

  succeeds("register", onebox_register("conf"));
  if (onebox_whereis("conf") != me) failed("whereis");
  fails("register again", onebox_register("conf"), ONEBOX_EEXIST);
  succeeds("unregister", onebox_unregister("conf"));
  fails("whereis", onebox_whereis("conf"), ONEBOX_ENOENT);
  fails("unregister again", onebox_unregister("conf"), ONEBOX_ENOENT);
  check("registry");

  static const int32_t down_tag[] = {ONEBOX_TAG_DOWN};
  int32_t watched = spawn_self("park", sizeof "park");
  int32_t ref = onebox_monitor(watched);
  onebox_kill(watched);
  r = onebox_recv(down_tag, 1, ONEBOX_TIMEOUT_INFINITE, text, sizeof text, &info);
  onebox_wait(watched, &st);
  onebox_down_message_t down;
  memcpy(&down, text, sizeof down);
  if (ref <= 0) failed("monitor: %d", ref);
  else if (r < 0) failed("down missing");
  else if (down.pid != watched || down.reason != ONEBOX_REASON_KILLED || down.status != 137) failed("pid %d reason %d", down.pid, down.reason);
  check("monitor");

  int32_t ref2 = onebox_monitor(watched);
  r = onebox_recv(down_tag, 1, 0, text, sizeof text, &info);
  memcpy(&down, text, sizeof down);
  if (r < 0 || down.reason != ONEBOX_REASON_KILLED) failed("no KILLED down for a process that ended");
  fails("demonitor fired", onebox_demonitor(ref2), ONEBOX_EINVAL);
  check("monitor-ended");

  succeeds("sleep", onebox_sleep(1));
  fails("sleep -1", onebox_sleep(-1), ONEBOX_EINVAL);
  check("sleep");

  if (argc != 2 || strcmp(argv[1], "main") != 0) failed("argc %d", argc);
  check("args");
  return 0;
}

int main(int argc, char **argv) {
  const char *role = argc > 1 ? argv[1] : "";
  if (strcmp(role, "exit") == 0) onebox_exit(atoi(argv[2]));
  if (strcmp(role, "park") == 0) return park() < 0;
  if (strcmp(role, "hold") == 0) {
    uint64_t token;
    onebox_lock(argv[2], ONEBOX_TIMEOUT_INFINITE, &token);
    send_text(onebox_getppid(), TAG_HELD, "held");
    return park() < 0;
  }
  return main_checks(argc, argv);
}
