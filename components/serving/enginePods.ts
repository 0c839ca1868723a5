/**
 * Where an experiment's engine pods are and which container runs vLLM: a label selector and a container name,
 * exported as stack outputs so the matrix runner can read an engine's start-up log (pure).
 */
import { ExperimentConfig } from "../config/schema";
import { engineSelector } from "../engine/manifests";
import { aibrixEngineNaming } from "./aibrixSpec";
import { kubeAiModelName } from "./kubeAiSpec";
import { LLMD_ENGINE_NAME } from "./llmdSpec";
import { PS_MODEL_SPEC_NAME, productionStackRelease } from "./productionStackValues";

export interface EnginePods {
  /** A Kubernetes label selector (`k=v,k=v`) matching the engine pods and nothing else in the namespace. */
  selector: string;
  /** The container whose log is vLLM's. */
  container: string;
}

/** The engine Deployment's name under the k8s-service router (its pods' app.kubernetes.io/instance). */
export const K8S_SERVICE_ENGINE_NAME = "vllm";

const selectorText = (labels: Record<string, string>) => Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",");

export function enginePods(config: ExperimentConfig, namespace: string): EnginePods {
  switch (config.router.kind) {
    case "k8s-service":
      return { selector: selectorText(engineSelector({ name: K8S_SERVICE_ENGINE_NAME })), container: "vllm" };
    case "aibrix":
      return { selector: selectorText(engineSelector({ name: aibrixEngineNaming(config).name })), container: "vllm" };
    case "kubeai":
      // The operator labels a Model's pods app=model, model=<Model name> and names the vLLM container "server"
      // (kubeai-project/kubeai@f442a2cd:internal/modelcontroller/model_controller.go, engine_vllm.go).
      return { selector: selectorText({ app: "model", model: kubeAiModelName(config) }), container: "server" };
    case "llm-d":
      return { selector: selectorText(engineSelector({ name: LLMD_ENGINE_NAME })), container: "vllm" };
    case "production-stack":
      // Pod labels and the "vllm" container of vllm-project/production-stack@vllm-stack-0.1.12:helm/templates/deployment-vllm-multi.yaml.
      return { selector: selectorText({ model: PS_MODEL_SPEC_NAME, "helm-release-name": productionStackRelease(namespace) }), container: "vllm" };
  }
}
