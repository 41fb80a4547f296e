/**
 * Canonical JSON for ledger bodies: the exact bytes that are hashed.
 *
 * Another program must be able to reproduce these bytes, so the rules are few and strict
 * (docs/ledger.md): object keys sorted by UTF-16 code units, no insignificant white space,
 * strings escaped as JSON.stringify does, integers only (quantities are whole units; a float
 * in a legal record is a bug), no undefined. It is the JCS (RFC 8785) form restricted to
 * integers, so a JCS library gives the same bytes.
 */
export type CanonicalValue =
  | null
  | boolean
  | number
  | string
  | CanonicalValue[]
  | { [key: string]: CanonicalValue };

export class CanonicalJsonError extends Error {}

export function canonicalJson(value: unknown): string {
  return write(value, '$');
}

function write(value: unknown, path: string): string {
  if (value === null) return 'null';
  switch (typeof value) {
    case 'boolean':
      return value ? 'true' : 'false';
    case 'number':
      if (!Number.isSafeInteger(value)) {
        throw new CanonicalJsonError(`${path}: ${value} is not a safe integer (ledger bodies hold integers only)`);
      }
      return Object.is(value, -0) ? '0' : String(value);
    case 'string':
      return JSON.stringify(value);
    case 'object': {
      if (Array.isArray(value)) return '[' + value.map((v, i) => write(v, `${path}[${i}]`)).join(',') + ']';
      const obj = value as Record<string, unknown>;
      const keys = Object.keys(obj)
        .filter((k) => obj[k] !== undefined)
        .sort();
      return '{' + keys.map((k) => JSON.stringify(k) + ':' + write(obj[k], `${path}.${k}`)).join(',') + '}';
    }
    default:
      throw new CanonicalJsonError(`${path}: ${typeof value} cannot appear in a ledger body`);
  }
}
