// The smallest C guest: ordinary stdio through wasi-libc, and one onebox call.
#include <onebox.h>
#include <stdio.h>

int main(void) {
  printf("hello from pid %d\n", onebox_getpid());
  return 0;
}
