/**
 * What `npm run plan` checks before it runs the program, without running it: the stack file's shape, the values
 * outside the schema (namespaces, the token), then the schema and every component's rules.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { servelabValues } from "../../components/config/load";
import { ConfigError } from "../../components/config/problems";
import { StackFileError, readStackConfig } from "../../components/plan/stackFile";
import { parseExperimentConfig, stackValueProblems } from "../../components/validate";

export type StackCheck = { accepted: true } | { accepted: false; text: string; lines: string[] };

const dir = mkdtempSync(join(tmpdir(), "sl-stackcheck-"));
let n = 0;

/** Writes `yaml` as a stack file and checks it; anything but a refusal with a message is thrown (a crash). */
export function checkStackText(yaml: string): StackCheck {
  const stack = `s${n++}`;
  writeFileSync(join(dir, `Pulumi.${stack}.yaml`), yaml);
  try {
    const { values, secretKeys } = readStackConfig(stack, dir);
    const early = stackValueProblems(values, (k) => secretKeys.includes(k));
    if (early.length > 0) throw new ConfigError(early);
    parseExperimentConfig(servelabValues(values));
    return { accepted: true };
  } catch (err) {
    if (err instanceof ConfigError) return { accepted: false, text: err.message, lines: err.problems.map((p) => `${p.path}: ${p.message}`) };
    if (err instanceof StackFileError) return { accepted: false, text: err.message, lines: [err.message] };
    throw err;
  }
}
