/**
 * RDMA units (pure): with the L2 InfiniStore tier every engine and every InfiniStore pod asks for one unit of the
 * RDMA resource, all on the GPU nodes. More asks than the nodes offer leave a pod Pending: an engine (the await
 * times out on a billed bare-metal node) or InfiniStore (the engines start without L2 and the row measures
 * something else).
 */
import { ClusterFacts } from "../cluster/facts";
import { ConfigProblem } from "../config/problems";
import { ExperimentConfig } from "../config/schema";
import { infinistoreSettings } from "./aibrixKvCache";

export function rdmaFitProblems(config: ExperimentConfig, facts: ClusterFacts): ConfigProblem[] {
  const { kvCache, engine } = config;
  const units = facts.gpu.rdmaUnits;
  if (kvCache.tier !== "aibrix-l2-infinistore" || units === undefined) return [];
  const caches = infinistoreSettings(kvCache).nodes;
  const needed = engine.replicas + caches;
  const offered = units * facts.gpu.nodes;
  if (needed <= offered) return [];
  const rdma = infinistoreSettings(kvCache).rdmaResource;
  const nodesNeeded = Math.ceil(needed / units);
  return [{
    path: "servelab:cluster.gpu.nodes",
    message: `${facts.gpu.nodes}: ${engine.replicas} engines and ${caches} InfiniStore pod${caches > 1 ? "s" : ""} each ask for one ${rdma}, ${needed} in all, but ${facts.gpu.nodes} × ${facts.gpu.machineType} offer${facts.gpu.nodes > 1 ? "" : "s"} ${offered} (${units} a node), so one pod would stay Pending; raise cluster.gpu.nodes to ${nodesNeeded} or lower engine.replicas to ${offered - caches}`,
  }];
}
