import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import { TA1_ACK, TA1_NOTE, errorLabel, generateAck, readX12, type EdiError, type ParseReport, type ReceivedTa1, type TransactionSummary } from '../../shared/edi';
import { CliError, printJson, type CliIO, type Command } from '../io';

const USAGE = `usage: rxledger edi check FILE [--json]
       rxledger edi ack FILE [--control N] [--time ISO-8601]

check  reads an X12 file (852, 846, 856; ISA/GS envelopes or a bare ST..SE file) and checks
       delimiters, envelope control numbers and counts, and the segments RxLedger reads.
       Errors carry X12 acknowledgment codes (TA1:001, AK9:5, AK5:4, AK3:8, AK4:7; IK3/IK4/IK5
       for 5010 files). "position" is the 1-based segment number in the file.
       Exit 0 when valid, 1 when not, 2 when the file cannot be read or is not X12.
ack    prints the 997 (ISA12 below 00501) or 999 (00501 and later) for the file, with the
       file's delimiters, sender and receiver swapped. --control sets the acknowledgment's
       ISA13 (and GS06); --time its date and time (UTC). Exit 0 when printed, 1 when the file
       has no ISA to acknowledge or nothing to answer (only 997/999 groups or TA1s, and no TA1
       asked for: X12 does not acknowledge acknowledgments), 2 when it cannot be read or is
       not X12.
The file is streamed: its size is not limited by memory.
`;

function parse(argv: string[]) {
  try {
    return parseArgs({
      args: argv,
      options: {
        json: { type: 'boolean', default: false },
        control: { type: 'string' },
        time: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
      allowPositionals: true,
      strict: true,
    });
  } catch (err) {
    throw new CliError(`${(err as Error).message}\n${USAGE}`);
  }
}

/** Reads the file as a stream; null when it cannot be opened or read. */
async function readReport(file: string, io: CliIO): Promise<ParseReport | null> {
  try {
    const s = await stat(file);
    if (!s.isFile()) throw new Error('not a file');
    let report: ParseReport | null = null;
    for await (const ev of readX12(createReadStream(file) as AsyncIterable<Uint8Array>)) if (ev.kind === 'end') report = ev.report;
    return report;
  } catch (err) {
    io.stderr.write(`rxledger edi: cannot read ${file}: ${(err as Error).message}\n`);
    return null;
  }
}

function transactionsOf(report: ParseReport): TransactionSummary[] {
  const all: TransactionSummary[] = [...report.looseTransactions];
  for (const ic of report.interchanges) for (const g of ic.groups) for (const t of g.transactions) all.push(t);
  return all.sort((a, b) => a.firstSegmentIndex - b.firstSegmentIndex);
}

/** The TA1s the file's interchanges carry, with the interchange (ISA13) each arrived in. */
function receivedTa1s(report: ParseReport): Array<{ within: string; ta1: ReceivedTa1 }> {
  return report.interchanges.flatMap((ic) => ic.acknowledgments.map((ta1) => ({ within: ic.control, ta1 })));
}

function errorJson(e: EdiError, version: 'x12-4010' | 'x12-5010') {
  return {
    code: errorLabel(e, version),
    segment: e.segmentId || null,
    position: e.segmentIndex === undefined ? null : e.segmentIndex + 1,
    element: e.element === undefined ? null : `${e.segmentId ?? ''}${String(e.element).padStart(2, '0')}`,
    message: e.severity === 'warning' ? `warning: ${e.message}` : e.message,
  };
}

async function check(file: string, json: boolean, io: CliIO): Promise<number> {
  const report = await readReport(file, io);
  if (!report) return 2;
  const version = report.ackType === '999' ? 'x12-5010' : 'x12-4010';
  const txs = transactionsOf(report);
  const ta1s = receivedTa1s(report);
  if (json) {
    printJson(io, {
      valid: report.valid,
      errors: report.errors.map((e) => errorJson(e, version)),
      transactions: txs.map((t) => ({ type: t.type, control: t.control, segments: t.segmentCount, valid: t.valid })),
      // Only where the file carries TA1s, so the usual answer keeps its three keys.
      ...(ta1s.length
        ? {
            received_ta1: ta1s.map(({ within, ta1 }) => ({
              interchange: within,
              acknowledges: ta1.control,
              date: ta1.date,
              time: ta1.time,
              ack_code: ta1.ackCode,
              note_code: ta1.noteCode,
            })),
          }
        : {}),
    });
  } else {
    const accepted = txs.filter((t) => t.valid).length;
    io.stdout.write(`${file}: ${report.valid ? 'valid' : report.readable ? 'INVALID' : 'NOT X12'}; ${txs.length} transaction set(s), ${accepted} accepted\n`);
    for (const t of txs)
      io.stdout.write(`  ${t.type} ${t.control}  ${t.segmentCount} segments  ${t.valid ? 'accepted' : `rejected (${t.rejectedBy})`}\n`);
    for (const { within, ta1 } of ta1s) {
      const what = Object.hasOwn(TA1_ACK, ta1.ackCode) ? TA1_ACK[ta1.ackCode as keyof typeof TA1_ACK] : 'unknown code';
      const note = Object.hasOwn(TA1_NOTE, ta1.noteCode) ? TA1_NOTE[ta1.noteCode as keyof typeof TA1_NOTE] : null;
      io.stdout.write(`  TA1 in interchange ${within}: interchange ${ta1.control} (${ta1.date} ${ta1.time}) ${ta1.ackCode} ${what}, note ${ta1.noteCode}${note ? ` ${note}` : ''}\n`);
    }
    for (const e of report.errors) {
      const j = errorJson(e, version);
      const where = [j.position !== null ? `segment ${j.position}` : null, j.element ?? j.segment].filter(Boolean).join(' ');
      io.stdout.write(`  ${j.code.padEnd(8)} ${where ? `${where}: ` : ''}${j.message}\n`);
    }
  }
  if (!report.readable) return 2;
  return report.valid ? 0 : 1;
}

async function ack(file: string, control: string | undefined, time: string | undefined, io: CliIO): Promise<number> {
  let interchangeControl: number | undefined;
  if (control !== undefined) {
    if (!/^\d{1,9}$/.test(control)) throw new CliError('--control must be a number of 1 to 9 digits');
    interchangeControl = Number(control);
  }
  let now: Date | undefined;
  if (time !== undefined) {
    now = new Date(time);
    if (Number.isNaN(now.getTime())) throw new CliError('--time must be an ISO-8601 date and time');
  }
  const report = await readReport(file, io);
  if (!report) return 2;
  const result = generateAck(report, { ...(interchangeControl !== undefined ? { interchangeControl } : {}), ...(now ? { now } : {}) });
  if (!result.ok) {
    io.stderr.write(`rxledger edi ack: ${result.reason}\n`);
    return report.readable ? 1 : 2;
  }
  io.stdout.write(result.text.endsWith('\n') ? result.text : `${result.text}\n`);
  return 0;
}

/** rxledger edi check | ack: the X12 reader of src/shared/edi on a file. */
export const ediCommand: Command = async (argv, io: CliIO) => {
  const { values, positionals } = parse(argv);
  const [sub, file, ...extra] = positionals;
  if (values.help || sub === 'help') {
    io.stdout.write(USAGE);
    return 0;
  }
  if ((sub !== 'check' && sub !== 'ack') || !file || extra.length > 0) throw new CliError(`expected "check FILE" or "ack FILE"\n${USAGE}`);
  return sub === 'check' ? check(file, values.json, io) : ack(file, values.control, values.time, io);
};
