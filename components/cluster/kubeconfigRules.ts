/**
 * Config rules of existing clusters (pure). servelab cannot look at the nodes, so what it checks against (GPU
 * memory above all) comes from the stack; a GPU name sold with several memory sizes is not guessed.
 */
import { ClusterRule, ConfigWarning } from "./facts";

/** GPU names NVIDIA sells with more than one memory size (GB): H100 SXM/PCIe 80, H100 NVL 94; A100 40 or 80. */
const AMBIGUOUS_MEMORY: Record<string, number[]> = { h100: [80, 94], a100: [40, 80], h20: [96, 141] };

const gpuMemory: ClusterRule = ({ cluster }, _facts, out) => {
  if (cluster.provider !== "kubeconfig" || cluster.gpu.gpuMemoryGb !== undefined) return;
  const sizes = AMBIGUOUS_MEMORY[cluster.gpu.type.toLowerCase()];
  if (!sizes) return;
  out.push({
    path: "servelab:cluster.gpu.gpuMemoryGb",
    message: `is required for "${cluster.gpu.type}" on an existing cluster: it comes with ${sizes.join(" or ")} GB, and servelab checks the model's weights against it rather than assume one; set cluster.gpu.gpuMemoryGb (e.g. ${sizes[0]})`,
  });
};

export const KUBECONFIG_CLUSTER_RULES: readonly ClusterRule[] = [gpuMemory];

export const KUBECONFIG_WARNINGS: readonly ConfigWarning[] = [
  ({ cluster }) =>
    cluster.provider === "kubeconfig" && cluster.gpu.gpuMemoryGb === undefined && !AMBIGUOUS_MEMORY[cluster.gpu.type.toLowerCase()]
      ? [`servelab:cluster.gpu.gpuMemoryGb is not set for "${cluster.gpu.type}": the check that the model's weights fit GPU memory was skipped`]
      : [],
];
