/** Writes report.md and its SVG charts into one folder. */
import { mkdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { Report } from "./buildReport";

export const REPORT_FILE = "report.md";

/** Returns the paths written, report.md first. */
export function writeReport(dir: string, report: Report): string[] {
  mkdirSync(dir, { recursive: true });
  const paths = [join(dir, REPORT_FILE), ...report.charts.map((c) => join(dir, c.name))];
  writeFileSync(paths[0], report.markdown);
  report.charts.forEach((c, i) => writeFileSync(paths[i + 1], c.content));
  return paths;
}
