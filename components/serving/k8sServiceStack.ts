import * as pulumi from "@pulumi/pulumi";
import { engineManifestInput } from "../engine/input";
import { VllmDeployment } from "../engine/vllmDeployment";
import { K8S_SERVICE_ENGINE_NAME } from "./enginePods";
import { ServingArgs, ServingStack } from "./types";

/** Name and port of the Service in AIBrix's regression k8s_stack (`vllm-engine-service:80`). */
export const K8S_SERVICE = { name: "vllm-engine-service", port: 80 };

/**
 * The baseline router: a ClusterIP Service over the engine pods. kube-proxy picks a backend per
 * connection (random in iptables mode), so requests on a kept-alive connection stay on one replica.
 */
export class K8sServiceStack extends pulumi.ComponentResource implements ServingStack {
  public readonly baseUrl: pulumi.Output<string>;
  public readonly servedModel: pulumi.Output<string>;
  public readonly ready: pulumi.Resource[];
  public readonly engines: VllmDeployment;

  constructor(name: string, args: ServingArgs, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:serving:K8sServiceStack", name, {}, opts);
    const input = engineManifestInput(args, { name: K8S_SERVICE_ENGINE_NAME, service: K8S_SERVICE });
    this.engines = new VllmDeployment(`${name}-engines`, input, { parent: this });
    this.baseUrl = pulumi.interpolate`http://${K8S_SERVICE.name}.${args.namespace}.svc.cluster.local/v1`;
    this.servedModel = pulumi.output(input.spec.servedModel);
    this.ready = [this.engines];
    this.registerOutputs({ baseUrl: this.baseUrl, servedModel: this.servedModel });
  }
}
