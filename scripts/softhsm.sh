#!/usr/bin/env bash
# A real PKCS#11 token for the pkcs11-bridge tests: SoftHSM2 with a project-local token store.
#
#   bash scripts/softhsm.sh [setup]   install Debian's softhsm2 (and opensc for pkcs11-tool) as root if
#                                     missing; create two fresh tokens in .tools/softhsm/ with their
#                                     own SOFTHSM2_CONF; put a test CA's RSA and P-256 certificates and
#                                     keys on them; print the module path and environment
#   bash scripts/softhsm.sh env       print the environment of the last setup (no changes)
#   bash scripts/softhsm.sh destroy   delete .tools/softhsm/
#
# Setup always starts from empty tokens, so a test run never sees what a previous one left behind
# (a changed PIN, the COUNT_LOW flag). The PINs are test values, written to .tools/softhsm/fixtures.json
# for the tests; nothing here is for real keys.
#
# Tokens:
#   yizheng-main  user PIN 112233: RSA-2048 signing (CKA_ID 01), P-256 signing (02) and the P-256
#                 encryption certificate of the same subject (03), an SM2 signing certificate (04) whose
#                 "key" is a P-256 stand-in (SoftHSM cannot hold SM2 keys: signing must fail with
#                 MECHANISM_UNSUPPORTED), the CA certificate (no key)
#   yizheng-pin   user PIN 112233: one P-256 signing key (01); for wrong-PIN and change-PIN tests
#
# The last stdout lines are KEY=value pairs (SOFTHSM2_CONF, YZ_PKCS11_MODULE, YZ_SOFTHSM_FIXTURES),
# also written to .tools/softhsm/env.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
state="$root/.tools/softhsm"
cmd="${1:-setup}"

log() { echo "[softhsm] $*" >&2; }
die() { log "error: $*"; exit 1; }

USER_PIN=112233
SO_PIN=12345678
USCC=91350200556207664B

find_module() {
  local m
  for m in /usr/lib/softhsm/libsofthsm2.so /usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so \
           /usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so /usr/local/lib/softhsm/libsofthsm2.so; do
    if [ -f "$m" ]; then echo "$m"; return; fi
  done
}

apt_install() {
  [ "$(id -u)" -eq 0 ] || die "$* not installed and this is not root: install the Debian packages: $*"
  command -v apt-get >/dev/null 2>&1 || die "$* not installed and apt-get is missing"
  log "installing Debian packages: $*"
  export DEBIAN_FRONTEND=noninteractive
  # Try the existing package lists first; refresh them only when the install needs it.
  if ! apt-get install -y --no-install-recommends "$@" >/dev/null 2>&1; then
    apt-get update >/dev/null
    apt-get install -y --no-install-recommends "$@" >/dev/null
  fi
}

print_env() {
  [ -f "$state/env" ] || die "no setup yet: run bash scripts/softhsm.sh"
  cat "$state/env"
}

case "$cmd" in
  env) print_env; exit 0 ;;
  destroy) rm -rf "$state"; log "deleted $state"; exit 0 ;;
  setup) ;;
  *) die "unknown command '$cmd' (setup, env, destroy)" ;;
esac

missing=()
command -v softhsm2-util >/dev/null 2>&1 && [ -n "$(find_module)" ] || missing+=(softhsm2)
command -v pkcs11-tool >/dev/null 2>&1 || missing+=(opensc)
command -v openssl >/dev/null 2>&1 || missing+=(openssl)
if [ "${#missing[@]}" -gt 0 ]; then apt_install "${missing[@]}"; fi
module="$(find_module)"
[ -n "$module" ] || die "libsofthsm2.so not found after installing softhsm2"
log "module $module"

rm -rf "$state"
mkdir -p "$state/tokens" "$state/pki"
conf="$state/softhsm2.conf"
cat > "$conf" <<EOF
# Written by scripts/softhsm.sh: a token store for tests only.
directories.tokendir = $state/tokens
objectstore.backend = file
log.level = ERROR
slots.removable = false
EOF
export SOFTHSM2_CONF="$conf"

# --- a test CA and its certificates (openssl; fresh keys every setup) ----------------------------
pki="$state/pki"
ossl() { openssl "$@" 2>/dev/null; }
ossl ecparam -name prime256v1 -genkey -noout -out "$pki/ca.key"
ossl req -new -x509 -utf8 -key "$pki/ca.key" -sha256 -days 3650 -subj "/C=CN/O=一证测试/CN=Yizheng SoftHSM Test CA" \
  -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" \
  -addext "subjectKeyIdentifier=hash" -out "$pki/ca.pem"

