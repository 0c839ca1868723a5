import { servelab } from "./components/program";

// The program is async: a row on a cluster stack reads that stack's outputs before it declares anything. Pulumi
// awaits the exported promise and records its properties as the stack outputs (@pulumi/pulumi cmd/run/run.js).
export = servelab();
