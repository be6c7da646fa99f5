#!/usr/bin/env bash
# Prints a SHA-256 digest of every data file the shipped scenarios produce: each scenario run
# with two replications (series, commuters, bands, policies), a comparison of every policy
# scenario against the baseline (summary), the shipped sweep merged (runs, summary) and the
# calibration check (fit). A refactoring that must not change results keeps this output
# byte-identical: run it before and after and diff the two.
#
#   scripts/output-digests.sh > before.txt; ...change...; scripts/output-digests.sh > after.txt
#   diff before.txt after.txt
set -euo pipefail
cd "$(dirname "$0")/.."
cargo build --release --quiet
bin=target/release/labsim
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
digest() { (cd "$1" && for f in "${@:2}"; do if [ -f "$f" ]; then sha256sum "$f"; fi; done) | sed "s|  |  $1/|; s|$out/||"; }
for s in scenarios/*.toml; do
  n=$(basename "$s" .toml)
  "$bin" run "$s" --out "$out/$n" --replications 2 --steps 36 --no-plots --quiet
  digest "$out/$n" series.csv commuters.csv bands.csv policies.csv
done
policies=$(grep -l '^\[\[policy\]\]' scenarios/*.toml | tr '\n' ' ')
# shellcheck disable=SC2086
"$bin" compare scenarios/baseline.toml $policies --out "$out/compare" --replications 2 --steps 36 --scale 0.02 --no-plots --quiet
digest "$out/compare" summary.csv
"$bin" sweep run scenarios/sweeps/mobility_team_coverage.toml --out "$out/sweep" --quiet
"$bin" sweep merge "$out/sweep" --no-plots >/dev/null
digest "$out/sweep" runs.csv summary.csv
"$bin" calibrate --check scenarios/baseline.toml --targets calibration/nl_border_2022.toml --out "$out/calib" --no-plots --quiet >/dev/null || true
digest "$out/calib" fit.csv
