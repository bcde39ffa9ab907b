#!/usr/bin/env bash
# Prepares a machine without a container registry for `make kind-e2e`: a Docker engine that can run
# kind's privileged nodes, and every image the end-to-end test needs, built here from Debian packages
# and Go modules only. Everything is cached under KIND_CACHE (default ~/.cache/ternant/kind), so a
# second run prints "present" for each artefact and takes seconds.
#
#   hack/kind-images.sh           engine + all images (prints the image names at the end)
#   hack/kind-images.sh engine    only make sure dockerd runs
#   hack/kind-images.sh cached    exits 0 when the slow artefacts are cached (CI's test)
#   hack/kind-images.sh env       prints the E2E_* settings naming the images for TestKindE2E
#   hack/kind-images.sh ternant [TAG...]
#                                 only the Ternant image(s) (ternant:e2e by default) from this tree
#
# Images (all local, never pulled; kind loads them into the node's containerd):
#   ternant-e2e/node:v1.37.2      kind node: systemd, containerd, runc, CNI plugins, kubelet, kubeadm,
#                                 kubectl, and preloaded registry.k8s.io images of the control plane,
#                                 etcd, pause, CoreDNS and local-path-provisioner
#   ternant:e2e                   the ternant binary (static, -tags noembed), uid 65532, no shell
#   ternant-e2e/mariadb:10.11     Debian's MariaDB with the MYSQL_* environment of the official images
#   ternant-e2e/redis:7.0         Debian's Redis
#   ternant-e2e/k6:<version>      the k6 load tester, built from its own module (not linked into Ternant)
#
# Why the runtime wrapper: where root lacks CAP_SYS_RESOURCE in its bounding set (some VMs and
# sandboxes), runc cannot start a privileged container or lower an oom_score_adj. dockerd is started
# with hack/runc-wrapper as its default runtime, and the node's containerd runs pods through the same
# wrapper; it drops that one capability and raises negative OOM scores to 0, then runs runc.
set -euo pipefail
# The braces make bash read the whole script before running it, so editing it meanwhile is safe.
{

K8S_VERSION=${K8S_VERSION:-v1.37.2}
ETCD_VERSION=${ETCD_VERSION:-v3.7.3}   # built from go.etcd.io/etcd; tagged as kubeadm's etcd image
ETCD_TAG=3.7.0-0                         # kubeadm v1.37's DefaultEtcdVersion
PAUSE_TAG=3.10.2                         # kubeadm v1.37's PauseVersion
COREDNS_VERSION=${COREDNS_VERSION:-v1.14.6}
LPP_VERSION=${LPP_VERSION:-v0.0.30}     # github.com/rancher/local-path-provisioner
K6_VERSION=${K6_VERSION:-v1.8.1}
SUITE=${DEBIAN_SUITE:-bookworm}
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}

root=$(cd "$(dirname "$0")/.." && pwd)
cache=${KIND_CACHE:-$HOME/.cache/ternant/kind}
bin="$cache/bin"
rootfs="$cache/rootfs"
logs="$cache/logs"
mkdir -p "$bin" "$rootfs" "$logs" "$cache/build" "$cache/images"

export PATH=/usr/local/go/bin:$PATH
export GOWORK=off GOTOOLCHAIN=local CGO_ENABLED=0

NODE_IMAGE=ternant-e2e/node:$K8S_VERSION
MYSQL_IMAGE=ternant-e2e/mariadb:10.11
REDIS_IMAGE=ternant-e2e/redis:7.0
K6_IMAGE=ternant-e2e/k6:$K6_VERSION
BASE_IMAGE=ternant-e2e/debian:$SUITE

# Debian packages of each root filesystem (kind's base image list, with Debian's containerd, runc
# and CNI plugins in place of kind's own builds).
NODE_PACKAGES="systemd conntrack iptables nftables iproute2 ethtool util-linux mount kmod libseccomp2 pigz e2fsprogs
  bash ca-certificates curl jq procps containerd runc containernetworking-plugins"
TOOLS_PACKAGES="iptables conntrack nftables iproute2 kmod"
MARIADB_PACKAGES="mariadb-server mariadb-client"
REDIS_PACKAGES="redis-server"

log() { echo "kind-images: $*" >&2; }
die() { log "error: $*"; exit 1; }

