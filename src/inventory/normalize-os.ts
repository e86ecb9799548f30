/**
 * OS names as inventories write them ("Windows Server 2003, Standard Edition" + "Service Pack 2", "Windows 2000
 * Server", "cpe:/o:microsoft:windows_2000::sp4", "Cisco IOS 12.2(55)SE") normalized to CPE 2.3 through the rules
 * folder's name tables (rules/names, an organization's own rows first), as the importer reads them.
 */
import type { OsIdentity } from './model';
import type { NameTable, NormalizedName } from './name-table';

export type NormalizedOs = Pick<NormalizedName, 'cpe' | 'note'> & Pick<OsIdentity, 'named'>;

/** The CPE and note of an OS name, and the name itself, kept so that matching can name it again with later rows. */
export function normalizeOs(names: NameTable, name: string, servicePack?: string): NormalizedOs {
  const { cpe, note } = names.normalizeOs(name, servicePack);
  return {
    ...(cpe ? { cpe } : {}),
    ...(note ? { note } : {}),
    named: { name, ...(servicePack ? { servicePack } : {}) },
  };
}
