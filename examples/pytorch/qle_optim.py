"""QSGD with monotone increasing quantization resolution (Seok & Kim), as a PyTorch optimizer
that writes a qle trace (format version 1, see schema/trace.schema.json in qle).

Algorithm 1 of the paper with the sub-functions of Appendix B.2 (qle SPEC section 7), one global
index p shared by all parameters:

    d  <- -lr * grad                     (the unquantized step; the trace's "h")
    dq <- Q_p(d)                         (the trace's "hq")
    while dq is all zero and p < p_max:  p <- p + 1; dq <- Q_p(d)      # B.2a
    w  <- w + dq
    while p < p_inf(t):  p <- p + 1 (capped at p_max)                   # B.2b
    t  <- t + 1

Computed in the parameters' dtype: torch.float64 (qle checks the trace exactly) or torch.float32
(declared as "precision": "float32"; qle then allows float32 rounding). Exactness of the
quantizer below holds for binary grids (eta and base powers of two; the reference: eta=1, base=2):
then d*Q and k/Q are exact, and round mode is k = floor(y) + (y - floor(y) >= 0.5), never
floor(y + 0.5), which rounds 0.49999999999999994 up.

vanishing_test="sum" reproduces the reference implementation's test sum(dq) == 0, which is also
true for a non-zero step whose components cancel: qle check flags it (rule b2a-all-zero).
"""
import json
import math

import torch


class QleTrace:
    """Writes a qle trace: the header line, then one record per optimizer step."""

    def __init__(self, path, header):
        self.file = open(path, "w", encoding="utf-8", newline="\n")
        self.file.write(json.dumps({"format": "qle-trace", "version": 1, **header}, allow_nan=False) + "\n")

    def record(self, t, p, h, hq, w, loss=None):
        line = {"t": t, "p": p, "h": h.tolist(), "hq": hq.tolist(), "w": w.tolist()}
        if loss is not None:
            line["loss"] = float(loss)
        self.file.write(json.dumps(line, allow_nan=False) + "\n")

    def close(self):
        self.file.close()


class QSGD(torch.optim.Optimizer):
    def __init__(self, params, lr, mode="round", eta=1, base=2, kappa=64 / 24, C=1e-6, beta=20.0,
                 p0=0, p_max=32, b2a=True, b2b=True, time_unit="step", vanishing_test="all_zero",
                 trace_path=None, precision="float64"):
        if mode not in ("round", "floor"):
            raise ValueError("mode must be round or floor")
        if vanishing_test not in ("all_zero", "sum"):
            raise ValueError("vanishing_test must be all_zero or sum")
        super().__init__(params, {"lr": lr})
        self.mode, self.eta, self.base, self.kappa, self.C, self.beta = mode, eta, base, kappa, C, beta
        self.p_max, self.b2a, self.b2b, self.time_unit = p_max, b2a, b2b, time_unit
        self.vanishing_test = vanishing_test
        self.p = p0  # one global index (the reference shares it across tensors)
        self.t = 0
        self.trace = None
        if trace_path is not None:
            self.trace = QleTrace(trace_path, {
                "mode": mode, "eta": eta, "base": base, "kappa": kappa, "C": C, "beta": beta,
                "pMax": p_max, "p0": p0, "timeUnit": time_unit, "b2a": b2a, "b2b": b2b,
                "precision": precision, "lambda": lr,
                "producer": f"examples/pytorch/qle_optim.py QSGD (vanishing test: {vanishing_test})",
            })

    # SPEC section 1: Q_p = eta * b^p, x^Q = k / Q_p.
    def resolution(self, p):
        return float(self.eta * self.base ** p) if p >= 0 else self.eta / float(self.base ** -p)

    def quantize(self, d, p):
        Q = self.resolution(p)
        y = d * Q
        k = torch.floor(y)
        if self.mode == "round":
            k = k + (y - k >= 0.5).to(d.dtype)
        return k / Q

    def vanished(self, dq):
        if self.vanishing_test == "sum":
            return bool(torch.sum(dq) == 0)  # the reference's test: wrong when components cancel
        return not bool(torch.any(dq != 0))  # SPEC section 7: all components zero

    # SPEC section 6: T(t) = b^(2 beta/(t+2)) C / ln(t+2); p_inf(t) = 1/2 log_b(kappa / (eta^2 T(t))).
    def p_inf(self, t):
        T = self.base ** (2 * self.beta / (t + 2)) * (self.C / math.log(t + 2))
        return 0.5 * math.log(self.kappa / (self.eta * self.eta * T)) / math.log(self.base)

    def tick(self):
        """B.2b at the current t (after the step), then t <- t + 1."""
        if self.b2b:
            self.p = max(self.p, min(self.p_max, math.ceil(self.p_inf(self.t))))
        self.t += 1

    @torch.no_grad()
    def step(self, closure=None, loss=None):
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        params = [q for group in self.param_groups for q in group["params"] if q.grad is not None]
        lr = self.param_groups[0]["lr"]
        d = torch.cat([(-lr * q.grad).reshape(-1) for q in params])
        p = self.p
        dq = self.quantize(d, p)
        while self.b2a and p < self.p_max and self.vanished(dq):  # B.2a
            p += 1
            dq = self.quantize(d, p)
        self.p = p
        offset = 0
        for q in params:
            n = q.numel()
            q.add_(dq[offset:offset + n].view_as(q))
            offset += n
        if self.trace is not None:
            w = torch.cat([q.detach().reshape(-1) for q in params])
            self.trace.record(self.t, p, d, dq, w, loss)
        if self.time_unit == "step":
            self.tick()
        return loss

    def end_epoch(self):
        if self.time_unit == "epoch":
            self.tick()

    def snap_to_grid(self):
        """Put the weights on G_p0 (qle SPEC section 3: then every w_t stays on the grid)."""
        with torch.no_grad():
            for group in self.param_groups:
                for q in group["params"]:
                    q.copy_(self.quantize(q, self.p))

    def close(self):
        if self.trace is not None:
            self.trace.close()
