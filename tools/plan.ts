/**
 * Offline plan: `npm run plan -- <stack>...` or `npm run plan -- --all`.
 * Runs the real program under Pulumi's mock runtime, writes out/<stack>/{plan.json, manifests.yaml,
 * charts/, remote.txt}, prints the resource tree, the GPUs and the hourly cost. Exit 2 on a bad config.
 */
import { existsSync, statSync } from "node:fs";
import { resolve } from "node:path";
import type { StackPlan } from "../components/plan/planStack";
import { STACKS_DIR, StackFileError, listStacks } from "../components/plan/stackFile";

const USAGE = `usage: npm run plan -- <stack>... | --all   [--out <dir>] [--stacks-dir <dir>] [--quiet]

  <stack>            stacks to plan (stacks/Pulumi.<stack>.yaml)
  --all              plan every stack of the stacks directory; ends with the refused ones
  --out <dir>        where out/<stack>/{plan.json, manifests.yaml, charts/, remote.txt} go (default: out)
  --stacks-dir <dir> read the stack files from <dir> (default: stacks/ of the project)
  --quiet            print only the summary line of each stack, not the resource tree
  -h, --help         show this help

Exit 0 when every stack planned, 2 when a stack was refused or the arguments are wrong.`;

const VALUE_OPTIONS = ["--out", "--stacks-dir"];
const FLAGS = ["--all", "--quiet", "--help", "-h"];

class UsageError extends Error {}

interface Args {
  stacks: string[];
  all: boolean;
  quiet: boolean;
  out: string;
  stacksDir: string;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { stacks: [], all: false, quiet: false, out: resolve("out"), stacksDir: STACKS_DIR };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (VALUE_OPTIONS.includes(a)) {
      const v = argv[++i];
      if (v === undefined || v.startsWith("-")) throw new UsageError(`${a} needs a value`);
      if (a === "--out") args.out = resolve(v);
      else args.stacksDir = resolve(v);
    } else if (a === "--all") args.all = true;
    else if (a === "--quiet") args.quiet = true;
    else if (a.startsWith("-") && !FLAGS.includes(a)) throw new UsageError(`unknown option ${a}`);
    else args.stacks.push(a);
  }
  if (!existsSync(args.stacksDir) || !statSync(args.stacksDir).isDirectory()) throw new UsageError(`--stacks-dir ${args.stacksDir} is not a directory`);
  if (args.all && args.stacks.length > 0) throw new UsageError("give stacks or --all, not both");
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
