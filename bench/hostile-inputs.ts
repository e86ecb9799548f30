/**
 * Inputs built to exhaust a parser: deep nesting, millions of tiny values, huge strings, error floods. Each takes a
 * target size in bytes and returns the file's content; the test suite builds small ones (the reproducers from
 * issue 15), `npm run bench:hostile` builds them at the 64 MiB import limit.
 */

export interface HostileInput {
  name: string;
  /** The file name to write it under: the extension is what a user would have. */
  file: string;
  build: (bytes: number) => string;
}

const nftRule = (right: string) =>
  `{"nftables":[{"metainfo":{"json_schema_version":1}},{"table":{"family":"inet","name":"filter","handle":1}},` +
  `{"chain":{"family":"inet","table":"filter","name":"forward","handle":2,"type":"filter","hook":"forward","prio":0,"policy":"drop"}},` +
  `{"rule":{"family":"inet","table":"filter","chain":"forward","handle":5,"expr":[{"match":{"op":"==","left":{"payload":{"protocol":"tcp","field":"dport"}},"right":${right}}},{"accept":null}]}}]}`;

/** The roster is read from YAML: this first line sends the rest to the YAML reader. */
const ROSTER = 'kind: patchcall/roster\n';

const times = (unit: string, bytes: number) => unit.repeat(Math.max(1, Math.floor(bytes / unit.length)));

export const HOSTILE_INPUTS: HostileInput[] = [
  { name: 'yaml: a million commas', file: 'roster.yaml', build: (b) => 'kind: patchcall/roster\n' + times(',\n', b) },
  {
    name: 'yaml: one line of commas',
    file: 'roster.yaml',
    build: (b) => 'kind: patchcall/roster\nx: [' + times(',', b) + ']\n',
  },
  { name: 'yaml: deep flow nesting', file: 'roster.yaml', build: (b) => ROSTER + 'zones: ' + times('[', b) + '\n' },
  {
    name: 'yaml: deep block nesting',
    file: 'roster.yaml',
    build: (b) => {
      const lines: string[] = [];
      for (let i = 0, size = 0; size < b; i++) {
        const line = ' '.repeat(i % 4000) + 'k:';
        lines.push(line);
        size += line.length + 1;
      }
      return ROSTER + lines.join('\n') + '\n';
    },
  },
  {
    name: 'yaml: many keys',
    file: 'roster.yaml',
    build: (b) => {
      const lines: string[] = [];
      for (let i = 0, size = 0; size < b; i++) {
        const line = `k${i}: v`;
        lines.push(line);
        size += line.length + 1;
      }
      return ROSTER + lines.join('\n') + '\n';
    },
  },
  {
    name: 'yaml: alias bomb',
    file: 'roster.yaml',
    build: () => {
      const lines = ['kind: patchcall/roster', 'a0: &a0 [x, x, x, x, x, x, x, x, x, x]'];
      for (let i = 1; i < 12; i++)
        lines.push(
          `a${i}: &a${i} [${Array(10)
            .fill(`*a${i - 1}`)
            .join(', ')}]`,
        );
      return lines.join('\n') + '\n';
    },
  },
  {
    name: 'nft json: deep value',
    file: 'deep.nft.json',
    build: (b) => nftRule(times('[', b / 2) + '1' + times(']', b / 2)),
  },
  { name: 'nft json: huge port string', file: 'port.nft.json', build: (b) => nftRule(JSON.stringify('9'.repeat(b))) },
  { name: 'json: deep arrays', file: 'deep.json', build: (b) => times('[', b / 2) + times(']', b / 2) },
  { name: 'json: tiny values', file: 'values.json', build: (b) => '[' + times('0,', b) + '0]' },
  { name: 'json: empty objects', file: 'objects.json', build: (b) => '[' + times('{},', b) + '{}]' },
  { name: 'json: huge string', file: 'string.json', build: (b) => '{"vulnerabilities":"' + 'x'.repeat(b) + '"}' },
  { name: 'json: error at the end', file: 'late.json', build: (b) => '[' + times('1,', b) + ',]' },
  { name: 'xml: deep elements', file: 'deep.xml', build: (b) => '<nmaprun>' + times('<a>', b) },
  { name: 'xml: many elements', file: 'many.xml', build: (b) => '<nmaprun>' + times('<host/>', b) + '</nmaprun>' },
  {
    name: 'csv: huge field',
    file: 'cmdb.csv',
    build: (b) => 'name,ip_address,os,os_version\nweb01,10.0.0.1,"' + 'w'.repeat(b) + '",2003\n',
  },
  {
    // not hostile: the largest inventory accepted (100,000 distinct hosts), whatever the size asked for
    name: 'csv: 100,000 hosts',
    file: 'cmdb.csv',
    build: () => {
      const rows = ['name,ip_address,os,os_version'];
      for (let i = 0; i < 100_000; i++)
        rows.push(`h${i},10.${i >> 16}.${(i >> 8) & 255}.${i & 255},Windows Server,2003`);
      return rows.join('\n') + '\n';
    },
  },
  {
    // the same count with every column of a real ServiceNow export filled (the seed's header): the heaviest accepted
    name: 'csv: 100,000 full CMDB rows',
    file: 'cmdb.csv',
    build: () => {
      const rows = [
        'sys_id,name,fqdn,ip_address,os,os_version,os_service_pack,classification,used_for,install_status,busines_criticality,support_group,managed_by,sys_class_name,u_patched_by,u_patch_sla_days,u_cluster,u_tags',
      ];
      for (let i = 0; i < 100_000; i++)
        rows.push(
          `${String(i).padStart(32, '0')},host${i},host${i}.corp.example,10.${i >> 16}.${(i >> 8) & 255}.${i & 255};2001:db8:${(i >> 16).toString(16)}::${(i & 65535).toString(16)},Windows Server 2003,Standard Edition,Service Pack 2,Production,Production,1,2 - somewhat critical,Web Operations,Web Operations,cmdb_ci_win_server,,,web,public-web;internet-facing`,
        );
      return rows.join('\n') + '\n';
    },
  },
  {
    name: 'csv: many rows',
    file: 'cmdb.csv',
    build: (b) => 'name,ip_address,os,os_version\n' + times('h,10.0.0.1,Windows Server,2003\n', b),
  },
];
