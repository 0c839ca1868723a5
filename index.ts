import { servelab } from "./components/program";

const outputs = servelab();

export const kubeconfig = outputs.kubeconfig;
export const namespace = outputs.namespace;
export const baseUrl = outputs.baseUrl;
export const servedModel = outputs.servedModel;
export const benchmarkJobName = outputs.benchmarkJobName;
export const resultsLocation = outputs.resultsLocation;
export const engineSelector = outputs.engineSelector;
export const engineContainer = outputs.engineContainer;
export const weightsCacheContainer = outputs.weightsCacheContainer;
