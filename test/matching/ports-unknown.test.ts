/**
 * "Ports unknown": APSB18-03 (Flash Player) names no port, rules/service-ports.json has no row for Flash and no scan
 * shows a Flash service, so no source gives the vulnerable ports. Exposure is then the host's, and said so.
 *
 * Expected, written before the code, with the real nmap scan of 127.0.0.1 (loopback_sV_1-10000.xml: tcp/139, 445,
 * 2024, 2222, 3389 and 8080 open) and Flash 27.0.0.187 installed there and on kiosk01 (a CMDB host in the seed
 * estate's dmz, behind its edge firewall, that no scan saw):
 * - localhost is assessed over exactly those six scanned ports, each reachable (no filter stands in the way), and
 *   its reasons say "ports unknown: exposure assumed to be the host's, computed over every port a scan saw it listen
 *   on (tcp/139, …)";
 * - kiosk01 is assessed as host-level reachability over any port, and says so: the edge lets the internet reach
 *   its tcp/80 and tcp/443 and nothing else (DMZ_IN rule 3 of edge): System Exposure open, publicly exposed;
 * - neither is "reachability unknown", and `assess` plans no block of a port for them: no workaround is invented.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';

const fixtures = join(__dirname, '..', 'fixtures');
const seed = (file: string) => join(__dirname, '..', '..', 'db', 'seed', file);
// one row of `osqueryi --json "SELECT * FROM programs"`, every column as osquery prints it
const flash = [
  {
    identifying_number: '',
    install_date: '20171115',
    install_location: 'C:\\Windows\\SysWOW64\\Macromed\\Flash',
    install_source: '',
    language: '',
    name: 'Adobe Flash Player 27 NPAPI',
    publisher: 'Adobe Systems Incorporated',
    uninstall_string: 'C:\\Windows\\SysWOW64\\Macromed\\Flash\\FlashUtil32_27_0_0_187_Plugin.exe -maintain plugin',
    upgrade_code: '',
    version: '27.0.0.187',
  },
];

describe('ports unknown: exposure over the host’s own ports', () => {
  let db: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'patchcall-ports-'));
    const programs = join(dir, 'programs.json');
    writeFileSync(programs, JSON.stringify(flash));
    const cmdb = join(dir, 'cmdb.csv');
    writeFileSync(
      cmdb,
      'sys_id,name,ip_address,os,os_version,install_status\nk1,kiosk01,10.10.0.12,Microsoft Windows 10 Enterprise,10.0.16299,1\n',
    );
    db = tempDbPath();
    const run = async (args: string[]) => {
      const result = await patchcall(['--db', db, 'import', ...args]);
      expect(result.stderr).toBe('');
    };
    await run([
      join(fixtures, 'bulletins', 'apsb18-03.bulletin.yaml'),
      join(fixtures, 'nmap', 'loopback_sV_1-10000.xml'),
      cmdb,
      ...['edge.iptables-save', 'edge.ip6tables-save', 'core.nft.json', 'network.yaml'].map(seed),
    ]);
    await run([programs, '--asset', 'localhost']);
    await run([programs, '--asset', 'kiosk01']);
  });

  it('works exposure out over every port the scan saw open, or over any port, and says which', async () => {
    const result = await patchcall(['--db', db, 'exposure', 'APSB18-03', '--json']);
    expect(result.code).toBe(0);
    const report = result.json();
    expect(report.ports).toEqual([]);
    expect(report.portsSource).toMatch(/^ports unknown: exposure assumed to be the host's/);
    const byName = Object.fromEntries(report.assets.map((a: { asset: string }) => [a.asset, a]));
    expect(byName.localhost.status).toBe('affected');
    expect(byName.kiosk01.status).toBe('affected');

    const scanned = byName.localhost.exposure;
    expect(scanned.ports.map((p: { protocol: string; port: number }) => `${p.protocol}/${p.port}`)).toEqual([
      'tcp/139',
      'tcp/445',
      'tcp/2024',
      'tcp/2222',
      'tcp/3389',
      'tcp/8080',
    ]);
    expect(scanned.portsAssumed).toMatch(
      /^ports unknown: exposure assumed to be the host's, computed over every port a scan saw it listen on \(tcp\/139, tcp\/445, /,
    );
    expect(scanned.reasons.join('\n')).toContain(scanned.portsAssumed);
    expect(scanned.reasons[0]).not.toMatch(/reachability unknown/);
    for (const port of scanned.ports) expect(port.reachableFrom.length).toBeGreaterThan(0);

    const unscanned = byName.kiosk01.exposure;
    expect(unscanned.portsAssumed).toMatch(/host-level reachability over any tcp or udp port/);
    expect(unscanned.reasons[0]).not.toMatch(/reachability unknown/);
    expect(unscanned.ports.length).toBeGreaterThan(0);
    expect(unscanned.systemExposure).toBe('open');
    expect(unscanned.publiclyExposed).toBe(true);
    const fromInternet = unscanned.ports
      .filter((p: { reachableFrom: { zone: string }[] }) => p.reachableFrom.some((z) => z.zone === 'internet'))
      .map((p: { protocol: string; port: number; toPort?: number }) => `${p.protocol}/${p.port}-${p.toPort ?? p.port}`);
    expect(fromInternet).toEqual(['tcp/80-80', 'tcp/443-443']);
  });

  it('assess states the assumption and plans no port block for it', async () => {
    const result = await patchcall(['--db', db, 'assess', 'APSB18-03', '--json']);
    expect(result.code).toBe(0);
    const text = result.stdout;
    expect(text).toMatch(/ports unknown: exposure assumed to be the host's/);
    const assessment = result.json();
    expect(JSON.stringify(assessment.plan ?? assessment)).not.toMatch(/"title":"Block /);
  });
});
