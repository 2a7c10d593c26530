// WASI preview1 calls made directly (wasi/api.h), for what wasi-libc never shows a C
// program: the preopen, readdir cookies, rights, renumber, signals, sockets. Prints one
// `name=value` line per check; the test knows the answers.
#include <stdio.h>
#include <string.h>
#include <wasi/api.h>

// wasi-libc's header leaves proc_raise out (its raise() is emulated): the raw import.
int32_t raw_proc_raise(int32_t sig) __attribute__((__import_module__("wasi_snapshot_preview1"), __import_name__("proc_raise")));
enum { SIGNAL_TERM = 15, SIGNAL_CHLD = 16 };

#define CHECK(name, expr) printf("%s=%d\n", name, (int)(expr))

int main(void) {
  __wasi_prestat_t pre;
  CHECK("prestat.3", __wasi_fd_prestat_get(3, &pre));
  CHECK("prestat.3.len", pre.u.dir.pr_name_len);
  char name[8] = {0};
  CHECK("prestat_dir_name.short", __wasi_fd_prestat_dir_name(3, (uint8_t *)name, 0));
  CHECK("prestat_dir_name", __wasi_fd_prestat_dir_name(3, (uint8_t *)name, sizeof name));
  printf("preopen.name=%s\n", name);
  CHECK("prestat.4", __wasi_fd_prestat_get(4, &pre));

  // A directory with three files, read back two entries at a time by cookie.
  CHECK("mkdir", __wasi_path_create_directory(3, "d"));
  const char *files[] = {"d/c", "d/a", "d/b"};
  for (int i = 0; i < 3; i++) {
    __wasi_fd_t f;
    (void)__wasi_path_open(3, 0, files[i], __WASI_OFLAGS_CREAT, __WASI_RIGHTS_FD_WRITE, 0, 0, &f);
    (void)__wasi_fd_close(f);
  }
  __wasi_fd_t dir;
  CHECK("open.dir", __wasi_path_open(3, 0, "d", __WASI_OFLAGS_DIRECTORY, __WASI_RIGHTS_FD_READDIR, 0, 0, &dir));
  uint8_t buf[256];
  __wasi_size_t used;
  __wasi_dircookie_t cookie = 0;
  for (int round = 0; round < 4; round++) {
    // Room for a bit more than one entry: the second is cut, and read again from its cookie.
    __wasi_errno_t err = __wasi_fd_readdir(dir, buf, sizeof(__wasi_dirent_t) * 2 + 1, cookie, &used);
    if (err != 0 || used == 0) break;
    __wasi_dirent_t entry;
    memcpy(&entry, buf, sizeof entry);
    printf("readdir.%d=%.*s next %llu type %d\n", round, (int)entry.d_namlen, buf + sizeof entry, (unsigned long long)entry.d_next, entry.d_type);
    cookie = entry.d_next;
  }
  CHECK("readdir.closed", __wasi_fd_readdir(99, buf, sizeof buf, 0, &used));
  __wasi_fd_t file;
  CHECK("open.ro", __wasi_path_open(3, 0, "d/a", 0, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_SEEK, 0, 0, &file));
  CHECK("readdir.notdir", __wasi_fd_readdir(file, buf, sizeof buf, 0, &used));
  __wasi_ciovec_t out = {(const uint8_t *)"x", 1};
  CHECK("write.readonly", __wasi_fd_write(file, &out, 1, &used));
  CHECK("rights.widen", __wasi_fd_fdstat_set_rights(file, __WASI_RIGHTS_FD_READ | __WASI_RIGHTS_FD_WRITE, 0));
  CHECK("rights.narrow", __wasi_fd_fdstat_set_rights(file, __WASI_RIGHTS_FD_READ, 0));
  __wasi_filesize_t pos;
  CHECK("seek.narrowed", __wasi_fd_seek(file, 0, __WASI_WHENCE_SET, &pos));
  __wasi_fdstat_t st;
  CHECK("fdstat", __wasi_fd_fdstat_get(file, &st));
  CHECK("fdstat.filetype", st.fs_filetype);
  CHECK("fdstat.rights", st.fs_rights_base == __WASI_RIGHTS_FD_READ);
  CHECK("fdstat.dir", __wasi_fd_fdstat_get(dir, &st) + st.fs_filetype * 100);
  CHECK("set_flags.append", __wasi_fd_fdstat_set_flags(file, __WASI_FDFLAGS_APPEND));
  CHECK("set_flags.nonblock", __wasi_fd_fdstat_set_flags(file, __WASI_FDFLAGS_NONBLOCK));
  CHECK("advise", __wasi_fd_advise(file, 0, 10, __WASI_ADVICE_SEQUENTIAL));
  CHECK("advise.bad", __wasi_fd_advise(file, 0, 10, 9));
  CHECK("oflags.bad", __wasi_path_open(3, 0, "d/a", 64, 0, 0, 0, &file));
  CHECK("open.absolute", __wasi_path_open(3, 0, "/d/a", 0, __WASI_RIGHTS_FD_READ, 0, 0, &file));
  CHECK("open.dotdot", __wasi_path_open(3, 0, "../../d/a", 0, __WASI_RIGHTS_FD_READ, 0, 0, &file) == 0);
  CHECK("open.file.as.dir", __wasi_path_open(3, 0, "d/a", __WASI_OFLAGS_DIRECTORY, 0, 0, 0, &file));
  CHECK("symlink", __wasi_path_symlink("a", 3, "d/l"));
  CHECK("open.nofollow", __wasi_path_open(3, 0, "d/l", 0, __WASI_RIGHTS_FD_READ, 0, 0, &file));
  CHECK("open.follow", __wasi_path_open(3, __WASI_LOOKUPFLAGS_SYMLINK_FOLLOW, "d/l", 0, __WASI_RIGHTS_FD_READ, 0, 0, &file));
  CHECK("symlink.absolute", __wasi_path_symlink("/etc/passwd", 3, "d/abs"));
  __wasi_fd_t a, b;
  (void)__wasi_path_open(3, 0, "d/a", 0, __WASI_RIGHTS_FD_READ, 0, 0, &a);
  (void)__wasi_path_open(3, 0, "d/b", 0, __WASI_RIGHTS_FD_READ, 0, 0, &b);
  CHECK("renumber", __wasi_fd_renumber(a, b));
  CHECK("renumber.gone", __wasi_fd_close(a));
  CHECK("renumber.moved", __wasi_fd_close(b));
  CHECK("renumber.stdio", __wasi_fd_renumber(dir, 1));
  CHECK("renumber.bad", __wasi_fd_renumber(dir, 99));
  CHECK("times.both", __wasi_fd_filestat_set_times(dir, 1, 1, __WASI_FSTFLAGS_ATIM | __WASI_FSTFLAGS_ATIM_NOW));
  CHECK("allocate", __wasi_path_open(3, 0, "d/c", 0, __WASI_RIGHTS_FD_ALLOCATE | __WASI_RIGHTS_FD_FILESTAT_GET, 0, 0, &file) + __wasi_fd_allocate(file, 100, 23));
  __wasi_filestat_t fst;
  CHECK("allocate.size", __wasi_fd_filestat_get(file, &fst) + (int)fst.size);
  CHECK("sync.dir", __wasi_fd_sync(dir));
  CHECK("datasync", __wasi_fd_datasync(file));
  CHECK("sock_accept", __wasi_sock_accept(file, 0, &a));
  CHECK("sock_shutdown.stdout", __wasi_sock_shutdown(1, __WASI_SDFLAGS_WR));
  CHECK("sock_shutdown.bad", __wasi_sock_shutdown(99, __WASI_SDFLAGS_WR));
  CHECK("rename.unknown-node", __wasi_path_rename(3, "d/c", 3, "n/elsewhere/c"));
  CHECK("raise.ignored", raw_proc_raise(SIGNAL_CHLD));
  CHECK("raise.bad", raw_proc_raise(99));
  fflush(stdout);
  raw_proc_raise(SIGNAL_TERM);
  printf("not reached\n");
  return 0;
}
