/**
 * Third-party benchmark scripts servelab ships to the benchmark Job in its scripts ConfigMap instead of
 * downloading them at run time (mainland clusters reach GitHub slowly or not at all). Each is carried
 * unchanged at the pinned commit, with the upstream licence beside it; tools/derive-test-data.ts fetches
 * them again from a clone and rewrites benchmarks/vendor/PROVENANCE.md, which a test compares with the files.
 */
import { join } from "node:path";
import type { TestDataSource } from "../../test/data/sources";
import { KUBEAI_CHAT_K6, MULTI_ROUND_QA } from "../../components/catalog/versions";

export const VENDOR_DIR = __dirname;
export const VENDOR_PROVENANCE_FILE = join(VENDOR_DIR, "PROVENANCE.md");

const PS = { repo: MULTI_ROUND_QA.repo, commit: MULTI_ROUND_QA.commit, licence: "Apache-2.0", derive: "copy" as const };
const KUBEAI = { repo: "kubeai-project/kubeai", commit: KUBEAI_CHAT_K6.commit, licence: "Apache-2.0", derive: "copy" as const };

export const VENDORED_SOURCES: TestDataSource[] = [
  { ...PS, file: "production-stack/multi-round-qa.py", path: "benchmarks/multi-round-qa/multi-round-qa.py", note: "production-stack's multi-round-qa benchmark (unchanged)" },
  { ...PS, file: "production-stack/utils.py", path: "benchmarks/multi-round-qa/utils.py", note: "its helper module (unchanged)" },
  { ...PS, file: "production-stack/LICENSE", path: "LICENSE", note: "production-stack's licence" },
  { ...KUBEAI, file: "kubeai/k6.js", path: "benchmarks/multi-turn-chat-k6/k6.js", note: "KubeAI's k6 multi-turn chat scenario (unchanged)" },
  { ...KUBEAI, file: "kubeai/LICENSE", path: "LICENSE", note: "KubeAI's licence" },
];
