import { describe, expect, it } from "vitest";
import { SESSION_HEADERS, sessionKeyProblems } from "../components/benchmark/sessionKeyRules";
import { parseExperimentConfig } from "../components/validate";
import { rawStackValues } from "./helpers/configs";

describe("session routing keys the harness sends", () => {
  it("multi-round-qa is the only harness with a per-user header, x-user-id", () => {
    expect(Object.entries(SESSION_HEADERS).filter(([, headers]) => headers.length > 0)).toEqual([["multi-round-qa", ["x-user-id"]]]);
  });

  it("accepts ps_stack's x-user-id in any letter case and leaves other routing modes alone", () => {
    const config = parseExperimentConfig(rawStackValues("ps_stack"));
    expect(sessionKeyProblems(config)).toEqual([]);
    expect(sessionKeyProblems({ ...config, router: { ...config.router, sessionKey: "X-User-Id" } })).toEqual([]);
    expect(sessionKeyProblems({ ...config, router: { ...config.router, routing: "prefixaware", sessionKey: "x-other" } })).toEqual([]);
  });
});
