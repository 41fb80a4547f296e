import type { HandlerTable } from './dispatch';
import { coreHandlers } from './handlers';

/** Every channel's handler. A feature adds its table here with one spread. */
export const allHandlers: HandlerTable = {
  ...coreHandlers,
};
