#!/bin/sh
# kube-proxy of the kind node image: selects the iptables backend (legacy or nft) that already holds
# the node's rules, as the official image's iptables-wrapper does, then runs kube-proxy.
set -e
legacy=$( (iptables-legacy-save || true; ip6tables-legacy-save || true) 2>/dev/null | grep -c '^-' || true)
nft=$( (iptables-nft-save || true; ip6tables-nft-save || true) 2>/dev/null | grep -c '^-' || true)
if [ "${legacy:-0}" -gt "${nft:-0}" ]; then mode=legacy; else mode=nft; fi
for t in iptables ip6tables; do
  for s in "" -save -restore; do
    update-alternatives --set "$t$s" "/usr/sbin/$t-$mode$s" >/dev/null 2>&1 || true
  done
done
exec /usr/local/bin/kube-proxy.bin "$@"
