/**
 * A minimal Kubernetes API client (GET only) over node:https with the kubeconfig's CA and credentials.
 * Enough to find a Job's pod and read its log; no dependency on a full client library.
 */
import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";
import { Credentials, ExecRunner, KubeTarget, credentials, kubeconfigText, parseKubeconfig, runExec } from "./kubeconfig";

export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number | null,
  ) {
    super(message);
    this.name = "KubeApiError";
  }
}

export class KubeClient {
  constructor(
    private readonly target: KubeTarget,
    private readonly creds: Credentials,
  ) {}

  /** `context`: the one the stack's provider uses; without it, the file's current context. */
  static async fromKubeconfig(text: string, run: ExecRunner = runExec, context?: string): Promise<KubeClient> {
    const target = parseKubeconfig(kubeconfigText(text), context);
    return new KubeClient(target, await credentials(target, run));
  }

  getText(path: string, signal?: AbortSignal): Promise<string> {
    const url = new URL(this.target.server + path);
    const tls = url.protocol === "https:";
    const headers: Record<string, string> = { Accept: "application/json, */*" };
    if (this.creds.token) headers.Authorization = `Bearer ${this.creds.token}`;
    const options = {
      method: "GET",
      headers,
      signal,
      ...(tls ? { ca: this.target.ca, cert: this.creds.cert, key: this.creds.key, rejectUnauthorized: !this.target.insecure } : {}),
    };
    return new Promise((resolve, reject) => {
      const req = (tls ? httpsRequest : httpRequest)(url, options, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("error", reject);
        res.on("end", () => {
          const body = Buffer.concat(chunks).toString("utf8");
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve(body);
          let message = body.slice(0, 300);
          try {
            message = (JSON.parse(body) as { message?: string }).message ?? message;
          } catch {
            // not a Status object: keep the text
          }
          reject(new KubeApiError(`GET ${url.pathname}: ${status} ${res.statusMessage ?? ""}: ${message}`.trim(), status));
        });
      });
      req.on("error", (err) => reject(new KubeApiError(`GET ${url.pathname}: ${err.message}`, null)));
      req.end();
    });
  }

  async getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
    return JSON.parse(await this.getText(path, signal)) as T;
  }
}
