import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/common/errors';
import { createNmapFormat } from '../../src/inventory/parsers/nmap';
import { osConflicts, preferredOs } from '../../src/inventory/merge-assets';
import { shippedNames } from '../helpers/shipped-rules';

const dir = join(__dirname, '..', 'fixtures', 'nmap');
const nmapFormat = createNmapFormat(shippedNames());

// The import sniffer refuses any DOCTYPE and every real nmap file carries `<!DOCTYPE nmaprun>`, so these tests
// hand the parser the document the sniffer would produce once it accepts a bare DOCTYPE.
function scan(file: string) {
  return nmapFormat.parse({ name: file, text: readFileSync(join(dir, file), 'utf8'), xmlRoot: 'nmaprun' });
}

describe('nmap XML', () => {
  it.each([
    ['loopback_sV_1-10000.xml', 1],
    ['loopback_sS_sV_O_smb_scripts.xml', 1],
    ['loopback_ipv6_sV.xml', 1],
    ['libnmap__dionaea_scan.xml', 1],
    ['libnmap__full_sudo6.xml', 4],
    ['libnmap__os_scan5.xml', 4],
    ['nmap-ndiff__random-2.xml', 61],
  ])('imports the real scan %s with only the hosts that are up', (file, upHosts) => {
    const batch = scan(file);
    expect(batch.assets).toHaveLength(upHosts);
    for (const asset of batch.assets) expect(asset.addresses.length).toBeGreaterThan(0);
  });

  it('keys ports on number and protocol, not service name (Samba on 445 is "netbios-ssn")', () => {
    const [host] = scan('loopback_sV_1-10000.xml').assets;
    const smb = host!.services.find((s) => s.port === 445 && s.protocol === 'tcp');
    expect(smb).toMatchObject({ state: 'open', name: 'netbios-ssn', product: 'Samba smbd' });
    expect(smb!.seenAt).toMatch(/^20\d\d-/);
  });

  it('records Samba answering SMB as "Windows 6.1" as Samba with a conflict, never as Windows', () => {
    const [host] = scan('loopback_sS_sV_O_smb_scripts.xml').assets;
    const smb = host!.osCandidates.find((c) => c.method === 'smb')!;
    expect(smb.cpe).toBe('cpe:2.3:a:samba:samba:4.17.12:*:*:*:*:*:*:*');
    expect(smb.raw).toContain('Windows 6.1');
    expect(host!.conflicts[0]!.note).toMatch(/Samba imitating Windows/);
    expect(host!.hostnames).toContain('FILESRV01');
    expect(host!.osCandidates.some((c) => c.cpe?.includes('microsoft'))).toBe(false);
  });

  it('prefers the SMB answer over a 100 % fingerprint and flags the disagreement (dionaea honeypot)', () => {
    const host = scan('libnmap__dionaea_scan.xml').assets.find((a) => a.osCandidates.some((c) => c.method === 'smb'));
    const preferred = preferredOs(host!.osCandidates)!;
    expect(preferred.method).toBe('smb');
    expect(preferred.cpe).toBe('cpe:2.3:o:microsoft:windows_xp:*:-:*:*:*:*:*:*');
    const [conflict] = osConflicts(host!.osCandidates);
    expect(conflict!.note).toMatch(
      /preferring the SMB answer .*"Windows XP.* over the 100 % fingerprint .*"Linux 4\.15 - 5\.6"/,
    );
  });

  it('reads the 1.03 layout (osclass beside osmatch, no CPE) and 1.04 osclass CPEs inside osmatch', () => {
    const old = scan('libnmap__os_scan5.xml').assets.flatMap((a) => a.osCandidates);
    expect(old.length).toBeGreaterThan(0);
    expect(old.find((c) => c.raw.startsWith('Linux 2.6'))?.cpe).toMatch(/^cpe:2\.3:o:linux:linux_kernel:/);
    const newer = scan('libnmap__full_sudo6.xml').assets.flatMap((a) => a.osCandidates);
    expect(newer.some((c) => c.cpe === 'cpe:2.3:o:microsoft:windows_server_2008:*:sp1:*:*:*:*:*:*')).toBe(true);
  });

  it('keeps filtered 139/445 as filtered (a firewall between scanner and host), not closed', () => {
    const services = scan('nmap-ndiff__random-2.xml').assets.flatMap((a) => a.services);
    expect(services.some((s) => s.port === 445 && s.state === 'filtered')).toBe(true);
    expect(services.some((s) => s.port === 139 && s.state === 'filtered')).toBe(true);
  });

  it('reads IPv6 addresses', () => {
    expect(scan('loopback_ipv6_sV.xml').assets[0]!.addresses).toEqual(['::1']);
  });

  it('names the line and column of malformed XML', () => {
    const text = '<?xml version="1.0"?>\n<nmaprun start="1">\n<host><status state="up"/>\n</nmaprun>\n';
    expect(() => nmapFormat.parse({ name: 'broken.xml', text, xmlRoot: 'nmaprun' })).toThrow(InputError);
    try {
      nmapFormat.parse({ name: 'broken.xml', text, xmlRoot: 'nmaprun' });
    } catch (error) {
      expect((error as InputError).place.line).toBe(4);
      expect((error as InputError).place.column).toBeGreaterThan(0);
      expect((error as InputError).message).toMatch(/^broken\.xml \(line 4, column \d+\): malformed XML/);
    }
  });
});
