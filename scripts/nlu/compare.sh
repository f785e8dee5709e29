#!/usr/bin/env bash
# Compare NLU configs one after another (never in parallel: the machine has 2 cores):
# 5-fold cross-validation on data/nlu, then a model trained on all of data/nlu (timed)
# and measured on the public dev set.
#
#   scripts/nlu/compare.sh configs/nlu-a.yml [configs/nlu-b.yml ...]
#
# Output: build/nlu-cv/NAME/ (Rasa's reports), build/nlu-models/NAME.tar.gz,
#         build/nlu-cv/NAME.summary (times, CV summary, dev-set result).
set -euo pipefail
cd "$(dirname "$0")/../.."
PY=.venv/bin/python
RASA=.venv/bin/rasa
mkdir -p build/nlu-cv build/nlu-models
for cfg in "$@"; do
  name=$(basename "$cfg" .yml)
  out=build/nlu-cv/$name
  summary=build/nlu-cv/$name.summary
  rm -rf "$out"
  start=$(date +%s)
  "$RASA" test nlu --nlu data/nlu --config "$cfg" --cross-validation --folds 5 --successes \
    --out "$out" > "build/nlu-cv/$name.cv.log" 2>&1
  cv_seconds=$(( $(date +%s) - start ))
  start=$(date +%s)
  "$RASA" train nlu --nlu data/nlu --config "$cfg" --out build/nlu-models --fixed-model-name "$name" \
    > "build/nlu-cv/$name.train.log" 2>&1
  train_seconds=$(( $(date +%s) - start ))
  {
    echo "config $cfg"
    echo "cv_seconds $cv_seconds"
    echo "train_seconds $train_seconds"
    "$PY" scripts/nlu/cv_summary.py "$out" --per-intent 2>/dev/null
    echo "--- dev set"
    "$PY" scripts/nlu/dev_eval.py "build/nlu-models/$name.tar.gz" --json "build/nlu-cv/$name.dev.json" 2>/dev/null
  } > "$summary"
  echo "done $name: cv ${cv_seconds}s, train ${train_seconds}s"
done
