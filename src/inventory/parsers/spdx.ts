/**
 * SPDX 2.3 JSON SBOMs of a host or image (Syft, Trivy). Packages become installed software with the purl
 * (`externalRefs` PACKAGE-MANAGER/purl), CPE (SECURITY/cpe23Type), versionInfo and supplier.
 *
 * The host: `--asset`, else the described root package (`documentDescribes` or a DESCRIBES relationship) when its
 * `primaryPackagePurpose` is OPERATING-SYSTEM or DEVICE (its name). The document's own name is not guessed from:
 * a document naming no host is refused with a message saying to use --asset.
 *
 * Completeness: SPDX has no statement like CycloneDX's compositions, so patchcall reads it from the relationships:
 * complete only when (1) every package in the document is reached from the described root through CONTAINS
 * relationships (or their inverse CONTAINED_BY), and (2) none of the root's relationships points to NOASSERTION,
 * which SPDX uses for "not known". Anything else is incomplete, and the reason says which package is missing.
 */
import { InputError } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { inventorySource } from '../inventory-source';
import { newAsset } from '../merge-assets';
import type { InstalledSoftware, InventoryBatch, SoftwareInventory } from '../model';
import { kindOfManager, readPurl } from '../software';

type Json = Record<string, unknown>;

const HOST_PURPOSES = new Set(['OPERATING-SYSTEM', 'DEVICE']);

export const spdxFormat: FormatHandler<InventoryBatch> = {
  format: 'spdx',
  description: 'SPDX 2.3 JSON SBOM of a host or image (Syft, Trivy)',
  detect: (doc) => isObject(doc.json) && typeof doc.json.spdxVersion === 'string' && Array.isArray(doc.json.packages),
  parse: parseSpdx,
};

function parseSpdx(doc: SniffedDocument): InventoryBatch {
  const spdx = doc.json as Json;
  if (spdx.spdxVersion !== 'SPDX-2.3' && spdx.spdxVersion !== 'SPDX-2.2')
    throw new InputError(doc.name, `spdxVersion "${String(spdx.spdxVersion)}" is not supported (SPDX-2.3, SPDX-2.2)`, {
      pointer: '/spdxVersion',
    });
  const packages = spdx.packages as unknown[];
  const relationships = Array.isArray(spdx.relationships) ? spdx.relationships.filter(isObject) : [];
  const byId = new Map<string, { pkg: Json; at: string }>();
  packages.forEach((pkg, i) => {
    const at = `/packages/${i}`;
    if (!isObject(pkg)) throw new InputError(doc.name, 'a package must be an object', { pointer: at });
    const id = text(pkg.SPDXID);
    if (!id) throw new InputError(doc.name, 'a package has no SPDXID', { pointer: `${at}/SPDXID` });
    byId.set(id, { pkg, at });
  });
  const documentId = text(spdx.SPDXID) ?? 'SPDXRef-DOCUMENT';
  const describes = [
    ...(Array.isArray(spdx.documentDescribes)
      ? spdx.documentDescribes.filter((d): d is string => typeof d === 'string')
      : []),
    ...relationships
      .filter((r) => r.relationshipType === 'DESCRIBES' && r.spdxElementId === documentId)
      .map((r) => String(r.relatedSpdxElement)),
    ...relationships
      .filter((r) => r.relationshipType === 'DESCRIBED_BY' && r.relatedSpdxElement === documentId)
      .map((r) => String(r.spdxElementId)),
  ];
  const roots = [...new Set(describes)].filter((id) => byId.has(id));
  const hostRoot = roots.map((id) => byId.get(id)!.pkg).find((p) => HOST_PURPOSES.has(String(p.primaryPackagePurpose)));
  const host = doc.assetName ?? (hostRoot ? text(hostRoot.name) : undefined);
  if (!host)
    throw new InputError(
      doc.name,
      'this SBOM names no host: the described package is not an OPERATING-SYSTEM or DEVICE; ' +
        'say which asset it describes with `patchcall import --asset <name>`',
      { pointer: '/documentDescribes' },
    );
  // a FILE-purpose root is the scanned directory or image file, not something installed
  const software = [...byId.values()]
    .filter(({ pkg }) => pkg.primaryPackagePurpose !== 'FILE')
    .map(({ pkg, at }) => packageToSoftware(pkg, doc.name, at));
  const completeness = readCompleteness(roots, byId, relationships);
  const created = isObject(spdx.creationInfo) ? text(spdx.creationInfo.created) : undefined;
  const inventory: SoftwareInventory = {
    kind: 'sbom',
    complete: completeness.complete,
    completeBecause: completeness.because,
    ...(text(spdx.name) ? { subject: text(spdx.name)! } : {}),
    ...(created ? { takenAt: created } : {}),
    source: inventorySource('spdx', doc.name, '/relationships'),
  };
  return {
    kind: 'inventory',
    assets: [
      newAsset({
        id: host,
        name: host,
        software,
        softwareInventories: [inventory],
        sources: [inventorySource('spdx', doc.name)],
      }),
    ],
    fixes: [],
  };
}

