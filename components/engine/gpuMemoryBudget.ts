/**
 * Room a replica's GPU has beside its share of the weights (pure). vLLM sizes its KV cache as
 * total GPU memory × gpu_memory_utilization − weights − the peak activations of a profiling forward
 * pass − non-torch memory (CUDA context, NCCL), and refuses to start when what is left cannot hold
 * one max-model-len sequence (vllm-project/vllm: vllm/v1/worker/gpu_worker.py determine_available_memory,
 * vllm/v1/core/kv_cache_utils.py check_enough_kv_cache_memory).
 *
 * Units: checkpoint sizes are GB (10^9 bytes, as Hugging Face lists them); a GPU's nominal memory is
 * GiB (an "80 GB" H100 carries 80 GiB of HBM3, of which CUDA reports about 79.6).
 */
const BYTES_PER_GIB = 2 ** 30;

/**
 * The floor servelab asks for beside the weights: activations of the profiling pass (about 3 GiB for
 * a 70B model at 16384 batched tokens), non-torch memory and a minimum KV cache. vLLM itself makes the
 * exact check at start-up.
 */
export const MIN_ROOM_GIB = 4;

export interface GpuMemoryBudget {
  /** The replica's weights on one GPU. */
  weightsGib: number;
  /** What vLLM may use of one GPU: nominal memory × gpuMemoryUtilization. */
  budgetGib: number;
  /** budget − weights: activations, non-torch memory and the KV cache. */
  roomGib: number;
  fits: boolean;
}

export function gpuMemoryBudget(weightsGb: number, tensorParallel: number, gpuMemoryGb: number, gpuMemoryUtilization: number): GpuMemoryBudget {
  const weightsGib = (weightsGb * 1e9) / BYTES_PER_GIB / tensorParallel;
  const budgetGib = gpuMemoryGb * gpuMemoryUtilization;
  const roomGib = budgetGib - weightsGib;
  return { weightsGib, budgetGib, roomGib, fits: roomGib >= MIN_ROOM_GIB };
}
