/**
 * The kubeai 0.22.1 Model CRD as the API server applies it: schema defaults first, then the structural
 * schema, then the CEL rule on the name. The schema is test/data (derived from KubeAI 0.22.1; see test/data/PROVENANCE.md).
 */
import Ajv from "ajv";
import { testDataJson } from "./data/sources";

const schema = testDataJson("upstream/kubeai-0.22.1/model-crd-v1.json").openAPIV3Schema;
const ajv = new Ajv({ strict: false, useDefaults: true, allErrors: true, formats: { int32: true, int64: true } });
const validate = ajv.compile(schema);
const NAME_RULE = "size(self.metadata.name) <= 40";
const nameRule = (schema["x-kubernetes-validations"] ?? []).find((r: { rule: string }) => r.rule === NAME_RULE);

/** Errors the API server would report for this Model; [] when admitted. */
export function admitKubeAiModel(model: unknown): string[] {
  if (!nameRule) return [`the upstream CRD no longer has the rule ${NAME_RULE}`];
  const obj = structuredClone(model) as { metadata: { name: string } };
  const errors = validate(obj) ? [] : validate.errors!.map((e) => `${e.instancePath} ${e.message}`);
  if (obj.metadata.name.length > 40) errors.push(nameRule.message);
  return errors;
}