# step NAME CMD... runs CMD and prints how long it took.
step() {
  local name=$1 t0=$SECONDS
  shift
  log "$name ..."
  "$@"
  log "$name done ($((SECONDS - t0))s)"
}

have_image() { docker image inspect "$1" >/dev/null 2>&1; }
image_label() { docker image inspect -f "{{ index .Config.Labels \"$2\" }}" "$1" 2>/dev/null || true; }

gobuild() { nice -n 10 go build -trimpath -buildvcs=false "$@"; }

# ---------------------------------------------------------------------------------------------
# The engine.

engine() {
  if ! command -v dockerd >/dev/null 2>&1 || ! command -v debootstrap >/dev/null 2>&1 || [ ! -d /usr/lib/cni ]; then
    log "installing docker.io, containernetworking-plugins, debootstrap"
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq docker.io containernetworking-plugins debootstrap >"$logs/apt.log" 2>&1 ||
      { tail -20 "$logs/apt.log"; die "apt-get install failed"; }
  fi
  (cd "$root" && go build -trimpath -o "$bin/runc-wrapper" ./hack/runc-wrapper)
  if docker info >/dev/null 2>&1; then
    log "dockerd running (default runtime $(docker info -f '{{.DefaultRuntime}}'))"
    return
  fi
  log "starting dockerd with the runc wrapper as default runtime (log $logs/dockerd.log)"
  # setsid: the daemon outlives this script and is not killed with the caller's process group.
  setsid /usr/sbin/dockerd --add-runtime "kindrunc=$bin/runc-wrapper" --default-runtime kindrunc \
    --storage-driver overlay2 --pidfile /run/ternant-kind-dockerd.pid </dev/null >>"$logs/dockerd.log" 2>&1 &
  for _ in $(seq 1 60); do
    docker info >/dev/null 2>&1 && { log "dockerd up"; return; }
    sleep 1
  done
  tail -20 "$logs/dockerd.log" >&2
  die "dockerd did not start"
}

# ---------------------------------------------------------------------------------------------
# Go binaries.

# reported_version prints the first line of BINARY ARGS (the whole output is read first, so the
# binary is never killed by SIGPIPE).
reported_version() {
  local out
  out=$("$@" 2>/dev/null) || return 0
  printf '%s\n' "${out%%$'\n'*}"
}

k8s_binaries() {
  local out="$cache/k8s-bin" ok=1 c
  for c in kubelet kubeadm kubectl kube-apiserver kube-controller-manager kube-scheduler kube-proxy; do
    [ -x "$out/$c" ] || ok=0
  done
  if [ $ok = 1 ] && [ "$(reported_version "$out/kubelet" --version)" = "Kubernetes $K8S_VERSION" ]; then
    log "kubernetes $K8S_VERSION binaries present"
    return
  fi
  log "building kubelet, kubeadm, kubectl and the control plane $K8S_VERSION (about 20 CPU-minutes cold)"
  local m="$cache/build/k8s" staging_version="v0${K8S_VERSION#v1}" gomod staging
  mkdir -p "$m" "$out"
  gomod=$(go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)".*/\1/p')
  # As hack/envtest-assets.sh: the staging modules at their published release.
  staging=$(awk '$1 ~ /^k8s\.io\// && $2 == "v0.0.0" {print $1}' "$gomod" | sort -u |
    grep -vx -e k8s.io/sample-cli-plugin -e k8s.io/sample-controller)
  {
    echo "module kindnode/k8s"
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

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-proxy"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
	_ "k8s.io/kubernetes/cmd/kubeadm"
	_ "k8s.io/kubernetes/cmd/kubectl"
	_ "k8s.io/kubernetes/cmd/kubelet"
)
GO
  (cd "$m" && GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || true)
  local v="-X k8s.io/component-base/version.gitVersion=$K8S_VERSION -X k8s.io/component-base/version.gitMajor=1"
  v="$v -X k8s.io/component-base/version.gitMinor=$(echo "$K8S_VERSION" | cut -d. -f2)"
  v="$v -X k8s.io/client-go/pkg/version.gitVersion=$K8S_VERSION"
  (cd "$m" && GOFLAGS=-mod=mod gobuild -ldflags "-s -w $v" -o "$out/" \
    k8s.io/kubernetes/cmd/kubelet k8s.io/kubernetes/cmd/kubeadm k8s.io/kubernetes/cmd/kubectl \
    k8s.io/kubernetes/cmd/kube-apiserver k8s.io/kubernetes/cmd/kube-controller-manager \
    k8s.io/kubernetes/cmd/kube-scheduler k8s.io/kubernetes/cmd/kube-proxy)
}

