/** The simulator's arguments from the engine spec (components/engine/simulator.ts; flags of llm-d-inference-sim v0.10.2). */
import { describe, expect, it } from "vitest";
import { engineSchema, modelSchema } from "../components/config/schema";
import { latencyProfileFor, renderSimulatorSpec, simulatorFieldEnv } from "../components/engine/simulator";

const model = (source: string, extra: object = {}) => modelSchema.parse({ source, ...extra });
const engine = (extra: object = {}) => engineSchema.parse(extra);
const flag = (args: string[], name: string) => (args.includes(name) ? args[args.indexOf(name) + 1] : undefined);

describe("renderSimulatorSpec", () => {
  it("serves the row's model name and context, on vLLM's port, with the dummy tokenizer so nothing is downloaded", () => {
    const { args, servedModel, port } = renderSimulatorSpec(model("hf://meta-llama/Llama-3.1-8B-Instruct", { name: "llama3-1-8b" }), engine({ maxModelLen: 16384 }), {});
    expect([flag(args, "--model"), flag(args, "--served-model-name"), flag(args, "--port"), flag(args, "--max-model-len")]).toEqual([
      "meta-llama/Llama-3.1-8B-Instruct",
      "llama3-1-8b",
      "8000",
      "16384",
    ]);
    expect([servedModel, port]).toEqual(["llama3-1-8b", 8000]);
    expect(args).toContain("--force-dummy-tokenizer");
  });

  it("takes the model's own context when the row leaves maxModelLen to vLLM", () => {
    expect(flag(renderSimulatorSpec(model("hf://Qwen/Qwen2.5-0.5B-Instruct"), engine(), {}).args, "--max-model-len")).toBe("32768");
  });

  it("simulates the KV cache (and gets the pod IP it needs) exactly when the row has prefix caching", () => {
    const on = renderSimulatorSpec(model("hf://meta-llama/Llama-3.1-8B-Instruct"), engine({ maxModelLen: 4096, maxNumSeqs: 4 }), {}).args;
    expect([on.includes("--enable-kvcache"), flag(on, "--kv-cache-size"), flag(on, "--max-num-seqs")]).toEqual([true, String(4 * 256), "4"]);
    const off = renderSimulatorSpec(model("hf://meta-llama/Llama-3.1-8B-Instruct"), engine({ prefixCaching: false }), {}).args;
    expect(off.some((a) => a.includes("kv-cache") || a.includes("kvcache"))).toBe(false);
    expect(simulatorFieldEnv(engine())).toEqual({ POD_IP: "status.podIP" });
    expect(simulatorFieldEnv(engine({ prefixCaching: false }))).toEqual({});
  });

  it("picks the simulator's latency profile by model size unless the rehearsal names one, and passes the row's seed", () => {
    expect(["hf://Qwen/Qwen2.5-0.5B-Instruct", "hf://meta-llama/Llama-3.1-8B-Instruct", "hf://meta-llama/Llama-3.1-405B-Instruct-FP8", "hf://org/unknown"].map((s) => latencyProfileFor(model(s), {}))).toEqual([
      "small-l40s-edge",
      "8b-h100-balanced",
      "70b-h100-tp8-throughput",
      "8b-h100-balanced",
    ]);
    const args = renderSimulatorSpec(model("hf://meta-llama/Llama-3.1-8B-Instruct"), engine({ seed: 42 }), { latencyProfile: "70b-h100-tp8-throughput" }).args;
    expect([flag(args, "--latency-calculator"), flag(args, "--inter-token-latency"), flag(args, "--prefill-time-per-token"), flag(args, "--seed")]).toEqual(["per-token", "25ms", "500us", "42"]);
    expect(renderSimulatorSpec(model("hf://meta-llama/Llama-3.1-8B-Instruct"), engine(), { latencyProfile: "none" }).args).not.toContain("--latency-calculator");
  });
});
