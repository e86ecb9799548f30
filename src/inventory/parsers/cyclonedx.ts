/**
 * CycloneDX 1.4–1.6 JSON SBOMs of a host or image (Syft, Trivy, cdxgen). Each component (nested ones too) becomes
 * installed software with its purl, CPE, version and supplier; `scope: "excluded"` components are not installed
 * and are left out.
 *
 * The host: `--asset`, else `metadata.component` when it is an operating-system or device (its name), else a host
 * property (`hostname`, `host`, `cdx:host:name`, `syft:host:name` on metadata or its component). A document that
 * names no host is refused with a message saying to use --asset: guessing would put software on the wrong host.
 *
 * Completeness (CycloneDX `compositions`): complete only when an `aggregate: "complete"` composition covers every
 * component — with `assemblies` naming them all, or naming the subject (`metadata.component`) itself. Anything
 * else (no compositions, incomplete_*, unknown, not_specified, a partial assembly list) is incomplete.
 *
 * The official `@cyclonedx/cyclonedx-library` has no JSON deserializer (it builds and serializes BOMs) and its
 * validator is asynchronous while a format handler parses synchronously; it is used here for its component types
 * and spec versions, and the JSON is read directly.
 */
import { Enums, Spec } from '@cyclonedx/cyclonedx-library';
import { InputError } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { inventorySource } from '../inventory-source';
import { newAsset } from '../merge-assets';
import type { InstalledSoftware, InventoryBatch, SoftwareInventory, SoftwareKind } from '../model';
import { kindOfManager, readPurl } from '../software';

type Json = Record<string, unknown>;

const SUPPORTED_SPECS = new Set<string>([Spec.Version.v1dot4, Spec.Version.v1dot5, Spec.Version.v1dot6]);
const COMPONENT_TYPES = new Set<string>(Object.values(Enums.ComponentType));
const HOST_SUBJECTS = new Set<string>([Enums.ComponentType.OperatingSystem, Enums.ComponentType.Device]);
const HOST_PROPERTIES = ['hostname', 'host', 'host.name', 'cdx:host:name', 'syft:host:name'];

export const cyclonedxFormat: FormatHandler<InventoryBatch> = {
  format: 'cyclonedx',
  description: 'CycloneDX 1.4–1.6 JSON SBOM of a host or image (Syft, Trivy, cdxgen)',
  detect: (doc) => isObject(doc.json) && doc.json.bomFormat === 'CycloneDX',
  parse: parseCycloneDx,
};

function parseCycloneDx(doc: SniffedDocument): InventoryBatch {
  const bom = doc.json as Json;
  const spec = String(bom.specVersion ?? '');
  if (!SUPPORTED_SPECS.has(spec))
    throw new InputError(doc.name, `CycloneDX specVersion "${spec}" is not supported (1.4, 1.5 or 1.6)`, {
      pointer: '/specVersion',
    });
  const metadata = isObject(bom.metadata) ? bom.metadata : {};
  const subject = isObject(metadata.component) ? metadata.component : undefined;
  const host = doc.assetName ?? hostOf(metadata, subject);
  if (!host)
    throw new InputError(
      doc.name,
      'this SBOM names no host: metadata.component is not an operating-system or device and no host property is set; ' +
        'say which asset it describes with `patchcall import --asset <name>`',
      { pointer: '/metadata/component' },
    );
  if (bom.components !== undefined && !Array.isArray(bom.components))
    throw new InputError(doc.name, 'components must be an array', { pointer: '/components' });
  const takenAt = typeof metadata.timestamp === 'string' ? metadata.timestamp : undefined;
  const inventorySourceRef = inventorySource('cyclonedx', doc.name, '/compositions');
  const software: InstalledSoftware[] = [];
  const refs: string[] = [];
  const visit = (components: unknown[], at: string): void =>
    components.forEach((component, i) => {
      const here = `${at}/${i}`;
      if (!isObject(component)) throw new InputError(doc.name, 'a component must be an object', { pointer: here });
      if (typeof component['bom-ref'] === 'string') refs.push(component['bom-ref']);
      if (component.scope !== Enums.ComponentScope.Excluded) {
        const item = componentToSoftware(component, doc.name, here);
        if (item) software.push(item);
      }
      if (Array.isArray(component.components)) visit(component.components, `${here}/components`);
    });
  visit((bom.components as unknown[] | undefined) ?? [], '/components');
  const completeness = readCompositions(bom.compositions, refs, subject);
  const inventory: SoftwareInventory = {
    kind: 'sbom',
    complete: completeness.complete,
    completeBecause: completeness.because,
    ...(subject && typeof subject.name === 'string' ? { subject: describeSubject(subject) } : {}),
    ...(takenAt ? { takenAt } : {}),
    source: inventorySourceRef,
  };
  const asset = newAsset({
    id: host,
    name: host,
    software,
    softwareInventories: [inventory],
    sources: [inventorySource('cyclonedx', doc.name)],
  });
  return { kind: 'inventory', assets: [asset], fixes: [] };
}

