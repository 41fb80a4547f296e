/** One step of the schema: runs once, inside a transaction, and sets SQLite's user_version to `version`. */
export interface Migration {
  version: number;
  name: string;
  sql: string;
}

/** Triggers that refuse every UPDATE and DELETE of a table, saying why. */
export const appendOnly = (table: string, what: string) => `
CREATE TRIGGER ${table}_no_update BEFORE UPDATE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table} is append-only: ${what}'); END;
CREATE TRIGGER ${table}_no_delete BEFORE DELETE ON ${table}
BEGIN SELECT RAISE(ABORT, '${table} is append-only: ${what}'); END;
`;
