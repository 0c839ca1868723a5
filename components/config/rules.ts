/**
 * Rules that relate several config fields (README.md §Configuration): routing vs router, KV tier vs
 * router and cluster, GPU count and per-node fit, pod size vs node size, benchmark vs engine.
 * Pure: returns every problem found, each with the key path to fix.
 */
import { ROUTERS, routingModesFor } from "../catalog/routers";
import { CHARTS, KUBEAI_CHART_IMAGES } from "../catalog/versions";
import { ClusterFacts, resolveClusterFacts } from "../cluster/facts";
import { SERVICE_CIDR as VKE_SERVICE_CIDR } from "../cluster/vkeSpec";
import { VKE_GPU_INSTANCES, mayHaveRdma } from "../catalog/vkeMachines";
import { RENDERED_FLAGS, flagName } from "../engine/vllmArgs";
import { engineResources, replicasOnNode, replicasPerNode } from "../engine/sizing";
import { multiRoundQaContextTokens } from "../benchmark/multiRoundQa";
import { sessionKeyProblems } from "../benchmark/sessionKeyRules";
import { resultsProblems } from "../results/rules";
import { gkeCapacityProblems } from "../cluster/gkeCapacityRules";
import { aibrixKvProblems } from "../kvcache/aibrixKvRules";
import { rdmaFitProblems } from "../kvcache/rdmaFitRules";
import { engineGpuProblems } from "../engine/gpuRules";
import { aibrixProblems } from "../serving/aibrixSpec";
import { productionStackConnectorProblems } from "../serving/productionStackConnectorRules";
import { LMCACHE_REPOSITORY, lmcacheMinMemoryGb, productionStackImage, productionStackMemory, splitImage } from "../serving/productionStackValues";
import { FIT_RULES } from "./fitRules";
import { ConfigProblem } from "./problems";
import { quantityGb } from "./quantity";
import { ExperimentConfig } from "./schema";

type Rule = (config: ExperimentConfig, facts: ClusterFacts, out: ConfigProblem[]) => void;

const SECRET_ENV = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACE_TOKEN"];
const KUBEAI_NAME_LIMIT = 40;

const gkeZones: Rule = ({ cluster }, facts, out) => {
  if (cluster.provider !== "gke") return;
  const zones = cluster.zones ?? [];
  if (zones.length !== 1) {
    out.push({
      path: "servelab:cluster.zones",
      message: `${zones.length === 0 ? "is required on GKE" : `lists ${zones.length} zones; give exactly one`}: the cluster and its pools live in one zone that offers ${cluster.gpu.type} GPUs (find one with \`gcloud compute accelerator-types list --filter="zone~${cluster.region}"\`)`,
    });
  } else if (!zones[0].startsWith(`${cluster.region}-`)) {
    out.push({ path: "servelab:cluster.zones[0]", message: `"${zones[0]}" is not in region ${cluster.region}` });
  }
  out.push(...gkeCapacityProblems(cluster, facts.gpu));
  const { provisioning, reservation } = cluster.gpu;
  if (reservation && provisioning !== "reservation") {
    out.push({ path: "servelab:cluster.gpu.reservation", message: `only applies with provisioning: reservation (provisioning is ${provisioning})` });
  }
};

const routing: Rule = (config, _facts, out) => {
  const { router } = config;
  const facts = ROUTERS[router.kind];
  if (router.kind === "k8s-service") {
    if (router.routing) out.push({ path: "servelab:router.routing", message: `"${router.routing}": k8s-service has no routing modes (kube-proxy spreads connections); remove the key or pick a router with routing modes` });
    if (router.version) out.push({ path: "servelab:router.version", message: "k8s-service has no version; remove the key" });
  } else if (router.routing) {
    const modes = routingModesFor(router.kind, router.version ?? facts.defaultVersion);
    if (!modes.includes(router.routing)) {
      out.push({ path: "servelab:router.routing", message: `"${router.routing}" is not a routing mode of ${router.kind}; allowed: ${modes.join(", ")} (omit for ${facts.defaultRouting})` });
    }
  }
  const wantsSession = router.routing === "session" || router.routing === "kvaware";
  if (router.routing === "session" && !router.sessionKey) {
    out.push({ path: "servelab:router.sessionKey", message: "is required with routing: session: the request header the router keys sessions on (multi-round-qa sends x-user-id on every request)" });
  }
  out.push(...sessionKeyProblems(config));
  if (router.sessionKey && !wantsSession) {
    out.push({ path: "servelab:router.sessionKey", message: `only applies to session or kvaware routing (routing is ${router.routing ?? "unset"})` });
  }
};

