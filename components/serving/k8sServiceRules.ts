/** Config rules of the plain Kubernetes Service router (pure). */
import { ConfigRule } from "../cluster/facts";

const noRoutingModes: ConfigRule = ({ router }, _facts, out) => {
  if (router.kind !== "k8s-service") return;
  if (router.routing) out.push({ path: "servelab:router.routing", message: `"${router.routing}": k8s-service has no routing modes (kube-proxy spreads connections); remove the key or pick a router with routing modes` });
  if (router.version) out.push({ path: "servelab:router.version", message: "k8s-service has no version; remove the key" });
};

export const K8S_SERVICE_RULES: readonly ConfigRule[] = [noRoutingModes];
