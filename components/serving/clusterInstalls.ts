/**
 * What each router installs outside the row's own namespace (cluster-scoped objects and system namespaces), and the
 * claim that makes such an install exclusive on a cluster (pure). docs/cluster-installs.md has the table.
 *
 * Ownership: every object listed here is a resource of the row that installs it (children of a ConfigFile or a
 * helm.v4.Chart), so `pulumi destroy` of that row deletes it. An install is exclusive: a second row that would
 * install the same thing would adopt it (AIBrix's release files go through an upserting provider) or fail half-way
 * (plain server-side apply create of an existing object fails), and its destroy would delete the first row's
 * objects. So each install has one claim object, and a row must hold the claims of all its installs first.
 */
import { RouterKind } from "../catalog/routers";
import { AIBRIX, LLMD } from "../catalog/versions";
import { ExperimentConfig } from "../config/schema";

export const CLUSTER_INSTALL_IDS = ["gateway-api-crds", "envoy-gateway", "aibrix-control-plane", "kubeai-model-crd", "inferencepool-crd"] as const;
export type ClusterInstallId = (typeof CLUSTER_INSTALL_IDS)[number];

export interface ClusterInstall {
  /** What it is, for messages and docs. */
  what: string;
  /** Its cluster-scoped objects (and the namespaces it creates besides the row's). */
  objects: readonly string[];
  /** Where that list was read. */
  source: string;
}

export const CLUSTER_INSTALLS: Record<ClusterInstallId, ClusterInstall> = {
  "gateway-api-crds": {
    what: "the Gateway API CRDs (gateway.networking.k8s.io: gatewayclasses, gateways, httproutes, grpcroutes, referencegrants, ...)",
    objects: ["CustomResourceDefinition *.gateway.networking.k8s.io"],
    source: "Envoy Gateway v1.2.8 install.yaml, which AIBrix's dependency file includes (vllm-project/aibrix@v0.3.0 and @v0.7.0: config/dependency/envoy-gateway/kustomization.yaml)",
  },
  "envoy-gateway": {
    what: "Envoy Gateway v1.2.8 (its controller in envoy-gateway-system and its CRDs)",
    objects: ["Namespace envoy-gateway-system", "CustomResourceDefinition *.gateway.envoyproxy.io", "ClusterRole/ClusterRoleBinding of envoy-gateway"],
    source: "vllm-project/aibrix@v0.3.0: config/dependency/envoy-gateway (the release's aibrix-dependency file)",
  },
  "aibrix-control-plane": {
    what: `AIBrix's control plane (aibrix-system, its CRDs, GatewayClass aibrix-eg, webhooks, KubeRay CRDs)`,
    objects: [
      `Namespace ${AIBRIX.envoyProxy.namespace}`,
      "CustomResourceDefinition *.aibrix.ai (podautoscalers, modeladapters, kvcaches, rayclusterfleets, rayclusterreplicasets)",
      "CustomResourceDefinition rayclusters/rayjobs/rayservices.ray.io",
      "ClusterRole/ClusterRoleBinding aibrix-* and kuberay-operator",
      "GatewayClass aibrix-eg",
      "MutatingWebhookConfiguration/ValidatingWebhookConfiguration aibrix-*",
    ],
    source: "vllm-project/aibrix@v0.3.0: config/default, config/dependency/kustomization.yaml; .github/workflows/release-build.yaml builds the release files from them",
  },
  "kubeai-model-crd": {
    what: "KubeAI's Model CRD (models.kubeai.org), which every KubeAI operator on the cluster serves from",
    objects: ["CustomResourceDefinition models.kubeai.org", "SecurityContextConstraints kubeai-models (only on OpenShift)"],
    source:
      "kubeai-project/kubeai@helm-chart-kubeai-0.22.1: charts/kubeai/templates/crds/kubeai.org_models.yaml (a template, values crds.enabled: true), templates/securityContextConstraints.yaml (only when the cluster serves security.openshift.io/v1); its RBAC is a namespaced Role",
  },
  "inferencepool-crd": {
    what: `the Gateway API Inference Extension's InferencePool CRD (${LLMD.gaieVersion})`,
    objects: ["CustomResourceDefinition inferencepools.inference.networking.k8s.io"],
    source: `kubernetes-sigs/gateway-api-inference-extension@${LLMD.gaieVersion}: Makefile (v1-manifests.yaml = the config/crd CRDs that serve v1: InferencePool only, no Gateway API CRDs)`,
  },
};

