"""qle-torch: the PyTorch side of qle (Seok & Kim's quantized learning equation).

- QleTrace: writes a qle trace (format version 2), one record per tensor per step;
- QtSGD, QtADAM: quantized optimizers written in the reference implementation's style (a loop over
  tensors, one shared index), with the reading of B.2a as options;
- trace_optimizer: wraps such an optimizer so that every step is traced;
- qle_torch.testing: pytest helpers running `qle vectors` and `qle step` against your code.
"""
from .quantize import p_inf, quantize, resolution
from .trace import QleTrace, sample_indices
from .optim import QtADAM, QtSGD
from .wrap import trace_optimizer

__all__ = ["QleTrace", "QtADAM", "QtSGD", "p_inf", "quantize", "resolution", "sample_indices", "trace_optimizer"]
