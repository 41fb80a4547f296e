import { canonicalJson } from './canonical';
import { SCHEDULES } from '../domain/schedule';
import { ENTRY_TYPES, type EntryBody, type EntryData } from '../schemas/ledger-entry';

/**
 * The hot-path check of an entry body: a hand-written test that accepts a value only when the
 * zod schema `EntryBody` (the normative field table of docs/ledger.md) certainly accepts it,
 * and then returns the same value zod would (a fresh object with exactly the schema's keys).
 * Anything else, even something zod would accept after stripping or coercing, returns null and
 * the caller runs zod itself, which gives the verdict and its message. So the schema is still
 * what decides; this only skips zod's overhead for bodies that are plainly right.
 * "the hot-path body check" in `src/main/ledger/append-batch.test.ts` holds the cases where the two must agree.
 */
const HEX64 = /^[0-9a-f]{64}$/;
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;
const DAY = /^\d{4}-\d{2}-\d{2}$/;
const TYPES: ReadonlySet<unknown> = new Set(ENTRY_TYPES);
const SCHEDULE_SET: ReadonlySet<unknown> = new Set(SCHEDULES);
const SOURCE_KINDS: ReadonlySet<unknown> = new Set(['ndjson', 'ui', 'pos', 'edi', 'scan', 'count', 'sync', 'cli']);
const BODY_KEYS: ReadonlySet<string> = new Set([
  'v', 'device_id', 'seq', 'type', 'facility_id', 'ndc', 'lot', 'serial', 'expiry', 'schedule', 'quantity', 'delta',
  'event_time', 'recorded_at', 'actor', 'corrects', 'idempotency_key', 'source', 'data',
]);

const isInt = (x: unknown): x is number => typeof x === 'number' && Number.isSafeInteger(x);
const isStr = (x: unknown): x is string => typeof x === 'string';
const isNonEmpty = (x: unknown): x is string => typeof x === 'string' && x.length > 0;
const strOrNull = (x: unknown): x is string | null => x === null || typeof x === 'string';

/** A plain object whose own keys are all enumerable strings (no symbols, no `__proto__`), with exactly `n` keys when given. */
function plainObject(x: unknown): x is Record<string, unknown> {
  if (typeof x !== 'object' || x === null || Array.isArray(x) || Object.getPrototypeOf(x) !== Object.prototype) return false;
  const own = Reflect.ownKeys(x);
  if (own.length !== Object.keys(x).length) return false;
  for (const k of own) if (typeof k !== 'string' || k === '__proto__') return false;
  return true;
}

function hasOnlyKeys(x: Record<string, unknown>, keys: readonly string[]): boolean {
  const own = Object.keys(x);
  if (own.length !== keys.length) return false;
  for (const k of keys) if (!Object.prototype.hasOwnProperty.call(x, k)) return false;
  return true;
}

/** A copy of a JSON value without floats, or undefined when it is not one. */
function dataValue(x: unknown, depth: number): unknown {
  if (depth > 64) return undefined;
  if (x === null || typeof x === 'boolean' || typeof x === 'string') return x;
  if (typeof x === 'number') return Number.isSafeInteger(x) ? x : undefined;
  if (Array.isArray(x)) {
    if (Object.getPrototypeOf(x) !== Array.prototype || Reflect.ownKeys(x).length !== x.length + 1) return undefined;
    const out: unknown[] = new Array<unknown>(x.length);
    for (let i = 0; i < x.length; i++) {
      const v = dataValue(x[i], depth + 1);
      if (v === undefined) return undefined;
      out[i] = v;
    }
    return out;
  }
  return dataObject(x, depth);
}

function dataObject(x: unknown, depth: number): Record<string, unknown> | undefined {
  if (!plainObject(x)) return undefined;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(x)) {
    const v = dataValue(x[k], depth + 1);
    if (v === undefined) return undefined;
    out[k] = v;
  }
  return out;
}

/**
 * True when `x` is a plain object all of whose own keys are body fields: then spreading it
 * into a body adds no key the strict schema would refuse, and the body can be built field by
 * field instead.
 */
export function onlyBodyKeys(x: unknown): boolean {
  if (!plainObject(x)) return false;
  for (const k of Object.keys(x)) if (!BODY_KEYS.has(k)) return false;
  return true;
}

