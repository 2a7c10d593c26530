// Time, sleeping, number parsing and poll_oneoff through wasi-libc (built with
// -D_WASI_EMULATED_PROCESS_CLOCKS -lwasi-emulated-process-clocks for clock()). It prints
// only what does not depend on the moment it runs, so node:wasi prints the same.
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <wasi/api.h>

static long long ms_now(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

int main(void) {
  printf("time is after 2023: %d\n", time(NULL) > 1700000000);
  time_t when = 86400L * 365 + 3723;
  char text[64];
  strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S %A %j", gmtime(&when));
  printf("strftime %s\n", text);

  int i = 0;
  float f = 0;
  char word[16] = {0};
  printf("sscanf %d -> %d %.2f %s\n", sscanf("12 3.5 word", "%d %f %15s", &i, &f, word), i, f, word);
  printf("strtoul %lu strtoull %llu strtol %ld\n", strtoul("ffff", 0, 16), strtoull("18446744073709551615", 0, 10), strtol("-2147483648", 0, 10));
  printf("atof %.3f\n", atof("2.718"));

  clock_t c0 = clock();
  long long t0 = ms_now();
  struct timespec nap = {0, 30 * 1000000};
  int slept = nanosleep(&nap, NULL);
  long long waited = ms_now() - t0;
  printf("nanosleep %d waited at least 30 ms: %d\n", slept, waited >= 29);
  printf("clock runs forward: %d\n", clock() >= c0);
  long long t1 = ms_now();
  sleep(0);
  printf("sched_yield %d\n", sched_yield());
  printf("monotonic never goes back: %d\n", ms_now() >= t1);

  // Two clocks: the earlier one (userdata 2) fires first, alone.
  __wasi_subscription_t subs[2];
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 1;
  subs[0].u.tag = __WASI_EVENTTYPE_CLOCK;
  subs[0].u.u.clock.id = __WASI_CLOCKID_MONOTONIC;
  subs[0].u.u.clock.timeout = 2000ull * 1000000;
  subs[1] = subs[0];
  subs[1].userdata = 2;
  subs[1].u.u.clock.timeout = 20ull * 1000000;
  __wasi_event_t events[2];
  __wasi_size_t n = 0;
  t0 = ms_now();
  __wasi_errno_t err = __wasi_poll_oneoff(subs, events, 2, &n);
  printf("poll clocks: errno %d events %u first %llu type %d waited at least 20 ms: %d\n", err, n, (unsigned long long)events[0].userdata, events[0].type, ms_now() - t0 >= 19);

  // An absolute deadline on the realtime clock, 1 s ahead: node:wasi waits without end for one
  // already past when it reads it (likely why a 20 ms margin once hung there on a loaded machine).
  subs[0].u.u.clock.id = __WASI_CLOCKID_REALTIME;
  struct timespec real;
  clock_gettime(CLOCK_REALTIME, &real);
  subs[0].u.u.clock.timeout = (unsigned long long)real.tv_sec * 1000000000ull + real.tv_nsec + 1000ull * 1000000;
  subs[0].u.u.clock.flags = __WASI_SUBCLOCKFLAGS_SUBSCRIPTION_CLOCK_ABSTIME;
  t0 = ms_now();
  err = __wasi_poll_oneoff(subs, events, 1, &n);
  printf("poll absolute deadline: errno %d events %u userdata %llu waited: %d\n", err, n, (unsigned long long)events[0].userdata, ms_now() - t0 >= 15);

  // Writing to stdout is always ready, and a descriptor that is not open is an event with
  // EBADF; node:wasi refuses both subscriptions (EPERM), so these go to stderr, not compared.
  memset(subs, 0, sizeof subs);
  subs[0].userdata = 7;
  subs[0].u.tag = __WASI_EVENTTYPE_FD_WRITE;
  subs[0].u.u.fd_write.file_descriptor = 1;
  subs[1].userdata = 8;
  subs[1].u.tag = __WASI_EVENTTYPE_FD_READ;
  subs[1].u.u.fd_read.file_descriptor = 99;
  err = __wasi_poll_oneoff(subs, events, 2, &n);
  fprintf(stderr, "poll fds: errno %d events %u", err, n);
  for (__wasi_size_t k = 0; k < n; k++) fprintf(stderr, " [%llu type %d error %d]", (unsigned long long)events[k].userdata, events[k].type, events[k].error);
  fprintf(stderr, "\n");
  printf("poll nothing: errno %d\n", __wasi_poll_oneoff(subs, events, 0, &n));
  return 0;
}
