// Calls every ABI function that takes guest memory with one pointer, then one length,
// outside memory, printing `call.param=result`. The test checks each against abi.ts.
import * as ob from "onebox";

// Far past the memory of any guest (the cap is far below 4 GiB).
const BAD: usize = 0xffff_ff00;
// No buffer in this guest is that long.
const HUGE: usize = 0x7fff_0000;

const scratch = new Uint8Array(64);
const S = scratch.dataStart;

function bytes(s: string): ArrayBuffer {
  return String.UTF8.encode(s, false);
}
const nameBuf = bytes("efault-probe");
const N = changetype<usize>(nameBuf);
const NL = <usize>nameBuf.byteLength;
const fileBuf = bytes("probe.txt");
const F = changetype<usize>(fileBuf);
const FL = <usize>fileBuf.byteLength;

function report(label: string, result: i32): void {
  ob.print(label + "=" + result.toString());
}

const fd = ob.open("probe.txt", ob.O_READ | ob.O_WRITE | ob.O_CREATE);
const me = ob.getpid();

report("spawn.path_ptr", ob.sys_spawn(BAD, 4, S, 0, S, 0, S, 0));
report("spawn.path_len", ob.sys_spawn(S, HUGE, S, 0, S, 0, S, 0));
report("spawn.args_ptr", ob.sys_spawn(S, 0, BAD, 4, S, 0, S, 0));
report("spawn.args_len", ob.sys_spawn(S, 0, S, HUGE, S, 0, S, 0));
report("spawn.env_ptr", ob.sys_spawn(S, 0, S, 0, BAD, 4, S, 0));
report("spawn.env_len", ob.sys_spawn(S, 0, S, 0, S, HUGE, S, 0));
report("spawn.node_ptr", ob.sys_spawn(S, 0, S, 0, S, 0, BAD, 4));
report("spawn.node_len", ob.sys_spawn(S, 0, S, 0, S, 0, S, HUGE));
const M = ob.SPAWN_MONITOR;
report("spawn_opt.path_ptr", ob.sys_spawn_opt(BAD, 4, S, 0, S, 0, S, 0, M, S));
report("spawn_opt.path_len", ob.sys_spawn_opt(S, HUGE, S, 0, S, 0, S, 0, M, S));
report("spawn_opt.args_ptr", ob.sys_spawn_opt(S, 0, BAD, 4, S, 0, S, 0, M, S));
report("spawn_opt.args_len", ob.sys_spawn_opt(S, 0, S, HUGE, S, 0, S, 0, M, S));
report("spawn_opt.env_ptr", ob.sys_spawn_opt(S, 0, S, 0, BAD, 4, S, 0, M, S));
report("spawn_opt.env_len", ob.sys_spawn_opt(S, 0, S, 0, S, HUGE, S, 0, M, S));
report("spawn_opt.node_ptr", ob.sys_spawn_opt(S, 0, S, 0, S, 0, BAD, 4, M, S));
report("spawn_opt.node_len", ob.sys_spawn_opt(S, 0, S, 0, S, 0, S, HUGE, M, S));
// Checked before the child is made: a bad pointer spawns nothing.
report("spawn_opt.monitor_ref_ptr", ob.sys_spawn_opt(S, 0, S, 0, S, 0, S, 0, M, BAD));
report("wait.status_ptr", ob.sys_wait(ob.WAIT_ANY, BAD));
report("record.path_ptr", ob.sys_record(BAD, 4));
report("record.path_len", ob.sys_record(F, HUGE));
report("childcap.text_ptr", ob.sys_childcap(ob.CAP_LOCK_PREFIX, BAD, 4));
report("childcap.text_len", ob.sys_childcap(ob.CAP_LOCK_PREFIX, S, HUGE));
report("capgive.text_ptr", ob.sys_capgive(me, ob.CAP_LOCK_PREFIX, BAD, 4));
report("capgive.text_len", ob.sys_capgive(me, ob.CAP_LOCK_PREFIX, S, HUGE));

