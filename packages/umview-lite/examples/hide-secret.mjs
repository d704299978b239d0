// A umview-lite module: every path under /secret reads as an empty file (/dev/null), and
// everything else is left as it is. Load it with -m, options after commas:
//   umview-lite -m ./examples/hide-secret.mjs -- cat /secret/key
//   umview-lite -m ./examples/hide-secret.mjs,path=/home/me/.ssh -- cat /home/me/.ssh/id_ed25519
export default (options) => {
  const hidden = typeof options.path === 'string' ? options.path : '/secret';
  return {
    name: 'hide-secret',
    paths: [hidden],            // the monitor hands it every call on a path under this prefix
    mapPath: () => '/dev/null', // the host path the kernel opens instead
  };
};
