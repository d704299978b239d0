#!/bin/sh
# umview-lite's executable: starts Node on the launcher (cli.cjs, next to this file).
#
# A shell script rather than a `#!/usr/bin/env node` one for one reason: Node 20 parses every
# certificate of NODE_EXTRA_CA_CERTS before it runs any JavaScript (~30 ms of a 50 ms start
# where the variable names the system's bundle, as in many CI and corporate setups; Node 22 and
# 24 load it lazily), and the monitor makes no TLS connection. So Node starts without it, and
# the launcher gives it back to the command it runs, unchanged (UMVIEW_NODE_EXTRA_CA_CERTS
# carries it across; set to '' counts as set). A module (-m ./my-module.js) that makes TLS
# connections with those certificates: run `node …/cli.cjs` instead.
if [ -n "${NODE_EXTRA_CA_CERTS+set}" ]; then
  UMVIEW_NODE_EXTRA_CA_CERTS=$NODE_EXTRA_CA_CERTS
  export UMVIEW_NODE_EXTRA_CA_CERTS
  unset NODE_EXTRA_CA_CERTS
else
  unset UMVIEW_NODE_EXTRA_CA_CERTS
fi

# npm installs bins as symlinks (node_modules/.bin/umview-lite): follow them to this file.
self=$0
while [ -L "$self" ]; do
  link=$(readlink "$self") || break
  case $link in
    /*) self=$link ;;
    *) self=${self%/*}/$link ;;
  esac
done
case $self in
  */*) dir=${self%/*} ;;
  *) dir=. ;;
esac
exec node "$dir/cli.cjs" "$@"
