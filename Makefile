# kiln: the two commands of the README and their friends.
#
#   make demo    set everything up, build, compile a sample model and run it
#   make test    build, run the lit tests and the end-to-end conformance suites
#                (CPU kernels, then the CUDA kernels emulated on the host), and
#                end with one line: "N passed, N failed, N skipped"
#
# Also: make setup | build | lint | format | clean | distclean

SHELL := /bin/bash
.DEFAULT_GOAL := build

LLVM_DIR   ?= /usr/lib/llvm-22
BUILD_DIR  ?= build
BUILD_TYPE ?= Release
LIT        ?= $(LLVM_DIR)/bin/lit
VENV_PYTHON := $(CURDIR)/.venv/bin/python
KILN_COMPILE := $(BUILD_DIR)/bin/kiln-compile

# ccache is picked up by CMakeLists.txt when installed; keep its cache in one
# place across build directories.
export CCACHE_DIR ?= $(HOME)/.cache/ccache

# Prefer LLVM 22's clang-format when installed, else Debian's clang-format.
CLANG_FORMAT ?= $(firstword $(wildcard $(LLVM_DIR)/bin/clang-format) \
                            $(shell command -v clang-format-22 clang-format 2>/dev/null))

# Import conformance suites: NAME=DIR. node-1.22 is the onnx package's own
# backend test data in .venv (evaluated only when a recipe uses it).
ONNX_NODE_DATA = $(shell $(VENV_PYTHON) -c 'import onnx, os; \
  print(os.path.join(os.path.dirname(onnx.__file__), "backend", "test", "data", "node"))')
TESTDATA := /usr/share/libonnx-testdata/data
CONFORMANCE_SUITES = \
  --suite node-1.12=$(TESTDATA)/node \
  --suite pytorch-converted=$(TESTDATA)/pytorch-converted \
  --suite pytorch-operator=$(TESTDATA)/pytorch-operator \
  --suite simple=$(TESTDATA)/simple \
  --suite node-1.22=$(ONNX_NODE_DATA)
XFAIL_DIR := test/conformance/xfail
RESULTS := $(BUILD_DIR)/test-results

FORMAT_FILES = $(shell find include lib tools test -type f \( -name '*.cpp' -o -name '*.h' \) \
                 -not -path '*/Output/*' 2>/dev/null | sort)

.PHONY: setup build configure test lint format demo docs clean distclean

setup:
	@scripts/setup

$(BUILD_DIR)/build.ninja: | setup
	cmake -G Ninja -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) \
	  -DMLIR_DIR=$(LLVM_DIR)/lib/cmake/mlir -DLLVM_EXTERNAL_LIT=$(LIT) \
	  -DKILN_PYTHON=$(VENV_PYTHON)

configure: $(BUILD_DIR)/build.ninja

build: setup configure
	ninja -C $(BUILD_DIR)

# Runs both test sets even when the first fails, then sums them up; the
# summary line is the last line printed and decides the exit status.
test: build
	@mkdir -p $(RESULTS)
	@echo "== lit: $(LIT) -sv $(BUILD_DIR)/test"
	@set -o pipefail; $(LIT) -sv $(BUILD_DIR)/test 2>&1 | tee $(RESULTS)/lit.log; \
	  echo $$? > $(RESULTS)/lit.rc
	@echo "== end-to-end conformance: test/conformance/run_conformance.py"
	@set -o pipefail; $(VENV_PYTHON) test/conformance/run_conformance.py \
	  --kiln-compile $(KILN_COMPILE) --kiln-run $(BUILD_DIR)/bin/kiln-run \
	  $(CONFORMANCE_SUITES) \
	  --kiln-arg=--verify-declared-types \
	  --expected-failures-dir $(XFAIL_DIR) 2>&1 | tee $(RESULTS)/conformance.log; \
	  echo $$? > $(RESULTS)/conformance.rc
	@echo "== end-to-end conformance of the CUDA kernels, emulated on the host (--cuda-host-emulation)"
	@set -o pipefail; $(VENV_PYTHON) test/conformance/run_conformance.py \
	  --kiln-compile $(KILN_COMPILE) --kiln-run $(BUILD_DIR)/bin/kiln-run \
	  $(CONFORMANCE_SUITES) \
	  --kiln-arg=--verify-declared-types --kiln-arg=--target=cuda \
	  --kiln-arg=--cuda-host-emulation \
	  --expected-failures-dir $(XFAIL_DIR) 2>&1 | tee $(RESULTS)/conformance-cuda.log; \
	  echo $$? > $(RESULTS)/conformance-cuda.rc
	@scripts/summarize-tests \
	  --lit-log $(RESULTS)/lit.log --lit-rc $$(cat $(RESULTS)/lit.rc) \
	  --conformance-log $(RESULTS)/conformance.log \
	  --conformance-rc $$(cat $(RESULTS)/conformance.rc) \
	  --conformance-log $(RESULTS)/conformance-cuda.log \
	  --conformance-rc $$(cat $(RESULTS)/conformance-cuda.rc)

# The op, dialect and pass reference, generated from TableGen (build/docs/).
docs: build
	ninja -C $(BUILD_DIR) mlir-doc
	@echo "docs: $(BUILD_DIR)/docs/"

lint:
	@test -n "$(CLANG_FORMAT)" || { echo "lint: clang-format not found (run make setup)"; exit 1; }
	$(CLANG_FORMAT) --dry-run -Werror $(FORMAT_FILES)

format:
	@test -n "$(CLANG_FORMAT)" || { echo "format: clang-format not found (run make setup)"; exit 1; }
	$(CLANG_FORMAT) -i $(FORMAT_FILES)

DEMO_DIR := $(BUILD_DIR)/demo

# Compiles a sample model for this CPU and runs it: the result and the
# latency, then the same artifact at another batch size (its batch is
# symbolic).
demo: build
	@mkdir -p $(DEMO_DIR)
	@echo "== writing a tiny CNN (Conv, BatchNorm, Relu, MaxPool, Flatten, Gemm, Softmax)"
	$(VENV_PYTHON) test/models/make_sample_model.py $(DEMO_DIR)/tiny_cnn.onnx
	@echo "== compiling it for this CPU (batch norm folds into the conv; batch N stays symbolic)"
	$(KILN_COMPILE) $(DEMO_DIR)/tiny_cnn.onnx -o $(DEMO_DIR)/tiny_cnn.kiln --report
	@echo "== running it on a made-up image"
	$(VENV_PYTHON) -c 'import numpy as np; np.save("$(DEMO_DIR)/image.npy", \
	  np.random.default_rng(0).standard_normal((1, 3, 32, 32)).astype(np.float32))'
	$(BUILD_DIR)/bin/kiln-run $(DEMO_DIR)/tiny_cnn.kiln --input image=$(DEMO_DIR)/image.npy
	@echo "== latency at batch 1 and batch 8 (same artifact)"
	$(BUILD_DIR)/bin/kiln-bench $(DEMO_DIR)/tiny_cnn.kiln --dim N=1 --runs 50
	$(BUILD_DIR)/bin/kiln-bench $(DEMO_DIR)/tiny_cnn.kiln --dim N=8 --runs 50

clean:
	rm -rf $(BUILD_DIR)

distclean: clean
	rm -rf .venv
