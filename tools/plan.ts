/**
 * Offline plan: `npm run plan -- <stack>...` or `npm run plan -- --all`.
 * Runs the real program under Pulumi's mock runtime, writes out/<stack>/{plan.json, manifests.yaml,
 * charts/, remote.txt}, prints the resource tree, the GPUs, the hourly cost and the modelled timeline.
 * `npm run plan -- --matrix <cluster> <rows>...` prints the timeline of rows run in sequence on a cluster stack.
 * Exit 2 on a bad config.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { StackPlan } from "../components/plan/planStack";
import { STACKS_DIR, StackFileError, listStacks } from "../components/plan/stackFile";

const USAGE = `usage: npm run plan -- <stack>... | --all   [--out <dir>] [--stacks-dir <dir>] [--quiet]
       npm run plan -- --matrix <cluster> <row>...   [--stacks-dir <dir>]

  <stack>            stacks to plan (stacks/Pulumi.<stack>.yaml)
  --all              plan every stack of the stacks directory; ends with the refused ones
  --matrix <cluster> print the modelled timeline, GPU-hours and cost of the rows run one after another on the
                     cluster stack <cluster> (a stack file with servelab:cluster), beside one cluster per row
  --out <dir>        where out/<stack>/{plan.json, manifests.yaml, charts/, remote.txt} go (default: out)
  --stacks-dir <dir> read the stack files from <dir> (default: stacks/ of the project)
  --quiet            print only the summary line of each stack, not the resource tree
  -h, --help         show this help

Exit 0 when every stack planned, 2 when a stack was refused or the arguments are wrong.`;

const VALUE_OPTIONS = ["--out", "--stacks-dir", "--matrix"];
const FLAGS = ["--all", "--quiet", "--help", "-h"];

class UsageError extends Error {}

interface Args {
  stacks: string[];
  all: boolean;
  quiet: boolean;
  out: string;
  stacksDir: string;
  /** --matrix: the cluster stack the rows (stacks) run on. */
  matrix?: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { stacks: [], all: false, quiet: false, out: resolve("out"), stacksDir: STACKS_DIR };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (VALUE_OPTIONS.includes(a)) {
      const v = argv[++i];
      if (v === undefined || v.startsWith("-")) throw new UsageError(`${a} needs a value`);
      if (a === "--out") args.out = resolve(v);
      else if (a === "--matrix") args.matrix = v;
      else args.stacksDir = resolve(v);
    } else if (a === "--all") args.all = true;
    else if (a === "--quiet") args.quiet = true;
    else if (a.startsWith("-") && !FLAGS.includes(a)) throw new UsageError(`unknown option ${a}`);
    else args.stacks.push(a);
  }
  if (!existsSync(args.stacksDir) || !statSync(args.stacksDir).isDirectory()) throw new UsageError(`--stacks-dir ${args.stacksDir} is not a directory`);
  if (args.all && args.stacks.length > 0) throw new UsageError("give stacks or --all, not both");
  if (args.matrix !== undefined && args.all) throw new UsageError("--matrix takes its rows by name, not --all");
  if (args.matrix !== undefined && args.stacks.length === 0) throw new UsageError(`--matrix ${args.matrix} needs the rows to run on it`);
  if (args.all) args.stacks = listStacks(args.stacksDir);
  if (args.stacks.length === 0) throw new UsageError(args.all ? `no stack files (Pulumi.<stack>.yaml) in ${args.stacksDir}` : "no stacks given");
  return args;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function summary(result: StackPlan, dir: string): string {
  const { gpus, estimate } = result.plan;
  const unpriced = result.plan.config.cluster.provider === "vke" ? "not priced (no Volcengine prices in the catalog)" : "no machines created (existing cluster)";
  const cost = estimate.usdPerHour === null ? unpriced : `about $${estimate.usdPerHour.toFixed(2)}/hour`;
  const clusterStack = (result.plan.config as { clusterStack?: string }).clusterStack;
  const where = result.plan.kind === "cluster" ? "cluster stack: " : clusterStack ? `on cluster stack ${clusterStack} (\`pulumi up -s ${clusterStack}\` first; billed there): ` : "";
  return `${where}GPUs: ${gpus.total} × ${gpus.type} (${plural(gpus.nodes, "node")} × ${gpus.perNode})   cost: ${cost}   plan: ${dir}`;
}

