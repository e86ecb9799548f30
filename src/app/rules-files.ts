/**
 * Every file in rules/ that can change an outcome, in one table: where it is, its JSON Schema
 * (rules/schemas/<schema>.schema.json) and how its checked content becomes what the code uses. Registering a new
 * file is one line here plus its schema; `patchcall rules check`, the digest and the audit record follow.
 */
import { posix } from 'node:path';
import { validateCalendars } from '../bulletins/release-cycle';
import { validateQuorumPolicy } from '../decisions/check-quorum';
import { readReminderPolicy } from '../decisions/reminder-policy';
import { readExposureRules, readServicePorts } from '../exposure/exposure-rules';
import { readUsualPorts } from '../exposure/usual-ports';
import { nameTableOf } from '../inventory/name-table';
import type { CmdbColumnMapping } from '../inventory/parsers/servicenow-cmdb';
import { NO_PROVIDERS, type ProviderRules } from '../inventory/providers';
import { readHumanImpactTable } from '../risk/human-impact-table';
import { validatePolicy } from '../risk/policy';
import { readRuleFile } from '../risk/validate-rulebook';

/** One file as read: `path` relative to the rules folder, `file` the full path for messages, `value` parsed. */
export interface RulesDocument {
  path: string;
  file: string;
  /** JSON and YAML as parsed; CSV as rows keyed by the header line. */
  value: unknown;
}

export interface RulesEntry<T> {
  /** A path under the rules folder (.json, .yaml/.yml or .csv), or `folder/*.ext` for every such file in it. */
  file: string;
  /** The name of its schema: rules/schemas/<schema>.schema.json, checked before `parse`. */
  schema: string;
  /** The checks a schema cannot make, and the value the code uses; throw InputError, RulebookError or Error. */
  parse: (documents: RulesDocument[]) => T;
  /** A missing file (or no match for a pattern) is no error; `parse` then gets an empty list. */
  optional?: boolean;
}

/** For a single file: `read(value, file)`. */
export function one<T>(read: (value: unknown, file: string) => T): (documents: RulesDocument[]) => T {
  return ([document]) => read(document!.value, document!.file);
}

/** For an optional single file: undefined when it is absent. */
export function maybeOne<T>(read: (value: unknown, file: string) => T): (documents: RulesDocument[]) => T | undefined {
  return ([document]) => (document ? read(document.value, document.file) : undefined);
}

/** For a pattern: each file read on its own, in file-name order. */
export function each<T>(read: (value: unknown, file: string) => T): (documents: RulesDocument[]) => T[] {
  return (documents) => documents.map((d) => read(d.value, d.file));
}

/** rules/cmdb-mapping.yaml as the importers use it. */
export interface CmdbMapping {
  columns: CmdbColumnMapping;
  /** Whether the organization's software-installation export is a complete inventory, and why. */
  softwareInstallations?: { complete: boolean; because?: string };
}

interface CmdbMappingDocument {
  columns?: CmdbColumnMapping;
  software_installations?: { complete: boolean; because?: string };
}

export const RULES_FILES = {
  rulebook: { file: 'rulebook/*.json', schema: 'rulebook', parse: each((v, f) => readRuleFile(f, v)) },
  policy: { file: 'policy.json', schema: 'policy', parse: one((v, f) => validatePolicy(f, v)) },
  humanImpact: {
    file: 'tables/human_impact_1_0_0.csv',
    schema: 'human-impact',
    parse: one((v, f) => readHumanImpactTable(f, v as Record<string, string>[])),
  },
  exposure: { file: 'exposure.json', schema: 'exposure', parse: one(readExposureRules) },
  servicePorts: { file: 'service-ports.json', schema: 'service-ports', parse: one(readServicePorts) },
  usualPorts: { file: 'usual-ports.json', schema: 'usual-ports', parse: one(readUsualPorts) },
  quorum: { file: 'quorum.json', schema: 'quorum', parse: one(validateQuorumPolicy) },
  reminders: { file: 'reminders.json', schema: 'reminders', parse: one(readReminderPolicy) },
  releaseCalendars: { file: 'release-calendars.json', schema: 'release-calendars', parse: one(validateCalendars) },
  cmdbMapping: {
    file: 'cmdb-mapping.yaml',
    schema: 'cmdb-mapping',
    optional: true,
    parse: maybeOne((v): CmdbMapping => {
      const doc = v as CmdbMappingDocument;
      return {
        columns: doc.columns ?? {},
        ...(doc.software_installations ? { softwareInstallations: doc.software_installations } : {}),
      };
    }),
  },
  names: {
    file: 'names/*.json',
    schema: 'names',
    parse: (documents: RulesDocument[]) =>
      nameTableOf(documents.map((d) => ({ name: posix.basename(d.path), file: d.file, value: d.value }))),
  },
  providers: {
    file: 'providers.json',
    schema: 'providers',
    optional: true,
    parse: ([document]: RulesDocument[]): ProviderRules =>
      document ? (document.value as ProviderRules) : NO_PROVIDERS,
  },
} satisfies Record<string, RulesEntry<unknown>>;

export type RulesKey = keyof typeof RULES_FILES;
export type RulesData = { [K in RulesKey]: ReturnType<(typeof RULES_FILES)[K]['parse']> };
