import type { HandlerTable } from './dispatch';
import { coreHandlers } from './handlers';
import { receivingHandlers } from './receiving-handlers';
import { ingestHandlers } from './ingest-handlers';
import { countsHandlers } from './counts-handlers';
import { holdsHandlers } from '../holds/handlers';
import { reportsHandlers } from './reports-handlers';
import { settingsHandlers } from './settings-handlers';
import { usersHandlers } from './users-handlers';
import { inventoryHandlers } from './inventory-handlers';
import { quarantineHandlers } from './quarantine-handlers';
import { catalogHandlers } from './catalog-handlers';
import { enrollmentHandlers } from './enrollment-handlers';

/** Every channel's handler. A feature adds its table here with one spread. */
export const allHandlers: HandlerTable = {
  ...coreHandlers,
  ...receivingHandlers,
  ...ingestHandlers,
  ...countsHandlers,
  ...holdsHandlers,
  ...settingsHandlers,
  ...usersHandlers,
  ...reportsHandlers,
  ...inventoryHandlers,
  ...quarantineHandlers,
  ...catalogHandlers,
  ...enrollmentHandlers,
};
