/**
 * Mutations of committed stack files, as a careless or hurried user would write them: misspelled keys and
 * namespaces, wrong types, out-of-range values, YAML's .inf/.nan. Every one must be refused without a crash or a
 * stack trace, in at most 12 lines, naming the key it broke; harmless variations must stay accepted.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Document, isMap, isScalar, isSeq, parseDocument } from "yaml";
import { checkStackText } from "./helpers/stackCheck";

const STACKS = ["k8s_stack", "kubeai_prefix_hash_8b_l4", "aibrix_kvcache_external", "vllm_405b_h200"];

interface Mutation {
  title: string;
  /** The key the refusal must name: a "servelab:a.b[0].c" path, matched against each problem's path. */
  key: string;
  yaml: string;
}

type Path = Array<string | number>;

/** Every scalar leaf under config:, with its path. */
function leaves(doc: Document): Array<{ path: Path; value: unknown }> {
  const out: Array<{ path: Path; value: unknown }> = [];
  const walk = (node: unknown, path: Path) => {
    if (isMap(node)) for (const pair of node.items) walk(pair.value, [...path, String((pair.key as { value: unknown }).value)]);
    else if (isSeq(node)) node.items.forEach((item, i) => walk(item, [...path, i]));
    else if (isScalar(node)) out.push({ path, value: node.value });
  };
  walk(doc.get("config", true), ["config"]);
  return out;
}

function keyOf(path: Path): string {
  const [, top, ...rest] = path;
  return rest.reduce<string>((k, p) => (typeof p === "number" ? `${k}[${p}]` : `${k}.${p}`), String(top));
}

function mutated(text: string, edit: (doc: Document) => void): string {
  const doc = parseDocument(text);
  edit(doc);
  return doc.toString();
}

/** Misspelling of a key: drop its second letter (servelab -> svelab, replicas -> rplicas). */
const misspell = (k: string) => (k.length > 3 ? k[0] + k.slice(2) : `${k}x`);

function mutations(stack: string): Mutation[] {
  const text = readFileSync(join(__dirname, "../stacks", `Pulumi.${stack}.yaml`), "utf8");
  const doc = parseDocument(text);
  const out: Mutation[] = [];
  // Namespaces and top-level keys.
  for (const pair of (doc.get("config", true) as { items: Array<{ key: { value: string } }> }).items) {
    const full = pair.key.value;
    const [ns, name] = full.split(":");
    out.push({ title: `namespace of ${full} misspelled`, key: `${misspell(ns)}:${name}`, yaml: text.replace(`${full}:`, `${misspell(ns)}:${name}:`) });
    out.push({ title: `key ${full} misspelled`, key: `${ns}:${misspell(name)}`, yaml: text.replace(`${full}:`, `${ns}:${misspell(name)}:`) });
  }
  for (const { path, value } of leaves(doc)) {
    const key = keyOf(path);
    const at = (v: unknown) => mutated(text, (d) => d.setIn(path, v));
    if (typeof value === "number") {
      out.push({ title: `${key} as a string`, key, yaml: at(`${value}x`) });
      out.push({ title: `${key} negative`, key, yaml: at(-1) });
      out.push({ title: `${key} .nan`, key, yaml: at(Number.NaN) });
    } else if (typeof value === "boolean") {
      out.push({ title: `${key} as "yes"`, key, yaml: at("yes") });
    } else if (typeof value === "string" && !key.includes("env.") && !key.includes("extraArgs")) {
      out.push({ title: `${key} as a number`, key, yaml: at(12345) });
    }
    // A misspelled nested key (not list items or free-form maps such as env and node selectors).
    const last = path[path.length - 1];
    if (typeof last === "string" && path.length > 2 && !path.some((p) => p === "env" || String(p).endsWith("NodeSelector"))) {
      const parentPath = path.slice(0, -1);
      out.push({
        title: `${key} misspelled`,
        key: keyOf(parentPath),
        yaml: mutated(text, (d) => {
          const v = d.getIn(path);
          d.deleteIn(path);
          d.setIn([...parentPath, misspell(last)], v);
        }),
      });
    }
  }
  return out;
}

/** A problem names the key when its path is the key, a parent of it, or a child of it. */
function names(lines: string[], key: string): boolean {
  return lines.some((line) => {
    const path = line.split(": ")[0];
    return path === key || key.startsWith(`${path}.`) || key.startsWith(`${path}[`) || path.startsWith(`${key}.`) || path.startsWith(`${key}[`) || line.includes(key);
  });
}

describe.each(STACKS)("mutations of %s", (stack) => {
  const all = mutations(stack);

  it("refuses every one without a crash, in at most 12 lines, naming the key", () => {
    const failures: string[] = [];
    for (const m of all) {
      const result = checkStackText(m.yaml);
      if (result.accepted) failures.push(`${m.title}: accepted`);
      else {
        if (/\n\s+at .*:\d+/.test(result.text)) failures.push(`${m.title}: stack trace`);
        if (result.text.split("\n").length > 12) failures.push(`${m.title}: ${result.text.split("\n").length} lines`);
        if (!names(result.lines, `servelab:${m.key.replace(/^servelab:/, "")}`) && !names(result.lines, m.key)) failures.push(`${m.title}: does not name ${m.key}:\n${result.text}`);
      }
    }
    expect(all.length).toBeGreaterThan(40);
    expect(failures).toEqual([]);
  });

  it("accepts the stack itself and harmless variations", () => {
    const text = readFileSync(join(__dirname, "../stacks", `Pulumi.${stack}.yaml`), "utf8");
    const variations = [
      text,
      `# a comment\n${text}`,
      mutated(text, (d) => d.setIn(["config", "servelab:engine", "seed"], 7)),
      mutated(text, (d) => d.setIn(["config", "servelab:model", "revision"], "main")),
      mutated(text, (d) => d.setIn(["config", "servelab:engine", "startupTimeoutMinutes"], 90)),
    ];
    for (const v of variations) expect(checkStackText(v)).toEqual({ accepted: true });
  });
});
