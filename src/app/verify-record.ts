/**
 * `audit verify --export`: which signing keys vouch for a record, from outside it: `--key`, the keys published
 * with the anchors in the audit channel, and this installation's own key file when one exists (read, never made).
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseAnchors } from '../audit/anchors';
import { normalizePublicKey, signingKeyFromPem } from '../audit/record-signature';
import { verifyExportedRecord, type ExportVerdict, type TrustedKeys } from '../audit/verify-exported-record';
import { PatchcallError } from '../common/errors';

export interface VouchingSources {
  /** `--key`: a public key, base64 SPKI DER or PEM, or a file holding one. */
  key?: string;
  /** The content of an export of the audit channel. */
  anchors?: unknown;
  /** This installation's key file, when it exists. */
  localKeyPath?: string;
}

export function trustedKeys(sources: VouchingSources): TrustedKeys {
  const keys = new Map<string, string>();
  if (sources.key) {
    const text = existsSync(sources.key) ? readFileSync(sources.key, 'utf8') : sources.key;
    try {
      keys.set(normalizePublicKey(text), '--key');
    } catch (error) {
      throw new PatchcallError('USAGE', `--key: not an Ed25519 public key (${(error as Error).message})`);
    }
  }
  if (sources.anchors !== undefined) {
    for (const anchor of parseAnchors(sources.anchors)) {
      if (anchor.key && !keys.has(anchor.key)) keys.set(anchor.key, `the anchor at ${anchor.where}`);
    }
  }
  if (!sources.key && sources.localKeyPath && existsSync(sources.localKeyPath)) {
    const local = signingKeyFromPem(readFileSync(sources.localKeyPath, 'utf8'));
    if (!keys.has(local.publicKey)) keys.set(local.publicKey, `this installation's key ${sources.localKeyPath}`);
  }
  return { keys };
}

export function verifyRecordDocument(record: unknown, file: string, sources: VouchingSources): ExportVerdict {
  return verifyExportedRecord(record, file, trustedKeys(sources));
}
