/**
 * OSV records (https://ossf.github.io/osv-schema/): GitHub's advisory database (GHSA, npm/PyPI/Maven … with version
 * ranges), Ubuntu's notices (USN) and Debian's advisories (DSA/DLA) as their publishers export them.
 *
 * Package ecosystems become affected products by purl with a `vers:` range built from the events (introduced,
 * fixed, last_affected, limit). Distribution ecosystems ("Ubuntu:22.04:LTS", "Debian:12") are read as their
 * publishers mean them: the fixed build of each package for that release, so an earlier build of the same package on
 * that release is affected; the release is the product's platform, so a build for another release is not compared.
 */
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { InputError } from '../../common/errors';
import { readIsoDate } from '../../common/dates';
import { pointer } from '../../common/json-pointer';
import { assertValid, createValidator } from '../../common/json-schema';
import type { SourceRef } from '../../common/provenance';
import type { AdvisoryRecord, BulletinBatch, ProductEntry, Reference, Remediation, TextFact } from '../model';
import schema from '../schemas/osv/osv-read.schema.json';

interface OsvEvent {
  introduced?: string;
  fixed?: string;
  last_affected?: string;
  limit?: string;
}

interface OsvAffected {
  package: { ecosystem: string; name: string; purl?: string };
  ranges?: { type: 'ECOSYSTEM' | 'SEMVER' | 'GIT'; events: OsvEvent[] }[];
  versions?: string[];
  ecosystem_specific?: { binaries?: { binary_name?: unknown }[] };
}

interface OsvRecord {
  id: string;
  modified: string;
  published?: string;
  withdrawn?: string;
  aliases?: string[];
  upstream?: string[];
  related?: string[];
  summary?: string;
  details?: string;
  affected: OsvAffected[];
  references?: { type?: string; url: string }[];
  database_specific?: { severity?: unknown };
}

/** OSV ecosystem → purl type, for the ecosystems whose versions patchcall can order or at least name. */
const PURL_TYPES: Record<string, string> = {
  npm: 'npm',
  PyPI: 'pypi',
  Maven: 'maven',
  RubyGems: 'gem',
  Go: 'golang',
  'crates.io': 'cargo',
  NuGet: 'nuget',
  Packagist: 'composer',
};

/** Distribution ecosystems: purl namespace, the OS CPE of a release, and how to name it. */
const DISTRIBUTIONS: Record<string, { namespace: string; cpe: (release: string) => string; label: string }> = {
  Ubuntu: {
    namespace: 'ubuntu',
    cpe: (release) => `cpe:2.3:o:canonical:ubuntu_linux:${release}:*:*:*:*:*:*:*`,
    label: 'Ubuntu',
  },
  Debian: {
    namespace: 'debian',
    cpe: (release) => `cpe:2.3:o:debian:debian_linux:${release}:*:*:*:*:*:*:*`,
    label: 'Debian',
  },
};

const PUBLISHERS: [RegExp, string, 'vendor' | undefined][] = [
  [/^GHSA-/, 'GitHub Advisory Database', undefined],
  [/^USN-/, 'Canonical (Ubuntu Security Notices)', 'vendor'],
  [/^(DSA|DLA|DTSA)-/, 'Debian Security Team', 'vendor'],
];

const CVE_ID = /^(?:[A-Z]+-)?(CVE-\d{4}-\d{4,19})$/;
const validate = createValidator(schema);

export const osvFormat: FormatHandler<BulletinBatch> = {
  format: 'osv',
  description: 'OSV record (GitHub GHSA, Ubuntu USN, Debian DSA/DLA … as OSV JSON)',
  detect(doc) {
    const json = doc.json as { id?: unknown; modified?: unknown; affected?: unknown } | null | undefined;
    return (
      !!json &&
      typeof json === 'object' &&
      typeof json.id === 'string' &&
      typeof json.modified === 'string' &&
      Array.isArray(json.affected)
    );
  },
  parse(doc) {
    const record = assertValid<OsvRecord>(validate, doc.json, doc.name, 'OSV record');
    if (record.withdrawn)
      throw new InputError(doc.name, `${record.id} was withdrawn on ${record.withdrawn}`, {
        pointer: pointer('withdrawn'),
      });
    return { kind: 'bulletins', advisories: [toAdvisory(record, doc)], cves: [] };
  },
};

function toAdvisory(record: OsvRecord, doc: SniffedDocument): AdvisoryRecord {
  const source: SourceRef = { format: 'osv', document: doc.name };
  const at = (...path: (string | number)[]): SourceRef => ({ ...source, locator: pointer(...path) });
  const date = (text: string | undefined, field: string): string | undefined => {
    if (text === undefined) return undefined;
    const reading = readIsoDate(text);
    if (!reading.ok) throw new InputError(doc.name, reading.problem, { pointer: pointer(field) });
    return reading.iso;
  };
  const cves = [
    ...new Set(
      [...(record.aliases ?? []), ...(record.upstream ?? []), ...(record.related ?? [])].flatMap((id) => {
        const m = CVE_ID.exec(id);
        return m ? [m[1]!] : [];
      }),
    ),
  ];
  const products: ProductEntry[] = [];
  const remediations: Remediation[] = [];
  const notes: TextFact[] = [];
  record.affected.forEach((affected, i) => {
    const read = readAffected(record.id, affected, at('affected', i), cves);
    products.push(...read.products);
    remediations.push(...read.remediations);
    if (read.note) notes.push({ text: read.note, source: at('affected', i, 'package') });
  });
  if (record.details) notes.unshift({ text: record.details, source: at('details') });
  const [, publisher, category] = PUBLISHERS.find(([pattern]) => pattern.test(record.id)) ?? [];
  const released = date(record.published, 'published');
  const severity = record.database_specific?.severity;
  const references: Reference[] = (record.references ?? []).map((r, i) => ({
    url: r.url,
    tags: r.type ? [r.type] : [],
    source: at('references', i),
  }));
  return {
    id: record.id,
    ...(record.summary ? { title: record.summary } : {}),
    ...(publisher ? { publisher } : {}),
    ...(category ? { publisherCategory: category } : {}),
    ...(released ? { releasedAt: released } : {}),
    updatedAt: date(record.modified, 'modified')!,
    ...(typeof severity === 'string' ? { severity } : {}),
    cves,
    products,
    remediations,
    scores: [],
    exploitation: [],
    references,
    notes,
    vulnerablePorts: [],
    source,
  };
}

