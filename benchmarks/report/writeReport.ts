/** Writes report.md, its SVG charts, and report.json (the normalized records, for scripts) into one folder. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { PointRecord } from "../parsers/record";
import { REPORT_JSON_KEY } from "../results/readResults";
import { Report } from "./buildReport";
import { ExportedReport } from "./benchmarkReport";

export const REPORT_FILE = "report.md";
export const REPORT_DATA_FILE = "report.json";

/** Returns the paths written, report.md first. */
export function writeReport(dir: string, report: Report, records: readonly PointRecord[]): string[] {
  mkdirSync(dir, { recursive: true });
  const paths = [join(dir, REPORT_FILE), ...report.charts.map((c) => join(dir, c.name)), join(dir, REPORT_DATA_FILE)];
  writeFileSync(paths[0], report.markdown);
  report.charts.forEach((c, i) => writeFileSync(paths[i + 1], c.content));
  writeFileSync(paths[paths.length - 1], `${JSON.stringify({ [REPORT_JSON_KEY]: 1, records }, null, 2)}\n`);
  return paths;
}

/** Writes one Benchmark Report JSON per load point; returns the paths. */
export function writeBenchmarkReports(dir: string, reports: readonly ExportedReport[]): string[] {
  mkdirSync(dir, { recursive: true });
  return reports.map((r) => {
    const path = join(dir, r.name);
    writeFileSync(path, `${JSON.stringify(r.report, null, 2)}\n`);
    return path;
  });
}
