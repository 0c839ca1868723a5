/** The report over all rows of a matrix: the newest complete run of each stack, written to the results folder. */
import { existsSync } from "node:fs";
import { join } from "node:path";
import { readResults } from "../results/readResults";
import { buildReport } from "../report/buildReport";
import { writeReport } from "../report/writeReport";

/** Returns the files written, or null when no row has results yet. */
export function writeMatrixReport(resultsRoot: string, stacks: readonly string[]): { paths: string[]; notes: string[] } | null {
  const dirs = stacks.map((s) => join(resultsRoot, s)).filter((d) => existsSync(d));
  if (dirs.length === 0) return null;
  const result = readResults(dirs);
  if (result.records.length === 0) return null;
  const paths = writeReport(resultsRoot, buildReport(result, { title: "Experiment matrix", inputs: stacks.map((s) => `${s}/`) }), result.records);
  return { paths, notes: result.notes };
}
