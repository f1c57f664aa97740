#!/usr/bin/env bash
# Build a Pulumi resource plugin bridged from a Terraform provider, from its tools module here.
#
#   build-bridged-provider.sh NAME BIN_DIR VERSION    e.g. build-bridged-provider.sh kafka ~/.cache/.../bin 3.13.3
#
# provider-NAME/ holds our own code: info/ (the token mapping onto the Python SDK's names),
# cmd/pulumi-tfgen-NAME (the bridge's schema generator) and cmd/pulumi-resource-NAME (the plugin).
# Steps: build the generator, write the schema (and, for plugin-framework providers, the bridge
# metadata) into cmd/pulumi-resource-NAME/ (git-ignored; rewritten only when changed), build the
# plugin that embeds them. Idempotent; network only to the Go module proxy.
set -euo pipefail

name=${1:?usage: build-bridged-provider.sh NAME BIN_DIR VERSION}
bin_dir=${2:?usage: build-bridged-provider.sh NAME BIN_DIR VERSION}
version=${3:?usage: build-bridged-provider.sh NAME BIN_DIR VERSION}
cd "$(dirname "${BASH_SOURCE[0]}")/provider-$name"

export CGO_ENABLED=0
# No VCS stamping: the folder sits inside the project's repository.
buildflags=(-mod=readonly -trimpath -buildvcs=false)
ldflags="-s -w -X main.version=${version}"
mkdir -p "$bin_dir"
bin_dir=$(cd "$bin_dir" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

go build "${buildflags[@]}" -ldflags "$ldflags" -o "$work/pulumi-tfgen-$name" "./cmd/pulumi-tfgen-$name"
# tfgen looks for the Terraform provider's docs; --skip-docs keeps it offline.
if ! "$work/pulumi-tfgen-$name" schema --out "$work/schema" --skip-docs --skip-examples >"$work/tfgen.log" 2>&1; then
  cat "$work/tfgen.log" >&2
  exit 1
fi
for generated in schema.json bridge-metadata.json; do
  [ -f "$work/schema/$generated" ] || continue
  if ! cmp -s "$work/schema/$generated" "cmd/pulumi-resource-$name/$generated"; then
    cp "$work/schema/$generated" "cmd/pulumi-resource-$name/$generated"
  fi
done
go build "${buildflags[@]}" -ldflags "$ldflags" -o "$bin_dir/pulumi-resource-$name" "./cmd/pulumi-resource-$name"
echo "built $bin_dir/pulumi-resource-$name ($version)"
