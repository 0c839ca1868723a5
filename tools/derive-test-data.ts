/**
 * `npm run derive:test-data -- --clone <owner/name>=<path> ...`: regenerates test/data/ from clones of the
 * upstream repositories, reading each file at its pinned commit (`git show <commit>:<path>`), and writes
 * test/data/PROVENANCE.md. Only data is derived (schemas without their prose, values as JSON, published
 * results and write-ups); no upstream code. Commits that live on pull-request branches need
 * `git -C <clone> fetch origin pull/<n>/head` first; the error names the commit and the branch.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { parse } from "yaml";
import { DATA_DIR, PROVENANCE_FILE, TestDataSource, TEST_DATA_SOURCES } from "../test/data/sources";
import { VENDOR_DIR, VENDOR_PROVENANCE_FILE, VENDORED_SOURCES } from "../benchmarks/vendor/sources";

/** Each carried set: test data (read by the suites) and vendored benchmark scripts (shipped to the Job). */
const SETS = [
  { dir: DATA_DIR, provenanceFile: PROVENANCE_FILE, sources: TEST_DATA_SOURCES, title: "Test data provenance", use: "" },
  {
    dir: VENDOR_DIR, provenanceFile: VENDOR_PROVENANCE_FILE, sources: VENDORED_SOURCES, title: "Vendored benchmark scripts: provenance",
    use: "The benchmark Job runs these third-party scripts from its scripts ConfigMap (components/benchmark/scripts.ts), unchanged, under their licences (each repository's LICENSE is carried beside its files).",
  },
];
let ALL_SOURCES = SETS.flatMap((s) => s.sources);

function git(clone: string, args: string[]): Buffer {
  return execFileSync("git", ["-C", clone, ...args], { maxBuffer: 64 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
}

/** A JSON schema without its prose: every `description` of a schema object (not a property named so). */
function withoutDescriptions(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDescriptions);
  if (!schema || typeof schema !== "object") return schema;
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === "description" && typeof value === "string") continue;
    if ((key === "properties" || key === "patternProperties" || key === "definitions" || key === "$defs") && value && typeof value === "object") {
      out[key] = Object.fromEntries(Object.entries(value).map(([name, sub]) => [name, withoutDescriptions(sub)]));
    } else {
      out[key] = withoutDescriptions(value);
    }
  }
  return out;
}

/** A CRD reduced to what admission needs: group, kind, and the named version's structural schema. */
function crdVersion(text: string, version: string): unknown {
  const crd = parse(text);
  const found = crd.spec.versions.find((v: { name: string }) => v.name === version);
  if (!found) throw new Error(`the CRD ${crd.metadata.name} has no version ${version}`);
  return { group: crd.spec.group, kind: crd.spec.names.kind, version, openAPIV3Schema: withoutDescriptions(found.schema.openAPIV3Schema) };
}

const json = (value: unknown) => Buffer.from(`${JSON.stringify(value)}\n`);

function derive(source: TestDataSource, upstream: Buffer): Buffer {
  switch (source.derive) {
    case "copy":
      return upstream;
    case "json-schema":
      return json(withoutDescriptions(JSON.parse(upstream.toString("utf8"))));
    case "yaml-to-json":
      return json(parse(upstream.toString("utf8")));
    case "crd-version":
      return json(crdVersion(upstream.toString("utf8"), source.crdVersion!));
    case "lines":
      return Buffer.from(`${upstream.toString("utf8").split("\n").slice(source.lines![0] - 1, source.lines![1]).join("\n")}\n`);
  }
}

const sha256 = (data: Buffer) => createHash("sha256").update(data).digest("hex");

function provenance(set: (typeof SETS)[number], rows: Array<{ source: TestDataSource; upstreamSha: string; derivedSha: string }>): string {
  const lines = [
    `# ${set.title}`,
    "",
    "Derived from public upstream repositories by `npm run derive:test-data` (tools/derive-test-data.ts), which",
    "reads each file at the commit below and writes it here; do not edit these files by hand (a test compares",
    set.use ? "their sha256 with this table). Licences: as named per row." : "their sha256 with this table). Licences: as named per row; no upstream code is carried.",
    ...(set.use ? ["", set.use] : []),
    "",
    "| file | repository | commit | path | licence | derived as | upstream sha256 | file sha256 |",
    "|---|---|---|---|---|---|---|---|",
  ];
  for (const { source, upstreamSha, derivedSha } of rows) {
    lines.push(`| ${source.file} | ${source.repo} | ${source.commit} | ${source.path} | ${source.licence} | ${source.note} | ${upstreamSha} | ${derivedSha} |`);
  }
  return `${lines.join("\n")}\n`;
}

function main(argv: string[]): number {
  if (argv.includes("--help") || argv.includes("-h") || argv.length === 0) {
    const repos = [...new Set(ALL_SOURCES.map((s) => s.repo))];
    console.log(`usage: npm run derive:test-data -- [--only vendor|test-data] ${repos.map((r) => `--clone ${r}=<path>`).join(" ")}\n\nEvery repository is needed: the provenance table is written whole.`);
    return argv.length === 0 ? 2 : 0;
  }
  const clones = new Map<string, string>();
  // --only vendor | test-data: derive one set (its repositories only).
  const only = argv.indexOf("--only");
  let sets = SETS;
  if (only >= 0) {
    const which = argv[only + 1];
    sets = SETS.filter((s) => (which === "vendor" ? s.dir === VENDOR_DIR : which === "test-data" ? s.dir === DATA_DIR : false));
    if (!sets.length) {
      console.error(`derive-test-data: --only takes vendor or test-data, not ${which}`);
      return 2;
    }
    argv = [...argv.slice(0, only), ...argv.slice(only + 2)];
    ALL_SOURCES = sets.flatMap((s) => s.sources);
  }
  for (let i = 0; i < argv.length; i++) {
    const match = argv[i] === "--clone" ? /^([^=]+)=(.+)$/.exec(argv[i + 1] ?? "") : null;
    if (!match) {
      console.error(`derive-test-data: unknown argument ${argv[i]}; see --help`);
      return 2;
    }
    clones.set(match[1], resolve(match[2]));
    i++;
  }
  const missing = [...new Set(ALL_SOURCES.map((s) => s.repo))].filter((r) => !clones.has(r));
  if (missing.length) {
    console.error(`derive-test-data: no --clone for ${missing.join(", ")}`);
    return 2;
  }
  for (const set of sets) {
  const rows = [];
  for (const source of set.sources) {
    const clone = clones.get(source.repo)!;
    let upstream: Buffer;
    try {
      upstream = git(clone, ["show", `${source.commit}:${source.path}`]);
    } catch {
      console.error(`derive-test-data: ${source.repo} ${source.commit}:${source.path} is not in ${clone}${source.fetch ? ` (run: git -C ${clone} fetch origin ${source.fetch})` : ""}`);
      return 1;
    }
    const derived = derive(source, upstream);
    const target = join(set.dir, source.file);
    mkdirSync(dirname(target), { recursive: true });
    writeFileSync(target, derived);
    rows.push({ source, upstreamSha: sha256(upstream), derivedSha: sha256(derived) });
    console.log(`${source.file}  <-  ${source.repo}@${source.commit.slice(0, 10)}:${source.path}`);
  }
  writeFileSync(set.provenanceFile, provenance(set, rows));
  console.log(`wrote ${set.provenanceFile}`);
  }
  return 0;
}

process.exit(main(process.argv.slice(2)));

