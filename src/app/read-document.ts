/**
 * Reads one input (a file, or bytes that arrived over HTTP) into a SniffedDocument: enforces the size limit,
 * gunzips .gz feeds, removes a byte-order mark, refuses binary and DTD-bearing XML, and parses JSON once.
 */
import { readFileSync, statSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { InputError } from '../common/errors';
import type { SniffedDocument } from '../common/format-handler';
import { parseJsonText } from '../common/parse-json';
import { checkXmlBounds } from '../common/input-limits';

/** Largest input accepted, before and after decompression. The full KEV catalog is ~1.3 MB, a daily EPSS file ~12 MB. */
export const DEFAULT_MAX_INPUT_BYTES = 64 * 1024 * 1024;

export function readDocumentFile(
  path: string,
  maxBytes = DEFAULT_MAX_INPUT_BYTES,
): { doc: SniffedDocument; bytes: Buffer } {
  let size: number;
  try {
    const stat = statSync(path);
    if (!stat.isFile()) throw new InputError(path, 'not a regular file');
    size = stat.size;
  } catch (error) {
    if (error instanceof InputError) throw error;
    throw new InputError(path, `cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  if (size > maxBytes)
    throw new InputError(
      path,
      `file is ${mib(size)}, over the import limit of ${mib(maxBytes)} (set PATCHCALL_MAX_INPUT_MB to raise it)`,
    );
  const bytes = readFileSync(path);
  return { doc: sniffDocument(path, bytes, maxBytes), bytes };
}

export function sniffDocument(name: string, raw: Buffer, maxBytes = DEFAULT_MAX_INPUT_BYTES): SniffedDocument {
  if (raw.length > maxBytes)
    throw new InputError(name, `input is ${mib(raw.length)}, over the import limit of ${mib(maxBytes)}`);
  let bytes = raw;
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes });
    } catch (error) {
      const tooLarge =
        /maxOutputLength|Cannot create a Buffer larger/i.test((error as Error).message) ||
        (error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE';
      throw new InputError(
        name,
        tooLarge
          ? `gzip content expands beyond the import limit of ${mib(maxBytes)}`
          : `not a readable gzip file: ${(error as Error).message}`,
      );
    }
  }
  if (bytes.length === 0) throw new InputError(name, 'the file is empty');
  let text = decodeText(name, bytes);
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const first = text.trimStart()[0];
  if (first === '{' || first === '[') return { name, text, json: parseJsonText(name, text) };
  if (first === '<') {
    checkXmlBounds(name, text);
    return { name, text, xmlRoot: xmlRootOf(name, text) };
  }
  return { name, text };
}

/** UTF-8 (with or without a byte-order mark), or UTF-16 LE/BE when a byte-order mark says so. */
function decodeText(name: string, bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return utf16(name, bytes.subarray(2), 'le');
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) return utf16(name, bytes.subarray(2), 'be');
  if (bytes.subarray(0, 8192).includes(0))
    throw new InputError(
      name,
      'binary content (NUL bytes): expected a JSON, XML, CSV, YAML or text document (UTF-16 needs a byte-order mark)',
    );
  return bytes.toString('utf8');
}

function utf16(name: string, bytes: Buffer, order: 'le' | 'be'): string {
  if (bytes.length % 2 !== 0)
    throw new InputError(name, `UTF-16 ${order.toUpperCase()} text with an odd number of bytes`);
  try {
    return new TextDecoder(order === 'le' ? 'utf-16le' : 'utf-16be', { fatal: true }).decode(bytes);
  } catch {
    throw new InputError(name, `not valid UTF-16 ${order.toUpperCase()} text despite its byte-order mark`);
  }
}

/**
 * The root element's local name. Entity declarations, internal DTD subsets and external DTDs are refused
 * outright, closing XXE and entity expansion before a parser sees the text. Only the bare `<!DOCTYPE name>`
 * that nmap writes at the top of every scan is let through: it declares nothing.
 */
function xmlRootOf(name: string, text: string): string {
  const entity = /<!ENTITY\b/i.exec(text);
  const doctype = /<!DOCTYPE\b[^>]*/i.exec(text);
  const refused = entity ?? (doctype && !/^<!DOCTYPE\s+[A-Za-z_][\w.:-]*\s*$/i.test(doctype[0]) ? doctype : null);
  if (refused) {
    const line = text.slice(0, refused.index).split('\n').length;
    const what = entity ? 'an ENTITY declaration' : 'a DOCTYPE with a DTD';
    throw new InputError(name, `XML with ${what} is refused (no DTDs or entities are processed)`, { line });
  }
  const root = /<([A-Za-z_][\w.-]*:)?([A-Za-z_][\w.-]*)[\s/>]/.exec(
    text.replace(/<\?[\s\S]*?\?>|<!--[\s\S]*?-->/g, ''),
  );
  if (!root) throw new InputError(name, 'looks like XML but has no root element', { line: 1 });
  return root[2]!;
}

function mib(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MiB`;
}
