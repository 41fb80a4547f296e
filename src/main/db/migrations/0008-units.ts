import type { Migration } from './migration';

export const migration: Migration = {
  version: 8,
  name: 'units: package sizes entered by a person; legacy container-basis receipts indexed',
  sql: `
-- The units one package of an NDC holds, entered by a person where the catalog's package
-- description gives none. The catalog wins where it states a size (src/main/catalog/package-units.ts).
CREATE TABLE package_sizes (
  ndc11 TEXT PRIMARY KEY,
  units_per_container INTEGER NOT NULL CHECK (units_per_container >= 1),
  unit TEXT NOT NULL,
  container TEXT,
  entered_by TEXT NOT NULL,
  entered_at TEXT NOT NULL,
  note TEXT
);

-- Receipts committed by version 0.1 with quantity_basis "containers" recorded containers, not
-- units. Their bytes never change; readers convert them through the catalog
-- (src/main/ledger/legacy-basis.ts). This partial index finds the few of them at once.
CREATE INDEX ledger_entries_container_basis ON ledger_entries (ndc, event_time)
  WHERE json_extract(body, '$.data.quantity_basis') = 'containers';

-- A receiving line's dosage unit, and where its units per container came from: the catalog,
-- or a person ("entered by USER") where the catalog gives no package size.
ALTER TABLE receiving_lines ADD COLUMN unit TEXT;
ALTER TABLE receiving_lines ADD COLUMN units_source TEXT;
`,
};
