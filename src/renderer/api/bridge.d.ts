import type { Reply } from '../../shared/ipc/contract';

/**
 * What the Electron preload exposes through contextBridge, and nothing more. Absent in browser
 * mode, which is how the client tells the two transports apart.
 */
export interface RxLedgerBridge {
  invoke(channel: string, input: unknown): Promise<Reply>;
}

declare global {
  interface Window {
    rxledger?: RxLedgerBridge;
  }
}

export {};
