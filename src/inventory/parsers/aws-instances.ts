/**
 * AWS `ec2 describe-instances` JSON (`Reservations[].Instances[]`). describe-instances says only "Windows" or
 * "Linux/UNIX", never the version: the OS candidate it gives is weak and the CMDB's record outranks it.
 */
import { InputError } from '../../common/errors';
import type { FormatHandler, SniffedDocument } from '../../common/format-handler';
import { pointer } from '../../common/json-pointer';
import { inventorySource } from '../inventory-source';
import { newAsset } from '../merge-assets';
import type { Asset, InventoryBatch } from '../model';
import { NO_PROVIDERS, providerFor, type ProviderRules } from '../providers';

type Json = Record<string, unknown>;

/** `providers` (rules/providers.json) turns ManagedBy / PatchedBy tags into provider patching. */
export function createAwsInstancesFormat(providers: ProviderRules = NO_PROVIDERS): FormatHandler<InventoryBatch> {
  return {
    format: 'aws-instances',
    description: 'AWS ec2 describe-instances (JSON)',
    detect: (doc) => !!doc.json && typeof doc.json === 'object' && Array.isArray((doc.json as Json).Reservations),
    parse: (doc) => parseAwsInstances(doc, providers),
  };
}

export const awsInstancesFormat: FormatHandler<InventoryBatch> = createAwsInstancesFormat();

function parseAwsInstances(doc: SniffedDocument, providers: ProviderRules): InventoryBatch {
  const reservations = (doc.json as Json).Reservations as unknown[];
  const assets = reservations.flatMap((reservation, r) => {
    const instances = (reservation as Json | null)?.Instances;
    if (!Array.isArray(instances))
      throw new InputError(doc.name, 'a reservation has no Instances list', { pointer: pointer('Reservations', r) });
    return instances.map((instance, i) =>
      instanceToAsset(instance as Json, doc.name, pointer('Reservations', r, 'Instances', i), providers),
    );
  });
  return { kind: 'inventory', assets, fixes: [] };
}

function instanceToAsset(instance: Json, file: string, at: string, providers: ProviderRules): Asset {
  const id = str(instance.InstanceId);
  if (!id) throw new InputError(file, 'an instance has no InstanceId', { pointer: at });
  const source = inventorySource('aws-instances', file, at);
  const interfaces = Array.isArray(instance.NetworkInterfaces) ? (instance.NetworkInterfaces as Json[]) : [];
  const addresses = [
    str(instance.PrivateIpAddress),
    str(instance.PublicIpAddress),
    ...interfaces.flatMap((eni) => [
      ...arr(eni.PrivateIpAddresses).flatMap((p) => [
        str(p.PrivateIpAddress),
        str((p.Association as Json | undefined)?.PublicIp),
      ]),
      ...arr(eni.Ipv6Addresses).map((a) => str(a.Ipv6Address)),
    ]),
  ].filter((a): a is string => !!a);
  const tags = Object.fromEntries(arr(instance.Tags).map((t) => [str(t.Key) ?? '', str(t.Value) ?? '']));
  const groups = [...arr(instance.SecurityGroups), ...interfaces.flatMap((eni) => arr(eni.Groups))]
    .map((g) => str(g.GroupId))
    .filter((g): g is string => !!g);
  const dnsNames = [str(instance.PrivateDnsName), str(instance.PublicDnsName)].filter((n): n is string => !!n);
  const asset = newAsset({
    id,
    name: tags.Name || id,
    addresses: [...new Set(addresses)],
    hostnames: dnsNames,
    securityGroupIds: [...new Set(groups)],
    tags: Object.entries(tags)
      .filter(([k]) => k !== 'Name')
      .map(([k, v]) => `${k}=${v}`),
    sources: [source],
  });
  const platform = str(instance.PlatformDetails) ?? (str(instance.Platform) === 'windows' ? 'Windows' : undefined);
  if (platform) asset.osCandidates = [{ raw: platform, confidence: 50, method: 'cloud', source }];
  const provider = providerFor(providers, { tags });
  if (provider) {
    asset.patchedBy = 'provider';
    asset.provider = provider.provider;
    if (provider.patchSlaDays !== undefined) asset.patchSlaDays = provider.patchSlaDays;
  }
  return asset;
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

function arr(value: unknown): Json[] {
  return Array.isArray(value) ? value.filter((v): v is Json => !!v && typeof v === 'object') : [];
}