etcd_binary() {
  local want="etcd Version: ${ETCD_VERSION#v}" p
  for p in "$bin/etcd" "$HOME/.cache/ternant/k8s/etcd"; do
    if [ -x "$p" ] && [ "$(reported_version "$p" --version)" = "$want" ]; then
      [ "$p" = "$bin/etcd" ] || cp "$p" "$bin/etcd"
      log "etcd $ETCD_VERSION present"
      return
    fi
  done
  log "building etcd $ETCD_VERSION"
  local m="$cache/build/etcd"
  mkdir -p "$m"
  printf 'module kindnode/etcd\n\ngo 1.26\n\nrequire go.etcd.io/etcd/server/v3 %s\n' "$ETCD_VERSION" >"$m/go.mod"
  cat >"$m/main.go" <<'GO'
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
GO
  (cd "$m" && GOFLAGS=-mod=mod go mod tidy >/dev/null && GOFLAGS=-mod=mod gobuild -ldflags "-s -w" -o "$bin/etcd" .)
}

# coredns builds CoreDNS with the plugins of kubeadm's Corefile only (the full plugin set pulls in
# every cloud SDK and takes far longer to compile).
coredns_binary() {
  if [ -x "$bin/coredns" ] && [ "$(cat "$bin/coredns.version" 2>/dev/null)" = "$COREDNS_VERSION" ]; then
    log "coredns $COREDNS_VERSION present"
    return
  fi
  log "building coredns $COREDNS_VERSION (kubeadm's plugins)"
  local m="$cache/build/coredns"
  mkdir -p "$m"
  printf 'module kindnode/coredns\n\ngo 1.26\n\nrequire github.com/coredns/coredns %s\n' "$COREDNS_VERSION" >"$m/go.mod"
  cat >"$m/main.go" <<'GO'
package main

import (
	"github.com/coredns/coredns/coremain"

	_ "github.com/coredns/coredns/plugin/cache"
	_ "github.com/coredns/coredns/plugin/errors"
	_ "github.com/coredns/coredns/plugin/forward"
	_ "github.com/coredns/coredns/plugin/health"
	_ "github.com/coredns/coredns/plugin/hosts"
	_ "github.com/coredns/coredns/plugin/kubernetes"
	_ "github.com/coredns/coredns/plugin/loadbalance"
	_ "github.com/coredns/coredns/plugin/log"
	_ "github.com/coredns/coredns/plugin/loop"
	_ "github.com/coredns/coredns/plugin/metrics"
	_ "github.com/coredns/coredns/plugin/ready"
	_ "github.com/coredns/coredns/plugin/reload"
)

func main() { coremain.Run() }
GO
  (cd "$m" && GOFLAGS=-mod=mod go mod tidy >/dev/null && GOFLAGS=-mod=mod gobuild -ldflags "-s -w" -o "$bin/coredns" .)
  echo "$COREDNS_VERSION" >"$bin/coredns.version"
}

lpp_binary() {
  if [ -x "$bin/local-path-provisioner" ] && [ "$(cat "$bin/local-path-provisioner.version" 2>/dev/null)" = "$LPP_VERSION" ]; then
    log "local-path-provisioner $LPP_VERSION present"
    return
  fi
  log "building local-path-provisioner $LPP_VERSION"
  local m="$cache/build/lpp"
  mkdir -p "$m"
  printf 'module kindnode/lpp\n\ngo 1.26\n\nrequire github.com/rancher/local-path-provisioner %s\n' "$LPP_VERSION" >"$m/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "github.com/rancher/local-path-provisioner"\n' >"$m/tools.go"
  (cd "$m" && GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || true)
  (cd "$m" && GOFLAGS=-mod=mod gobuild -ldflags "-s -w" -o "$bin/local-path-provisioner" github.com/rancher/local-path-provisioner)
  echo "$LPP_VERSION" >"$bin/local-path-provisioner.version"
}

