import type BetterSqlite3 from 'better-sqlite3';

export function floorDb(Database: typeof BetterSqlite3, file: string, pages: number, grow: number): { db: BetterSqlite3.Database; commit: () => void };
