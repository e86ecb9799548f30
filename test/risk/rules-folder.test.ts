import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LiveRulesFolder, RulesFolder, type RulesReload } from '../../src/app/rules-folder';
import { RULES_FILES } from '../../src/app/rules-files';
import { SPEAKING_ROLES, STANCES } from '../../src/decisions/decision-model';
import { LEVEL_ORDER } from '../../src/exposure/exposure-rules';
import { CMDB_FIELDS } from '../../src/inventory/parsers/servicenow-cmdb';
import { URGENCIES } from '../../src/risk/model';
import { WEEKDAYS } from '../../src/risk/policy';
import { RulebookError } from '../../src/risk/rulebook-error';
import { BOD_TIMELINES, MISSION_IMPACT, RULE_EVENT_TYPES, SAFETY_IMPACT } from '../../src/risk/ssvc-values';
import { copyRules, editJson, SHIPPED_RULES } from './rulebook-copy';

function loadError(dir: string): RulebookError {
  try {
    RulesFolder.load(dir);
  } catch (error) {
    if (error instanceof RulebookError) return error;
    throw error;
  }
  throw new Error('the folder loaded');
}

describe('RulesFolder', () => {
  it('reads every registered file once, with its own digest and one digest over all of them', () => {
    const folder = RulesFolder.load(SHIPPED_RULES);
    expect(folder.files.map((f) => f.path)).toEqual([
      'exposure.json',
      'names/os.json',
      'names/products.json',
      'policy.json',
      'providers.json',
      'quorum.json',
      'release-calendars.json',
      'reminders.json',
      'rulebook/bod-26-04.json',
      'rulebook/ssvc-deployer.json',
      'service-ports.json',
      'tables/human_impact_1_0_0.csv',
      'usual-ports.json',
    ]);
    for (const f of folder.files)
      expect(f.sha256).toBe(
        createHash('sha256')
          .update(readFileSync(join(SHIPPED_RULES, f.path)))
          .digest('hex'),
      );
    expect(folder.digest).toMatch(/^[0-9a-f]{64}$/);
    expect(folder.get('exposure').zones.internet).toBe('open');
    expect(folder.get('quorum').byUrgency.scheduled).toEqual([{ role: 'security', count: 1 }]);
    expect(folder.get('cmdbMapping')).toBeUndefined();
  });

  it.each([
    ['exposure.json', (j: Record<string, any>) => (j.zones.lab = 'small')], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['service-ports.json', (j: Record<string, any>) => j.services.pop()], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['quorum.json', (j: Record<string, any>) => (j.byUrgency.defer = [{ role: 'security', count: 1 }])], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['release-calendars.json', (j: Record<string, any>) => j.vendors.pop()], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['policy.json', (j: Record<string, any>) => (j.soakHours = 24)], // eslint-disable-line @typescript-eslint/no-explicit-any
    ['names/os.json', (j: Record<string, any>) => j.names.pop()], // eslint-disable-line @typescript-eslint/no-explicit-any
  ])('an edit of %s changes the folder digest and that file digest only', (file, edit) => {
    const dir = copyRules();
    const before = RulesFolder.load(dir);
    editJson(join(dir, file), edit);
    const after = RulesFolder.load(dir);
    expect(after.digest).not.toBe(before.digest);
    const changed = after.files.filter((f, i) => f.sha256 !== before.files[i]!.sha256).map((f) => f.path);
    expect(changed).toEqual([file]);
  });

  it("reads an organization's name table before the shipped ones, whatever its file name, and on reload", async () => {
    const dir = copyRules();
    const live = new LiveRulesFolder(dir);
    expect(live.current.get('names').normalizeOs('Cisco IOS 12.2(55)SE').cpe).toMatch(/^cpe:2\.3:o:cisco:ios:/);
    writeFileSync(
      join(dir, 'names', 'zz-acme.json'),
      JSON.stringify({
        kind: 'patchcall/names',
        table: 'os',
        names: [{ match: '^cisco ios (\\d+\\.\\d+\\(\\w+\\)\\w*)', cpe: 'o:acme:ios:{1}' }],
      }),
    );
    expect(await live.reload()).toMatchObject({ changed: true });
    expect(live.current.files.map((f) => f.path)).toContain('names/zz-acme.json');
    const names = live.current.get('names');
    expect(names.normalizeOs('Cisco IOS 12.2(55)SE')).toMatchObject({ row: 'rules/names/zz-acme.json /names/0' });
    expect(names.normalizeOs('Cisco IOS 12.2(55)SE').cpe).toMatch(/^cpe:2\.3:o:acme:ios:12\.2\\\(55\\\)se:/);
  });

  it('a new rule file and an optional CMDB mapping join the digest', async () => {
    const dir = copyRules();
    const before = RulesFolder.load(dir);
    writeFileSync(
      join(dir, 'rulebook', 'local.json'),
      JSON.stringify({
        rules: [
          {
            name: 'local-catch-all',
            priority: 2,
            conditions: { all: [] },
            event: { type: 'urgency', params: { urgency: 'scheduled' } },
          },
        ],
      }),
    );
    writeFileSync(
      join(dir, 'cmdb-mapping.yaml'),
      'kind: patchcall/cmdb-mapping\ncolumns:\n  name: Host Name\nsoftware_installations: { complete: true, because: SCCM sees every host }\n',
    );
    const after = RulesFolder.load(dir);
    expect(after.files.map((f) => f.path)).toEqual(
      expect.arrayContaining(['rulebook/local.json', 'cmdb-mapping.yaml']),
    );
    expect(after.digest).not.toBe(before.digest);
    expect(after.get('cmdbMapping')).toEqual({
      columns: { name: 'Host Name' },
      softwareInstallations: { complete: true, because: 'SCCM sees every host' },
    });
    const rulebook = await after.rulebook();
    expect(rulebook.digest).toBe(after.digest);
    expect(rulebook.rules.map((r) => r.name)).toContain('local-catch-all');
  });

  it('load errors name every bad file and the JSON pointer in it', () => {
    const dir = copyRules();
    editJson(join(dir, 'exposure.json'), (j) => (j.unknown = 'maybe'));
    editJson(join(dir, 'release-calendars.json'), (j) => (j.vendors[0].calendar.nth = 6));
    rmSync(join(dir, 'quorum.json'));
    writeFileSync(join(dir, 'cmdb-mapping.yaml'), 'kind: patchcall/cmdb-mapping\ncolumns:\n  hostname: Host\n');
    const error = loadError(dir);
    expect(error.code).toBe('CONFIG');
    expect(error.problems).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ file: join(dir, 'exposure.json'), pointer: '/unknown' }),
        expect.objectContaining({ file: join(dir, 'release-calendars.json'), pointer: '/vendors/0/calendar/nth' }),
        { file: join(dir, 'quorum.json'), problem: 'cannot read: ENOENT' },
        expect.objectContaining({ file: join(dir, 'cmdb-mapping.yaml'), pointer: '/columns/hostname' }),
      ]),
    );
    expect(error.message).toContain(`${join(dir, 'exposure.json')} (at /unknown): not a valid exposure:`);
  });

  it('checks beyond the schema still name the file and place (an unknown time zone)', () => {
    const dir = copyRules();
    editJson(join(dir, 'release-calendars.json'), (j) => (j.vendors[0].timezone = 'America/Los_Angeles_'));
    expect(loadError(dir).message).toContain(
      `${join(dir, 'release-calendars.json')}: /vendors/0 (Microsoft): unknown time zone "America/Los_Angeles_"`,
    );
  });

  it('a pattern that matches no file is an error', () => {
    const dir = copyRules();
    rmSync(join(dir, 'rulebook'), { recursive: true });
    expect(loadError(dir).problems).toContainEqual({
      file: join(dir, 'rulebook'),
      problem: 'no file matches rulebook/*.json',
    });
  });

  it('registering another file is one entry in the table', () => {
    const dir = copyRules();
    const folder = RulesFolder.load(dir, {
      ...RULES_FILES,
      zoneLevels: {
        file: 'exposure.json',
        schema: 'exposure',
        parse: ([d]) => Object.keys((d!.value as object) ?? {}),
      },
    });
    expect(folder.get('zoneLevels')).toEqual(expect.arrayContaining(['ownZone', 'zones']));
  });
});

