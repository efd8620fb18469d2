#!/usr/bin/env bash
# Download PyPI source distributions and unpack each into data/external/pypi/<name>-<version>/ (the sdist root, as a
# user would build it). Usage: benchmarks/fetch_pypi.sh [NAME==VERSION ...]  (default: requests 2.32.3, flask 3.0.3,
# attrs 24.2.0). Idempotent: a package whose folder exists is skipped.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/data/external/pypi"
PY="${PYTHON:-$ROOT/.venv/bin/python}"
mkdir -p "$DEST"
specs=("$@"); [ ${#specs[@]} -eq 0 ] && specs=(requests==2.32.3 flask==3.0.3 attrs==24.2.0)
for spec in "${specs[@]}"; do
  name="${spec%%==*}"; version="${spec##*==}"
  if [ -d "$DEST/$name-$version" ]; then echo "fetch_pypi: $DEST/$name-$version already present"; continue; fi
  tmp="$(mktemp -d)"
  "$PY" -m pip download -q --no-deps --no-binary :all: -d "$tmp" "$spec"
  tar -xzf "$tmp"/*.tar.gz -C "$tmp"
  mv "$tmp/$name-$version" "$DEST/$name-$version"
  rm -rf "$tmp"
  echo "fetch_pypi: $DEST/$name-$version"
done
