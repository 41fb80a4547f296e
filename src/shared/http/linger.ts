/**
 * What lingering needs of a connection: Node's `net.Socket` fits. Written as a shape so that
 * both the central server and the workstation's loopback APIs use it without src/shared
 * importing `node:net`.
 */
export interface LingeringSocket {
  readonly destroyed: boolean;
  destroySoon?: () => void;
  end(): unknown;
  destroy(): unknown;
  resume(): unknown;
  on(event: 'data', listener: (chunk: Uint8Array) => void): unknown;
  once(event: 'end' | 'close', listener: () => void): unknown;
}

export interface LingerLimits {
  /** Longest time the connection is kept reading after the answer was sent. */
  ms: number;
  /** Most bytes read and thrown away before the connection is closed anyway. */
  bytes: number;
}

export const DEFAULT_LINGER: LingerLimits = { ms: 2_000, bytes: 32 * 1024 * 1024 };

/**
 * Closes a connection whose request body is still arriving without losing the answer sent on it
 * (RFC 9112 §9.6, "lingering close"). Node ends such a connection at once; with unread bytes
 * in the kernel that sends a TCP reset, and a client still writing sees its write fail before it
 * reads the 413, so it reports a broken connection instead of "body too large". Here the server
 * half-closes (the answer and FIN go out) and keeps reading and discarding, within limits, so the
 * client reads the answer first. Call it before the answer is sent: Node's HTTP server calls
 * `destroySoon` once a `Connection: close` answer is finished.
 */
export function lingerOnClose(socket: LingeringSocket, limits: LingerLimits = DEFAULT_LINGER): void {
  socket.destroySoon = () => {
    if (socket.destroyed) return;
    socket.end();
    let read = 0;
    const timer = setTimeout(() => socket.destroy(), limits.ms);
    // A lingering connection must not keep a process alive that is otherwise done.
    (timer as { unref?: () => void }).unref?.();
    socket.on('data', (chunk) => {
      read += chunk.length;
      if (read > limits.bytes) socket.destroy();
    });
    // The client closing its side ends it early: nothing more is coming.
    socket.once('end', () => socket.destroy());
    socket.once('close', () => clearTimeout(timer));
    socket.resume();
  };
}
