/**
 * The experiment matrix: rows run one after another, each `up` (which waits for the benchmark Job),
 * collect, destroy. Destroy always runs once an up was attempted: after a failed up, a failed collection
 * or an interrupt. An optional shared cluster stack comes up before the first row (a no-op update when it is
 * up already) and is destroyed after the last unless kept; every row must reference it. On it, a row whose destroy
 * failed twice stops the rows after it (sharedClusterHeld).
 * Rows whose latest run was collected are skipped (resume); every stack is planned before anything is
 * created, so a bad config costs nothing.
 */
import { appendFileSync } from "node:fs";
import { join } from "node:path";
import { EngineRecord } from "../results/engineStartup";
import { RunStatus } from "../results/runFolder";
import { runCostFromPlan } from "../results/runCost";
import { runIdAt } from "./bucketResults";
import { clusterMismatch, plannedClusterStack } from "./clusterRows";
import { CollectError, ResultsCollector } from "./collect";
import { StackDriver, StackOutputs, publicOutputs } from "./driver";
import { RunFolder, RunStore } from "./runStore";

export type Phase =
  | "pending"
  | "skipped"
  | "planning"
  | "up"
  | "ready"
  | "collecting"
  | "destroying"
  | "collected"
  | "destroyed"
  | "failed"
  | "interrupted"
  | "not run"
  /** The shared cluster stack, left up on purpose (--keep-cluster). */
  | "kept";

export interface Row {
  stack: string;
  role: "cluster" | "experiment";
  phase: Phase;
  /** Epoch ms when the current phase began. */
  phaseSince: number;
  startedAt: number | null;
  finishedAt: number | null;
  /** The latest line of Pulumi's output, or a word on the phase. */
  detail: string;
  runId?: string;
  dir?: string;
  error?: string;
  /** Set when destroy failed: the stack may still hold (billed) resources. */
  leftUp?: string;
}

export interface MatrixDeps {
  driver: StackDriver;
  collector: ResultsCollector;
  store: RunStore;
  /** The offline plan of a stack (stored with each run); throws on a bad config. */
  plan(stack: string): Promise<unknown>;
  /** The shared cluster stack's plan, for its price (optional: without it the cluster is recorded unpriced). */
  clusterPlan?(stack: string): Promise<unknown>;
  now(): Date;
}

export interface MatrixOptions {
  stacks: readonly string[];
  cluster?: string;
  /** Leave the cluster stack up after the last row (for more rows later); destroy it yourself. */
  keepCluster?: boolean;
  /** Run rows again even when a collected run exists. */
  force?: boolean;
  /** Aborted on Ctrl-C: the current row is torn down, later rows do not start. */
  signal: AbortSignal;
  onChange?: (rows: readonly Row[]) => void;
}

export interface MatrixResult {
  rows: Row[];
  interrupted: boolean;
  /** Every experiment row collected (now or before) and nothing left up. */
  ok: boolean;
}

const message = (err: unknown) => (err instanceof Error ? err.message : String(err));

/**
 * Why a row does not start on a shared cluster after an earlier row's destroy failed twice. Only a destroy that
 * finished guarantees the earlier row's pods are gone: pulumi-kubernetes deletes with foreground propagation and
 * awaits each object's removal, the row's Namespace last, which Kubernetes removes only once every pod in it has
 * terminated (pulumi/pulumi-kubernetes@94977969 provider/pkg/await/await.go Deletion, metadata/overrides.go
 * DeletionPropagation). A failed one may leave engines on the GPUs, so the next row's engines would stay Pending
 * until its `up` times out; rows of the same router would be refused by the claim anyway.
 */
export function sharedClusterHeld(clusterStack: string, heldBy: string): string {
  return `not run: the destroy of ${heldBy} failed, so its engines may still hold the GPUs of cluster stack ${clusterStack}; destroy it (pulumi destroy -s ${heldBy}) and run the matrix again (collected rows are skipped)`;
}

