#!/usr/bin/env bash
# Stamps a release into the Helm chart and packages it: chart version X.Y.Z and appVersion vX.Y.Z
# for release vX.Y.Z, so the chart's default image tag (appVersion) is the image `make docker-build
# VERSION=vX.Y.Z` builds and the version the binary reports. The chart in the tree is not changed.
#
#   hack/chart-version.sh VERSION OUTDIR    writes OUTDIR/ternant-operator-X.Y.Z.tgz and prints its path
set -euo pipefail

version=${1:?usage: chart-version.sh VERSION OUTDIR}
out=${2:?usage: chart-version.sh VERSION OUTDIR}
semver='^v?(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)(-[0-9A-Za-z.-]+)?(\+[0-9A-Za-z.-]+)?$'
if ! [[ $version =~ $semver ]]; then
  echo "chart-version: $version is not a release version (vMAJOR.MINOR.PATCH[-PRE]); tag the commit first" >&2
  exit 1
fi
chart_version=${version#v}
app_version=v$chart_version

root=$(cd "$(dirname "$0")/.." && pwd)
mkdir -p "$out"
out=$(cd "$out" && pwd)
stage=$(mktemp -d)
trap 'rm -rf "$stage"' EXIT
cp -R "$root/charts/ternant-operator" "$stage/"
chart="$stage/ternant-operator/Chart.yaml"
sed -i -E "s/^version: .*/version: $chart_version/; s/^appVersion: .*/appVersion: \"$app_version\"/" "$chart"
grep -qx "version: $chart_version" "$chart" && grep -qx "appVersion: \"$app_version\"" "$chart" \
  || { echo "chart-version: could not stamp $chart" >&2; exit 1; }
pkg="$out/ternant-operator-$chart_version.tgz"
tar -C "$stage" --owner=0 --group=0 --numeric-owner -czf "$pkg" ternant-operator
echo "$pkg"
