import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { Cluster } from "../cluster/types";
import { CLAIM_PROVIDER_ARGS, ClusterInstallId, claimManifest } from "./clusterInstalls";

export interface ClusterClaimsArgs {
  installs: readonly ClusterInstallId[];
  /** The row holding them (claimHolder). */
  holder: string;
  /** The cluster's provider and its arguments; the claims get a provider of their own (CLAIM_PROVIDER_ARGS says why). */
  kubernetes: Pick<Cluster, "provider" | "providerArgs">;
}

/**
 * The row's claims on the cluster-scoped installs it makes (clusterInstalls.ts): one Lease each. Everything the row
 * installs depends on them, so a row that finds a claim held by another row stops before installing anything, and
 * `pulumi destroy` deletes the claims last.
 */
export class ClusterClaims extends pulumi.ComponentResource {
  public readonly leases: k8s.coordination.v1.Lease[];

  constructor(name: string, args: ClusterClaimsArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:serving:ClusterClaims", name, {}, opts);
    const provider = new k8s.Provider(
      `${name}-k8s`,
      { ...args.kubernetes.providerArgs, ...CLAIM_PROVIDER_ARGS },
      { parent: this, dependsOn: [args.kubernetes.provider] },
    );
    this.leases = args.installs.map((id) => new k8s.coordination.v1.Lease(`${name}-${id}`, claimManifest(id, args.holder), { parent: this, provider }));
    this.registerOutputs({});
  }
}
