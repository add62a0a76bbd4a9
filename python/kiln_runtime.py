"""kiln_runtime: run .kiln artifacts from Python through libkiln_runtime.

A thin ctypes binding of include/kiln-runtime/kiln_runtime.h, used by the
end-to-end conformance runner and the zoo tests, and usable on its own:

    import numpy as np, kiln_runtime
    model = kiln_runtime.Model("model.kiln")
    outputs = model.run({"image": np.zeros((1, 3, 32, 32), np.float32)})

Errors from the runtime raise KilnError with the runtime's message.
"""

import ctypes
import os

import numpy as np

# kiln_dtype_t (= ONNX TensorProto.DataType) <-> numpy.
_DTYPES = {
    1: np.float32, 2: np.uint8, 3: np.int8, 4: np.uint16, 5: np.int16,
    6: np.int32, 7: np.int64, 9: np.bool_, 10: np.float16, 11: np.float64,
    12: np.uint32, 13: np.uint64,
}
try:  # bfloat16, the 8-bit floats and the sub-byte types, one per byte
    import ml_dtypes as _ml

    _DTYPES.update({
        16: _ml.bfloat16, 17: _ml.float8_e4m3fn, 18: _ml.float8_e4m3fnuz,
        19: _ml.float8_e5m2, 20: _ml.float8_e5m2fnuz, 21: _ml.uint4,
        22: _ml.int4, 23: _ml.float4_e2m1fn, 24: _ml.float8_e8m0fnu,
        25: _ml.uint2, 26: _ml.int2,
    })
except ImportError:
    pass
_CODES = {np.dtype(v): k for k, v in _DTYPES.items()}


class KilnError(RuntimeError):
    pass


class _TensorView(ctypes.Structure):
    _fields_ = [("dtype", ctypes.c_int), ("rank", ctypes.c_size_t),
                ("dims", ctypes.POINTER(ctypes.c_int64)),
                ("data", ctypes.c_void_p), ("size_bytes", ctypes.c_size_t)]


class _TensorInfo(ctypes.Structure):
    _fields_ = [("name", ctypes.c_char_p), ("dtype", ctypes.c_int),
                ("rank", ctypes.c_size_t),
                ("dims", ctypes.POINTER(ctypes.c_int64)),
                ("dim_names", ctypes.POINTER(ctypes.c_char_p))]


class _Options(ctypes.Structure):
    _fields_ = [("struct_size", ctypes.c_size_t), ("num_threads", ctypes.c_int32)]


def _default_library():
    here = os.path.dirname(os.path.abspath(__file__))
    return os.environ.get("KILN_RUNTIME_LIBRARY",
                          os.path.join(here, "..", "build", "lib", "libkiln_runtime.so"))


_lib = None


def load_library(path=None):
    """Loads libkiln_runtime (default: $KILN_RUNTIME_LIBRARY or build/lib)."""
    global _lib
    if _lib is not None:
        return _lib
    lib = ctypes.CDLL(path or _default_library())
    p, vp, sz = ctypes.c_void_p, ctypes.c_void_p, ctypes.c_size_t
    lib.kiln_status_message.restype = ctypes.c_char_p
    lib.kiln_status_message.argtypes = [p]
    lib.kiln_status_free.argtypes = [p]
    lib.kiln_model_load_file.restype = p
    lib.kiln_model_load_file.argtypes = [ctypes.c_char_p, ctypes.POINTER(p)]
    lib.kiln_model_release.argtypes = [p]
    lib.kiln_model_num_inputs.restype = sz
    lib.kiln_model_num_inputs.argtypes = [p]
    lib.kiln_model_num_outputs.restype = sz
    lib.kiln_model_num_outputs.argtypes = [p]
    for fn in (lib.kiln_model_input_info, lib.kiln_model_output_info):
        fn.restype = p
        fn.argtypes = [p, sz, ctypes.POINTER(_TensorInfo)]
    lib.kiln_session_create.restype = p
    lib.kiln_session_create.argtypes = [p, ctypes.POINTER(p)]
    lib.kiln_session_destroy.argtypes = [p]
    lib.kiln_session_set_input_by_index.restype = p
    lib.kiln_session_set_input_by_index.argtypes = [
        p, sz, ctypes.c_int, ctypes.POINTER(ctypes.c_int64), sz, vp, sz]
    lib.kiln_session_run.restype = p
    lib.kiln_session_run.argtypes = [p]
    lib.kiln_session_get_output.restype = p
    lib.kiln_session_get_output.argtypes = [p, sz, ctypes.POINTER(_TensorView)]
    lib.kiln_runtime_options_init.argtypes = [ctypes.POINTER(_Options)]
    lib.kiln_runtime_configure.restype = p
    lib.kiln_runtime_configure.argtypes = [ctypes.POINTER(_Options)]
    _lib = lib
    return lib


