/** Config rules of the KubeAI router (pure): the chart version, the Model's name, PrefixHash settings. */
import { CHARTS } from "../catalog/versions";
import { ConfigRule } from "../cluster/facts";
import { chartVersionRule } from "./chartVersionRules";

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

export const KUBEAI_RULES: readonly ConfigRule[] = [chartVersionRule("kubeai", CHARTS.kubeai), modelName, prefixHash];
