#!/usr/bin/env node
/** Entry point of the `patchcall` binary. */
import { userInfo } from 'node:os';
import { runCli } from './run-cli';

function osUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'unknown';
  }
}

runCli(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  interactive: Boolean(process.stderr.isTTY),
  env: process.env,
  user: osUser(),
}).then((code) => {
  process.exitCode = code;
});
