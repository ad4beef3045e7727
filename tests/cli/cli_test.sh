#!/usr/bin/env bash
# ctest cases for the `nabla` command line: cli_test.sh CASE NABLA_BINARY WORK_DIR
# They train on the first 1000 Fashion-MNIST training images (500 test images), so each takes seconds.
set -uo pipefail
case_name=$1 nabla=$2 work=$3
data=/usr/share/datasets/fashion-mnist
rm -rf "$work" && mkdir -p "$work" && cd "$work" || exit 1
small=(--data "$data" --train-limit 1000 --test-limit 500 --no-progress --threads 2)

fail() { echo "FAIL: $*"; exit 1; }
# expect STATUS CMD...: runs CMD, keeps its output in out.txt, checks the exit status.
expect() {
  local want=$1; shift
  "$@" >out.txt 2>&1; local got=$?
  [ "$got" -eq "$want" ] || { cat out.txt; fail "'$*' exited with $got, expected $want"; }
}
contains() { grep -q -- "$1" out.txt || { cat out.txt; fail "output lacks '$1'"; }; }
# A column of metrics.csv (1-based), every row.
column() { tail -n +2 "$1" | cut -d, -f"$2"; }

case $case_name in
help)
  expect 0 "$nabla" --help; contains "train"; contains "eval"
  expect 0 "$nabla" train --help
  for opt in --data --model --epochs --batch-size --optimizer --lr --weight-decay --clip-grad-norm --scheduler \
             --seed --threads --out --resume; do contains "$opt"; done
  expect 0 "$nabla" eval --help; contains --checkpoint
  ;;
bad_args)
  expect 2 "$nabla"; contains "subcommand"
  expect 2 "$nabla" bogus
  expect 2 "$nabla" train --epochs 0; contains "epochs"; contains "Usage"
  # Range errors read like nabla's ("--batch-size must be at least 1, got 0"), not CLI11's 300-digit range.
  expect 2 "$nabla" train --batch-size 0; contains "--batch-size must be at least 1, got 0"
  expect 2 "$nabla" train --momentum 2; contains "--momentum must be between 0 and 1, got 2"
  expect 2 "$nabla" train --lr 0; contains "--lr must be greater than 0, got 0"
  expect 2 "$nabla" train --weight-decay -1; contains "--weight-decay must be at least 0, got -1"
  expect 2 "$nabla" eval --checkpoint x --batch-size 0; contains "--batch-size must be at least 1, got 0"
  if grep -q "not in range" out.txt; then fail "CLI11's range text is back"; fi
  expect 2 "$nabla" train --model resnet; contains "model"
  expect 2 "$nabla" train --optimizer lbfgs
  expect 2 "$nabla" train --lr abc
  expect 2 "$nabla" train --batch-size -3
  expect 2 "$nabla" train --unknown-flag
  expect 2 "$nabla" eval; contains "checkpoint"
  ;;
missing_data)
  expect 1 "$nabla" train --data "$work/nowhere" --out run; contains "dataset-fashion-mnist"; contains "nowhere"
  [ ! -e run/last.safetensors ] || fail "a failed run wrote a checkpoint"
  printf 'not a checkpoint' > bad.safetensors
  expect 1 "$nabla" eval --checkpoint bad.safetensors --data "$data"; contains "bad.safetensors"
  expect 1 "$nabla" eval --checkpoint missing.safetensors --data "$data"; contains "missing.safetensors"
  expect 1 "$nabla" train "${small[@]}" --out run --resume; contains "resume.safetensors"
  ;;
train_resume_eval)
  # Two epochs straight through ...
  expect 0 "$nabla" train "${small[@]}" --model mlp --epochs 2 --seed 7 --out full
  contains "epoch 2/2"; contains "checkpoints:"
  for f in best.safetensors last.safetensors resume.safetensors metrics.csv metrics.svg; do
    [ -s "full/$f" ] || fail "full/$f missing"
  done
  [ "$(tail -n +2 full/metrics.csv | wc -l)" -eq 2 ] || fail "metrics.csv should have 2 rows"
  grep -q "<polyline" full/metrics.svg || fail "metrics.svg has no curve"
  acc=$(column full/metrics.csv 5 | tail -1)
  awk -v a="$acc" 'BEGIN { exit !(a > 0.6) }' || fail "test accuracy $acc after 2 epochs on 1000 images (want > 0.6)"
  # ... equals one epoch, stopped, then resumed for the second (same seed, so the same shuffles).
  expect 0 "$nabla" train "${small[@]}" --model mlp --epochs 1 --seed 7 --out split
  expect 0 "$nabla" train "${small[@]}" --epochs 2 --out split --resume; contains "resuming"
  [ "$(column full/metrics.csv 1-5)" == "$(column split/metrics.csv 1-5)" ] ||
    fail "resumed metrics differ: $(column full/metrics.csv 1-5) vs $(column split/metrics.csv 1-5)"
  cmp full/last.safetensors split/last.safetensors || fail "resumed weights differ from the uninterrupted run"
  # A second run into the same directory is refused unless told to replace it; the old run is intact.
  cp full/last.safetensors kept.safetensors
  expect 1 "$nabla" train "${small[@]}" --epochs 1 --out full; contains "already holds a run"
  cmp full/last.safetensors kept.safetensors || fail "a refused run changed full/last.safetensors"
  expect 2 "$nabla" train "${small[@]}" --out full --resume --overwrite
  # Settings of a resumed run cannot change.
  expect 1 "$nabla" train "${small[@]}" --epochs 3 --lr 0.5 --out split --resume; contains "--lr"
  # A corrupt metrics.csv or resume.safetensors stops a resume with an error naming the file.
  cp -r split bad_metrics && printf 'epoch,oops\n' > bad_metrics/metrics.csv
  expect 1 "$nabla" train "${small[@]}" --epochs 3 --out bad_metrics --resume; contains "metrics.csv"
  cp -r split bad_state && head -c 100 split/resume.safetensors > bad_state/resume.safetensors
  expect 1 "$nabla" train "${small[@]}" --epochs 3 --out bad_state --resume; contains "resume.safetensors"
  cmp split/last.safetensors bad_state/last.safetensors || fail "a refused resume changed last.safetensors"
  # eval reports the accuracy that training measured for the last checkpoint.
  expect 0 "$nabla" eval --checkpoint full/last.safetensors --data "$data" --limit 500
  contains "model mlp, epoch 2"; contains "$(printf 'accuracy %.4f' "$acc")"; contains "confusion matrix"
  contains "Ankle boot"
  # A checkpoint of one model cannot load into the other.
  expect 1 "$nabla" eval --checkpoint full/last.safetensors --data "$data" --model cnn; contains "Missing key"
  ;;
*) fail "unknown case $case_name" ;;
esac
echo "PASS $case_name"
