/**
 * Every action the audit trail records (21 CFR Part 11 §11.10(e)), one naming style, each with
 * the category the audit report files it under. The trail takes only these; names written by
 * earlier versions are read through LEGACY_ACTIONS.
 */
export const AUDIT_CATEGORIES = ['sign-in', 'users', 'signature', 'export', 'quarantine', 'ingestion', 'catalog', 'counts', 'receiving', 'ledger', 'settings', 'sync', 'phi'] as const;
export type AuditCategory = (typeof AUDIT_CATEGORIES)[number];

export const AUDIT_ACTIONS = {
  SIGN_IN: 'sign-in',
  SIGN_IN_FAILED: 'sign-in',
  SIGN_IN_REFUSED_LOCKED: 'sign-in',
  SIGN_OUT: 'sign-in',
  LOGOFF_IDLE: 'sign-in',
  LOCKOUT: 'sign-in',
  PASSWORD_CHANGED: 'sign-in',
  PASSWORD_RESET: 'users',
  USER_CREATED: 'users',
  USER_DISABLED: 'users',
  USER_ENABLED: 'users',
  SIGNATURE_APPLIED: 'signature',
  SIGNATURE_AUTH_FAILED: 'signature',
  SIGNATURE_REFUSED: 'signature',
  REPORT_EXPORTED: 'export',
  QUARANTINE_REPLAYED: 'quarantine',
  QUARANTINE_REJECTED: 'quarantine',
  SUSPECT_FINDING_RECORDED: 'quarantine',
  SUSPECT_CLEARED: 'quarantine',
  SUSPECT_MARKED_ILLEGITIMATE: 'quarantine',
  EDI_REPORT_LINES_KEPT: 'ingestion',
  INGEST_SETTING_CHANGED: 'settings',
  CATALOG_IMPORTED: 'catalog',
  CATALOG_IMPORT_REFUSED: 'catalog',
  PACKAGE_SIZE_ENTERED: 'catalog',
  COUNT_STARTED: 'counts',
  COUNT_SUBMITTED: 'counts',
  COUNT_CANCELLED: 'counts',
  HOLD_PLACED: 'counts',
  HOLD_RELEASED: 'counts',
  INITIAL_INVENTORY_RECORDED: 'counts',
  TOLERANCE_POLICY_CHANGED: 'settings',
  RECEIVING_STARTED: 'receiving',
  RECEIVING_HEADER_CHANGED: 'receiving',
  RECEIVING_POLICY_CHANGED: 'receiving',
  RECEIVING_COMMITTED: 'receiving',
  RECEIVING_SET_ASIDE_ACCEPTED: 'receiving',
  RECEIVING_HAND_KEYED: 'receiving',
  RECEIVING_SCAN_REMOVED: 'receiving',
  RECEIVING_SET_ASIDE_REFUSED: 'receiving',
  RECEIVING_CANCELLED: 'receiving',
  LEDGER_VERIFIED: 'ledger',
  STOCK_REBUILT: 'ledger',
  STOCK_REPROJECTED: 'ledger',
  FACILITY_REGISTRANT_SET: 'settings',
  SETTING_CHANGED: 'settings',
  ALERT_THRESHOLDS_CHANGED: 'settings',
  POS_TOKEN_VIEWED: 'settings',
  POS_TOKEN_ROTATED: 'settings',
  SYNC_ENROLLED: 'sync',
  SYNC_SERVER_KEY_PINNED: 'sync',
  SYNC_REFUSED: 'sync',
  SYNC_AUTH_REFUSED: 'sync',
  SYNC_REFERENCE_NOT_APPLIED: 'sync',
  SYNC_SIGNER_UNLISTED: 'sync',
  PHI_READ: 'phi',
} as const satisfies Record<string, AuditCategory>;

export type AuditAction = keyof typeof AUDIT_ACTIONS;

/** Names version 0.1 wrote, as they are read now (rows are never rewritten). */
export const LEGACY_ACTIONS: Readonly<Record<string, AuditAction>> = {
  'phi.read': 'PHI_READ',
  'ingest.setting': 'INGEST_SETTING_CHANGED',
  'ingest.edi.report': 'EDI_REPORT_LINES_KEPT',
  'quarantine.replay': 'QUARANTINE_REPLAYED',
  'quarantine.reject': 'QUARANTINE_REJECTED',
  'catalog.import': 'CATALOG_IMPORTED',
  'catalog.import.refused': 'CATALOG_IMPORT_REFUSED',
  'alerts.thresholds': 'ALERT_THRESHOLDS_CHANGED',
  'pos.token_rotated': 'POS_TOKEN_ROTATED',
};

/** The action a stored row names, in today's set; null when it is none of them. */
export function auditActionOf(stored: string): AuditAction | null {
  if (Object.hasOwn(AUDIT_ACTIONS, stored)) return stored as AuditAction;
  return LEGACY_ACTIONS[stored] ?? null;
}

/** The audit report's category of a stored action ("other" only for a name no version wrote). */
export function auditCategoryOf(stored: string): AuditCategory | 'other' {
  const a = auditActionOf(stored);
  return a ? AUDIT_ACTIONS[a] : 'other';
}
