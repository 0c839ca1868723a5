/**
 * KubeAI's k6 multi-turn chat (kubeai-project/kubeai@379018b6 benchmarks/multi-turn-chat-k6):
 * shared-iterations over message threads prepared from ShareGPT at run time, `warmupRuns` unrecorded
 * runs, then the measured run, whose k6 end-of-test summary (--summary-export JSON) is the result.
 */
import { KUBEAI_CHAT_K6 } from "../catalog/versions";
import { KubeAiChatK6Config } from "../config/schema";
import { HarnessContext, HarnessRun, SCRIPTS_DIR, TIME_MARGIN, commonDriverArgs, repeatsOf } from "./harness";

/** KubeAI's k6.js at the pinned commit, shipped in the scripts ConfigMap (benchmarks/vendor/PROVENANCE.md); still checked by sha256. */
export const KUBEAI_CHAT_K6_VENDORED = { "k6.js": "kubeai/k6.js" };

/** Downloads (k6, k6.js, ShareGPT ~700 MB) and thread preparation, before the run. */
const SETUP_SECONDS = 900;
/** k6's gracefulStop (30 s) plus the summary export. */
const STOP_SECONDS = 60;

export function kubeAiChatK6Run(b: KubeAiChatK6Config, _ctx: HarnessContext): HarnessRun {
  const runs = b.warmupRuns + repeatsOf(b);
  const derived = (b.readyTimeoutMinutes * 60 + SETUP_SECONDS + runs * (b.maxDurationSeconds + STOP_SECONDS)) * TIME_MARGIN;
  return {
    harness: "kubeai-chat-k6",
    image: b.image,
    command: ["python3", `${SCRIPTS_DIR}/kubeai_chat_k6.py`],
    scripts: ["kubeai_chat_k6.py", "prepare_message_threads.py"],
    vendored: KUBEAI_CHAT_K6_VENDORED,
    args: [
      ...commonDriverArgs(b),
      "--k6-archive", b.k6ArchiveUrl ?? KUBEAI_CHAT_K6.k6Archive,
      "--k6-js", `file://${SCRIPTS_DIR}/k6.js`,
      "--k6-js-sha256", KUBEAI_CHAT_K6.k6JsSha256,
      "--sharegpt", b.shareGptUrl ?? KUBEAI_CHAT_K6.shareGpt,
      "--threads", String(b.threads),
      "--vus", String(b.vus),
      "--iterations", String(b.iterations),
      "--max-tokens", String(b.maxTokens),
      "--max-duration-seconds", String(b.maxDurationSeconds),
      "--warmup-runs", String(b.warmupRuns),
    ],
    env: {},
    points: [{ vus: b.vus, iterations: b.iterations, maxTokens: b.maxTokens }],
    timeoutSeconds: b.timeoutMinutes !== undefined ? b.timeoutMinutes * 60 : Math.ceil(derived),
  };
}
