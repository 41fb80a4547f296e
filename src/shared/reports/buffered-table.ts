import type { CsvCell } from './csv';
import type { ReportSink, RowKind } from './types';

/** Holds table rows until the notices above them are known. */
export class BufferedTable implements ReportSink {
  private readonly ops: ((s: ReportSink) => void)[] = [];
  begin(): void {}
  end(): void {}
  notice(text: string): void {
    this.ops.push((s) => s.notice(text));
  }
  section(title: string): void {
    this.ops.push((s) => s.section(title));
  }
  group(title: string): void {
    this.ops.push((s) => s.group(title));
  }
  row(cells: CsvCell[], kind?: RowKind): void {
    this.ops.push((s) => s.row(cells, kind));
  }
  signature(text: string): void {
    this.ops.push((s) => s.signature(text));
  }
  isEmpty(): boolean {
    return this.ops.length === 0;
  }
  replay(into: ReportSink): void {
    for (const op of this.ops) op(into);
  }
}
