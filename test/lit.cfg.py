# -*- Python -*-
# lit configuration for kiln. The generated build/test/lit.site.cfg.py sets
# the paths (kiln_src_root, kiln_obj_root, kiln_tools_dir, kiln_python,
# llvm_tools_dir) and then loads this file.

import os
import shutil
import subprocess

import lit.formats
from lit.llvm import llvm_config

config.name = "kiln"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)

# Only these are tests. Python files under test/ are helpers (model
# builders, the conformance runner), never tests.
config.suffixes = [".mlir", ".test"]
config.excludes = [
    "CMakeLists.txt",
    "lit.cfg.py",
    "lit.site.cfg.py",
    "README.md",
    "Inputs",
    # Run by the Makefile through its own runner, not by lit.
    "conformance",
]

config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.kiln_obj_root, "test")

llvm_config.with_system_environment(["HOME", "TMP", "TEMP"])
# `not` and `count` are only substituted after a pipe; at the start of a RUN
# line they are found on PATH.
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.kiln_tools_dir, append_path=True)
# python/kiln_runtime.py loads the runtime of this build.
llvm_config.with_environment(
    "KILN_RUNTIME_LIBRARY",
    os.path.join(config.kiln_obj_root, "lib", "libkiln_runtime.so"))
# FileCheck, not, count, ... from /usr/lib/llvm-22/bin.
llvm_config.use_default_substitutions()
llvm_config.add_tool_substitutions(
    ["kiln-opt", "kiln-compile", "kiln-run", "kiln-bench"], [config.kiln_tools_dir])
# Test-only: writes the runtime unit tests' model for the tool tests.
llvm_config.add_tool_substitutions(
    ["kiln-make-test-artifact"],
    [os.path.join(config.kiln_obj_root, "test", "Tools")])

# %python runs the project's virtual environment (onnx, numpy), for tests
# that build their .onnx input on the fly. Those tests say `REQUIRES: onnx`
# so that they are reported UNSUPPORTED, not failed, without the venv.
# lit.llvm already defines %python as the interpreter running lit; replace it.
config.substitutions = [(k, v) for k, v in config.substitutions if k != "%python"]
config.substitutions.insert(0, ("%python", config.kiln_python))


def _onnx_test_data(python):
    """The onnx package's backend test data folder, or None without onnx."""
    if not os.path.exists(python):
        return None
    try:
        result = subprocess.run(
            [python, "-c", "import onnx, os; print(os.path.join("
             "os.path.dirname(onnx.__file__), 'backend', 'test', 'data'))"],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            timeout=60)
    except (OSError, subprocess.SubprocessError):
        return None
    return result.stdout.strip() if result.returncode == 0 else None


# CUDA's ptxas, for the tests of cubins and ptxas's resource report.
_ptxas = shutil.which("ptxas") or (
    "/usr/local/cuda/bin/ptxas" if os.access("/usr/local/cuda/bin/ptxas", os.X_OK) else None)
if _ptxas:
    config.available_features.add("ptxas")
    config.substitutions.insert(0, ("%ptxas", _ptxas))

onnx_data = _onnx_test_data(config.kiln_python)
if onnx_data:
    config.available_features.add("onnx")
    # %onnx_data: the real-architecture ('light') and node test models.
    config.substitutions.insert(0, ("%onnx_data", onnx_data))
else:
    lit_config.note(f"{config.kiln_python} cannot import onnx (run scripts/setup): "
                    "the importer tests will be UNSUPPORTED")
