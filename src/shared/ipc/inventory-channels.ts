import { z } from 'zod';
import { Schedule } from '../domain/schedule';
import { EntryType } from '../schemas/ledger-entry';

/** Inventory channels (issue 11): a lot's stock card; the initial inventory (1304.11(b)). */

export const StockCardMovement = z.object({
  device_id: z.string(),
  seq: z.number().int(),
  hash: z.string(),
  type: EntryType,
  event_time: z.string(),
  recorded_at: z.string(),
  /** Change to stock in dosage units (0 for counts and holds); null when withheld during the caller's blind count. */
  delta: z.number().int().nullable(),
  /** The entry's quantity in dosage units (a count: what was counted). */
  quantity: z.number().int().nullable(),
  /** Running balance after this entry, in dosage units. */
  balance: z.number().int().nullable(),
  actor: z.string(),
  actor_name: z.string().nullable(),
  /** The document and reason behind it: supplier and order form, POS transaction, count, hold, adjustment reason. */
  document: z.string(),
  /** §11.50 manifestation lines, for signed entries. */
  signatures: z.array(z.string()),
  /** A version 0.1 receipt recorded in containers and read in units through the catalog, or why it cannot be. */
  note: z.string().nullable(),
});
export type StockCardMovement = z.infer<typeof StockCardMovement>;

export const StockCard = z.object({
  facility_id: z.string(),
  ndc: z.string(),
  lot: z.string(),
  name: z.string().nullable(),
  strength: z.string().nullable(),
  dosage_form: z.string().nullable(),
  schedule: Schedule.nullable(),
  unit: z.string().nullable(),
  units_per_container: z.number().int().nullable(),
  expiry: z.string().nullable(),
  on_hand: z.number().int().nullable(),
  hold: z.object({ hold_id: z.string(), placed_at: z.string(), message: z.string() }).nullable(),
  movements: z.array(StockCardMovement),
  /** Why quantities are withheld (the caller counts this NDC blind), or null. */
  hidden: z.string().nullable(),
});
export type StockCard = z.infer<typeof StockCard>;

const Credentials = z.object({ userId: z.string().trim().min(1).max(64), password: z.string().min(1).max(200) }).strict();

export const InitialInventoryLineIn = z
  .object({
    ndc: z.string().trim().min(1).max(20),
    lot: z.string().trim().max(20).nullable(),
    expiry: z.iso.date({ message: 'a date YYYY-MM-DD' }).nullable().optional(),
    counted: z.number({ message: 'a count is a number of units' }).int('a count is whole units').min(0, 'a count cannot be negative').nullable().optional(),
    containers: z
      .object({
        full_containers: z.number().int('whole containers').min(0, 'containers cannot be negative').max(100_000),
        partial_units: z.array(z.number().int('whole units').min(0, 'units cannot be negative').max(1_000_000)).max(1000),
      })
      .strict()
      .nullable()
      .optional(),
  })
  .strict();

export const inventoryChannels = {
  'inventory.stockCard': {
    permission: 'stock.read',
    input: z.object({ ndc: z.string().trim().min(1).max(20), lot: z.string().max(20) }).strict(),
    output: StockCard,
  },
  'inventory.initial': {
    permission: 'ledger.append',
    input: z
      .object({
        lines: z.array(InitialInventoryLineIn).min(1).max(500),
        taken: z.enum(['opening', 'close']),
        signer: Credentials,
        cosigner: Credentials.nullable().optional(),
        note: z.string().trim().max(500).nullable().optional(),
      })
      .strict(),
    output: z.object({
      inventory_date: z.string(),
      taken: z.enum(['opening', 'close']),
      entries: z.array(z.object({ device_id: z.string(), seq: z.number().int(), hash: z.string(), ndc: z.string(), lot: z.string().nullable(), quantity: z.number().int(), unit: z.string().nullable() })),
    }),
  },
} as const;
