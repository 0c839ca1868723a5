/**
 * Does the model fit the hardware: weights in GPU memory at the chosen dtype, the weight download on
 * the node's disk, and the sonnet prompt shape (pure, like rules.ts, which runs these too).
 */
import { ClusterFacts } from "../cluster/facts";
import { MIN_ROOM_GIB, gpuMemoryBudget } from "../engine/gpuMemoryBudget";
import { ephemeralStorageGb, gpuWeightsGb, hfRepo, isEightBitCheckpoint, modelSizeGb, replicasOnNode } from "../engine/sizing";
import { ConfigProblem } from "./problems";
import { ExperimentConfig } from "./schema";

type Rule = (config: ExperimentConfig, facts: ClusterFacts, out: ConfigProblem[]) => void;

/** Of a node's disk, what pods can fill: kubelet evicts below 10-15 % free, and images need room too (approximate). */
const DISK_USABLE_SHARE = 0.85;
const DISK_RESERVED_GB = 20;

const round = (gb: number) => Math.round(gb);

function dtypeLabel(config: ExperimentConfig): string {
  if (config.model.sizeGb !== undefined) return `model.sizeGb ${config.model.sizeGb} GB${config.engine.quantization ? `, ${config.engine.quantization}-quantized` : ""}`;
  if (isEightBitCheckpoint(config.model)) return "8-bit checkpoint";
  return config.engine.quantization === "fp8" ? "16-bit checkpoint quantized to fp8" : "16-bit";
}

const weightsFit: Rule = (config, { gpu }, out) => {
  const { engine } = config;
  const weights = gpuWeightsGb(config.model, engine);
  if (weights === undefined || gpu.gpuMemoryGb === undefined || engine.tensorParallel > gpu.perNode) return;
  const fit = gpuMemoryBudget(weights, engine.tensorParallel, gpu.gpuMemoryGb, engine.gpuMemoryUtilization);
  if (fit.fits) return;
  const gib = (v: number) => v.toFixed(1);
  out.push({
    path: "servelab:engine.tensorParallel",
    message:
      `${hfRepo(config.model)} has about ${round(weights)} GB of weights (${dtypeLabel(config)}); over tensorParallel ${engine.tensorParallel} that is ${gib(fit.weightsGib)} GiB a GPU, ` +
      `but vLLM gets ${gib(fit.budgetGib)} GiB of a ${gpu.gpuMemoryGb} GB ${gpu.type} (gpuMemoryUtilization ${engine.gpuMemoryUtilization}), which leaves ${gib(fit.roomGib)} GiB ` +
      `where activations and the KV cache need at least ${MIN_ROOM_GIB}; raise tensorParallel or gpuMemoryUtilization, serve an FP8 checkpoint or set engine.quantization: fp8, or use GPUs with more memory`,
  });
};

const nodeDiskFit: Rule = (config, { gpu }, out) => {
  const size = modelSizeGb(config.model);
  if (size === undefined || gpu.nodeDiskGb === undefined || config.cluster.provider !== "gke") return;
  const perNode = Math.max(1, replicasOnNode(gpu, config.engine));
  const needed = perNode * ephemeralStorageGb(size);
  const usable = Math.floor(gpu.nodeDiskGb * DISK_USABLE_SHARE - DISK_RESERVED_GB);
  if (needed <= usable) return;
  const where = gpu.localSsds > 0 ? `the ${gpu.localSsds} local SSDs of a ${gpu.machineType} node (${gpu.nodeDiskGb} GB)` : `a ${config.cluster.gpu.bootDiskGb} GB boot disk`;
  out.push({
    path: "servelab:cluster.gpu.bootDiskGb",
    message:
      `${perNode} replica${perNode > 1 ? "s" : ""} a node download about ${round(size)} GB of weights each and ask for ${needed} GB of ephemeral storage, ` +
      `but pods can fill about ${usable} GB of ${where}; ${gpu.localSsds > 0 ? "use fewer replicas a node" : `raise cluster.gpu.bootDiskGb to at least ${Math.ceil((needed + DISK_RESERVED_GB) / DISK_USABLE_SHARE)}`}`,
  });
};

const sonnetShape: Rule = ({ benchmark, engine }, _facts, out) => {
  if (benchmark?.harness !== "sonnet") return;
  if (benchmark.prefixTokens >= benchmark.inputTokens) {
    out.push({ path: "servelab:benchmark.prefixTokens", message: `${benchmark.prefixTokens} must be below inputTokens (${benchmark.inputTokens}): the shared prefix is part of each prompt` });
  }
  const tokens = benchmark.inputTokens + benchmark.outputTokens;
  if (engine.maxModelLen !== undefined && tokens > engine.maxModelLen) {
    out.push({ path: "servelab:benchmark.inputTokens", message: `${benchmark.inputTokens} input + ${benchmark.outputTokens} output tokens exceed engine.maxModelLen ${engine.maxModelLen}: every request would be rejected` });
  }
};

export const FIT_RULES: Rule[] = [weightsFit, nodeDiskFit, sonnetShape];
