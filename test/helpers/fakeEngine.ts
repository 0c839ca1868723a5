/**
 * One local fake engine for every suite that drives a harness end to end: an OpenAI-compatible HTTP server
 * on 127.0.0.1 that lists one model, answers chat and text completions (streamed when asked), and serves a
 * Prometheus `/metrics` page whose counters move with the requests it answered.
 *
 * The default metrics page uses vLLM V1's names (vllm/v1/metrics/loggers.py: `vllm:prefix_cache_queries`,
 * `vllm:prefix_cache_hits`, `vllm:num_requests_running`, ...); a suite that needs another version's names
 * passes `metrics`.
 */
import { createServer, IncomingMessage, Server, ServerResponse } from "node:http";
import { AddressInfo } from "node:net";

export interface FakeEngineState {
  /** Chat and text completions answered so far (failed ones included). */
  completions: number;
  failed: number;
  promptTokens: number;
  generationTokens: number;
  /** Prompt tokens found in the fake prefix cache: every prompt whose first 64 characters were seen before. */
  prefixHits: number;
  prefixQueries: number;
  /** Requests being answered right now. */
  running: number;
}

export interface FakeEngineOptions {
  /** The served model name; requests for any other model get 404 like vLLM's. Default "m". */
  model?: string;
  /** Prefix of the OpenAI routes, "/v1" by default (KubeAI serves "/openai/v1"). */
  apiPrefix?: string;
  /** When > 0, every n-th completion after the first fails with HTTP 500. */
  failEvery?: number;
  /** Milliseconds each completion takes; default 0. */
  delayMs?: number;
  /** The text of /metrics for a state; defaults to vLLM V1 names. */
  metrics?: (state: FakeEngineState, model: string) => string;
  /** Loopback address to listen on (default 127.0.0.1): replicas of one "Deployment" share a port on 127.0.0.x. */
  host?: string;
  /** Port to listen on (default: any free one). */
  port?: number;
}

export interface FakeEngine {
  server: Server;
  /** http://127.0.0.1:<port> */
  origin: string;
  /** origin + apiPrefix */
  baseUrl: string;
  state: FakeEngineState;
  close(): Promise<void>;
}

const roughTokens = (text: string) => Math.max(1, Math.ceil(text.length / 4));

function promptText(body: { messages?: { content?: unknown }[]; prompt?: unknown }): string {
  if (Array.isArray(body.messages)) return body.messages.map((m) => (typeof m.content === "string" ? m.content : JSON.stringify(m.content))).join("\n");
  return typeof body.prompt === "string" ? body.prompt : JSON.stringify(body.prompt ?? "");
}

/** vLLM V1 metric names for the state, each series labelled with the model as vLLM labels it. */
export function vllmV1Metrics(s: FakeEngineState, model: string): string {
  const l = `{engine="0",model_name="${model}"}`;
  return [
    "# TYPE vllm:num_requests_running gauge", `vllm:num_requests_running${l} ${s.running}`,
    "# TYPE vllm:num_requests_waiting gauge", `vllm:num_requests_waiting${l} 0`,
    "# TYPE vllm:kv_cache_usage_perc gauge", `vllm:kv_cache_usage_perc${l} ${Math.min(1, s.running / 10)}`,
    "# TYPE vllm:prefix_cache_queries counter", `vllm:prefix_cache_queries_total${l} ${s.prefixQueries}`,
    "# TYPE vllm:prefix_cache_hits counter", `vllm:prefix_cache_hits_total${l} ${s.prefixHits}`,
    "# TYPE vllm:num_preemptions counter", `vllm:num_preemptions_total${l} 0`,
    "# TYPE vllm:prompt_tokens counter", `vllm:prompt_tokens_total${l} ${s.promptTokens}`,
    "# TYPE vllm:generation_tokens counter", `vllm:generation_tokens_total${l} ${s.generationTokens}`,
    "# TYPE vllm:request_success counter", `vllm:request_success_total{engine="0",finished_reason="stop",model_name="${model}"} ${s.completions - s.failed}`,
    "",
  ].join("\n");
}

