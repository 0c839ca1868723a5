import { servelab } from "./components/program";

// The program is async: a row on a cluster stack reads that stack's outputs before it declares anything. Pulumi
// awaits the exported promise and records its properties as the stack outputs (@pulumi/pulumi 3.248.0
// cmd/run/run.js runProgram: `return await invokeResult`).
const program = servelab();
// run.js awaits the promise only after further I/O (containsTSAndJSModules), so a config error rejects it first:
// without a handler attached now, Node reports the rejection as unhandled and, once run.js handles it, prints a
// PromiseRejectionHandledWarning under the error. run.js still receives the rejection through `await`. Not
// `export = servelab` (run.js calls an exported function itself): the error's stack then runs through
// node_modules/@pulumi frames, on which the colored util.inspect in run.js's error handler spins for tens of
// seconds and gigabytes on Node 20.
program.catch(() => undefined);
export = program;