function packageToSoftware(pkg: Json, file: string, at: string): InstalledSoftware {
  const name = text(pkg.name);
  if (!name) throw new InputError(file, 'a package has no name', { pointer: `${at}/name` });
  const refs = Array.isArray(pkg.externalRefs) ? pkg.externalRefs.filter(isObject) : [];
  const purlIndex = refs.findIndex((r) => r.referenceType === 'purl');
  let facts;
  if (purlIndex >= 0) {
    const reading = readPurl(String(refs[purlIndex]!.referenceLocator ?? ''));
    if (!reading.ok) throw new InputError(file, reading.problem, { pointer: `${at}/externalRefs/${purlIndex}` });
    facts = reading.facts;
  }
  const cpe = refs.find((r) => r.referenceType === 'cpe23Type' || r.referenceType === 'cpe22Type');
  const version = facts?.type === 'rpm' && facts.version ? facts.version : text(pkg.versionInfo);
  const supplier = text(pkg.supplier)?.replace(/^(Organization|Person|Tool):\s*/, '');
  const vendor = supplier && supplier !== 'NOASSERTION' ? supplier : undefined;
  const purpose = text(pkg.primaryPackagePurpose);
  return {
    name,
    ...(version && version !== 'NOASSERTION' ? { version } : {}),
    ...(vendor ? { vendor } : {}),
    ...(facts ? { purl: facts.purl } : {}),
    ...(cpe && text(cpe.referenceLocator) ? { cpe: text(cpe.referenceLocator)! } : {}),
    kind: facts?.packageManager
      ? kindOfManager(facts.packageManager)
      : purpose === 'APPLICATION'
        ? 'application'
        : purpose === 'OPERATING-SYSTEM'
          ? 'operating-system'
          : purpose === 'FRAMEWORK'
            ? 'framework'
            : 'library',
    ...(facts?.packageManager ? { packageManager: facts.packageManager } : {}),
    inventory: 'sbom',
    source: inventorySource('spdx', file, at),
  };
}

function readCompleteness(
  roots: string[],
  byId: Map<string, { pkg: Json; at: string }>,
  relationships: Json[],
): { complete: boolean; because: string } {
  if (!roots.length)
    return { complete: false, because: 'the document describes no package, so nothing is claimed complete' };
  const unknown = relationships.find(
    (r) => roots.includes(String(r.spdxElementId)) && r.relatedSpdxElement === 'NOASSERTION',
  );
  if (unknown)
    return {
      complete: false,
      because: `the described package has a ${String(unknown.relationshipType)} NOASSERTION relationship (contents not known)`,
    };
  const children = new Map<string, string[]>();
  const link = (parent: string, child: string): void => {
    children.set(parent, [...(children.get(parent) ?? []), child]);
  };
  for (const r of relationships) {
    if (r.relationshipType === 'CONTAINS') link(String(r.spdxElementId), String(r.relatedSpdxElement));
    if (r.relationshipType === 'CONTAINED_BY') link(String(r.relatedSpdxElement), String(r.spdxElementId));
  }
  const reached = new Set<string>(roots);
  const queue = [...roots];
  while (queue.length) {
    for (const child of children.get(queue.shift()!) ?? []) {
      if (reached.has(child)) continue;
      reached.add(child);
      queue.push(child);
    }
  }
  const missing = [...byId.keys()].filter((id) => !reached.has(id));
  if (missing.length)
    return {
      complete: false,
      because: `${missing.length} of ${byId.size} packages are not CONTAINed by the described package (first: ${missing[0]})`,
    };
  return {
    complete: true,
    because: `the described package CONTAINS all ${byId.size} packages and asserts nothing unknown`,
  };
}

function isObject(value: unknown): value is Json {
  return !!value && typeof value === 'object' && !Array.isArray(value);
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() ? value.trim() : undefined;
}
