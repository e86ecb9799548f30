/** `patchcall assets (inventory)`. (Being written.) */
import type { Command } from 'commander';
import type { CliRuntime } from '../cli-io';

export function registerAssets(_program: Command, _runtime: CliRuntime): void {}
