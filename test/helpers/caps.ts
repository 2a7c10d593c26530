// What the "confined" and "give" roles of test/guests/caps.ts print, on whichever node they run.
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

/** The lines of "give", whose parent runs on `home`: the path handed over is spelled on that node. */
export const givenLines = (home: string): string[] => [
  `kind=${E("EINVAL")} give=0`,
  `before=${E("EACCES")} gift=1 /n/${home}/data from-parent=true`,
  `after=true write=${E("EACCES")} sibling=${E("EACCES")}`,
  // The parent's lock prefixes are all of them, but the taker's are too: only the path is more than it holds.
  `pass-rw=${E("EINVAL")} pass-lock=0 pass-narrower=0`,
];
