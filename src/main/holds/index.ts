/**
 * Compliance holds and what resolves them, one feature: the holds themselves (holds.ts), the
 * signed adjustments (adjustments.ts) and the pharmacists' Part 11 signatures
 * (signatures/), with their IPC handlers (handlers.ts; channels in
 * src/shared/ipc/holds-channels.ts).
 */
export * from './holds';