# issue <name> <key file> <subject> <keyUsage> [certificate key, when it differs]
issue() {
  local name="$1" key="$2" subject="$3" usage="$4" certkey="${5:-}"
  cat > "$pki/$name.ext" <<EOF
basicConstraints = critical,CA:FALSE
keyUsage = critical,$usage
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid
1.2.156.10260.4.1.4 = ASN1:UTF8String:$USCC
EOF
  local serial="0x$(openssl rand -hex 12)"
  if [ -n "$certkey" ]; then
    openssl pkey -in "$certkey" -pubout -out "$pki/$name.pub" 2>/dev/null
    ossl x509 -new -force_pubkey "$pki/$name.pub" -subj "$subject" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" \
      -set_serial "$serial" -days 365 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.pem"
  else
    ossl req -new -utf8 -key "$key" -subj "$subject" -out "$pki/$name.csr"
    ossl x509 -req -in "$pki/$name.csr" -CA "$pki/ca.pem" -CAkey "$pki/ca.key" -set_serial "$serial" \
      -days 365 -sha256 -extfile "$pki/$name.ext" -out "$pki/$name.pem"
  fi
  openssl x509 -in "$pki/$name.pem" -outform DER -out "$pki/$name.der"
  openssl pkcs8 -topk8 -nocrypt -in "$key" -out "$pki/$name.p8.pem"
}
ossl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:2048 -out "$pki/rsa-sign.key"
ossl ecparam -name prime256v1 -genkey -noout -out "$pki/ec-sign.key"
ossl ecparam -name prime256v1 -genkey -noout -out "$pki/ec-enc.key"
ossl ecparam -name prime256v1 -genkey -noout -out "$pki/pin-sign.key"
ossl ecparam -name prime256v1 -genkey -noout -out "$pki/sm2-sign.key"
ossl genpkey -algorithm SM2 -out "$pki/sm2.key"
subject="/C=CN/O=厦门帝网信息科技有限公司/CN=张三"
issue rsa-sign "$pki/rsa-sign.key" "$subject" "digitalSignature,nonRepudiation"
issue ec-sign "$pki/ec-sign.key" "/C=CN/O=厦门帝网信息科技有限公司/CN=李四" "digitalSignature,nonRepudiation"
issue ec-enc "$pki/ec-enc.key" "/C=CN/O=厦门帝网信息科技有限公司/CN=李四" "keyEncipherment,dataEncipherment,keyAgreement"
issue sm2-sign "$pki/sm2-sign.key" "/C=CN/O=Xiamen Diwang/CN=Zhao Liu SM2" "digitalSignature,nonRepudiation" "$pki/sm2.key"
issue pin-sign "$pki/pin-sign.key" "/C=CN/O=厦门帝网信息科技有限公司/CN=王五" "digitalSignature,nonRepudiation"
openssl x509 -in "$pki/ca.pem" -outform DER -out "$pki/ca.der"

# --- tokens ------------------------------------------------------------------------------------------
init_token() {
  softhsm2-util --init-token --free --label "$1" --so-pin "$SO_PIN" --pin "$USER_PIN" >/dev/null
}
# put <token> <name> <hex id> <label>: the private key (softhsm2-util) and the certificate (pkcs11-tool)
put() {
  local token="$1" name="$2" id="$3" label="$4"
  softhsm2-util --import "$pki/$name.p8.pem" --token "$token" --label "$label" --id "$id" --pin "$USER_PIN" >/dev/null
  pkcs11-tool --module "$module" --token-label "$token" --login --pin "$USER_PIN" \
    --write-object "$pki/$name.der" --type cert --id "$id" --label "$label" >/dev/null 2>&1
}
init_token yizheng-main
put yizheng-main rsa-sign 01 "张三 RSA"
put yizheng-main ec-sign 02 "李四 签名"
put yizheng-main ec-enc 03 "李四 加密"
put yizheng-main sm2-sign 04 "赵六 SM2"
pkcs11-tool --module "$module" --token-label yizheng-main --login --pin "$USER_PIN" \
  --write-object "$pki/ca.der" --type cert --id ca --label "Test CA" >/dev/null 2>&1
init_token yizheng-pin
put yizheng-pin pin-sign 01 "王五"
rm -f "$pki"/*.key "$pki"/*.p8.pem "$pki"/*.csr "$pki"/*.ext "$pki"/*.pub
log "$(softhsm2-util --show-slots 2>/dev/null | grep -c 'Label:.*yizheng') tokens ready in $state"

cat > "$state/fixtures.json" <<EOF
{
  "module": "$module",
  "conf": "$conf",
  "userPin": "$USER_PIN",
  "soPin": "$SO_PIN",
  "uscc": "$USCC",
  "ca": "$pki/ca.pem",
  "tokens": {
    "main": { "label": "yizheng-main", "certificates": { "rsa-sign": "01", "ec-sign": "02", "ec-enc": "03", "sm2-sign": "04", "ca": "ca" } },
    "pin": { "label": "yizheng-pin", "certificates": { "pin-sign": "01" } }
  }
}
EOF
cat > "$state/env" <<EOF
SOFTHSM2_CONF=$conf
YZ_PKCS11_MODULE=$module
YZ_SOFTHSM_FIXTURES=$state/fixtures.json
EOF
print_env
