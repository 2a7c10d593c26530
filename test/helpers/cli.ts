// The onebox CLI as a user runs it: a real child process.
import { execFile, spawn, type ChildProcess } from "node:child_process";
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

/** `onebox ARGS...` left running: its output so far, a wait for text in it, and its end. */
export interface RunningCli {
  readonly child: ChildProcess;
  stdout(): string;
  stderr(): string;
  /** Resolves once stdout has `text` (rejects if the command ends first, or after `timeoutMs`). */
  waitFor(text: string, timeoutMs?: number): Promise<void>;
  readonly ended: Promise<CliResult>;
}

export function startOnebox(args: readonly string[], cwd = REPO): RunningCli {
  const child = spawn(process.execPath, [MAIN, ...args], { cwd, stdio: ["pipe", "pipe", "pipe"] });
  let out = "";
  let err = "";
  child.stdout!.on("data", (chunk: Buffer) => (out += chunk));
  child.stderr!.on("data", (chunk: Buffer) => (err += chunk));
  const ended = new Promise<CliResult>((resolve) => child.once("close", (code, signal) => resolve({ code: code ?? (signal ? -1 : 0), stdout: out, stderr: err })));
  return {
    child,
    stdout: () => out,
    stderr: () => err,
    ended,
    waitFor(text, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const deadline = setTimeout(() => done(new Error(`no '${text}' from onebox ${args.join(" ")} within ${timeoutMs} ms; stdout:\n${out}\nstderr:\n${err}`)), timeoutMs);
        const check = () => out.includes(text) && done();
        const done = (error?: Error) => {
          clearTimeout(deadline);
          child.stdout!.off("data", check);
          if (error) reject(error);
          else resolve();
        };
        child.stdout!.on("data", check);
        void ended.then(() => done(out.includes(text) ? undefined : new Error(`onebox ${args.join(" ")} ended before '${text}'; stdout:\n${out}\nstderr:\n${err}`)));
        check();
      });
    },
  };
}
