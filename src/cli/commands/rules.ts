/** `patchcall rules check|test`. (Being written.) */
import type { Command } from 'commander';
import type { CliRuntime } from '../cli-io';

export function registerRules(_program: Command, _runtime: CliRuntime): void {}
