/**
 * The matrix's progress: one line per row with its phase, the time spent in that phase and in the row,
 * and the latest line of Pulumi's output. Redrawn in place on a terminal; on anything else (CI logs,
 * a file) one line per phase change.
 */
import { Row } from "./runner";

export function formatElapsed(ms: number): string {
  const s = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = String(s % 60).padStart(2, "0");
  return h > 0 ? `${h}:${String(m).padStart(2, "0")}:${sec}` : `${m}:${sec}`;
}

const ACTIVE = new Set(["planning", "up", "ready", "collecting", "destroying"]);

function elapsed(row: Row, now: number): string {
  if (row.startedAt === null) return "";
  if (ACTIVE.has(row.phase)) return `${formatElapsed(now - row.phaseSince)} (${formatElapsed(now - row.startedAt)} in all)`;
  return row.finishedAt !== null ? `took ${formatElapsed(row.finishedAt - row.startedAt)}` : "";
}

export function renderProgress(rows: readonly Row[], now: number, width = 120): string[] {
  const experiments = rows.filter((r) => r.role === "experiment");
  const nameWidth = Math.max(...rows.map((r) => r.stack.length), 8);
  return rows.map((r) => {
    const position = r.role === "cluster" ? "cluster" : `${experiments.indexOf(r) + 1}/${experiments.length}`;
    const about = r.leftUp ? `LEFT UP: ${r.leftUp}` : r.error && !ACTIVE.has(r.phase) ? r.error : r.detail;
    const line = `  ${position.padEnd(7)} ${r.stack.padEnd(nameWidth)}  ${r.phase.padEnd(11)} ${elapsed(r, now).padEnd(24)} ${about}`;
    return line.length > width ? `${line.slice(0, width - 1)}…` : line.trimEnd();
  });
}

export interface ProgressStream {
  write(text: string): unknown;
  isTTY?: boolean;
  columns?: number;
}

export class ProgressDisplay {
  private drawn = 0;
  private rows: readonly Row[] = [];
  private timer: NodeJS.Timeout | undefined;
  private readonly phases = new Map<Row, string>();

  constructor(
    private readonly out: ProgressStream,
    private readonly now: () => number = Date.now,
  ) {}

  start(): void {
    if (this.out.isTTY) this.timer = setInterval(() => this.redraw(), 1000);
  }

  update(rows: readonly Row[]): void {
    this.rows = rows;
    if (this.out.isTTY) return this.redraw();
    for (const r of rows) {
      if (this.phases.get(r) === r.phase) continue;
      this.phases.set(r, r.phase);
      const time = new Date(this.now()).toISOString().slice(11, 19);
      const about = r.error && !ACTIVE.has(r.phase) ? `: ${r.error}` : r.detail ? `: ${r.detail}` : "";
      this.out.write(`[${time}] ${r.stack} ${r.phase}${about}\n`);
    }
  }

  private redraw(): void {
    const lines = renderProgress(this.rows, this.now(), (this.out.columns ?? 120) - 1);
    const up = this.drawn > 0 ? `\x1b[${this.drawn}F` : "";
    this.out.write(`${up}${lines.map((l) => `\x1b[2K${l}`).join("\n")}\n`);
    this.drawn = lines.length;
  }

  stop(): void {
    clearInterval(this.timer);
    if (this.out.isTTY) this.redraw();
  }
}
