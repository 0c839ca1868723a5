/**
 * The shape of a config rule (pure): it reads the parsed config and what the cluster provider resolved about
 * the hardware (`Facts`, defined by components/cluster/), and appends every problem it finds. The rules
 * themselves live with the components they are about and are collected by their registries
 * (components/validate.ts lists the registries); config/ only knows the shape.
 */
import { ConfigProblem } from "./problems";
import { ExperimentConfig } from "./schema";

export type ConfigRuleOf<Facts> = (config: ExperimentConfig, facts: Facts, out: ConfigProblem[]) => void;

/** Something valid but worth saying before anything is created; one sentence each. */
export type ConfigWarningOf<Facts> = (config: ExperimentConfig, facts: Facts) => string[];
