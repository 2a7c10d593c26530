// The package's library entry (`import { Kernel } from "onebox"`): a node embedded in
// another program, one node alone or a member of a cluster, and the guest builder.
export { ClusterNode, type NodeOptions } from "./cluster/node.ts";
export { Kernel, type KernelOptions, type Limits, type SpawnArgs } from "./kernel/kernel.ts";
export { ModuleError } from "./kernel/module-cache.ts";
export { buildGuest, type BuildOptions, type BuildResult } from "./toolchain/build.ts";
