import assert from "node:assert/strict";
import { test } from "node:test";
import { errno, MODULE_WASI, SYSCALLS, type SyscallDef } from "../abi/abi.ts";
import { guest } from "./helpers/guests.ts";
import { fields, TestNode } from "./helpers/node.ts";

test("every pointer and length a call takes is bounds-checked: EFAULT, never a host exception", async () => {
  const node = new TestNode();
  const { info, lines, stderr } = await node.run(await guest("efault"), [], ["K=V"]);
  assert.equal(info.reason, "NORMAL", stderr);
  assert.equal(lines.at(-1), "survived");
  const results = fields(lines);
  // Driven by abi.ts, so a new call that takes memory fails here until the guest probes it.
  for (const call of SYSCALLS as readonly SyscallDef[]) {
    const efault = call.module === MODULE_WASI ? errno("EFAULT") : -errno("EFAULT");
    for (const param of call.params.filter((p) => p.kind === "ptr" || p.kind === "len")) {
      const label = `${call.name}.${param.name}`;
      assert.equal(results.get(label), String(efault), `${label} should be EFAULT`);
    }
  }
  assert.equal(results.get("fd_write.iov_buf"), String(errno("EFAULT")), "an iovec naming memory outside");
});