/** The last non-empty line of a chunk of Pulumi output, without colour codes. */
export function lastLine(text: string): string | null {
  // eslint-disable-next-line no-control-regex
  const lines = text.replace(/\x1b\[[0-9;]*[A-Za-z]/g, "").split(/\r?\n|\r/).map((l) => l.trim()).filter(Boolean);
  return lines.length > 0 ? lines[lines.length - 1].slice(0, 120) : null;
}

export async function runMatrix(deps: MatrixDeps, options: MatrixOptions): Promise<MatrixResult> {
  const { driver, collector, store } = deps;
  const { signal } = options;
  const now = () => deps.now().getTime();
  const row = (stack: string, role: Row["role"]): Row => ({ stack, role, phase: "pending", phaseSince: now(), startedAt: null, finishedAt: null, detail: "" });
  const cluster = options.cluster ? row(options.cluster, "cluster") : null;
  const experiments = options.stacks.map((s) => row(s, "experiment"));
  const rows = cluster ? [cluster, ...experiments] : experiments;
  const changed = () => options.onChange?.(rows);
  const phaseTimes = new Map<Row, Record<string, number>>();

  const enter = (r: Row, phase: Phase, detail = "") => {
    const t = now();
    if (["up", "collecting", "destroying", "planning"].includes(r.phase)) {
      const times = phaseTimes.get(r) ?? {};
      times[r.phase] = (times[r.phase] ?? 0) + (t - r.phaseSince) / 1000;
      phaseTimes.set(r, times);
    }
    if (r.startedAt === null && !["pending", "skipped", "not run"].includes(phase)) r.startedAt = t;
    if (["collected", "destroyed", "failed", "interrupted", "not run", "skipped", "kept"].includes(phase)) r.finishedAt = t;
    r.phase = phase;
    r.phaseSince = t;
    r.detail = detail;
    changed();
  };
  const output = (r: Row, write: (text: string) => void) => (text: string) => {
    write(text);
    const line = lastLine(text);
    if (line) {
      r.detail = line;
      changed();
    }
  };

  /** Destroy, and once more after a refresh; returns the error that remains. */
  const destroy = async (r: Row, write: (text: string) => void): Promise<string | null> => {
    enter(r, "destroying");
    try {
      await driver.destroy(r.stack, { onOutput: output(r, write) });
      return null;
    } catch (first) {
      write(`\n[servelab] destroy failed (${message(first)}); retrying with --refresh\n`);
      try {
        await driver.destroy(r.stack, { onOutput: output(r, write), refresh: true });
        return null;
      } catch (second) {
        r.leftUp = `destroy failed twice (${message(second)}); resources may still be running: pulumi destroy -s ${r.stack}`;
        return r.leftUp;
      }
    }
  };

  // Resume: rows collected before are done.
  for (const r of experiments) {
    const previous = options.force ? null : store.latestCollected(r.stack);
    if (previous) {
      r.runId = previous.runId;
      r.dir = previous.dir;
      enter(r, "skipped", `collected in run ${previous.runId}`);
    }
  }

  // Plan every remaining row before creating anything.
  const plans = new Map<Row, unknown>();
  for (const r of experiments.filter((e) => e.phase === "pending")) {
    enter(r, "planning");
    try {
      const plan = await deps.plan(r.stack);
      const mismatch = cluster ? clusterMismatch(cluster.stack, r.stack, plannedClusterStack(plan)) : null;
      if (mismatch) {
        r.error = `cluster: ${mismatch}`;
        enter(r, "failed", "not on the matrix's cluster stack");
        continue;
      }
      plans.set(r, plan);
      enter(r, "pending");
    } catch (err) {
      r.error = `plan: ${message(err)}`;
      enter(r, "failed", "the stack config does not plan");
    }
  }
  const runnable = experiments.filter((r) => plans.has(r));

  let clusterUp = false;
  let clusterPrice: { stack: string; plan: unknown; upAt: string | null; error?: string } | undefined;
  if (cluster && runnable.length > 0 && !signal.aborted) {
    clusterPrice = { stack: cluster.stack, plan: null, upAt: null, error: "no plan of the cluster stack was made" };
    if (deps.clusterPlan) {
      try {
        clusterPrice = { stack: cluster.stack, plan: await deps.clusterPlan(cluster.stack), upAt: null };
      } catch (err) {
        clusterPrice.error = `the cluster stack does not plan (${message(err)})`;
      }
    }
    clusterPrice.upAt = deps.now().toISOString();
    const logFile = join(store.clusterLogDir(), `${cluster.stack}-${runIdAt(deps.now())}.log`);
    const write = (text: string) => appendFileSync(logFile, text);
    cluster.dir = logFile;
    enter(cluster, "up");
    clusterUp = true;
    try {
      await driver.up(cluster.stack, { onOutput: output(cluster, write), signal });
      enter(cluster, "ready");
    } catch (err) {
      cluster.error = `up: ${message(err)}`;
      for (const r of runnable) {
        r.error = `not run: the cluster stack ${cluster.stack} did not come up`;
        enter(r, "not run");
      }
    }
    if (cluster.error || signal.aborted) runnable.length = 0;
  }

  try {
    for (const r of runnable) {
      if (signal.aborted) {
        r.error = "not run: interrupted";
        enter(r, "not run");
        continue;
      }
      const holder = cluster ? runnable.find((x) => x.leftUp) : undefined;
      if (cluster && holder) {
        r.error = sharedClusterHeld(cluster.stack, holder.stack);
        enter(r, "not run", "the shared cluster may still hold an earlier row");
        continue;
      }
      await runRow(r, plans.get(r));
    }
  } finally {
    if (cluster && clusterUp && options.keepCluster) {
      enter(cluster, cluster.error ? "failed" : "kept", `left up (--keep-cluster): \`pulumi destroy -s ${cluster.stack}\` when done; it is billed until then`);
    } else if (cluster && clusterUp) {
      const write = (text: string) => appendFileSync(cluster.dir!, text);
      const left = await destroy(cluster, write);
      if (left) cluster.error = [cluster.error, left].filter(Boolean).join("; ");
      enter(cluster, cluster.error ? "failed" : signal.aborted ? "interrupted" : "destroyed");
    }
  }

  async function runRow(r: Row, plan: unknown): Promise<void> {
    const started = deps.now();
    const folder: RunFolder = store.begin(r.stack, runIdAt(started), started, plan);
    r.runId = folder.current.runId;
    r.dir = folder.dir;
    folder.update({ cost: runCostFromPlan(plan, clusterPrice) });
    const problems: string[] = [];
    let outputs: StackOutputs | null = null;
    let collected: { source: string; jobStatus: "ok" | "failed" } | null = null;
    let engine: EngineRecord | null = null;
    let upFailed = false;

    enter(r, "up");
    if (signal.aborted) {
      // Interrupted before Pulumi started: nothing was created, so there is nothing to destroy.
      r.error = "interrupted before the up started";
      enter(r, "interrupted");
      folder.update({ status: "interrupted", finishedAt: deps.now().toISOString(), error: r.error });
      return;
    }
    try {
      outputs = await driver.up(r.stack, { onOutput: output(r, (t) => folder.appendOutput("up", t)), signal });
    } catch (err) {
      upFailed = true;
      problems.push(`up: ${message(err)}`);
      if (!signal.aborted) {
        // A failed benchmark Job fails the up, yet its log holds the results of the points that ran.
        outputs = await driver.outputs(r.stack).catch(() => null);
      }
    }
    if (outputs && Object.keys(outputs).length === 0) {
      problems.push("collect: the stack recorded no outputs (kubeconfig, namespace, benchmarkJobName), so the Job's log cannot be read");
      outputs = null;
    }
    if (outputs) {
      enter(r, "collecting");
      try {
        // Not abortable: reading a finished Job's log takes seconds, and an interrupt right after a good up should keep its results.
        const c = await collector.collect(r.stack, outputs, { since: started });
        folder.saveResults(c.files);
        if (c.log !== undefined) folder.saveLog(c.log);
        if (c.engineLog !== undefined) folder.saveEngineLog(c.engineLog);
        engine = c.engine ?? null;
        collected = { source: c.source, jobStatus: c.status };
        if (c.status === "failed") problems.push("the benchmark Job reported failed points (see manifest.json failures)");
      } catch (err) {
        if (err instanceof CollectError && err.log !== undefined) folder.saveLog(err.log);
        problems.push(`collect: ${message(err)}`);
      }
    }
    const left = await destroy(r, (t) => folder.appendOutput("destroy", t));
    if (left) problems.push(left);

    const complete = collected !== null && !upFailed && collected.jobStatus === "ok";
    const status: RunStatus = complete ? "collected" : signal.aborted ? "interrupted" : "failed";
    r.error = problems.length > 0 ? problems.join("; ") : undefined;
    enter(r, status === "collected" ? "collected" : status === "interrupted" ? "interrupted" : "failed", status === "collected" ? `results in ${folder.dir}` : "");
    folder.update({
      status,
      finishedAt: deps.now().toISOString(),
      source: collected?.source ?? null,
      jobStatus: collected?.jobStatus ?? null,
      error: r.error ?? null,
      phases: phaseTimes.get(r) ?? {},
      outputs: outputs ? publicOutputs(outputs) : {},
      engine,
    });
  }

  const interrupted = signal.aborted;
  const ok = experiments.every((r) => r.phase === "collected" || r.phase === "skipped") && rows.every((r) => !r.leftUp);
  return { rows, interrupted, ok };
}
