# -*- Python -*-
# lit configuration for kiln's GoogleTest unit tests: every executable under
# build/test/Unit whose name ends in "Tests" is run, and each of its test
# cases is reported as a lit test.

import os

import lit.formats

config.name = "kiln-unit"
config.test_format = lit.formats.GoogleTest(".", "Tests")
config.test_source_root = config.kiln_unit_obj_root
config.test_exec_root = config.kiln_unit_obj_root
