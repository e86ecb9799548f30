import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { InputError } from '../../src/common/errors';
import { createCmdbFormats } from '../../src/inventory/parsers/servicenow-cmdb';
import { getHotfixFormat } from '../../src/inventory/parsers/get-hotfix';
import { osqueryPatchesFormat } from '../../src/inventory/parsers/osquery-patches';
import { awsInstancesFormat } from '../../src/inventory/parsers/aws-instances';
import { shippedNames } from '../helpers/shipped-rules';

const [csvFormat, jsonFormat] = createCmdbFormats(shippedNames());
const seed = (file: string) => readFileSync(join(__dirname, '..', '..', 'db', 'seed', file), 'utf8');
const csv = (text: string, name = 'cmdb.csv') => csvFormat!.parse({ name, text });
const placeOf = (fn: () => unknown): InputError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof InputError) return error;
    throw error;
  }
  throw new Error('expected an InputError');
};

describe('ServiceNow CMDB CSV', () => {
  const assets = csv(seed('cmdb-servers.csv'), 'cmdb-servers.csv').assets;
  const byName = (name: string) => assets.find((a) => a.name === name)!;

  it('is detected by its header, and the Get-HotFix export is not mistaken for it', () => {
    expect(csvFormat!.detect({ name: 'x', text: seed('cmdb-servers.csv') })).toBe(true);
    expect(csvFormat!.detect({ name: 'x', text: seed('hotfixes.csv') })).toBe(false);
    expect(getHotfixFormat.detect({ name: 'x', text: seed('hotfixes.csv') })).toBe(true);
  });

  it('reads criticality, environment, owner, cluster, retirement and provider patching', () => {
    expect(assets).toHaveLength(8);
    expect(byName('fs01')).toMatchObject({
      criticality: 'critical',
      environment: 'production',
      owner: 'Infrastructure',
      id: '3a1f0c2e1b2d4e5f8a9b0c1d2e3f4a03',
    });
    expect(byName('stage01')).toMatchObject({ criticality: 'low', environment: 'staging' });
    expect(byName('web02')).toMatchObject({ criticality: 'high', cluster: 'web', retired: false });
    expect(byName('nt4-legacy').retired).toBe(true);
    expect(byName('cloud-app01')).toMatchObject({
      patchedBy: 'provider',
      provider: 'Contoso Hosting',
      patchSlaDays: 30,
    });
    expect(byName('web01').addresses).toEqual(['10.10.0.11', '2001:db8:10::11']);
  });

  it('normalizes the OS columns to CPE 2.3 with the service pack in the update field', () => {
    expect(byName('fs01').os).toMatchObject({
      raw: 'Windows Server 2003, Standard Edition Service Pack 1',
      cpe: 'cpe:2.3:o:microsoft:windows_server_2003:-:sp1:*:*:*:*:*:*',
      confidence: 100,
      method: 'inventory',
    });
    expect(byName('fs02').os!.cpe).toBe('cpe:2.3:o:microsoft:windows_2000:-:sp4:*:*:*:*:*:*');
    expect(byName('cloud-app01').os!.cpe).toBe('cpe:2.3:o:microsoft:windows_server_2008:-:*:*:*:*:*:x64:*');
    expect(byName('db01').os!.cpe).toBe('cpe:2.3:o:debian:debian_linux:4.0:*:*:*:*:*:*:*');
  });

  it('reads display-label headers and a column mapping for other CMDBs', () => {
    const labelled = csv(
      'Name,IP Address,Operating System,OS Service Pack,Install Status,Business criticality\nfs9,10.0.0.9,Windows 2000 Server,SP4,Retired,1 - most critical\n',
    );
    expect(labelled.assets[0]).toMatchObject({
      name: 'fs9',
      retired: true,
      criticality: 'critical',
      addresses: ['10.0.0.9'],
    });
    const [mapped] = createCmdbFormats(shippedNames(), {
      name: 'Host Name',
      ip_address: 'IP',
      os: 'OS Name',
      busines_criticality: 'Tier',
    });
    const text = 'Host Name,IP,OS Name,Tier\nweb9,10.0.0.19,Microsoft Windows Server 2003 SP2,critical\n';
    expect(mapped!.detect({ name: 'other.csv', text })).toBe(true);
    expect(mapped!.parse({ name: 'other.csv', text }).assets[0]).toMatchObject({
      name: 'web9',
      criticality: 'critical',
      os: { cpe: 'cpe:2.3:o:microsoft:windows_server_2003:-:sp2:*:*:*:*:*:*' },
    });
  });

  it('names the line of a row with the wrong number of columns', () => {
    const error = placeOf(() => csv('sys_id,name,os\n1,a,Windows 2000\n2,b\n'));
    expect(error.place.line).toBe(3);
    expect(error.message).toMatch(/cmdb\.csv \(line 3\): not a readable CSV: Invalid Record Length/);
  });

  it('refuses a broken header (unnamed or repeated column, no name column)', () => {
    expect(placeOf(() => csv('sys_id,name,,os\n1,a,x,y\n')).place).toEqual({ line: 1, column: 3 });
    expect(placeOf(() => csv('sys_id,name,os,name\n1,a,x,y\n')).problem).toMatch(/header names column "name" twice/);
    expect(placeOf(() => csv('sys_id,hostname,os\n1,a,x\n')).problem).toMatch(/no name column/);
  });

  it('imports a row with an unknown install_status, business criticality or address loudly: the field unknown, a warning naming the line', () => {
    const batch = csv(
      'name,os,install_status,busines_criticality,ip_address\n' +
        'a,Windows 2000,decommissioned,1 - most critical,10.0.0.1\n' +
        'b,Windows 2000,1,5 - not critical,"10.0.0.300, 10.0.0.2"\n',
    );
    expect(batch.assets.map((x) => [x.name, x.retired, x.criticality, x.addresses])).toEqual([
      ['a', false, 'critical', ['10.0.0.1']],
      ['b', false, 'unknown', ['10.0.0.2']],
    ]);
    expect(batch.warnings).toEqual([
      expect.stringMatching(
        /^cmdb\.csv \(line 2, column 3\): install_status "decommissioned" is none of ServiceNow's choices/,
      ),
      expect.stringMatching(/^cmdb\.csv \(line 3, column 5\): "10\.0\.0\.300" is not an IP address; left out/),
      expect.stringMatching(
        /^cmdb\.csv \(line 3, column 4\): business criticality "5 - not critical" .*imported as unknown/,
      ),
    ]);
  });
});

