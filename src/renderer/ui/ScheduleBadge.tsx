import type { Schedule } from '../../shared/domain/schedule';

export function ScheduleBadge({ schedule }: { schedule: Schedule | null }) {
  if (!schedule) {
    return (
      <span className="badge-none" title="Not a controlled substance">
        <span aria-hidden="true">—</span>
        <span className="sr-only">Not controlled</span>
      </span>
    );
  }
  return (
    <span className={`badge badge-${schedule.toLowerCase()}`} title={`DEA schedule ${schedule}`}>
      {schedule}
    </span>
  );
}
