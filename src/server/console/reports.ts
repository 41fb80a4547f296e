import type { FastifyInstance } from 'fastify';
import type { Store } from '../db/pg-adapter';
import { HttpError } from '../errors';
import { centralReport } from '../reports/central-report';
import { parseReportQuery, sendReport } from '../routes/reports';
import { anchorText } from '../../shared/reports/types';
import { audit } from './audit';
import { consoleUser } from './routes';

/**
 * `GET /console/api/reports/:facility/:kind`: a facility's DEA record, as the administrator
 * endpoint computes it, for a signed-in console user (the session hook of routes.ts guards every
 * /console/api/ path). The report names that user as who generated it — a proven person, not the
 * administrator token — and every export and every refusal is in server_audit with the file's
 * sha256 and the ledger heads it was computed from. Every console role may export: the records
 * are what the central office reads, and exporting changes nothing.
 */
export function consoleReportRoutes(app: FastifyInstance, store: Store, now: () => Date): void {
  app.get('/console/api/reports/:facility/:kind', async (req, reply) => {
    const u = consoleUser(req);
    const { facility, kind } = req.params as { facility: string; kind: string };
    const action = 'export report';
    try {
      const ask = parseReportQuery(kind, req.query);
      const r = await centralReport(store, facility, ask.req, {
        now: now(),
        timeZone: ask.timeZone,
        generatedBy: { user_id: u.user_id, name: u.display_name },
        ...(ask.device ? { device: ask.device } : {}),
      });
      const p = r.period;
      await audit(store, u.user_id, action, 'done', {
        facility_id: facility,
        kind,
        format: ask.req.format,
        from: p.fromDate,
        to: p.toDate,
        ...(ask.req.schedules ? { schedules: ask.req.schedules } : {}),
        ...(ask.req.taken ? { taken: ask.req.taken } : {}),
        time_zone: ask.timeZone,
        file: r.fileName,
        sha256: r.sha256,
        lines: r.lines,
        ledger_heads: r.heads.map(anchorText),
      });
      return sendReport(reply, r);
    } catch (err) {
      if (err instanceof HttpError) await audit(store, u.user_id, action, 'refused', { code: err.code, facility_id: facility, kind, message: err.message });
      throw err;
    }
  });
}
