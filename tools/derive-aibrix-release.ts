/**
 * `npm run derive:aibrix-release -- --aibrix <clone> --gateway <clone> --helm <helm v3> --kubectl <kubectl>`:
 * rebuilds the AIBrix release files servelab carries (components/serving/aibrix-release/) from source, the
 * way the release workflows build them, and writes their PROVENANCE.md. A manual step (CI has no helm): the
 * suites only compare the carried files with the sha256 column.
 *
 * 1. Envoy Gateway's install.yaml, which AIBrix's config/dependency names by URL: envoyproxy/gateway at the
 *    pinned tag, values.tmpl.yaml filled as `make generate-manifests IMAGE=envoyproxy/gateway TAG=<tag>`
 *    does (tools/make/helm.mk, envsubst), then `helm template --set createNamespace=true eg
 *    charts/gateway-helm --include-crds --namespace envoy-gateway-system` (tools/make/kube.mk).
 * 2. AIBrix's `kustomize build config/dependency` and `kustomize build config/overlays/release`
 *    (.github/workflows/release-build.yaml) at the pinned tag, with the install.yaml of step 1 in place of
 *    its URL. `kubectl kustomize` is kustomize v5 (AIBrix's release job installs the latest kustomize).
 * 3. Each output's objects as JSON, one object per line, in the output's order.
 */
import { execFileSync } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { isDeepStrictEqual } from "node:util";
import { parseAllDocuments } from "yaml";
import { AIBRIX_RELEASE_DERIVATION, AIBRIX_RELEASE_DIR, AIBRIX_RELEASE_PROVENANCE_FILE } from "../components/serving/aibrix-release/sources";

const run = (cmd: string, args: string[], cwd?: string) => execFileSync(cmd, args, { cwd, maxBuffer: 256 * 1024 * 1024, stdio: ["ignore", "pipe", "pipe"] });
const sha256 = (data: Buffer | string) => createHash("sha256").update(data).digest("hex");

function extract(clone: string, commit: string, path: string, into: string): void {
  const tar = join(into, "archive.tar");
  run("git", ["-C", clone, "archive", "--format=tar", "-o", tar, commit, path]);
  run("tar", ["-xf", tar, "-C", into]);
  rmSync(tar);
}

/** The objects of a multi-document YAML stream; refuses a stream whose values YAML 1.1 and 1.2 read differently. */
function objects(text: string, what: string): Record<string, unknown>[] {
  const read = (version: "1.1" | "1.2") =>
    parseAllDocuments(text, { version }).map((d) => {
      if (d.errors.length) throw new Error(`${what}: ${d.errors[0].message}`);
      return d.toJS({ maxAliasCount: -1 });
    }).filter((o) => o !== null);
  const objs = read("1.2");
  // Kubernetes reads YAML as 1.1 (yes/no/on/off are booleans); kustomize quotes such strings, so both agree.
  if (!isDeepStrictEqual(objs, read("1.1"))) throw new Error(`${what}: YAML 1.1 and 1.2 read it differently; check the output by hand`);
  return objs;
}

