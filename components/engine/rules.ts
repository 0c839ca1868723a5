/**
 * Config rules of the vLLM engine (pure): flags servelab renders, secrets in the env, GPU count and per-node
 * packing, pod size against the node, weights against GPU memory. Registered in ENGINE_RULES; the engine is
 * the one component every experiment has, so these always run.
 */
import { weightsRule } from "./weights";
import { weightsCacheRule, weightsCacheWarning } from "./weightsCache";
import { GKE_GPU_MACHINES, GkeGpuType, gkeAllocatable, gpuCountsOffered } from "../catalog/gkeMachines";
import { VkeGpuType, vkeGpuCountsKnown } from "../catalog/vkeMachines";
import { ConfigRule, ConfigWarning } from "../cluster/facts";
import { ConfigProblem } from "../config/problems";
import { chunkedPrefillOffIgnored } from "./chunkedPrefillOff";
import { quantityGb } from "../config/quantity";
import { ExperimentConfig } from "../config/schema";
import { MIN_ROOM_GIB, gpuMemoryBudget } from "./gpuMemoryBudget";
import { MODEL_RULES, MODEL_WARNINGS } from "./modelRules";
import { engineGpuProblems, engineGpuWarnings } from "./gpuRules";
import { engineResources, gpuWeightsGb, hfRepo, isEightBitCheckpoint, replicasOnNode, replicasPerNode } from "./sizing";
import { RENDERED_FLAGS, flagName } from "./vllmArgs";

const HF_TOKEN_ENV = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACE_TOKEN", "HUGGINGFACEHUB_API_TOKEN"];
/** Environment names that carry credentials (tokens, API keys, passwords, secret keys). */
const SECRET_ENV_NAME = /(TOKEN|API_?KEY|SECRET|PASSWORD|PASSWD|ACCESS_?KEY|CREDENTIAL)/i;
/** Flags that take a credential: vLLM's --api-key, --hf-token (and the Hugging Face CLI's --token). */
const SECRET_FLAG = /^--(api-key|hf-token|token|hf-api-token|access-token|password)$/;
/** Values that look like credentials wherever they appear: Hugging Face tokens, OpenAI-style keys. */
const SECRET_VALUE = /\b(hf_[A-Za-z0-9]{20,}|sk-[A-Za-z0-9_-]{20,})\b/;

/** Problems for credentials in a list of arguments (engine.extraArgs, benchmark.extraArgs). */
export function secretArgProblems(args: readonly string[], key: string): ConfigProblem[] {
  const out: ConfigProblem[] = [];
  args.forEach((arg, i) => {
    const name = flagName(arg);
    if ((name && SECRET_FLAG.test(name)) || SECRET_VALUE.test(arg)) {
      out.push({
        path: `${key}[${i}]`,
        message: `"${name ?? "<value>"}" would put a credential into the stack file, plan.json and the manifests in clear text; servelab takes only the Hugging Face token, from the secret servelab:hfToken (\`pulumi config set --secret servelab:hfToken <token>\`); remove it`,
      });
    }
  });
  return out;
}

const engineArgs: ConfigRule = ({ engine }, _facts, out) => {
  engine.extraArgs.forEach((arg, i) => {
    const name = flagName(arg);
    if (name && RENDERED_FLAGS[name]) {
      out.push({ path: `servelab:engine.extraArgs[${i}]`, message: `"${arg}" is set by servelab; use ${RENDERED_FLAGS[name]} instead` });
    }
  });
  out.push(...secretArgProblems(engine.extraArgs, "servelab:engine.extraArgs"));
  for (const [key, value] of Object.entries(engine.env)) {
    if (HF_TOKEN_ENV.includes(key)) {
      out.push({ path: `servelab:engine.env.${key}`, message: "would put a secret in the stack file; set it with `pulumi config set --secret servelab:hfToken <token>`" });
    } else if (SECRET_ENV_NAME.test(key) || SECRET_VALUE.test(value)) {
      out.push({
        path: `servelab:engine.env.${key}`,
        message: "would put a secret in the stack file, plan.json and the manifests in clear text; servelab passes no credential to the engine but the Hugging Face token (servelab:hfToken, a Pulumi secret, mounted from a Kubernetes Secret); remove it",
      });
    }
  }
};

