/** `patchcall export <decision>`. (Being written.) */
import type { Command } from 'commander';
import type { CliRuntime } from '../cli-io';

export function registerExport(_program: Command, _runtime: CliRuntime): void {}
