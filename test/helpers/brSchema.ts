/** The llm-d Benchmark Report v0.2.1 JSON schema (test/data/upstream/llm-d-benchmark, see PROVENANCE.md), compiled once. */
import Ajv from "ajv";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import { testDataJson } from "../data/sources";

// The schema is pydantic's: `discriminator` and `ge` are its annotations, not JSON-schema keywords ajv must enforce.
const ajv = new Ajv({ strict: false, allErrors: true });
addFormats(ajv);
export const validateBr = ajv.compile(testDataJson("upstream/llm-d-benchmark/br-v0.2.1-schema.json"));

export function expectValidBr(report: unknown, name: string): void {
  const ok = validateBr(report);
  expect(ok ? [] : validateBr.errors!.map((e) => `${name}: ${e.instancePath} ${e.message} ${JSON.stringify(e.params)}`)).toEqual([]);
}
