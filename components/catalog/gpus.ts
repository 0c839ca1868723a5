/**
 * CUDA compute capability of each GPU type servelab places (NVIDIA's published table,
 * https://developer.nvidia.com/cuda-gpus). vLLM's kernel choices depend on it (components/engine/gpuRules.ts).
 */
export const COMPUTE_CAPABILITY: Record<string, number> = {
  l4: 8.9, l20: 8.9, a10: 8.6, "a100-80gb": 8.0, "a800-80gb": 8.0, h100: 9.0, h200: 9.0, h20: 9.0, h800: 9.0,
};

export function computeCapability(gpuType: string): number | undefined {
  return COMPUTE_CAPABILITY[gpuType.toLowerCase()];
}
