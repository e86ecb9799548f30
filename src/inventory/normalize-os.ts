/**
 * OS names as inventories write them ("Windows Server 2003, Standard Edition" + "Service Pack 2", "Windows 2000
 * Server", "cpe:/o:microsoft:windows_2000::sp4") normalized to CPE 2.3 through the data table in os-names.json.
 */
import table from './os-names.json';
import { toCpe23, withCpeAttributes } from './cpe';

interface NameRule {
  match: RegExp;
  cpe: string;
  note?: string;
}

const RULES: NameRule[] = table.names.map((entry) => ({
  match: new RegExp(entry.match, 'i'),
  cpe: entry.cpe,
  ...('note' in entry && entry.note ? { note: entry.note } : {}),
}));

export interface NormalizedOs {
  cpe?: string;
  /** What the table says about the name, e.g. "NT 6.1 is Windows 7 or Windows Server 2008 R2". */
  note?: string;
}

/**
 * The CPE 2.3 of an OS name. `servicePack` is a separate inventory column ("Service Pack 2", "SP2", "2", "");
 * when neither it nor the name states one, the update stays "*" (unknown), which matching reports as "possibly".
 */
export function normalizeOs(name: string, servicePack?: string): NormalizedOs {
  const text = name.replace(/\s+/g, ' ').trim();
  const fromCpe = /^cpe:/i.test(text) ? toCpe23(text) : undefined;
  if (fromCpe) return { cpe: fromCpe };
  const rule = RULES.find((r) => r.match.test(text));
  if (!rule) return {};
  const groups = rule.match.exec(text)!;
  const prefix = rule.cpe.replace('{1}', (groups[1] ?? '*').toLowerCase() || '*');
  const update = readServicePack(servicePack) ?? readServicePack(text) ?? (/\bRTM\b/i.test(text) ? '-' : undefined);
  const cpe = withCpeAttributes(`cpe:2.3:${prefix}`, { update, target_hw: readArchitecture(text) });
  return rule.note ? { cpe, note: rule.note } : { cpe };
}

/** "Service Pack 2", "SP2", "sp 2", "2" → "sp2"; "none"/"RTM"/"0" → "-"; nothing stated → undefined. */
export function readServicePack(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const value = text.trim();
  if (/^(none|rtm|0|sp0|-)$/i.test(value)) return '-';
  const sp = /\b(?:service pack|sp)\s*(\d+)\b/i.exec(value) ?? /^(\d+)$/.exec(value);
  return sp ? `sp${sp[1]}` : undefined;
}

function readArchitecture(text: string): string | undefined {
  if (/\b(x64|amd64|64-bit|x86_64)\b/i.test(text)) return 'x64';
  if (/\b(itanium|ia-?64)\b/i.test(text)) return 'itanium';
  if (/\b(x86|32-bit|i386)\b/i.test(text)) return 'x86';
  return undefined;
}
