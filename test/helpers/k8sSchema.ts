/**
 * Validates a Kubernetes object against the Kubernetes OpenAPI schema (kubernetes-models), by its
 * apiVersion and kind. Returns the validation error text, or undefined when valid.
 */
import { admitKvCache } from "../aibrixCrd";
import { admitKubeAiModel } from "../kubeaiCrd";

export function validateK8sObject(obj: { apiVersion?: unknown; kind?: unknown }): string | undefined {
  const apiVersion = String(obj.apiVersion);
  const kind = String(obj.kind);
  // Custom resources: validated against their upstream CRD.
  if (apiVersion === "kubeai.org/v1" && kind === "Model") {
    const errors = admitKubeAiModel(obj);
    return errors.length ? errors.join("; ") : undefined;
  }
  if (apiVersion === "orchestration.aibrix.ai/v1alpha1" && kind === "KVCache") {
    const { errors } = admitKvCache(obj);
    return errors.length ? errors.join("; ") : undefined;
  }
  if (apiVersion === "gateway.envoyproxy.io/v1alpha1" && kind === "EnvoyProxy") return checkEnvoyProxy(obj as EnvoyProxyLike);
  const modulePath = `kubernetes-models/${apiVersion}/${kind}`;
  let mod: Record<string, new (data: unknown) => { validate(): void }>;
  try {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    mod = require(modulePath);
  } catch {
    return `no Kubernetes schema for ${apiVersion} ${kind}`;
  }
  try {
    new mod[kind](obj).validate();
    return undefined;
  } catch (err) {
    return String((err as Error).message);
  }
}

interface EnvoyProxyLike {
  metadata?: { name?: string; namespace?: string };
  spec?: { provider?: { type?: string; kubernetes?: { envoyService?: { type?: string } } } };
}

/**
 * Envoy Gateway's EnvoyProxy CRD is not in test/data: this checks the fields servelab
 * sets against EG v1.2.8's API (api/v1alpha1/envoyproxy_types.go: provider.type Kubernetes,
 * kubernetes.envoyService.type ClusterIP | LoadBalancer | NodePort) and that nothing else is set.
 */
function checkEnvoyProxy(obj: EnvoyProxyLike): string | undefined {
  const problems: string[] = [];
  if (!obj.metadata?.name || !obj.metadata.namespace) problems.push("EnvoyProxy needs metadata.name and metadata.namespace");
  const provider = obj.spec?.provider;
  if (provider?.type !== "Kubernetes") problems.push(`spec.provider.type must be Kubernetes, got ${provider?.type}`);
  const type = provider?.kubernetes?.envoyService?.type;
  if (!["ClusterIP", "LoadBalancer", "NodePort"].includes(String(type))) problems.push(`spec.provider.kubernetes.envoyService.type: ${type} is not ClusterIP, LoadBalancer or NodePort`);
  const extra = Object.keys(obj.spec ?? {}).filter((k) => k !== "provider");
  if (extra.length) problems.push(`unexpected spec fields: ${extra.join(", ")}`);
  return problems.length ? problems.join("; ") : undefined;
}
