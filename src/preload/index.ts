import { contextBridge, ipcRenderer } from 'electron';

/**
 * The whole of what the page gets: one function that forwards a contract call to the main
 * process, which validates it. No ipcRenderer, no process, no Node.
 */
const bridge = Object.freeze({
  invoke: (channel: string, input: unknown): Promise<unknown> => ipcRenderer.invoke('rxledger:invoke', String(channel), input),
});

contextBridge.exposeInMainWorld('rxledger', bridge);
