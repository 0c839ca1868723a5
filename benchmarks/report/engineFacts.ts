/**
 * The report's engine facts: one row per experiment (what its engine reported at start-up), and a warning for
 * every comparison whose experiments ran different engine generations or attention backends (pure).
 */
import { backendText } from "../results/engineStartup";
import { ExperimentEngine } from "../results/readResults";
import { MISSING, table } from "./markdown";

const backends = (e: ExperimentEngine) => (e.record?.facts ? backendText(e.record.facts) : null);

export function engineTable(engines: readonly ExperimentEngine[]): string | null {
  if (engines.length === 0) return null;
  const rows = engines.map((e) => {
    const f = e.record?.facts ?? null;
    const note = e.record === null ? "not recorded (a run from before servelab read the engine's log)" : [...(f?.fallbacks ?? []), e.record.reason ?? ""].filter(Boolean).join("; ");
    return [e.experiment, f?.vllmVersion ?? MISSING, f?.engine ?? MISSING, backends(e) ?? MISSING, f?.kvCacheDtype ?? MISSING, note];
  });
  return [
    "## Engines",
    "What one engine pod of each experiment logged at start-up (run.json `engine`, its log's head in engine.log).",
    table(["experiment", "vLLM", "engine", "attention backend", "KV cache dtype", "fallbacks and gaps"], rows, ["l", "l", "l", "l", "l", "l"]),
  ].join("\n\n");
}

/** Warnings for the experiments compared side by side (one report group). */
export function engineMismatches(experiments: readonly string[], engines: readonly ExperimentEngine[]): string[] {
  const known = experiments.map((name) => engines.find((e) => e.experiment === name)).filter((e): e is ExperimentEngine => e?.record?.facts != null);
  const warnings: string[] = [];
  const differ = (what: string, value: (e: ExperimentEngine) => string | null) => {
    const pairs = known.map((e) => [e.experiment, value(e)] as const).filter((p): p is readonly [string, string] => p[1] !== null);
    if (new Set(pairs.map((p) => p[1])).size > 1) warnings.push(`these experiments ran different ${what}: ${pairs.map(([name, v]) => `${name} ${v}`).join(", ")}`);
  };
  differ("engine generations", (e) => e.record!.facts!.engine);
  differ("attention backends", backends);
  return warnings;
}
