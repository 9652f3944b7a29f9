#!/usr/bin/env bash
# Builds the hub (dist/) and the benchmarks (dist-bench/), then runs benchmarks.
#
#   bash bench/run.sh                          # all of them, in this order
#   bash bench/run.sh full-flow saf-drain      # some of them
#   bash bench/run.sh held-payments --profile  # flags (--name=value, --profile, --db=…) go to each one
#
# Each prints its figures and rewrites its own section of docs/benchmarks.md.
# Needs PostgreSQL at TEST_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/test) like `npm test`.
set -euo pipefail
cd "$(dirname "$0")/.."

all=(create-qr-code full-flow held-payments saf-drain cluster overload)
names=()
flags=()
for a in "$@"; do
  if [[ "$a" == --* ]]; then flags+=("$a"); else names+=("$a"); fi
done
[[ ${#names[@]} -eq 0 ]] && names=("${all[@]}")

npm run build
# dist-bench/dist links to the hub's dist/ (made by the harness at run time); tsc-alias would follow
# the link and rewrite the hub's own package imports into source paths, so it goes first.
rm -f dist-bench/dist
npx tsc -p bench/tsconfig.json
npx tsc-alias -p bench/tsconfig.json

for name in "${names[@]}"; do
  script="dist-bench/bench/${name}.bench.js"
  [[ -f "$script" ]] || { echo "no benchmark '${name}' (have: ${all[*]})" >&2; exit 2; }
  echo "=== ${name} ==="
  node "$script" "${flags[@]+"${flags[@]}"}"
done
