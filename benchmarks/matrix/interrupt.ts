/**
 * Ctrl-C during a matrix run: the first SIGINT (or SIGTERM) aborts, so the current row is torn down and
 * no further row starts; a second one quits at once, naming the stacks that may still be up.
 *
 * One Ctrl-C can arrive more than once: the terminal signals the whole process group, and wrappers such as
 * tsx relay the signal to their child again. Repeats within REPEAT_WINDOW_MS count as the same interrupt.
 */

export const REPEAT_WINDOW_MS = 1500;

export interface SignalSource {
  on(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
  off(event: "SIGINT" | "SIGTERM", listener: () => void): unknown;
}

export function abortOnInterrupt(
  source: SignalSource,
  controller: AbortController,
  say: (message: string) => void,
  quit: () => void,
  stacksMaybeUp: () => string[],
  now: () => number = Date.now,
): () => void {
  let first = 0;
  const onSignal = () => {
    if (!controller.signal.aborted) {
      first = now();
      say("interrupted: tearing down the current stack before stopping (Ctrl-C again to quit without waiting)");
      controller.abort();
      return;
    }
    if (now() - first < REPEAT_WINDOW_MS) return;
    const up = stacksMaybeUp();
    say(`quitting without waiting for teardown${up.length > 0 ? `; these stacks may still have resources: ${up.map((s) => `pulumi destroy -s ${s}`).join(", ")}` : ""}`);
    quit();
  };
  source.on("SIGINT", onSignal);
  source.on("SIGTERM", onSignal);
  return () => {
    source.off("SIGINT", onSignal);
    source.off("SIGTERM", onSignal);
  };
}
