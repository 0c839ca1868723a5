/** `npm run report` as a user runs it: files written where it says, exit 2 with file:line on bad input. */
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { SAMPLE_ZIP, unzipSample } from "./fixtures/results/published";
import { npmScript } from "./helpers/npmScript";

const ROOT = resolve(__dirname, "..");
const report = (args: string[], cwd = ROOT) => npmScript("report", args, { cwd });

describe("npm run report", () => {
  it("writes report.md and the charts into the folder it read, and reads the zip the same way", () => {
    const folder = unzipSample();
    const run = report([folder]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("read 66 load points of 6 experiments");
    for (const f of ["report.md", "ttft-vs-qps.svg", "throughput-vs-qps.svg", "report.json"]) expect(existsSync(join(folder, f))).toBe(true);
    // Reading the folder again ignores the report's own files.
    const again = report([folder, "--out", mkdtempSync(join(tmpdir(), "sl-report-again-"))]);
    expect(again.stdout).toContain("read 66 load points of 6 experiments\n");

    const out = mkdtempSync(join(tmpdir(), "sl-report-out-"));
    const fromZip = report([SAMPLE_ZIP, "--out", out, "--title", "AIBrix v0.2.1"]);
    expect(fromZip.status, fromZip.stderr).toBe(0);
    const markdown = readFileSync(join(out, "report.md"), "utf8");
    expect(markdown).toContain("# AIBrix v0.2.1");
    const tables = (md: string) => md.slice(md.indexOf("## Against QPS"), md.indexOf("## Not read"));
    expect(tables(markdown)).toBe(tables(readFileSync(join(folder, "report.md"), "utf8")));
    expect(tables(markdown)).toContain("| 4.1 | 18219.99 | 9992.57 | 10909.43 | 11024.04 | 2502.80 | 6333.81 |");
  });

  it("exits 2 naming the file and line of broken output, without a stack trace", () => {
    const folder = mkdtempSync(join(tmpdir(), "sl-report-bad-"));
    writeFileSync(join(folder, "naive_output_0.1.csv"), "prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time\n21073.0,100.0,1.9,1.4,2,1,1742749675.2,1742749678.5\n21073.0,100.0,1.8");
    const run = report([folder]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`servelab report: ${join(folder, "naive_output_0.1.csv")}:3: expected 8 columns, found 3 (truncated file?)`);
    expect(run.stderr).not.toMatch(/\n\s+at /);

    const empty = report([mkdtempSync(join(tmpdir(), "sl-report-empty-"))]);
    expect(empty.status).toBe(2);
    expect(empty.stderr).toContain("no benchmark results found in");
  });
});
