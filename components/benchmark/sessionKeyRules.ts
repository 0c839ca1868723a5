/**
 * Session routing keys on a request header (production-stack's router reads `sessionKey` from the request
 * headers, then from the JSON body). A key the harness never sends leaves every request without a session,
 * so the router falls back to its default choice and the row no longer measures session routing.
 */
import { ConfigProblem } from "../config/problems";
import { BenchmarkConfig, ExperimentConfig } from "../config/schema";

/**
 * Headers each harness sets on every request that name a user or session (lower case).
 * multi-round-qa sets `x-user-id` on every request whatever `--request-with-user-id` says: that flag only
 * fills `WorkloadConfig.enable_user_id`, which nothing reads (vllm-project/production-stack@57b30f05:
 * benchmarks/multi-round-qa/multi-round-qa.py, `extra_headers={"x-user-id": ...}` in `_launch_new_request`;
 * unchanged up to e92d43fb). vllm bench serve, KubeAI's benchmark_serving fork and KubeAI's k6.js send only
 * Content-Type and Authorization (kubeai-project/kubeai@379018b6: benchmarks/multi-turn-chat-k6/k6.js;
 * benchmarks/chat-py/backend_request_func.py).
 */
export const SESSION_HEADERS: Record<BenchmarkConfig["harness"], readonly string[]> = {
  "multi-round-qa": ["x-user-id"],
  "vllm-bench": [],
  sonnet: [],
  "kubeai-benchmark-serving": [],
  "kubeai-chat-k6": [],
};

export function sessionKeyProblems({ router, benchmark }: ExperimentConfig): ConfigProblem[] {
  if (router.routing !== "session" || !router.sessionKey || !benchmark) return [];
  const sent = SESSION_HEADERS[benchmark.harness];
  if (sent.includes(router.sessionKey.toLowerCase())) return [];
  const fix = sent.length > 0 ? `set sessionKey: ${sent[0]}` : "use another routing mode (prefixaware or roundrobin) or a harness that sends a session header (multi-round-qa sends x-user-id)";
  return [{
    path: "servelab:router.sessionKey",
    message: `"${router.sessionKey}": the ${benchmark.harness} harness never sends this header, so no request would carry a session and the router would not route by session; ${fix}`,
  }];
}