const NO_RDMA: Record<ClusterFacts["cloud"], string> = {
  gke: ": standard GKE nodes have none",
  kubeconfig: " with rdma: false",
  vke: " with gpu.rdma: false",
};

const kvTier: Rule = ({ kvCache, router, engine }, facts, out) => {
  const { tier, sizeGb } = kvCache;
  if (tier.startsWith("aibrix-") && router.kind !== "aibrix") {
    out.push({ path: "servelab:kvCache.tier", message: `${tier} needs router.kind: aibrix (router is ${router.kind})` });
  }
  if (tier === "lmcache-cpu" && router.kind !== "production-stack" && !(router.kind === "k8s-service" && /lmcache/i.test(engine.image))) {
    out.push({ path: "servelab:kvCache.tier", message: `lmcache-cpu needs router.kind: production-stack, or k8s-service with an LMCache engine image (router is ${router.kind}, image ${engine.image})` });
  }
  if (tier === "aibrix-l2-infinistore" && !facts.rdma) {
    out.push({
      path: "servelab:kvCache.tier",
      message: `aibrix-l2-infinistore needs RDMA NICs, which this cluster does not have (${facts.cloud}${NO_RDMA[facts.cloud]}): InfiniStore ships with RDMA transport only (its TCP path is unverified, bytedance/InfiniStore#167); use aibrix-l1-dram on this cluster, or a cluster with RDMA (vke with gpu.rdma: true, or kubeconfig with rdma: true)`,
    });
  }
  if ((tier === "lmcache-cpu" || tier === "aibrix-l1-dram") && sizeGb === undefined) {
    out.push({ path: "servelab:kvCache.sizeGb", message: `is required with tier: ${tier} (host memory per replica, in GB)` });
  }
  if (tier === "none" && sizeGb !== undefined) {
    out.push({ path: "servelab:kvCache.sizeGb", message: "only applies with a KV-cache tier (tier is none)" });
  }
};

const engineArgs: Rule = (config, facts, out) => {
  const { engine } = config;
  out.push(...engineGpuProblems(config, facts));
  engine.extraArgs.forEach((arg, i) => {
    const name = flagName(arg);
    if (name && RENDERED_FLAGS[name]) {
      out.push({ path: `servelab:engine.extraArgs[${i}]`, message: `"${arg}" is set by servelab; use ${RENDERED_FLAGS[name]} instead` });
    }
  });
  for (const key of Object.keys(engine.env)) {
    if (SECRET_ENV.includes(key)) {
      out.push({ path: `servelab:engine.env.${key}`, message: "would put a secret in the stack file; set it with `pulumi config set --secret servelab:hfToken <token>`" });
    }
  }
};

const modelName: Rule = ({ router, model }, _facts, out) => {
  if (router.kind === "kubeai" && model.name && model.name.length > KUBEAI_NAME_LIMIT) {
    out.push({ path: "servelab:model.name", message: `"${model.name}" has ${model.name.length} characters; KubeAI model names are at most ${KUBEAI_NAME_LIMIT}` });
  }
  if (router.kind === "kubeai" && !model.name) {
    out.push({ path: "servelab:model.name", message: "is required with router.kind: kubeai (it becomes the Model's metadata.name)" });
  }
};

const gpuFit: Rule = ({ engine }, { gpu }, out) => {
  const tp = engine.tensorParallel;
  const pool = `${gpu.nodes} node${gpu.nodes > 1 ? "s" : ""} × ${gpu.perNode} ${gpu.type}`;
  if (tp > gpu.perNode) {
    out.push({ path: "servelab:engine.tensorParallel", message: `${tp}: a replica's GPUs must share one node, and a node has ${gpu.perNode} ${gpu.type}; lower tensorParallel or use a machine with more GPUs` });
    return;
  }
  const needed = engine.replicas * tp;
  if (needed > gpu.total) {
    out.push({ path: "servelab:engine.replicas", message: `${engine.replicas} replicas × tensorParallel ${tp} = ${needed} GPUs, but the GPU pool has ${gpu.total} (${pool}); lower replicas or raise cluster.gpu.nodes` });
    return;
  }
  const fit = replicasPerNode(gpu, tp) * gpu.nodes;
  if (engine.replicas > fit) {
    out.push({ path: "servelab:engine.replicas", message: `${engine.replicas} replicas of ${tp} GPUs do not pack into ${pool} (at most ${fit}: ${replicasPerNode(gpu, tp)} a node)` });
  }
};

