/** The benchmark Job, its scripts ConfigMap and ServiceAccount as plain Kubernetes objects (pure). */
import type * as k8s from "@pulumi/kubernetes";
import type * as pulumi from "@pulumi/pulumi";
import { withRegistry } from "../catalog/imageRegistry";
import { Placement } from "../cluster/types";
import type { ResultsAccess } from "../results/access";
import { ENV, HarnessRun, RESULTS_DIR, SCRIPTS_DIR } from "./harness";

export const JOB_NAME = "benchmark";
export const SCRIPTS_CONFIGMAP = "benchmark-scripts";
export const SERVICE_ACCOUNT = "benchmark";
/** The Role that lets the benchmark find the engine pods it scrapes: get and list pods, in its own namespace only. */
export const POD_READER_ROLE = "benchmark-pod-reader";

export interface BenchmarkJobInput {
  namespace: pulumi.Input<string>;
  labels: Record<string, string>;
  experiment: string;
  run: HarnessRun;
  placement: Placement;
  cpu: number;
  memory: string;
  baseUrl: pulumi.Input<string>;
  servedModel: pulumi.Input<string>;
  bucket?: string;
  /** How the Job may write to the bucket (ServiceAccount annotations, key env); cloud-specific, built in components/results/. */
  resultsAccess?: ResultsAccess;
  scriptsSha256: string;
  /** servelab:cluster.imageRegistry: the harness image is pulled through it. */
  imageRegistry?: string;
  /** Secret (key `token`) holding servelab:hfToken: clients load gated tokenizers (meta-llama/*) from Hugging Face. */
  hfTokenSecret?: pulumi.Input<string>;
  /** The driver lists engine pods through the Kubernetes API: the pod gets its ServiceAccount token. */
  listsPods?: boolean;
}

export function scriptsConfigMap(input: Pick<BenchmarkJobInput, "namespace" | "labels">, files: Record<string, string>): k8s.types.input.core.v1.ConfigMap {
  return { apiVersion: "v1", kind: "ConfigMap", metadata: { name: SCRIPTS_CONFIGMAP, namespace: input.namespace, labels: input.labels }, data: files };
}

export function benchmarkServiceAccount(input: Pick<BenchmarkJobInput, "namespace" | "labels" | "resultsAccess">): k8s.types.input.core.v1.ServiceAccount {
  const metadata: k8s.types.input.meta.v1.ObjectMeta = { name: SERVICE_ACCOUNT, namespace: input.namespace, labels: input.labels };
  const annotations = input.resultsAccess?.serviceAccountAnnotations ?? {};
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  return { apiVersion: "v1", kind: "ServiceAccount", metadata };
}

/**
 * Read-only and namespaced: the driver lists the engine pods to scrape their /metrics and read their image digests.
 * A Role (not a ClusterRole) can never reach another namespace; no verb writes.
 */
export function podReaderRole(input: Pick<BenchmarkJobInput, "namespace" | "labels">): k8s.types.input.rbac.v1.Role {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "Role",
    metadata: { name: POD_READER_ROLE, namespace: input.namespace, labels: input.labels },
    rules: [{ apiGroups: [""], resources: ["pods"], verbs: ["get", "list"] }],
  };
}

export function podReaderBinding(input: Pick<BenchmarkJobInput, "namespace" | "labels">): k8s.types.input.rbac.v1.RoleBinding {
  return {
    apiVersion: "rbac.authorization.k8s.io/v1",
    kind: "RoleBinding",
    metadata: { name: POD_READER_ROLE, namespace: input.namespace, labels: input.labels },
    roleRef: { apiGroup: "rbac.authorization.k8s.io", kind: "Role", name: POD_READER_ROLE },
    subjects: [{ kind: "ServiceAccount", name: SERVICE_ACCOUNT, namespace: input.namespace }],
  };
}

export function benchmarkJob(input: BenchmarkJobInput): k8s.types.input.batch.v1.Job {
  const { run } = input;
  const env: k8s.types.input.core.v1.EnvVar[] = [
    { name: ENV.baseUrl, value: input.baseUrl },
    { name: ENV.model, value: input.servedModel },
    { name: ENV.experiment, value: input.experiment },
    { name: "PYTHONUNBUFFERED", value: "1" },
    ...Object.entries(run.env).map(([name, value]) => ({ name, value })),
  ];
  // Every harness gets the token: a tokenizer download of a gated repository without it fails with 401.
  if (input.hfTokenSecret) env.push({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: input.hfTokenSecret, key: "token" } } });
  if (input.bucket) env.push({ name: ENV.bucket, value: input.bucket });
  if (input.resultsAccess) env.push(...input.resultsAccess.env);
  const resources = { cpu: String(input.cpu), memory: input.memory };
  return {
    apiVersion: "batch/v1",
    kind: "Job",
    metadata: {
      name: JOB_NAME,
      namespace: input.namespace,
      labels: input.labels,
      // A failed benchmark is replaced on the next `pulumi up` instead of being waited on again.
      annotations: { "pulumi.com/replaceUnready": "true" },
    },
    spec: {
      // One attempt: a retried benchmark would measure a different (warmer) system.
      backoffLimit: 0,
      activeDeadlineSeconds: run.timeoutSeconds,
      template: {
        metadata: {
          labels: input.labels,
          annotations: { "servelab.dev/scripts-sha256": input.scriptsSha256, "servelab.dev/harness": run.harness },
        },
        spec: {
          restartPolicy: "Never",
          serviceAccountName: SERVICE_ACCOUNT,
          automountServiceAccountToken: input.listsPods === true || (input.resultsAccess?.automountServiceAccountToken ?? false),
          nodeSelector: input.placement.nodeSelector,
          tolerations: input.placement.tolerations,
          containers: [
            {
              name: "benchmark",
              image: withRegistry(run.image, input.imageRegistry),
              command: run.command,
              args: run.args,
              env,
              resources: { requests: resources, limits: resources },
              volumeMounts: [
                { name: "scripts", mountPath: SCRIPTS_DIR, readOnly: true },
                { name: "results", mountPath: RESULTS_DIR },
              ],
            },
          ],
          volumes: [
            { name: "scripts", configMap: { name: SCRIPTS_CONFIGMAP, defaultMode: 0o555 } },
            { name: "results", emptyDir: {} },
          ],
        },
      },
    },
  };
}
