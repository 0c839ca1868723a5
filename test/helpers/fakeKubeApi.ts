/**
 * A local stand-in for the Kubernetes API as the benchmark Job's ServiceAccount sees it: GET
 * /api/v1/namespaces/<ns>/pods?labelSelector=... with a bearer token answers a PodList; anything else is refused.
 * Every request is recorded, so a test can check the driver only ever reads.
 */
import { createServer, Server } from "node:http";
import { AddressInfo } from "node:net";

export interface FakePod {
  name: string;
  ip: string;
  labels: Record<string, string>;
  imageID?: string;
  /** status.phase; Running when omitted. */
  phase?: string;
  /** metadata.deletionTimestamp is set (a pod being deleted). */
  deleting?: boolean;
}

export interface FakeKubeApi {
  server: Server;
  origin: string;
  requests: Array<{ method: string; url: string; authorization: string | undefined }>;
  close(): Promise<void>;
}

const matches = (selector: string, labels: Record<string, string>) =>
  selector.split(",").every((term) => {
    const [k, v] = term.split("=");
    return labels[k] === v;
  });

export async function startFakeKubeApi(namespace: string, token: string, pods: FakePod[]): Promise<FakeKubeApi> {
  const requests: FakeKubeApi["requests"] = [];
  const server = createServer((req, res) => {
    requests.push({ method: req.method ?? "", url: req.url ?? "", authorization: req.headers.authorization });
    const url = new URL(req.url ?? "/", "http://x");
    if (req.headers.authorization !== `Bearer ${token}`) return void res.writeHead(401).end("{}");
    if (req.method !== "GET" || url.pathname !== `/api/v1/namespaces/${namespace}/pods`) return void res.writeHead(403).end("{}");
    const selector = url.searchParams.get("labelSelector") ?? "";
    const items = pods
      .filter((p) => matches(selector, p.labels))
      .map((p) => ({
        metadata: { name: p.name, namespace, labels: p.labels, ...(p.deleting ? { deletionTimestamp: "2026-01-01T00:00:00Z" } : {}) },
        spec: { nodeName: "gpu-node-1" },
        status: { phase: p.phase ?? "Running", podIP: p.ip, containerStatuses: [{ name: "vllm", image: "vllm/vllm-openai:v0.10.2", imageID: p.imageID ?? "", restartCount: 0 }] },
      }));
    res.setHeader("Content-Type", "application/json");
    res.end(JSON.stringify({ kind: "PodList", apiVersion: "v1", items }));
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
  return {
    server,
    origin: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
