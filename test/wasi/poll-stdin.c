// poll_oneoff on fd 0 together with a long clock: the input, sent only after the program
// says it waits, must wake it (not the clock), and then read() finds it.
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <wasi/api.h>

int main(void) {
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[0].u.u.fd_read.file_descriptor = 0;
  subs[1].userdata = 2;
  subs[1].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[1].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[1].u.u.clock.timeout = 120ull * 1000000000;
  __wasi_event_t events[2];
  __wasi_size_t n = 0;
  printf("waiting\n");
  fflush(stdout);
  __wasi_errno_t err = __wasi_poll_oneoff(subs, events, 2, &n);
  printf("poll errno %d events %u userdata %llu type %d\n", err, n, (unsigned long long)events[0].userdata, events[0].type);
  char buf[32] = {0};
  ssize_t got = read(0, buf, sizeof buf - 1);
  printf("read %zd %s", got, buf);
  return 0;
}
