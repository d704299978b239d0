// The executable (bin/umview-lite) starts Node without NODE_EXTRA_CA_CERTS, which Node 20 would
// parse for nothing, and carries it in UMVIEW_NODE_EXTRA_CA_CERTS: the command gets it back as
// it was, from the launcher or from the warm monitor.

/** Gives `env` its NODE_EXTRA_CA_CERTS back. */
export function restoreCarriedEnv(env: NodeJS.ProcessEnv | Record<string, string>): void {
  const carried = env.UMVIEW_NODE_EXTRA_CA_CERTS;
  if (carried === undefined) return;
  env.NODE_EXTRA_CA_CERTS = carried;
  delete env.UMVIEW_NODE_EXTRA_CA_CERTS;
}

/** Takes NODE_EXTRA_CA_CERTS out of `env` for a Node that starts the monitor, as bin/umview-lite
 * does; restoreCarriedEnv gives it back. */
export function carryEnv(env: NodeJS.ProcessEnv): void {
  if (env.NODE_EXTRA_CA_CERTS === undefined) return;
  env.UMVIEW_NODE_EXTRA_CA_CERTS = env.NODE_EXTRA_CA_CERTS;
  delete env.NODE_EXTRA_CA_CERTS;
}
