/**
 * The MSRC CVRF API's JSON form (api.msrc.microsoft.com/cvrf/v3.0/cvrf/<id>, Accept: application/json) read into a
 * CvrfDocument. It holds the XML's content with the CVRF enumerations as numbers; the codes below follow the
 * enumerations' order in the ICASI CVRF 1.1 schemas, which is how the MsrcSecurityUpdates PowerShell module reads
 * them (Threat Type 0 Impact, 1 Exploit Status, 3 Severity; Remediation Type 0 Workaround, 1 Mitigation, 2 Vendor Fix).
 */
import { InputError } from '../../common/errors';
import type { SniffedDocument } from '../../common/format-handler';
import { pointer } from '../../common/json-pointer';
import type { CvrfDocument, CvrfNote, CvrfText, CvrfVulnerability } from './cvrf-document';

type Json = Record<string, unknown>;

const STATUS_TYPES = [
  'First Affected',
  'First Fixed',
  'Fixed',
  'Known Affected',
  'Known Not Affected',
  'Last Affected',
  'Recommended',
];
const THREAT_TYPES = ['Impact', 'Exploit Status', 'Target Set', 'Severity'];
/** 5 and 6 are MSRC additions after CVRF's five; their order is inferred, and they only become notes and links. */
const REMEDIATION_TYPES = [
  'Workaround',
  'Mitigation',
  'Vendor Fix',
  'None Available',
  'Will Not Fix',
  'Known Issue',
  'Release Notes',
];
/** 7 and above are MSRC additions (Tag, CNA …), which are not kept. */
const NOTE_TYPES = ['General', 'Details', 'Description', 'Summary', 'FAQ', 'Legal Disclaimer', 'Other'];
const BRANCH_VENDOR = 0;

/** Cheap shape test for detection: the API's JSON always carries these two. */
export function looksLikeMsrcJson(json: unknown): boolean {
  const doc = json as Json | null;
  return (
    typeof value(obj(obj(obj(doc?.DocumentTracking)?.Identification)?.ID)) === 'string' &&
    Array.isArray(doc?.Vulnerability)
  );
}

export function readMsrcJson(doc: SniffedDocument): CvrfDocument {
  const root = doc.json as Json;
  const tracking = obj(root.DocumentTracking);
  const identification = obj(tracking?.Identification);
  const id = value(obj(identification?.ID));
  if (!id)
    throw new InputError(doc.name, 'the document has no DocumentTracking.Identification.ID.Value', {
      pointer: '/DocumentTracking/Identification/ID',
    });
  const date = (name: string): CvrfText | undefined => {
    const text = tracking?.[name];
    if (text === undefined) return undefined;
    if (typeof text !== 'string')
      throw new InputError(doc.name, `${name} must be a string`, { pointer: pointer('DocumentTracking', name) });
    return { text, at: pointer('DocumentTracking', name) };
  };

  const tree = obj(root.ProductTree);
  const vendorBranch = array(tree?.Branch).find((branch) => branch.Type === BRANCH_VENDOR || branch.Type === 'Vendor');
  const products: CvrfDocument['products'] = [];
  const seen = new Set<string>();
  const collect = (node: Json | undefined, path: (string | number)[]): void => {
    array(node?.FullProductName).forEach((product, i) => {
      const productId = string(product.ProductID);
      if (productId && !seen.has(productId)) {
        seen.add(productId);
        products.push({
          id: productId,
          name: string(product.Value) ?? productId,
          at: pointer(...path, 'FullProductName', i),
        });
      }
    });
    // branches nest as Items; an item holding ProductID is a product, one holding Items is a branch
    array(node?.Items).forEach((item, i) => {
      const productId = string(item.ProductID);
      if (productId && !seen.has(productId)) {
        seen.add(productId);
        products.push({ id: productId, name: string(item.Value) ?? productId, at: pointer(...path, 'Items', i) });
      }
      if (item.Items) collect(item, [...path, 'Items', i]);
    });
    array(node?.Branch).forEach((branch, i) => collect(branch, [...path, 'Branch', i]));
  };
  collect(tree, ['ProductTree']);

  const title = value(obj(root.DocumentTitle));
  const alias = value(obj(identification?.Alias));
  const version = string(tracking?.Version);
  const initialReleaseDate = date('InitialReleaseDate');
  const currentReleaseDate = date('CurrentReleaseDate');
  const vendor = vendorBranch ? string(vendorBranch.Name) : undefined;
  return {
    ...(title ? { title } : {}),
    id: { text: id, at: '/DocumentTracking/Identification/ID/Value' },
    ...(alias ? { alias } : {}),
    ...(version ? { version } : {}),
    ...(initialReleaseDate ? { initialReleaseDate } : {}),
    ...(currentReleaseDate ? { currentReleaseDate } : {}),
    ...(vendor ? { vendor } : {}),
    products,
    notes: notes(root.DocumentNotes, ['DocumentNotes']),
    vulnerabilities: array(root.Vulnerability).map((vulnerability, i) =>
      readVulnerability(vulnerability, ['Vulnerability', i]),
    ),
  };
}

