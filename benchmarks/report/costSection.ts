/** The report's Cost section: one row per run folder, the price sources, and a shared cluster's unattributed time. */
import { PointRecord } from "../parsers/record";
import { ExperimentRun } from "../results/readResults";
import { costRows, sharedClusterTimes } from "./cost";
import { MISSING, fixed, table } from "./markdown";

const money = (usd: number | null) => (usd === null ? MISSING : `$${usd.toFixed(2)}`);

export function costSection(runs: readonly ExperimentRun[], records: readonly PointRecord[]): string | null {
  if (runs.length === 0) return null;
  const rows = costRows(runs, records);
  const parts = [
    "## Cost",
    "Wall time is the run's own, from the start of `pulumi up` to the end of `pulumi destroy` (run.json); the price is the stack's " +
      "$/hour recorded with the run (list prices from servelab's catalog). On a shared cluster each row is charged the cluster's " +
      "$/hour for its own wall time; the cluster's time outside the rows is listed below and charged to no row. Output tokens are " +
      "every point's output tokens/s × its duration, over all repeats.",
    table(
      ["experiment", "run", "wall time (h)", "$/hour", "$ per run", "GPU-hours", "output tokens", "$ per M output tokens"],
      rows.map((r) => [
        r.experiment,
        r.runId ?? MISSING,
        fixed(r.wallHours, 3),
        r.usdPerHour === null ? MISSING : `${r.usdPerHour.toFixed(2)}${r.sharedCluster ? ` (${r.sharedCluster})` : ""}`,
        money(r.usd),
        r.gpuHours === null ? MISSING : `${r.gpuHours.toFixed(2)}${r.gpuType ? ` ${r.gpuType}` : ""}`,
        r.outputTokens === null ? MISSING : r.outputTokens.toLocaleString("en-US"),
        r.usdPerMillionOutputTokens === null ? MISSING : `$${r.usdPerMillionOutputTokens.toFixed(2)}`,
      ]),
      ["l", "l"],
    ),
  ];
  const sources = [...new Set(rows.map((r) => r.priceSource))];
  parts.push(`Prices: ${sources.join("; ")}.`);
  const notes = rows.flatMap((r) => r.notes.map((n) => `${r.experiment}: ${n}`));
  if (notes.length > 0) parts.push(notes.map((n) => `- ${n}`).join("\n"));
  for (const c of sharedClusterTimes(runs)) {
    const idle = (c.beforeFirstRowHours ?? 0) + c.betweenRowsHours;
    const usd = c.usdPerHour !== null ? ` ($${(idle * c.usdPerHour).toFixed(2)} at $${c.usdPerHour.toFixed(2)}/hour)` : "";
    parts.push(
      `Shared cluster ${c.stack} (rows ${c.rows.join(", ")}): not charged to any row: ${fixed(c.beforeFirstRowHours, 3)} h from its up to the first row, ` +
        `${c.betweenRowsHours.toFixed(3)} h between rows${usd}; its destroy after the last row is in results/.cluster/, not here.`,
    );
  }
  return parts.join("\n\n");
}