describe('ServiceNow CMDB JSON', () => {
  it('reads the list export {"records": […]}', () => {
    const json = JSON.parse(seedJson());
    expect(jsonFormat!.detect({ name: 'x.json', text: '', json })).toBe(true);
    const [asset] = jsonFormat!.parse({ name: 'x.json', text: '', json }).assets;
    expect(asset).toMatchObject({
      name: 'fs01',
      id: 'a1',
      retired: false,
      criticality: 'critical',
      owner: 'Infrastructure',
    });
  });

  it('reads Table API {"result": […]} with reference and choice fields as objects', () => {
    const json = {
      result: [
        {
          sys_id: 'b2',
          name: 'old01',
          os: 'Windows 2000 Server',
          os_service_pack: 'Service Pack 4',
          install_status: { value: '7', display_value: 'Retired' },
          support_group: {
            link: 'https://example.service-now.com/api/now/table/sys_user_group/9',
            value: '9',
            display_value: 'Infrastructure',
          },
        },
      ],
    };
    const [asset] = jsonFormat!.parse({ name: 'api.json', text: '', json }).assets;
    expect(asset).toMatchObject({ name: 'old01', retired: true, owner: 'Infrastructure' });
  });

  it('names the JSON pointer of a value it left unknown', () => {
    const json = { records: [{ sys_id: 'a', name: 'x', install_status: '42' }] };
    const batch = jsonFormat!.parse({ name: 'r.json', text: '', json });
    expect(batch.assets[0]!.retired).toBe(false);
    expect(batch.warnings).toEqual([
      expect.stringMatching(/^r\.json \(at \/records\/0\/install_status\): install_status "42"/),
    ]);
  });

  function seedJson(): string {
    return JSON.stringify({
      records: [
        {
          sys_id: 'a1',
          name: 'fs01',
          ip_address: '10.20.1.21',
          os: 'Windows Server 2003',
          os_service_pack: 'Service Pack 1',
          install_status: '1',
          busines_criticality: '1 - most critical',
          support_group: 'Infrastructure',
          sys_class_name: 'cmdb_ci_win_server',
        },
      ],
    });
  }
});