function readVulnerability(node: Json, path: (string | number)[]): CvrfVulnerability {
  const cve = string(node.CVE);
  const title = value(obj(node.Title));
  const productIds = (item: Json): string[] =>
    Array.isArray(item.ProductID)
      ? item.ProductID.filter((id): id is string => typeof id === 'string')
      : typeof item.ProductID === 'string'
        ? [item.ProductID]
        : [];
  return {
    at: pointer(...path),
    ...(cve ? { cve } : {}),
    ...(title ? { title } : {}),
    notes: notes(node.Notes, [...path, 'Notes']),
    statuses: array(node.ProductStatuses).map((status, i) => ({
      at: pointer(...path, 'ProductStatuses', i),
      type: typeName(status.Type, STATUS_TYPES),
      productIds: productIds(status),
    })),
    threats: array(node.Threats).map((threat, i) => ({
      at: pointer(...path, 'Threats', i),
      type: typeName(threat.Type, THREAT_TYPES),
      description: value(obj(threat.Description)) ?? '',
      productIds: productIds(threat),
    })),
    scoreSets: array(node.CVSSScoreSets).map((set, i) => ({
      at: pointer(...path, 'CVSSScoreSets', i),
      ...(typeof set.BaseScore === 'number' ? { baseScore: set.BaseScore } : {}),
      ...(string(set.Vector) ? { vector: string(set.Vector)! } : {}),
      productIds: productIds(set),
    })),
    remediations: array(node.Remediations).map((remediation, i) => {
      const fields = {
        description: value(obj(remediation.Description)),
        url: string(remediation.URL),
        supercedence: string(remediation.Supercedence),
        restartRequired: value(obj(remediation.RestartRequired)),
        fixedBuild: string(remediation.FixedBuild),
      };
      return {
        at: pointer(...path, 'Remediations', i),
        type: typeName(remediation.Type, REMEDIATION_TYPES),
        ...Object.fromEntries(Object.entries(fields).filter(([, field]) => field !== undefined)),
        productIds: productIds(remediation),
      };
    }),
  };
}

function notes(value: unknown, path: (string | number)[]): CvrfNote[] {
  return array(value).map((note, i) => {
    const title = string(note.Title);
    return {
      at: pointer(...path, i),
      text: string(note.Value) ?? '',
      type: typeName(note.Type, NOTE_TYPES),
      ...(title ? { title } : {}),
    };
  });
}

function typeName(code: unknown, names: string[]): string {
  if (typeof code === 'string') return code;
  return typeof code === 'number' && names[code] ? names[code] : `Type ${String(code)}`;
}

function obj(value: unknown): Json | undefined {
  return value && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : undefined;
}

function array(value: unknown): Json[] {
  return Array.isArray(value) ? value.flatMap((item) => (obj(item) ? [item as Json] : [])) : [];
}

/** MSRC wraps text as {"Value": "…"}; an empty string counts as absent, as an empty XML element does. */
function value(node: Json | undefined): string | undefined {
  return string(node?.Value);
}

function string(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}
