import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { RulesFolder } from '../../src/app/rules-folder';
import { humanImpactOf } from '../../src/risk/human-impact-table';
import { URGENCIES, type Urgency } from '../../src/risk/model';
import { RuleEvaluator } from '../../src/risk/rule-evaluator';
import { RulebookError } from '../../src/risk/rulebook-error';
import {
  AUTOMATABLE,
  BOD_TIMELINES,
  EXPLOITATION,
  HUMAN_IMPACT,
  SYSTEM_EXPOSURE,
  type SsvcInputs,
} from '../../src/risk/ssvc-values';
import { column, copyRules, editJson, readCsv, SHIPPED_RULES } from './rulebook-copy';

const FIXTURES = join(__dirname, '..', 'fixtures', 'ssvc');

describe('the shipped rulebook', () => {
  let evaluator: RuleEvaluator;
  beforeAll(async () => {
    const rulebook = await RulesFolder.load(SHIPPED_RULES).rulebook();
    evaluator = new RuleEvaluator(rulebook.rules);
  });

  const deployerRows = readCsv(join(FIXTURES, 'deployer_patch_application_priority_1_0_0.csv'));
  it('reads all 72 rows of CERT/CC deployer table', () => expect(deployerRows).toHaveLength(72));

  it.each(deployerRows.map((r) => [r.row!, r] as const))('agrees with SSVC deployer row %s', async (_row, r) => {
    const inputs = {
      exploitation: column(r, 'Exploitation'),
      systemExposure: column(r, 'System Exposure'),
      automatable: column(r, 'Automatable'),
      humanImpact: column(r, 'Human Impact'),
    } as Partial<SsvcInputs>;
    const evaluation = await evaluator.evaluate(inputs, ['urgency']);
    expect(evaluation.conflicts).toEqual([]);
    expect(evaluation.decisions.urgency?.value).toBe(column(r, 'Defer, Scheduled, Out-of-Cycle, Immediate'));
  });

  const bodRows = readCsv(join(FIXTURES, 'cisa_bod_26_04_1_0_0.csv'));
  it.each(bodRows.map((r) => [r.row!, r] as const))('agrees with CISA BOD 26-04 row %s', async (_row, r) => {
    const inputs = {
      inKev: column(r, 'In KEV'),
      publiclyExposed: column(r, 'Publicly Exposed'),
      automatable: column(r, 'Automatable'),
      technicalImpact: column(r, 'Technical Impact'),
    } as Partial<SsvcInputs>;
    const evaluation = await evaluator.evaluate(inputs, ['bod-26-04']);
    expect(evaluation.decisions['bod-26-04']?.value).toBe(column(r, 'CISA BOD 26-04 Remediation Timelines'));
  });

  it('BOD 26-04 CSV and JSON agree when columns are matched by name, not position', () => {
    const table = JSON.parse(readFileSync(join(FIXTURES, 'cisa_bod_26_04_1_0_0.json'), 'utf8'));
    const points = table.decision_points as Record<string, { name: string; values: { key: string; name: string }[] }>;
    expect(Object.keys(points)[0]).toBe('cisa:PE:1.0.0'); // the trap: JSON order differs from CSV order
    const asNames = (m: Record<string, string>) =>
      Object.fromEntries(
        Object.entries(m).map(([id, key]) => [
          points[id]!.name.toLowerCase(),
          points[id]!.values.find((v) => v.key === key)!.name.toLowerCase(),
        ]),
      );
    const fromJson = (table.mapping as Record<string, string>[])
      .map(asNames)
      .map((m) =>
        JSON.stringify([
          m['in kev'],
          m['publicly exposed'],
          m['automatable'],
          m['technical impact'],
          m['cisa bod 26-04 remediation timelines'],
        ]),
      );
    const fromCsv = bodRows.map((r) =>
      JSON.stringify(
        ['In KEV', 'Publicly Exposed', 'Automatable', 'Technical Impact', 'CISA BOD 26-04 Remediation Timelines'].map(
          (c) => column(r, c),
        ),
      ),
    );
    expect(new Set(fromJson)).toEqual(new Set(fromCsv));
  });

  it('uses the Human Impact table, not the prose definitions', async () => {
    const rulebook = await RulesFolder.load(SHIPPED_RULES).rulebook();
    for (const r of readCsv(join(FIXTURES, 'human_impact_1_0_0.csv'))) {
      expect(
        humanImpactOf(rulebook.humanImpact, column(r, 'Safety Impact') as never, column(r, 'Mission Impact') as never),
      ).toBe(column(r, 'Human Impact'));
    }
    expect(humanImpactOf(rulebook.humanImpact, 'critical', 'degraded')).toBe('medium');
    expect(humanImpactOf(rulebook.humanImpact, 'marginal', 'mef failure')).toBe('medium');
  });

  it('never lowers the urgency when one input gets worse', async () => {
    const dims = [EXPLOITATION, SYSTEM_EXPOSURE, AUTOMATABLE, HUMAN_IMPACT] as const;
    const names = ['exploitation', 'systemExposure', 'automatable', 'humanImpact'] as const;
    const urgencyOf = async (idx: number[]) => {
      const inputs = Object.fromEntries(names.map((n, i) => [n, dims[i]![idx[i]!]])) as Partial<SsvcInputs>;
      return URGENCIES.indexOf((await evaluator.evaluate(inputs, ['urgency'])).decisions.urgency!.value as Urgency);
    };
    await fc.assert(
      fc.asyncProperty(fc.tuple(fc.nat(2), fc.nat(2), fc.nat(1), fc.nat(3)), fc.nat(3), async (idx, which) => {
        fc.pre(idx[which]! < dims[which]!.length - 1);
        const worse = [...idx];
        worse[which]!++;
        expect(await urgencyOf(worse)).toBeGreaterThanOrEqual(await urgencyOf(idx));
      }),
      { numRuns: 300 },
    );
  });

  it('has a BOD timeline for every outcome value it can produce', () => {
    expect(new Set(bodRows.map((r) => column(r, 'CISA BOD 26-04 Remediation Timelines')))).toEqual(
      new Set(BOD_TIMELINES),
    );
  });
});

