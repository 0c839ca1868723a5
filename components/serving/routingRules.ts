/** Rules every router shares (pure): a routing mode the router has, and the session key that goes with it. */
import { ROUTERS, routingModesFor } from "../catalog/routers";
import { sessionKeyProblems } from "../benchmark/sessionKeyRules";
import { ConfigRule } from "../cluster/facts";

export const routingMode: ConfigRule = ({ router }, _facts, out) => {
  const facts = ROUTERS[router.kind];
  if (router.routing && facts.routingModes.length > 0) {
    const modes = routingModesFor(router.kind, router.version ?? facts.defaultVersion);
    if (!modes.includes(router.routing)) {
      out.push({ path: "servelab:router.routing", message: `"${router.routing}" is not a routing mode of ${router.kind}; allowed: ${modes.join(", ")} (omit for ${facts.defaultRouting})` });
    }
  }
};

export const sessionKey: ConfigRule = (config, _facts, out) => {
  const { router } = config;
  const wantsSession = router.routing === "session" || router.routing === "kvaware";
  if (router.routing === "session" && !router.sessionKey) {
    out.push({ path: "servelab:router.sessionKey", message: "is required with routing: session: the request header the router keys sessions on (multi-round-qa sends x-user-id on every request)" });
  }
  out.push(...sessionKeyProblems(config));
  if (router.sessionKey && !wantsSession) {
    out.push({ path: "servelab:router.sessionKey", message: `only applies to session or kvaware routing (routing is ${router.routing ?? "unset"})` });
  }
};

export const ROUTING_RULES: readonly ConfigRule[] = [routingMode, sessionKey];
