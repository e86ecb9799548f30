/** Runs the real CLI in-process against a temporary SQLite file and captures what it prints. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runCli } from '../../src/cli/run-cli';

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any; // eslint-disable-line @typescript-eslint/no-explicit-any
}

export function tempDbPath(): string {
  return join(mkdtempSync(join(tmpdir(), 'patchcall-test-')), 'patchcall.db');
}

export async function patchcall(
  args: string[],
  options: { env?: NodeJS.ProcessEnv; now?: Date } = {},
): Promise<CliResult> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: (text) => (stdout += text),
    stderr: (text) => (stderr += text),
    interactive: false,
    env: options.env ?? {},
    user: 'tester',
    ...(options.now ? { clock: () => options.now! } : {}),
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}