const gpuCompatibility: ConfigRule = (config, facts, out) => {
  out.push(...engineGpuProblems(config, facts));
};

/** How to get nodes with at least `gpus` GPUs of the configured type, in the provider's own keys. */
function largerMachine({ cluster }: ExperimentConfig, gpus: number): string {
  const counts = cluster.provider === "gke" ? gpuCountsOffered(cluster.gpu.type as GkeGpuType) : cluster.provider === "vke" ? vkeGpuCountsKnown(cluster.gpu.type as VkeGpuType) : [];
  const fit = counts.filter((n) => n >= gpus).sort((a, b) => a - b)[0];
  if (cluster.provider === "kubeconfig") return "use nodes with more GPUs (cluster.gpu.perNode)";
  if (fit === undefined) return `use another GPU type: servelab knows ${cluster.gpu.type} nodes with at most ${Math.max(...counts, 0)} GPUs`;
  return `set cluster.gpu.perNode: ${fit} (and remove cluster.gpu.${cluster.provider === "gke" ? "machineType" : "instanceType"} if it names a smaller machine)`;
}

const gpuFit: ConfigRule = (config, { gpu }, out) => {
  const { engine } = config;
  const tp = engine.tensorParallel;
  const pool = `${gpu.nodes} node${gpu.nodes > 1 ? "s" : ""} × ${gpu.perNode} ${gpu.type}`;
  if (tp > gpu.perNode) {
    out.push({ path: "servelab:engine.tensorParallel", message: `${tp}: a replica's GPUs must share one node, and a node has ${gpu.perNode} ${gpu.type}; lower tensorParallel or ${largerMachine(config, tp)}` });
    return;
  }
  const needed = engine.replicas * tp;
  if (needed > gpu.total) {
    out.push({ path: "servelab:engine.replicas", message: `${engine.replicas} replica${engine.replicas === 1 ? "" : "s"} × tensorParallel ${tp} = ${needed} GPUs, but the GPU pool has ${gpu.total} (${pool}); lower replicas or raise cluster.gpu.nodes` });
    return;
  }
  const fit = replicasPerNode(gpu, tp) * gpu.nodes;
  if (engine.replicas > fit) {
    out.push({ path: "servelab:engine.replicas", message: `${engine.replicas} replicas of ${tp} GPUs do not pack into ${pool} (at most ${fit}: ${replicasPerNode(gpu, tp)} a node)` });
  }
};

/** On GKE, the smallest machine with the same GPUs whose allocatable memory and CPUs hold `perNode` replicas. */
function roomierMachine(config: ExperimentConfig, gpus: number, memoryGb: number, cpu: number): string {
  if (config.cluster.provider !== "gke") return "";
  const type = config.cluster.gpu.type;
  const fit = GKE_GPU_MACHINES.filter((m) => m.gpuType === type && m.gpus === gpus)
    .filter((m) => { const a = gkeAllocatable(m.vcpu, m.memoryGb); return a.memoryGb >= memoryGb && a.cpu >= cpu; })
    .sort((a, b) => a.vcpu - b.vcpu)[0];
  return fit && fit.machineType !== config.cluster.gpu.machineType ? `, or set cluster.gpu.machineType: ${fit.machineType}` : "";
}

const podFit: ConfigRule = (config, { gpu }, out) => {
  const { engine } = config;
  const alloc = gpu.allocatable;
  if (!alloc || engine.tensorParallel > gpu.perNode) return;
  const res = engineResources(engine, gpu);
  const perNode = replicasOnNode(gpu, engine);
  const where = gpu.machineType ? `${/^[aeiou]/.test(gpu.machineType) ? "an" : "a"} ${gpu.machineType} node` : "a GPU node";
  const replicas = `${perNode} replica${perNode === 1 ? "" : "s"}`;
  if (res.memoryGb * perNode > alloc.memoryGb) {
    out.push({
      path: "servelab:engine.memory",
      message: `${res.memory} × ${replicas} on ${where} = ${Math.round(res.memoryGb * perNode)} GB, but pods can use about ${Math.floor(alloc.memoryGb)} GB of it; lower engine.memory${roomierMachine(config, gpu.perNode, res.memoryGb * perNode, res.cpu * perNode)}`,
    });
  }
  if (res.cpu * perNode > alloc.cpu) {
    out.push({ path: "servelab:engine.cpu", message: `${res.cpu} × ${replicas} on ${where} = ${res.cpu * perNode} CPUs, but pods can use about ${Math.floor(alloc.cpu)}; lower engine.cpu${roomierMachine(config, gpu.perNode, res.memoryGb * perNode, res.cpu * perNode)}` });
  }
  if (engine.tensorParallel > 1 && quantityGb(engine.shmSize) >= res.memoryGb) {
    out.push({ path: "servelab:engine.shmSize", message: `${engine.shmSize} of /dev/shm counts against the replica's memory (${res.memory}); it must be smaller` });
  }
};

