#!/usr/bin/env bash
# Download an npm package that ships its TypeScript sources and unpack it into data/external/npm/<name>-<version>/.
# Usage: benchmarks/fetch_npm.sh [NAME@VERSION]   (default rxjs@7.8.1, whose tarball carries src/**/*.ts)
# Idempotent: skipped when the unpacked folder already exists.
set -euo pipefail
SPEC="${1:-rxjs@7.8.1}"
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/data/external/npm"
NAME="${SPEC%@*}"; VERSION="${SPEC##*@}"
SAFE="$(echo "$NAME" | tr '/' '-' | tr -d '@')"
OUT="$DEST/$SAFE-$VERSION"
if [ -d "$OUT/package" ]; then
  echo "fetch_npm: $OUT already present, nothing to do"; exit 0
fi
mkdir -p "$DEST"
cd "$DEST"
tgz="$(npm pack "$SPEC" --silent | tail -n1)"
rm -rf "$OUT.tmp"; mkdir -p "$OUT.tmp"
tar -xzf "$tgz" -C "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
echo "fetch_npm: $(find "$OUT/package" -name '*.ts' ! -name '*.d.ts' | wc -l) .ts sources (+ $(find "$OUT/package" -name '*.d.ts' | wc -l) .d.ts) in $OUT/package"
