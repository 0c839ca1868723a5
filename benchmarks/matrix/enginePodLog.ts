/** The start of one engine pod's vLLM log, through the Kubernetes API: enough for its start-up lines. */
import { KubeApiError, KubeClient } from "./kubeApi";

interface PodList {
  items?: Array<{ metadata?: { name?: string; creationTimestamp?: string }; status?: { phase?: string } }>;
}

/** Start-up ends within the first few hundred lines; the rest can be hours of request logging. */
export const ENGINE_LOG_LIMIT_BYTES = 2 * 1024 * 1024;

export interface EnginePodLog {
  pod: string;
  log: string;
}

/** Running pods first, then the oldest (the one that served the whole run), then by name. */
function pickPod(pods: PodList): string | null {
  const items = (pods.items ?? []).filter((p) => p.metadata?.name);
  items.sort(
    (a, b) =>
      Number(b.status?.phase === "Running") - Number(a.status?.phase === "Running") ||
      String(a.metadata?.creationTimestamp ?? "").localeCompare(String(b.metadata?.creationTimestamp ?? "")) ||
      a.metadata!.name!.localeCompare(b.metadata!.name!),
  );
  return items[0]?.metadata?.name ?? null;
}

export async function enginePodLog(
  client: KubeClient,
  namespace: string,
  selector: string,
  container: string,
  signal?: AbortSignal,
): Promise<EnginePodLog> {
  const ns = encodeURIComponent(namespace);
  const pods = await client.getJson<PodList>(`/api/v1/namespaces/${ns}/pods?labelSelector=${encodeURIComponent(selector)}`, signal);
  const pod = pickPod(pods);
  if (!pod) throw new KubeApiError(`no engine pod matches ${selector} in ${namespace}`, 404);
  const query = `container=${encodeURIComponent(container)}&limitBytes=${ENGINE_LOG_LIMIT_BYTES}`;
  const log = await client.getText(`/api/v1/namespaces/${ns}/pods/${encodeURIComponent(pod)}/log?${query}`, signal);
  return { pod, log };
}
