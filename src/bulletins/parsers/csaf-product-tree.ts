/**
 * A CSAF product tree flattened to one ProductRef per product_id: branch leaves (with the vendor and version range of
 * their branch path), full_product_names and relationship products; product groups resolved to their members.
 */
import { toCpe23 } from '../../common/cpe';
import { pointer } from '../../common/json-pointer';
import type { ProductRef } from '../model';

export interface CsafHelper {
  cpe?: string;
  purl?: string;
}

export interface CsafFullProductName {
  name: string;
  product_id: string;
  product_identification_helper?: CsafHelper;
}

export interface CsafBranch {
  category: string;
  name: string;
  branches?: CsafBranch[];
  product?: CsafFullProductName;
}

export interface CsafRelationship {
  category: string;
  product_reference: string;
  relates_to_product_reference: string;
  full_product_name: CsafFullProductName;
}

export interface CsafProductTree {
  branches?: CsafBranch[];
  full_product_names?: CsafFullProductName[];
  relationships?: CsafRelationship[];
  product_groups?: { group_id: string; product_ids: string[] }[];
}

export interface CsafProduct {
  ref: ProductRef;
  /** JSON pointer of the object that defines the product. */
  locator: string;
}

export interface FlatProductTree {
  products: Map<string, CsafProduct>;
  groups: Map<string, string[]>;
  /** Names of the vendor branches, in document order. */
  vendors: string[];
}

export function flattenProductTree(tree: CsafProductTree | undefined): FlatProductTree {
  const products = new Map<string, CsafProduct>();
  const vendors: string[] = [];
  const walk = (branches: CsafBranch[], path: (string | number)[], context: BranchContext): void => {
    branches.forEach((branch, i) => {
      const here = [...path, i];
      if (branch.category === 'vendor' && !vendors.includes(branch.name)) vendors.push(branch.name);
      const own: BranchContext = { ...context };
      if (branch.category === 'vendor') own.vendor = branch.name;
      if (branch.category === 'product_name') own.productName = branch.name;
      if (branch.category === 'product_version_range') own.range = branch.name;
      // the most specific version wins: Cisco nests service_pack "12.2(55)SE" under product_version "12.2SE"
      if (branch.category === 'product_version' || branch.category === 'service_pack') own.version = branch.name;
      if (branch.product) {
        products.set(branch.product.product_id, {
          ref: productRef(branch.product, own),
          locator: pointer(...here, 'product'),
        });
      }
      if (branch.branches) walk(branch.branches, [...here, 'branches'], own);
    });
  };
  walk(tree?.branches ?? [], ['product_tree', 'branches'], {});

  (tree?.full_product_names ?? []).forEach((product, i) => {
    products.set(product.product_id, {
      ref: productRef(product, {}),
      locator: pointer('product_tree', 'full_product_names', i),
    });
  });

  // a relationship names a composite such as "package X as a component of RHEL 7": the package's purl and the
  // platform's CPE both identify it, unless the relationship product carries helpers of its own
  (tree?.relationships ?? []).forEach((relationship, i) => {
    const component = products.get(relationship.product_reference)?.ref;
    const platform = products.get(relationship.relates_to_product_reference)?.ref;
    const vendor = component?.vendor ?? platform?.vendor;
    const own = productRef(relationship.full_product_name, {
      ...(vendor ? { vendor } : {}),
      ...(component?.versionRange ? { range: component.versionRange } : {}),
      ...(component?.version ? { version: component.version } : {}),
      ...(component?.productName ? { productName: component.productName } : {}),
    });
    const ref: ProductRef = { ...own, relationship: relationship.category };
    if (platform)
      ref.platform = {
        name: platform.name,
        ...(platform.cpe ? { cpe: platform.cpe } : {}),
        ...(platform.cpeRaw ? { cpeRaw: platform.cpeRaw } : {}),
      };
    if (!ref.purl && component?.purl) ref.purl = component.purl;
    if (!ref.cpe && !ref.cpeRaw && platform?.cpeRaw) {
      ref.cpeRaw = platform.cpeRaw;
      if (platform.cpe) ref.cpe = platform.cpe;
    }
    products.set(relationship.full_product_name.product_id, {
      ref,
      locator: pointer('product_tree', 'relationships', i, 'full_product_name'),
    });
  });

  const groups = new Map<string, string[]>(
    (tree?.product_groups ?? []).map((group) => [group.group_id, group.product_ids]),
  );
  return { products, groups, vendors };
}

interface BranchContext {
  vendor?: string;
  productName?: string;
  range?: string;
  version?: string;
}

function productRef(product: CsafFullProductName, context: BranchContext): ProductRef {
  const helper = product.product_identification_helper;
  const ref: ProductRef = { productId: product.product_id, name: product.name };
  const { vendor, range: versionRange, version, productName } = context;
  if (vendor) ref.vendor = vendor;
  if (productName) ref.productName = productName;
  if (version) ref.version = version;
  if (helper?.cpe) {
    ref.cpeRaw = helper.cpe;
    const cpe = toCpe23(helper.cpe);
    if (cpe) ref.cpe = cpe;
  }
  if (helper?.purl) ref.purl = helper.purl;
  if (versionRange) ref.versionRange = versionRange;
  return ref;
}
