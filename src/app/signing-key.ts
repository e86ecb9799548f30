/**
 * The installation's Ed25519 signing key: made at first start, kept outside the database in a PEM file
 * (PATCHCALL_SIGNING_KEY, default `signing-key.pem` beside the database) created with mode 0600, so someone
 * who can rewrite the database cannot re-sign records unless they can also read this file.
 */
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { PatchcallError } from '../common/errors';
import { signingKeyFromPem, type SigningKey } from '../audit/record-signature';

export function defaultSigningKeyPath(dbPath: string): string {
  return join(dirname(dbPath), 'signing-key.pem');
}

/** Reads the key, or makes one when the file does not exist yet. */
export function loadOrCreateSigningKey(path: string): SigningKey {
  let pem: string;
  try {
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    pem = createKeyFile(path);
  }
  if (process.platform !== 'win32' && (statSync(path).mode & 0o077) !== 0)
    throw new PatchcallError(
      'CONFIG',
      `the signing key ${path} can be read by other users (mode ${(statSync(path).mode & 0o777).toString(8)}); chmod 600 it`,
    );
  try {
    return signingKeyFromPem(pem);
  } catch (error) {
    throw new PatchcallError(
      'CONFIG',
      `the signing key ${path} is not an Ed25519 private key: ${(error as Error).message}`,
    );
  }
}

export function ephemeralSigningKey(): SigningKey {
  return signingKeyFromPem(newKeyPem());
}

function newKeyPem(): string {
  return generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

function createKeyFile(path: string): string {
  const pem = newKeyPem();
  mkdirSync(dirname(path), { recursive: true });
  try {
    writeFileSync(path, pem, { mode: 0o600, flag: 'wx' });
    chmodSync(path, 0o600); // the umask may have taken bits away, never added: this only makes it explicit
    return pem;
  } catch (error) {
    // another process made it first: use theirs
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return readFileSync(path, 'utf8');
    throw error;
  }
}
