/**
 * The ports a product's service usually listens on, as data (rules/usual-ports.json): used after the bulletin, the
 * per-CVE/component table and the hosts' own scanned services, before "ports unknown" (the host's ports, any port).
 *
 * Expected, written before the code, with the real KEV catalog:
 * - CVE-2017-12617 (Apache Tomcat, JSP upload; no port in KEV, no AJP in its description, so rules/service-ports.json
 *   has no row for it): ports tcp/8080, tcp/8443 and tcp/8009 from rules/usual-ports.json, and the source names the
 *   file and where the row's ports come from (Tomcat's default server.xml); each host's exposure says the same.
 * - A hand-written Tomcat bulletin naming no port, on app-01 whose complete SBOM lists Apache Tomcat 9.0.62: app-01
 *   is affected, and its exposure is worked out over those three ports, its first reason saying where they came from.
 * - CVE-2018-4878 (Adobe Flash Player): still no ports at all, "ports unknown": Flash is a client and has no row.
 * - An organization's own row changes the ports with no re-import; a row without a source is refused by
 *   `patchcall rules check`, naming the file and the place.
 */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { patchcall, tempDbPath } from '../helpers/run-patchcall';
import { copyRules, editJson } from '../risk/rulebook-copy';

const fixtures = join(__dirname, '..', 'fixtures');

describe('usual ports of a product (rules/usual-ports.json)', () => {
  let db: string;
  beforeAll(async () => {
    const dir = copyRules();
    const cmdb = join(dir, 'cmdb.csv');
    writeFileSync(
      cmdb,
      'sys_id,name,ip_address,os,os_version,install_status\na1,app-01,10.30.0.11,Red Hat Enterprise Linux,8.6,1\n',
    );
    const bulletin = join(dir, 'example-tomcat.bulletin.yaml');
    writeFileSync(
      bulletin,
      [
        'kind: patchcall/bulletin',
        'id: EXAMPLE-TOMCAT-1',
        'title: Apache Tomcat request handling flaw (a rehearsal bulletin naming no port)',
        'vendor: Apache',
        'revision: "1.0"',
        'released_at: "2026-12-01"',
        'severity: Important',
        'summary: A rehearsal bulletin for Apache Tomcat that names no port.',
        'cves: [CVE-2099-0002]',
        'products:',
        '  - { name: Apache Tomcat, cpe: "cpe:2.3:a:apache:tomcat:*:*:*:*:*:*:*:*" }',
        '',
      ].join('\n'),
    );
    const sbom = join(dir, 'app-01.cdx.json');
    writeFileSync(
      sbom,
      JSON.stringify({
        bomFormat: 'CycloneDX',
        specVersion: '1.5',
        version: 1,
        metadata: { component: { type: 'application', name: 'app-01', 'bom-ref': 'app-01' } },
        components: [
          {
            type: 'application',
            name: 'tomcat',
            version: '9.0.62',
            'bom-ref': 'tomcat',
            cpe: 'cpe:2.3:a:apache:tomcat:9.0.62:*:*:*:*:*:*:*',
          },
        ],
        compositions: [{ aggregate: 'complete', assemblies: ['app-01'] }],
      }),
    );
    db = tempDbPath();
    const kev = join(fixtures, 'kev', 'known_exploited_vulnerabilities.json');
    for (const args of [
      [kev, bulletin, cmdb],
      [sbom, '--asset', 'app-01'],
    ]) {
      const result = await patchcall(['--db', db, 'import', ...args]);
      expect(result.stderr).toBe('');
    }
  });

  it("gives Tomcat its service's usual ports, naming the file and the row's source", async () => {
    const report = (await patchcall(['--db', db, 'exposure', 'CVE-2017-12617', '--json'])).json();
    expect(report.ports).toEqual([
      { protocol: 'tcp', port: 8080 },
      { protocol: 'tcp', port: 8443 },
      { protocol: 'tcp', port: 8009 },
    ]);
    expect(report.portsSource).toMatch(
      /^rules\/usual-ports\.json, the ports the product's service usually listens on .*Apache Tomcat: tcp\/8080, tcp\/8443, tcp\/8009, per Tomcat's default conf\/server\.xml/,
    );
  });

  it("works an affected host's exposure out over those ports, and says where they came from", async () => {
    const report = (await patchcall(['--db', db, 'exposure', 'EXAMPLE-TOMCAT-1', '--json'])).json();
    const app = report.assets.find((a: { asset: string }) => a.asset === 'app-01');
    expect(app.status).toBe('affected');
    expect(app.exposure.ports.map((p: { protocol: string; port: number }) => `${p.protocol}/${p.port}`)).toEqual([
      'tcp/8080',
      'tcp/8443',
      'tcp/8009',
    ]);
    expect(app.exposure.portsAssumed).toMatch(/^ports from rules\/usual-ports\.json.*Apache Tomcat/);
    expect(app.exposure.reasons).toContain(app.exposure.portsAssumed);
  });

  it('keeps Flash Player, a client, without ports', async () => {
    const report = (await patchcall(['--db', db, 'exposure', 'CVE-2018-4878', '--json'])).json();
    expect(report.ports).toEqual([]);
    expect(report.portsSource).toMatch(/^ports unknown: exposure assumed to be the host's/);
  });

  it("uses the organization's own row at the next question, and refuses a row without a source", async () => {
    const dir = copyRules();
    editJson(join(dir, 'usual-ports.json'), (j) => {
      j.products.find((p: { product: string }) => p.product === 'Apache Tomcat').ports = ['tcp/9443'];
    });
    const own = (
      await patchcall(['--db', db, 'exposure', 'CVE-2017-12617', '--json'], { env: { PATCHCALL_RULES: dir } })
    ).json();
    expect(own.ports).toEqual([{ protocol: 'tcp', port: 9443 }]);

    editJson(join(dir, 'usual-ports.json'), (j) => delete j.products[0].source);
    const check = await patchcall(['rules', 'check', '--rules', dir]);
    expect(check.code).toBe(1);
    expect(check.stderr).toMatch(
      /usual-ports\.json \(at \/products\/0\): not a valid usual-ports: missing required property "source"/,
    );
  });
});
