/** What a harness module produces: the benchmark container's command, pure and Pulumi-free. */
export interface HarnessRun {
  harness: string;
  image: string;
  /** Python driver in the scripts ConfigMap plus its arguments; `$(VAR)` expands from `env`. */
  command: string[];
  /** Files of benchmarks/scripts/ the run needs besides servelab_common.py; the first is the driver in `command`. */
  scripts: string[];
  /** Third-party scripts from benchmarks/vendor/ shipped beside them: ConfigMap key -> file under benchmarks/vendor/. */
  vendored?: Record<string, string>;
  args: string[];
  env: Record<string, string>;
  /** One descriptor per load point, in run order (written into the results manifest). */
  points: Array<Record<string, number | string>>;
  /** Upper bound for the whole run, including the readiness gate; becomes the Job's activeDeadlineSeconds. */
  timeoutSeconds: number;
}

export interface HarnessContext {
  /** The experiment (stack) name: prefix of every result file. */
  experiment: string;
  /** Tokenizer (Hugging Face id) for harnesses that count tokens client-side. */
  tokenizer: string;
  /** A folder the driver writes a tokenizer into that needs no download, used instead of `tokenizer` (rehearsals). */
  offlineTokenizer?: string;
}

/** Where a rehearsal writes its offline tokenizer before the driver starts (benchmarks/scripts/offline_tokenizer.py). */
export const OFFLINE_TOKENIZER_DIR = "/tmp/servelab-offline-tokenizer";
export const OFFLINE_TOKENIZER_SCRIPT = "offline_tokenizer.py";

/** The tokenizer the load generator loads: the offline one in a rehearsal, else the model's. */
export function tokenizerOf(ctx: HarnessContext): string {
  return ctx.offlineTokenizer ?? ctx.tokenizer;
}

/** A run whose driver starts after offline_tokenizer.py has written the tokenizer into `dir` (same driver, same arguments). */
export function withOfflineTokenizer(run: HarnessRun, dir: string): HarnessRun {
  return {
    ...run,
    command: ["python3", `${SCRIPTS_DIR}/${OFFLINE_TOKENIZER_SCRIPT}`, dir, "--", ...run.command],
    scripts: [OFFLINE_TOKENIZER_SCRIPT, ...run.scripts],
  };
}

/** Environment variables the Job sets from Pulumi outputs; harness args refer to them as $(NAME). */
export const ENV = {
  baseUrl: "SERVELAB_BASE_URL",
  model: "SERVELAB_MODEL",
  bucket: "SERVELAB_RESULTS_BUCKET",
  experiment: "SERVELAB_EXPERIMENT",
} as const;

export const SCRIPTS_DIR = "/servelab";
export const RESULTS_DIR = "/results";

/** Margin on derived Job bounds, for slow pip mirrors, image pulls and a loaded router. */
export const TIME_MARGIN = 1.2;

/** benchmark.repeats, 1 when omitted. */
export function repeatsOf(b: { repeats?: number }): number {
  return b.repeats ?? 1;
}

export function commonDriverArgs(b: { readyTimeoutMinutes: number; maxFailedRequests: number; repeats?: number }): string[] {
  // Repeats are passed only when asked for, so a single-run Job (and its plan) stays as it was.
  const repeats = repeatsOf(b) > 1 ? ["--repeats", String(repeatsOf(b))] : [];
  return [
    "--base-url", `$(${ENV.baseUrl})`,
    "--model", `$(${ENV.model})`,
    "--experiment", `$(${ENV.experiment})`,
    "--results-dir", RESULTS_DIR,
    "--ready-timeout", String(b.readyTimeoutMinutes * 60),
    "--max-failed-requests", String(b.maxFailedRequests),
    ...repeats,
  ];
}

/** Seconds between two scrapes of every engine's /metrics within a load point (besides its start and end). */
export const SCRAPE_INTERVAL_SECONDS = 15;

/** `extra` driver arguments put first, so they stay out of a trailing list option (`--qps 0.5 1`) and before `--`. */
export function withDriverArgs(run: HarnessRun, extra: readonly string[]): HarnessRun {
  return extra.length === 0 ? run : { ...run, args: [...extra, ...run.args] };
}