report("send.data_ptr", ob.sys_send(me, 0, BAD, 4));
report("send.data_len", ob.sys_send(me, 0, S, HUGE));
report("recv.tags_ptr", ob.sys_recv(BAD, 1, 0, S, 64, S));
report("recv.buf_ptr", ob.sys_recv(S, 0, 0, BAD, 64, S));
report("recv.buf_len", ob.sys_recv(S, 0, 0, S, HUGE, S));
report("recv.info_ptr", ob.sys_recv(S, 0, 0, S, 64, BAD));

report("open.path_ptr", ob.sys_open(BAD, 4, ob.O_READ));
report("open.path_len", ob.sys_open(F, HUGE, ob.O_READ));
report("read.buf_ptr", ob.sys_read(fd, BAD, 4));
report("read.buf_len", ob.sys_read(fd, S, HUGE));
report("write.data_ptr", ob.sys_write(fd, BAD, 4));
report("write.data_len", ob.sys_write(fd, S, HUGE));
report("seek.pos_ptr", ob.sys_seek(fd, 0, ob.SEEK_SET, BAD));
report("stat.path_ptr", ob.sys_stat(BAD, 4, S));
report("stat.path_len", ob.sys_stat(F, HUGE, S));
report("stat.stat_ptr", ob.sys_stat(F, FL, BAD));
report("readdir.path_ptr", ob.sys_readdir(BAD, 4, S, 64));
report("readdir.path_len", ob.sys_readdir(S, HUGE, S, 64));
report("readdir.buf_ptr", ob.sys_readdir(S, 0, BAD, 64));
report("readdir.buf_len", ob.sys_readdir(S, 0, S, HUGE));
report("mkdir.path_ptr", ob.sys_mkdir(BAD, 4));
report("mkdir.path_len", ob.sys_mkdir(N, HUGE));
report("unlink.path_ptr", ob.sys_unlink(BAD, 4));
report("unlink.path_len", ob.sys_unlink(F, HUGE));
report("rename.from_ptr", ob.sys_rename(BAD, 4, N, NL));
report("rename.from_len", ob.sys_rename(F, HUGE, N, NL));
report("rename.to_ptr", ob.sys_rename(F, FL, BAD, 4));
report("rename.to_len", ob.sys_rename(F, FL, N, HUGE));
report("fence.name_ptr", ob.sys_fence(fd, BAD, 4, 1));
report("fence.name_len", ob.sys_fence(fd, N, HUGE, 1));

report("lock.name_ptr", ob.sys_lock(BAD, 4, 0, S));
report("lock.name_len", ob.sys_lock(N, HUGE, 0, S));
report("lock.token_ptr", ob.sys_lock(N, NL, 0, BAD));
report("lamport.time_ptr", ob.sys_lamport(BAD));
report("trylock.name_ptr", ob.sys_trylock(BAD, 4, S));
report("trylock.name_len", ob.sys_trylock(N, HUGE, S));
report("trylock.token_ptr", ob.sys_trylock(N, NL, BAD));
report("unlock.name_ptr", ob.sys_unlock(BAD, 4));
report("unlock.name_len", ob.sys_unlock(N, HUGE));
report("register.name_ptr", ob.sys_register(BAD, 4));
report("register.name_len", ob.sys_register(N, HUGE));
report("unregister.name_ptr", ob.sys_unregister(BAD, 4));
report("unregister.name_len", ob.sys_unregister(N, HUGE));
report("whereis.name_ptr", ob.sys_whereis(BAD, 4));
report("whereis.name_len", ob.sys_whereis(N, HUGE));

