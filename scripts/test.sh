#!/usr/bin/env bash
# Installs what is missing, builds, and runs every test: an optimised build, then the same tests under
# AddressSanitizer + UndefinedBehaviorSanitizer. Exits non-zero if anything fails.
set -euo pipefail
cd "$(dirname "$0")/.."
./scripts/install-deps.sh

echo "== format check" >&2
unformatted=$(git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror 2>&1 | grep -c 'error:' || true)
if [ "$unformatted" != "0" ]; then
    git ls-files '*.cpp' '*.hpp' | xargs clang-format --dry-run --Werror 2>&1 | head -20 >&2
    echo "clang-format: $unformatted place(s) need formatting (run: git ls-files '*.cpp' '*.hpp' | xargs clang-format -i)" >&2
    exit 1
fi

for preset in release asan; do
    echo "== $preset build" >&2
    cmake --preset "$preset" >/dev/null
    cmake --build --preset "$preset"
    echo "== $preset tests" >&2
    ctest --preset "$preset"
done
