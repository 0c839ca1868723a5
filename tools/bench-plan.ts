/**
 * `npm run bench:plan`: what a user waits for, measured side by side in one run on this machine.
 * - `npm run plan -- <stack>` as a fresh process, against `require("@pulumi/pulumi")` alone in a fresh
 *   process (the floor any plan pays), interleaved so both see the same machine load; the ratio is the goal.
 * - The program's start-up under Pulumi's own loader (tools/pulumi-loader.cjs), cold and warm ts-node cache.
 * - Each stack planned again inside one warm process, and `--all`.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { listStacks } from "../components/plan/stackFile";

const ROOT = resolve(__dirname, "..");
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const JITI = join(ROOT, "node_modules/jiti/lib/jiti-cli.mjs");

function seconds(args: string[]): { seconds: number; ok: boolean; stdout: string; stderr: string } {
  const start = process.hrtime.bigint();
  const run = spawnSync(process.execPath, args, { cwd: ROOT, encoding: "utf8" });
  return { seconds: Number(process.hrtime.bigint() - start) / 1e9, ok: run.status === 0, stdout: run.stdout, stderr: run.stderr };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
const fmt = (s: number) => `${s.toFixed(2)} s`;
const planArgs = (...args: string[]) => [JITI, join(ROOT, "tools/plan.ts"), ...args, "--quiet", "--out", mkdtempSync(join(tmpdir(), "sl-bench-"))];

function sdkVersusPlan(stack: string): { sdk: number; plan: number } | string {
  const sdk: number[] = [];
  const plan: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    sdk.push(seconds(["-e", 'require("@pulumi/pulumi")']).seconds);
    const run = seconds(planArgs(stack));
    if (!run.ok) return run.stderr.trim().split("\n").slice(-3).join(" / ");
    plan.push(run.seconds);
  }
  return { sdk: median(sdk), plan: median(plan) };
}

function loaderStartup(stack: string, cold: boolean): string {
  const times: number[] = [];
  for (let i = 0; i < Math.min(RUNS, 3); i++) {
    const run = seconds([join(ROOT, "tools/pulumi-loader.cjs"), stack, "--json", ...(cold ? ["--cold"] : [])]);
    if (!run.ok) return `failed: ${run.stderr.trim().split("\n").pop()}`;
    times.push(JSON.parse(run.stdout.trim().split("\n").pop()!).startupSeconds);
  }
  return fmt(median(times));
}

async function warmPlan(stack: string): Promise<string> {
  const { planStack } = require("../components/plan/planStack") as typeof import("../components/plan/planStack");
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    const start = process.hrtime.bigint();
    try {
      await planStack(stack);
    } catch (err) {
      return `refused: ${(err as Error).message.split("\n")[0]}`;
    }
    times.push(Number(process.hrtime.bigint() - start) / 1e9);
  }
  return `${median(times).toFixed(3)} s`;
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log("usage: npm run bench:plan [-- <stack>...]\n\n  <stack>     stacks to time (default: every stack in stacks/); a refused stack is reported and the others go on\n  -h, --help  show this help\n\nEnvironment: BENCH_RUNS=<n> runs per figure (default 5).");
    return 0;
  }
  const unknown = argv.filter((a) => a.startsWith("-"));
  if (unknown.length) {
    console.error(`bench:plan: unknown option ${unknown[0]}; see --help`);
    return 2;
  }
  const stacks = argv.length ? argv : listStacks();
  seconds(planArgs(stacks[0])); // fills jiti's transform cache, as any earlier run on the machine would
  console.log(`servelab plan timings on ${cpus().length} CPUs (${cpus()[0]?.model ?? "unknown"}), node ${process.version}, median of ${RUNS} runs\n`);
  console.log(`${"stack".padEnd(28)} ${"SDK load".padStart(9)} ${"plan".padStart(9)} ${"ratio".padStart(6)}  ${"pulumi loader cold".padStart(18)} ${"warm".padStart(7)}  ${"in-process".padStart(10)}`);
  const ratios: number[] = [];
  for (const stack of stacks) {
    const side = sdkVersusPlan(stack);
    if (typeof side === "string") {
      console.log(`${stack.padEnd(28)} refused or failed: ${side}`);
      continue;
    }
    ratios.push(side.plan / side.sdk);
    const cold = loaderStartup(stack, true);
    const warm = loaderStartup(stack, false);
    console.log(
      `${stack.padEnd(28)} ${fmt(side.sdk).padStart(9)} ${fmt(side.plan).padStart(9)} ${(side.plan / side.sdk).toFixed(2).padStart(6)}  ${cold.padStart(18)} ${warm.padStart(7)}  ${(await warmPlan(stack)).padStart(10)}`,
    );
  }
  const all = seconds(planArgs("--all"));
  console.log(`\nall stacks (npm run plan -- --all): ${fmt(all.seconds)}${all.ok ? "" : " (some refused)"}`);
  if (ratios.length) console.log(`plan / SDK-load ratio: median ${median(ratios).toFixed(2)}, worst ${Math.max(...ratios).toFixed(2)} (goal ≤ 1.3)`);
  console.log("pulumi loader: seconds from process start to the program's first resource (goal ≤ 5 s cold)");
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`bench:plan failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