report("args_sizes_get.argc_ptr", ob.sys_args_sizes_get(BAD, S));
report("args_sizes_get.buf_size_ptr", ob.sys_args_sizes_get(S, BAD));
report("args_get.argv_ptr", ob.sys_args_get(BAD, S));
report("args_get.buf_ptr", ob.sys_args_get(S, BAD));
report("environ_sizes_get.count_ptr", ob.sys_environ_sizes_get(BAD, S));
report("environ_sizes_get.buf_size_ptr", ob.sys_environ_sizes_get(S, BAD));
report("environ_get.environ_ptr", ob.sys_environ_get(BAD, S));
report("environ_get.buf_ptr", ob.sys_environ_get(S, BAD));
report("clock_time_get.time_ptr", ob.sys_clock_time_get(1, 1, BAD));
report("clock_res_get.res_ptr", ob.sys_clock_res_get(1, BAD));
report("random_get.buf_ptr", ob.sys_random_get(BAD, 4));
report("random_get.buf_len", ob.sys_random_get(S, HUGE));
// One iovec {BAD, 4}: the vector is readable, the buffer it names is not.
store<u32>(S, <u32>BAD);
store<u32>(S + 4, 4);
report("fd_write.iovs_ptr", ob.sys_fd_write(1, BAD, 1, S + 16));
report("fd_write.iov_buf", ob.sys_fd_write(1, S, 1, S + 16));
report("fd_write.iovs_len", ob.sys_fd_write(1, S + 8, HUGE, S + 16));
report("fd_write.nwritten_ptr", ob.sys_fd_write(1, S + 8, 0, BAD));
report("fd_fdstat_get.stat_ptr", ob.sys_fd_fdstat_get(1, BAD));
report("fd_seek.pos_ptr", ob.sys_fd_seek(fd, 0, ob.SEEK_SET, BAD));

