/** What the user sees and does during a matrix run: the progress lines, Ctrl-C, and the driver's small pure parts. */
import { EventEmitter } from "node:events";
import { describe, expect, it, vi } from "vitest";
import { delayedAbort } from "../benchmarks/matrix/automationDriver";
import { publicOutputs, toStackOutputs } from "../benchmarks/matrix/driver";
import { abortOnInterrupt } from "../benchmarks/matrix/interrupt";
import { ProgressDisplay, formatElapsed, renderProgress } from "../benchmarks/matrix/progress";
import { Row } from "../benchmarks/matrix/runner";

const T0 = Date.parse("2025-03-23T10:00:00Z");
const row = (over: Partial<Row>): Row => ({ stack: "k8s_stack", role: "experiment", phase: "pending", phaseSince: T0, startedAt: null, finishedAt: null, detail: "", ...over });

describe("progress", () => {
  it("formats elapsed time as m:ss or h:mm:ss", () => {
    expect(formatElapsed(0)).toBe("0:00");
    expect(formatElapsed(312_000)).toBe("5:12");
    expect(formatElapsed(2 * 3600_000 + 48 * 60_000 + 10_000)).toBe("2:48:10");
  });

  it("shows each row's position, phase, time in phase and in all, and the latest Pulumi line", () => {
    const rows = [
      row({ stack: "gke_h100", role: "cluster", phase: "ready", startedAt: T0, phaseSince: T0 + 600_000 }),
      row({ phase: "collected", startedAt: T0 + 600_000, finishedAt: T0 + 3_490_000, detail: "results in results/k8s_stack/20250323T101000Z" }),
      row({ stack: "ps_stack", phase: "up", startedAt: T0 + 3_500_000, phaseSince: T0 + 3_500_000, detail: "+  kubernetes:batch/v1:Job benchmark creating (312s)" }),
      row({ stack: "aibrix_naive", phase: "failed", startedAt: T0, finishedAt: T0 + 1000, error: "plan: servelab:router.routing: bad" }),
      row({ stack: "aibrix_dram", leftUp: "destroy failed twice; resources may still be running: pulumi destroy -s aibrix_dram", phase: "collected" }),
    ];
    const lines = renderProgress(rows, T0 + 3_812_000, 200);
    expect(lines[0]).toMatch(/^ {2}cluster gke_h100 +ready +53:32 \(1:03:32 in all\)$/);
    expect(lines[1]).toMatch(/^ {2}1\/4 +k8s_stack +collected +took 48:10 +results in results\/k8s_stack\/20250323T101000Z$/);
    expect(lines[2]).toMatch(/^ {2}2\/4 +ps_stack +up +5:12 \(5:12 in all\) +\+ {2}kubernetes:batch\/v1:Job benchmark creating \(312s\)$/);
    expect(lines[3]).toMatch(/failed .* plan: servelab:router\.routing: bad$/);
    expect(lines[4]).toMatch(/LEFT UP: destroy failed twice; resources may still be running: pulumi destroy -s aibrix_dram$/);
    expect(renderProgress(rows, T0, 60).every((l) => l.length <= 60)).toBe(true);
  });

  it("prints one line per phase change when the output is not a terminal", () => {
    const written: string[] = [];
    const display = new ProgressDisplay({ write: (t: string) => written.push(t), isTTY: false }, () => T0 + 65_000);
    const r = row({});
    display.update([r]);
    display.update([r]);
    r.phase = "up";
    r.detail = "Updating (k8s_stack)";
    display.update([r]);
    r.detail = "another line";
    display.update([r]);
    r.phase = "failed";
    r.error = "up: Job failed";
    display.update([r]);
    expect(written).toEqual(["[10:01:05] k8s_stack pending\n", "[10:01:05] k8s_stack up: Updating (k8s_stack)\n", "[10:01:05] k8s_stack failed: up: Job failed\n"]);
  });

  it("redraws in place on a terminal", () => {
    const written: string[] = [];
    const display = new ProgressDisplay({ write: (t: string) => written.push(t), isTTY: true, columns: 100 }, () => T0);
    display.update([row({}), row({ stack: "ps_stack" })]);
    display.update([row({ phase: "up", startedAt: T0 }), row({ stack: "ps_stack" })]);
    expect(written[0].startsWith("\x1b[2K  1/2")).toBe(true);
    expect(written[1].startsWith("\x1b[2F\x1b[2K  1/2")).toBe(true);
  });
});

describe("Ctrl-C", () => {
  it("aborts on the first SIGINT and quits on the second, naming the stacks that may be up", () => {
    const process_ = new EventEmitter();
    const controller = new AbortController();
    const said: string[] = [];
    const quit = vi.fn();
    let now = 1000;
    const dispose = abortOnInterrupt(process_, controller, (m) => said.push(m), quit, () => ["k8s_stack"], () => now);
    process_.emit("SIGINT");
    expect(controller.signal.aborted).toBe(true);
    expect(quit).not.toHaveBeenCalled();
    expect(said[0]).toBe("interrupted: tearing down the current stack before stopping (Ctrl-C again to quit without waiting)");
    // The same Ctrl-C relayed by tsx / npm a few ms later is not a second one.
    now += 40;
    process_.emit("SIGINT");
    expect(quit).not.toHaveBeenCalled();
    now += 5000;
    process_.emit("SIGTERM");
    expect(quit).toHaveBeenCalledOnce();
    expect(said[1]).toBe("quitting without waiting for teardown; these stacks may still have resources: pulumi destroy -s k8s_stack");
    dispose();
    expect(process_.listenerCount("SIGINT") + process_.listenerCount("SIGTERM")).toBe(0);
  });

  it("forwards an interrupt to pulumi only after a grace period (a terminal's Ctrl-C reaches pulumi itself)", () => {
    vi.useFakeTimers();
    try {
      const outer = new AbortController();
      const forwarded = delayedAbort(outer.signal, 30_000);
      outer.abort();
      vi.advanceTimersByTime(29_999);
      expect(forwarded.signal.aborted).toBe(false);
      vi.advanceTimersByTime(1);
      expect(forwarded.signal.aborted).toBe(true);

      const finished = new AbortController();
      const done = delayedAbort(finished.signal, 30_000);
      done.done();
      finished.abort();
      vi.advanceTimersByTime(60_000);
      expect(done.signal.aborted).toBe(false);
    } finally {
      vi.useRealTimers();
    }
  });
});

describe("stack outputs", () => {
  it("keeps the known string outputs and never shows the kubeconfig", () => {
    const outputs = toStackOutputs({ kubeconfig: { value: "apiVersion: v1" }, namespace: { value: "bench" }, benchmarkJobName: { value: "benchmark" }, resultsLocation: { value: undefined }, other: { value: "x" } });
    expect(outputs).toEqual({ kubeconfig: "apiVersion: v1", namespace: "bench", benchmarkJobName: "benchmark" });
    expect(publicOutputs(outputs)).toEqual({ namespace: "bench", benchmarkJobName: "benchmark", baseUrl: undefined, servedModel: undefined, resultsLocation: undefined });
  });
});