k6_binary() {
  if [ -x "$bin/k6" ] && [ "$(cat "$bin/k6.version" 2>/dev/null)" = "$K6_VERSION" ]; then
    log "k6 $K6_VERSION present"
    return
  fi
  log "building k6 $K6_VERSION (a test tool of its own module)"
  local m="$cache/build/k6"
  mkdir -p "$m"
  printf 'module kindnode/k6\n\ngo 1.26\n\nrequire go.k6.io/k6 %s\n' "$K6_VERSION" >"$m/go.mod"
  printf '//go:build tools\n\npackage tools\n\nimport _ "go.k6.io/k6"\n' >"$m/tools.go"
  (cd "$m" && GOFLAGS=-mod=mod go mod tidy >/dev/null 2>&1 || true)
  (cd "$m" && GOFLAGS=-mod=mod gobuild -ldflags "-s -w" -o "$bin/k6" go.k6.io/k6)
  echo "$K6_VERSION" >"$bin/k6.version"
}

small_binaries() {
  (cd "$root" && go build -trimpath -ldflags "-s -w" -o "$bin/pause" ./hack/pause)
}

# ---------------------------------------------------------------------------------------------
# Root filesystems from Debian packages.

# base_rootfs is a minimal Debian (debootstrap --variant=minbase), the parent of every other one.
base_rootfs() {
  if [ -f "$rootfs/base/.complete" ]; then
    log "debian $SUITE base present"
    return
  fi
  rm -rf "$rootfs/base" "$rootfs/base.tmp"
  debootstrap --variant=minbase "$SUITE" "$rootfs/base.tmp" "$MIRROR" >"$logs/debootstrap.log" 2>&1 ||
    { tail -20 "$logs/debootstrap.log"; die "debootstrap failed"; }
  rm -rf "$rootfs/base.tmp/var/cache/apt/archives/"*.deb
  mv "$rootfs/base.tmp" "$rootfs/base"
  touch "$rootfs/base/.complete"
}

# derived_rootfs NAME PACKAGES... copies the base and installs PACKAGES into it with apt.
derived_rootfs() {
  local name=$1 dir="$rootfs/$1"
  shift
  if [ -f "$dir/.complete" ] && [ "$(cat "$dir/.complete")" = "$*" ]; then
    log "rootfs $name present"
    return
  fi
  rm -rf "$dir" "$dir.tmp"
  cp -a "$rootfs/base" "$dir.tmp"
  rm -f "$dir.tmp/.complete"
  printf '#!/bin/sh\nexit 101\n' >"$dir.tmp/usr/sbin/policy-rc.d"
  chmod 755 "$dir.tmp/usr/sbin/policy-rc.d"
  mount -t proc proc "$dir.tmp/proc"
  local rc=0
  {
    chroot "$dir.tmp" apt-get update -qq &&
      DEBIAN_FRONTEND=noninteractive chroot "$dir.tmp" apt-get install -y -qq --no-install-recommends "$@"
  } >"$logs/rootfs-$name.log" 2>&1 || rc=$?
  umount "$dir.tmp/proc"
  [ $rc = 0 ] || { tail -20 "$logs/rootfs-$name.log"; die "apt-get install into $name failed"; }
  chroot "$dir.tmp" apt-get clean
  rm -rf "$dir.tmp/var/lib/apt/lists/"* "$dir.tmp/usr/sbin/policy-rc.d"
  mv "$dir.tmp" "$dir"
  echo "$*" >"$dir/.complete"
}

# import_dir IMAGE DIR [--change ...] makes an image of a directory's tree.
import_dir() {
  local image=$1 dir=$2
  shift 2
  tar -C "$dir" --numeric-owner --exclude ./.complete -c . | docker import "$@" - "$image" >/dev/null
}