const podFit: Rule = ({ engine }, { gpu }, out) => {
  const alloc = gpu.allocatable;
  if (!alloc || engine.tensorParallel > gpu.perNode) return;
  const res = engineResources(engine, gpu);
  const perNode = replicasOnNode(gpu, engine);
  const where = gpu.machineType ? `a ${gpu.machineType} node` : "a GPU node";
  if (res.memoryGb * perNode > alloc.memoryGb) {
    out.push({
      path: "servelab:engine.memory",
      message: `${res.memory} × ${perNode} replicas on ${where} = ${Math.round(res.memoryGb * perNode)} GB, but pods can use about ${Math.floor(alloc.memoryGb)} GB of it; lower engine.memory`,
    });
  }
  if (res.cpu * perNode > alloc.cpu) {
    out.push({ path: "servelab:engine.cpu", message: `${res.cpu} × ${perNode} replicas on ${where} = ${res.cpu * perNode} CPUs, but pods can use about ${Math.floor(alloc.cpu)}; lower engine.cpu` });
  }
  if (engine.tensorParallel > 1 && quantityGb(engine.shmSize) >= res.memoryGb) {
    out.push({ path: "servelab:engine.shmSize", message: `${engine.shmSize} of /dev/shm counts against the replica's memory (${res.memory}); it must be smaller` });
  }
};

/** production-stack (vllm-stack 0.1.12) values the chart would reject or silently mis-deploy. */
const productionStack: Rule = (config, facts, out) => {
  const { router, engine, kvCache, cluster } = config;
  if (kvCache.tier === "lmcache-cpu" && router.kind !== "production-stack") {
    out.push({ path: "servelab:kvCache.tier", message: `lmcache-cpu is deployed only through router.kind: production-stack in this version of servelab (router is ${router.kind})` });
  }
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
  if (kvCache.tier === "lmcache-cpu" && kvCache.sizeGb !== undefined) {
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
          message: `${kvCache.sizeGb} GB of pinned LMCache buffer needs ${memory} a replica; × ${perNode} replicas a node = ${Math.round(memoryGb * perNode)} GB, but pods can use about ${Math.floor(facts.gpu.allocatable.memoryGb)} GB of a GPU node; lower kvCache.sizeGb or engine.replicas`,
        });
      }
    }
  }
};

const benchmarkFit: Rule = ({ benchmark, engine }, { system }, out) => {
  if (!benchmark) return;
  if (benchmark.harness === "multi-round-qa") {
    if (!Array.isArray(benchmark.qps)) {
      const { from, to, step } = benchmark.qps;
      if (from > to) out.push({ path: "servelab:benchmark.qps", message: `from (${from}) must not be above to (${to})` });
      else if ((to - from) / step + 1 > 50) out.push({ path: "servelab:benchmark.qps.step", message: `${step} gives more than 50 load points` });
    }
    const tokens = multiRoundQaContextTokens(benchmark);
    if (engine.maxModelLen !== undefined && tokens > engine.maxModelLen) {
      out.push({
        path: "servelab:benchmark.historyTokens",
        message: `a user's last round needs about ${tokens} tokens (system ${benchmark.systemPromptTokens} + history ${benchmark.historyTokens} + ${benchmark.rounds} rounds of question and answer), more than engine.maxModelLen ${engine.maxModelLen}: those requests would be rejected`,
      });
    }
  }
  if (benchmark.harness === "vllm-bench" && (benchmark.dataset === "sharegpt" || benchmark.dataset === "sonnet") && !benchmark.datasetPath) {
    out.push({ path: "servelab:benchmark.datasetPath", message: `is required with dataset: ${benchmark.dataset}` });
  }
  const alloc = system.allocatable;
  if (alloc && (benchmark.cpu > alloc.cpu || quantityGb(benchmark.memory) > alloc.memoryGb)) {
    out.push({
      path: "servelab:benchmark",
      message: `the client asks for ${benchmark.cpu} CPUs and ${benchmark.memory}, more than a ${system.machineType} system node offers (about ${Math.floor(alloc.cpu)} CPUs, ${Math.floor(alloc.memoryGb)} GB); lower benchmark.cpu/memory or use a larger cluster.system.machineType`,
    });
  }
};

