import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createCmdbFormats } from '../../src/inventory/parsers/servicenow-cmdb';
import { createAwsInstancesFormat } from '../../src/inventory/parsers/aws-instances';
import { providerFor, type ProviderRules } from '../../src/inventory/providers';
import { RulesFolder } from '../../src/app/rules-folder';
import { copyRules } from '../risk/rulebook-copy';
import { mergeAssetViews } from '../../src/inventory/merge-assets';
import { shippedNames } from '../helpers/shipped-rules';

const rules: ProviderRules = {
  kind: 'patchcall/providers',
  providers: [
    {
      name: 'Contoso Managed Services',
      patchSlaDays: 14,
      managedBy: ['Contoso NOC'],
      company: ['Contoso Managed Services Ltd'],
      tags: { ManagedBy: ['contoso'], PatchedBy: ['contoso-msp'] },
    },
  ],
};

describe('provider-managed assets from rules/providers.json', () => {
  it('recognises managed_by, company and cloud tags, case-insensitively and whole', () => {
    expect(providerFor(rules, { managedBy: 'contoso noc' })).toMatchObject({
      provider: 'Contoso Managed Services',
      patchSlaDays: 14,
      because: 'managed_by "contoso noc" (rules/providers.json)',
    });
    expect(providerFor(rules, { company: 'Contoso Managed Services Ltd' })?.provider).toBe('Contoso Managed Services');
    expect(providerFor(rules, { tags: { managedby: 'CONTOSO' } })?.because).toMatch(/tag managedby=CONTOSO/);
    expect(providerFor(rules, { managedBy: 'Contoso NOC team' })).toBeUndefined();
    expect(providerFor(rules, { tags: { Owner: 'contoso' } })).toBeUndefined();
  });

  it('keeps an explicit PatchedBy tag it does not know, and says so', () => {
    expect(providerFor(rules, { tags: { PatchedBy: 'Fabrikam' } })).toEqual({
      provider: 'Fabrikam',
      because: 'tag PatchedBy=Fabrikam (not in rules/providers.json)',
    });
    expect(providerFor(rules, { tags: { PatchedBy: 'self' } })).toBeUndefined();
  });

  it('applies to CMDB rows without u_patched_by, and to AWS instances by tag; the CMDB record wins when it says provider', () => {
    const [csv] = createCmdbFormats(shippedNames(), {}, rules);
    const cmdb = csv!.parse({
      name: 'cmdb.csv',
      text: 'name,ip_address,managed_by,company\napp01,10.0.0.1,Contoso NOC,\napp02,10.0.0.2,Jane Doe,Contoso Managed Services Ltd\napp03,10.0.0.3,Jane Doe,ACME\n',
    });
    expect(cmdb.assets.map((a) => [a.name, a.patchedBy, a.provider ?? null, a.patchSlaDays ?? null])).toEqual([
      ['app01', 'provider', 'Contoso Managed Services', 14],
      ['app02', 'provider', 'Contoso Managed Services', 14],
      ['app03', 'self', null, null],
    ]);
    const aws = createAwsInstancesFormat(rules).parse({
      name: 'instances.json',
      text: '',
      json: {
        Reservations: [
          {
            Instances: [
              {
                InstanceId: 'i-1',
                PrivateIpAddress: '10.0.0.3',
                Tags: [
                  { Key: 'Name', Value: 'app03' },
                  { Key: 'ManagedBy', Value: 'contoso' },
                ],
              },
            ],
          },
        ],
      },
    });
    expect(aws.assets[0]).toMatchObject({ patchedBy: 'provider', provider: 'Contoso Managed Services' });
    const [app03] = mergeAssetViews([
      { ...cmdb.assets[2]!, sources: [{ ...cmdb.assets[2]!.sources[0]!, eventSeq: 1 }] },
      { ...aws.assets[0]!, sources: [{ ...aws.assets[0]!.sources[0]!, eventSeq: 2 }] },
    ]);
    expect(app03).toMatchObject({ id: 'app03', patchedBy: 'provider', provider: 'Contoso Managed Services' });
  });

  it('is read and validated by the rules folder (rules/schemas/providers.schema.json)', () => {
    expect(RulesFolder.load().get('providers')).toMatchObject({ kind: 'patchcall/providers', providers: [] });
    const dir = copyRules();
    writeFileSync(
      join(dir, 'providers.json'),
      JSON.stringify({ kind: 'patchcall/providers', providers: [{ name: 'X', patchSlaDays: -1 }] }),
    );
    expect(() => RulesFolder.load(dir)).toThrow(/providers\.json.*\/providers\/0\/patchSlaDays/s);
  });
});
