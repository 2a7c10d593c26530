// Two processes bounce a message ROUNDS times (default 10000), with the protocol of
// examples/pingpong: `onebox run main.wasm [ROUNDS [PONG]]`. The pinger spawns PONG (a
// namespace path; by default another copy of itself) with the argument "pong"; the ponger
// echoes every PING message to its parent and stops after echoing an empty one. Either
// side can therefore be the AssemblyScript program.
#include <onebox.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define PING 1

static const int32_t ping_only[] = {PING};

static int failed(const char *call, int32_t result) {
  fprintf(stderr, "pingpong: %s: %s\n", call, onebox_errno_name(result));
  return 1;
}

static int32_t recv_ping(void *buf, size_t len) {
  onebox_recv_info_t info;
  return onebox_recv(ping_only, 1, ONEBOX_TIMEOUT_INFINITE, buf, len, &info);
}

static int pong(void) {
  int32_t parent = onebox_getppid();
  char buf[4096];
  for (;;) {
    int32_t n = recv_ping(buf, sizeof buf);
    if (n < 0) return failed("recv", n);
    int32_t sent = onebox_send(parent, PING, buf, (size_t)n);
    if (sent < 0) return failed("send", sent);
    if (n == 0) return 0;
  }
}

static double now_us(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec * 1e6 + (double)ts.tv_nsec / 1e3;
}

static int ping(int rounds, const char *peer) {
  // spawn takes its arguments NUL-terminated and back to back: sizeof keeps the NUL.
  int32_t child = onebox_spawn(peer, "pong", sizeof "pong", "", 0, "");
  if (child < 0) return failed("spawn", child);
  char payload[16] = {0};
  char echo[sizeof payload];
  double started = now_us();
  for (int i = 0; i < rounds; i++) {
    int32_t r = onebox_send(child, PING, payload, sizeof payload);
    if (r < 0) return failed("send", r);
    r = recv_ping(echo, sizeof echo);
    if (r < 0) return failed("recv", r);
  }
  double mean_us = (now_us() - started) / rounds;
  int32_t r = onebox_send(child, PING, payload, 0);
  if (r >= 0) r = recv_ping(echo, sizeof echo);
  if (r < 0) return failed("stop", r);
  onebox_wait_status_t status;
  r = onebox_wait(child, &status);
  if (r < 0) return failed("wait", r);
  if (status.reason != ONEBOX_REASON_NORMAL || status.status != 0) {
    fprintf(stderr, "pingpong: ponger ended: %s, status %d\n", onebox_reason_name(status.reason), status.status);
    return 1;
  }
  printf("%d round trips, mean %.2f us\n", rounds, mean_us);
  return 0;
}

int main(int argc, char **argv) {
  if (argc > 1 && strcmp(argv[1], "pong") == 0) return pong();
  int rounds = argc > 1 ? atoi(argv[1]) : 10000;
  if (rounds <= 0) {
    fprintf(stderr, "usage: pingpong [ROUNDS [PONG]]\n");
    return 2;
  }
  return ping(rounds, argc > 2 ? argv[2] : "");
}
