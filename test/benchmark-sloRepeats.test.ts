/** benchmark.slo and benchmark.repeats: what the config accepts and what the Job's command becomes. */
import { describe, expect, it } from "vitest";
import { harnessRun } from "../components/benchmark/harnesses";
import { benchmarkSchema, BenchmarkConfig } from "../components/config/schema";
import { configProblems, minimalRaw, rawStackValues } from "./helpers/configs";

const ctx = { experiment: "exp", tokenizer: "org/tok" };
const bench = (raw: object) => benchmarkSchema.parse(raw) as BenchmarkConfig;
const VLLM = { harness: "vllm-bench", numPrompts: 100, points: [{ requestRate: 2 }] };

describe("benchmark.slo", () => {
  it("vllm-bench and sonnet keep the per-request lists and ask vLLM for its own goodput; without an SLO the command is as before", () => {
    const withSlo = harnessRun(bench({ ...VLLM, slo: { ttftMs: 2000, tpotMs: 100 } }), ctx).args;
    expect(withSlo.slice(withSlo.indexOf("--"))).toEqual(expect.arrayContaining(["--save-detailed", "--goodput", "ttft:2000", "tpot:100"]));
    expect(harnessRun(bench(VLLM), ctx).args).not.toContain("--save-detailed");
    expect(harnessRun(bench({ harness: "sonnet", requestRate: 4, slo: { ttftMs: 500, tpotMs: 50 } }), ctx).args).toEqual(expect.arrayContaining(["--save-detailed", "ttft:500", "tpot:50"]));
  });

  it("KubeAI's benchmark_serving gets --goodput, whose summary line the report reads", () => {
    const args = harnessRun(bench({ harness: "kubeai-benchmark-serving", points: [{ maxConcurrency: 8, requestRate: 8 }], slo: { ttftMs: 1000, tpotMs: 80 } }), ctx).args;
    expect(args).toEqual(expect.arrayContaining(["--goodput", "ttft:1000", "tpot:80"]));
    expect(args).not.toContain("--save-detailed");
  });

  it("is refused for kubeai-chat-k6, which cannot see the first token, and needs both objectives as positive milliseconds", () => {
    const k6 = { ...minimalRaw(), benchmark: { harness: "kubeai-chat-k6", slo: { ttftMs: 1000, tpotMs: 80 } } };
    expect(configProblems(k6)).toEqual([
      "servelab:benchmark.slo: kubeai-chat-k6 cannot measure time to first token (k6 receives each response whole), so no request can be checked against the SLO; remove benchmark.slo, or use multi-round-qa, vllm-bench, sonnet or kubeai-benchmark-serving",
    ]);
    expect(configProblems({ ...minimalRaw(), benchmark: { ...VLLM, slo: { ttftMs: 1000 } } }).join("\n")).toContain("servelab:benchmark.slo.tpotMs");
    expect(configProblems({ ...minimalRaw(), benchmark: { ...VLLM, slo: { ttftMs: 0, tpotMs: 10 } } }).join("\n")).toContain("servelab:benchmark.slo.ttftMs");
    expect(configProblems({ ...minimalRaw(), benchmark: { ...VLLM, slo: { ttftMs: 1000, tpotMs: 80 } } })).toEqual([]);
  });
});

describe("benchmark.repeats", () => {
  it("passes --repeats to the driver only above one, so a single run's Job is unchanged", () => {
    for (const raw of [VLLM, { harness: "multi-round-qa", qps: [1] }, { harness: "kubeai-chat-k6" }, { harness: "kubeai-benchmark-serving", points: [{ maxConcurrency: 8, requestRate: 8 }] }]) {
      const once = harnessRun(bench(raw), ctx);
      const thrice = harnessRun(bench({ ...raw, repeats: 3 }), ctx);
      expect(once.args).not.toContain("--repeats");
      expect(thrice.args.slice(0, thrice.args.indexOf("--repeats") + 2).slice(-2)).toEqual(["--repeats", "3"]);
      expect(harnessRun(bench({ ...raw, repeats: 1 }), ctx).args).toEqual(once.args);
      // The Job's deadline grows with the repeats.
      expect(thrice.timeoutSeconds).toBeGreaterThan(once.timeoutSeconds);
    }
  });

  it("multi-round-qa's derived deadline covers the warm-up once and every repeat of the sweep", () => {
    const b = { harness: "multi-round-qa", qps: [1, 2], secondsPerPoint: 100, pauseSeconds: 10, warmupSeconds: 200 };
    const one = harnessRun(bench(b), ctx).timeoutSeconds;
    const two = harnessRun(bench({ ...b, repeats: 2 }), ctx).timeoutSeconds;
    // Each repeat adds two points of (100 s + 10 s pause + 60 s overhead), times the 1.2 margin.
    expect(two - one).toBe(Math.ceil(2 * 170 * 1.2));
  });

  it("accepts 1 to 20 repeats, and timeoutMinutes must cover all of them", () => {
    expect(configProblems({ ...minimalRaw(), benchmark: { ...VLLM, repeats: 0 } }).join("\n")).toContain("servelab:benchmark.repeats");
    expect(configProblems({ ...minimalRaw(), benchmark: { ...VLLM, repeats: 21 } }).join("\n")).toContain("servelab:benchmark.repeats");
    // 100 prompts at 2/s is 50 s a repeat: 20 repeats need about 17 minutes.
    expect(configProblems({ ...minimalRaw(), benchmark: { ...VLLM, repeats: 20, timeoutMinutes: 10 } }).join("\n")).toContain("servelab:benchmark.timeoutMinutes: 10 is shorter than the load it bounds (about 17 minutes");
    expect(configProblems({ ...minimalRaw(), benchmark: { ...VLLM, repeats: 20 } })).toEqual([]);
  });

  it("a committed row with repeats and an SLO plans", () => {
    const raw = rawStackValues("ps_stack");
    raw.benchmark = { ...raw.benchmark, repeats: 3, slo: { ttftMs: 2000, tpotMs: 100 } };
    expect(configProblems(raw)).toEqual([]);
  });
});
