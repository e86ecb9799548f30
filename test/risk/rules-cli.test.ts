import { join } from 'node:path';
import { writeFileSync } from 'node:fs';
import { patchcall } from '../helpers/run-patchcall';
import { copyRules, editJson, SHIPPED_RULES } from './rulebook-copy';

const CASES = join(SHIPPED_RULES, 'cases');

describe('patchcall rules', () => {
  it('check passes the shipped rulebook', async () => {
    const r = await patchcall(['rules', 'check', '--rules', SHIPPED_RULES]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^ok: 26 rules in 2 files/);
    for (const file of ['exposure.json', 'quorum.json', 'service-ports.json', 'release-calendars.json', 'policy.json'])
      expect(r.stdout).toMatch(new RegExp(`^  [0-9a-f]{12}  ${file.replace('.', '\\.')}$`, 'm'));
    const json = (await patchcall(['--json', 'rules', 'check', '--rules', SHIPPED_RULES])).json();
    expect(json.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(json.files).toContainEqual({ path: 'quorum.json', sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
  });

  it('check validates every rules file, naming the file and the JSON pointer', async () => {
    const dir = copyRules();
    editJson(join(dir, 'exposure.json'), (j) => (j.zones.dmz = 'wide open'));
    editJson(join(dir, 'quorum.json'), (j) => (j.byUrgency.immediate[0].count = 0));
    editJson(join(dir, 'service-ports.json'), (j) => (j.services[0].ports = ['tcp/445x']));
    const r = await patchcall(['rules', 'check', '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(dir, 'exposure.json')} (at /zones/dmz): not a valid exposure: must be equal to one of the allowed values`,
    );
    expect(r.stderr).toContain(
      `${join(dir, 'quorum.json')} (at /byUrgency/immediate/0/count): not a valid quorum: must be >= 1`,
    );
    expect(r.stderr).toContain(
      `${join(dir, 'service-ports.json')} (at /services/0/ports/0): not a valid service-ports: must match pattern`,
    );
  });

  it('test passes all 72 SSVC deployer rows and all 16 BOD 26-04 rows', async () => {
    const deployer = await patchcall([
      'rules',
      'test',
      join(CASES, 'ssvc-deployer.cases.json'),
      '--rules',
      SHIPPED_RULES,
    ]);
    expect(deployer.code).toBe(0);
    expect(deployer.stdout).toContain('ok: 72 of 72 cases pass');
    const bod = await patchcall(['--json', 'rules', 'test', join(CASES, 'bod-26-04.cases.json')], {
      env: { PATCHCALL_RULES: SHIPPED_RULES },
    });
    expect(bod.code).toBe(0);
    expect(bod.json()).toMatchObject({ ok: true, passed: 16, failed: 0 });
  });

  it('an edited rule still checks but fails the official cases, naming the row', async () => {
    const dir = copyRules();
    // an organization makes "active, open, not automatable, medium/high" scheduled instead of out-of-cycle
    editJson(join(dir, 'rulebook', 'ssvc-deployer.json'), (j) => {
      const rule = j.rules.find((r: { name: string }) => r.name === 'out-of-cycle-active-open-manual-medium-high');
      rule.event.params.urgency = 'scheduled';
    });
    expect((await patchcall(['rules', 'check', '--rules', dir])).code).toBe(0);
    const r = await patchcall(['rules', 'test', join(CASES, 'ssvc-deployer.cases.json'), '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain(
      '✗ deployer row 65: active, open, automatable no, human impact medium\n    urgency: expected out-of-cycle, got scheduled\n    deciding rules: out-of-cycle-active-open-manual-medium-high',
    );
    expect(r.stdout).toContain('✗ deployer row 66: active, open, automatable no, human impact high');
    expect(r.stdout).toContain('FAIL: 70 of 72 cases pass');
  });

  it('check fails with exit 1, naming the file and the rule', async () => {
    const dir = copyRules();
    editJson(join(dir, 'rulebook', 'bod-26-04.json'), (j) => (j.rules[2].conditions.all[0].fact = 'automatible'));
    const r = await patchcall(['rules', 'check', '--rules', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toContain(
      `${join(dir, 'rulebook', 'bod-26-04.json')} rule "bod-60-days-automatable": /conditions/all/0: unknown fact "automatible"`,
    );
  });

  it('cases may give safety and mission impact instead of human impact, and expect the deciding rules', async () => {
    const file = join(copyRules(), 'my.cases.json');
    writeFileSync(
      file,
      JSON.stringify([
        {
          name: 'safety-tagged controller, reachable from the plant network',
          facts: {
            exploitation: 'public poc',
            systemExposure: 'controlled',
            automatable: 'yes',
            safetyImpact: 'catastrophic',
            missionImpact: 'degraded',
          },
          expect: {
            humanImpact: 'very high',
            urgency: 'out-of-cycle',
            rules: ['out-of-cycle-poc-controlled-automatable-very-high'],
          },
        },
      ]),
    );
    const r = await patchcall(['rules', 'test', file, '--rules', SHIPPED_RULES]);
    expect(r.stdout).toContain('ok: 1 of 1 cases pass');
    expect(r.code).toBe(0);
  });

  it('a bad case file is bad input (exit 2) with the place named', async () => {
    const file = join(copyRules(), 'bad.cases.json');
    writeFileSync(
      file,
      JSON.stringify([{ name: 'typo', facts: { exploitation: 'poc' }, expect: { urgency: 'scheduled' } }]),
    );
    const r = await patchcall(['rules', 'test', file, '--rules', SHIPPED_RULES]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(
      `${file} (at /0/facts/exploitation): case "typo": "poc" is not a exploitation value (none, public poc, active)`,
    );
  });
});
