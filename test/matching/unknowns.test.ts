/**
 * What patchcall cannot prove it calls unknown, and an unknown is never deferred.
 *
 * Expected, written before the code:
 * - a package advisory in a scheme patchcall has no rules for (hex): an installed package of that name with a
 *   version stays unknown even with a complete SBOM, with the reason "no version scheme";
 * - a host without any software inventory is unknown for an application advisory, never not_affected;
 * - assess on a bulletin whose only assets are unknown recommends "establish", not "defer", names the CMDB owner
 *   in an "establish: …" step, and its headline says "unknown exposure for N assets";
 * - the Flash bulletin (APSB18-03) gets no SMB ports although it runs on Windows, and a block patchcall suggests
 *   is never called the bulletin's workaround.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RulesFolder } from '../../src/app/rules-folder';
import { mergeBulletin } from '../../src/bulletins/merge-bulletin';
import type { Bulletin, ProductEntry } from '../../src/bulletins/model';
import { handwrittenFormat } from '../../src/bulletins/parsers/handwritten';
import { vulnerablePorts } from '../../src/exposure/exposure-rules';
import { matchAssets } from '../../src/inventory/match-assets';
import { affectedIdentities } from '../../src/inventory/match/advisory-criteria';
import type { InstalledSoftware, SoftwareInventory } from '../../src/inventory/model';
import { assess } from '../../src/risk/assess';
import { buildPlan } from '../../src/risk/plan';
import { SHIPPED_RULES } from '../risk/rulebook-copy';
import { asset, ms08067 } from '../risk/seed-story';
import dayjs from 'dayjs';

const shipped = RulesFolder.load(SHIPPED_RULES);
const calendars = shipped.get('releaseCalendars');
const sbom: SoftwareInventory['source'] = { format: 'cyclonedx', document: 'host.cdx.json' };
const completeSbom: SoftwareInventory = {
  kind: 'sbom',
  complete: true,
  completeBecause: 'compositions: complete',
  source: sbom,
};
const installed = (name: string, version: string, purl: string): InstalledSoftware => ({
  name,
  version,
  purl,
  kind: 'library',
  inventory: 'sbom',
  source: sbom,
});
const product = (fields: Partial<ProductEntry>): ProductEntry => ({
  name: 'p',
  status: 'affected',
  cves: [],
  source: { format: 'csaf', document: 'advisory.json' },
  ...fields,
});
const bulletinOf = (products: ProductEntry[]): Bulletin => ({ ...ms08067(), id: 'X-1', products, fixIds: [] });

describe('could not compare is never not_affected', () => {
  it('keeps a package in a scheme without rules unknown, even with a complete SBOM', () => {
    const b = bulletinOf([product({ name: 'plug < 1.5.0', purl: 'pkg:hex/plug', versionRange: 'vers:hex/<1.5.0' })]);
    const host = asset('elixir-01', {
      software: [installed('plug', '1.2.0', 'pkg:hex/plug@1.2.0')],
      softwareInventories: [completeSbom],
    });
    const [match] = matchAssets(b, [host], { names: shipped.get('names') });
    expect(match!.status).toBe('unknown');
    expect(match!.reasons.join(' ')).toMatch(/plug 1\.2\.0 .*no version scheme is known for it/);
  });

  it('keeps a host without a software inventory unknown for an application advisory, and says what is missing', () => {
    const b = bulletinOf([
      product({
        name: 'Apache Tomcat 9.0.0 to 9.0.80',
        cpe: 'cpe:2.3:a:apache:tomcat:*:*:*:*:*:*:*:*',
        versionRange: '>=9.0.0|<9.0.81',
      }),
    ]);
    const [match] = matchAssets(b, [asset('rhel8-tomcat')], { names: shipped.get('names') });
    expect(match!.status).toBe('unknown');
    expect(match!.reasons[0]).toMatch(
      /no complete sbom or software-installations or windows-programs or chocolatey inventory for rhel8-tomcat \(no software inventory at all, only the OS\)/,
    );
  });
});

describe('a fixed build of another stream proves nothing', () => {
  it('keeps an el9 build unknown against an erratum that lists only the el8 fix (it was not_affected)', () => {
    const b = bulletinOf([
      product({ name: 'tomcat-9.0.62-40.el8', purl: 'pkg:rpm/redhat/tomcat@9.0.62-40.el8', status: 'fixed' }),
    ]);
    const rpm: SoftwareInventory = {
      kind: 'rpm',
      complete: true,
      completeBecause: 'the rpm database',
      source: { format: 'osquery-packages', document: 'rpm.json' },
    };
    const host = (name: string, version: string) =>
      asset(name, {
        software: [{ ...installed('tomcat', version, `pkg:rpm/redhat/tomcat@${version}`), inventory: 'rpm' }],
        softwareInventories: [rpm],
      });
    const [el9, el8] = matchAssets(b, [host('el9-01', '9.0.62-11.el9'), host('el8-01', '9.0.62-39.el8')], {
      names: shipped.get('names'),
    });
    expect(el9!.status).toBe('unknown');
    expect(el9!.reasons.join(' ')).toMatch(/tomcat 9\.0\.62-11\.el9 .*: X-1 speaks for the el8 stream only/);
    expect(el8!.status).toBe('affected');
  });
});

describe('assess with unknown assets', () => {
  it('never recommends defer while unknowns remain; plans "establish" with the CMDB owner', async () => {
    const rulebook = await shipped.rulebook();
    const b = bulletinOf([product({ name: 'libfoo', purl: 'pkg:deb/debian/libfoo@1.0' })]);
    const hosts = [asset('db01', { owner: 'Database Team' }), asset('db02', { owner: 'Database Team' })];
    const matches = matchAssets(b, hosts, { names: shipped.get('names') });
    expect(matches.map((m) => m.status)).toEqual(['unknown', 'unknown']);
    const result = await assess({ bulletin: b, matches, exposures: [], rulebook, now: '2008-10-23T15:00:00+02:00' });
    expect(result.summary.recommendedCall).toBe('establish');
    expect(result.summary.headline).toMatch(/^X-1: establish — unknown exposure for 2 assets/);
    expect(result.summary.unknown).toMatchObject({ count: 2 });
    const step = result.plan.find((s) => s.kind === 'establish')!;
    expect(step).toMatchObject({
      title: 'Establish: whether 2 assets are affected (Database Team)',
      assets: ['db01', 'db02'],
    });
    expect(step.details).toMatch(/^Database Team \(the owner in the CMDB\)/);
    expect(result.plan.some((s) => s.kind === 'defer')).toBe(false);
  });
});

describe('the Flash bulletin (APSB18-03)', () => {
  const text = readFileSync(join(__dirname, '..', 'fixtures', 'bulletins', 'apsb18-03.bulletin.yaml'), 'utf8');
  const batch = handwrittenFormat.parse({ name: 'apsb18-03.bulletin.yaml', text });
  const flash = mergeBulletin('APSB18-03', batch.advisories, [], calendars);
  const table = shipped.get('servicePorts');

  it('gets no SMB ports: its products are Flash Player, whatever OS they run on', () => {
    const ports = vulnerablePorts(flash, table, {
      products: affectedIdentities(flash, shipped.get('names')),
      matches: [],
      names: shipped.get('names'),
    });
    expect(ports.ports).toEqual([]);
    expect(ports.source).toMatch(/^ports unknown: exposure assumed to be the host's/);
    expect(flash.cycle.status).toBe('out-of-cycle');
  });

  it("calls a block patchcall's suggestion, not the bulletin's, when no workaround of the bulletin says so", async () => {
    const { policy } = await shipped.rulebook();
    const web = asset('web01');
    const plan = buildPlan(
      [
        {
          asset: web,
          urgency: 'immediate',
          systemExposure: 'open',
          dueAt: '2018-02-07T15:00:00Z',
          dueMs: Date.parse('2018-02-07T15:00:00Z'),
          route: {
            filter: 'edge',
            port: 'tcp/445',
            zone: 'internet',
            rules: [3],
            ruleTexts: ['-A FORWARD -p tcp --dport 445 -j ACCEPT'],
          },
        },
      ],
      {
        bulletinId: 'APSB18-03',
        fixIds: [],
        restartRequired: false,
        now: dayjs('2018-02-06T18:00:00Z'),
        policy,
        workarounds: (flash.workarounds ?? []).map((w) => w.value),
      },
    );
    const block = plan.steps.find((s) => s.kind === 'mitigate')!;
    expect(block.details).toMatch(
      /a patchcall suggestion, not the bulletin's: tcp\/445 carries the vulnerable service/,
    );
    expect(block.details).not.toMatch(/\(the bulletin's workaround/);
  });
});