// WASI's file calls: `fd` is a file, 3 the preopened namespace root; S+8 names zero iovecs.
const DIR = 3;
report("fd_read.iovs_ptr", ob.sys_fd_read(fd, BAD, 1, S + 16));
report("fd_read.iovs_len", ob.sys_fd_read(fd, S + 8, HUGE, S + 16));
report("fd_read.nread_ptr", ob.sys_fd_read(fd, S + 8, 0, BAD));
report("fd_pread.iovs_ptr", ob.sys_fd_pread(fd, BAD, 1, 0, S + 16));
report("fd_pread.iovs_len", ob.sys_fd_pread(fd, S + 8, HUGE, 0, S + 16));
report("fd_pread.nread_ptr", ob.sys_fd_pread(fd, S + 8, 0, 0, BAD));
report("fd_pwrite.iovs_ptr", ob.sys_fd_pwrite(fd, BAD, 1, 0, S + 16));
report("fd_pwrite.iovs_len", ob.sys_fd_pwrite(fd, S + 8, HUGE, 0, S + 16));
report("fd_pwrite.nwritten_ptr", ob.sys_fd_pwrite(fd, S + 8, 0, 0, BAD));
report("fd_tell.pos_ptr", ob.sys_fd_tell(fd, BAD));
report("fd_filestat_get.buf_ptr", ob.sys_fd_filestat_get(fd, BAD));
report("fd_readdir.buf_ptr", ob.sys_fd_readdir(DIR, BAD, 64, 0, S + 16));
report("fd_readdir.buf_len", ob.sys_fd_readdir(DIR, S, HUGE, 0, S + 16));
report("fd_readdir.bufused_ptr", ob.sys_fd_readdir(DIR, S, 64, 0, BAD));
report("fd_prestat_get.buf_ptr", ob.sys_fd_prestat_get(DIR, BAD));
report("fd_prestat_dir_name.path_ptr", ob.sys_fd_prestat_dir_name(DIR, BAD, 4));
report("fd_prestat_dir_name.path_len", ob.sys_fd_prestat_dir_name(DIR, S, HUGE));
report("path_open.path_ptr", ob.sys_path_open(DIR, 1, BAD, 4, 0, 0, 0, 0, S + 16));
report("path_open.path_len", ob.sys_path_open(DIR, 1, F, HUGE, 0, 0, 0, 0, S + 16));
report("path_open.fd_ptr", ob.sys_path_open(DIR, 1, F, FL, 0, 2, 0, 0, BAD));
report("path_create_directory.path_ptr", ob.sys_path_create_directory(DIR, BAD, 4));
report("path_create_directory.path_len", ob.sys_path_create_directory(DIR, N, HUGE));
report("path_remove_directory.path_ptr", ob.sys_path_remove_directory(DIR, BAD, 4));
report("path_remove_directory.path_len", ob.sys_path_remove_directory(DIR, N, HUGE));
report("path_unlink_file.path_ptr", ob.sys_path_unlink_file(DIR, BAD, 4));
report("path_unlink_file.path_len", ob.sys_path_unlink_file(DIR, N, HUGE));
report("path_rename.old_path_ptr", ob.sys_path_rename(DIR, BAD, 4, DIR, N, NL));
report("path_rename.old_path_len", ob.sys_path_rename(DIR, F, HUGE, DIR, N, NL));
report("path_rename.new_path_ptr", ob.sys_path_rename(DIR, F, FL, DIR, BAD, 4));
report("path_rename.new_path_len", ob.sys_path_rename(DIR, F, FL, DIR, N, HUGE));
report("path_symlink.old_path_ptr", ob.sys_path_symlink(BAD, 4, DIR, N, NL));
report("path_symlink.old_path_len", ob.sys_path_symlink(F, HUGE, DIR, N, NL));
report("path_symlink.new_path_ptr", ob.sys_path_symlink(F, FL, DIR, BAD, 4));
report("path_symlink.new_path_len", ob.sys_path_symlink(F, FL, DIR, N, HUGE));
report("path_readlink.path_ptr", ob.sys_path_readlink(DIR, BAD, 4, S, 64, S + 16));
report("path_readlink.path_len", ob.sys_path_readlink(DIR, F, HUGE, S, 64, S + 16));
report("path_readlink.buf_ptr", ob.sys_path_readlink(DIR, F, FL, BAD, 4, S + 16));
report("path_readlink.buf_len", ob.sys_path_readlink(DIR, F, FL, S, HUGE, S + 16));
report("path_readlink.bufused_ptr", ob.sys_path_readlink(DIR, F, FL, S, 64, BAD));
report("path_link.old_path_ptr", ob.sys_path_link(DIR, 0, BAD, 4, DIR, N, NL));
report("path_link.old_path_len", ob.sys_path_link(DIR, 0, F, HUGE, DIR, N, NL));
report("path_link.new_path_ptr", ob.sys_path_link(DIR, 0, F, FL, DIR, BAD, 4));
report("path_link.new_path_len", ob.sys_path_link(DIR, 0, F, FL, DIR, N, HUGE));
report("path_filestat_get.path_ptr", ob.sys_path_filestat_get(DIR, 1, BAD, 4, S));
report("path_filestat_get.path_len", ob.sys_path_filestat_get(DIR, 1, F, HUGE, S));
report("path_filestat_get.buf_ptr", ob.sys_path_filestat_get(DIR, 1, F, FL, BAD));
report("path_filestat_set_times.path_ptr", ob.sys_path_filestat_set_times(DIR, 1, BAD, 4, 0, 0, 0));
report("path_filestat_set_times.path_len", ob.sys_path_filestat_set_times(DIR, 1, F, HUGE, 0, 0, 0));
report("poll_oneoff.in_ptr", ob.sys_poll_oneoff(BAD, S, 1, S + 16));
report("poll_oneoff.out_ptr", ob.sys_poll_oneoff(S, BAD, 1, S + 16));
report("poll_oneoff.nsubscriptions", ob.sys_poll_oneoff(S, S, HUGE, S + 16));
report("poll_oneoff.nevents_ptr", ob.sys_poll_oneoff(S, S, 1, BAD));
report("sock_accept.fd_ptr", ob.sys_sock_accept(fd, 0, BAD));
report("sock_recv.ri_data_ptr", ob.sys_sock_recv(fd, BAD, 1, 0, S, S + 4));
report("sock_recv.ri_data_len", ob.sys_sock_recv(fd, S + 8, HUGE, 0, S, S + 4));
report("sock_recv.ro_datalen_ptr", ob.sys_sock_recv(fd, S + 8, 0, 0, BAD, S + 4));
report("sock_recv.ro_flags_ptr", ob.sys_sock_recv(fd, S + 8, 0, 0, S, BAD));
report("sock_send.si_data_ptr", ob.sys_sock_send(fd, BAD, 1, 0, S));
report("sock_send.si_data_len", ob.sys_sock_send(fd, S + 8, HUGE, 0, S));
report("sock_send.so_datalen_ptr", ob.sys_sock_send(fd, S + 8, 0, 0, BAD));
ob.print("survived");