describe('the schemas in rules/schemas', () => {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  const schema = (name: string): any =>
    JSON.parse(readFileSync(join(SHIPPED_RULES, 'schemas', `${name}.schema.json`), 'utf8'));

  it('know the same values as the code', () => {
    const quorum = schema('quorum').definitions.requirements.items.properties;
    expect(quorum.role.enum).toEqual(SPEAKING_ROLES);
    expect(quorum.stances.items.enum).toEqual(STANCES);
    expect(Object.keys(schema('quorum').properties.byUrgency.properties)).toEqual([...URGENCIES].reverse());
    const policy = schema('policy');
    expect(policy.definitions.missionImpact.enum).toEqual(MISSION_IMPACT);
    expect(policy.definitions.safetyImpact.enum).toEqual(SAFETY_IMPACT);
    expect(policy.properties.bodTimelineDays.required).toEqual(BOD_TIMELINES);
    expect(policy.properties.changeFreezes.items.properties.exempt.items.enum).toEqual(URGENCIES);
    expect(policy.properties.maintenanceWindows.items.properties.weekday.enum).toEqual(WEEKDAYS);
    expect(schema('cmdb-mapping').properties.columns.propertyNames.enum).toEqual(CMDB_FIELDS);
    expect(schema('rulebook').definitions.rule.properties.event.properties.type.enum).toEqual(RULE_EVENT_TYPES);
    expect(schema('exposure').definitions.level.enum).toEqual(Object.keys(LEVEL_ORDER));
  });

  it('cover every registered file, and every schema is used', () => {
    const used = new Set(Object.values(RULES_FILES).map((entry) => entry.schema));
    const shipped = readdirSync(join(SHIPPED_RULES, 'schemas')).map((f) => f.replace('.schema.json', ''));
    expect(new Set(shipped)).toEqual(used);
  });
});

