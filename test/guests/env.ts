// Arguments, environment, clocks, randomness, stdout and stderr.
import * as ob from "onebox";
import { report } from "./report";

report("args", ob.args().slice(1).join("|"));
report("environ", ob.environ().join("|"));
const t0 = ob.monotonicNs();
ob.sleep(2);
report("monotonic", (ob.monotonicNs() > t0).toString());
report("wall", (ob.wallNs() / 1_000_000_000).toString());
const res = new StaticArray<u64>(1);
report("clock_res", ob.sys_clock_res_get(1, changetype<usize>(res)).toString() + " " + (res[0] > 0).toString());
report("clock.bad", ob.sys_clock_time_get(7, 1, changetype<usize>(res)).toString() + " " + ob.sys_clock_res_get(7, changetype<usize>(res)).toString());
const a = ob.randomBytes(32);
const b = ob.randomBytes(32);
let same = true;
for (let i = 0; i < 32; i++) same = same && a[i] == b[i];
report("random.differs", (!same).toString());
const stat = new StaticArray<u8>(24);
report("fdstat", ob.sys_fd_fdstat_get(1, changetype<usize>(stat)).toString() + " " + stat[0].toString() + " " + ob.sys_fd_fdstat_get(7, changetype<usize>(stat)).toString());
const iov = new StaticArray<u32>(2);
const written = new StaticArray<u32>(1);
report("fd_write.bad-fd", ob.sys_fd_write(5, changetype<usize>(iov), 1, changetype<usize>(written)).toString());
ob.eprint("to stderr");