/**
 * Each router's cluster-scoped installs. k8s-service installs nothing outside the row's namespace; production-stack's
 * chart would install the LoraAdapter CRD from its crds/ folder, which servelab skips (productionStack.ts), and its
 * ClusterRoles exist only with the LoRA controller, which servelab leaves off; llm-d's standalone chart makes a
 * ClusterRole only with Prometheus monitoring on (off in servelab) and no Gateway objects, so it needs no Gateway API CRDs.
 */
export const ROUTER_CLUSTER_INSTALLS: Record<RouterKind, readonly ClusterInstallId[]> = {
  "k8s-service": [],
  "production-stack": [],
  aibrix: ["gateway-api-crds", "envoy-gateway", "aibrix-control-plane"],
  kubeai: ["kubeai-model-crd"],
  "llm-d": ["inferencepool-crd"],
};

export function clusterInstalls(config: Pick<ExperimentConfig, "router">): readonly ClusterInstallId[] {
  return ROUTER_CLUSTER_INSTALLS[config.router.kind];
}

/** The installs two rows would both make: non-empty means they cannot be up on one cluster at the same time. */
export function sharedInstalls(a: Pick<ExperimentConfig, "router">, b: Pick<ExperimentConfig, "router">): ClusterInstallId[] {
  const theirs = new Set(clusterInstalls(b));
  return clusterInstalls(a).filter((id) => theirs.has(id));
}

// ---- The claim: one Lease per install, held by one row ----

/** Every cluster has it, so no row has to create (and later delete) a namespace other rows' claims live in. */
export const CLAIM_NAMESPACE = "default";

export function claimName(id: ClusterInstallId): string {
  return `servelab-claim-${id}`;
}

/** Who holds a claim: the row's fully qualified stack name. */
export function claimHolder(organization: string, project: string, stack: string): string {
  return `${organization}/${project}/${stack}`;
}

/** Kubernetes limits a field manager to 128 characters. */
export function claimFieldManager(holder: string): string {
  return `servelab:${holder}`.slice(0, 128);
}

/**
 * The provider the claims go through. Server-side apply with a field manager per row and without force: the create
 * of a claim another row holds is a conflict that the API server reports with the holder's manager name
 * ("conflict with \"servelab:<org>/<project>/<row>\": .spec.holderIdentity"). Without upsert the provider would send a
 * plain create, whose "already exists" names no holder (pulumi/pulumi-kubernetes@v4.32.0
 * provider/pkg/await/await.go Creation: apply patch only `if c.ServerSideApply && (c.UpsertExistingObjects || ...)`,
 * force from patchForce, which is false outside preview unless enablePatchForce or the patchForce annotation;
 * provider.go fieldManagerName takes the pulumi.com/patchFieldManager annotation first). A preview forces (no live
 * object yet), so the refusal comes at `up`, before anything else of the row is created. The refused create is not a
 * partial error (provider.go Create: "was not successfully created"), so the refused row's state never holds the
 * claim and its destroy leaves the holder's claim alone.
 */
export const CLAIM_PROVIDER_ARGS = { upsertExistingObjects: true, enablePatchForce: false } as const;

export function claimManifest(id: ClusterInstallId, holder: string) {
  return {
    apiVersion: "coordination.k8s.io/v1" as const,
    kind: "Lease" as const,
    metadata: {
      name: claimName(id),
      namespace: CLAIM_NAMESPACE,
      labels: { "app.kubernetes.io/part-of": "servelab", "app.kubernetes.io/component": "cluster-claim", "servelab.dev/install": id },
      annotations: {
        "pulumi.com/patchFieldManager": claimFieldManager(holder),
        "servelab.dev/holder": holder,
        "servelab.dev/holds": CLUSTER_INSTALLS[id].what,
      },
    },
    spec: { holderIdentity: holder },
  };
}
