/**
 * The kubeai 0.22.1 Model CRD as the API server applies it: schema defaults first, then the structural
 * schema, then the CEL rule on the name. Read from ../shared/upstream at test time (never copied).
 */
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";

export const KUBEAI_UPSTREAM = resolve(__dirname, "../../shared/upstream/kubeai-0.22.1");
const crd = parse(readFileSync(`${KUBEAI_UPSTREAM}/kubeai.org_models.yaml`, "utf8"));
const schema = crd.spec.versions.find((v: { name: string }) => v.name === "v1").schema.openAPIV3Schema;
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
