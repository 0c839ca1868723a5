/** The benchmark's readiness gate covers engines Pulumi does not await itself (pure). */
import { BenchmarkConfig } from "../config/schema";

export function withReadyBudget(benchmark: BenchmarkConfig, unawaitedStartupMinutes: number | undefined): BenchmarkConfig {
  if (unawaitedStartupMinutes === undefined || benchmark.readyTimeoutMinutes >= unawaitedStartupMinutes) return benchmark;
  return { ...benchmark, readyTimeoutMinutes: unawaitedStartupMinutes };
}
