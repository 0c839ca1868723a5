/** A row's stack file read and validated, as the plan does before running the program (pure but for the file read). */
import { servelabValues } from "../config/load";
import { ConfigError } from "../config/problems";
import { ExperimentConfig } from "../config/schema";
import { parseExperimentConfig, stackValueProblems } from "../validate";
import { STACKS_DIR, StackConfig, readStackConfig } from "./stackFile";

/** The stack file's values and the validated config, or a StackFileError / ConfigError. */
export function readRowStack(stack: string, dir = STACKS_DIR): StackConfig & { config: ExperimentConfig } {
  const { values, secretKeys } = readStackConfig(stack, dir);
  const early = stackValueProblems(values, (key) => secretKeys.includes(key));
  if (early.length > 0) throw new ConfigError(early);
  return { values, secretKeys, config: parseExperimentConfig(servelabValues(values)) };
}