export function checkedBody(x: unknown): EntryBody | null {
  if (!plainObject(x)) return null;
  const keys = Object.keys(x);
  if (keys.length !== BODY_KEYS.size) return null;
  for (const k of keys) if (!BODY_KEYS.has(k)) return null;
  const b = x;
  if (b.v !== 1 || !isNonEmpty(b.device_id) || !isInt(b.seq) || b.seq <= 0 || !TYPES.has(b.type) || !isNonEmpty(b.facility_id)) return null;
  if (!strOrNull(b.ndc) || !strOrNull(b.lot) || !strOrNull(b.serial) || !strOrNull(b.idempotency_key)) return null;
  if (b.expiry !== null && !(isStr(b.expiry) && DAY.test(b.expiry))) return null;
  if (b.schedule !== null && !SCHEDULE_SET.has(b.schedule)) return null;
  if (!isInt(b.quantity) || !isInt(b.delta)) return null;
  if (!isStr(b.event_time) || !ISO_UTC.test(b.event_time) || !isStr(b.recorded_at) || !ISO_UTC.test(b.recorded_at)) return null;
  if (!isNonEmpty(b.actor)) return null;
  let corrects: EntryBody['corrects'] = null;
  if (b.corrects !== null) {
    const c = b.corrects;
    if (!plainObject(c) || !hasOnlyKeys(c, ['device_id', 'seq', 'hash'])) return null;
    if (!isNonEmpty(c.device_id) || !isInt(c.seq) || c.seq <= 0 || !isStr(c.hash) || !HEX64.test(c.hash)) return null;
    corrects = { device_id: c.device_id, seq: c.seq, hash: c.hash };
  }
  const s = b.source;
  if (!plainObject(s) || !hasOnlyKeys(s, ['kind', 'payload_sha256', 'correlation_id'])) return null;
  if (!SOURCE_KINDS.has(s.kind) || !(s.payload_sha256 === null || (isStr(s.payload_sha256) && HEX64.test(s.payload_sha256)))) return null;
  if (!isNonEmpty(s.correlation_id)) return null;
  const data = dataObject(b.data, 0);
  if (!data) return null;
  return {
    v: 1,
    device_id: b.device_id,
    seq: b.seq,
    type: b.type as EntryBody['type'],
    facility_id: b.facility_id,
    ndc: b.ndc,
    lot: b.lot,
    serial: b.serial,
    expiry: b.expiry as string | null,
    schedule: b.schedule as EntryBody['schedule'],
    quantity: b.quantity,
    delta: b.delta,
    event_time: b.event_time,
    recorded_at: b.recorded_at,
    actor: b.actor,
    corrects,
    idempotency_key: b.idempotency_key,
    source: { kind: s.kind as EntryBody['source']['kind'], payload_sha256: s.payload_sha256 as string | null, correlation_id: s.correlation_id },
    data: data as EntryData,
  };
}

const q = JSON.stringify;
const orNull = (x: string | null) => (x === null ? 'null' : q(x));

/**
 * The canonical JSON of a valid body (one that passed `EntryBody` or `checkedBody`): the same
 * bytes as `canonicalJson(body)`, written with the keys in their fixed sorted order instead of
 * sorting them for every entry. `data` goes through `canonicalJson` itself.
 */
export function canonicalBody(b: EntryBody): string {
  const c = b.corrects;
  const s = b.source;
  return (
    `{"actor":${q(b.actor)}` +
    `,"corrects":${c === null ? 'null' : `{"device_id":${q(c.device_id)},"hash":${q(c.hash)},"seq":${String(c.seq)}}`}` +
    `,"data":${canonicalJson(b.data)}` +
    `,"delta":${String(b.delta)}` +
    `,"device_id":${q(b.device_id)}` +
    `,"event_time":${q(b.event_time)}` +
    `,"expiry":${orNull(b.expiry)}` +
    `,"facility_id":${q(b.facility_id)}` +
    `,"idempotency_key":${orNull(b.idempotency_key)}` +
    `,"lot":${orNull(b.lot)}` +
    `,"ndc":${orNull(b.ndc)}` +
    `,"quantity":${String(b.quantity)}` +
    `,"recorded_at":${q(b.recorded_at)}` +
    `,"schedule":${orNull(b.schedule)}` +
    `,"seq":${String(b.seq)}` +
    `,"serial":${orNull(b.serial)}` +
    `,"source":{"correlation_id":${q(s.correlation_id)},"kind":${q(s.kind)},"payload_sha256":${orNull(s.payload_sha256)}}` +
    `,"type":${q(b.type)}` +
    `,"v":${String(b.v)}}`
  );
}
