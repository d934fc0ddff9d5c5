# Sourced by the scripts: make sure .venv exists and holds the project with EXTRAS installed.
# Re-installs only when pyproject.toml changed since the last install of those extras (an
# install with the dev extra also serves the plain runtime).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EXTRAS="${EXTRAS:-}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv" >&2
  "$PY" -m venv .venv
fi
want="$(sha256sum pyproject.toml | cut -d' ' -f1)"
stamp=".venv/.skill-installed-${EXTRAS:-base}"
current=0
[ "$(cat "$stamp" 2>/dev/null || true)" = "$want" ] && current=1
[ -z "$EXTRAS" ] && [ "$(cat .venv/.skill-installed-dev 2>/dev/null || true)" = "$want" ] && current=1
if [ "$current" = "0" ]; then
  echo "==> installing the project into .venv${EXTRAS:+ (with $EXTRAS)}" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  spec="."
  [ -n "$EXTRAS" ] && spec=".[$EXTRAS]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec" 2>&1 \
    | grep -v "^WARNING: Location" >&2 || true
  .venv/bin/python -c "import skill" >/dev/null
  echo "$want" > "$stamp"
fi
