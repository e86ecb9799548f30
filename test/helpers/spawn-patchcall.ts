/**
 * Runs patchcall as a child process, as a shell would: the built CLI (real pipes, real stdin, real exit codes), or
 * the TypeScript sources (the CLI or a small script) for the process-level store tests.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';

const ROOT = join(__dirname, '..', '..');
export const REGISTER = join(ROOT, 'test', 'helpers', 'ts-register.cjs');
export const CLI_MAIN = join(ROOT, 'src', 'cli', 'main.ts');
export const BUILT_CLI = join(ROOT, 'dist', 'src', 'cli', 'main.js');

export interface SpawnResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export type ProcessResult = SpawnResult;

export interface RunningProcess {
  /** Resolves when the process prints a line matching `pattern` on stdout. */
  waitFor(pattern: RegExp): Promise<void>;
  done: Promise<ProcessResult>;
  pid: number;
}

export function startScript(
  script: string,
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): RunningProcess {
  const child = spawn(process.execPath, ['-r', REGISTER, script, ...args], {
    cwd: ROOT,
    env: { PATH: process.env.PATH, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  child.stdout.on('data', (chunk: Buffer) => {
    stdout += chunk.toString();
    for (const waiter of [...waiters])
      if (waiter.pattern.test(stdout)) {
        waiters.splice(waiters.indexOf(waiter), 1);
        waiter.resolve();
      }
  });
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const timer = options.timeoutMs ? setTimeout(() => child.kill('SIGKILL'), options.timeoutMs) : undefined;
  const done = new Promise<ProcessResult>((resolve) =>
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    }),
  );
  return {
    pid: child.pid!,
    done,
    waitFor: (pattern) =>
      pattern.test(stdout)
        ? Promise.resolve()
        : new Promise<void>((resolve, reject) => {
            waiters.push({ pattern, resolve });
            void done.then((result) =>
              reject(new Error(`process ended before printing ${pattern}: ${result.stderr || result.stdout}`)),
            );
          }),
  };
}

/** `patchcall <args>` in its own process. */
export function runPatchcall(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; timeoutMs?: number } = {},
): Promise<ProcessResult> {
  return startScript(CLI_MAIN, args, { timeoutMs: 60_000, ...options }).done;
}

export interface SpawnOptions {
  /** Bytes for standard input (closed after them); none: stdin is closed at once. */
  input?: string | Buffer;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Close our end of stdout after this many bytes, as `| head -c N` does: the CLI then writes into a closed pipe. */
  closeStdoutAfter?: number;
}

export function spawnPatchcall(args: string[], options: SpawnOptions = {}): Promise<SpawnResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BUILT_CLI, ...args], {
      cwd: options.cwd ?? ROOT,
      env: { PATH: process.env.PATH, HOME: process.env.HOME, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString('utf8');
      if (options.closeStdoutAfter !== undefined && stdout.length >= options.closeStdoutAfter) child.stdout.destroy();
    });
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}