describe('LiveRulesFolder', () => {
  it('reloads a changed folder, keeps the current one when nothing changed or the change is broken', async () => {
    const dir = copyRules();
    const live = new LiveRulesFolder(dir);
    const first = live.current;
    expect(await live.reload()).toEqual({ changed: false, digest: first.digest });
    expect(live.current).toBe(first);

    editJson(join(dir, 'exposure.json'), (j) => (j.zones.office = 'small'));
    const changed = await live.reload();
    expect(changed.changed).toBe(true);
    expect(changed.digest).not.toBe(first.digest);
    expect(live.current.get('exposure').zones.office).toBe('small');

    const working = live.current;
    editJson(join(dir, 'exposure.json'), (j) => (j.zones.office = 'tiny'));
    const broken = await live.reload();
    expect(broken).toMatchObject({ changed: false, digest: working.digest });
    expect(broken.error?.message).toContain('(at /zones/office)');
    expect(live.current).toBe(working);
  });

  it('refuses a change whose rulebook no longer decides every combination', async () => {
    const dir = copyRules();
    const live = new LiveRulesFolder(dir);
    const working = live.current;
    editJson(join(dir, 'rulebook', 'ssvc-deployer.json'), (j) => j.rules.shift());
    const result = await live.reload();
    expect(result.changed).toBe(false);
    expect(result.error?.message).toMatch(/no rule sets urgency for/);
    expect(live.current).toBe(working);
  });

  it('watch reloads after an edit and reports the new digest', async () => {
    const dir = copyRules();
    const live = new LiveRulesFolder(dir);
    const before = live.current.digest;
    let watcher: ReturnType<LiveRulesFolder['watch']> | undefined;
    const reloaded = new Promise<RulesReload>((resolve) => {
      watcher = live.watch((result) => {
        if (result.changed) resolve(result);
      }, 50);
    });
    editJson(join(dir, 'policy.json'), (j) => (j.soakHours = 12));
    const result = await reloaded;
    watcher!.close();
    expect(result.digest).not.toBe(before);
    expect(live.current.get('policy').soakHours).toBe(12);
  });
});
