export { startSyncWorker, syncOnce, type SyncWorker, type SyncWorkerOptions, type SyncOnceOptions, type SyncOnceResult } from './outbox-worker';
export { syncStatus } from './status';
export { enrollWorkstation, type EnrollResult } from './enroll';
export { SyncError, type SyncErrorKind } from './errors';
