/** The files of a workstation's data folder (docs/ledger.md "Where it is"). */
export const DB_FILE = 'rxledger.db';
export const CONFIG_FILE = 'workstation.json';
