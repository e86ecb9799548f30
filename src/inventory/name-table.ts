/**
 * The name tables in rules/names/*.json: OS names (CMDB, SMB, nmap, osquery, and advisories' OS product names) and
 * product names (inventories, KEV's vendor and product) mapped to CPE 2.3 and package URLs. Data an organization
 * extends: a file of its own in rules/names/ is read before the shipped ones, so its rows win. Validated at load by the
 * rules folder, which hands the table to the importers and to matching: nothing here reads a file.
 */
import { InputError } from '../common/errors';
import { pointer } from '../common/json-pointer';
import { assertValid, createValidator } from '../common/json-schema';
import schema from '../../rules/schemas/names.schema.json';
import { toCpe23, withCpeAttributes } from './cpe';

export interface NameRow {
  match: string;
  cpe: string;
  purls?: string[];
  componentOf?: string;
  library?: boolean;
  note?: string;
}

export interface NameTableFile {
  kind: 'patchcall/names';
  table: 'os' | 'products';
  names: NameRow[];
}

interface CompiledRow {
  pattern: RegExp;
  cpe: string;
  purls: string[];
  note?: string;
  where: string;
}

export interface NormalizedName {
  cpe?: string;
  /** What the table says about the name, e.g. "NT 6.1 is Windows 7 or Windows Server 2008 R2". */
  note?: string;
  /** Package URLs (without version) the same product is installed as. */
  purls?: string[];
  /** The table row that decided, for the reasons: "rules/names/os.json /names/12". */
  row?: string;
}

const validate = createValidator(schema);
const SHIPPED = ['os.json', 'products.json'];

/** Validates one table file's content; `file` names it in errors. */
export function readNameTableFile(value: unknown, file: string): NameTableFile {
  const table = assertValid<NameTableFile>(validate, value, file, 'name table');
  table.names.forEach((row, i) => {
    try {
      new RegExp(row.match, 'i');
    } catch (error) {
      throw new InputError(file, `match is not a regular expression: ${(error as Error).message}`, {
        pointer: pointer('names', i, 'match'),
      });
    }
  });
  return table;
}

export class NameTable {
  private readonly os: CompiledRow[] = [];
  private readonly products: CompiledRow[] = [];
  /** purl without version ("pkg:maven/org.apache.logging.log4j/log4j-core") → the row's CPE vendor:product. */
  private readonly purlIdentity = new Map<string, string>();
  /** Product identity → the OS identity prefix it ships with, and the row's note. */
  private readonly components = new Map<string, { os: string; note?: string }>();
  /** Product identities that are libraries: program listings cannot prove them absent. */
  private readonly libraries = new Set<string>();

  constructor(files: { file: string; table: NameTableFile }[]) {
    for (const { file, table } of files) {
      const rows = table.table === 'os' ? this.os : this.products;
      table.names.forEach((row, i) => {
        rows.push({
          pattern: new RegExp(row.match, 'i'),
          cpe: row.cpe,
          purls: row.purls ?? [],
          ...(row.note ? { note: row.note } : {}),
          where: `${file} ${pointer('names', i)}`,
        });
        for (const purl of row.purls ?? []) this.purlIdentity.set(purl.toLowerCase(), identityOfPrefix(row.cpe));
        if (row.library) this.libraries.add(identityOfPrefix(row.cpe));
        if (row.componentOf)
          this.components.set(identityOfPrefix(row.cpe), {
            os: row.componentOf.toLowerCase(),
            ...(row.note ? { note: row.note } : {}),
          });
      });
    }
  }

  /**
   * The CPE 2.3 of an OS name. `servicePack` is a separate inventory column ("Service Pack 2", "SP2", "2", "");
   * when neither it nor the name states one, the update stays as the row says ("*": unknown, matched as "possibly").
   */
  normalizeOs(name: string, servicePack?: string): NormalizedName {
    const text = name.replace(/\s+/g, ' ').trim();
    const fromCpe = /^cpe:/i.test(text) ? toCpe23(text) : undefined;
    if (fromCpe) return { cpe: fromCpe };
    return this.apply(this.os, text, servicePack);
  }

  /** The CPE of a product name ("Apache Tomcat", KEV's "Apache Log4j2"), with the purls it is installed as. */
  normalizeProduct(name: string): NormalizedName {
    return this.apply(this.products, name.replace(/\s+/g, ' ').trim(), undefined);
  }

  /** The CPE identity (part:vendor:product) a versionless purl belongs to, per the product table. */
  identityOfPurl(purlWithoutVersion: string): string | undefined {
    return this.purlIdentity.get(purlWithoutVersion.toLowerCase());
  }

  /** A library or runtime component (Log4j, OpenSSL), per the table: only a complete SBOM proves it absent. */
  isLibrary(identity: string): boolean {
    return this.libraries.has(identity);
  }

  /** The OS a product ships with ("a:microsoft:server_message_block" → "o:microsoft:windows"), per the table. */
  componentOf(identity: string): { os: string; note?: string } | undefined {
    return this.components.get(identity);
  }

  private apply(rows: CompiledRow[], text: string, servicePack: string | undefined): NormalizedName {
    const row = rows.find((r) => r.pattern.test(text));
    if (!row) return {};
    const groups = row.pattern.exec(text)!;
    const prefix = row.cpe.replace('{1}', groups[1] ? quoteCpe(groups[1].toLowerCase()) : '*');
    const update = readServicePack(servicePack) ?? readServicePack(text) ?? (/\bRTM\b/i.test(text) ? '-' : undefined);
    const cpe = withCpeAttributes(`cpe:2.3:${prefix}`, { update, target_hw: readArchitecture(text) });
    return {
      cpe,
      ...(row.note ? { note: row.note } : {}),
      ...(row.purls.length ? { purls: row.purls } : {}),
      row: row.where,
    };
  }
}

/** "o:cisco:ios:12.2\(55\)se" or a full CPE → "o:cisco:ios". */
export function identityOfPrefix(cpe: string): string {
  return cpe
    .replace(/^cpe:2\.3:/i, '')
    .split(/(?<!\\):/)
    .slice(0, 3)
    .join(':')
    .toLowerCase();
}

/** Characters outside CPE's unquoted set are quoted with a backslash, as CPE 2.3 formatted strings require. */
function quoteCpe(value: string): string {
  return value.replace(/[^a-z0-9._-]/gi, (c) => `\\${c}`);
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

/** One rules/names/*.json file as read: its file name, the path to name it by in reasons and errors, its content. */
export interface NameTableSource {
  name: string;
  file: string;
  value: unknown;
}

/**
 * The name tables of one rules folder: an organization's own files first (in name order), then the shipped ones, so
 * the first matching row is the organization's.
 */
export function nameTableOf(sources: NameTableSource[]): NameTable {
  const own = sources.filter((s) => !SHIPPED.includes(s.name)).sort((a, b) => (a.name < b.name ? -1 : 1));
  const shipped = SHIPPED.flatMap((name) => sources.filter((s) => s.name === name));
  return new NameTable(
    [...own, ...shipped].map((s) => ({ file: `rules/names/${s.name}`, table: readNameTableFile(s.value, s.file) })),
  );
}
