/**
 * `npm run matrix -- <stack>... [--cluster <stack> [--keep-cluster]] [--results <dir>] [--force] [--dry-run]`
 * Runs experiment stacks one after another through Pulumi's Automation API: up (waits for the benchmark
 * Job), collect the results into results/<stack>/<run id>/, destroy (always). Ctrl-C tears the current
 * stack down; a second Ctrl-C quits without waiting. Rows collected before are skipped unless --force.
 * Exit 0 when every row has results, 1 when a row failed, 2 on bad arguments, 130 when interrupted.
 */
import { existsSync } from "node:fs";
import { relative, resolve } from "node:path";
import { listStacks, stackFilePath } from "../components/plan/stackFile";
import { clusterMismatch, plannedClusterStack } from "../benchmarks/matrix/clusterRows";
import { LogOrBucketCollector } from "../benchmarks/matrix/collect";
import { abortOnInterrupt } from "../benchmarks/matrix/interrupt";
import { writeMatrixReport } from "../benchmarks/matrix/matrixReport";
import { ProgressDisplay } from "../benchmarks/matrix/progress";
import { Row, runMatrix } from "../benchmarks/matrix/runner";
import { RunStore } from "../benchmarks/matrix/runStore";

const ROOT = resolve(__dirname, "..");
const CWD = process.env.INIT_CWD ?? process.cwd();

/** A path as the user would type it from where they ran npm: relative when below, absolute otherwise. */
function shown(path: string): string {
  const rel = relative(CWD, path);
  return rel.startsWith("..") || rel === "" ? path : rel;
}

const USAGE = `usage: npm run matrix -- <stack>... [--cluster <stack> [--keep-cluster]] [--results <dir>] [--force] [--dry-run]

  <stack>           experiment stacks (stacks/Pulumi.<stack>.yaml), run in this order
  --cluster <stack> a cluster stack (servelab:cluster alone) brought up first (a no-op when it is up) and
                    destroyed last, shared by all rows; every row must reference it
                    (servelab:cluster: { provider: stack, stack: <stack> })
  --keep-cluster    leave the cluster stack up after the last row (destroy it yourself: pulumi destroy -s <stack>)
  --results <dir>   where results/<stack>/<run id>/ and report.md go (default: results/ in the project)
  --force           run rows again even if a collected run exists
  --dry-run         plan every row offline and show what would run and what is already collected, without
                    touching Pulumi; exit 2 if a row's config is refused
  -h, --help        show this help

Every row is planned offline before anything starts: a refused config stops the run with exit 2.`;

class UsageError extends Error {}

interface Args {
  stacks: string[];
  cluster?: string;
  keepCluster: boolean;
  results: string;
  force: boolean;
  dryRun: boolean;
}

function parseArgs(argv: string[]): Args {
  const cwd = CWD;
  const args: Args = { stacks: [], results: resolve(ROOT, "results"), force: false, dryRun: false, keepCluster: false };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined || v.startsWith("--")) throw new UsageError(`${a} needs a value`);
      return v;
    };
    if (a === "--cluster") args.cluster = value();
    else if (a === "--results") args.results = resolve(cwd, value());
    else if (a === "--force") args.force = true;
    else if (a === "--keep-cluster") args.keepCluster = true;
    else if (a === "--dry-run") args.dryRun = true;
    else if (a.startsWith("-")) throw new UsageError(`unknown option ${a}`);
    else args.stacks.push(a);
  }
  if (args.stacks.length === 0) throw new UsageError("no stacks given");
  const duplicates = args.stacks.filter((s, i) => args.stacks.indexOf(s) !== i);
  if (duplicates.length > 0) throw new UsageError(`stack ${duplicates[0]} is listed twice`);
  if (args.cluster && args.stacks.includes(args.cluster)) throw new UsageError(`${args.cluster} is the cluster stack; it cannot also be a row`);
  if (args.keepCluster && !args.cluster) throw new UsageError("--keep-cluster needs --cluster <stack>");
  const missing = [...args.stacks, ...(args.cluster ? [args.cluster] : [])].filter((s) => !existsSync(stackFilePath(s)));
  if (missing.length > 0) throw new UsageError(`no stack file for ${missing.join(", ")} (looked for ${relative(ROOT, stackFilePath(missing[0]))}); stacks: ${listStacks().join(", ")}`);
  return args;
}

/**
 * Plans the cluster stack and every row offline; returns the refused ones with their reasons: a config that does
 * not plan, a --cluster that is not a cluster stack, a row that does not reference it.
 */
