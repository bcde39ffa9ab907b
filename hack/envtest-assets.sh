#!/usr/bin/env bash
# Builds the control plane the operator tests run against: a real kube-apiserver and etcd, compiled
# from Go modules (no downloads of prebuilt binaries are possible here). Both are static binaries in
# DIR (default bin/k8s) and are skipped when they already report the pinned versions.
#
#   hack/envtest-assets.sh [DIR]     prints DIR on success (use it as KUBEBUILDER_ASSETS)
set -euo pipefail

K8S_VERSION=${K8S_VERSION:-v1.37.2}
ETCD_VERSION=${ETCD_VERSION:-v3.7.3}
staging_version="v0${K8S_VERSION#v1}" # v1.37.2 -> v0.37.2

root=$(cd "$(dirname "$0")/.." && pwd)
dir=${1:-$root/bin/k8s}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)
work=${ENVTEST_WORK:-$root/bin/.envtest-build}
mkdir -p "$work"

export GOWORK=off GOFLAGS="-mod=mod -buildvcs=false" CGO_ENABLED=0 GOTOOLCHAIN=local

log() { echo "envtest-assets: $*" >&2; }

# reported_version prints the first line of BINARY --version. The whole output is read before
# it is cut: `--version | grep -q` would close the pipe early, kill the binary with SIGPIPE and,
# under pipefail, report a mismatch that triggers a needless rebuild.
reported_version() {
  local out
  out=$("$1" --version 2>/dev/null) || return 0
  printf '%s\n' "${out%%$'\n'*}"
}

build_apiserver() {
  if [ -x "$dir/kube-apiserver" ] && [ "$(reported_version "$dir/kube-apiserver")" = "Kubernetes $K8S_VERSION" ]; then
    log "kube-apiserver $K8S_VERSION present"
    return
  fi
  log "building kube-apiserver $K8S_VERSION (about 10 CPU-minutes cold)"
  local m="$work/apiserver"
  mkdir -p "$m"
  local gomod
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  # Kubernetes lists its staging modules at v0.0.0 with local replaces; point each at the published
  # release instead. Require and replace both, so the build cache keys stay stable.
  local staging
  staging=$(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$gomod" | sort -u |
    grep -vx -e k8s.io/sample-cli-plugin -e k8s.io/sample-controller)
  {
    echo "module envtest/apiserver"
    echo
    echo "go 1.26"
    echo
    echo "require k8s.io/kubernetes $K8S_VERSION"
    for s in $staging; do echo "require $s $staging_version"; done
    for s in $staging; do echo "replace $s => $s $staging_version"; done
  } >"$m/go.mod"
  cat >"$m/tools.go" <<'GO'
//go:build tools

package tools

import _ "k8s.io/kubernetes/cmd/kube-apiserver"
GO
  (cd "$m" && go mod tidy >/dev/null 2>&1 || true)
  (cd "$m" && go build -trimpath \
    -ldflags "-s -w -X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=${K8S_VERSION#v1.}" \
    -o "$dir/kube-apiserver" k8s.io/kubernetes/cmd/kube-apiserver)
}

build_etcd() {
  if [ -x "$dir/etcd" ] && [ "$(reported_version "$dir/etcd")" = "etcd Version: ${ETCD_VERSION#v}" ]; then
    log "etcd $ETCD_VERSION present"
    return
  fi
  log "building etcd $ETCD_VERSION"
  local m="$work/etcd"
  mkdir -p "$m"
  cat >"$m/go.mod" <<GOMOD
module envtest/etcd

go 1.26

require go.etcd.io/etcd/server/v3 $ETCD_VERSION
GOMOD
  cat >"$m/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (cd "$m" && go mod tidy >/dev/null && go build -trimpath -ldflags "-s -w" -o "$dir/etcd" .)
}

build_etcd
build_apiserver
echo "$dir"
