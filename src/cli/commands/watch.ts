/** `patchcall watch <url|file>`. (Being written.) */
import type { Command } from 'commander';
import type { CliRuntime } from '../cli-io';

export function registerWatch(_program: Command, _runtime: CliRuntime): void {}
