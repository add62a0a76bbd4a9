#!/usr/bin/env bash
# Builds the seed corpus for kiln-import-fuzzer: every model.onnx under 64 KB
# from Debian's libonnx-testdata (node, pytorch-operator, pytorch-converted,
# simple) and from the onnx package's node tests in .venv, one copy of each
# distinct file, named SUITE-TEST.onnx.
#
#   test/fuzz/make-corpus.sh OUT_DIR [DICT_FILE]
#
# With DICT_FILE, also writes a libFuzzer dictionary (-dict=DICT_FILE) of the
# op types and attribute names the importer knows. The corpus is not kept in
# the repository; make it again whenever needed.
set -euo pipefail

if [[ $# -lt 1 || $# -gt 2 ]]; then
  echo "usage: $0 OUT_DIR [DICT_FILE]" >&2
  exit 2
fi
out=$1
dict=${2:-}
root=$(cd "$(dirname "$0")/../.." && pwd)
testdata=/usr/share/libonnx-testdata/data
venv_node=$(ls -d "$root"/.venv/lib/python3*/site-packages/onnx/backend/test/data/node 2>/dev/null | head -n 1 || true)

mkdir -p "$out"
declare -A seen=()
copied=0
add_suite() { # SUITE DIR
  local suite=$1 dir=$2 model test sum
  if [[ ! -d $dir ]]; then
    echo "make-corpus: $dir is missing, skipping suite $suite" >&2
    return
  fi
  while IFS= read -r -d '' model; do
    sum=$(sha1sum "$model" | cut -d' ' -f1)
    [[ -n ${seen[$sum]:-} ]] && continue
    seen[$sum]=1
    test=$(basename "$(dirname "$model")")
    cp "$model" "$out/$suite-$test.onnx"
    copied=$((copied + 1))
  done < <(find "$dir" -name model.onnx -size -64k -print0 | sort -z)
}

for suite in node pytorch-operator pytorch-converted simple; do
  add_suite "$suite" "$testdata/$suite"
done
if [[ -n $venv_node ]]; then
  add_suite node-onnx "$venv_node"
else
  echo "make-corpus: no onnx package in $root/.venv (run scripts/setup)," \
       "skipping its node tests" >&2
fi
echo "make-corpus: $copied models in $out"

if [[ -n $dict ]]; then
  {
    # Op types the importer registers, and attribute names it reads.
    grep -hoE '\badd\("[A-Za-z0-9_]+"' "$root"/lib/Conversion/ONNXToKiln/*.cpp |
      sed -E 's/^add\("//; s/"$//'
    grep -hoE '\b(getInt|getFloat|getString|getInts|getFloats|attr|hasAttr)\("[A-Za-z0-9_]+"' \
      "$root"/lib/Conversion/ONNXToKiln/*.cpp | sed -E 's/^[A-Za-z]+\("//; s/"$//'
    printf '%s\n' ai.onnx location offset length NOTSET SAME_UPPER SAME_LOWER VALID
  } | sort -u | sed -E 's/.*/"&"/' > "$dict"
  echo "make-corpus: $(wc -l < "$dict") dictionary entries in $dict"
fi
