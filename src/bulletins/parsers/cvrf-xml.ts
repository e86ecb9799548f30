/**
 * CVRF XML (ICASI 1.1 as MSRC serves it, or OASIS 1.2) read into a CvrfDocument. Namespaces are dropped, so both
 * versions read alike; entities are never expanded (the five XML escapes and character references are decoded here).
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { InputError } from '../../common/errors';
import type { SniffedDocument } from '../../common/format-handler';
import type { CvrfDocument, CvrfNote, CvrfText, CvrfVulnerability } from './cvrf-document';

type XmlNode = Record<string, unknown>;

const REPEATED = new Set([
  'Branch',
  'FullProductName',
  'Note',
  'Vulnerability',
  'Status',
  'ProductID',
  'Threat',
  'ScoreSet',
  'Remediation',
  'Revision',
]);

const parser = new XMLParser({
  processEntities: false,
  ignoreAttributes: false,
  attributeNamePrefix: '@_',
  removeNSPrefix: true,
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: true,
  isArray: (name, _path, _isLeaf, isAttribute) => !isAttribute && REPEATED.has(name),
});

export function readCvrfXml(doc: SniffedDocument): CvrfDocument {
  const valid = XMLValidator.validate(doc.text);
  if (valid !== true)
    throw new InputError(doc.name, `malformed XML: ${valid.err.msg}`, { line: valid.err.line, column: valid.err.col });
  const root = (parser.parse(doc.text) as XmlNode).cvrfdoc as XmlNode | undefined;
  if (!root || typeof root !== 'object')
    throw new InputError(doc.name, 'not a CVRF document: no cvrfdoc element', { line: 1 });

  const tracking = child(root, 'DocumentTracking');
  const identification = child(tracking, 'Identification');
  const idText = text(identification?.ID);
  if (!idText)
    throw new InputError(doc.name, 'the document has no DocumentTracking/Identification/ID', {
      pointer: '/cvrfdoc/DocumentTracking/Identification/ID',
    });
  const date = (name: string): CvrfText | undefined => {
    const value = text(tracking?.[name]);
    return value ? { text: value, at: `/cvrfdoc/DocumentTracking/${name}`, line: lineOf(doc.text, name) } : undefined;
  };

  const tree = child(root, 'ProductTree');
  const vendorBranch = list(tree?.Branch).find((branch) => attribute(branch, 'Type') === 'Vendor');
  const products: CvrfDocument['products'] = [];
  const seen = new Set<string>();
  const collect = (node: XmlNode | undefined, path: string): void => {
    list(node?.FullProductName).forEach((product, i) => {
      const id = attribute(product, 'ProductID');
      if (id && !seen.has(id)) {
        seen.add(id);
        products.push({ id, name: text(product) ?? id, at: `${path}/FullProductName[${i + 1}]` });
      }
    });
    list(node?.Branch).forEach((branch, i) => collect(branch, `${path}/Branch[${i + 1}]`));
  };
  collect(tree, '/cvrfdoc/ProductTree');

  return {
    ...optional('title', text(root.DocumentTitle)),
    id: { text: idText, at: '/cvrfdoc/DocumentTracking/Identification/ID' },
    ...optional('alias', text(identification?.Alias)),
    ...optional('version', text(tracking?.Version)),
    ...optional('initialReleaseDate', date('InitialReleaseDate')),
    ...optional('currentReleaseDate', date('CurrentReleaseDate')),
    ...optional('vendor', vendorBranch ? attribute(vendorBranch, 'Name') : undefined),
    products,
    notes: notes(child(root, 'DocumentNotes'), '/cvrfdoc/DocumentNotes'),
    vulnerabilities: list(root.Vulnerability).map((vulnerability, i) =>
      readVulnerability(vulnerability, `/cvrfdoc/Vulnerability[${i + 1}]`),
    ),
  };
}

function readVulnerability(node: XmlNode, at: string): CvrfVulnerability {
  const productIds = (parent: XmlNode): string[] => list(parent.ProductID).flatMap((id) => text(id) ?? []);
  return {
    at,
    ...optional('cve', text(node.CVE)),
    ...optional('title', text(node.Title)),
    notes: notes(child(node, 'Notes'), `${at}/Notes`),
    statuses: list(child(node, 'ProductStatuses')?.Status).map((status, i) => ({
      at: `${at}/ProductStatuses/Status[${i + 1}]`,
      type: attribute(status, 'Type') ?? '',
      productIds: productIds(status),
    })),
    threats: list(child(node, 'Threats')?.Threat).map((threat, i) => ({
      at: `${at}/Threats/Threat[${i + 1}]`,
      type: attribute(threat, 'Type') ?? '',
      description: text(threat.Description) ?? '',
      productIds: productIds(threat),
    })),
    scoreSets: list(child(node, 'CVSSScoreSets')?.ScoreSet).map((set, i) => {
      const base = Number(text(set.BaseScore));
      return {
        at: `${at}/CVSSScoreSets/ScoreSet[${i + 1}]`,
        ...(text(set.BaseScore) && Number.isFinite(base) ? { baseScore: base } : {}),
        ...optional('vector', text(set.Vector)),
        productIds: productIds(set),
      };
    }),
    remediations: list(child(node, 'Remediations')?.Remediation).map((remediation, i) => ({
      at: `${at}/Remediations/Remediation[${i + 1}]`,
      type: attribute(remediation, 'Type') ?? '',
      ...optional('description', text(remediation.Description)),
      ...optional('url', text(remediation.URL)),
      ...optional('supercedence', text(remediation.Supercedence)),
      ...optional('restartRequired', text(remediation.RestartRequired)),
      ...optional('fixedBuild', text(remediation.FixedBuild)),
      productIds: productIds(remediation),
    })),
  };
}

function notes(parent: XmlNode | undefined, at: string): CvrfNote[] {
  return list(parent?.Note).map((note, i) => ({
    at: `${at}/Note[${i + 1}]`,
    text: text(note) ?? '',
    type: attribute(note, 'Type') ?? '',
    ...optional('title', attribute(note, 'Title')),
  }));
}

function child(node: XmlNode | undefined, name: string): XmlNode | undefined {
  const value = node?.[name];
  return value && typeof value === 'object' ? (value as XmlNode) : undefined;
}

function list(value: unknown): XmlNode[] {
  return Array.isArray(value)
    ? value.map((item) => (typeof item === 'object' && item !== null ? (item as XmlNode) : { '#text': item }))
    : [];
}

/** The element's text, decoded; undefined when the element is absent or empty (MSRC writes many `<URL />`). */
function text(value: unknown): string | undefined {
  const raw =
    typeof value === 'string' ? value : value && typeof value === 'object' ? (value as XmlNode)['#text'] : undefined;
  if (raw === undefined || raw === null || raw === '') return undefined;
  return decodeXmlText(String(raw));
}

function attribute(node: XmlNode, name: string): string | undefined {
  const value = node[`@_${name}`];
  return typeof value === 'string' ? decodeXmlText(value) : undefined;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

const ESCAPES: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

function decodeXmlText(raw: string): string {
  return raw.replace(/&(lt|gt|amp|quot|apos|#\d+|#x[0-9a-f]+);/gi, (_match, name: string) => {
    if (name[0] !== '#') return ESCAPES[name.toLowerCase()]!;
    const code = name[1] === 'x' || name[1] === 'X' ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
    return code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
  });
}

/** The line of the first element with this local name, so a bad value can be found in an editor. */
function lineOf(xml: string, localName: string): number | undefined {
  const match = new RegExp(`<([\\w.-]+:)?${localName}[\\s>]`).exec(xml);
  return match ? xml.slice(0, match.index).split('\n').length : undefined;
}
