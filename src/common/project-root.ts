/** The folder holding patchcall's package.json, found from this file whether it runs from src/ or dist/src/. */
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ConfigError } from './errors';

let cached: string | undefined;

export function projectRoot(): string {
  if (cached) return cached;
  let dir = __dirname;
  for (;;) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest) && JSON.parse(readFileSync(manifest, 'utf8')).name === 'patchcall') return (cached = dir);
    const parent = dirname(dir);
    if (parent === dir)
      throw new ConfigError(`cannot find patchcall's own package.json above ${__dirname}: reinstall it (npm ci)`);
    dir = parent;
  }
}
