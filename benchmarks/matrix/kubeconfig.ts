/**
 * The part of a kubeconfig the runner needs to read a pod log: the API server, its CA, and the user's
 * credentials (token, client certificate, or an exec plugin such as gke-gcloud-auth-plugin).
 * Error messages name fields, never their values (the kubeconfig is a secret stack output).
 */
import { spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { homedir } from "node:os";
import { parse } from "yaml";

export class KubeconfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "KubeconfigError";
  }
}

export interface ExecConfig {
  command: string;
  args: string[];
  env: Record<string, string>;
  apiVersion: string;
}

export interface KubeTarget {
  server: string;
  ca?: Buffer;
  insecure: boolean;
  token?: string;
  cert?: Buffer;
  key?: Buffer;
  exec?: ExecConfig;
}

export interface Credentials {
  token?: string;
  cert?: Buffer;
  key?: Buffer;
}

type Named<T> = Array<{ name?: string } & T>;
type Obj = Record<string, unknown>;

const b64 = (value: unknown) => (typeof value === "string" ? Buffer.from(value, "base64") : undefined);
const file = (value: unknown) => (typeof value === "string" ? readFileSync(value) : undefined);
const str = (value: unknown) => (typeof value === "string" ? value : undefined);

function pick(list: unknown, name: string, kind: string): Obj {
  const found = (Array.isArray(list) ? (list as Named<Obj>) : []).find((e) => e?.name === name);
  const inner = found?.[kind];
  if (!inner || typeof inner !== "object") throw new KubeconfigError(`kubeconfig: no ${kind} named "${name}"`);
  return inner as Obj;
}

/**
 * The kubeconfig's YAML from a stack's `kubeconfig` output: the file's text for the clusters servelab creates, the
 * file's path (`~` allowed) for an existing cluster (`servelab:cluster.provider: kubeconfig`, rehearsals). A path is
 * read through its current context.
 */
export function kubeconfigText(value: string): string {
  if (value.includes("\n") || /^\s*(apiVersion|kind|\{)/.test(value)) return value;
  const path = value === "~" || value.startsWith("~/") ? homedir() + value.slice(1) : value;
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new KubeconfigError(`kubeconfig: the stack's kubeconfig output is neither a kubeconfig nor a file this machine can read (${value.length} characters)`);
  }
}

export function parseKubeconfig(text: string, context?: string): KubeTarget {
  let doc: Obj;
  try {
    doc = parse(text) as Obj;
  } catch {
    throw new KubeconfigError("kubeconfig: not valid YAML");
  }
  if (!doc || typeof doc !== "object") throw new KubeconfigError("kubeconfig: empty");
  const contextName = context ?? str(doc["current-context"]);
  if (!contextName) throw new KubeconfigError("kubeconfig: no current-context");
  const ctx = pick(doc.contexts, contextName, "context");
  const cluster = pick(doc.clusters, String(ctx.cluster), "cluster");
  const user = ctx.user === undefined ? {} : pick(doc.users, String(ctx.user), "user");
  const server = str(cluster.server);
  if (!server) throw new KubeconfigError(`kubeconfig: cluster "${ctx.cluster}" has no server`);
  if (user["auth-provider"]) throw new KubeconfigError(`kubeconfig: user "${ctx.user}" uses an auth-provider, which servelab does not support; use an exec plugin or a token`);
  let exec: ExecConfig | undefined;
  if (user.exec && typeof user.exec === "object") {
    const e = user.exec as Obj;
    if (!str(e.command)) throw new KubeconfigError(`kubeconfig: user "${ctx.user}" has an exec plugin without a command`);
    exec = {
      command: e.command as string,
      args: Array.isArray(e.args) ? e.args.map(String) : [],
      env: Object.fromEntries((Array.isArray(e.env) ? (e.env as Obj[]) : []).map((v) => [String(v.name), String(v.value)])),
      apiVersion: str(e.apiVersion) ?? "client.authentication.k8s.io/v1beta1",
    };
  }
  return {
    server: server.replace(/\/+$/, ""),
    ca: b64(cluster["certificate-authority-data"]) ?? file(cluster["certificate-authority"]),
    insecure: cluster["insecure-skip-tls-verify"] === true,
    token: str(user.token) ?? (str(user.tokenFile) ? readFileSync(user.tokenFile as string, "utf8").trim() : undefined),
    cert: b64(user["client-certificate-data"]) ?? file(user["client-certificate"]),
    key: b64(user["client-key-data"]) ?? file(user["client-key"]),
    exec,
  };
}

export type ExecRunner = (command: string, args: string[], env: Record<string, string>) => Promise<string>;

export const runExec: ExecRunner = (command, args, env) =>
  new Promise((resolve, reject) => {
    const child = spawn(command, args, { env: { ...process.env, ...env }, stdio: ["ignore", "pipe", "pipe"], timeout: 60_000 });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", (err) => reject(new KubeconfigError(`kubeconfig exec plugin ${command}: ${err.message}`)));
    child.on("close", (code) => (code === 0 ? resolve(stdout) : reject(new KubeconfigError(`kubeconfig exec plugin ${command} exited with ${code}: ${stderr.trim().slice(0, 300)}`))));
  });

/** The credentials to send: static ones, or an ExecCredential from the plugin. */
export async function credentials(target: KubeTarget, run: ExecRunner = runExec): Promise<Credentials> {
  if (!target.exec) return { token: target.token, cert: target.cert, key: target.key };
  const { command, args, env, apiVersion } = target.exec;
  const info = JSON.stringify({ apiVersion, kind: "ExecCredential", spec: { interactive: false } });
  const out = await run(command, args, { ...env, KUBERNETES_EXEC_INFO: info });
  let status: Obj | undefined;
  try {
    status = (JSON.parse(out) as { status?: Obj }).status;
  } catch {
    throw new KubeconfigError(`kubeconfig exec plugin ${command} did not print an ExecCredential`);
  }
  const token = str(status?.token);
  const cert = str(status?.clientCertificateData);
  const key = str(status?.clientKeyData);
  if (!token && !(cert && key)) throw new KubeconfigError(`kubeconfig exec plugin ${command} returned neither a token nor a client certificate`);
  return { token, cert: cert ? Buffer.from(cert) : undefined, key: key ? Buffer.from(key) : undefined };
}
