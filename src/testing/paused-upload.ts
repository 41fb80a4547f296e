import { connect } from 'node:net';

export interface PausedUploadResult {
  /** The answer's status, or null when the client never read one. */
  status: number | null;
  /** What was read of the answer (status line, headers, body). */
  answer: string;
  /** The error the client's socket reported, if any (EPIPE, ECONNRESET). */
  error: string | null;
  /** Body bytes written, counting those written after the limit was passed. */
  sent: number;
}

/**
 * A client that sends a chunked body past a server's limit without reading, goes on sending
 * after the server has answered, and only then reads: what a busy client does when its writes
 * run ahead of its reads. A server that closes at once makes the late writes fail (EPIPE or a
 * reset) and the client never sees the answer; one that lingers lets it read the 413.
 */
export function pausedChunkedUpload(opts: { port: number; path: string; headers: Record<string, string>; chunkBytes: number; chunksBefore: number; chunksAfter: number; pauseMs?: number }): Promise<PausedUploadResult> {
  const pauseMs = opts.pauseMs ?? 300;
  const chunk = Buffer.alloc(opts.chunkBytes, 0x20);
  const frame = Buffer.concat([Buffer.from(`${chunk.length.toString(16)}\r\n`), chunk, Buffer.from('\r\n')]);
  const head = [`POST ${opts.path} HTTP/1.1`, 'Transfer-Encoding: chunked', ...Object.entries(opts.headers).map(([k, v]) => `${k}: ${v}`), '', ''].join('\r\n');
  return new Promise((resolve) => {
    let answer = '';
    let error: string | null = null;
    let sent = 0;
    let done = false;
    const finish = () => {
      if (done) return;
      done = true;
      const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
      resolve({ status: m ? Number(m[1]) : null, answer, error, sent });
    };
    const s = connect(opts.port, '127.0.0.1', () => {
      s.pause();
      s.write(head);
      for (let i = 0; i < opts.chunksBefore; i++, sent += chunk.length) s.write(frame);
      // The server answers meanwhile; these land after its answer.
      let late = 0;
      const writeLate = () => {
        if (late++ >= opts.chunksAfter || s.destroyed) return;
        sent += chunk.length;
        s.write(frame, () => setTimeout(writeLate, 20));
      };
      setTimeout(writeLate, pauseMs);
      setTimeout(() => {
        s.on('data', (d: Buffer) => (answer += d.toString('latin1')));
        s.resume();
        // Enough to read an answer that is there; then the client gives up.
        setTimeout(() => {
          s.destroy();
          finish();
        }, 500);
      }, pauseMs + 20 * opts.chunksAfter + 200);
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      error = e.code ?? e.message;
      finish();
    });
    s.on('close', finish);
  });
}