describe('rulebook errors name the file and the rule', () => {
  async function loadError(dir: string): Promise<RulebookError> {
    try {
      await RulesFolder.load(dir).rulebook();
    } catch (error) {
      if (error instanceof RulebookError) return error;
      throw error;
    }
    throw new Error('the rulebook loaded');
  }
  const deployer = (dir: string) => join(dir, 'rulebook', 'ssvc-deployer.json');

  it('malformed JSON: the file, line and column', async () => {
    const dir = copyRules();
    const text = readFileSync(deployer(dir), 'utf8');
    writeFileSync(deployer(dir), text.replace('"priority": 20,', '"priority": 20,,'));
    const error = await loadError(dir);
    expect(error.message).toContain(deployer(dir));
    expect(error.message).toMatch(/\(line \d+, column \d+\): invalid JSON/);
  });

  it('an unknown fact', async () => {
    const dir = copyRules();
    editJson(deployer(dir), (j) => (j.rules[3].conditions.all[0].fact = 'exploitaton'));
    const error = await loadError(dir);
    expect(error.message).toContain(
      `${deployer(dir)} rule "defer-unexploited-small-low-impact": /conditions/all/0: unknown fact "exploitaton"`,
    );
  });

  it('an unknown operator', async () => {
    const dir = copyRules();
    editJson(deployer(dir), (j) => (j.rules[15].conditions.all[2].operator = 'equals'));
    const error = await loadError(dir);
    expect(error.message).toContain(
      'rule "immediate-active-open-very-high-impact": /conditions/all/2: unknown operator "equals"',
    );
  });

  it("a value outside the fact's domain (a typo that would never match)", async () => {
    const dir = copyRules();
    editJson(deployer(dir), (j) => (j.rules[15].conditions.all[0].value = 'Active'));
    expect((await loadError(dir)).message).toContain('"Active" is not a exploitation value');
  });

  it('two rules at the same priority that disagree', async () => {
    const dir = copyRules();
    writeFileSync(
      join(dir, 'rulebook', 'local.json'),
      JSON.stringify({
        rules: [
          {
            name: 'our-dmz-rule',
            priority: 20,
            conditions: {
              all: [
                { fact: 'systemExposure', operator: 'equal', value: 'open' },
                { fact: 'exploitation', operator: 'equal', value: 'active' },
              ],
            },
            event: { type: 'urgency', params: { urgency: 'out-of-cycle' } },
          },
        ],
      }),
    );
    const message = (await loadError(dir)).message;
    expect(message).toMatch(/local\.json rule "our-dmz-rule": conflicts with rule "immediate-active-open/);
    expect(message).toMatch(/at priority 20 they all fire for exploitation=active, systemExposure=open/);
  });

  it('a higher-priority override is not a conflict', async () => {
    const dir = copyRules();
    writeFileSync(
      join(dir, 'rulebook', 'local.json'),
      JSON.stringify({
        rules: [
          {
            name: 'open-and-active-is-immediate-here',
            priority: 30,
            conditions: {
              all: [
                { fact: 'systemExposure', operator: 'equal', value: 'open' },
                { fact: 'exploitation', operator: 'equal', value: 'active' },
              ],
            },
            event: { type: 'urgency', params: { urgency: 'immediate' } },
          },
        ],
      }),
    );
    const rulebook = await RulesFolder.load(dir).rulebook();
    const result = await new RuleEvaluator(rulebook.rules).evaluate(
      { exploitation: 'active', systemExposure: 'open', automatable: 'no', humanImpact: 'low' },
      ['urgency'],
    );
    expect(result.decisions.urgency).toMatchObject({
      value: 'immediate',
      rules: [{ rule: 'open-and-active-is-immediate-here' }],
    });
  });

  it('a combination no rule decides', async () => {
    const dir = copyRules();
    editJson(deployer(dir), (j) => j.rules.shift());
    const message = (await loadError(dir)).message;
    expect(message).toMatch(
      /ssvc-deployer\.json: no rule sets urgency for exploitation=none, systemExposure=controlled, automatable=yes, humanImpact=low/,
    );
    expect(message).toContain('… and 39 more combinations where no rule sets urgency');
  });

  it('an unknown outcome, a missing file and a bad policy value', async () => {
    const dir = copyRules();
    editJson(deployer(dir), (j) => (j.rules[1].event.params.urgency = 'asap'));
    editJson(join(dir, 'policy.json'), (j) => (j.timezone = 'Europe/Berln'));
    rmSync(join(dir, 'tables', 'human_impact_1_0_0.csv'));
    const message = (await loadError(dir)).message;
    expect(message).toContain('human_impact_1_0_0.csv: cannot read: ENOENT');
    const dir2 = copyRules();
    editJson(deployer(dir2), (j) => (j.rules[1].event.params.urgency = 'asap'));
    editJson(join(dir2, 'policy.json'), (j) => (j.timezone = 'Europe/Berln'));
    const message2 = (await loadError(dir2)).message;
    expect(message2).toContain(
      'rule "defer-unexploited-manual-low-impact": "event.params.urgency" must be one of defer, scheduled, out-of-cycle, immediate, not "asap"',
    );
    expect(message2).toContain('policy.json: /timezone: "Europe/Berln" is not an IANA time zone');
  });
});
