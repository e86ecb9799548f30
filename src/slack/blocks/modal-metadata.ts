/** A modal's private_metadata read back on submission; Slack returns it as we set it, so a bad one is a garbled request. */
import { PatchcallError } from '../../common/errors';

export const MODAL_METADATA_LOST = (form: string) =>
  `the ${form} form came back without its decision: open it again from the card`;

export function readModalMetadata(text: string, form: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    if (typeof value === 'object' && value !== null) return value as Record<string, unknown>;
  } catch {
    // reported below, in the same words as a missing field
  }
  throw new PatchcallError('BAD_INPUT', MODAL_METADATA_LOST(form));
}
