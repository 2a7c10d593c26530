// Reads standard input to its end with stdio and prints what it saw: onebox run forwards
// its own stdin to fd 0. Compared line by line with node:wasi on the same input.
#include <ctype.h>
#include <stdio.h>
#include <unistd.h>

int main(void) {
  char line[256];
  int lines = 0;
  long bytes = 0, checksum = 0;
  while (fgets(line, sizeof line, stdin)) {
    lines++;
    for (char *p = line; *p; p++) {
      bytes++;
      checksum = (checksum * 31 + (unsigned char)*p) % 1000000007;
      *p = (char)toupper((unsigned char)*p);
    }
    if (lines <= 3) printf("line %d: %s", lines, line);
  }
  char more;
  printf("lines %d bytes %ld checksum %ld eof %d read after eof %zd\n", lines, bytes, checksum, feof(stdin), read(0, &more, 1));
  return 0;
}
