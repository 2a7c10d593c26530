// What test guests share: results as `key=value` lines for the tests to compare.
import * as ob from "onebox";

export function report(key: string, value: string): void {
  ob.print(key + "=" + value);
}

/** A negative errno for a call that answered null. */
export function failed(): string {
  return "-" + ob.errno().toString();
}

/** Wait for `pid` and say how it ended: `status/reason`, or the errno. */
export function ended(pid: i32): string {
  const st = ob.wait(pid);
  return st == null ? failed() : st.status.toString() + "/" + st.reason.toString();
}
