/** Every tool: --help/-h exit 0 and list the options; unknown options exit 2; plan --all ends with the refused stacks. */
import { copyFileSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { npmScript } from "./helpers/npmScript";

describe("command-line options", () => {
  it.each([
    ["plan", ["--all", "--out", "--stacks-dir", "--quiet", "-h, --help"]],
    ["report", ["--out", "--title", "-h, --help"]],
    ["matrix", ["--cluster", "--results", "--force", "--dry-run", "-h, --help"]],
    ["bench:plan", ["<stack>", "BENCH_RUNS", "-h, --help"]],
  ])("%s --help and -h list every option and exit 0", (script, options) => {
    for (const flag of ["--help", "-h"]) {
      const run = npmScript(script, [flag]);
      expect(run.status, run.stderr).toBe(0);
      for (const o of options) expect(run.stdout).toContain(o);
    }
  });

  it.each(["plan", "report", "matrix", "bench:plan"])("%s refuses an unknown option with exit 2", (script) => {
    const run = npmScript(script, ["--frobnicate"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(/unknown option --frobnicate/);
  });

  it("plan: a missing --stacks-dir is one line", () => {
    const run = npmScript("plan", ["--all", "--stacks-dir", "/no/such/dir"]);
    expect(run.status).toBe(2);
    expect(run.stderr.trim().split("\n")).toHaveLength(1);
  });

  it("plan --all ends with the refused stacks and exits 2", () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-all-"));
    copyFileSync(join(__dirname, "../stacks/Pulumi.vllm_405b_fp8_h100.yaml"), join(dir, "Pulumi.good.yaml"));
    writeFileSync(join(dir, "Pulumi.bad.yaml"), "confg:\n  servelab:cluster: {}\n");
    const run = npmScript("plan", ["--all", "--quiet", "--stacks-dir", dir, "--out", mkdtempSync(join(tmpdir(), "sl-out-"))]);
    expect(run.status).toBe(2);
    expect(run.stdout).toMatch(/1 stack planned, 1 refused: bad\s*$/);
    expect(run.stderr).toMatch(/unknown top-level key "confg"; did you mean config:\?/);
    // The runtime warning of the good stack is printed under its own header.
    expect(run.stdout).toMatch(/== good\n(warning: .*\n)*/);
  });
});
