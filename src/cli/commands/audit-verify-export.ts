/** `patchcall audit verify --export <record.json>`: the record on its own, without the database. */
import { readDocumentFile } from '../../app/read-document';
import { defaultSigningKeyPath } from '../../app/signing-key';
import { verifyRecordDocument } from '../../app/verify-record';
import type { CliRuntime, GlobalOptions } from '../cli-io';

export function verifyExport(
  runtime: CliRuntime,
  global: GlobalOptions,
  file: string,
  options: { key?: string; anchors?: string },
): void {
  const { doc } = readDocumentFile(file, runtime.config.maxInputBytes);
  const anchors = options.anchors ? readDocumentFile(options.anchors, runtime.config.maxInputBytes).doc : undefined;
  const verdict = verifyRecordDocument(doc.json, file, {
    ...(options.key ? { key: options.key } : {}),
    ...(anchors ? { anchors: anchors.json ?? anchors.text } : {}),
    localKeyPath: runtime.config.signingKeyPath ?? defaultSigningKeyPath(global.db ?? runtime.config.dbPath),
  });
  // an unsigned record is neither ok nor broken: exit 3 so a script cannot take it for a proven one
  if (!verdict.ok) runtime.fail('unsigned' in verdict ? 3 : 1);
  runtime.print(global, verdict, () => {
    if ('unsigned' in verdict)
      return (
        `record UNSIGNED (version ${verdict.version}, exported before records were signed): nothing proves it complete\n` +
        `links ok: ${verdict.streamEvents} events of ${verdict.stream} within ${verdict.count} chained events (#${verdict.firstSeq}-#${verdict.headSeq}), head ${verdict.headHash}\n` +
        `derived again from the chain and equal (who, when, stances, the call's outcome and rationale, exposure, assessment): ${verdict.checked.join(', ')}\n` +
        `not checked: ${verdict.notChecked.join(', ')}\n` +
        `export it again from the database (patchcall export) for a signed record\n`
      );
    const uncovered = verdict.notCoveredByChain?.length
      ? `not covered by the chain: ${verdict.notCoveredByChain.join(', ')} (covered by the signature only)\n`
      : '';
    if (!verdict.ok)
      return `record BROKEN${verdict.brokenAt !== undefined ? ` at event #${verdict.brokenAt}` : ''}${verdict.pointer ? ` at ${verdict.pointer}` : ''}: ${verdict.problem}\n${uncovered}`;
    return (
      `record ok: ${verdict.streamEvents} events of ${verdict.stream} within ${verdict.count} chained events (#${verdict.firstSeq}-#${verdict.headSeq}), head ${verdict.headHash}\n` +
      `derived again from the chain and equal: ${verdict.fromChain.join(', ')}\n` +
      uncovered +
      `signature ok: key ${verdict.keyId}, vouched for by ${verdict.keyVouchedBy}\n`
    );
  });
}
