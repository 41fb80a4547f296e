import { PassThrough } from 'node:stream';
import { runCli } from '../cli/main';

/** Runs the CLI in-process with its own streams, as a shell would, and returns what it printed. */
export async function cli(args: string[], stdin = '', env: Record<string, string | undefined> = {}) {
  const input = new PassThrough();
  input.end(stdin);
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c));
  const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c));
  const code = await runCli(args, { stdin: input, stdout, stderr, env: { ...env } });
  return { code, stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8') };
}
