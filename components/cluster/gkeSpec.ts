/** GKE resource inputs as pure functions of the config, so they are tested without Pulumi. */
import type * as gcp from "@pulumi/gcp";
import { GkeClusterConfig } from "../config/schema";
import { GpuPoolFacts } from "./facts";
import { imageStreamingEnabled } from "./imageStreaming";
import { GPU_POOL_NAME, POOL_LABEL, SYSTEM_POOL_NAME } from "./types";

type NodeConfig = gcp.types.input.container.NodePoolNodeConfig;
type PoolArgs = Omit<gcp.container.NodePoolArgs, "cluster" | "location" | "project">;

const SCOPES = ["https://www.googleapis.com/auth/cloud-platform"];

export function gkeClusterName(stack: string, config: GkeClusterConfig): string {
  if (config.name) return config.name;
  const base = `servelab-${stack.toLowerCase().replace(/[^a-z0-9-]/g, "-")}`.slice(0, 40);
  return base.replace(/-+$/, "");
}

export function systemPoolArgs(config: GkeClusterConfig): PoolArgs {
  return {
    name: SYSTEM_POOL_NAME,
    nodeCount: config.system.nodes,
    management: { autoRepair: true, autoUpgrade: true },
    nodeConfig: {
      machineType: config.system.machineType,
      imageType: "COS_CONTAINERD",
      diskSizeGb: config.system.bootDiskGb,
      diskType: "pd-balanced",
      labels: { [POOL_LABEL]: "system" },
      oauthScopes: SCOPES,
      workloadMetadataConfig: { mode: "GKE_METADATA" },
    },
  };
}

/**
 * The GPU pool: GKE installs the driver (LATEST on COS), the pool is tainted so only GPU pods land on
 * it, image streaming is on only for Artifact Registry images (imageStreaming.ts), A3 machines get their local SSDs as ephemeral storage (model downloads
 * and emptyDirs land there), and the provisioning model follows cluster-toolkit's rules
 * (GoogleCloudPlatform/cluster-toolkit@104708037:modules/compute/gke-node-pool/main.tf preconditions): flex-start needs autoscaling
 * from zero, no auto-repair and no reservation; spot needs no reservation.
 */
export function gpuPoolArgs(config: GkeClusterConfig, gpu: GpuPoolFacts): PoolArgs {
  const { provisioning, reservation, nodes, bootDiskGb } = config.gpu;
  const nodeConfig: NodeConfig = {
    machineType: gpu.machineType,
    imageType: "COS_CONTAINERD",
    diskSizeGb: bootDiskGb,
    diskType: gpu.bootDiskType ?? "pd-balanced",
    guestAccelerators: [{ type: gpu.accelerator!, count: gpu.perNode, gpuDriverInstallationConfig: { gpuDriverVersion: "LATEST" } }],
    labels: { [POOL_LABEL]: "gpu" },
    taints: [{ key: "nvidia.com/gpu", value: "present", effect: "NO_SCHEDULE" }],
    gcfsConfig: { enabled: imageStreamingEnabled(config) },
    gvnic: { enabled: true },
    oauthScopes: SCOPES,
    workloadMetadataConfig: { mode: "GKE_METADATA" },
  };
  if (gpu.localSsds > 0) nodeConfig.ephemeralStorageLocalSsdConfig = { localSsdCount: gpu.localSsds };
  const args: PoolArgs = { name: GPU_POOL_NAME, nodeConfig, management: { autoRepair: true, autoUpgrade: true } };
  switch (provisioning) {
    case "on-demand":
      args.nodeCount = nodes;
      break;
    case "spot":
      args.nodeCount = nodes;
      nodeConfig.spot = true;
      // Spot VMs consume no reservation; cluster-toolkit's gke-node-pool refuses spot with any other affinity.
      nodeConfig.reservationAffinity = { consumeReservationType: "NO_RESERVATION" };
      break;
    case "reservation":
      args.nodeCount = nodes;
      nodeConfig.reservationAffinity = reservation
        ? { consumeReservationType: "SPECIFIC_RESERVATION", key: "compute.googleapis.com/reservation-name", values: [reservation] }
        : { consumeReservationType: "ANY_RESERVATION" };
      break;
    case "flex-start":
      args.initialNodeCount = 0;
      args.autoscaling = { totalMinNodeCount: 0, totalMaxNodeCount: nodes, locationPolicy: "ANY" };
      args.management = { autoRepair: false, autoUpgrade: true };
      nodeConfig.flexStart = true;
      nodeConfig.reservationAffinity = { consumeReservationType: "NO_RESERVATION" };
      break;
  }
  return args;
}

/**
 * kubeconfig for the cluster, authenticating through gke-gcloud-auth-plugin (the user's gcloud
 * credentials), so no token is stored in it.
 */
export function gkeKubeconfig(contextName: string, endpoint: string, caCertificate: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: ${contextName}
  cluster:
    certificate-authority-data: ${caCertificate}
    server: https://${endpoint}
contexts:
- name: ${contextName}
  context:
    cluster: ${contextName}
    user: ${contextName}
current-context: ${contextName}
users:
- name: ${contextName}
  user:
    exec:
      apiVersion: client.authentication.k8s.io/v1beta1
      command: gke-gcloud-auth-plugin
      installHint: Install gke-gcloud-auth-plugin (gcloud components install gke-gcloud-auth-plugin)
      provideClusterInfo: true
`;
}

/**
 * No minor-version or node upgrades while the cluster lives: a node upgrade drains the GPU node mid-run
 * (the stress profile runs 11-14 hours) and a minor upgrade changes the platform between rows. Scope
 * NO_MINOR_OR_NODE_UPGRADES until the version's end of support (the provider's
 * maintenancePolicy.maintenanceExclusions[].exclusionOptions; GoogleCloudPlatform/cluster-toolkit
 * examples/gke-a3-ultragpu/gke-a3-ultragpu.yaml sets the same exclusion) needs no end date, so the plan stays
 * deterministic. The provider wants a window beside an exclusion; control-plane patch upgrades may still run
 * in it (the zonal API is briefly away; running pods are not touched).
 */
export const MAINTENANCE_EXCLUSION_START = "2025-01-01T00:00:00Z";

export function maintenancePolicy(): gcp.types.input.container.ClusterMaintenancePolicy {
  return {
    dailyMaintenanceWindow: { startTime: "03:00" },
    maintenanceExclusions: [
      {
        exclusionName: "servelab-no-minor-or-node-upgrades",
        startTime: MAINTENANCE_EXCLUSION_START,
        exclusionOptions: { scope: "NO_MINOR_OR_NODE_UPGRADES", endTimeBehavior: "UNTIL_END_OF_SUPPORT" },
      },
    ],
  };
}
