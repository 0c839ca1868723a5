/** The upstream vLLM release an engine image carries, read from its tag (pure). */

export type VllmVersion = [number, number, number];

/** The vLLM version of an upstream vLLM image tag (`vllm/vllm-openai:v0.10.2`, any registry), or undefined. */
export function vllmImageVersion(image: string): VllmVersion | undefined {
  const m = /(?:^|\/)vllm-openai:v?(\d+)\.(\d+)\.(\d+)$/.exec(image);
  return m ? [Number(m[1]), Number(m[2]), Number(m[3])] : undefined;
}

/** a >= b. */
export function versionAtLeast(a: VllmVersion, b: VllmVersion): boolean {
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) return a[i] > b[i];
  return true;
}
