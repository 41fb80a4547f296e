import type { Migration } from './migration';
import { migration as ledgerStockUsers } from './0001-ledger-stock-users';
import { migration as drugCatalog } from './0002-drug-catalog';
import { migration as syncState } from './0003-sync-state';
import { migration as receiving } from './0004-receiving';
import { migration as posPhi } from './0005-pos-phi';
import { migration as countsHoldsSignatures } from './0006-counts-holds-signatures';
import { migration as syncUsers } from './0007-sync-users';
import { migration as units } from './0008-units';
import { migration as deviceServerSignature } from './0009-device-server-signature';
import { migration as suspectInvestigations } from './0010-suspect-investigations';

export type { Migration };

/**
 * Versioned schema, one migration per file (NNNN-what.ts). Each runs once, in order of its
 * version, inside a transaction; the version is SQLite's user_version (docs/notes.md: a database
 * at version N never runs one numbered below N). Never edit a migration that has shipped: add a
 * new file numbered above the highest, and list it here.
 */
export const MIGRATIONS: Migration[] = [ledgerStockUsers, drugCatalog, syncState, receiving, posPhi, countsHoldsSignatures, syncUsers, units, deviceServerSignature, suspectInvestigations];

export const LATEST_VERSION = MIGRATIONS.reduce((v, m) => Math.max(v, m.version), 0);
