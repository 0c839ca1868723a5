/**
 * Where every file under test/data/ comes from: the upstream repository, the commit, the path and how it
 * is derived. tools/derive-test-data.ts regenerates the files and PROVENANCE.md from this table; the
 * suites read the files through `testData()`.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";

export const DATA_DIR = __dirname;
export const PROVENANCE_FILE = join(DATA_DIR, "PROVENANCE.md");

export interface TestDataSource {
  /** Path under test/data/. */
  file: string;
  repo: string;
  commit: string;
  path: string;
  licence: string;
  derive: "copy" | "json-schema" | "yaml-to-json" | "crd-version" | "lines";
  crdVersion?: string;
  /** First and last line (1-based, inclusive) for "lines". */
  lines?: [number, number];
  /** The ref to fetch when the commit is not on a branch a clone has. */
  fetch?: string;
  note: string;
}

const PRODUCTION_STACK = { repo: "vllm-project/production-stack", commit: "66b60661aa3052810859a417559e9e830772a091", licence: "Apache-2.0" }; // tag vllm-stack-0.1.12
const KUBEAI_CHART = { repo: "kubeai-project/kubeai", commit: "f442a2cd620cc0c903d0d0a5145bb70fb050503b", licence: "Apache-2.0" }; // chart 0.22.1
const GAIE = { repo: "kubernetes-sigs/gateway-api-inference-extension", commit: "df9f8909fe06fe2dfd4a6fc0bd0c01a0acabf849", licence: "Apache-2.0" }; // tag v1.5.0
const LLMD_ROUTER = { repo: "llm-d/llm-d-router", commit: "71f4f0999f95b96c49a9d0c4afbd18dfdb943c26", licence: "Apache-2.0" }; // tag v0.10.0
const AIBRIX = { repo: "vllm-project/aibrix", commit: "ecc3529f58997a99b6bf08a1ef5badff365bd8df", licence: "Apache-2.0" }; // tag v0.3.0
const LLMD_BENCHMARK = { repo: "llm-d/llm-d-benchmark", commit: "8bc9f1ddd873a24f1657d6cca2e0d0fb6947dd36", licence: "Apache-2.0" }; // main of 2026-08 (the schema file last changed in d61bdbc8)