export async function startFakeEngine(options: FakeEngineOptions = {}): Promise<FakeEngine> {
  const model = options.model ?? "m";
  const api = options.apiPrefix ?? "/v1";
  const metrics = options.metrics ?? vllmV1Metrics;
  const state: FakeEngineState = { completions: 0, failed: 0, promptTokens: 0, generationTokens: 0, prefixHits: 0, prefixQueries: 0, running: 0 };
  const seenPrefixes = new Set<string>();

  const complete = async (body: Record<string, unknown>, chat: boolean, res: ServerResponse) => {
    state.completions += 1;
    const n = options.failEvery ?? 0;
    if (n > 0 && state.completions > 1 && state.completions % n === 0) {
      state.failed += 1;
      res.writeHead(500).end("{}");
      return;
    }
    state.running += 1;
    const prompt = promptText(body as never);
    const tokens = roughTokens(prompt);
    state.promptTokens += tokens;
    state.prefixQueries += tokens;
    if (seenPrefixes.has(prompt.slice(0, 64))) state.prefixHits += tokens;
    seenPrefixes.add(prompt.slice(0, 64));
    const maxTokens = Number(body.max_tokens ?? body.max_completion_tokens ?? 2);
    const answer = Array.from({ length: Math.max(1, Math.min(maxTokens, 64)) }, () => "ok").join(" ");
    state.generationTokens += roughTokens(answer);
    if (options.delayMs) await new Promise((r) => setTimeout(r, options.delayMs));
    state.running -= 1;
    const usage = { prompt_tokens: tokens, completion_tokens: roughTokens(answer), total_tokens: tokens + roughTokens(answer) };
    if (body.stream) {
      res.setHeader("Content-Type", "text/event-stream");
      const delta = chat ? { delta: { role: "assistant", content: answer } } : { text: answer };
      res.write(`data: ${JSON.stringify({ id: "c", model, choices: [{ index: 0, ...delta, finish_reason: null }] })}\n\n`);
      res.write(`data: ${JSON.stringify({ id: "c", model, choices: [{ index: 0, ...(chat ? { delta: {} } : { text: "" }), finish_reason: "stop" }], usage })}\n\n`);
      res.end("data: [DONE]\n\n");
    } else {
      const choice = chat ? { message: { role: "assistant", content: answer } } : { text: answer };
      res.end(JSON.stringify({ id: "c", model, choices: [{ index: 0, ...choice, finish_reason: "stop" }], usage }));
    }
  };

  const handle = (req: IncomingMessage, res: ServerResponse, raw: string) => {
    const url = (req.url ?? "").split("?")[0];
    if (url === "/metrics") {
      res.setHeader("Content-Type", "text/plain; version=0.0.4");
      res.end(metrics(state, model));
      return;
    }
    if (url === "/health") return void res.end();
    res.setHeader("Content-Type", "application/json");
    if (url === `${api}/models`) return void res.end(JSON.stringify({ object: "list", data: [{ id: model, object: "model" }] }));
    const chat = url === `${api}/chat/completions`;
    if (chat || url === `${api}/completions`) {
      let body: Record<string, unknown>;
      try {
        body = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        return void res.writeHead(400).end("{}");
      }
      if (body.model !== model) return void res.writeHead(404).end(JSON.stringify({ error: { message: `The model \`${String(body.model)}\` does not exist.` } }));
      void complete(body, chat, res);
      return;
    }
    res.writeHead(404).end("{}");
  };

  const server = createServer((req, res) => {
    let raw = "";
    req.on("data", (d) => (raw += d));
    req.on("end", () => handle(req, res, raw));
  });
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((r) => server.listen(options.port ?? 0, host, r));
  const origin = `http://${host}:${(server.address() as AddressInfo).port}`;
  return {
    server,
    origin,
    baseUrl: `${origin}${api}`,
    state,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
