// The onebox CLI as a user runs it: a real child process.
import { execFile } from "node:child_process";
import path from "node:path";
import { REPO } from "./guests.ts";

export interface CliResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

const MAIN = path.join(REPO, "host/cli/main.ts");

/** Run `onebox ARGS...` with the Node running the tests (24, as npx onebox would). */
export function onebox(args: readonly string[], cwd = REPO, env: NodeJS.ProcessEnv = process.env): Promise<CliResult> {
  return new Promise((resolve) => {
    execFile(process.execPath, [MAIN, ...args], { cwd, env, timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === "number" ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}
