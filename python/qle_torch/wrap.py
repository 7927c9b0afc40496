"""trace_optimizer: trace a quantized optimizer written in the reference's style.

The optimizer needs what the reference's QSGD has: a method quantize(d, p) that each tensor's step
goes through (B.2a calls it again with the same d at a finer p), a shared index attribute p and a
step counter t. The wrapper records every quantize call of a step; consecutive calls on the same
d are one tensor's B.2a loop, and the last of them is what was applied. After the step it writes
one record per tensor (h = d, hq = the last Q_p(d), w after the step, that p).
"""
import functools

import torch

from .trace import QleTrace


def trace_optimizer(optimizer, path, model, reading="tensor", **options):
    """Wrap optimizer.step so that every step writes a qle trace (format 2) to path; returns the QleTrace.

    model: the torch.nn.Module whose named_parameters() name the tensors (in the optimizer's order).
    reading: what the optimizer claims to do (see QleTrace); options go to QleTrace (sample, sidecar, ...).
    """
    names = {id(w): name for name, w in model.named_parameters()}
    params = [w for group in optimizer.param_groups for w in group["params"]]
    missing = [i for i, w in enumerate(params) if id(w) not in names]
    if missing:
        raise ValueError(f"optimizer parameters {missing} are not parameters of the model")
    dtype = params[0].dtype
    header = {
        "mode": optimizer.mode, "eta": optimizer.eta, "base": optimizer.base, "kappa": optimizer.kappa, "C": optimizer.C,
        "beta": optimizer.beta, "p_max": optimizer.p_max, "p0": optimizer.p, "b2a": optimizer.b2a, "b2b": optimizer.b2b,
        "lr": optimizer.param_groups[0]["lr"], "precision": "float64" if dtype == torch.float64 else "float32",
        "producer": f"qle_torch.trace_optimizer({type(optimizer).__name__})",
    }
    header.update(options)
    trace = QleTrace(path, [(names[id(w)], w.numel()) for w in params], reading=reading, **header)
    calls = []
    quantize = optimizer.quantize

    @functools.wraps(quantize)
    def traced_quantize(d, p):
        dq = quantize(d, p)
        if calls and calls[-1][0] is d:
            calls[-1] = (d, p, dq)
        else:
            calls.append((d, p, dq))
        return dq

    step = optimizer.step

    @functools.wraps(step)
    def traced_step(*args, **kwargs):
        calls.clear()
        t = optimizer.t
        result = step(*args, **kwargs)
        stepped = [w for w in params if w.grad is not None]
        if len(stepped) != len(calls):
            raise RuntimeError(f"traced {len(calls)} quantized tensor steps for {len(stepped)} tensors with a gradient")
        for w, (d, p, dq) in zip(stepped, calls):
            trace.record(t, p, names[id(w)], d, dq, w)
        return result

    optimizer.quantize = traced_quantize
    optimizer.step = traced_step
    return trace
