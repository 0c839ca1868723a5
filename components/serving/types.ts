import * as pulumi from "@pulumi/pulumi";
import { EngineContext } from "../engine/input";
import { Cluster, Placement } from "../cluster/types";

/** What every router gives the benchmark, so the benchmark never knows which router it talks to. */
export interface ServingStack {
  /** In-cluster OpenAI base URL, ending in /v1. */
  readonly baseUrl: pulumi.Output<string>;
  /** The `model` clients must send. */
  readonly servedModel: pulumi.Output<string>;
  /** Resources that must be ready before load is sent. */
  readonly ready: pulumi.Resource[];
}

export interface ServingArgs extends EngineContext {
  /** Where CPU-only pods (routers, controllers) go; routers that run pods of their own use it. */
  systemPlacement?: Placement;
  /** The cluster's Kubernetes provider and its arguments, for routers that need a second provider (AIBrix). */
  kubernetes?: Pick<Cluster, "provider" | "providerArgs">;
  /** The row's claims on its cluster-scoped installs (clusterInstalls.ts): whatever does not already wait for the namespace waits for them. */
  claims?: pulumi.Resource[];
}
