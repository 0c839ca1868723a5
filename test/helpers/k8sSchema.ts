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