async function planRows(stacks: readonly string[], cluster?: string): Promise<Array<{ stack: string; reason: string }>> {
  const { planStack } = await import("../components/plan/planStack.js");
  const { ConfigError } = await import("../components/config/problems.js");
  const { StackFileError } = await import("../components/plan/stackFile.js");
  const refused: Array<{ stack: string; reason: string }> = [];
  for (const stack of cluster ? [cluster, ...stacks] : stacks) {
    try {
      const { plan } = await planStack(stack);
      if (stack === cluster && plan.kind !== "cluster") refused.push({ stack, reason: `--cluster ${stack} is an experiment row, not a cluster stack (a stack whose only setting is servelab:cluster)` });
      const mismatch = cluster && stack !== cluster ? clusterMismatch(cluster, stack, plannedClusterStack(plan)) : null;
      if (mismatch) refused.push({ stack, reason: mismatch });
    } catch (err) {
      if (!(err instanceof ConfigError || err instanceof StackFileError)) throw err;
      refused.push({ stack, reason: err.message });
    }
  }
  return refused;
}

function reportRefused(refused: ReadonlyArray<{ stack: string; reason: string }>): void {
  for (const r of refused) console.error(`\n== ${r.stack} (refused)\n${r.reason}`);
  console.error(`\nservelab matrix: ${refused.length} row${refused.length === 1 ? "" : "s"} refused (${refused.map((r) => r.stack).join(", ")}); nothing was started`);
}

function dryRun(args: Args, store: RunStore, refused: ReadonlySet<string>): void {
  if (args.cluster) console.log(`cluster  ${args.cluster}: up before the first row (a no-op when it is up), ${args.keepCluster ? "left up after the last (--keep-cluster)" : "destroyed after the last"}`);
  args.stacks.forEach((stack, i) => {
    const previous = args.force ? null : store.latestCollected(stack);
    const what = refused.has(stack) ? "refused (see below)" : previous ? `skip (collected in ${shown(previous.dir)})` : "up, collect, destroy";
    console.log(`${String(i + 1).padStart(2)}. ${stack}: ${what}`);
  });
}

function summary(rows: readonly Row[]): string {
  const width = Math.max(...rows.map((r) => r.stack.length));
  return rows
    .map((r) => `  ${r.stack.padEnd(width)}  ${r.phase.padEnd(11)} ${r.error ?? (r.dir ? shown(r.dir) : "")}`)
    .join("\n");
}

async function main(argv: string[]): Promise<number> {
  if (argv.includes("--help") || argv.includes("-h")) {
    console.log(USAGE);
    return 0;
  }
  const args = parseArgs(argv);
  const store = new RunStore(args.results);
  const refused = await planRows(args.stacks, args.cluster);
  if (args.dryRun) {
    dryRun(args, store, new Set(refused.map((r) => r.stack)));
    if (refused.length) reportRefused(refused);
    return refused.length ? 2 : 0;
  }
  if (refused.length) {
    reportRefused(refused);
    return 2;
  }
  // Loaded only for a real run: the Pulumi SDK takes seconds to load, a dry run or a usage error should not wait for it.
  const { AutomationDriver } = await import("../benchmarks/matrix/automationDriver.js");
  const { planStack } = await import("../components/plan/planStack.js");
  await AutomationDriver.checkCli();

  const controller = new AbortController();
  let rows: readonly Row[] = [];
  const progress = new ProgressDisplay(process.stdout);
  const stopListening = abortOnInterrupt(
    process,
    controller,
    (message) => process.stderr.write(`\n${message}\n`),
    () => process.exit(130),
    () => rows.filter((r) => ["up", "ready", "collecting", "destroying"].includes(r.phase)).map((r) => r.stack),
  );
  progress.start();
  let result;
  try {
    result = await runMatrix(
      {
        driver: new AutomationDriver(ROOT),
        collector: new LogOrBucketCollector(),
        store,
        plan: async (stack) => (await planStack(stack)).plan,
        clusterPlan: async (stack) => (await planStack(stack)).plan,
        now: () => new Date(),
      },
      {
        stacks: args.stacks,
        cluster: args.cluster,
        keepCluster: args.keepCluster,
        force: args.force,
        signal: controller.signal,
        onChange: (r) => {
          rows = r;
          progress.update(r);
        },
      },
    );
  } finally {
    progress.stop();
    stopListening();
  }

  console.log(`\nsummary:\n${summary(result.rows)}`);
  for (const r of result.rows.filter((x) => x.leftUp)) console.error(`WARNING ${r.stack}: ${r.leftUp}`);
  try {
    const report = writeMatrixReport(args.results, args.stacks);
    if (report) {
      for (const note of report.notes) console.error(`note: ${note}`);
      console.log(`report: ${report.paths.map(shown).join(", ")}`);
    } else {
      console.log("report: no results yet");
    }
  } catch (err) {
    console.error(`report: not written: ${(err as Error).message}`);
  }
  return result.interrupted ? 130 : result.ok ? 0 : 1;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    if (err instanceof UsageError) {
      console.error(`servelab matrix: ${err.message}\n\n${USAGE}`);
      process.exit(2);
    }
    console.error(`servelab matrix failed: ${err instanceof Error ? err.message : String(err)}`);
    process.exit(err instanceof Error && err.message.startsWith("the Pulumi CLI") ? 2 : 1);
  },
);
