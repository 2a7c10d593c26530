// What test/guests/links.ts "main" reports, on one node or across three.
import { errno } from "../../abi/abi.ts";

const E = (name: Parameters<typeof errno>[0]) => String(-errno(name));

/** What the links guest reports wherever its children run; the cluster test checks the same. */
export const LINK_REPORT = {
  "trap.was": "0",
  "trap.bad": `1 0 ${E("EINVAL")}`,
  link: "0 0",
  "trap.exit": "true trap",
  "trap.wait": "134/2",
  unlink: "0 0",
  "unlink.wait": "134/2",
  "unlink.no-exit": E("EAGAIN"),
  "link.remote": "0",
  "linked.killed": "true killed",
  "linked.partner": "137/6",
  "spawn-link.normal": "true normal true",
  "spawn-monitor.down": "true trap true",
  "spawn-link.exit": "true trap",
  "spawn-opt.wait": "134/2",
  "monitor-after.down": "true trap",
  linkdie: "137/6",
  "link.gone": E("ESRCH"),
  "spawn-opt.bad-flags": E("EINVAL"),
};
