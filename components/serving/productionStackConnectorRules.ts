/**
 * The LMCache connector the vllm-stack chart passes, against the engine generation the config selects (pure).
 *
 * vllm-stack 0.1.12 passes `--kv-transfer-config {"kv_connector":"LMCacheConnectorV1",...}` whenever
 * lmcacheConfig.enabled, unless modelSpec.vllmConfig.v0 is "1", which servelab never sets
 * (vllm-project/production-stack@vllm-stack-0.1.12:helm/templates/deployment-vllm-multi.yaml). LMCacheConnectorV1 is a
 * V1-only connector: vLLM's KVConnectorFactory (vllm/distributed/kv_transfer/kv_connector/factory.py, v0.8.5 to
 * v0.10) raises "Attempting to initialize a V1 Connector" when VLLM_USE_V1 is off, and its V0 path asserts a V0
 * KVConnectorBase. So `engine.env.VLLM_USE_V1: "0"` (the way to ask for the AIBrix regression's V0 engine) makes
 * every replica fail at start-up behind this chart.
 */
import { ConfigProblem } from "../config/problems";
import { ExperimentConfig } from "../config/schema";

export function productionStackConnectorProblems(config: Pick<ExperimentConfig, "router" | "kvCache" | "engine">): ConfigProblem[] {
  const { router, kvCache, engine } = config;
  if (router.kind !== "production-stack" || kvCache.tier !== "lmcache-cpu" || engine.env.VLLM_USE_V1 !== "0") return [];
  return [{
    path: "servelab:engine.env.VLLM_USE_V1",
    message:
      '"0" with router production-stack and kvCache.tier lmcache-cpu: the vllm-stack chart passes LMCacheConnectorV1, which vLLM\'s V0 engine ' +
      "cannot load, so every replica would fail at start-up; remove VLLM_USE_V1 (the engine runs V1, as ps_stack states), or use kvCache.tier: none",
  }];
}
