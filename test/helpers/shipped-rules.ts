/** The rules folder patchcall ships (rules/), read once per test file: what an organization starts from. */
import type { FormatHandler } from '../../src/common/format-handler';
import { formatsFor, type ImportBatch } from '../../src/app/formats';
import { RulesFolder } from '../../src/app/rules-folder';
import type { NameTable } from '../../src/inventory/name-table';

let shipped: RulesFolder | undefined;

function shippedRules(): RulesFolder {
  return (shipped ??= RulesFolder.load());
}

/** The shipped name tables (rules/names). */
export function shippedNames(): NameTable {
  return shippedRules().get('names');
}

/** Every import format, read with the shipped rules. */
export function shippedFormats(): FormatHandler<ImportBatch>[] {
  return formatsFor(shippedRules());
}