function readAffected(
  id: string,
  affected: OsvAffected,
  source: SourceRef,
  cves: string[],
): { products: ProductEntry[]; remediations: Remediation[]; note?: string } {
  const { ecosystem, name } = affected.package;
  const [base = '', ...rest] = ecosystem.split(':');
  const distribution = DISTRIBUTIONS[base];
  const release = rest.find((part) => /^\d+(\.\d+)?$/.test(part));
  if (distribution && release) return distributionFixes(id, affected, source, cves, distribution, release);

  const type = PURL_TYPES[ecosystem];
  if (!type)
    return {
      // known by its name only: matched like a KEV entry, never proven absent by a package inventory
      products: [{ name: `${name} (${ecosystem})`, status: 'affected', cves: [], source }],
      remediations: [],
      note: `OSV ecosystem "${ecosystem}" has no package URL type in patchcall: ${name} is matched by name only`,
    };
  const purl = purlFor(type, name);
  const ranges = (affected.ranges ?? []).filter((r) => r.type !== 'GIT').flatMap((r) => intervals(r.events));
  const versions = affected.versions ?? [];
  const constraints = ranges.length ? ranges : versions.length ? [versions.join('|')] : ['*'];
  return {
    products: constraints.map((constraint) => ({
      name: `${name} ${constraint === '*' ? '(every version)' : constraint} (${ecosystem})`,
      purl,
      versionRange: `vers:${type}/${constraint}`,
      status: 'affected',
      cves: [],
      source,
    })),
    remediations: [],
  };
}

/** "Ubuntu:22.04:LTS" / "Debian:12": one fixed build per package (the binaries it ships, and the source) and release. */
function distributionFixes(
  id: string,
  affected: OsvAffected,
  source: SourceRef,
  cves: string[],
  distribution: (typeof DISTRIBUTIONS)[string],
  release: string,
): { products: ProductEntry[]; remediations: Remediation[] } {
  const binaries = (affected.ecosystem_specific?.binaries ?? [])
    .map((b) => b.binary_name)
    .filter((b): b is string => typeof b === 'string' && b.length > 0);
  const packages = [...new Set([...binaries, affected.package.name])];
  const platform = { name: `${distribution.label} ${release}`, cpe: distribution.cpe(release) };
  const fixed = (affected.ranges ?? [])
    .filter((r) => r.type === 'ECOSYSTEM')
    .flatMap((r) => r.events.flatMap((e) => (e.fixed ? [e.fixed] : [])));
  const purl = (pkg: string, version?: string) =>
    `pkg:deb/${distribution.namespace}/${encodeURIComponent(pkg)}${version ? `@${encodeURIComponent(version)}` : ''}?distro=${release}`;
  if (!fixed.length)
    // no fix for this release yet: every build of it is affected
    return {
      products: packages.map((pkg) => ({
        name: `${pkg} on ${platform.name} (no fix yet)`,
        purl: purl(pkg),
        status: 'affected',
        cves: [],
        platform,
        relationship: 'default_component_of',
        source,
      })),
      remediations: [],
    };
  return {
    products: packages.flatMap((pkg) =>
      fixed.map((version) => ({
        name: `${pkg} ${version} on ${platform.name}`,
        purl: purl(pkg, version),
        version,
        status: 'fixed' as const,
        cves: [],
        platform,
        relationship: 'default_component_of',
        source,
      })),
    ),
    remediations: fixed.map((version) => ({
      category: 'vendor_fix',
      details: `${id}: update ${packages.join(', ')} to ${version} or later on ${platform.name}`,
      fixIds: [],
      supersedes: [],
      productIds: [],
      cves,
      source,
    })),
  };
}

/** A package ecosystem's name as a purl (Maven "group:artifact", npm "@scope/name"). */
function purlFor(type: string, name: string): string {
  if (type === 'maven') {
    const [group, artifact] = name.split(':');
    return artifact ? `pkg:maven/${group}/${artifact}` : `pkg:maven/${name}`;
  }
  if (type === 'pypi') return `pkg:pypi/${name.toLowerCase().replace(/[-_.]+/g, '-')}`;
  if (name.startsWith('@')) return `pkg:${type}/${name.replace(/^@/, '%40')}`;
  return `pkg:${type}/${name}`;
}

/** OSV events in order → vers constraints, one string per affected interval ("<4.17.21", ">=4.0.0|<4.0.4"). */
function intervals(events: OsvEvent[]): string[] {
  const out: string[] = [];
  let start: string | undefined;
  let open = false;
  for (const event of events) {
    if (event.introduced !== undefined) {
      start = event.introduced;
      open = true;
    } else if (open && (event.fixed ?? event.limit ?? event.last_affected) !== undefined) {
      const lower = start && start !== '0' ? `>=${start}|` : '';
      const upper = event.last_affected !== undefined ? `<=${event.last_affected}` : `<${event.fixed ?? event.limit}`;
      out.push(`${lower}${upper}`);
      open = false;
    }
  }
  if (open) out.push(start && start !== '0' ? `>=${start}` : '*');
  return out;
}
