/**
 * Registry of the KV-cache tiers' config rules: one entry per tier of catalog/routers.ts KV_TIERS (the type makes
 * a missing one a compile error). Every tier's rules run whatever tier is chosen (a tier also refuses its own
 * settings, such as kvCache.infinistore, under another tier); each rule checks kvCache.tier itself.
 */
import { KvTier } from "../catalog/routers";
import { ClusterFacts, ConfigRule } from "../cluster/facts";
import { aibrixKvProblems } from "./aibrixKvRules";
import { rdmaFitProblems } from "./rdmaFitRules";

const NO_RDMA: Record<ClusterFacts["cloud"], string> = {
  gke: ": standard GKE nodes have none",
  kubeconfig: " with rdma: false",
  vke: " with gpu.rdma: false",
};

const noSize: ConfigRule = ({ kvCache }, _facts, out) => {
  if (kvCache.tier === "none" && kvCache.sizeGb !== undefined) {
    out.push({ path: "servelab:kvCache.sizeGb", message: "only applies with a KV-cache tier (tier is none)" });
  }
};

const sizeRequired: ConfigRule = ({ kvCache }, _facts, out) => {
  if ((kvCache.tier === "lmcache-cpu" || kvCache.tier === "aibrix-l1-dram") && kvCache.sizeGb === undefined) {
    out.push({ path: "servelab:kvCache.sizeGb", message: `is required with tier: ${kvCache.tier} (host memory per replica, in GB)` });
  }
};

const aibrixRouter: ConfigRule = ({ kvCache, router }, _facts, out) => {
  if (kvCache.tier.startsWith("aibrix-") && router.kind !== "aibrix") {
    out.push({ path: "servelab:kvCache.tier", message: `${kvCache.tier} needs router.kind: aibrix (router is ${router.kind})` });
  }
};

const lmcacheRouter: ConfigRule = ({ kvCache, router, engine }, _facts, out) => {
  if (kvCache.tier !== "lmcache-cpu") return;
  // One message: servelab deploys the LMCache tier only through the vllm-stack chart, whatever the engine image.
  if (router.kind !== "production-stack") {
    const image = /lmcache/i.test(engine.image) ? `, and the LMCache engine image ${engine.image} alone does not configure the tier` : "";
    out.push({
      path: "servelab:kvCache.tier",
      message: `lmcache-cpu is deployed only through router.kind: production-stack in this version of servelab, by the vllm-stack chart (router is ${router.kind}${image}): lmcache-cpu needs router.kind: production-stack, or use tier: none`,
    });
  }
};

const infinistoreRdma: ConfigRule = ({ kvCache }, facts, out) => {
  if (kvCache.tier === "aibrix-l2-infinistore" && !facts.rdma) {
    out.push({
      path: "servelab:kvCache.tier",
      message: `aibrix-l2-infinistore needs RDMA NICs, which this cluster does not have (${facts.cloud}${NO_RDMA[facts.cloud]}): InfiniStore ships with RDMA transport only (its TCP path is unverified, bytedance/InfiniStore#167); use aibrix-l1-dram on this cluster, or a cluster with RDMA (vke with gpu.rdma: true, or kubeconfig with rdma: true)`,
    });
  }
};

/** The AIBrix tiers' engine build, flags, env and memory (both tiers share one module). */
const aibrixKv: ConfigRule = (config, facts, out) => out.push(...aibrixKvProblems(config, facts));
const rdmaFit: ConfigRule = (config, facts, out) => out.push(...rdmaFitProblems(config, facts));

export const KV_TIER_RULES: Record<KvTier, readonly ConfigRule[]> = {
  none: [noSize],
  "lmcache-cpu": [lmcacheRouter, sizeRequired],
  "aibrix-l1-dram": [aibrixRouter, aibrixKv],
  "aibrix-l2-infinistore": [infinistoreRdma, rdmaFit],
};

/**
 * Whether a rehearsal can keep each KV tier while the engines become llm-d's simulator (components/rehearsal/): every
 * tier servelab deploys lives inside the vLLM engine build it needs, which the simulator replaces.
 */
export const KV_TIER_REHEARSAL: Record<KvTier, { refused?: string }> = {
  none: {},
  "lmcache-cpu": { refused: "the LMCache CPU tier is LMCache's connector inside its vLLM build (lmcache/vllm-openai), which the simulator replaces" },
  "aibrix-l1-dram": {
    refused: "the AIBrix L1 DRAM tier is AIBrix's KV-cache vLLM build (aibrix/vllm-openai:aibrix-kvcache-*, AIBrixOffloadingConnector inside the engine), which the simulator replaces",
  },
  "aibrix-l2-infinistore": {
    refused: "the AIBrix InfiniStore tier needs RDMA NICs for its KVCache pods and AIBrix's KV-cache vLLM build as its client, neither of which a laptop cluster with the simulator has",
  },
};
