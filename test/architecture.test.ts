/** Layering: config/ knows the schema and the rule shape, never the components whose rules it runs. */
import { readFileSync, readdirSync } from "node:fs";
import { join, resolve } from "node:path";
import { describe, expect, it } from "vitest";

const CONFIG_DIR = resolve(__dirname, "../components/config");

describe("components/config/", () => {
  it("imports only itself, the catalog, zod and the Pulumi SDK", () => {
    const imports = readdirSync(CONFIG_DIR)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => [...readFileSync(join(CONFIG_DIR, f), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => `${f}: ${m[1]}`));
    const above = imports.filter((line) => !/: (\.\/|\.\.\/catalog\/|zod$|@pulumi\/pulumi$)/.test(line));
    expect(above).toEqual([]);
  });
});

describe("components/rehearsal/", () => {
  it("asks the registries, not the routers, tiers or harnesses themselves, whether and how a row is rehearsed", () => {
    const dir = resolve(__dirname, "../components/rehearsal");
    const imports = readdirSync(dir)
      .filter((f) => f.endsWith(".ts"))
      .flatMap((f) => [...readFileSync(join(dir, f), "utf8").matchAll(/from "([^"]+)"/g)].map((m) => `${f}: ${m[1]}`));
    const allowed = /: (\.\.\/config\/[a-z]+|\.\.\/validate|\.\.\/benchmark\/harnesses|\.\.\/plan\/stackFile)$/;
    expect(imports.filter((line) => !allowed.test(line))).toEqual([]);
  });
});
