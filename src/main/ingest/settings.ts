import type { Workstation } from '../workstation';

/**
 * The ingestion gate's settings (table `settings`). The absence of a setting is the strict
 * default: nothing needs to be configured for a real workstation to refuse unknown handlers
 * and NDCs the catalog does not list. The two relaxing values exist for tests, demos and a
 * migration period; they are NOT for production, and every change is written to the audit
 * trail (`ingest.setting`), with the value before and after.
 */
export const INGEST_SETTINGS = {
  /** `registered` (default): an active user or an id of ingest.handler_ids. `open`: any id (not for production). */
  'ingest.handler_policy': { values: ['registered', 'open'], strict: 'registered' },
  /** `true` (default): an NDC must be in the catalog, and an empty catalog refuses all. `false`: the check is skipped while no catalog is loaded (not for production). */
  'ingest.require_catalog': { values: ['true', 'false'], strict: 'true' },
  /** Handler ids of other systems (ERP, wholesaler), JSON array or comma list. */
  'ingest.handler_ids': { values: null, strict: '' },
  /** EDI senders (ISA06, or GS02 where the ISA names none) whose files are taken, JSON array or comma list; `bare` for ST..SE files without an envelope. */
  'ingest.edi_senders': { values: null, strict: '' },
  /** Facilities besides the workstation's own, JSON array or comma list. */
  'ingest.facilities': { values: null, strict: '' },
} as const;
export type IngestSettingKey = keyof typeof INGEST_SETTINGS;

type SettingReader = (key: string) => string | null;

/** `open` only when set so; anything else (absent, misspelt) is the strict `registered`. */
export function handlerPolicy(setting: SettingReader): 'registered' | 'open' {
  return setting('ingest.handler_policy')?.trim().toLowerCase() === 'open' ? 'open' : 'registered';
}

/** False only when set to `false`; absent or anything else requires the catalog. */
export function requireCatalog(setting: SettingReader): boolean {
  return setting('ingest.require_catalog')?.trim().toLowerCase() !== 'false';
}

/** Whether a value relaxes the strict defaults (the audit row says so). */
export function isRelaxing(key: IngestSettingKey, value: string | null): boolean {
  if (key === 'ingest.handler_policy') return value?.trim().toLowerCase() === 'open';
  if (key === 'ingest.require_catalog') return value?.trim().toLowerCase() === 'false';
  return false;
}

export class IngestSettingError extends Error {}

/**
 * Changes one ingestion setting and writes the audit row in the same transaction. `null`
 * removes it (back to the strict default). Refuses unknown keys and values.
 */
export function setIngestSetting(
  ws: Pick<Workstation, 'db' | 'audit' | 'setting'>,
  key: string,
  value: string | null,
  actor: string,
): { key: IngestSettingKey; from: string | null; to: string | null; relaxed: boolean } {
  if (!(key in INGEST_SETTINGS)) throw new IngestSettingError(`${key} is not an ingestion setting (${Object.keys(INGEST_SETTINGS).join(', ')})`);
  const k = key as IngestSettingKey;
  const def = INGEST_SETTINGS[k];
  const to = value === null ? null : value.trim();
  if (to !== null && def.values && !(def.values as readonly string[]).includes(to.toLowerCase())) {
    throw new IngestSettingError(`${key} takes ${def.values.join(' or ')}, not "${value}"`);
  }
  return ws.db
    .transaction(() => {
      const from = ws.setting(k);
      if (to === null) ws.db.prepare('DELETE FROM settings WHERE key = ?').run(k);
      else ws.db.prepare('INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value').run(k, to);
      const relaxed = isRelaxing(k, to);
      ws.audit.record({
        actor,
        action: 'INGEST_SETTING_CHANGED',
        target: k,
        details: {
          from,
          to,
          strict_default: def.strict,
          relaxed,
          ...(relaxed ? { warning: 'relaxes the ingestion gate: not for production' } : {}),
        },
      });
      return { key: k, from, to, relaxed };
    })
    .immediate();
}
