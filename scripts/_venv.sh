# Sourced by the scripts: make sure .venv exists and holds the project with EXTRAS installed.
# Re-installs only when pyproject.toml (or the extras asked for) changed since the last install.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
EXTRAS="${EXTRAS:-}"
PY="${PYTHON:-python3}"
if [ ! -x .venv/bin/python ]; then
  echo "==> creating .venv" >&2
  "$PY" -m venv .venv
fi
want="$( (cat pyproject.toml; echo "extras=$EXTRAS") | sha256sum | cut -d' ' -f1)"
have="$(cat .venv/.skill-installed 2>/dev/null || true)"
if [ "$want" != "$have" ]; then
  echo "==> installing the project into .venv${EXTRAS:+ (with $EXTRAS)}" >&2
  .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip >&2
  spec="."
  [ -n "$EXTRAS" ] && spec=".[$EXTRAS]"
  .venv/bin/python -m pip install --quiet --disable-pip-version-check -e "$spec" 2>&1 \
    | grep -v "^WARNING: Location" >&2 || true
  .venv/bin/python -c "import skill" >/dev/null
  echo "$want" > .venv/.skill-installed
fi
