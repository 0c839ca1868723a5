/** Config rules of production-stack (vllm-stack 0.1.12): values the chart would reject or silently mis-deploy (pure). */
import { CHARTS } from "../catalog/versions";
import { ConfigRule } from "../cluster/facts";
import { chartVersionRule } from "./chartVersionRules";
import { replicasOnNode } from "../engine/sizing";
import { productionStackConnectorProblems } from "./productionStackConnectorRules";
import { LMCACHE_REPOSITORY, lmcacheMinMemoryGb, productionStackImage, productionStackMemory, splitImage } from "./productionStackValues";

const chartValues: ConfigRule = (config, facts, out) => {
  const { router, engine, kvCache, cluster } = config;
  if (router.kind !== "production-stack") return;
  out.push(...productionStackConnectorProblems(config));
  if (router.routing === "kvaware") {
    out.push({ path: "servelab:router.routing", message: '"kvaware" needs the LMCache controller (lmcacheConfig.enableController and router controller ports), which servelab does not deploy yet; use session, prefixaware or roundrobin' });
  }
  if (engine.cpu !== undefined && !Number.isInteger(engine.cpu)) {
    out.push({ path: "servelab:engine.cpu", message: `${engine.cpu}: the vllm-stack chart takes requestCPU as an integer; use ${Math.floor(engine.cpu) || 1} or ${Math.ceil(engine.cpu)}` });
  }
  const image = productionStackImage(config);
  const split = splitImage(image);
  if (!split) {
    out.push({ path: "servelab:engine.image", message: `"${image}" needs an explicit tag and no digest: the vllm-stack chart writes the image as <repository>:<tag>` });
  } else if (kvCache.tier === "lmcache-cpu" && split.repository !== LMCACHE_REPOSITORY) {
    out.push({
      path: "servelab:engine.image",
      message: `"${image}": with kvCache.tier lmcache-cpu the image repository must be exactly ${LMCACHE_REPOSITORY} (the chart runs /opt/venv/bin/vllm only for that name, and upstream vLLM has no LMCache); omit engine.image for the pinned LMCache build`,
    });
  }
  if (cluster.provider === "kubeconfig" && cluster.systemTolerations.length > 0) {
    out.push({ path: "servelab:cluster.systemTolerations", message: "the production-stack router template has no tolerations, so it cannot run on a tainted system pool; give an untainted pool through systemNodeSelector and remove systemTolerations" });
  }
};

/** The LMCache CPU buffer is pinned memory inside the engine pod. */
const lmcacheMemory: ConfigRule = (config, facts, out) => {
  const { router, engine, kvCache } = config;
  if (router.kind !== "production-stack" || kvCache.tier !== "lmcache-cpu" || kvCache.sizeGb === undefined) return;
  const need = lmcacheMinMemoryGb(kvCache.sizeGb);
  if (engine.memory !== undefined) {
    const { memoryGb } = productionStackMemory(config, facts);
    if (memoryGb < need) {
      out.push({ path: "servelab:engine.memory", message: `${engine.memory} (${Math.floor(memoryGb)} GB) cannot hold the pinned LMCache buffer of kvCache.sizeGb ${kvCache.sizeGb} GB plus about ${need - kvCache.sizeGb} GB for the engine; raise engine.memory to at least ${need} GB or lower kvCache.sizeGb` });
    }
  } else if (facts.gpu.allocatable && engine.tensorParallel <= facts.gpu.perNode) {
    const perNode = replicasOnNode(facts.gpu, engine);
    const { memory, memoryGb } = productionStackMemory(config, facts);
    if (memoryGb * perNode > facts.gpu.allocatable.memoryGb) {
      out.push({
        path: "servelab:kvCache.sizeGb",
        message: `${kvCache.sizeGb} GB of pinned LMCache buffer needs ${memory} a replica; × ${perNode} replica${perNode === 1 ? "" : "s"} a node = ${Math.round(memoryGb * perNode)} GB, but pods can use about ${Math.floor(facts.gpu.allocatable.memoryGb)} GB of a GPU node; lower kvCache.sizeGb${perNode > 1 ? " or engine.replicas (fewer replicas a node)" : ""}`,
      });
    }
  }
};

/** The vllm-stack chart runs /opt/venv/bin/vllm only for the repository name lmcache/vllm-openai; a mirrored name breaks it. */
const mirroredLmcache: ConfigRule = (config, _facts, out) => {
  const { cluster, router } = config;
  if (!cluster.imageRegistry || router.kind !== "production-stack") return;
  const split = splitImage(productionStackImage(config));
  if (split?.repository === LMCACHE_REPOSITORY) {
    out.push({
      path: "servelab:cluster.imageRegistry",
      message: `"${cluster.imageRegistry}" would rename ${LMCACHE_REPOSITORY}, and the vllm-stack chart starts /opt/venv/bin/vllm only for that exact repository name (a mirrored name gets \`vllm\`: executable file not found, production-stack#454); remove imageRegistry and mirror through the nodes' containerd instead, or use an engine image without LMCache`,
    });
  }
};

export const PRODUCTION_STACK_RULES: readonly ConfigRule[] = [chartVersionRule("production-stack", CHARTS.productionStack), chartValues, lmcacheMemory, mirroredLmcache];
