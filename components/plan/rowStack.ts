/** A stack file read and validated, as the plan does before running the program (pure but for the file reads). */
import { servelabValues } from "../config/load";
import { ClusterStackConfig } from "../config/parse";
import { ConfigError } from "../config/problems";
import { ExperimentConfig } from "../config/schema";
import { clusterStackFiles, isClusterStackValues, parseClusterStackConfig, parseExperimentConfig, stackValueProblems } from "../validate";
import { composeRehearsal } from "../rehearsal/compose";
import { STACKS_DIR, StackConfig, readStackConfig } from "./stackFile";

/**
 * The stack file's values and its validated config: a cluster stack's, a rehearsal's (composed from its row), or an
 * experiment row's with its cluster resolved (rows and cluster stacks are read from the same directory).
 * StackFileError / ConfigError.
 */
export function readStackInput(stack: string, dir = STACKS_DIR): StackConfig & { config: ExperimentConfig | ClusterStackConfig } {
  const { values, secretKeys } = readStackConfig(stack, dir);
  const early = stackValueProblems(values, (key) => secretKeys.includes(key), (key) => !secretKeys.includes(key));
  if (early.length > 0) throw new ConfigError(early);
  const raw = servelabValues(values);
  const config = isClusterStackValues(raw) ? parseClusterStackConfig(raw) : raw.rehearsal !== undefined ? composeRehearsal(raw, (row) => readStackConfig(row, dir).values, dir).config : parseExperimentConfig(raw, clusterStackFiles(dir));
  return { values, secretKeys, config };
}
