/**
 * OS names as inventories write them ("Windows Server 2003, Standard Edition" + "Service Pack 2", "Windows 2000
 * Server", "cpe:/o:microsoft:windows_2000::sp4", "Cisco IOS 12.2(55)SE") normalized to CPE 2.3 through the shipped
 * name tables (rules/names/os.json). Matching re-reads names through the organization's tables.
 */
import { defaultNameTable, readServicePack, type NormalizedName } from './name-table';

export { readServicePack };
export type NormalizedOs = NormalizedName;

export function normalizeOs(name: string, servicePack?: string): NormalizedOs {
  const { cpe, note } = defaultNameTable().normalizeOs(name, servicePack);
  return { ...(cpe ? { cpe } : {}), ...(note ? { note } : {}) };
}
