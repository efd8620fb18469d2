#!/usr/bin/env bash
# Download the OpenJDK 17 sources (Debian's openjdk-17-source) and unpack java.base into data/external/jdk/src/.
# Idempotent: every step is skipped when its output is already there. Run from anywhere; paths are relative to the repo root.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="$ROOT/data/external/jdk"
mkdir -p "$DEST"
cd "$DEST"

if [ -f src/java.base/java/lang/Object.java ]; then
  echo "fetch_jdk: $DEST/src/java.base already present, nothing to do"
  exit 0
fi

deb=$(ls openjdk-17-source_*.deb 2>/dev/null | head -n1 || true)
if [ -z "$deb" ]; then
  echo "fetch_jdk: apt-get download openjdk-17-source"
  apt-get download openjdk-17-source || { apt-get update -qq && apt-get download openjdk-17-source; }
  deb=$(ls openjdk-17-source_*.deb | head -n1)
fi
echo "fetch_jdk: using $deb"

ZIP=x/usr/lib/jvm/openjdk-17/lib/src.zip
if [ ! -e "$ZIP" ]; then
  rm -rf x
  dpkg -x "$deb" x
fi
# src.zip may be a symlink into the same package tree
if [ -L "$ZIP" ] && [ ! -e "$ZIP" ]; then
  echo "fetch_jdk: $ZIP is a dangling symlink" >&2; exit 1
fi

rm -rf src.tmp
mkdir -p src.tmp
unzip -q "$ZIP" 'java.base/*' -d src.tmp
rm -rf src
mv src.tmp src
echo "fetch_jdk: $(find src/java.base -name '*.java' | wc -l) .java files in $DEST/src/java.base"