function componentToSoftware(component: Json, file: string, at: string): InstalledSoftware | undefined {
  const name = text(component.name);
  if (!name) throw new InputError(file, 'a component has no name', { pointer: `${at}/name` });
  const type = text(component.type);
  if (type && !COMPONENT_TYPES.has(type))
    throw new InputError(file, `unknown component type "${type}"`, { pointer: `${at}/type` });
  // files and data are evidence of packages, not packages (Syft lists every file it read in some modes)
  if (type === 'file' || type === 'data' || type === 'cryptographic-asset' || type === 'machine-learning-model')
    return undefined;
  let purl: ReturnType<typeof readPurl> | undefined;
  if (typeof component.purl === 'string' && component.purl.trim()) {
    purl = readPurl(component.purl);
    if (!purl.ok) throw new InputError(file, purl.problem, { pointer: `${at}/purl` });
  }
  const facts = purl?.ok ? purl.facts : undefined;
  const group = text(component.group);
  const vendor = text(isObject(component.supplier) ? component.supplier.name : undefined) ?? text(component.publisher);
  const version = text(component.version) ?? facts?.version;
  const cpe = text(component.cpe);
  const location = propertyValue(component, ['syft:location:0:path', 'aquasecurity:trivy:FilePath']);
  return {
    name: group && facts?.type === 'maven' ? `${group}:${name}` : name,
    ...(version ? { version: facts?.type === 'rpm' && facts.version ? facts.version : version } : {}),
    ...(vendor ? { vendor } : group && facts?.type !== 'maven' ? { vendor: group } : {}),
    ...(facts ? { purl: facts.purl } : {}),
    ...(cpe ? { cpe } : {}),
    kind: kindOf(type, facts?.packageManager),
    ...(facts?.packageManager ? { packageManager: facts.packageManager } : {}),
    ...(location ? { location } : {}),
    inventory: 'sbom',
    source: inventorySource('cyclonedx', file, at),
  };
}

function kindOf(type: string | undefined, manager: InstalledSoftware['packageManager']): SoftwareKind {
  if (manager) return kindOfManager(manager) === 'other' ? 'library' : kindOfManager(manager);
  const byType: Record<string, SoftwareKind> = {
    application: 'application',
    framework: 'framework',
    library: 'library',
    container: 'container',
    'operating-system': 'operating-system',
    device: 'device',
    firmware: 'firmware',
    platform: 'other',
    'device-driver': 'other',
  };
  return byType[type ?? 'library'] ?? 'other';
}

function readCompositions(
  compositions: unknown,
  refs: string[],
  subject: Json | undefined,
): { complete: boolean; because: string } {
  if (!Array.isArray(compositions) || !compositions.length)
    return { complete: false, because: 'the SBOM declares no compositions, so it does not claim to be complete' };
  const subjectRef = typeof subject?.['bom-ref'] === 'string' ? subject['bom-ref'] : undefined;
  const covered = new Set<string>();
  let wholeSubject = false;
  const other: string[] = [];
  for (const composition of compositions) {
    if (!isObject(composition)) continue;
    const assemblies = Array.isArray(composition.assemblies)
      ? composition.assemblies.filter((a): a is string => typeof a === 'string')
      : [];
    if (composition.aggregate !== 'complete') {
      other.push(String(composition.aggregate ?? 'not_specified'));
      continue;
    }
    if (subjectRef && assemblies.includes(subjectRef)) wholeSubject = true;
    assemblies.forEach((a) => covered.add(a));
  }
  if (wholeSubject && !other.length)
    return { complete: true, because: 'a CycloneDX composition declares the subject\'s assembly "complete"' };
  const missing = refs.filter((ref) => !covered.has(ref));
  if (covered.size && !missing.length && !other.length)
    return { complete: true, because: `a CycloneDX composition declares all ${refs.length} components "complete"` };
  if (other.length)
    return { complete: false, because: `the SBOM's compositions say: ${[...new Set(other)].join(', ')}` };
  return {
    complete: false,
    because: `the "complete" compositions cover ${refs.length - missing.length} of ${refs.length} components`,
  };
}

function hostOf(metadata: Json, subject: Json | undefined): string | undefined {
  if (subject && HOST_SUBJECTS.has(String(subject.type)) && text(subject.name)) {
    const fromProperty = propertyValue(subject, HOST_PROPERTIES);
    return fromProperty ?? text(subject.name);
  }
  return propertyValue(metadata, HOST_PROPERTIES) ?? (subject ? propertyValue(subject, HOST_PROPERTIES) : undefined);
}

function describeSubject(subject: Json): string {
  return [subject.type, subject.name, subject.version].filter((p) => typeof p === 'string' && p).join(' ');
}

function propertyValue(node: Json, names: string[]): string | undefined {
  if (!Array.isArray(node.properties)) return undefined;
  for (const property of node.properties)
    if (isObject(property) && names.includes(String(property.name)) && text(property.value))
      return text(property.value);
  return undefined;
}

function isObject(value: unknown): value is Json {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
