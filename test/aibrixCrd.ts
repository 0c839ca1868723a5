/**
 * The AIBrix v0.3.0 KVCache CRD as the API server applies it: the structural schema's defaults first,
 * then validation. Read from ../shared/upstream at test time (never copied).
 */
import Ajv from "ajv";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { parse } from "yaml";

export const AIBRIX_UPSTREAM = resolve(__dirname, "../../shared/upstream/aibrix-v0.3.0");
const crd = parse(readFileSync(`${AIBRIX_UPSTREAM}/orchestration.aibrix.ai_kvcaches.yaml`, "utf8"));
const version = crd.spec.versions.find((v: { name: string }) => v.name === "v1alpha1");
const ajv = new Ajv({ strict: false, useDefaults: true, allErrors: true, formats: { int32: true, int64: true, "date-time": true } });
const validate = ajv.compile(version.schema.openAPIV3Schema);

export const KVCACHE_API_VERSION = `${crd.spec.group}/${version.name}`;
export const KVCACHE_KIND: string = crd.spec.names.kind;

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
