/**
 * Signed records, modelled on CloudTrail's digest files: the installation signs the canonical JSON of the whole
 * record (export time, chain head, the decision's state at that head, every section, and the signature's own
 * algorithm and public key) with Ed25519. A record cut short, a section swapped or re-signed with another key
 * fails; which keys to trust comes from outside the record (`--key`, or the keys published with the anchors).
 */
import { createPrivateKey, createPublicKey, hash, sign, verify, type KeyObject } from 'node:crypto';
import { canonicalJson } from '../common/canonical-json';
import { PatchcallError } from '../common/errors';
import type { AuditRecord, RecordSignature } from './audit-record';

export interface SigningKey {
  privateKey: KeyObject;
  /** SPKI DER, base64: the form records and anchors carry. */
  publicKey: string;
  keyId: string;
}

export function signingKeyFromPem(pem: string): SigningKey {
  const privateKey = createPrivateKey(pem);
  if (privateKey.asymmetricKeyType !== 'ed25519')
    throw new PatchcallError('CONFIG', 'the signing key is not an Ed25519 key');
  const publicKey = createPublicKey(privateKey).export({ type: 'spki', format: 'der' }).toString('base64');
  return { privateKey, publicKey, keyId: keyIdOf(publicKey) };
}

export function keyIdOf(publicKey: string): string {
  return hash('sha256', Buffer.from(publicKey, 'base64'), 'hex').slice(0, 16);
}

/** Accepts the base64 SPKI DER that records carry, or a PEM public key. */
export function normalizePublicKey(text: string): string {
  const trimmed = text.trim();
  const key = trimmed.startsWith('-----')
    ? createPublicKey(trimmed)
    : createPublicKey({ key: Buffer.from(trimmed, 'base64'), format: 'der', type: 'spki' });
  if (key.asymmetricKeyType !== 'ed25519') throw new PatchcallError('BAD_INPUT', 'not an Ed25519 public key');
  return key.export({ type: 'spki', format: 'der' }).toString('base64');
}

/**
 * The chain enters the signature as its two ends: every link in between is bound to the last hash by the links
 * themselves, which the verifier checks before the signature (so signing them again would add time, not proof).
 */
function chainCommitment(chain: AuditRecord['chain']): unknown {
  const links = Array.isArray(chain?.links) ? chain.links : [];
  const first = links[0];
  const last = links[links.length - 1];
  return {
    stream: chain?.stream,
    links: links.length,
    first: first ? { seq: first.seq, prevHash: first.prevHash } : null,
    last: last ? { seq: last.seq, hash: last.hash } : null,
  };
}

function signedBytes(record: AuditRecord, header: Omit<RecordSignature, 'value'>): Buffer {
  const { signature: _ignored, chain, ...rest } = record;
  return Buffer.from(canonicalJson({ ...rest, chain: chainCommitment(chain), signature: header }));
}

export function signRecord(record: AuditRecord, key: SigningKey): AuditRecord {
  const header = { algorithm: 'Ed25519' as const, publicKey: key.publicKey, keyId: key.keyId };
  const value = sign(null, signedBytes(record, header), key.privateKey).toString('base64');
  return { ...record, signature: { ...header, value } };
}

/**
 * Undefined when the signature is valid for the key the record names; else what is wrong. It binds the chain by its
 * ends only: call it after `verifyChainSegment` has checked the links (verifyExportedRecord does).
 */
export function signatureProblem(record: AuditRecord): string | undefined {
  const signature = record.signature;
  if (!signature || typeof signature.value !== 'string' || typeof signature.publicKey !== 'string')
    return 'the record is not signed';
  if (signature.algorithm !== 'Ed25519') return `unknown signature algorithm "${String(signature.algorithm)}"`;
  let publicKey: KeyObject;
  try {
    publicKey = createPublicKey({ key: Buffer.from(signature.publicKey, 'base64'), format: 'der', type: 'spki' });
  } catch {
    return 'the public key in /signature/publicKey is not a key';
  }
  if (signature.keyId !== keyIdOf(signature.publicKey)) return '/signature/keyId is not the id of /signature/publicKey';
  const { value, ...header } = signature;
  const ok = verify(null, signedBytes(record, header), publicKey, Buffer.from(value, 'base64'));
  return ok
    ? undefined
    : 'the signature does not match the record: something in it was changed, added or cut off after it was signed';
}
