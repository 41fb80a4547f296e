import { closeSync, openSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';

/**
 * Writes large X12 files for the size tests (src/main/ingest/x12-large.test.ts), chunk by
 * chunk so the test process never holds one whole:
 * - 'many-sets': 852 product-activity sets of on-hand report lines (not stock movements) in
 *   one interchange and group, valid envelopes and counts;
 * - 'one-set': a single 852 whose LIN/ZA lines go on until the size is reached;
 * - 'garbage': random bytes.
 * Returns the number of transaction sets written.
 */
export function writeBigX12(file: string, kind: 'many-sets' | 'one-set' | 'garbage', bytes: number): number {
  const fd = openSync(file, 'w');
  let written = 0;
  let buf: string[] = [];
  let pending = 0;
  const put = (s: string) => {
    buf.push(s);
    pending += s.length;
    written += s.length;
    if (pending > 4 << 20) flush();
  };
  const flush = () => {
    writeSync(fd, buf.join(''));
    buf = [];
    pending = 0;
  };
  try {
    if (kind === 'garbage') {
      for (; written < bytes; written += 1 << 20) writeSync(fd, randomBytes(Math.min(1 << 20, bytes - written)));
      return 0;
    }
    put('ISA*00*          *00*          *ZZ*WHOLESALER     *ZZ*PHARMACY01     *240607*1200*U*00401*000000101*0*P*>~\n');
    put('GS*PD*WHOLESALER*PHARMACY01*20240607*1200*101*X*004010~\n');
    let sets = 0;
    const trailer = 'GE*0000000*101~\nIEA*1*000000101~\n'.length;
    while (written + trailer + (kind === 'one-set' ? 0 : 1024) < bytes) {
      sets++;
      const control = String(sets).padStart(9, '0');
      put(`ST*852*${control}~\nXQ*H*20240601*20240607*RPT${control}~\n`);
      let segs = 2;
      let lines = 0;
      const perSet = kind === 'one-set' ? Number.MAX_SAFE_INTEGER : 20;
      while (lines < perSet && written + trailer + 64 < bytes) {
        lines++;
        put(`LIN*${lines}*N4*59011-0440-10~\nZA*OH*${lines % 97}*EA~\n`);
        segs += 2;
      }
      put(`CTT*${lines}~\nSE*${segs + 2}*${control}~\n`);
      if (kind === 'one-set') break;
    }
    put(`GE*${sets}*101~\nIEA*1*000000101~\n`);
    flush();
    return sets;
  } finally {
    closeSync(fd);
  }
}
