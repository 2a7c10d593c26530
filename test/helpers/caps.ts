// What the "confined" role of test/guests/caps.ts prints, on whichever node it runs.
import { errno } from "../../abi/abi.ts";

const E = (name: Parameters<typeof errno>[0]) => -errno(name);

/** The lines a confined child prints, on any node: its parent's set travels with it. */
export const confinedLines = (): string[] => [
  "spawned=true",
  `read=true write=${E("EACCES")} create=${E("EACCES")} mkdir=${E("EACCES")}`,
  `outside=${E("EACCES")} climb=${E("EACCES")} sibling=${E("EACCES")}`,
  `spawn=${E("EPERM")}`,
  `lock=true other=${E("EACCES")} name=0 othername=${E("EACCES")}`,
  `widen=${E("EINVAL")} ${E("EINVAL")} ${E("EINVAL")} narrow=0 0 kind=${E("EINVAL")}`,
];
