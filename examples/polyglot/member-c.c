// The C member of examples/polyglot's ring (see main.ts for the protocol): wait for the
// next member's pid, then append "c:PID" to every token and pass it on until told to stop.
#include <onebox.h>
#include <stdio.h>
#include <string.h>

#define TAG_NEXT 1
#define TAG_TOKEN 2
#define TAG_STOP 3

static int failed(const char *call, int32_t result) {
  fprintf(stderr, "polyglot member-c: %s: %s\n", call, onebox_errno_name(result));
  return 1;
}

int main(void) {
  static const int32_t next_tag[] = {TAG_NEXT};
  static const int32_t token_tags[] = {TAG_TOKEN, TAG_STOP};
  onebox_recv_info_t info;
  int32_t next;
  int32_t r = onebox_recv(next_tag, 1, ONEBOX_TIMEOUT_INFINITE, &next, sizeof next, &info);
  if (r != sizeof next) return failed("recv next", r);
  char trail[4096];
  for (;;) {
    int32_t n = onebox_recv(token_tags, 2, ONEBOX_TIMEOUT_INFINITE, trail, sizeof trail - 32, &info);
    if (n < 0) return failed("recv token", n);
    if (info.tag == TAG_STOP) return 0;
    n += snprintf(trail + n, 32, "%sc:%d", n > 0 ? "," : "", (int)onebox_getpid());
    r = onebox_send(next, TAG_TOKEN, trail, (size_t)n);
    if (r < 0) return failed("send", r);
  }
}
