/** The engine Deployment and its Service as plain Kubernetes objects (pure). */
import type * as pulumi from "@pulumi/pulumi";
import type * as k8s from "@pulumi/kubernetes";
import { Placement } from "../cluster/types";
import { VllmSpec } from "./vllmArgs";
import { EngineResources, ephemeralStorageGb } from "./sizing";

type DeploymentArgs = k8s.types.input.apps.v1.Deployment;
type ServiceArgs = k8s.types.input.core.v1.Service;
type EnvVar = k8s.types.input.core.v1.EnvVar;

export interface EngineManifestInput {
  name: string;
  namespace: pulumi.Input<string>;
  labels: Record<string, string>;
  /** Extra labels on the Deployment and its pods (e.g. AIBrix's model.aibrix.ai/*). */
  extraLabels?: Record<string, string>;
  image: string;
  replicas: number;
  spec: VllmSpec;
  resources: EngineResources;
  placement: Placement;
  /** Secret holding the Hugging Face token under key `token`. */
  hfTokenSecret?: pulumi.Input<string>;
  shmSize?: string;
  startupBudgetMinutes: number;
  /** Weights on disk, for the ephemeral-storage request of the download cache. */
  modelSizeGb?: number;
  service: { name: string; port: number };
  /** Container command, when the image's entrypoint is not the vLLM API server (e.g. AIBrix's KV-cache build). */
  command?: string[];
  /** Linux capabilities added to the engine container (e.g. IPC_LOCK for pinned KV-cache memory). */
  capabilities?: string[];
  /** Extended resources (e.g. an RDMA NIC) added to the container's requests and limits. */
  extraLimits?: Record<string, string>;
  podAnnotations?: Record<string, string>;
  /** Env from the pod's own fields: name -> fieldPath (e.g. POD_IP -> status.podIP). */
  fieldEnv?: Record<string, string>;
  /** Containers that must finish before vLLM starts (e.g. waiting for a KV-cache tier to register). */
  initContainers?: k8s.types.input.core.v1.Container[];
  /** Volumes beside the model cache, each mounted into the vLLM container (e.g. the cluster's weights cache). */
  extraVolumes?: { volume: k8s.types.input.core.v1.Volume; mountPath: string }[];
}

const HF_HOME = "/models/huggingface";
const STARTUP_PERIOD_SECONDS = 10;

export function engineSelector(input: Pick<EngineManifestInput, "name">): Record<string, string> {
  return { "app.kubernetes.io/name": "vllm", "app.kubernetes.io/instance": input.name };
}

function envList(input: EngineManifestInput): EnvVar[] {
  const env: EnvVar[] = [{ name: "HF_HOME", value: HF_HOME }];
  if (input.hfTokenSecret) env.push({ name: "HF_TOKEN", valueFrom: { secretKeyRef: { name: input.hfTokenSecret, key: "token" } } });
  for (const [name, fieldPath] of Object.entries(input.spec.fieldEnv ?? {})) env.push({ name, valueFrom: { fieldRef: { fieldPath } } });
  for (const [name, value] of Object.entries(input.spec.env)) env.push({ name, value });
  for (const [name, fieldPath] of Object.entries(input.fieldEnv ?? {})) env.push({ name, valueFrom: { fieldRef: { fieldPath } } });
  return env;
}

/** The engine is ready after download + load: the startup probe carries that budget, not the defaults. */
export function engineProbes(startupBudgetMinutes: number) {
  const health = { path: "/health", port: "http" };
  return {
    startupProbe: { httpGet: health, periodSeconds: STARTUP_PERIOD_SECONDS, timeoutSeconds: 5, failureThreshold: Math.ceil((startupBudgetMinutes * 60) / STARTUP_PERIOD_SECONDS) },
    readinessProbe: { httpGet: health, periodSeconds: 5, timeoutSeconds: 10, failureThreshold: 6 },
    livenessProbe: { httpGet: health, periodSeconds: 15, timeoutSeconds: 10, failureThreshold: 8 },
  };
}

export function engineDeployment(input: EngineManifestInput): DeploymentArgs {
  const selector = engineSelector(input);
  const labels = { ...input.labels, ...selector, ...input.extraLabels };
  const { cpu, memory, gpus } = input.resources;
  const limits: Record<string, string> = { cpu: String(cpu), memory, ...(gpus > 0 ? { "nvidia.com/gpu": String(gpus) } : {}), ...input.extraLimits };
  const requests: Record<string, string> = { ...limits };
  if (input.modelSizeGb !== undefined) requests["ephemeral-storage"] = `${ephemeralStorageGb(input.modelSizeGb)}Gi`;
  const volumes: k8s.types.input.core.v1.Volume[] = [{ name: "model-cache", emptyDir: {} }];
  const mounts: k8s.types.input.core.v1.VolumeMount[] = [{ name: "model-cache", mountPath: "/models" }];
  for (const { volume, mountPath } of input.extraVolumes ?? []) {
    volumes.push(volume);
    mounts.push({ name: volume.name as string, mountPath });
  }
  if (input.shmSize && gpus > 1) {
    volumes.push({ name: "dshm", emptyDir: { medium: "Memory", sizeLimit: input.shmSize } });
    mounts.push({ name: "dshm", mountPath: "/dev/shm" });
  }
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: input.name, namespace: input.namespace, labels },
    spec: {
      replicas: input.replicas,
      selector: { matchLabels: selector },
      // GPUs are the scarce resource: a rolling update would need spare GPUs for the surge pods.
      strategy: { type: "Recreate" },
      progressDeadlineSeconds: input.startupBudgetMinutes * 60 + 600,
      template: {
        metadata: input.podAnnotations && Object.keys(input.podAnnotations).length > 0 ? { labels, annotations: input.podAnnotations } : { labels },
        spec: {
          automountServiceAccountToken: false,
          nodeSelector: input.placement.nodeSelector,
          tolerations: input.placement.tolerations,
          terminationGracePeriodSeconds: 60,
          ...(input.initContainers?.length ? { initContainers: input.initContainers } : {}),
          containers: [
            {
              name: "vllm",
              image: input.image,
              ...(input.command ? { command: input.command } : {}),
              args: input.spec.args,
              env: envList(input),
              ports: [{ name: "http", containerPort: input.spec.port }, ...(input.spec.extraPorts ?? []).map((p) => ({ name: p.name, containerPort: p.port }))],
              resources: { requests, limits },
              volumeMounts: mounts,
              ...(input.capabilities?.length ? { securityContext: { capabilities: { add: input.capabilities } } } : {}),
              ...engineProbes(input.startupBudgetMinutes),
            },
          ],
          volumes,
        },
      },
    },
  };
}

export function engineService(input: EngineManifestInput): ServiceArgs {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: { name: input.service.name, namespace: input.namespace, labels: { ...input.labels, ...input.extraLabels } },
    spec: {
      type: "ClusterIP",
      selector: engineSelector(input),
      ports: [{ name: "http", port: input.service.port, targetPort: "http", protocol: "TCP" }],
    },
  };
}
