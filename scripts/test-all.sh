#!/usr/bin/env bash
# The one test command (`npm run test:all`): installs what the tests need on a Debian machine with
# Node 20 (Debian packages, npm packages), builds, and runs every test. .ci/run calls exactly this.
set -euo pipefail
cd "$(dirname "$0")/.."

debian_packages=(openssl util-linux prometheus prometheus-alertmanager prometheus-blackbox-exporter docker-compose chromium fonts-dejavu-core faketime nginx)
missing=()
for package in "${debian_packages[@]}"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q 'install ok installed' || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  as_root=()
  [ "$(id -u)" -eq 0 ] || as_root=(sudo)
  "${as_root[@]}" apt-get update -qq
  DEBIAN_FRONTEND=noninteractive "${as_root[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

# npm ci wipes node_modules and builds better-sqlite3 from source where no prebuilt binary can be
# fetched (about two minutes on 2 cores): skipped when node_modules was installed by it from this very
# lock file on this Node version.
installed_from="$(sha256sum package-lock.json | cut -d' ' -f1) node $(node --version)"
if [ "$(cat node_modules/.installed-from 2>/dev/null)" != "$installed_from" ]; then
  npm ci --no-audit --no-fund
  echo "$installed_from" > node_modules/.installed-from
fi
npm run build

mapfile -t test_files < <(bash scripts/test-files.sh)
node --import tsx --test --test-concurrency=3 --test-reporter=spec "${test_files[@]}"
