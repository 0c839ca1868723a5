/**
 * servelab:weightsCredentials: the Secret an object-storage weights copy reads is created by the row from a Pulumi
 * secret, so a VKE row runs unattended; bad values are refused without echoing them.
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseAllDocuments } from "yaml";
import { ConfigError } from "../components/config/problems";
import { parseWeightsCredentials } from "../components/engine/weightsCredentials";
import { planStack } from "../components/plan/planStack";
import { stackFilePath } from "../components/plan/stackFile";
import { stackValueProblems } from "../components/validate";

const KEY = "servelab:weightsCredentials";

describe("the servelab:weightsCredentials value", () => {
  it("is a JSON object of environment variables", () => {
    expect(parseWeightsCredentials('{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cr3t"}').env).toEqual({ AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "s3cr3t" });
  });

  it.each([
    ["AKIDs3cr3t", /not a JSON object/],
    ['["AKID", "s3cr3t"]', /non-empty JSON object/],
    ["{}", /non-empty JSON object/],
    ['{"AWS KEY": "s3cr3t"}', /"AWS KEY": each key must be an environment variable name/],
    ['{"AWS_SECRET_ACCESS_KEY": ""}', /"AWS_SECRET_ACCESS_KEY": each key/],
  ])("refuses %s, naming what is wrong but never the value", (text, reason) => {
    const { env, problem } = parseWeightsCredentials(text);
    expect(env).toBeUndefined();
    expect(problem).toMatch(reason);
    expect(problem).not.toMatch(/s3cr3t|AKID/);
  });

  it("must be a Pulumi secret, and well formed, before anything is read", () => {
    const value = '{"AWS_ACCESS_KEY_ID": "AKID", "AWS_SECRET_ACCESS_KEY": "s3cr3t"}';
    expect(stackValueProblems({ [KEY]: value }, () => false)).toEqual([{ path: KEY, message: expect.stringMatching(/plain text in the stack file; it must be a Pulumi secret/) }]);
    expect(stackValueProblems({ [KEY]: value }, () => true)).toEqual([]);
    expect(stackValueProblems({ [KEY]: "s3cr3t" }, () => true)[0].message).not.toContain("s3cr3t");
  });
});

describe("a row whose weights copy names a Secret, planned offline", () => {
  const SECURE = "  servelab:weightsCredentials:\n    secure: v1:AAAABBBBCCCC\n";
  const withSecret = (stack: string): string => {
    const dir = mkdtempSync(join(tmpdir(), "sl-wcred-"));
    for (const s of [stack, "cluster-vke-h20x16-rdma"]) writeFileSync(stackFilePath(s, dir), readFileSync(stackFilePath(s), "utf8"));
    writeFileSync(stackFilePath(stack, dir), readFileSync(stackFilePath(stack), "utf8").replace(/^config:\n/m, `config:\n${SECURE}`));
    return dir;
  };

  it("creates that Secret in the row's namespace from the secret, its values redacted", async () => {
    const { manifests, plan } = await planStack("k8s_stack_vke", withSecret("k8s_stack_vke"));
    const secret = parseAllDocuments(manifests).map((d) => d.toJS()).find((d) => d.kind === "Secret" && d.metadata.name === "tos-weights");
    expect(secret).toMatchObject({ metadata: { namespace: "k8s-stack-vke" }, type: "Opaque" });
    expect(Object.values(secret.stringData)).toEqual(["[secret]", "[secret]"]);
    expect(JSON.stringify(plan)).not.toContain("v1:AAAABBBBCCCC");
  });

  it("refuses it on a row that copies no weights from object storage", async () => {
    const dir = mkdtempSync(join(tmpdir(), "sl-wcred-"));
    writeFileSync(stackFilePath("cluster-gke-h100x8", dir), readFileSync(stackFilePath("cluster-gke-h100x8"), "utf8"));
    writeFileSync(stackFilePath("k8s_stack", dir), readFileSync(stackFilePath("k8s_stack"), "utf8").replace(/^config:\n/m, `config:\n${SECURE}`));
    const err = await planStack("k8s_stack", dir).catch((e) => e);
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).problems).toEqual([{ path: KEY, message: expect.stringMatching(/copies no weights from object storage/) }]);
  });
});
