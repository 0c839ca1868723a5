import * as k8s from "@pulumi/kubernetes";
import * as pulumi from "@pulumi/pulumi";
import { EngineManifestInput, engineDeployment, engineService } from "./manifests";
import { ENGINE_AWAIT_SLACK_MINUTES } from "./sizing";

/**
 * vLLM replicas as a Deployment plus a ClusterIP Service over them. `pulumi up` waits until every
 * replica is ready, for as long as the startup budget derived from the model allows.
 */
export class VllmDeployment extends pulumi.ComponentResource {
  public readonly deployment: k8s.apps.v1.Deployment;
  public readonly service: k8s.core.v1.Service;
  /** In-cluster URL of the Service (no path). */
  public readonly url: pulumi.Output<string>;

  constructor(name: string, args: EngineManifestInput, opts?: pulumi.ComponentResourceOptions) {
    super("servelab:engine:VllmDeployment", name, {}, opts);
    const wait = `${args.startupBudgetMinutes + ENGINE_AWAIT_SLACK_MINUTES}m`;
    this.deployment = new k8s.apps.v1.Deployment(`${name}-deployment`, engineDeployment(args), {
      parent: this,
      customTimeouts: { create: wait, update: wait, delete: "10m" },
    });
    // After the Deployment: Pulumi awaits a Service until it has endpoints, which exist once replicas are ready.
    this.service = new k8s.core.v1.Service(`${name}-service`, engineService(args), { parent: this, dependsOn: [this.deployment] });
    this.url = pulumi.interpolate`http://${this.service.metadata.name}.${args.namespace}.svc.cluster.local:${args.service.port}`;
    this.registerOutputs({ url: this.url });
  }
}
