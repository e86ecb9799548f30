/** The organization's time zone for every time shown to a person: `timezone` in rules/policy.json. */
import { join } from 'node:path';
import { PatchcallError } from '../common/errors';
import { DEFAULT_DISPLAY_ZONE } from '../common/time-format';
import { loadRulesJson } from './rules-data';

const zones = new Map<string, string>();

export function displayTimeZone(rulesDir: string): string {
  const cached = zones.get(rulesDir);
  if (cached) return cached;
  const policy = loadRulesJson(rulesDir, 'policy.json') as { timezone?: unknown };
  const zone = policy?.timezone ?? DEFAULT_DISPLAY_ZONE;
  try {
    if (typeof zone !== 'string') throw new Error();
    new Intl.DateTimeFormat('en', { timeZone: zone });
  } catch {
    throw new PatchcallError(
      'CONFIG',
      `${join(rulesDir, 'policy.json')}: /timezone ${JSON.stringify(zone)} is not an IANA time zone (e.g. "Europe/Berlin")`,
    );
  }
  zones.set(rulesDir, zone);
  return zone;
}