describe('installed fixes', () => {
  it('reads Get-HotFix | Export-Csv with its #TYPE line', () => {
    const batch = getHotfixFormat.parse({ name: 'hotfixes.csv', text: seed('hotfixes.csv') });
    expect(batch.fixes.filter((f) => f.host === 'FS02').map((f) => f.id)).toEqual(['KB958644', 'KB951748']);
    // "10/24/2008 12:00:00 AM" is locale-formatted; day 24 proves month/day/year for the whole export
    expect(batch.fixes.map((f) => f.installedOn)).toEqual([
      '2008-10-24',
      '2008-08-13',
      '2008-08-13',
      '2008-06-11',
      '2006-08-08',
      '2008-08-13',
    ]);
    expect(batch.warnings).toBeUndefined();
    expect(batch.fixes[0]!.source.locator).toBe('line 3');
  });

  it('reads osqueryi --json rows (host in csname) and results-log entries (hostIdentifier)', () => {
    const rows = [
      {
        csname: 'FS02',
        hotfix_id: 'KB958644',
        caption: 'http://support.microsoft.com/?kbid=958644',
        description: 'Security Update',
        installed_on: '2008-10-24',
      },
    ];
    expect(osqueryPatchesFormat.detect({ name: 'p.json', text: '', json: rows })).toBe(true);
    expect(osqueryPatchesFormat.parse({ name: 'p.json', text: '', json: rows }).fixes).toEqual([
      expect.objectContaining({ host: 'FS02', id: 'KB958644', installedOn: '2008-10-24' }),
    ]);
    const log = [
      {
        name: 'patches',
        hostIdentifier: 'web01',
        calendarTime: 'Fri Oct 24 09:00:00 2008 UTC',
        unixTime: 1224838800,
        action: 'added',
        columns: { hotfix_id: 'KB951748', installed_on: '' },
      },
    ];
    expect(osqueryPatchesFormat.parse({ name: 'log.json', text: '', json: log }).fixes[0]).toMatchObject({
      host: 'web01',
      id: 'KB951748',
      source: { locator: '/0/columns' },
    });
  });
});

describe('AWS describe-instances', () => {
  it('reads the real batfish Reservations.json: ids, addresses, Name tags, security groups', () => {
    const file = join(__dirname, '..', 'fixtures', 'inventory', 'batfish-hybrid-cloud-aws__Reservations.json');
    const json = JSON.parse(readFileSync(file, 'utf8'));
    expect(awsInstancesFormat.detect({ name: 'r.json', text: '', json })).toBe(true);
    const { assets } = awsInstancesFormat.parse({ name: 'Reservations.json', text: '', json });
    const instances = json.Reservations.flatMap((r: { Instances: unknown[] }) => r.Instances);
    expect(assets).toHaveLength(instances.length);
    expect(assets.find((a) => a.id === 'i-075dc46a9bc347264')).toMatchObject({
      addresses: expect.arrayContaining(['192.168.1.25']),
      securityGroupIds: ['sg-331ad04e'],
    });
    expect(assets.every((a) => a.osCandidates.every((c) => c.method === 'cloud'))).toBe(true);
  });

  it('reads the seed instance: public address, the cloud-app01 security group, Windows', () => {
    const json = JSON.parse(seed('aws-instances.json'));
    const [asset] = awsInstancesFormat.parse({ name: 'aws-instances.json', text: '', json }).assets;
    expect(asset).toMatchObject({
      id: 'i-0c10da0a9e1cf0001',
      name: 'cloud-app01',
      addresses: ['172.31.5.10', '203.0.113.50'],
      securityGroupIds: ['sg-0cloudapp01'],
    });
    expect(asset!.osCandidates[0]).toMatchObject({ raw: 'Windows', method: 'cloud' });
  });
});
