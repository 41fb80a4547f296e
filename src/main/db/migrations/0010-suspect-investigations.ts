import { appendOnly, type Migration } from './migration';

export const migration: Migration = {
  version: 10,
  name: 'DSCSA suspect-product investigations: signed steps and one outcome per quarantine item',
  sql: `
-- Each row is one signed step of the investigation of a suspect product held in quarantine
-- (21 USC 360eee-1(d)): a finding, or the outcome. Rows are never changed, so the record shows
-- what was known when; the state is the last step. The signature is the pharmacist's own
-- Ed25519 key over the step's canonical text (Part 11 §11.70), as for ledger signatures.
CREATE TABLE suspect_investigation_steps (
  id INTEGER PRIMARY KEY,
  quarantine_id INTEGER NOT NULL REFERENCES quarantine (id),
  step TEXT NOT NULL CHECK (step IN ('finding', 'cleared', 'illegitimate')),
  note TEXT NOT NULL,
  signed_by TEXT NOT NULL,
  printed_name TEXT NOT NULL,
  signed_at TEXT NOT NULL,
  time_zone TEXT NOT NULL,
  -- Dates (YYYY-MM-DD) of the FDA Form 3911 notification and of the notice to the trading
  -- partners; both are the law's 24-hour duties once a product is found illegitimate.
  fda_3911_date TEXT,
  partner_notice_date TEXT,
  public_key TEXT NOT NULL,
  signature TEXT NOT NULL,
  CHECK (step <> 'illegitimate' OR (fda_3911_date IS NOT NULL AND partner_notice_date IS NOT NULL))
);
CREATE INDEX suspect_steps_by_item ON suspect_investigation_steps (quarantine_id, id);
-- An item is cleared or found illegitimate once: a second outcome is refused by the database
-- too, whatever process writes it.
CREATE UNIQUE INDEX suspect_one_outcome ON suspect_investigation_steps (quarantine_id) WHERE step IN ('cleared', 'illegitimate');
${appendOnly('suspect_investigation_steps', 'an investigation step is signed and final')}
`,
};