export const TEST_DATA_SOURCES: TestDataSource[] = [
  { ...PRODUCTION_STACK, file: "upstream/production-stack-0.1.12/values.schema.json", path: "helm/values.schema.json", derive: "json-schema", note: "the chart's values schema, descriptions removed" },
  { ...PRODUCTION_STACK, file: "upstream/production-stack-0.1.12/values.json", path: "helm/values.yaml", derive: "yaml-to-json", note: "the chart's default values as JSON (comments dropped)" },
  { ...KUBEAI_CHART, file: "upstream/kubeai-0.22.1/values.json", path: "charts/kubeai/values.yaml", derive: "yaml-to-json", note: "the chart's default values as JSON" },
  { ...KUBEAI_CHART, file: "upstream/kubeai-0.22.1/values-gke.json", path: "charts/kubeai/values-gke.yaml", derive: "yaml-to-json", note: "the chart's GKE values as JSON" },
  { ...KUBEAI_CHART, file: "upstream/kubeai-0.22.1/model-crd-v1.json", path: "manifests/crds/kubeai.org_models.yaml", derive: "crd-version", crdVersion: "v1", note: "the Model CRD's v1 schema (CEL rules kept), descriptions removed" },
  { ...AIBRIX, file: "upstream/aibrix-v0.3.0/kvcache-crd-v1alpha1.json", path: "config/crd/orchestration/orchestration.aibrix.ai_kvcaches.yaml", derive: "crd-version", crdVersion: "v1alpha1", note: "the KVCache CRD's v1alpha1 schema, descriptions removed" },
  { ...GAIE, file: "upstream/gaie-v1.5.0/inferencepool-crd-v1.json", path: "config/crd/bases/inference.networking.k8s.io_inferencepools.yaml", derive: "crd-version", crdVersion: "v1", note: "the InferencePool CRD's v1 schema (CEL rules kept), descriptions removed" },
  { ...LLMD_ROUTER, file: "upstream/llm-d-router-v0.10.0/routerlib-values.json", path: "config/charts/routerlib/values.yaml", derive: "yaml-to-json", note: "the routerlib library chart's default values (router.*) as JSON" },
  { ...LLMD_ROUTER, file: "upstream/llm-d-router-v0.10.0/standalone-values.json", path: "config/charts/llm-d-router-standalone/values.yaml", derive: "yaml-to-json", note: "the llm-d-router-standalone chart's default values as JSON" },
  { ...LLMD_ROUTER, file: "upstream/llm-d-router-v0.10.0/epp-precise-prefix-cache-config.json", path: "deploy/config/epp-precise-prefix-cache-config.yaml", derive: "yaml-to-json", note: "the sample EndpointPickerConfig of precise prefix-cache routing as JSON" },
  { ...AIBRIX, file: "samples/aibrix-v0.2.1-multi-round-qa-output.zip", path: "benchmarks/scenarios/ps-experiment/llama-8b-v0.2.1/benchmark_output_20250323.zip", derive: "copy", note: "multi-round-qa CSV output as published (unchanged)" },
  { ...AIBRIX, file: "samples/aibrix-v0.3.0-multi-round-qa-output.zip", path: "benchmarks/scenarios/ps-experiment/llama-8b-v0.3.0/benchmark_output_20250519.zip", derive: "copy", note: "multi-round-qa CSV output of the v0.3.0 regression as published (unchanged)" },
  { ...LLMD_BENCHMARK, file: "upstream/llm-d-benchmark/br-v0.2.1-schema.json", path: "llmdbenchmark/analysis/benchmark_report/br_v0_2_1_json_schema.json", derive: "json-schema", note: "the Benchmark Report v0.2.1 JSON schema, descriptions removed" },
  {
    repo: "kubeai-project/kubeai", commit: "771cad39ce099974e8eaf78d7cb855c97b41a0a1", licence: "Apache-2.0", fetch: "pull/360/head",
    file: "published/kubeai-chat-70b-8r-results.md", path: "benchmarks/chat/scenarios/least-load-vs-prefix-hash-70b-8r/README.md", derive: "copy",
    note: "KubeAI's 70B chat benchmark write-up with its k6 summaries (unchanged)",
  },
  {
    repo: "kubeai-project/kubeai", commit: "4f29f0b97b93441035cbfbdf3d659a136b0bc33a", licence: "Apache-2.0", fetch: "pull/390/head",
    file: "published/kubeai-prefix-cache-routing.md", path: "docs/benchmarks/prefix-cache-routing.md", derive: "copy",
    note: "KubeAI's prefix-cache routing notes with benchmark_serving output (unchanged)",
  },
  {
    repo: "kubeai-project/kubeai", commit: "a2349bfeb2a4bf8e5772dc4fddeaaf3446ac02fe", licence: "Apache-2.0",
    file: "published/kubeai-prefix-aware-load-balancing.md", path: "docs/benchmarks/prefix-aware-load-balancing.md", derive: "copy",
    note: "KubeAI's published prefix-aware load balancing benchmark (unchanged)",
  },
  {
    repo: "cyril-k/vllm-inference-benchmark", commit: "a916d3d4af4b6673f205a340ced57f7e0a7286bd", licence: "none stated (only the numeric output block is quoted; the README's text is not carried)",
    file: "published/vllm-inference-benchmark-result-block.txt", path: "README.md", derive: "lines", lines: [40, 60],
    note: "the benchmark_serving result block the README prints, lines 40-60 (indented as there)",
  },
];

/** A test data file's text. */
export function testData(file: string): string {
  return readFileSync(join(DATA_DIR, file), "utf8");
}

/** A test data JSON file, parsed. */
export function testDataJson<T = any>(file: string): T {
  return JSON.parse(testData(file));
}
