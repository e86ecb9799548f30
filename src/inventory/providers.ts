/**
 * Provider-managed assets, recognised from the organization's mapping in rules/providers.json (schema:
 * rules/schemas/providers.schema.json, loaded by the rules folder): CMDB `managed_by` / `company` values and cloud tags (`ManagedBy`,
 * `PatchedBy`) that mean a provider patches the asset. Values match case-insensitively and whole; nothing is
 * inferred from a value the mapping does not list, except an explicit `PatchedBy` tag (kept, with a warning).
 */

export interface ProviderRule {
  name: string;
  patchSlaDays?: number;
  managedBy?: string[];
  company?: string[];
  tags?: Record<string, string[]>;
}

export interface ProviderRules {
  kind: 'patchcall/providers';
  providers: ProviderRule[];
}

export const NO_PROVIDERS: ProviderRules = { kind: 'patchcall/providers', providers: [] };
export interface ProviderSignals {
  managedBy?: string;
  company?: string;
  tags?: Record<string, string>;
}

export interface ProviderReading {
  provider: string;
  patchSlaDays?: number;
  /** "managed_by \"Contoso MSP\" (rules/providers.json)" */
  because: string;
}

const same = (a: string, b: string) => a.trim().toLowerCase() === b.trim().toLowerCase();

/** The provider the signals name through the mapping; an unmapped PatchedBy tag names its own value. */
export function providerFor(rules: ProviderRules, signals: ProviderSignals): ProviderReading | undefined {
  for (const rule of rules.providers) {
    const hit =
      (signals.managedBy &&
        rule.managedBy?.some((v) => same(v, signals.managedBy!)) &&
        `managed_by "${signals.managedBy}"`) ||
      (signals.company && rule.company?.some((v) => same(v, signals.company!)) && `company "${signals.company}"`) ||
      Object.entries(signals.tags ?? {})
        .map(([key, value]) => {
          const values = Object.entries(rule.tags ?? {}).find(([k]) => same(k, key))?.[1];
          return values?.some((v) => same(v, value)) ? `tag ${key}=${value}` : '';
        })
        .find(Boolean);
    if (hit)
      return {
        provider: rule.name,
        ...(rule.patchSlaDays !== undefined ? { patchSlaDays: rule.patchSlaDays } : {}),
        because: `${hit} (rules/providers.json)`,
      };
  }
  const patchedBy = Object.entries(signals.tags ?? {})
    .find(([key]) => same(key, 'PatchedBy'))?.[1]
    ?.trim();
  if (patchedBy && !/^(self|us|internal|-|none)$/i.test(patchedBy))
    return { provider: patchedBy, because: `tag PatchedBy=${patchedBy} (not in rules/providers.json)` };
  return undefined;
}
