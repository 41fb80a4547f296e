import { parseArgs, type ParseArgsConfig } from 'node:util';
import { resolveDataDir } from '../main/data-dir';
import { Workstation } from '../main/workstation';
import { CliError, type CliIO } from './io';

type Options = NonNullable<ParseArgsConfig['options']>;

/** parseArgs with the flags every command shares, and errors a person can read. */
export function parseCommandArgs<O extends Options>(argv: string[], options: O, allowPositionals = false) {
  try {
    return parseArgs({
      args: argv,
      options: { data: { type: 'string' }, json: { type: 'boolean', default: false }, ...options },
      allowPositionals,
      strict: true,
    });
  } catch (err) {
    throw new CliError((err as Error).message);
  }
}

export function openWorkstation(dataFlag: string | undefined, io: CliIO): Workstation {
  return Workstation.open(resolveDataDir(dataFlag, io.env));
}

export async function withWorkstation<T>(dataFlag: string | undefined, io: CliIO, fn: (ws: Workstation) => Promise<T> | T): Promise<T> {
  const ws = openWorkstation(dataFlag, io);
  try {
    return await fn(ws);
  } finally {
    ws.close();
  }
}
