/** The SVG line chart and its axis arithmetic. (The pictures themselves were checked by rendering them.) */
import { describe, expect, it } from "vitest";
import { escapeXml, renderLineChart } from "../benchmarks/report/lineChart";
import { formatTick, niceScale, niceStep } from "../benchmarks/report/niceScale";

const count = (svg: string, pattern: RegExp) => (svg.match(pattern) ?? []).length;

/** Every opened element is closed, in order (a well-formedness check without an XML library). */
function balanced(svg: string): boolean {
  const stack: string[] = [];
  for (const m of svg.matchAll(/<(\/?)([a-z]+)[^>]*?(\/?)>/g)) {
    if (m[3] === "/") continue;
    if (m[1] === "/") {
      if (stack.pop() !== m[2]) return false;
    } else stack.push(m[2]);
  }
  return stack.length === 0;
}

describe("nice scales", () => {
  it("steps on 1, 2, 2.5, 5 × 10^k", () => {
    expect([0.08, 0.3, 0.45, 2.2, 7, 1440].map(niceStep)).toEqual([0.1, 0.5, 0.5, 2.5, 10, 2000]);
  });

  it("covers QPS 0.1 … 4.1 in half steps from 0, and a single value with room around it", () => {
    expect(niceScale(0.1, 4.1, 8).ticks).toEqual([0, 0.5, 1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5]);
    expect(niceScale(320, 320, 8)).toMatchObject({ lo: 150, hi: 500 });
    expect(niceScale(0, 0, 6).ticks).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1]);
  });

  it("labels ticks with the decimals the step needs and thousands separators", () => {
    expect(formatTick(1.5, 0.5)).toBe("1.5");
    expect(formatTick(2, 0.5)).toBe("2.0");
    expect(formatTick(80000, 20000)).toBe("80,000");
    expect(formatTick(0.25, 0.25)).toBe("0.25");
  });
});

describe("renderLineChart", () => {
  const svg = renderLineChart({
    title: "Mean TTFT vs QPS",
    xLabel: "QPS",
    yLabel: "mean TTFT (ms)",
    series: [
      { name: "naive <k8s & service>", points: [{ x: 0.1, y: 1890 }, { x: 0.5, y: 1735 }, { x: 0.9, y: 2119 }] },
      { name: "ps_stack", points: [{ x: 0.1, y: 204 }, { x: 0.5, y: null }, { x: 0.9, y: 208 }, { x: 1.3, y: 201 }] },
    ],
  });

  it("is a well-formed standalone SVG with title, axis titles and legend", () => {
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(balanced(svg)).toBe(true);
    expect(svg).toContain(">Mean TTFT vs QPS</text>");
    expect(svg).toContain(">QPS</text>");
    expect(svg).toContain(">mean TTFT (ms)</text>");
    expect(svg).toContain(">naive &lt;k8s &amp; service&gt;<title>");
    expect(svg).toContain(">ps_stack<title>");
  });

  it("draws one marker per measured point and breaks a line at a missing value instead of drawing a zero", () => {
    // 3 + 3 data markers, 2 legend markers (circle and square).
    expect(count(svg, /<circle /g) + count(svg, /<rect [^>]*width="9"/g)).toBe(8);
    // naive: one polyline; ps_stack: 0.1 alone, then 0.9–1.3.
    expect(count(svg, /<polyline /g)).toBe(2);
    expect(svg).not.toMatch(/ps_stack — .*not reported/);
  });

  it("places non-numeric loads (an unbounded rate) on a categorical axis", () => {
    const chart = renderLineChart({ title: "t", xLabel: "request rate", yLabel: "y", series: [{ name: "a", points: [{ x: 10, y: 1 }, { x: "inf", y: 2 }] }] });
    expect(chart).toContain(">10</text>");
    expect(chart).toContain(">inf</text>");
  });

  it("escapes XML", () => {
    expect(escapeXml(`a<b>&"c'`)).toBe("a&lt;b&gt;&amp;&quot;c&#39;");
  });
});