const kubeAiPrefixHash: Rule = ({ router }, _facts, out) => {
  if (router.prefixHash && !(router.kind === "kubeai" && router.routing === "PrefixHash")) {
    out.push({ path: "servelab:router.prefixHash", message: `applies only to router.kind: kubeai with routing: PrefixHash (here kind: ${router.kind}, routing: ${router.routing ?? "unset"}); remove it` });
  }
};

const results: Rule = (config, _facts, out) => {
  out.push(...resultsProblems(config));
};

const vkeCluster: Rule = ({ cluster }, { gpu }, out) => {
  if (cluster.provider !== "vke") return;
  cluster.zones.forEach((zone, i) => {
    if (!zone.startsWith(`${cluster.region}-`)) out.push({ path: `servelab:cluster.zones[${i}]`, message: `"${zone}" is not in region ${cluster.region}` });
  });
  if (new Set(cluster.zones).size !== cluster.zones.length) out.push({ path: "servelab:cluster.zones", message: "lists a zone twice" });
  if (cluster.zones.length > 16) out.push({ path: "servelab:cluster.zones", message: `${cluster.zones.length} zones: the /20 subnets of one /16 VPC cover at most 16` });
  if (cluster.vpcCidr.startsWith(`${VKE_SERVICE_CIDR.split(".").slice(0, 2).join(".")}.`)) {
    out.push({ path: "servelab:cluster.vpcCidr", message: `"${cluster.vpcCidr}" overlaps the cluster's Service range ${VKE_SERVICE_CIDR}, which VKE refuses; use another /16 such as "172.16.0.0/16"` });
  }
  if (cluster.gpu.rdma && gpu.machineType && !mayHaveRdma(gpu.machineType)) {
    const rdmaTypes = VKE_GPU_INSTANCES.filter((m) => m.rdma).map((m) => m.instanceType).join(", ");
    out.push({
      path: "servelab:cluster.gpu.rdma",
      message: `true, but ${gpu.machineType} is not known to have RDMA NICs; use an HPC instance type (ecs.*hpc*, e.g. ${rdmaTypes}) or rdma: false`,
    });
  }
};

/** The vllm-stack chart runs /opt/venv/bin/vllm only for the repository name lmcache/vllm-openai; a mirrored name breaks it. */
const mirroredLmcache: Rule = (config, _facts, out) => {
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

/** With a registry prefix, servelab overrides the kubeai chart's images with 0.22.1's tags, which another chart version would not expect. */
const mirroredKubeAi: Rule = ({ cluster, router }, _facts, out) => {
  if (!cluster.imageRegistry || router.kind !== "kubeai" || !router.version || router.version === CHARTS.kubeai.version) return;
  out.push({
    path: "servelab:router.version",
    message: `"${router.version}" with cluster.imageRegistry: servelab mirrors the kubeai chart's images at the tags of chart ${CHARTS.kubeai.version} (${KUBEAI_CHART_IMAGES.modelLoader}, ${KUBEAI_CHART_IMAGES.vllmDefault}), which chart ${router.version} may not use; remove router.version or imageRegistry`,
  });
};

const aibrix: Rule = (config, facts, out) => {
  out.push(...aibrixProblems(config, facts), ...aibrixKvProblems(config, facts), ...rdmaFitProblems(config, facts));
};

const RULES: Rule[] = [gkeZones, routing, kvTier, engineArgs, modelName, gpuFit, podFit, productionStack, benchmarkFit, kubeAiPrefixHash, results, vkeCluster, mirroredLmcache, mirroredKubeAi, aibrix, ...FIT_RULES];

export function checkRules(config: ExperimentConfig): ConfigProblem[] {
  const { facts, problems } = resolveClusterFacts(config.cluster);
  if (!facts) return problems;
  const out = [...problems];
  for (const rule of RULES) rule(config, facts, out);
  return out;
}