function dtypeLabel(config: ExperimentConfig): string {
  if (config.model.sizeGb !== undefined) return `model.sizeGb ${config.model.sizeGb} GB${config.engine.quantization ? `, ${config.engine.quantization}-quantized` : ""}`;
  if (isEightBitCheckpoint(config.model)) return "8-bit checkpoint";
  return config.engine.quantization === "fp8" ? "16-bit checkpoint quantized to fp8" : "16-bit";
}

/** Does the model fit the hardware: weights in GPU memory at the chosen dtype. */
const weightsFit: ConfigRule = (config, { gpu }, out) => {
  const { engine } = config;
  const weights = gpuWeightsGb(config.model, engine);
  if (weights === undefined || gpu.gpuMemoryGb === undefined || engine.tensorParallel > gpu.perNode) return;
  const fit = gpuMemoryBudget(weights, engine.tensorParallel, gpu.gpuMemoryGb, engine.gpuMemoryUtilization);
  if (fit.fits) return;
  const gib = (v: number) => v.toFixed(1);
  out.push({
    path: "servelab:engine.tensorParallel",
    message:
      `${hfRepo(config.model)} has about ${Math.round(weights)} GB of weights (${dtypeLabel(config)}); over tensorParallel ${engine.tensorParallel} that is ${gib(fit.weightsGib)} GiB a GPU, ` +
      `but vLLM gets ${gib(fit.budgetGib)} GiB of a ${gpu.gpuMemoryGb} GB ${gpu.type} (gpuMemoryUtilization ${engine.gpuMemoryUtilization}), which leaves ${gib(fit.roomGib)} GiB ` +
      `where activations and the KV cache need at least ${MIN_ROOM_GIB}; raise tensorParallel or gpuMemoryUtilization, serve an FP8 checkpoint or set engine.quantization: fp8, or use GPUs with more memory`,
  });
};

/** GPUs the engines leave idle are billed for nothing (or take a shared cluster's GPUs for nothing). */
const idleGpus: ConfigWarning = ({ engine, kvCache }, { gpu }) => {
  const used = engine.replicas * engine.tensorParallel;
  if (used >= gpu.total || engine.tensorParallel > gpu.perNode) return [];
  const idle = gpu.total - used;
  // InfiniStore pods take an RDMA unit of a GPU node each, so a node may be there for the cache, not for GPUs.
  const fix = kvCache.tier === "aibrix-l2-infinistore" ? "the InfiniStore pod's RDMA unit may need that node; see the RDMA fit of servelab:cluster.gpu.nodes" : "raise engine.replicas or lower cluster.gpu.nodes/perNode";
  return [`servelab:engine.replicas: ${engine.replicas} replica${engine.replicas === 1 ? "" : "s"} × tensorParallel ${engine.tensorParallel} use ${used} of the pool's ${gpu.total} ${gpu.type} GPUs; ${idle} stay${idle === 1 ? "s" : ""} idle (${fix})`];
};

export const ENGINE_RULES: readonly ConfigRule[] = [engineArgs, gpuCompatibility, gpuFit, podFit, weightsFit, weightsRule, weightsCacheRule, ...MODEL_RULES];

/** Engine settings vLLM runs, but not as the config suggests. */
export const ENGINE_WARNINGS: readonly ConfigWarning[] = [
  ...MODEL_WARNINGS,
  idleGpus,
  weightsCacheWarning,
  (config, facts) => engineGpuWarnings(config, facts).map((w) => `servelab: ${w}`),
  (config) => {
    const ignored = chunkedPrefillOffIgnored(config);
    return ignored ? [ignored] : [];
  },
];
