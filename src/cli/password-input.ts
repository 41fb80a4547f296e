import { CliError, readAllStdin, type CliIO } from './io';

/**
 * A password from stdin: the first line when stdin is a pipe (scripts, tests), or asked for
 * with echo off when it is a terminal. Never from an argument: arguments show in `ps`.
 */
export async function readPassword(io: CliIO, prompt: string): Promise<string> {
  if (!io.stdin.isTTY) {
    const text = await readAllStdin(io);
    const first = text.split(/\r?\n/)[0] ?? '';
    if (!first) throw new CliError('no password on standard input (pipe it in, e.g. printf "%s\\n" "$PW" | rxledger ...)');
    return first;
  }
  return askHidden(io, prompt);
}

/**
 * Several passwords, one per line on stdin in the order of `prompts` (the acting user's
 * first), or asked for one by one on a terminal. Read at once: stdin can be read only once.
 */
export async function readPasswordLines(io: CliIO, prompts: string[], order: string): Promise<string[]> {
  if (prompts.length === 1) return [await readPassword(io, prompts[0]!)];
  if (io.stdin.isTTY) {
    const out: string[] = [];
    for (const p of prompts) out.push(await askHidden(io, p));
    return out;
  }
  const lines = (await readAllStdin(io)).split(/\r?\n/);
  const out = prompts.map((_, i) => lines[i] ?? '');
  if (out.some((p) => !p)) throw new CliError(`give ${prompts.length} passwords on standard input, one per line (${order})`);
  return out;
}

async function askHidden(io: CliIO, prompt: string): Promise<string> {
  const stdin = io.stdin as NodeJS.ReadStream;
  io.stderr.write(prompt);
  stdin.setRawMode?.(true);
  stdin.resume();
  stdin.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let value = '';
    const onData = (ch: string) => {
      for (const c of ch) {
        if (c === '\r' || c === '\n') {
          done();
          io.stderr.write('\n');
          return resolve(value);
        }
        if (c === '\u0003') {
          done();
          return reject(new CliError('cancelled', 130));
        }
        if (c === '\u007f' || c === '\b') value = value.slice(0, -1);
        else value += c;
      }
    };
    const done = () => {
      stdin.off('data', onData);
      stdin.setRawMode?.(false);
      stdin.pause();
    };
    stdin.on('data', onData);
  });
}
