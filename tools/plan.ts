/**
 * Offline plan: `npm run plan -- <stack>...` or `npm run plan -- --all`.
 * Runs the real program under Pulumi's mock runtime, writes out/<stack>/{plan.json, manifests.yaml,
 * charts/, remote.txt}, prints the resource tree, the GPUs and the hourly cost. Exit 2 on a bad config.
 */
import { resolve } from "node:path";
import { ConfigError } from "../components/config/problems";
import { StackPlan, planStack, writeStackPlan } from "../components/plan/planStack";
import { STACKS_DIR, StackFileError, listStacks } from "../components/plan/stackFile";

const USAGE = "usage: npm run plan -- <stack> [<stack>...] | --all   [--out <dir>] [--stacks-dir <dir>] [--quiet]";
const VALUE_OPTIONS = ["--out", "--stacks-dir"];

function option(argv: string[], name: string): string | undefined {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
}

function summary(result: StackPlan, dir: string): string {
  const { gpus, estimate } = result.plan;
  const unpriced = result.plan.config.cluster.provider === "vke" ? "not priced (no Volcengine prices in the catalog)" : "no machines created (existing cluster)";
  const cost = estimate.usdPerHour === null ? unpriced : `about $${estimate.usdPerHour.toFixed(2)}/hour`;
  return `GPUs: ${gpus.total} × ${gpus.type} (${gpus.nodes} node${gpus.nodes > 1 ? "s" : ""} × ${gpus.perNode})   cost: ${cost}   plan: ${dir}`;
}

async function main(argv: string[]): Promise<number> {
  const quiet = argv.includes("--quiet");
  const outRoot = resolve(option(argv, "--out") ?? "out");
  const stacksDir = resolve(option(argv, "--stacks-dir") ?? STACKS_DIR);
  const names = argv.filter((a, i) => !a.startsWith("--") && !VALUE_OPTIONS.includes(argv[i - 1]));
  const stacks = argv.includes("--all") ? listStacks(stacksDir) : names;
  if (stacks.length === 0 || argv.includes("--help")) {
    console.error(USAGE);
    return stacks.length === 0 ? 2 : 0;
  }
  let status = 0;
  for (const stack of stacks) {
    try {
      const result = await planStack(stack, stacksDir);
      const dir = writeStackPlan(outRoot, result);
      console.log(`\n== ${stack}`);
      if (!quiet) console.log(result.tree);
      console.log(summary(result, dir));
    } catch (err) {
      if (err instanceof ConfigError || err instanceof StackFileError) {
        console.error(`\n== ${stack}\n${err.message}`);
        status = 2;
      } else {
        throw err;
      }
    }
  }
  return status;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(`servelab plan failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(1);
  },
);
