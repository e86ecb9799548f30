/** The organization's time zone for every time shown to a person: `timezone` in rules/policy.json. */
import type { AppContext } from './app-context';

/** Checked as an IANA zone when the rules folder loads (src/risk/policy.ts). */
export function displayTimeZone(ctx: AppContext): string {
  return ctx.rules.get('policy').timezone;
}
