import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { parse } from 'yaml';
import { loadMethodDocs } from '../../../dev/local-slack-stand-in';

const root = join(__dirname, '../../..');
const schemaDir = join(root, 'test/fixtures/slack-manifest-schema');
const specDir = join(root, 'test/fixtures/slack-api-spec');
const manifest = parse(readFileSync(join(root, 'manifest.yml'), 'utf8'));
const docs = loadMethodDocs(specDir);
const botScopes: string[] = manifest.oauth_config.scopes.bot;

/** Web API methods called anywhere in src/ (the stand-in implements them, it does not call them). */
function calledMethods(): Set<string> {
  const methods = new Set<string>();
  const namespaces = 'auth|chat|conversations|views|pins|users|usergroups|files|bookmarks|reactions|team|apps';
  const call = new RegExp(
    `\\b(?:client|interactive|background|effects)\\.(${namespaces})\\.((?:[a-z][A-Za-z]*\\.)*[a-z][A-Za-z]*)\\(`,
    'g',
  );
  const apiCall = /\.apiCall\(\s*['"]([a-z]+\.[A-Za-z.]+)['"]/g;
  for (const file of sourceFiles(join(root, 'src'))) {
    if (file.endsWith('local-slack-stand-in.ts')) continue;
    const text = readFileSync(file, 'utf8');
    for (const match of text.matchAll(call)) methods.add(`${match[1]}.${match[2]}`);
    for (const match of text.matchAll(apiCall)) methods.add(match[1]!);
    // filesUploadV2 is the two-step upload
    if (/\.filesUploadV2\(/.test(text))
      ['files.getUploadURLExternal', 'files.completeUploadExternal'].forEach((m) => methods.add(m));
  }
  return methods;
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

function scopesOf(method: string): string[] {
  const doc = docs[method];
  if (!doc)
    throw new Error(`no scope data for ${method}: add it to test/fixtures/slack-api-spec/method-docs-supplement.json`);
  return (doc.scopes?.bot ?? []).map((s) => s.name);
}

describe('manifest.yml', () => {
  it('is a valid Slack app manifest (slackapi/manifest-schema)', () => {
    const ajv = new Ajv({ allErrors: true, strict: false });
    addFormats(ajv);
    for (const version of ['1.0.0', '2.0.0']) {
      const schema = JSON.parse(readFileSync(join(schemaDir, `manifest.schema.${version}.json`), 'utf8'));
      ajv.addSchema(
        schema,
        `https://raw.githubusercontent.com/slackapi/manifest-schema/v0.5.0/schemas/manifest.schema.${version}.json`,
      );
    }
    const validate = ajv.compile(JSON.parse(readFileSync(join(schemaDir, 'manifest.schema.json'), 'utf8')));
    const valid = validate(manifest);
    expect(validate.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
    // and the validator does catch a broken manifest
    expect(validate({ ...manifest, display_information: { name: 'x'.repeat(40) } })).toBe(false);
  });

  it('declares the bot, /patch (escaped, with every subcommand in the hint), interactivity, Home tab and Socket Mode', () => {
    expect(manifest.features.bot_user.display_name).toBe('patchcall');
    const [patch, ...others] = manifest.features.slash_commands;
    expect(others).toEqual([]);
    expect(patch).toMatchObject({ command: '/patch', should_escape: true });
    for (const sub of ['open', 'new', 'status', 'assets', 'roles', 'export', 'help'])
      expect(patch.usage_hint).toContain(sub);
    expect(manifest.settings.interactivity.is_enabled).toBe(true);
    expect(manifest.features.app_home.home_tab_enabled).toBe(true);
    expect(manifest.settings.socket_mode_enabled).toBe(true);
  });

  it('grants a scope for every Web API method the code calls', () => {
    for (const method of calledMethods()) {
      const needed = scopesOf(method);
      if (needed.length === 0) continue;
      expect({ method, granted: needed.filter((s) => botScopes.includes(s)).length > 0 }).toEqual({
        method,
        granted: true,
      });
    }
  });

  it('has scope data for every method the stand-in answers', () => {
    const standInSource = readFileSync(join(root, 'dev/local-slack-stand-in.ts'), 'utf8');
    const implemented = [...standInSource.matchAll(/^ {6}'([a-z]+\.[A-Za-z.]+)': \(/gm)].map((m) => m[1]!);
    expect(implemented.length).toBeGreaterThan(15);
    for (const method of implemented) expect(() => scopesOf(method)).not.toThrow();
  });

  // The product's Slack calls live in the gateway (decisions work); until it exists the "no excess scope" half waits.
  const gatewayExists = existsSync(join(root, 'src/slack/slack-gateway.ts'));
  (gatewayExists ? it : it.skip)('asks for no scope the code does not use', () => {
    const used = new Set([...calledMethods()].flatMap(scopesOf));
    const excess = botScopes.filter((scope) => scope !== 'commands' && !used.has(scope));
    expect(excess).toEqual([]);
  });
});
