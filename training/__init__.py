"""Labelled corpora, the labelling guide's data, and the trainer of the coach's weights."""

import os

# The fits solve small dense systems many times; on a shared two-core machine one BLAS
# thread is some 30 times faster than two fighting over the cores. It must be set
# before numpy loads, which is why it lives here.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
