/**
 * `npm run report -- <folder|file|zip>... [--out <dir>] [--title <text>] [--format md|br] [--slo-ttft-ms <ms> --slo-tpot-ms <ms>]`
 * Reads results folders of the matrix runner and raw harness output, writes report.md and SVG charts, or
 * (--format br) one llm-d Benchmark Report v0.2.1 JSON per load point.
 * Exit 2 on unreadable or unknown input (the message names the file and line), 1 on anything else.
 */
import { resolve } from "node:path";
import { statSync } from "node:fs";
import { ParseError } from "../benchmarks/parsers/record";
import { InputError } from "../benchmarks/results/inputFiles";
import { readResults } from "../benchmarks/results/readResults";
import { buildReport } from "../benchmarks/report/buildReport";
import { writeBenchmarkReports, writeReport } from "../benchmarks/report/writeReport";
import { benchmarkReports } from "../benchmarks/report/benchmarkReport";

const USAGE = `usage: npm run report -- <folder|file|zip>... [--out <dir>] [--title <text>] [--format md|br] [--slo-ttft-ms <ms> --slo-tpot-ms <ms>]

Inputs: the matrix runner's results (results/, results/<stack>/<run id>/), or raw harness output:
multi-round-qa CSVs named <experiment>_output_<qps>.csv, vllm bench --save-result JSON, logs or
write-ups with benchmark_serving's "Serving Benchmark Result" block, k6 summaries (text or --summary-export).
Writes report.md and SVG charts into --out (default: the input folder when there is one, else ./report).

  --out <dir>     where report.md and the charts go
  --title <text>  the report's title
  --format br     instead of report.md: one llm-d Benchmark Report v0.2.1 JSON per load point (and repeat)
  --slo-ttft-ms <ms> --slo-tpot-ms <ms>
                  count goodput (requests/s meeting both) for output whose run did not set benchmark.slo,
                  e.g. published multi-round-qa CSVs; a run folder's own benchmark.slo wins
  -h, --help      show this help`;

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  if (i < 0) return undefined;
  const value = argv[i + 1];
  if (value === undefined || value.startsWith("--")) throw new InputError(`${name} needs a value`);
  return value;
}

function sloOption(argv: string[]): { ttftMs: number; tpotMs: number } | undefined {
  const ttft = option(argv, "--slo-ttft-ms");
  const tpot = option(argv, "--slo-tpot-ms");
  if (ttft === undefined && tpot === undefined) return undefined;
  if (ttft === undefined || tpot === undefined) throw new InputError("--slo-ttft-ms and --slo-tpot-ms go together: goodput counts the requests that met both");
  const ttftMs = Number(ttft);
  const tpotMs = Number(tpot);
  if (!(ttftMs > 0) || !(tpotMs > 0)) throw new InputError(`--slo-ttft-ms and --slo-tpot-ms must be positive milliseconds, got ${ttft} and ${tpot}`);
  return { ttftMs, tpotMs };
}

function main(argv: string[]): number {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  // npm runs scripts from the package root; paths on the command line are relative to where the user was.
  const cwd = process.env.INIT_CWD ?? process.cwd();
  const out = option(argv, "--out");
  const title = option(argv, "--title");
  const format = option(argv, "--format") ?? "md";
  if (format !== "md" && format !== "br") throw new InputError(`--format must be md or br, not ${format}`);
  const slo = sloOption(argv);
  const valued = new Set(["--out", "--title", "--format", "--slo-ttft-ms", "--slo-tpot-ms"]);
  const inputs = argv.filter((a, i) => !a.startsWith("-") && !valued.has(argv[i - 1]));
  const unknown = argv.filter((a, i) => a.startsWith("-") && !valued.has(a) && !valued.has(argv[i - 1]));
  if (unknown.length > 0) throw new InputError(`unknown option ${unknown[0]}\n${USAGE}`);
  if (inputs.length === 0) throw new InputError(USAGE);
  const paths = inputs.map((i) => resolve(cwd, i));

  const result = readResults(paths, slo ? { slo } : {});
  if (result.records.length === 0) {
    const skipped = result.skipped.map((s) => `\n  ${s.path}: ${s.reason}`).join("");
    throw new InputError(`no benchmark results found in ${inputs.join(", ")}${skipped}`);
  }
  const single = paths.length === 1 && statSync(paths[0]).isDirectory() ? paths[0] : undefined;
  const outDir = out !== undefined ? resolve(cwd, out) : (single ?? resolve(cwd, "report"));
  const written = format === "br" ? writeBenchmarkReports(outDir, benchmarkReports(result)) : writeReport(outDir, buildReport(result, { title, inputs }), result.records);

  const experiments = new Set(result.records.map((r) => r.experiment)).size;
  console.log(`read ${result.records.length} load points of ${experiments} experiments` + (result.skipped.length > 0 ? `; skipped ${result.skipped.length} files (listed in the report)` : ""));
  for (const note of result.notes) console.error(`note: ${note}`);
  console.log(`wrote ${written.join("\n      ")}`);
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  if (err instanceof ParseError || err instanceof InputError) {
    console.error(`servelab report: ${err.message}`);
    process.exitCode = 2;
  } else {
    console.error(`servelab report failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
