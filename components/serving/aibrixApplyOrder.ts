/**
 * The order AIBrix's release files rely on, which a yaml/v2 ConfigGroup does not keep by itself (pure). The
 * ConfigGroup orders only namespaces and CRDs before the objects that need them and creates everything else at
 * once (pulumi/pulumi-kubernetes provider/pkg/provider/yaml/v2/yaml.go Register, sigs.k8s.io/cli-utils
 * DependencyGraph); the release files were written for `kubectl apply`, which goes in file order, and for Helm.
 * Two orders matter, each given as the ConfigGroup's `config.kubernetes.io/depends-on` annotation:
 *
 * - Envoy Gateway's controller after its certgen Job: the Job was a Helm pre-install hook (Helm runs it to
 *   completion before the release's objects) and makes the `envoy-gateway` Secret the controller's pod mounts
 *   (envoyproxy/gateway@v1.2.8 charts/gateway-helm/templates/certgen.yaml, envoy-gateway-deployment.yaml). The
 *   ConfigGroup awaits the Job's completion, so the controller starts with its certificates and a failing
 *   certgen (an image missing from the registry) is the error `pulumi up` reports.
 * - The Gateway after the EnvoyProxy its GatewayClass names: Envoy Gateway renders the data plane from the
 *   EnvoyProxy it has when the Gateway appears (envoyproxy/gateway@v1.2.8 internal/infrastructure/kubernetes/proxy
 *   resource.go). servelab creates that EnvoyProxy beforehand with only the Service type, so a Gateway applied
 *   before the release's EnvoyProxy would get Envoy Gateway's default images, docker.io/envoyproxy/envoy and
 *   docker.io/envoyproxy/gateway-dev:latest (api/v1alpha1/shared_types.go), not the release's images as pulled
 *   through cluster.imageRegistry, until the EnvoyProxy lands and the data plane rolls.
 *
 * The certgen Job itself is left as released: it deletes itself 30 s after finishing (ttlSecondsAfterFinished),
 * and pulumi-kubernetes updates an object in place by reading it first (provider/pkg/await/await.go Update), so a
 * changed annotation on the Job would fail every later `pulumi up` with "not found".
 */

type K8sObject = Record<string, any>;

export const DEPENDS_ON_ANNOTATION = "config.kubernetes.io/depends-on";

/** cli-utils' object reference: `<group>/namespaces/<namespace>/<kind>/<name>`, or `<group>/<kind>/<name>` cluster-scoped. */
export function objectReference(obj: K8sObject): string {
  const apiVersion = String(obj.apiVersion);
  const group = apiVersion.includes("/") ? apiVersion.slice(0, apiVersion.indexOf("/")) : "";
  const ns = obj.metadata?.namespace;
  return ns ? `${group}/namespaces/${ns}/${obj.kind}/${obj.metadata.name}` : `${group}/${obj.kind}/${obj.metadata.name}`;
}

const isHelmHook = (o: K8sObject) => o.metadata?.annotations?.["helm.sh/hook"] !== undefined;

/** For each object, the objects of the same file it must wait for (see above). */
function dependencies(obj: K8sObject, objs: readonly K8sObject[]): K8sObject[] {
  if (obj.kind === "Deployment" && !isHelmHook(obj)) {
    // The Helm release's controller waits for the hook Jobs of its namespace.
    return objs.filter((o) => o.kind === "Job" && isHelmHook(o) && o.metadata.namespace === obj.metadata.namespace);
  }
  if (obj.kind === "Gateway") {
    const gatewayClass = objs.find((o) => o.kind === "GatewayClass" && o.metadata.name === obj.spec?.gatewayClassName);
    const ref = gatewayClass?.spec?.parametersRef;
    if (!ref || ref.kind !== "EnvoyProxy") return [];
    return objs.filter((o) => o.kind === "EnvoyProxy" && o.metadata.name === ref.name && o.metadata.namespace === ref.namespace);
  }
  return [];
}

/** The file's objects with the depends-on annotations above; the others as they are (never mutated). */
export function withReleaseApplyOrder(objs: readonly K8sObject[]): K8sObject[] {
  return objs.map((obj) => {
    const deps = dependencies(obj, objs);
    if (deps.length === 0) return obj;
    const annotations = { ...obj.metadata.annotations, [DEPENDS_ON_ANNOTATION]: deps.map(objectReference).join(",") };
    return { ...obj, metadata: { ...obj.metadata, annotations } };
  });
}
