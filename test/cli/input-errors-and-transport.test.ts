/**
 * Input errors say what was expected, with an example, from the schema's own description (any YAML or JSON input
 * validated by a schema); the Slack app says which transport it uses and why.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/logging/logger';
import { logTransport } from '../../src/slack/main';
import { tempDbPath } from '../helpers/run-patchcall';
import { spawnPatchcall } from '../helpers/spawn-patchcall';

function file(name: string, text: string): string {
  const path = join(mkdtempSync(join(tmpdir(), 'patchcall-errors-')), name);
  writeFileSync(path, text);
  return path;
}

describe('schema errors name the expected shape', () => {
  it('a zone written as a bare CIDR', async () => {
    const network = file('network.yaml', 'kind: patchcall/network\nzones:\n  internal: 10.0.0.0/8\n');
    const result = await spawnPatchcall(['--db', tempDbPath(), 'import', network]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `patchcall: ${network} (at /zones/internal): not a valid network description: ` +
        'zones.internal must be a list of CIDRs, or { cidrs, description }, e.g. [10.0.0.0/8]\n',
    );
  });

  it('a guard without its zones', async () => {
    const network = file(
      'network.json',
      JSON.stringify({
        kind: 'patchcall/network',
        zones: { dmz: ['10.10.0.0/24'] },
        guards: [{ filter: 'edge', chain: 'FORWARD' }],
      }),
    );
    const result = await spawnPatchcall(['--db', tempDbPath(), 'import', network]);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(
      '(at /guards/0): not a valid network description: missing required property "zones"',
    );
    expect(result.stderr).toContain('e.g. { filter: edge, chain: FORWARD, zones: [dmz, servers] }');
  });
});

describe('roster errors name the expected ids', () => {
  it('a person written by name instead of a Slack id', async () => {
    const roster = file('roster.yaml', 'kind: patchcall/roster\nroles:\n  security: [alice]\n');
    const result = await spawnPatchcall(['--db', tempDbPath(), 'import', roster]);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe(
      `patchcall: ${roster} (at /roles/security/0): not a valid roster: roles.security.0 must be a Slack user id ` +
        '(U… or W…) or user group id (S…), not a name, e.g. U012ABCDEF\n',
    );
  });
});

describe('the Slack app names its transport at start', () => {
  function captured(): {
    lines: () => { level: number; msg: string; transport: string }[];
    logger: ReturnType<typeof createLogger>;
  } {
    let text = '';
    const destination = new Writable({
      write(chunk, _encoding, done) {
        text += String(chunk);
        done();
      },
    });
    return {
      logger: createLogger({ level: 'info', destination }),
      lines: () =>
        text
          .trim()
          .split('\n')
          .map((l) => JSON.parse(l)),
    };
  }

  it('Socket Mode with SLACK_APP_TOKEN, and warns when it falls back to HTTP', () => {
    const socket = captured();
    logTransport(socket.logger, 'socket');
    expect(socket.lines()).toEqual([
      expect.objectContaining({
        level: 30,
        transport: 'socket-mode',
        msg: 'transport: Socket Mode, because SLACK_APP_TOKEN is set',
      }),
    ]);
    const http = captured();
    logTransport(http.logger, 'http');
    const [line] = http.lines();
    expect(line).toMatchObject({ level: 40, transport: 'http' });
    expect(line!.msg).toMatch(
      /^transport: HTTP, because SLACK_APP_TOKEN is not set\. manifest\.yml turns Socket Mode on/,
    );
    expect(line!.msg).toContain('/slack/events');
  });
});
