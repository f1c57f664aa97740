#!/usr/bin/env bash
# Resolve the Apache Kafka broker + Kafka Connect runtime jars from Maven Central into "$1/libs".
#   usage: e2e/kafka/build.sh <output-dir> <kafka-version>
#   e.g.   e2e/kafka/build.sh ~/.cache/messaging-platform/e2e/kafka-4.3.1 4.3.1
# Idempotent: a stamp file (version + sha256 of pom.xml) marks a complete copy; a rerun with the same inputs is a no-op.
# The jars are first copied into a temporary sibling folder and renamed into place, so an interrupted run never leaves
# a half-filled libs/ behind. Uses the default ~/.m2 repository.
set -euo pipefail

out=${1:?usage: build.sh <output-dir> <kafka-version>}
version=${2:?usage: build.sh <output-dir> <kafka-version>}
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

stamp="$out/.complete"
want="kafka=$version pom=$(sha256sum "$here/pom.xml" | cut -d' ' -f1)"
if [[ -f "$stamp" && "$(cat "$stamp")" == "$want" && -d "$out/libs" ]]; then
  echo "kafka $version: up to date in $out/libs"
  exit 0
fi

mkdir -p "$out"
tmp=$(mktemp -d "$out/libs.tmp.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

mvn -B -q -Dstyle.color=never -f "$here/pom.xml" package \
    -Dkafka.version="$version" \
    -Dkafka.libs.dir="$tmp"

# sanity: the broker, the storage tool and the Connect launcher must be on the classpath
for jar in "kafka_2.13-$version.jar" "kafka-server-$version.jar" "connect-runtime-$version.jar" "log4j-slf4j-impl-"; do
  compgen -G "$tmp/$jar*" >/dev/null || { echo "build.sh: $jar missing from $tmp" >&2; exit 1; }
done

rm -rf "$out/libs" "$stamp"
mv "$tmp" "$out/libs"
trap - EXIT
echo "$want" > "$stamp"
echo "kafka $version: $(ls "$out/libs" | wc -l) jars, $(du -sh "$out/libs" | cut -f1) in $out/libs"
