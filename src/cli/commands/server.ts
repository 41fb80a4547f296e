import { randomBytes } from 'node:crypto';
import { renameSync, unlinkSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { CENTRAL_REPORT_KINDS } from '../../shared/reports/dea-record';
import { CliError, printJson, type CliIO, type Command } from '../io';
import { readPassword } from '../password-input';
import { parseCommandArgs } from '../workstation-args';

const USAGE = `usage:
  rxledger server [--port P] [--host H] [--data DIR] [--console-origin https://HOST] [--console-idle-seconds 600]
                                                         run the central server (PGlite in DIR; without --data, the PostgreSQL of DATABASE_URL);
                                                         the web console is at /console
  rxledger server init [--data DIR] [--new-token]        create the schema, print an administrator token
  rxledger server facility add --server URL --token T --id ID --name NAME --dea-number N --address ADDR
  rxledger server facility list --server URL --token T
  rxledger server enrollment-code --server URL --token T --facility ID [--expires-hours H]
  rxledger server user add --server URL --token T --user U --name "Full Name" --role administrator|compliance_officer|regional_manager
                                                         a web console user; the password on the first line of stdin
  rxledger server reference put --server URL --token T --kind catalog|user|policy --key K [--facility ID] --doc JSON
  rxledger server devices|stock|holds|alarms|verify --server URL --token T [--facility ID]
  rxledger server report biennial|initial|cii-log|receipts|dispensing|form41|returns|form106 --server URL --token T --facility ID
                  [--from YYYY-MM-DD] [--to YYYY-MM-DD] [--taken opening|close] [--tz ZONE] [--schedules cii|ciii-v|all] [--ndc NDC]...
                  [--device ID] [--format csv|pdf] --out FILE    a facility's DEA record (CSV or PDF), computed by the server from the synced ledger
The token may come from RXLEDGER_ADMIN_TOKEN and the URL from RXLEDGER_SERVER instead (arguments show in ps).
`;

/** rxledger server …: run the central server, or talk to one as its administrator. */
export const serverCommand: Command = async (argv, io) => {
  const [sub, ...rest] = argv;
  if (sub === undefined || sub.startsWith('-')) return run(argv, io);
  switch (sub) {
    case 'init':
      return init(rest, io);
    case 'facility':
      return facility(rest, io);
    case 'enrollment-code':
      return enrollmentCode(rest, io);
    case 'reference':
      return reference(rest, io);
    case 'user':
      return consoleUser(rest, io);
    case 'devices':
    case 'stock':
    case 'holds':
    case 'alarms':
    case 'verify':
      return report(sub, rest, io);
    case 'report':
      return facilityReport(rest, io);
    case 'help':
    case '--help':
      io.stdout.write(USAGE);
      return 0;
    default:
      throw new CliError(`unknown subcommand "${sub}"\n${USAGE}`);
  }
};

/** A flag given on the command line wins over DATABASE_URL from the environment. */
function storage(values: { data?: string | undefined; 'database-url'?: string | undefined }, io: CliIO) {
  if (values['database-url']) return { databaseUrl: values['database-url'] };
  if (values.data) return { dataDir: resolve(values.data) };
  if (io.env.DATABASE_URL) return { databaseUrl: io.env.DATABASE_URL };
  throw new CliError('give --data DIR (embedded PGlite) or set DATABASE_URL (PostgreSQL)');
}

async function run(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, {
    port: { type: 'string' },
    host: { type: 'string' },
    'database-url': { type: 'string' },
    'request-timeout-ms': { type: 'string' },
    'body-limit': { type: 'string' },
    'console-origin': { type: 'string' },
    'console-idle-seconds': { type: 'string' },
  });
  const port = values.port === undefined ? 8443 : Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new CliError('--port must be a port number (0: any free port)');
  const num = (v: string | undefined, name: string) => {
    if (v === undefined) return undefined;
    const n = Number(v);
    if (!Number.isInteger(n) || n <= 0) throw new CliError(`${name} must be a positive integer`);
    return n;
  };
  const { startServer } = await import('../../server/run');
  const server = await startServer({
    ...storage(values, io),
    port,
    host: values.host ?? '127.0.0.1',
    requestTimeoutMs: num(values['request-timeout-ms'], '--request-timeout-ms'),
    bodyLimit: num(values['body-limit'], '--body-limit'),
    // Behind a TLS proxy the Host header may not be what the browser shows; this is.
    console: {
      ...(values['console-origin'] ? { publicOrigin: values['console-origin'] } : {}),
      ...(values['console-idle-seconds'] ? { idleSeconds: num(values['console-idle-seconds'], '--console-idle-seconds')! } : {}),
    },
  });
  if (values.json) printJson(io, { url: server.url, port: server.port, storage: server.store.kind, pid: process.pid });
  else io.stdout.write(`RxLedger central server listening on ${server.url} (storage: ${server.store.kind === 'pglite' ? `PGlite in ${values.data}` : 'PostgreSQL'})\n`);
  await new Promise<void>((done) => {
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await server.close();
  return 0;
}

async function init(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { 'database-url': { type: 'string' }, 'new-token': { type: 'boolean', default: false } });
  const { initServer } = await import('../../server/run');
  let out;
  try {
    out = await initServer(storage(values, io), { newToken: values['new-token'] });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
  if (values.json) printJson(io, { token: out.token, storage: out.storage });
  else {
    io.stdout.write(
      `Central server schema ready (${out.storage}).\nAdministrator token (shown once; only its hash is stored):\n${out.token}\n`,
    );
  }
  return 0;
}

const adminOptions = { server: { type: 'string' }, token: { type: 'string' } } as const;

function adminTarget(values: { server?: string | undefined; token?: string | undefined }, io: CliIO): { url: string; token: string } {
  const url = values.server ?? io.env.RXLEDGER_SERVER;
  const token = values.token ?? io.env.RXLEDGER_ADMIN_TOKEN;
  if (!url) throw new CliError('--server URL is required (or RXLEDGER_SERVER)');
  if (!token) throw new CliError('--token T is required (or RXLEDGER_ADMIN_TOKEN), as printed by "rxledger server init"');
  return { url: url.replace(/\/+$/, ''), token };
}

async function adminCall(target: { url: string; token: string }, method: 'GET' | 'POST', path: string, body?: unknown): Promise<Record<string, unknown>> {
  let res: Response;
  try {
    res = await fetch(target.url + path, {
      method,
      headers: { authorization: `Bearer ${target.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    });
  } catch (err) {
    throw new CliError(`cannot reach the central server at ${target.url}: ${(err as Error).message}`, 1);
  }
  const text = await res.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    // not JSON: reported below
  }
  if (!res.ok) throw new CliError(`the central server refused (${res.status}): ${typeof json.message === 'string' ? json.message : text.slice(0, 300)}`, 1);
  return json;
}

async function facility(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  if (action === 'list') {
    const { values } = parseCommandArgs(rest, adminOptions);
    const out = await adminCall(adminTarget(values, io), 'GET', '/v1/admin/facilities');
    printJson(io, out);
    return 0;
  }
  if (action !== 'add') throw new CliError(`usage: rxledger server facility add|list …\n${USAGE}`);
  const { values } = parseCommandArgs(rest, {
    ...adminOptions,
    id: { type: 'string' },
    name: { type: 'string' },
    'dea-number': { type: 'string' },
    address: { type: 'string' },
  });
  for (const k of ['id', 'name', 'dea-number', 'address'] as const) if (!values[k]) throw new CliError(`--${k} is required`);
  const out = await adminCall(adminTarget(values, io), 'POST', '/v1/admin/facilities', {
    facility_id: values.id,
    name: values.name,
    dea_number: values['dea-number'],
    address: values.address,
  });
  if (values.json) printJson(io, out);
  else io.stdout.write(`Facility ${values.id} ${out.created ? 'created' : 'already exists with these details'}.\n`);
  return 0;
}

async function enrollmentCode(argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...adminOptions, facility: { type: 'string' }, 'expires-hours': { type: 'string' } });
  if (!values.facility) throw new CliError('--facility ID is required');
  const hours = values['expires-hours'] ? Number(values['expires-hours']) : 72;
  const out = await adminCall(adminTarget(values, io), 'POST', '/v1/admin/enrollment-codes', { facility_id: values.facility, expires_in_hours: hours });
  if (values.json) printJson(io, out);
  else io.stdout.write(`${String(out.code)}\n`);
  if (!values.json) io.stderr.write(`One-time enrollment code for facility ${values.facility}, valid until ${String(out.expires_at)}.\n`);
  return 0;
}

async function reference(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'put') throw new CliError(`usage: rxledger server reference put …\n${USAGE}`);
  const { values } = parseCommandArgs(rest, { ...adminOptions, kind: { type: 'string' }, key: { type: 'string' }, facility: { type: 'string' }, doc: { type: 'string' } });
  if (!values.kind || !values.key || values.doc === undefined) throw new CliError('--kind, --key and --doc are required');
  let doc: unknown;
  try {
    doc = JSON.parse(values.doc);
  } catch {
    throw new CliError('--doc must be JSON');
  }
  const out = await adminCall(adminTarget(values, io), 'POST', '/v1/admin/reference', {
    items: [{ kind: values.kind, key: values.key, facility_id: values.facility ?? null, doc }],
  });
  printJson(io, out);
  return 0;
}

async function report(what: 'devices' | 'stock' | 'holds' | 'alarms' | 'verify', argv: string[], io: CliIO): Promise<number> {
  const { values } = parseCommandArgs(argv, { ...adminOptions, facility: { type: 'string' } });
  const q = (what === 'stock' || what === 'verify') && values.facility ? `?facility_id=${encodeURIComponent(values.facility)}` : '';
  const out = await adminCall(adminTarget(values, io), 'GET', `/v1/admin/${what}${q}`);
  printJson(io, out);
  return what === 'verify' && out.ok !== true ? 3 : 0;
}

async function consoleUser(argv: string[], io: CliIO): Promise<number> {
  const [action, ...rest] = argv;
  if (action !== 'add') throw new CliError(`usage: rxledger server user add …\n${USAGE}`);
  const { values } = parseCommandArgs(rest, { ...adminOptions, user: { type: 'string' }, name: { type: 'string' }, role: { type: 'string' } });
  for (const k of ['user', 'name', 'role'] as const) if (!values[k]) throw new CliError(`--${k} is required`);
  const target = adminTarget(values, io);
  // Never an argument: arguments show in ps and in shell history.
  const password = await readPassword(io, `Password for console user ${values.user}: `);
  const out = await adminCall(target, 'POST', '/v1/admin/console-users', { user_id: values.user, name: values.name, role: values.role, password });
  if (values.json) printJson(io, out);
  else io.stdout.write(`Console user ${values.user} (${values.role}) added.\n`);
  return 0;
}

/**
 * `rxledger server report KIND --facility ID --out FILE`: the CSV or PDF the server computes from the
 * facility's synced ledger with the workstation's report code. Written beside FILE and renamed
 * into place, so a failed download leaves no half file.
 */
async function facilityReport(argv: string[], io: CliIO): Promise<number> {
  const [kind, ...rest] = argv;
  if (!kind || !(CENTRAL_REPORT_KINDS as readonly string[]).includes(kind)) throw new CliError(`usage: rxledger server report ${CENTRAL_REPORT_KINDS.join('|')} …\n${USAGE}`);
  const { values } = parseCommandArgs(rest, {
    ...adminOptions,
    facility: { type: 'string' },
    from: { type: 'string' },
    to: { type: 'string' },
    tz: { type: 'string' },
    ndc: { type: 'string', multiple: true },
    schedules: { type: 'string' },
    taken: { type: 'string' },
    device: { type: 'string' },
    format: { type: 'string' },
    out: { type: 'string' },
  });
  if (!values.facility) throw new CliError('--facility ID is required');
  if (!values.out) throw new CliError('--out FILE is required (where the report is written)');
  const target = adminTarget(values, io);
  if (values.format && values.format !== 'csv' && values.format !== 'pdf') throw new CliError('--format is csv or pdf');
  const q = new URLSearchParams({ format: values.format ?? 'csv' });
  if (values.from) q.set('from', values.from);
  if (values.to) q.set('to', values.to);
  q.set('tz', values.tz ?? io.env.TZ ?? Intl.DateTimeFormat().resolvedOptions().timeZone ?? 'UTC');
  if (values.ndc?.length) q.set('ndc', values.ndc.join(','));
  if (values.schedules) q.set('schedules', values.schedules);
  if (values.taken) q.set('taken', values.taken);
  if (values.device) q.set('device', values.device);
  let res: Response;
  try {
    res = await fetch(`${target.url}/v1/admin/facilities/${encodeURIComponent(values.facility)}/reports/${kind}?${q}`, {
      headers: { authorization: `Bearer ${target.token}` },
      signal: AbortSignal.timeout(300_000),
    });
  } catch (err) {
    throw new CliError(`cannot reach the central server at ${target.url}: ${(err as Error).message}`, 1);
  }
  const bytes = Buffer.from(await res.arrayBuffer());
  if (!res.ok) {
    let message = bytes.toString('utf8').slice(0, 300);
    try {
      message = (JSON.parse(message) as { message?: string }).message ?? message;
    } catch {
      // not JSON: shown as it came
    }
    throw new CliError(`the central server refused (${res.status}): ${message}`, res.status === 401 || res.status === 403 ? 4 : res.status < 500 ? 2 : 1);
  }
  const path = resolve(values.out);
  const tmp = `${path}.${randomBytes(4).toString('hex')}.partial`;
  try {
    writeFileSync(tmp, bytes, { mode: 0o600 });
    renameSync(tmp, path);
  } catch (err) {
    try {
      unlinkSync(tmp);
    } catch {
      // not created
    }
    throw new CliError(`cannot write ${path}: ${(err as Error).message}. Nothing was written.`, 2);
  }
  const out = {
    file: path,
    kind,
    format: values.format ?? 'csv',
    facility_id: values.facility,
    sha256: res.headers.get('x-rxl-sha256'),
    bytes: bytes.length,
    lines: Number(res.headers.get('x-rxl-lines') ?? 0),
    ledger_heads: (res.headers.get('x-rxl-ledger-heads') ?? '').split(' ').filter(Boolean),
  };
  if (values.json) printJson(io, out);
  else io.stdout.write(`${out.file}\n${out.lines} line(s), sha256 ${out.sha256}\nledger heads: ${out.ledger_heads.join(', ') || '(none)'}\n`);
  return 0;
}
