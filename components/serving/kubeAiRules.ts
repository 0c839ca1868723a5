/** Config rules of the KubeAI router (pure): the Model's name, PrefixHash settings, mirrored chart images. */
import { CHARTS, KUBEAI_CHART_IMAGES } from "../catalog/versions";
import { ConfigRule } from "../cluster/facts";

const KUBEAI_NAME_LIMIT = 40;

const modelName: ConfigRule = ({ router, model }, _facts, out) => {
  if (router.kind === "kubeai" && model.name && model.name.length > KUBEAI_NAME_LIMIT) {
    out.push({ path: "servelab:model.name", message: `"${model.name}" has ${model.name.length} characters; KubeAI model names are at most ${KUBEAI_NAME_LIMIT}` });
  }
  if (router.kind === "kubeai" && !model.name) {
    out.push({ path: "servelab:model.name", message: "is required with router.kind: kubeai (it becomes the Model's metadata.name)" });
  }
};

/** router.prefixHash belongs to KubeAI's PrefixHash mode, whatever router is chosen. */
const prefixHash: ConfigRule = ({ router }, _facts, out) => {
  if (router.prefixHash && !(router.kind === "kubeai" && router.routing === "PrefixHash")) {
    out.push({ path: "servelab:router.prefixHash", message: `applies only to router.kind: kubeai with routing: PrefixHash (here kind: ${router.kind}, routing: ${router.routing ?? "unset"}); remove it` });
  }
};

/** With a registry prefix, servelab overrides the kubeai chart's images with 0.22.1's tags, which another chart version would not expect. */
const mirroredImages: ConfigRule = ({ cluster, router }, _facts, out) => {
  if (!cluster.imageRegistry || router.kind !== "kubeai" || !router.version || router.version === CHARTS.kubeai.version) return;
  out.push({
    path: "servelab:router.version",
    message: `"${router.version}" with cluster.imageRegistry: servelab mirrors the kubeai chart's images at the tags of chart ${CHARTS.kubeai.version} (${KUBEAI_CHART_IMAGES.modelLoader}, ${KUBEAI_CHART_IMAGES.vllmDefault}), which chart ${router.version} may not use; remove router.version or imageRegistry`,
  });
};

export const KUBEAI_RULES: readonly ConfigRule[] = [modelName, prefixHash, mirroredImages];
