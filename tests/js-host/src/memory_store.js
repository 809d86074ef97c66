// A faithful port of guest/tests/support/memory_store.rs: the reference
// in-memory store that performs the server's effects (ids, uniqueness,
// versions, honest paging). Searches are answered exactly (plan and paging
// applied) when the plan is absent or is `eq` (or an `or` of `eq`) on `id`,
// `userName`, `externalId` or `displayName` without a sort; otherwise every
// resource of the type is returned as a candidate (`exact: false`).
// Outcomes are the jco shapes of the WIT `outcome` variant.

import { byteOrder, canonical } from './json.js';

const PUSHED_DOWN = ['id', 'userName', 'externalId', 'displayName'];


/** A top-level string attribute of a parsed resource, or undefined. */
function str(r, attr) {
  const v = r !== null && typeof r === 'object' && !Array.isArray(r) && Object.hasOwn(r, attr) ? r[attr] : undefined;
  return typeof v === 'string' ? v : undefined;
}

function version(text) {
  let r;
  try {
    r = JSON.parse(text);
  } catch {
    return undefined;
  }
  const meta = r && typeof r === 'object' && Object.hasOwn(r, 'meta') ? r.meta : undefined;
  return str(meta, 'version');
}

function pushable(plan) {
  const op = str(plan, 'op');
  if (op === 'eq') return PUSHED_DOWN.includes(str(plan, 'attr'));
  if (op === 'or') return Array.isArray(plan.args) && plan.args.every(pushable);
  return false;
}

function evaluate(plan, r) {
  const op = str(plan, 'op');
  if (op === 'or') return Array.isArray(plan.args) && plan.args.some((p) => evaluate(p, r));
  if (op === 'eq') {
    const attr = str(plan, 'attr') ?? '';
    const want = str(plan, 'value') ?? '';
    const exact = typeof plan.caseExact === 'boolean' ? plan.caseExact : false;
    const v = str(r, attr);
    return v !== undefined && (exact ? v === want : v.toLowerCase() === want.toLowerCase());
  }
  return false;
}

/** The store: resources by type, then by id (JSON text as written). */
export class MemoryStore {
  constructor() {
    /** @type {Map<string, Map<string, string>>} */
    this.resources = new Map();
    /** Passwords handed over by writes (a real host hashes them). */
    this.passwords = new Map();
    this.exactSearches = 0;
    this.candidateSearches = 0;
  }

  table(rt) {
    if (!this.resources.has(rt)) this.resources.set(rt, new Map());
    return this.resources.get(rt);
  }

  /** The table's [id, text] entries in id byte order (a BTreeMap's iteration order). */
  entries(rt) {
    return [...this.table(rt).entries()].sort(([a], [b]) => byteOrder(a, b));
  }

  /** Answers a load. */
  load(op) {
    const r = this.table(op.resourceType).get(op.id);
    return r === undefined ? { tag: 'missing' } : { tag: 'resource', val: r };
  }

  /** Answers a search. */
  search(op) {
    const plan = op.plan === undefined ? undefined : JSON.parse(op.plan);
    const all = this.entries(op.resourceType).map(([, text]) => text);
    if (!(op.sortBy === undefined && (plan === undefined || pushable(plan)))) {
      this.candidateSearches++;
      return { tag: 'page', val: { total: 0, resources: all.map(canonical), exact: false } };
    }
    this.exactSearches++;
    const matching = all.filter((text) => plan === undefined || evaluate(plan, JSON.parse(text)));
    const start = Math.max(op.startIndex, 1) - 1;
    const resources = matching.slice(start, start + op.count).map(canonical);
    return { tag: 'page', val: { total: matching.length, resources, exact: true } };
  }

  taken(op) {
    const entries = this.entries(op.resourceType);
    for (const [attr, value] of op.unique) {
      const clash = entries.some(([id, text]) => {
        const v = str(JSON.parse(text), attr);
        return id !== op.id && v !== undefined && v.toLowerCase() === value.toLowerCase();
      });
      if (clash) return attr;
    }
    return undefined;
  }

  /** Answers a create. */
  create(op) {
    if (this.table(op.resourceType).has(op.id)) return { tag: 'conflict', val: 'id' };
    const attr = this.taken(op);
    if (attr !== undefined) return { tag: 'conflict', val: attr };
    return this.store(op);
  }

  /** Answers a replace. */
  replace(op) {
    const current = this.table(op.resourceType).get(op.id);
    if (current === undefined) return { tag: 'missing' };
    if (op.expectedVersion !== undefined && version(current) !== op.expectedVersion) {
      return { tag: 'version-mismatch' };
    }
    const attr = this.taken(op);
    if (attr !== undefined) return { tag: 'conflict', val: attr };
    return this.store(op);
  }

  store(op) {
    if (op.resource.includes('"password"')) throw new Error('a password must never reach the stored resource');
    if (op.password !== undefined) this.passwords.set(op.id, op.password);
    this.table(op.resourceType).set(op.id, op.resource);
    return { tag: 'written', val: op.resource };
  }

  /** Answers a delete. */
  delete(op) {
    const current = this.table(op.resourceType).get(op.id);
    if (current === undefined) return { tag: 'missing' };
    if (op.expectedVersion !== undefined && version(current) !== op.expectedVersion) {
      return { tag: 'version-mismatch' };
    }
    this.table(op.resourceType).delete(op.id);
    this.passwords.delete(op.id);
    return { tag: 'deleted' };
  }
}
