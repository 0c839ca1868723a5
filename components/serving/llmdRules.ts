/** Config rules of the llm-d router (pure): its pinned release, the precise mode's needs, the metric names load-aware scoring reads. */
import { computeCapability } from "../catalog/gpus";
import { LLMD } from "../catalog/versions";
import { ConfigRule } from "../cluster/facts";
import { ConfigProblem } from "../config/problems";
import { ExperimentConfig } from "../config/schema";
import { KV_EVENTS_FLAG, kvEventsGap } from "../engine/kvEvents";
import { hfRepo } from "../engine/sizing";
import { flagName } from "../engine/vllmArgs";
import { KV_USAGE_MODES, LlmdRouting, llmdMetricNames } from "./llmdEppConfig";
import { llmdRouting } from "./llmdSpec";

const version: ConfigRule = ({ router }, _facts, out) => {
  if (router.kind !== "llm-d" || !router.version || router.version === LLMD.version) return;
  out.push({
    path: "servelab:router.version",
    message: `"${router.version}": servelab renders values, EPP configurations and metric names for llm-d-router ${LLMD.version} only (its chart keys and plugin names change between releases); remove router.version`,
  });
};

/**
 * The precise mode needs engines that publish KV-cache events (engine/kvEvents.ts says which can) and a tokenizer
 * sidecar that tokenizes exactly as the engines do: `vllm launch render <model>` loads the model's tokenizer from
 * Hugging Face by repository name (llmdSpec.ts llmdTokenizerValues), so a tokenizer, revision or weights location
 * the engine takes from elsewhere would make the sidecar's tokens differ from the engines'.
 */
const precise: ConfigRule = (config, facts, out) => {
  if (config.router.kind !== "llm-d" || llmdRouting(config) !== "precise-prefix-cache") return;
  const mode = '"precise-prefix-cache"';
  const gap = kvEventsGap(config, computeCapability(facts.gpu.type));
  if (gap) {
    out.push({
      path: "servelab:router.routing",
      message: `${mode} needs engines that publish KV-cache events (vLLM ${KV_EVENTS_FLAG} with a ZMQ publisher per pod), and ${gap}; use prefix-cache (the EPP's approximate prefix index), load-aware or random`,
    });
  }
  const { model, engine } = config;
  if (model.weights?.from) {
    out.push({ path: "servelab:model.weights.from", message: `${mode}: the EPP's tokenizer sidecar loads ${hfRepo(model)}'s tokenizer from Hugging Face (or model.weights.hfEndpoint), not from object storage; remove weights.from or use prefix-cache` });
  }
  if (model.tokenizer) {
    out.push({ path: "servelab:model.tokenizer", message: `${mode}: the EPP's tokenizer sidecar (vllm launch render <model>) tokenizes with ${hfRepo(model)}'s own tokenizer, so its block keys would not match engines using ${model.tokenizer}; remove model.tokenizer or use prefix-cache` });
  }
  if (model.revision) {
    out.push({ path: "servelab:model.revision", message: `${mode}: servelab starts the EPP's tokenizer sidecar on ${hfRepo(model)}'s default revision, not ${model.revision}; remove model.revision or use prefix-cache` });
  }
  if (engine.extraArgs.some((a) => flagName(a) === KV_EVENTS_FLAG)) {
    out.push({ path: "servelab:engine.extraArgs", message: `${KV_EVENTS_FLAG}: servelab renders it for ${mode} (publisher, port and topic the EPP subscribes to); remove it` });
  }
};

/** Scoring that reads KV-cache usage needs the metric name the engine's vLLM version exports (llmdEppConfig.ts). */
const metricNames: ConfigRule = (config, _facts, out) => {
  if (config.router.kind !== "llm-d") return;
  const routing: LlmdRouting = llmdRouting(config);
  if (routing === "precise-prefix-cache" || !KV_USAGE_MODES.includes(routing)) return;
  if (llmdMetricNames(config.engine.image)) return;
  out.push({
    path: "servelab:engine.image",
    message: `"${config.engine.image}": llm-d routing ${routing} scores KV-cache usage, whose metric name depends on the vLLM version (vllm:gpu_cache_usage_perc before v0.10, vllm:kv_cache_usage_perc from v0.10), and servelab cannot tell the version of this image; use an upstream vllm/vllm-openai:vX.Y.Z image or routing: random`,
  });
};

export const LLMD_RULES: readonly ConfigRule[] = [version, precise, metricNames];

/** Hugging Face organisations whose repositories are gated (access must be requested): a download without a token fails with 401. */
const GATED_HF_ORGS = ["meta-llama"];

export function isGatedRepo(repo: string): boolean {
  return GATED_HF_ORGS.includes(repo.split("/")[0].toLowerCase());
}

/**
 * What only the running stack knows: whether servelab:hfToken is set. The precise mode's tokenizer sidecar downloads
 * the model's tokenizer at start; for a gated repository it would crash-loop without the token, and the EPP pod with it.
 */
export function llmdTokenProblems(config: ExperimentConfig, hasHfToken: boolean): ConfigProblem[] {
  if (config.router.kind !== "llm-d" || llmdRouting(config) !== "precise-prefix-cache" || hasHfToken) return [];
  const repo = hfRepo(config.model);
  if (!isGatedRepo(repo)) return [];
  return [{
    path: "servelab:hfToken",
    message: `is not set, and router.routing "precise-prefix-cache" runs a tokenizer sidecar in the endpoint picker's pod that downloads ${repo}'s tokenizer, a gated repository: run \`pulumi config set --secret servelab:hfToken <token>\` or use prefix-cache`,
  }];
}