# static_image IMAGE KEY FILE:DEST... [-- --change ...] is an image of static binaries on an empty
# root (plus /tmp and CA certificates); it is rebuilt when KEY (the inputs' checksum) changes.
static_image() {
  local image=$1 key=$2
  shift 2
  if [ "$(image_label "$image" ternant.kind/key)" = "$key" ]; then
    log "image $image present"
    return
  fi
  local d
  d=$(mktemp -d "$cache/build/img.XXXXXX")
  mkdir -p "$d/tmp" "$d/etc/ssl/certs"
  chmod 1777 "$d/tmp"
  cp "$rootfs/base/etc/ssl/certs/ca-certificates.crt" "$d/etc/ssl/certs/" 2>/dev/null || true
  while [ $# -gt 0 ] && [ "$1" != -- ]; do
    mkdir -p "$d/$(dirname "${1#*:}")"
    cp "${1%%:*}" "$d/${1#*:}"
    shift
  done
  [ $# -gt 0 ] && shift
  import_dir "$image" "$d" --change "LABEL ternant.kind/key=$key" "$@"
  rm -rf "$d"
  log "image $image built"
}

sum() { cat "$@" | sha256sum | cut -c1-16; }

# ---------------------------------------------------------------------------------------------
# Images.

system_images() {
  local k="$cache/k8s-bin" c
  for c in kube-apiserver kube-controller-manager kube-scheduler; do
    static_image "registry.k8s.io/$c:$K8S_VERSION" "$(sum "$k/$c")" "$k/$c:/usr/local/bin/$c" -- \
      --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
  done
  static_image "registry.k8s.io/etcd:$ETCD_TAG" "$(sum "$bin/etcd")" "$bin/etcd:/usr/local/bin/etcd" -- \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin'
  static_image "registry.k8s.io/pause:$PAUSE_TAG" "$(sum "$bin/pause")" "$bin/pause:/pause" -- \
    --change 'ENTRYPOINT ["/pause"]'
  static_image "registry.k8s.io/coredns/coredns:$COREDNS_VERSION" "$(sum "$bin/coredns")" "$bin/coredns:/coredns" -- \
    --change 'ENTRYPOINT ["/coredns"]'
  static_image "ternant-e2e/local-path-provisioner:$LPP_VERSION" "$(sum "$bin/local-path-provisioner")" \
    "$bin/local-path-provisioner:/usr/bin/local-path-provisioner" -- --change 'ENTRYPOINT ["local-path-provisioner"]' \
    --change 'ENV PATH=/usr/local/bin:/usr/bin:/bin'

  # kube-proxy needs iptables and conntrack: the tools rootfs, and the iptables mode the node uses.
  local key
  key=$(sum "$k/kube-proxy" "$root/hack/kind/kube-proxy-wrapper.sh")
  if [ "$(image_label "registry.k8s.io/kube-proxy:$K8S_VERSION" ternant.kind/key)" != "$key" ]; then
    cp "$k/kube-proxy" "$rootfs/tools/usr/local/bin/kube-proxy.bin"
    install -m 755 "$root/hack/kind/kube-proxy-wrapper.sh" "$rootfs/tools/usr/local/bin/kube-proxy"
    import_dir "registry.k8s.io/kube-proxy:$K8S_VERSION" "$rootfs/tools" --change "LABEL ternant.kind/key=$key"
    rm -f "$rootfs/tools/usr/local/bin/kube-proxy" "$rootfs/tools/usr/local/bin/kube-proxy.bin"
    log "image registry.k8s.io/kube-proxy:$K8S_VERSION built"
  else
    log "image registry.k8s.io/kube-proxy:$K8S_VERSION present"
  fi
  # The local-path helper pods run the setup and teardown scripts with a shell: the Debian base.
  if ! have_image "$BASE_IMAGE"; then
    import_dir "$BASE_IMAGE" "$rootfs/base"
    log "image $BASE_IMAGE built"
  else
    log "image $BASE_IMAGE present"
  fi
}

# preload_archives writes the images kubeadm and kind's add-ons use into the node's /kind/images,
# which a oneshot unit imports into containerd before the kubelet starts.
preload_list() {
  echo "registry.k8s.io/kube-apiserver:$K8S_VERSION registry.k8s.io/kube-controller-manager:$K8S_VERSION"
  echo "registry.k8s.io/kube-scheduler:$K8S_VERSION registry.k8s.io/kube-proxy:$K8S_VERSION"
  echo "registry.k8s.io/etcd:$ETCD_TAG registry.k8s.io/pause:$PAUSE_TAG registry.k8s.io/coredns/coredns:$COREDNS_VERSION"
  echo "ternant-e2e/local-path-provisioner:$LPP_VERSION $BASE_IMAGE"
}

node_image() {
  local images key i
  images=$(preload_list | tr '\n' ' ')
  key=$(for i in $images; do docker image inspect -f '{{.Id}}' "$i"; done | sum - \
    "$cache/k8s-bin/kubelet" "$cache/k8s-bin/kubeadm" "$bin/runc-wrapper" "$root/hack/kind"/*)
  if [ "$(image_label "$NODE_IMAGE" ternant.kind/key)" = "$key" ]; then
    log "image $NODE_IMAGE present"
    return
  fi
  local d="$rootfs/node" kindsrc
  kindsrc=$(cd "$root" && go mod download -json sigs.k8s.io/kind | sed -n 's/.*"Dir": "\(.*\)".*/\1/p')/images/base/files
  [ -d "$kindsrc" ] || die "kind's node files not found in the module cache ($kindsrc)"
  # kind's node layout (systemd units, entrypoint, /kind scripts) from the kind module this
  # repository already requires; then Debian's containerd, runc and CNI plugins in place of kind's
  # own builds, and the Kubernetes binaries.
  install -m 755 "$kindsrc"/usr/local/bin/* "$d/usr/local/bin/"
  mkdir -p "$d/kind/bin" "$d/kind/manifests" "$d/kind/images" "$d/etc/containerd" "$d/etc/systemd/system/kubelet.service.d" \
    "$d/etc/kubernetes/manifests" "$d/opt/cni" "$d/etc/cni/net.d"
  install -m 755 "$kindsrc"/kind/bin/* "$d/kind/bin/"
  install -m 644 "$kindsrc"/etc/crictl.yaml "$d/etc/"
  install -m 644 "$kindsrc"/etc/default/kubelet "$d/etc/default/"
  install -m 644 "$kindsrc"/etc/sysctl.d/* "$d/etc/sysctl.d/"
  install -m 644 "$kindsrc"/etc/systemd/system/*.service "$kindsrc"/etc/systemd/system/*.slice "$d/etc/systemd/system/"
  install -m 644 "$kindsrc"/etc/systemd/system/kubelet.service.d/* "$d/etc/systemd/system/kubelet.service.d/"
  install -m 644 "$root/hack/kind/containerd-config.toml" "$d/etc/containerd/config.toml"
  install -m 644 "$root/hack/kind/cni.conflist" "$d/etc/cni/net.d/10-ternant-e2e.conflist"
  install -m 644 "$root/hack/kind/default-cni.yaml" "$d/kind/manifests/default-cni.yaml"
  # kind applies /kind/manifests/default-storage.yaml: local-path-provisioner's own manifest (from
  # its module), with the local images and its StorageClass named and marked as kind's default.
  local lpp
  lpp=$(cd "$cache/build" && go mod download -json "github.com/rancher/local-path-provisioner@$LPP_VERSION" |
    sed -n 's/.*"Dir": "\(.*\)".*/\1/p')
  sed -e "s#image: rancher/local-path-provisioner:.*#image: ternant-e2e/local-path-provisioner:$LPP_VERSION#" \
    -e "s#image: busybox#image: $BASE_IMAGE#" \
    -e 's#^  name: local-path$#  name: standard\n  annotations:\n    storageclass.kubernetes.io/is-default-class: "true"#' \
    "$lpp/deploy/local-path-storage.yaml" >"$d/kind/manifests/default-storage.yaml"
  install -m 644 "$root/hack/kind/kind-preload-images.service" "$d/etc/systemd/system/"
  sed -i "s#@PAUSE_TAG@#$PAUSE_TAG#" "$d/etc/containerd/config.toml"
  ln -sfn /usr/bin/containerd "$d/usr/local/bin/containerd"
  ln -sfn /usr/lib/cni "$d/opt/cni/bin"
  install -m 755 "$bin/runc-wrapper" "$d/usr/local/bin/runc-wrapper"
  for i in kubelet kubeadm kubectl; do install -m 755 "$cache/k8s-bin/$i" "$d/usr/bin/$i"; done
  echo "$K8S_VERSION" >"$d/kind/version"
  chroot "$d" ctr oci spec | jq '.hooks.createContainer[.hooks.createContainer| length] |= . + {"path": "/kind/bin/mount-product-files.sh"}' |
    jq 'del(.process.rlimits)' >"$d/etc/containerd/cri-base.json"
  # As kind's base image: no services but the node's own, init is systemd.
  find "$d/lib/systemd/system/sysinit.target.wants/" -name systemd-tmpfiles-setup.service -delete
  rm -f "$d"/lib/systemd/system/multi-user.target.wants/* "$d"/etc/systemd/system/*.wants/* \
    "$d"/lib/systemd/system/local-fs.target.wants/* "$d"/lib/systemd/system/sockets.target.wants/*udev* \
    "$d"/lib/systemd/system/sockets.target.wants/*initctl* "$d"/lib/systemd/system/basic.target.wants/*
  grep -q '^ReadKMsg=no' "$d/etc/systemd/journald.conf" || echo "ReadKMsg=no" >>"$d/etc/systemd/journald.conf"
  ln -sfn /usr/lib/systemd/systemd "$d/sbin/init"
  chroot "$d" systemctl enable kubelet.service containerd.service undo-mount-hacks.service kind-preload-images.service >/dev/null 2>&1
  chroot "$d" systemctl mask systemd-binfmt.service >/dev/null 2>&1
  rm -f "$d"/kind/images/*.tar
  for i in $images; do
    docker save -o "$d/kind/images/$(echo "$i" | tr '/:' '__').tar" "$i"
  done
  import_dir "$NODE_IMAGE-rootfs" "$d"
  rm -f "$d"/kind/images/*.tar
  # docker import cannot set STOPSIGNAL: a build step without context does.
  printf 'FROM %s\nENV container=docker\nSTOPSIGNAL SIGRTMIN+3\nENTRYPOINT ["/usr/local/bin/entrypoint", "/sbin/init"]\nLABEL ternant.kind/key=%s\n' \
    "$NODE_IMAGE-rootfs" "$key" | DOCKER_BUILDKIT=0 docker build -q -t "$NODE_IMAGE" - >"$logs/node-build.log" 2>&1 ||
    { cat "$logs/node-build.log"; die "docker build of $NODE_IMAGE failed"; }
  docker rmi "$NODE_IMAGE-rootfs" >/dev/null
  log "image $NODE_IMAGE built"
}

mysql_image() {
  local key
  key=$(sum "$root/hack/kind/mysql-entrypoint.sh" "$0")
  if [ "$(image_label "$MYSQL_IMAGE" ternant.kind/key)" = "$key" ]; then
    log "image $MYSQL_IMAGE present"
    return
  fi
  local d="$rootfs/mariadb"
  install -m 755 "$root/hack/kind/mysql-entrypoint.sh" "$d/usr/local/bin/docker-entrypoint.sh"
  # The official images' layout: mysql is uid 999 and owns the data, the server listens on every
  # address and logs to stderr, the socket directory is writable.
  chroot "$d" sh -c 'groupmod -g 999 mysql && usermod -u 999 -g 999 mysql' 2>/dev/null || true
  printf '[mysqld]\nbind-address = 0.0.0.0\nskip-name-resolve\ndatadir = /var/lib/mysql\nsocket = /run/mysqld/mysqld.sock\n' \
    >"$d/etc/mysql/mariadb.conf.d/99-container.cnf"
  rm -rf "$d/var/lib/mysql" && mkdir -p "$d/var/lib/mysql" "$d/run/mysqld"
  chown 999:999 "$d/var/lib/mysql" "$d/run/mysqld"
  chmod 1777 "$d/run/mysqld"
  import_dir "$MYSQL_IMAGE" "$d" --change "LABEL ternant.kind/key=$key" \
    --change 'ENTRYPOINT ["docker-entrypoint.sh"]' --change 'CMD ["mariadbd"]' --change 'EXPOSE 3306' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  log "image $MYSQL_IMAGE built"
}

redis_image() {
  if have_image "$REDIS_IMAGE"; then
    log "image $REDIS_IMAGE present"
    return
  fi
  local d="$rootfs/redis"
  mkdir -p "$d/data" && chown 999:999 "$d/data"
  import_dir "$REDIS_IMAGE" "$d" --change 'WORKDIR /data' --change 'CMD ["redis-server"]' --change 'EXPOSE 6379' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin'
  log "image $REDIS_IMAGE built"
}

k6_image() {
  static_image "$K6_IMAGE" "$(sum "$bin/k6")" "$bin/k6:/usr/bin/k6" -- --change 'ENTRYPOINT ["k6"]' \
    --change 'ENV PATH=/usr/bin HOME=/tmp' --change 'USER 12345:12345'
}

# ternant_image TAG... builds the production binary of this tree (as the Dockerfile's build stage:
# static, -tags noembed) and the runtime image of its last stage: the binary, CA certificates, an
# /etc/passwd naming uid 65532, no shell.
ternant_image() {
  local out="$cache/build/ternant" ver commit
  mkdir -p "$out/root/etc"
  ver=$(cd "$root" && git describe --tags --always --dirty 2>/dev/null || echo dev)
  commit=$(cd "$root" && git rev-parse --short HEAD 2>/dev/null || echo unknown)
  (cd "$root" && nice -n 10 go build -tags noembed -trimpath \
    -ldflags "-s -w -X github.com/ternant/ternant/version.Version=$ver -X github.com/ternant/ternant/version.Commit=$commit" \
    -o "$out/ternant" ./cmd/ternant)
  printf 'root:x:0:0:root:/root:/sbin/nologin\nnonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin\n' >"$out/root/etc/passwd"
  printf 'root:x:0:\nnonroot:x:65532:\n' >"$out/root/etc/group"
  local key tag
  key=$(sum "$out/ternant" "$out/root/etc/passwd")
  for tag in "$@"; do
    static_image "$tag" "$key" "$out/ternant:/ternant" "$out/root/etc/passwd:/etc/passwd" "$out/root/etc/group:/etc/group" -- \
      --change 'USER 65532:65532' --change 'EXPOSE 3000' --change 'ENTRYPOINT ["/ternant"]' --change 'CMD ["serve"]'
  done
}

# ---------------------------------------------------------------------------------------------

all() {
  local t0=$SECONDS
  step engine engine
  step "kubernetes binaries" k8s_binaries
  step etcd etcd_binary
  step coredns coredns_binary
  step local-path-provisioner lpp_binary
  step "pause" small_binaries
  step "debian base" base_rootfs
  step "node rootfs" derived_rootfs node $NODE_PACKAGES
  step "tools rootfs" derived_rootfs tools $TOOLS_PACKAGES
  step "mariadb rootfs" derived_rootfs mariadb $MARIADB_PACKAGES
  step "redis rootfs" derived_rootfs redis $REDIS_PACKAGES
  step "system images" system_images
  step "node image" node_image
  step "mariadb image" mysql_image
  step "redis image" redis_image
  step "ternant image" ternant_image ternant:e2e
  step k6 k6_binary
  step "k6 image" k6_image
  log "all images ready in $((SECONDS - t0))s: $NODE_IMAGE ternant:e2e $MYSQL_IMAGE $REDIS_IMAGE $K6_IMAGE"
}

case "${1:-all}" in
all) all ;;
binaries)
  etcd_binary
  coredns_binary
  lpp_binary
  small_binaries
  k6_binary
  ;;
engine) engine ;;
apps)
  mysql_image
  redis_image
  ternant_image ternant:e2e ternant:e2e-next
  ;;
cached)
  # Exit 0 when every slow artefact (Go binaries, root filesystems) is already built, so that `all`
  # only imports images; CI uses it to decide whether kind-e2e fits its time.
  for f in "$cache/k8s-bin/kubelet" "$cache/k8s-bin/kube-apiserver" "$bin/etcd" "$bin/coredns" "$bin/local-path-provisioner" \
    "$bin/k6" "$rootfs/base/.complete" "$rootfs/node/.complete" "$rootfs/tools/.complete" "$rootfs/mariadb/.complete" \
    "$rootfs/redis/.complete"; do
    [ -e "$f" ] || { echo "missing $f"; exit 1; }
  done
  ;;
env) echo "E2E_NODE_IMAGE=$NODE_IMAGE E2E_MYSQL_IMAGE=$MYSQL_IMAGE E2E_REDIS_IMAGE=$REDIS_IMAGE E2E_K6_IMAGE=$K6_IMAGE" ;;
rootfs)
  base_rootfs
  derived_rootfs node $NODE_PACKAGES
  derived_rootfs tools $TOOLS_PACKAGES
  derived_rootfs mariadb $MARIADB_PACKAGES
  derived_rootfs redis $REDIS_PACKAGES
  ;;
ternant)
  shift
  [ $# -gt 0 ] || set -- ternant:e2e
  ternant_image "$@"
  ;;
*) die "unknown target $1 (all | engine | ternant [TAG...])" ;;
esac
exit
}
