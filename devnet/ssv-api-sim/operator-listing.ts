/**
 * Pure parts of the simulated `GET /operators` (specs/ssv-api-and-shares.md §2.1, §2.3): the
 * Operator object, `ordering` parsing and sorting, and pagination with SSV's wrapper fields.
 */

/** Operator statuses the SSV API reports. */
export const OPERATOR_STATUSES = ['Active', 'Inactive', 'No validators', 'Removed'] as const;
export type OperatorStatus = (typeof OPERATOR_STATUSES)[number];

/** Operator types the SSV API reports. */
export type OperatorType = 'operator' | 'verified_operator' | 'dapp_node';

/** `performance` of an Operator object, percent. */
export interface OperatorPerformance {
  '24h': number;
  '30d': number;
}

/** The SSV API v4 Operator object (snake_case, §2.3). */
export interface ApiOperator {
  id: number;
  id_str: string;
  declared_fee: string;
  previous_fee: string;
  fee: string;
  public_key: string;
  owner_address: string;
  address_whitelist: string;
  whitelist_addresses: string[];
  whitelisting_contract: string;
  is_private: boolean;
  location: string;
  setup_provider: string;
  eth1_node_client: string;
  eth2_node_client: string;
  mev_relays: string;
  description: string;
  website_url: string;
  twitter_url: string;
  linkedin_url: string;
  dkg_address: string;
  logo: string;
  type: OperatorType;
  name: string;
  performance: OperatorPerformance;
  is_valid: boolean;
  is_deleted: boolean;
  is_active: number;
  status: OperatorStatus;
  validators_count: number;
  version: string;
  network: string;
  block: number;
  created_at: string;
  updated_at: string;
}

/** Fields `ordering` accepts. */
export const ORDERING_FIELDS = [
  'id',
  'fee',
  'validators_count',
  'performance.24h',
  'performance.30d',
  'name',
] as const;
export type OrderingField = (typeof ORDERING_FIELDS)[number];

export interface OrderingKey {
  field: OrderingField;
  direction: 'asc' | 'desc';
}

/**
 * Parses `ordering` (`<field>:<asc|desc>`, several comma-separated as older StaFi code sent).
 * Returns an error text for an unknown field or direction. Empty or absent means `id:asc`.
 */
export function parseOrdering(ordering: string | undefined): OrderingKey[] | { error: string } {
  if (ordering === undefined || ordering.trim() === '') return [{ field: 'id', direction: 'asc' }];
  const keys: OrderingKey[] = [];
  for (const part of ordering.split(',')) {
    const [field, direction = 'asc', ...rest] = part.trim().split(':');
    if (!(ORDERING_FIELDS as readonly string[]).includes(field ?? '')) {
      return { error: `ordering field "${field}" is not one of ${ORDERING_FIELDS.join(', ')}` };
    }
    if ((direction !== 'asc' && direction !== 'desc') || rest.length > 0) {
      return { error: `ordering direction of "${part.trim()}" must be asc or desc` };
    }
    keys.push({ field: field as OrderingField, direction });
  }
  return keys;
}

function compareField(a: ApiOperator, b: ApiOperator, field: OrderingField): number {
  switch (field) {
    case 'id':
      return a.id - b.id;
    case 'fee': {
      const [x, y] = [BigInt(a.fee), BigInt(b.fee)];
      return x < y ? -1 : x > y ? 1 : 0;
    }
    case 'validators_count':
      return a.validators_count - b.validators_count;
    case 'performance.24h':
      return a.performance['24h'] - b.performance['24h'];
    case 'performance.30d':
      return a.performance['30d'] - b.performance['30d'];
    case 'name':
      return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
  }
}

/** Sorts by the keys, then by id ascending, so pages are stable and never overlap. */
export function sortOperators(
  operators: readonly ApiOperator[],
  keys: readonly OrderingKey[],
): ApiOperator[] {
  return [...operators].sort((a, b) => {
    for (const { field, direction } of keys) {
      const order = compareField(a, b, field);
      if (order !== 0) return direction === 'asc' ? order : -order;
    }
    return a.id - b.id;
  });
}

/** The `pagination` object of SSV's list wrappers. */
export interface Pagination {
  total: number;
  pages: number;
  per_page: number;
  page: number;
  /** 1-based position of the page's first item; 0 on an empty page. */
  current_first: number;
  /** 1-based position of the page's last item; 0 on an empty page. */
  current_last: number;
}

/** One page of `items` (1-based `page`) and its pagination object. */
export function paginate<T>(
  items: readonly T[],
  page: number,
  perPage: number,
): { items: T[]; pagination: Pagination } {
  const start = (page - 1) * perPage;
  const slice = items.slice(start, start + perPage);
  return {
    items: slice,
    pagination: {
      total: items.length,
      pages: Math.ceil(items.length / perPage),
      per_page: perPage,
      page,
      current_first: slice.length === 0 ? 0 : start + 1,
      current_last: slice.length === 0 ? 0 : start + slice.length,
    },
  };
}

/**
 * The "wrong field types" fault: every number becomes a string, every boolean a 0/1 number and
 * every decimal string a number (losing precision past 2^53), recursively. Pure.
 */
export function corruptFieldTypes(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(corruptFieldTypes);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, field]) => [key, corruptFieldTypes(field)]),
    );
  }
  if (typeof value === 'number') return String(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'string' && /^[0-9]+$/.test(value)) return Number(value);
  return value;
}
