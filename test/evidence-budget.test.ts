/**
 * servelab_evidence.py keeps a long point's evidence bounded: the pod log is the results' only carrier without a
 * bucket, and kubelet rotates it at 10 MiB (the log API then serves only the newest part). Sonnet's stress profile
 * runs one point for hours: 15 s scrapes of 8 engines would otherwise keep thousands of pages.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const SCRIPTS = resolve(__dirname, "../benchmarks/scripts");

/** Runs `rounds` in-between rounds by hand (no timer) against a /metrics page on disk; returns the evidence file. */
function pointAfter(rounds: number, budgetChars: number) {
  const dir = mkdtempSync(join(tmpdir(), "sl-budget-"));
  const page = join(dir, "metrics.prom");
  const gauges = Array.from({ length: 20 }, (_, i) => `vllm:num_requests_running{engine="${i}",model_name="m"} 1.0`);
  writeFileSync(page, ["# HELP vllm:num_requests_running Requests.", "# TYPE vllm:num_requests_running gauge", ...gauges, ""].join("\n"));
  const code = [
    "import argparse, json, sys, servelab_evidence as e",
    "e.DURING_BUDGET_CHARS = int(sys.argv[3])",
    "p = argparse.ArgumentParser(); e.add_args(p); p.add_argument('--experiment'); p.add_argument('--results-dir')",
    "a = p.parse_args(['--scrape-router', 'r=file://' + sys.argv[1], '--scrape-interval', '15', '--experiment', 'x', '--results-dir', sys.argv[2]])",
    "ev = e.PointEvidence(a, 'pt', {'qps': 1})",
    "ev.stop.set()",
    "[ev._during_round() for _ in range(int(sys.argv[4]))]",
    "print(open(ev.finish()).read())",
  ].join("\n");
  const run = spawnSync("python3", ["-c", code, page, dir, String(budgetChars), String(rounds)], { cwd: SCRIPTS, encoding: "utf8" });
  expect(run.status, run.stderr).toBe(0);
  // The driver logs to stdout too: the file is the last line.
  return JSON.parse(run.stdout.trim().split("\n").pop()!) as { intervalSeconds: number; discovery: { notes: string[] }; snapshots: Array<{ phase: string }> };
}

describe("in-between pages of one point stay within a budget", () => {
  it("keeps every round while under the budget", () => {
    const file = pointAfter(40, 1_000_000);
    expect(file.snapshots.map((s) => s.phase).filter((p) => p === "during")).toHaveLength(40);
    expect(file.intervalSeconds).toBe(15);
    expect(file.discovery.notes).toEqual([]);
  });

  it("past the budget drops every other round and doubles the interval, keeping start and end whole", () => {
    // One thinned page is about 1.2 kB: a 4 kB budget holds three rounds.
    const file = pointAfter(400, 4_000);
    const phases = file.snapshots.map((s) => s.phase);
    expect(phases[0]).toBe("start");
    expect(phases[phases.length - 1]).toBe("end");
    const during = phases.filter((p) => p === "during").length;
    expect(during).toBeGreaterThan(0);
    expect(during).toBeLessThanOrEqual(4);
    // Rounds run back to back here (no timer), so the interval doubles far more often than in 400 real rounds.
    expect(file.intervalSeconds).toBeGreaterThanOrEqual(30);
    expect(file.discovery.notes).toEqual([expect.stringMatching(/^in-between pages kept every \S+s \(from 15s\) to stay under 4000 characters$/)]);
  });
});
