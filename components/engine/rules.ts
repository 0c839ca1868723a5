/**
 * Config rules of the vLLM engine (pure): flags servelab renders, secrets in the env, GPU count and per-node
 * packing, pod size against the node, weights against GPU memory. Registered in ENGINE_RULES; the engine is
 * the one component every experiment has, so these always run.
 */
import { ConfigRule, ConfigWarning } from "../cluster/facts";
import { chunkedPrefillOffIgnored } from "./chunkedPrefillOff";
import { quantityGb } from "../config/quantity";
import { ExperimentConfig } from "../config/schema";
import { MIN_ROOM_GIB, gpuMemoryBudget } from "./gpuMemoryBudget";
import { engineGpuProblems, engineGpuWarnings } from "./gpuRules";
import { engineResources, gpuWeightsGb, hfRepo, isEightBitCheckpoint, replicasOnNode, replicasPerNode } from "./sizing";
import { RENDERED_FLAGS, flagName } from "./vllmArgs";

const SECRET_ENV = ["HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HUGGINGFACE_TOKEN"];

const engineArgs: ConfigRule = ({ engine }, _facts, out) => {
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

const gpuCompatibility: ConfigRule = (config, facts, out) => {
  out.push(...engineGpuProblems(config, facts));
};

const gpuFit: ConfigRule = ({ engine }, { gpu }, out) => {
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

const podFit: ConfigRule = ({ engine }, { gpu }, out) => {
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

export const ENGINE_RULES: readonly ConfigRule[] = [engineArgs, gpuCompatibility, gpuFit, podFit, weightsFit];

/** Engine settings vLLM runs, but not as the config suggests. */
export const ENGINE_WARNINGS: readonly ConfigWarning[] = [
  (config, facts) => engineGpuWarnings(config, facts).map((w) => `servelab: ${w}`),
  (config) => {
    const ignored = chunkedPrefillOffIgnored(config);
    return ignored ? [ignored] : [];
  },
];
