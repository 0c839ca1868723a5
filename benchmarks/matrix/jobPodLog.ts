/** The log of a Job's pod (the newest, should there be several), through the Kubernetes API. */
import { KubeApiError, KubeClient } from "./kubeApi";

interface PodList {
  items?: Array<{ metadata?: { name?: string; creationTimestamp?: string } }>;
}

export interface JobPodLog {
  pod: string;
  log: string;
}

export async function jobPodLog(client: KubeClient, namespace: string, job: string, signal?: AbortSignal): Promise<JobPodLog> {
  const ns = encodeURIComponent(namespace);
  const selector = encodeURIComponent(`job-name=${job}`);
  const pods = await client.getJson<PodList>(`/api/v1/namespaces/${ns}/pods?labelSelector=${selector}`, signal);
  const names = (pods.items ?? [])
    .filter((p) => p.metadata?.name)
    .sort((a, b) => String(b.metadata?.creationTimestamp ?? "").localeCompare(String(a.metadata?.creationTimestamp ?? "")))
    .map((p) => p.metadata!.name!);
  if (names.length === 0) throw new KubeApiError(`no pod of Job ${namespace}/${job} (deleted already?)`, 404);
  const log = await client.getText(`/api/v1/namespaces/${ns}/pods/${encodeURIComponent(names[0])}/log`, signal);
  return { pod: names[0], log };
}
