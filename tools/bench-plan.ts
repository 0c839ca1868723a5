/**
 * `npm run bench:plan`: wall time of `npm run plan` for each stack as a fresh process (what a user
 * waits for, module loading included), of `--all`, and of planning each stack inside one warm process.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { planStack } from "../components/plan/planStack";
import { listStacks } from "../components/plan/stackFile";

const ROOT = resolve(__dirname, "..");
const PLAN = ["-r", "v8-compile-cache", "-r", "esbuild-register", join(ROOT, "tools/plan.ts")];

function timeProcess(args: string[]): number {
  const out = mkdtempSync(join(tmpdir(), "sl-bench-"));
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, [...PLAN, ...args, "--quiet", "--out", out], { cwd: ROOT, encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (run.status !== 0) throw new Error(`plan ${args.join(" ")} failed:\n${run.stderr}`);
  return seconds;
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const stacks = listStacks();
  const runs = 3;
  console.log(`servelab plan timings on ${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), median of ${runs} runs\n`);
  console.log("stack                              fresh process   in a warm process");
  timeProcess([stacks[0]]); // fills the compile cache, as any earlier run on the machine would
  for (const stack of stacks) {
    const fresh = median(Array.from({ length: runs }, () => timeProcess([stack])));
    const warm: number[] = [];
    for (let i = 0; i < runs; i++) {
      const start = process.hrtime.bigint();
      await planStack(stack);
      warm.push(Number(process.hrtime.bigint() - start) / 1e9);
    }
    console.log(`${stack.padEnd(34)} ${fresh.toFixed(2).padStart(8)} s ${median(warm).toFixed(3).padStart(14)} s`);
  }
  const all = median(Array.from({ length: runs }, () => timeProcess(["--all"])));
  console.log(`\nall ${stacks.length} stacks (npm run plan -- --all): ${all.toFixed(2)} s`);
  console.log("goals: one stack < 1.5 s, all stacks < 10 s");
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : String(err));
  process.exit(1);
});
