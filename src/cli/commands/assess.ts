/** `patchcall assess <bulletin>`. (Being written.) */
import type { Command } from 'commander';
import type { CliRuntime } from '../cli-io';

export function registerAssess(_program: Command, _runtime: CliRuntime): void {}