function main(argv: string[]): number {
  const opts = new Map<string, string>();
  for (let i = 0; i < argv.length; i += 2) opts.set(argv[i].replace(/^--/, ""), argv[i + 1]);
  const need = ["aibrix", "gateway", "helm", "kubectl"];
  if (argv.includes("--help") || need.some((k) => !opts.get(k))) {
    console.log(`usage: npm run derive:aibrix-release -- --aibrix <clone of vllm-project/aibrix> --gateway <clone of envoyproxy/gateway> --helm <helm v3 binary> --kubectl <kubectl binary (kustomize v5)>`);
    return argv.includes("--help") ? 0 : 2;
  }
  const helm = resolve(opts.get("helm")!);
  const kubectl = resolve(opts.get("kubectl")!);
  const helmVersion = run(helm, ["version", "--short"]).toString().trim();
  const kustomizeVersion = /Kustomize Version: (\S+)/.exec(run(kubectl, ["version", "--client"]).toString())?.[1] ?? "unknown";
  if (!helmVersion.startsWith("v3.")) {
    console.error(`derive-aibrix-release: ${helmVersion} is not helm v3, which the Envoy Gateway release used`);
    return 2;
  }
  const rows: string[] = [];
  for (const [version, d] of Object.entries(AIBRIX_RELEASE_DERIVATION)) {
    const work = mkdtempSync(join(tmpdir(), `aibrix-release-${version}-`));
    try {
      const eg = d.envoyGateway;
      extract(resolve(opts.get("gateway")!), eg.commit, "charts/gateway-helm", work);
      const chart = join(work, "charts/gateway-helm");
      let values = readFileSync(join(chart, "values.tmpl.yaml"), "utf8");
      for (const [name, value] of Object.entries(eg.values)) values = values.split(`\${${name}}`).join(value);
      if (/\$\{\w+\}/.test(values)) throw new Error(`values.tmpl.yaml has a variable the release does not set: ${/\$\{\w+\}/.exec(values)![0]}`);
      writeFileSync(join(chart, "values.yaml"), values);
      const install = run(helm, ["template", "--set", "createNamespace=true", "eg", chart, "--include-crds", "--namespace", "envoy-gateway-system"]);

      const aibrix = resolve(opts.get("aibrix")!);
      extract(aibrix, d.aibrix.commit, "config", work);
      const egKustomization = join(work, "config/dependency/envoy-gateway/kustomization.yaml");
      const k = readFileSync(egKustomization, "utf8");
      if (!k.includes(eg.url)) throw new Error(`${egKustomization} no longer names ${eg.url}`);
      writeFileSync(join(dirname(egKustomization), "install.yaml"), install);
      writeFileSync(egKustomization, k.replace(eg.url, "install.yaml"));

      for (const f of d.files) {
        const built = run(kubectl, ["kustomize", join(work, f.kustomization)]);
        const objs = objects(built.toString("utf8"), f.kustomization);
        const json = Buffer.from(`[\n${objs.map((o) => JSON.stringify(o)).join(",\n")}\n]\n`);
        const target = join(AIBRIX_RELEASE_DIR, f.file);
        mkdirSync(dirname(target), { recursive: true });
        writeFileSync(target, json);
        rows.push(
          `| ${f.file} | ${f.published} | \`kustomize build ${f.kustomization}\` at ${d.aibrix.repo}@${d.aibrix.tag} (${d.aibrix.commit}) | ${d.aibrix.licence} | ${objs.length} | ${built.length} | ${sha256(built)} | ${sha256(json)} |`,
        );
        console.log(`${f.file}: ${objs.length} objects (kustomize output ${built.length} bytes, sha256 ${sha256(built)})`);
      }
      for (const l of d.licences) {
        const clone = l.repo === d.aibrix.repo ? aibrix : resolve(opts.get("gateway")!);
        const commit = l.repo === d.aibrix.repo ? d.aibrix.commit : eg.commit;
        const text = run("git", ["-C", clone, "show", `${commit}:${l.path}`]);
        writeFileSync(join(AIBRIX_RELEASE_DIR, l.file), text);
        rows.push(`| ${l.file} | — | ${l.repo}@${commit}:${l.path} | Apache-2.0 | — | ${text.length} | ${sha256(text)} | ${sha256(text)} |`);
      }
      rows.push(`<!-- ${version}: ${eg.repo}@${eg.tag} (${eg.commit}) install.yaml rendered by helm ${helmVersion}: ${install.length} bytes, sha256 ${sha256(install)}; built with kustomize ${kustomizeVersion} (AIBrix's release used ${d.kustomize}) -->`);
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  }
  const table = rows.filter((r) => r.startsWith("|"));
  const notes = rows.filter((r) => r.startsWith("<!--")).map((r) => `- ${r.slice(5, -4)}`);
  const text = [
    "# AIBrix release files: provenance",
    "",
    "Derived from source by `npm run derive:aibrix-release` (tools/derive-aibrix-release.ts): built the way the",
    "release workflows build the published files, then stored as JSON (one object per line, in the build's order).",
    "Do not edit these files by hand: a test compares their sha256 with this table. servelab applies these objects",
    "(components/serving/aibrixStack.ts) with every image rewritten through servelab:cluster.imageRegistry. They",
    "are the upstream projects' manifests under their licences (Apache-2.0; LICENSE-* beside them).",
    "",
    "| file | stands for | built by | licence | objects | built bytes | built sha256 | file sha256 |",
    "|---|---|---|---|---|---|---|---|",
    ...table,
    "",
    "Build inputs:",
    "",
    ...notes,
    "",
  ].join("\n");
  writeFileSync(AIBRIX_RELEASE_PROVENANCE_FILE, text);
  console.log(`wrote ${AIBRIX_RELEASE_PROVENANCE_FILE}`);
  return 0;
}

process.exit(main(process.argv.slice(2)));