/** Runs `fn` with what it writes to stderr (the Pulumi SDK's warnings) held back, and returns both. */
async function holdingStderr<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; stderr: string }> {
  const write = process.stderr.write.bind(process.stderr);
  let held = "";
  process.stderr.write = ((chunk: string | Uint8Array) => {
    held += typeof chunk === "string" ? chunk : Buffer.from(chunk).toString();
    return true;
  }) as typeof process.stderr.write;
  try {
    return { value: await fn(), stderr: held };
  } catch (error) {
    return { error, stderr: held };
  } finally {
    process.stderr.write = write;
  }
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  if (args.matrix !== undefined) return matrix(args.matrix, args.stacks, args.stacksDir);
  // The program and the Pulumi SDK load only once the arguments are known to be good (--help stays instant).
  const { planStack, writeStackPlan } = require("../components/plan/planStack") as typeof import("../components/plan/planStack");
  const { ConfigError } = require("../components/config/problems") as typeof import("../components/config/problems");
  const refused: string[] = [];
  for (const stack of args.stacks) {
    const { value: result, error, stderr } = await holdingStderr(() => planStack(stack, args.stacksDir));
    const refusedHere = !result && (error instanceof ConfigError || error instanceof StackFileError);
    // One header per stack (on stderr for a refused one), with the warnings the program logged under it.
    (refusedHere ? console.error : console.log)(`\n== ${stack}`);
    if (stderr.trim()) (refusedHere ? console.error : console.log)(stderr.trimEnd());
    if (result) {
      for (const warning of result.warnings) console.log(`warning: ${warning}`);
      const dir = writeStackPlan(args.out, result);
      if (!args.quiet) console.log(result.tree);
      console.log(summary(result, dir));
      if (!args.quiet) console.log(rowTimeline(result));
    } else if (refusedHere) {
      console.error((error as Error).message);
      refused.push(stack);
    } else {
      throw error;
    }
  }
  if (args.stacks.length > 1 || args.all) {
    const planned = args.stacks.length - refused.length;
    console.log(`\n${plural(planned, "stack")} planned${refused.length ? `, ${refused.length} refused: ${refused.join(", ")}` : ""}`);
    if (refused.length) console.error(`\nrefused: ${refused.join(", ")}`);
  }
  return refused.length > 0 ? 2 : 0;
}

function rowTimeline(result: StackPlan): string {
  const { formatRowTimeline } = require("../components/plan/timeline/format") as typeof import("../components/plan/timeline/format");
  const { resolveClusterFacts } = require("../components/cluster/facts") as typeof import("../components/cluster/facts");
  const { stack, config } = result.plan;
  // A stack without a model (a cluster-only stack) runs no row: nothing to time but the cluster.
  if (!("model" in config)) return "timeline: no row (no servelab:model); plan rows on this cluster with --matrix";
  const clusterName = config.clusterStack ?? stack;
  return formatRowTimeline({ name: stack, config }, { name: clusterName, cluster: config.cluster, facts: resolveClusterFacts(config.cluster).facts! }, config.clusterStack);
}

/** --matrix: no program run, only the configs (validated as the plan validates them) and the timeline model. */
function matrix(cluster: string, rows: string[], stacksDir: string): number {
  const { readClusterStack } = require("../components/plan/clusterStack") as typeof import("../components/plan/clusterStack");
  const { readStackInput } = require("../components/plan/rowStack") as typeof import("../components/plan/rowStack");
  const { ConfigError } = require("../components/config/problems") as typeof import("../components/config/problems");
  const { clusterMismatch } = require("../benchmarks/matrix/clusterRows") as typeof import("../benchmarks/matrix/clusterRows");
  const refused = (what: string, err: unknown): number => {
    if (!(err instanceof ConfigError || err instanceof StackFileError)) throw err;
    console.error(`servelab plan --matrix: ${what}:\n${(err as Error).message}`);
    return 2;
  };
  let c;
  try {
    c = readClusterStack(cluster, stacksDir);
  } catch (err) {
    return refused(`cluster stack ${cluster}`, err);
  }
  const { formatMatrix } = require("../components/plan/timeline/format") as typeof import("../components/plan/timeline/format");
  const configs = [];
  const mismatches: string[] = [];
  for (const row of rows) {
    try {
      const { config } = readStackInput(row, stacksDir);
      if (!("model" in config)) throw new StackFileError(`${row} is a cluster stack, not an experiment row`);
      // The same rule as npm run matrix -- --cluster: a row runs where its servelab:cluster says.
      const mismatch = clusterMismatch(cluster, row, config.clusterStack);
      if (mismatch) mismatches.push(mismatch);
      configs.push({ name: row, config });
    } catch (err) {
      return refused(`row ${row}`, err);
    }
  }
  if (mismatches.length > 0) {
    console.error(`servelab plan --matrix: ${mismatches.join("\n")}`);
    return 2;
  }
  console.log(formatMatrix(configs, c));
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      console.error(`servelab plan: ${err.message}; see npm run plan -- --help`);
      process.exit(2);
    }
    console.error(`servelab plan failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