def _check(status):
    if status:
        message = _lib.kiln_status_message(status).decode("utf-8", "replace")
        _lib.kiln_status_free(status)
        raise KilnError(message)


def configure(num_threads):
    """Sets the runtime's thread count (before the first model is loaded)."""
    lib = load_library()
    options = _Options()
    lib.kiln_runtime_options_init(ctypes.byref(options))
    options.num_threads = num_threads
    _check(lib.kiln_runtime_configure(ctypes.byref(options)))


class Model:
    """A loaded artifact and one session of it."""

    def __init__(self, path):
        lib = load_library()
        self._model = ctypes.c_void_p()
        self._session = ctypes.c_void_p()
        _check(lib.kiln_model_load_file(os.fsencode(path), ctypes.byref(self._model)))
        try:
            _check(lib.kiln_session_create(self._model, ctypes.byref(self._session)))
        except KilnError:
            lib.kiln_model_release(self._model)
            self._model = None
            raise

    def _infos(self, count, fn):
        infos = []
        for i in range(count(self._model)):
            info = _TensorInfo()
            _check(fn(self._model, i, ctypes.byref(info)))
            infos.append((info.name.decode(), _DTYPES.get(info.dtype),
                          [info.dims[d] for d in range(info.rank)]))
        return infos

    @property
    def inputs(self):
        """[(name, numpy dtype, dims with -1 for symbolic)] in graph order."""
        return self._infos(_lib.kiln_model_num_inputs, _lib.kiln_model_input_info)

    @property
    def outputs(self):
        return self._infos(_lib.kiln_model_num_outputs, _lib.kiln_model_output_info)

    def run(self, inputs):
        """Runs on `inputs` (a dict by name, or a list in graph order) and
        returns the outputs as a list of numpy arrays (copies)."""
        names = [name for name, _, _ in self.inputs]
        if isinstance(inputs, dict):
            unknown = set(inputs) - set(names)
            if unknown:
                raise KilnError("unknown input(s): " + ", ".join(sorted(unknown)))
            inputs = [inputs[n] for n in names]
        keep = []
        for i, value in enumerate(inputs):
            array = np.ascontiguousarray(value)
            code = _CODES.get(array.dtype)
            if code is None:
                raise KilnError(f"input {i}: dtype {array.dtype} is not supported")
            keep.append(array)
            dims = (ctypes.c_int64 * max(array.ndim, 1))(*array.shape)
            _check(_lib.kiln_session_set_input_by_index(
                self._session, i, code, dims, array.ndim,
                array.ctypes.data_as(ctypes.c_void_p), array.nbytes))
        _check(_lib.kiln_session_run(self._session))
        results = []
        for i in range(_lib.kiln_model_num_outputs(self._model)):
            view = _TensorView()
            _check(_lib.kiln_session_get_output(self._session, i, ctypes.byref(view)))
            shape = tuple(view.dims[d] for d in range(view.rank))
            dtype = np.dtype(_DTYPES[view.dtype])
            if view.size_bytes == 0:
                results.append(np.zeros(shape, dtype))
                continue
            raw = ctypes.string_at(view.data, view.size_bytes)
            results.append(np.frombuffer(raw, dtype).reshape(shape).copy())
        return results

    def close(self):
        if self._session:
            _lib.kiln_session_destroy(self._session)
            self._session = None
        if self._model:
            _lib.kiln_model_release(self._model)
            self._model = None

    def __del__(self):
        try:
            self.close()
        except Exception:  # noqa: BLE001 - interpreter shutdown
            pass

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()
