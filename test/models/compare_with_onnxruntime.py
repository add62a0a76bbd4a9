#!/usr/bin/env python3
"""Runs a .kiln artifact and onnxruntime on the same inputs and compares.

    compare_with_onnxruntime.py MODEL.onnx MODEL.kiln [--dim SYMBOL=N ...]
        [--batches N,M] [--tolerance 1e-4]

Inputs are made from a seeded generator: floats from a normal
distribution, integers in [0, 8) (valid token ids and masks for the zoo's
BERT), booleans at random. Symbolic dimensions take the --dim value (by
dim_param name; 2 by default); --batches reruns with the first symbolic
dimension of every input set to each value (a symbolic batch without
recompiling). Every output's relative L2 error, ||kiln - ort|| / ||ort||,
must be under the tolerance; integer and boolean outputs must be equal.
Prints one line per output and exits 1 on any mismatch.
"""

import argparse
import os
import sys

import numpy as np
import onnx
import onnxruntime as ort

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..",
                                "python"))
import kiln_runtime  # noqa: E402

ONNX_TO_NUMPY = {1: np.float32, 2: np.uint8, 3: np.int8, 6: np.int32, 7: np.int64, 9: np.bool_, 10: np.float16,
                 11: np.float64}


def make_inputs(model, dims, batch, seed):
    rng = np.random.default_rng(seed)
    initializers = {t.name for t in model.graph.initializer}
    inputs = {}
    for value in model.graph.input:
        if value.name in initializers:
            continue
        tensor_type = value.type.tensor_type
        shape, first_symbol = [], True
        for d in tensor_type.shape.dim:
            if d.HasField("dim_value"):
                shape.append(d.dim_value)
            else:
                size = dims.get(d.dim_param, 2)
                if batch is not None and first_symbol:
                    size = batch
                first_symbol = False
                shape.append(size)
        dtype = ONNX_TO_NUMPY[tensor_type.elem_type]
        if np.issubdtype(dtype, np.floating):
            array = rng.standard_normal(shape).astype(dtype)
        elif dtype == np.bool_:
            array = rng.integers(0, 2, shape).astype(np.bool_)
        else:
            array = rng.integers(0, 8, shape).astype(dtype)
        inputs[value.name] = array
    return inputs


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("model")
    p.add_argument("artifact")
    p.add_argument("--dim", action="append", default=[], metavar="SYMBOL=N")
    p.add_argument("--batches", default="", help="comma-separated batch sizes")
    p.add_argument("--tolerance", type=float, default=1e-4)
    args = p.parse_args()
    dims = {}
    for spec in args.dim:
        name, _, value = spec.partition("=")
        dims[name] = int(value)
    model = onnx.load(args.model)
    session = ort.InferenceSession(args.model, providers=["CPUExecutionProvider"])
    kiln = kiln_runtime.Model(args.artifact)
    batches = [int(b) for b in args.batches.split(",") if b] or [None]
    name = os.path.basename(args.model)
    ok = True
    for i, batch in enumerate(batches):
        inputs = make_inputs(model, dims, batch, seed=i)
        expected = session.run(None, inputs)
        got = kiln.run(inputs)
        for (out, want, have) in zip(session.get_outputs(), expected, got):
            label = f"{name} {out.name}" + (f" batch {batch}" if batch is not None else "")
            if want.shape != have.shape:
                print(f"FAIL {label}: shape {list(have.shape)} instead of {list(want.shape)}")
                ok = False
                continue
            if np.issubdtype(want.dtype, np.floating):
                norm = np.linalg.norm(want.astype(np.float64))
                error = np.linalg.norm((have - want).astype(np.float64)) / (norm or 1.0)
                good = error < args.tolerance
                print(f"{'PASS' if good else 'FAIL'} {label}: relative L2 error {error:.3g}")
            else:
                good = np.array_equal(want, have)
                print(f"{'PASS' if good else 'FAIL'} {label}: "
                      f"{'equal' if good else 'values differ'}")
            ok &= bool(good)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
