/** Whether UMVIEW_SERVER asks for the warm monitor (server/monitor-server.ts): set, not '' or '0'. */
export function serverWanted(env: NodeJS.ProcessEnv = process.env): boolean {
  const value = env.UMVIEW_SERVER;
  return value !== undefined && value !== '' && value !== '0';
}
