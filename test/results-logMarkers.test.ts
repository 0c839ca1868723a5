/** parseLogResults: the contract between the benchmark Job's log and the runner that collects it. */
import { describe, expect, it } from "vitest";
import { LogMarkerError, parseLogResults } from "../benchmarks/results/logMarkers";
import { markerLines, markerLog, withTimestamps } from "./fixtures/results/markerLog";

const csv = "prompt_tokens,generation_tokens,ttft,generation_time,user_id,question_id,launch_time,finish_time\n" + "21073.0,100.0,1.9,1.4,2,1,1742749675.2,1742749678.5\n".repeat(300);
const manifest = JSON.stringify({ experiment: "k8s_stack", harness: "multi-round-qa", points: [{ qps: 0.1 }] });

describe("parseLogResults", () => {
  it("returns every file byte for byte and the run status", () => {
    const log = markerLog([{ name: "manifest.json", content: manifest }, { name: "k8s_stack_output_0.1.csv", content: csv }], "ok");
    const parsed = parseLogResults(log, "pod log");
    expect(parsed.status).toBe("ok");
    expect(parsed.files.map((f) => f.name)).toEqual(["manifest.json", "k8s_stack_output_0.1.csv"]);
    expect(parsed.files[1].content.toString()).toBe(csv);
  });

  it("reads logs whose lines carry kubectl --timestamps prefixes", () => {
    const log = withTimestamps(markerLog([{ name: "k8s_stack_output_0.1.csv", content: csv }], "failed"));
    expect(log.split("\n")[1]).toMatch(/^2025-03-23T10:15:01\.123456789Z ::servelab-result-begin::/);
    const parsed = parseLogResults(log, "pod log");
    expect(parsed.status).toBe("failed");
    expect(parsed.files[0].content.toString()).toBe(csv);
  });

  it("has status null when the run-end line is missing (Job cut off)", () => {
    const parsed = parseLogResults(markerLog([{ name: "manifest.json", content: manifest }], null), "pod log");
    expect(parsed.status).toBeNull();
    expect(parsed.files).toHaveLength(1);
  });

  it("rejects a file whose end marker is missing, naming the source and line", () => {
    const lines = markerLines({ name: "k8s_stack_output_0.1.csv", content: csv });
    const log = ["engine chatter", ...lines.slice(0, 3)].join("\n");
    expect(() => parseLogResults(log, "pod log of Job ns/benchmark")).toThrow(LogMarkerError);
    expect(() => parseLogResults(log, "pod log of Job ns/benchmark")).toThrow("pod log of Job ns/benchmark:2: result k8s_stack_output_0.1.csv has no end marker (log truncated?)");
  });

  it("rejects a file whose content does not match its sha256", () => {
    const lines = markerLines({ name: "manifest.json", content: manifest }, { sha256: "0".repeat(64) });
    expect(() => parseLogResults(lines.join("\n"), "pod log")).toThrow("pod log:1: result manifest.json is corrupt (sha256 mismatch)");
  });

  it("rejects a log that lost its first files to kubelet's rotation (the run-end line counts them)", () => {
    const full = markerLog([{ name: "manifest.json", content: manifest }, { name: "k8s_stack_output_0.1.csv", content: csv }], "ok");
    const lines = full.split("\n");
    // The log API serves only the newest file after a rotation: here it starts inside manifest.json's payload.
    const rotated = lines.slice(lines.findIndex((l) => l.includes("::servelab-result-end:: name=manifest.json"))).join("\n");
    expect(() => parseLogResults(rotated, "pod log of Job ns/benchmark")).toThrow(
      "pod log of Job ns/benchmark: the run-end line announces 2 result files but the log holds 1",
    );
    expect(parseLogResults(full, "pod log").files).toHaveLength(2);
  });

  it("finds nothing in a log without markers", () => {
    expect(parseLogResults("just\nengine\nchatter\n")).toEqual({ files: [], status: null });
  });
});
