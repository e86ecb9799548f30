/**
 * An asset's OS view is kept between the bulletins a run matches it against, and only while what it was read from
 * is the same: an asset whose OS is replaced, or that is matched through another name table, is read again.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RulesFolder } from '../../src/app/rules-folder';
import { mergeBulletin } from '../../src/bulletins/merge-bulletin';
import { handwrittenFormat } from '../../src/bulletins/parsers/handwritten';
import { matchAssets } from '../../src/inventory/match-assets';
import { newAsset } from '../../src/inventory/merge-assets';
import type { Asset } from '../../src/inventory/model';
import { inventorySource } from '../../src/inventory/inventory-source';
import { normalizeOs } from '../../src/inventory/normalize-os';
import { shippedNames } from '../helpers/shipped-rules';

const text = readFileSync(join(__dirname, '..', '..', 'db', 'seed', 'ms08-067.bulletin.yaml'), 'utf8');
const batch = handwrittenFormat.parse({ name: 'ms08-067.bulletin.yaml', text });
const ms08067 = mergeBulletin('MS08-067', batch.advisories, [], RulesFolder.load().get('releaseCalendars'));
const source = inventorySource('servicenow-cmdb', 'cmdb.csv', 'line 2');

function osOf(raw: string, servicePack?: string): Asset['os'] {
  return { raw, ...normalizeOs(shippedNames(), raw, servicePack), confidence: 100, method: 'inventory', source };
}

describe('matching: the OS view kept between bulletins', () => {
  it('is read again when the asset says another OS', () => {
    const names = shippedNames();
    const asset = newAsset({ id: 'h1', name: 'h1', sources: [source] });
    asset.os = osOf('Windows Server 2003', 'Service Pack 1');
    expect(matchAssets(ms08067, [asset], { names })[0]!.status).toBe('affected');
    asset.os = osOf('Windows 6.1');
    expect(matchAssets(ms08067, [asset], { names })[0]!.status).toBe('not_affected');
    delete asset.os;
    const unknown = matchAssets(ms08067, [asset], { names })[0]!;
    expect(unknown.status).toBe('unknown');
    expect(unknown.reasons.join(' ')).toContain('no source states the OS of h1');
  });

  it('is read again under another name', () => {
    const names = shippedNames();
    const asset = newAsset({ id: 'h2', name: 'h2', sources: [source] });
    expect(matchAssets(ms08067, [asset], { names })[0]!.reasons.join(' ')).toContain('OS of h2');
    asset.name = 'renamed';
    expect(matchAssets(ms08067, [asset], { names })[0]!.reasons.join(' ')).toContain('OS of renamed');
  });
});
