/** The quorum policy of rules/quorum.json, read and checked where it is used. */
import { join } from 'node:path';
import { PatchcallError } from '../common/errors';
import { validateQuorumPolicy, type QuorumPolicy } from '../decisions/check-quorum';
import { loadRulesJson } from './rules-data';

export const QUORUM_FILE = 'quorum.json';

export function loadQuorumPolicy(rulesDir: string): QuorumPolicy {
  try {
    return validateQuorumPolicy(loadRulesJson(rulesDir, QUORUM_FILE), join(rulesDir, QUORUM_FILE));
  } catch (error) {
    if (error instanceof PatchcallError) throw error;
    throw new PatchcallError('CONFIG', (error as Error).message);
  }
}
