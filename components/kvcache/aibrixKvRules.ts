/** Config rules of the AIBrix KV tiers (pure): engine build, flags, env and memory the tiers need. */
import { IMAGES } from "../catalog/versions";
import { ClusterFacts } from "../cluster/facts";
import { ConfigProblem } from "../config/problems";
import { ExperimentConfig } from "../config/schema";
import { quantityGb } from "../config/quantity";
import { engineResources, replicasOnNode } from "../engine/sizing";
import { flagName } from "../engine/vllmArgs";
import { aibrixVersion } from "../serving/aibrixSpec";
import {
  AIBRIX_L1_OVERHEAD_GB, aibrixEngineMemory, aibrixKvEnv, aibrixKvImage, aibrixL1MinMemoryGb, infinistoreMemory, infinistoreSettings,
  isAibrixKvImage, isAibrixKvTier,
} from "./aibrixKvCache";

/** The only AIBrix version whose KV-cache connector servelab renders (v0.7.0 uses the V1 connector types). */
const KV_VERSION = "v0.3.0";

export function aibrixKvProblems(config: ExperimentConfig, facts: ClusterFacts): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  const { kvCache, engine, router } = config;
  const tier = kvCache.tier;
  if (kvCache.infinistore && tier !== "aibrix-l2-infinistore") {
    out.push({ path: "servelab:kvCache.infinistore", message: `applies only to tier: aibrix-l2-infinistore (tier is ${tier}); remove it` });
  }
  if (!isAibrixKvTier(tier) || router.kind !== "aibrix") return out;

  const version = aibrixVersion(router);
  if (version !== KV_VERSION) {
    out.push({ path: "servelab:router.version", message: `"${version}": servelab renders the AIBrix KV-cache connector of ${KV_VERSION} only (AIBrixOffloadingConnector on vLLM 0.8.5, V0 engine); use version ${KV_VERSION} with ${tier}` });
  }
  const image = aibrixKvImage(engine.image);
  if (!isAibrixKvImage(image)) {
    out.push({ path: "servelab:engine.image", message: `"${engine.image}" is not an AIBrix KV-cache vLLM build; ${tier} needs one (its patched vLLM registers the AIBrixOffloadingConnector, upstream vLLM has none); omit engine.image for the pinned ${IMAGES.aibrixKvcacheVllm}` });
  }
  if (engine.chunkedPrefill === true) {
    out.push({ path: "servelab:engine.chunkedPrefill", message: `true: the AIBrix KV-cache connector runs with chunked prefill off; set false or omit it with ${tier}` });
  }
  engine.extraArgs.forEach((arg, i) => {
    if (flagName(arg) === "--kv-transfer-config") {
      out.push({ path: `servelab:engine.extraArgs[${i}]`, message: `"${arg}" is set by servelab for ${tier}; remove it` });
    }
  });
  const tierEnv = aibrixKvEnv(tier, kvCache);
  for (const key of Object.keys(engine.env)) {
    if (key in tierEnv) out.push({ path: `servelab:engine.env.${key}`, message: `is set by servelab for kvCache.tier ${tier} (to "${tierEnv[key]}"); remove it` });
  }
  if (tier === "aibrix-l2-infinistore" && kvCache.sizeGb === undefined) {
    out.push({ path: "servelab:kvCache.sizeGb", message: "is required with tier: aibrix-l2-infinistore (InfiniStore pool per cache node, in GB)" });
  }
  if (tier === "aibrix-l2-infinistore" && kvCache.sizeGb !== undefined) out.push(...infinistoreFitProblems(config, facts, kvCache.sizeGb));
  if (tier === "aibrix-l1-dram" && kvCache.sizeGb !== undefined) {
    const need = aibrixL1MinMemoryGb(engine.tensorParallel, kvCache.sizeGb);
    const { memory, memoryGb } = aibrixEngineMemory(config, facts);
    if (engine.memory !== undefined && memoryGb < need) {
      out.push({
        path: "servelab:engine.memory",
        message: `${engine.memory} (${Math.floor(memoryGb)} GB) is below tensorParallel ${engine.tensorParallel} × (kvCache.sizeGb ${kvCache.sizeGb} + ${AIBRIX_L1_OVERHEAD_GB}) = ${need} GB, what an AIBrix L1 DRAM engine needs (vllm-project/aibrix#1154: less gets OOM-killed); raise engine.memory or lower kvCache.sizeGb`,
      });
    } else if (engine.memory === undefined && facts.gpu.allocatable && engine.tensorParallel <= facts.gpu.perNode) {
      const perNode = replicasOnNode(facts.gpu, engine);
      if (memoryGb * perNode > facts.gpu.allocatable.memoryGb) {
        out.push({
          path: "servelab:kvCache.sizeGb",
          message: `${kvCache.sizeGb} GB of L1 DRAM cache needs ${memory} a replica; × ${perNode} replica${perNode === 1 ? "" : "s"} a node = ${Math.round(memoryGb * perNode)} GB, but pods can use about ${Math.floor(facts.gpu.allocatable.memoryGb)} GB of a GPU node; lower kvCache.sizeGb${perNode > 1 ? " or engine.replicas (fewer replicas a node)" : ""}`,
        });
      }
    }
  }
  return out;
}

/**
 * The InfiniStore pods run on the GPU nodes (the RDMA NICs are there) beside the engines: the engines a node
 * holds plus the cache pods that land on it must fit the node, or the cache pod stays Pending and the
 * engines find no InfiniStore node in the KVCache's Redis.
 */
function infinistoreFitProblems(config: ExperimentConfig, facts: ClusterFacts, sizeGb: number): ConfigProblem[] {
  const { engine, kvCache } = config;
  const { gpu } = facts;
  if (!gpu.allocatable || engine.tensorParallel > gpu.perNode) return [];
  const s = infinistoreSettings(kvCache);
  const memory = infinistoreMemory(sizeGb);
  const res = engineResources(engine, gpu);
  const engines = replicasOnNode(gpu, engine);
  const caches = Math.ceil(s.nodes / gpu.nodes);
  const node = `a GPU node (${engines} engine replica${engines > 1 ? "s" : ""} and ${caches} InfiniStore pod${caches > 1 ? "s" : ""})`;
  const out: ConfigProblem[] = [];
  const memoryGb = res.memoryGb * engines + quantityGb(memory) * caches;
  if (memoryGb > gpu.allocatable.memoryGb) {
    out.push({
      path: "servelab:kvCache.sizeGb",
      message: `${sizeGb} GB of InfiniStore pool needs ${memory} an InfiniStore pod, which runs on the GPU nodes; with the engines' ${res.memory} each, ${node} needs ${Math.round(memoryGb)} GB, but pods can use about ${Math.floor(gpu.allocatable.memoryGb)} GB of it; lower kvCache.sizeGb or set a smaller engine.memory`,
    });
  }
  const cpu = res.cpu * engines + s.cpu * caches;
  if (cpu > gpu.allocatable.cpu) {
    out.push({
      path: "servelab:kvCache.infinistore.cpu",
      message: `${s.cpu}: an InfiniStore pod runs on the GPU nodes; with the engines' ${res.cpu} CPUs each, ${node} needs ${cpu} CPUs, but pods can use about ${Math.floor(gpu.allocatable.cpu)}; lower kvCache.infinistore.cpu or set a smaller engine.cpu`,
    });
  }
  return out;
}
