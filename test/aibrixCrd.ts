/**
 * The AIBrix v0.3.0 KVCache CRD as the API server applies it: the structural schema's defaults first,
 * then validation. The schema is test/data (derived from aibrix v0.3.0; see test/data/PROVENANCE.md).
 */
import Ajv from "ajv";
import { testDataJson } from "./data/sources";

const crd = testDataJson("upstream/aibrix-v0.3.0/kvcache-crd-v1alpha1.json");
const version = { name: crd.version, schema: { openAPIV3Schema: crd.openAPIV3Schema } };
const ajv = new Ajv({ strict: false, useDefaults: true, allErrors: true, formats: { int32: true, int64: true, "date-time": true } });
const validate = ajv.compile(version.schema.openAPIV3Schema);

export const KVCACHE_API_VERSION = `${crd.group}/${version.name}`;
export const KVCACHE_KIND: string = crd.kind;

/** Fields the API server would prune (strict field validation rejects them): paths not in the structural schema. */
export function unknownFields(value: unknown, schema: any, path = ""): string[] {
  if (!schema || value === null || typeof value !== "object") return [];
  if (Array.isArray(value)) return value.flatMap((v, i) => unknownFields(v, schema.items, `${path}[${i}]`));
  if (schema["x-kubernetes-preserve-unknown-fields"]) return [];
  const out: string[] = [];
  for (const [key, v] of Object.entries(value)) {
    if (path === "" && (key === "apiVersion" || key === "kind" || key === "metadata")) continue;
    const sub = schema.properties?.[key] ?? (typeof schema.additionalProperties === "object" ? schema.additionalProperties : undefined);
    if (!sub) out.push(`${path}.${key} is not in the schema`);
    else out.push(...unknownFields(v, sub, `${path}.${key}`));
  }
  return out;
}

/** The object after the API server's defaulting, and the errors it would report ([] when admitted). */
export function admitKvCache(obj: unknown): { errors: string[]; stored: any } {
  const stored = structuredClone(obj) as any;
  const errors: string[] = [];
  if (stored.apiVersion !== KVCACHE_API_VERSION || stored.kind !== KVCACHE_KIND) errors.push(`not a ${KVCACHE_KIND} ${KVCACHE_API_VERSION}`);
  errors.push(...unknownFields(stored, version.schema.openAPIV3Schema));
  if (!validate(stored)) errors.push(...validate.errors!.map((e) => `${e.instancePath} ${e.message}`));
  return { errors, stored };
}
