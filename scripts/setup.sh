#!/usr/bin/env bash
# Prepares a fresh machine for Ghurfa: system packages, the virtualenv, front-end
# assets, the Arabic font and compiled translations. Safe to run again: each step
# is skipped when already done.
set -euo pipefail
cd "$(dirname "$0")/.."

need_apt=()
for pkg in xmlsec1 fonts-hosny-amiri poppler-utils chromium; do
  dpkg -s "$pkg" >/dev/null 2>&1 || need_apt+=("$pkg")
done
if [ ${#need_apt[@]} -gt 0 ]; then
  echo "setup: installing system packages: ${need_apt[*]}"
  SUDO=""; [ "$(id -u)" -ne 0 ] && SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_apt[@]}" >/dev/null
fi

PY=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
  echo "setup: creating .venv"
  "$PY" -m venv .venv
fi
stamp=$(sha256sum requirements.txt | cut -c1-16)
if [ "$(cat .venv/.requirements 2>/dev/null)" != "$stamp" ]; then
  echo "setup: installing Python packages"
  .venv/bin/pip install -q --disable-pip-version-check -r requirements.txt
  echo "$stamp" > .venv/.requirements
fi

vendor=app/static/vendor
npm_stamp=$(sha256sum package.json | cut -c1-16)
if [ "$(cat $vendor/.package 2>/dev/null)" != "$npm_stamp" ]; then
  echo "setup: installing front-end assets"
  npm install --no-audit --no-fund --loglevel=error >/dev/null
  rm -rf "$vendor"; mkdir -p "$vendor/bootstrap-rtl" "$vendor/chartjs" "$vendor/fonts"
  cp node_modules/bootstrap-rtl/dist/css/bootstrap-rtl.min.css "$vendor/bootstrap-rtl/"
  cp node_modules/chart.js/dist/chart.umd.js "$vendor/chartjs/" 2>/dev/null \
    || cp node_modules/chart.js/dist/chart.umd.min.js "$vendor/chartjs/chart.umd.js"
  echo "$npm_stamp" > "$vendor/.package"
fi
# The certificate font: copied into the project, the only place the PDF renderer may read.
for f in Amiri-Regular.ttf Amiri-Bold.ttf; do
  [ -f "$vendor/fonts/$f" ] || cp "/usr/share/fonts/opentype/fonts-hosny-amiri/$f" "$vendor/fonts/"
done
cp /usr/share/fonts/opentype/fonts-hosny-amiri/../../../doc/fonts-hosny-amiri/copyright "$vendor/fonts/LICENSE" 2>/dev/null \
  || cp /usr/share/doc/fonts-hosny-amiri/copyright "$vendor/fonts/LICENSE" 2>/dev/null || true

.venv/bin/python scripts/catalog.py compile
