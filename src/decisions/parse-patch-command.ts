/**
 * The `/patch` command text as a command. The manifest sets `should_escape: true`, so mentions arrive as
 * `<@U123|name>` and `<!subteam^S123|@team>`: ids are read from those forms only, never from display names.
 */
import { GROUP_ID, ROLES, USER_ID, type Role } from './decision-model';

export type PatchCommand =
  | { kind: 'open'; bulletin: string }
  | { kind: 'new' }
  | { kind: 'status'; decision?: string }
  | { kind: 'assets'; decision: string }
  | { kind: 'roles' }
  | { kind: 'roles-set'; role: Role; users: string[]; groups: string[] }
  | { kind: 'export'; decision: string; format?: 'json' | 'csv' | 'md' | 'html' }
  | { kind: 'provider'; decision: string; status: string; note: string }
  | { kind: 'help'; problem?: string };

const MENTION = /<@([UW][A-Z0-9]+)(?:\|[^>]*)?>|<!subteam\^(S[A-Z0-9]+)(?:\|[^>]*)?>/g;

export function parsePatchCommand(text: string): PatchCommand {
  const words = text
    .trim()
    .split(/\s+/)
    .filter((w) => w !== '');
  const [verb, ...rest] = words;
  switch (verb?.toLowerCase()) {
    case undefined:
    case 'help':
      return { kind: 'help' };
    case 'open':
      return rest.length === 1
        ? { kind: 'open', bulletin: rest[0]! }
        : { kind: 'help', problem: 'Usage: `/patch open <bulletin id or CVE>`' };
    case 'new':
      return { kind: 'new' };
    case 'status':
      return rest.length <= 1
        ? { kind: 'status', ...(rest[0] ? { decision: rest[0] } : {}) }
        : { kind: 'help', problem: 'Usage: `/patch status [decision id]`' };
    case 'assets':
      return rest.length === 1
        ? { kind: 'assets', decision: rest[0]! }
        : { kind: 'help', problem: 'Usage: `/patch assets <decision id>`' };
    case 'export': {
      const [decision, format, ...extra] = rest;
      if (!decision || extra.length || (format !== undefined && !['json', 'csv', 'md', 'html'].includes(format))) {
        return {
          kind: 'help',
          problem: 'Usage: `/patch export <decision id> [json|csv|md|html]` (JSON and HTML when no format is given)',
        };
      }
      return { kind: 'export', decision, ...(format ? { format: format as 'json' | 'csv' | 'md' | 'html' } : {}) };
    }
    case 'roles':
      return parseRoles(rest, text);
    case 'provider': {
      const [decision, status] = rest;
      if (!decision || !status)
        return { kind: 'help', problem: 'Usage: `/patch provider <decision id> <status> <note>`' };
      // the note as typed, spacing kept: everything after the status word
      const note = text
        .trim()
        .replace(/^\S+\s+\S+\s+\S+\s*/, '')
        .trim()
        // Slack escapes &, < and > in command text; the note is stored as typed and escaped when it is shown
        .replace(/&lt;/g, '<')
        .replace(/&gt;/g, '>')
        .replace(/&amp;/g, '&');
      return { kind: 'provider', decision, status, note };
    }
    default:
      return { kind: 'help', problem: `Unknown subcommand "${verb}".` };
  }
}

function parseRoles(rest: string[], text: string): PatchCommand {
  if (rest.length === 0) return { kind: 'roles' };
  const usage = `Usage: \`/patch roles set <${ROLES.join('|')}> @person @group …\``;
  if (rest[0]!.toLowerCase() !== 'set' || rest.length < 3) return { kind: 'help', problem: usage };
  const role = rest[1]!.toLowerCase() as Role;
  if (!ROLES.includes(role)) return { kind: 'help', problem: `Unknown role "${rest[1]}". ${usage}` };
  const afterRole = text.slice(
    text.toLowerCase().indexOf(rest[1]!.toLowerCase(), text.toLowerCase().indexOf('set')) + rest[1]!.length,
  );
  const users: string[] = [];
  const groups: string[] = [];
  for (const match of afterRole.matchAll(MENTION)) {
    if (match[1] && USER_ID.test(match[1])) users.push(match[1]);
    if (match[2] && GROUP_ID.test(match[2])) groups.push(match[2]);
  }
  // anything left that is not a mention (a plain "@alice" typed without escaping) would silently be dropped
  const leftover = afterRole.replace(MENTION, '').trim();
  if (leftover !== '' || users.length + groups.length === 0) {
    return { kind: 'help', problem: `Name people and groups as Slack mentions (@person, @group). ${usage}` };
  }
  return { kind: 'roles-set', role, users: [...new Set(users)], groups: [...new Set(groups)] };
}
