"""QtSGD and QtADAM in the reference implementation's style: a loop over the parameter tensors,
one index p shared by all of them, B.2a run on each tensor's quantized step (qle SPEC section 7,
granularity "tensor"). The vanishing test, the cap and whether B.2a runs on a tensor's first step
are options, so the reference's behaviour and the paper's words are both one constructor away:

    d  <- -lr * direction(grad)              per tensor, in parameter order
    dq <- Q_p(d)
    while vanished(dq) and may_raise(p):  p <- p + 1; dq <- Q_p(d)     # B.2a
    w  <- w + dq
    after all tensors: B.2b (optional), t <- t + 1

test="all-zero" (the paper) or "sum" (the reference: sum(dq) == 0, also true when components
cancel); cap="strict" (raise while p < p_max) or "reference" (while p <= p_max: p reaches p_max+1).
"""
import math

import torch

from .quantize import p_inf, quantize


class QtSGD(torch.optim.Optimizer):
    b2a_on_first_step_default = True

    def __init__(self, params, lr, p0=2, p_max=32, mode="round", eta=1, base=2, kappa=64 / 24, C=1e-6, beta=20.0,
                 test="all-zero", cap="strict", b2a=True, b2b=False, b2a_on_first_step=None, **defaults):
        if mode not in ("round", "floor"):
            raise ValueError("mode must be round or floor")
        if test not in ("all-zero", "sum"):
            raise ValueError("test must be all-zero or sum")
        if cap not in ("strict", "reference"):
            raise ValueError("cap must be strict or reference")
        super().__init__(params, {"lr": lr, **defaults})
        self.mode, self.eta, self.base, self.kappa, self.C, self.beta = mode, eta, base, kappa, C, beta
        self.p0, self.p_max, self.test, self.cap, self.b2a, self.b2b = p0, p_max, test, cap, b2a, b2b
        self.b2a_on_first_step = self.b2a_on_first_step_default if b2a_on_first_step is None else b2a_on_first_step
        self.p = p0
        self.t = 0

    @property
    def lr(self):
        return self.param_groups[0]["lr"]

    def quantize(self, d, p):
        return quantize(d, p, self.mode, self.eta, self.base)

    def vanished(self, dq):
        if self.test == "sum":
            return bool(torch.sum(dq) == 0)
        return not bool(torch.any(dq != 0))

    def may_raise(self, p):
        return p < self.p_max if self.cap == "strict" else p <= self.p_max

    def direction(self, w, group, state):
        """-lr * h(w): the unquantized step of one tensor (SGD: the gradient)."""
        return -group["lr"] * w.grad

    @torch.no_grad()
    def step(self, closure=None):
        loss = None
        if closure is not None:
            with torch.enable_grad():
                loss = closure()
        for group in self.param_groups:
            for w in group["params"]:
                if w.grad is None:
                    continue
                state = self.state[w]
                first = state.get("step", 0) == 0
                state["step"] = state.get("step", 0) + 1
                d = self.direction(w, group, state)
                dq = self.quantize(d, self.p)
                if self.b2a and (self.b2a_on_first_step or not first):
                    while self.vanished(dq) and self.may_raise(self.p):
                        self.p += 1
                        dq = self.quantize(d, self.p)
                w.add_(dq)
        if self.b2b:
            self.p = max(self.p, min(self.p_max, math.ceil(p_inf(self.t, self.kappa, self.C, self.beta, self.eta, self.base))))
        self.t += 1
        return loss


class QtADAM(QtSGD):
    """The ADAM direction m_hat / (sqrt(v_hat) + eps) (SPEC section 3, B.3.2; the reference's eps 1e-6)."""

    def __init__(self, params, lr, betas=(0.9, 0.999), eps=1e-6, **options):
        super().__init__(params, lr, betas=betas, eps=eps, **options)

    def direction(self, w, group, state):
        beta1, beta2 = group["betas"]
        if "m" not in state:
            state["m"] = torch.zeros_like(w)
            state["v"] = torch.zeros_like(w)
        m, v, k = state["m"], state["v"], state["step"]
        m.mul_(beta1).add_(w.grad, alpha=1 - beta1)
        v.mul_(beta2).addcmul_(w.grad, w.grad, value=1 - beta2)
        m_hat = m / (1 - beta1 ** k)
        v_hat = v / (1 - beta2 ** k)
        return -group["lr"] * m_hat / (torch.sqrt(v_hat) + group["eps"])
