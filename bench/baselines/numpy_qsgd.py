"""Baselines for `npm run bench` and `npm run bench:sim` (issue 14): the same computations as qle's
wasm kernels, written as plain vectorised numpy (and PyTorch, when importable), one thread.

Reads one JSON request on stdin, prints one JSON result on stdout. Times are CPU seconds of this
process (time.process_time), best of `repeats`, as qle's benchmarks measure theirs.

  quantize: x^Q = floor(Q·x + 1/2)/Q over n doubles into a preallocated buffer (round mode).
  qsgd:     QSGD on 2-D Rastrigin as Algorithm 1 with the paper reading: per run d = −λ∇f,
            dQ = Q_p(d) with p per run, B.2a (raise p while the run's dQ is all zero, p < p_max),
            the divergence guard's box/step test, w += dQ, then B.2b (p ← max(p, ⌈p_inf(t)⌉)).
            "cold": steps t = 0 … S−1 from the given starts at p = p_0 (where B.2a raises happen);
            "steady": the next S steps of the same runs.
"""
import json
import math
import os
import sys
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")
import numpy as np  # noqa: E402


def best(repeats, f):
    fastest = math.inf
    for _ in range(repeats):
        start = time.process_time()
        f()
        fastest = min(fastest, time.process_time() - start)
    return fastest


def quantize_numpy(req):
    n, Q = req["n"], req["Q"]
    rng = np.random.default_rng(req["seed"])
    x = rng.standard_normal(n)
    out = np.empty_like(x)

    def run():
        for _ in range(req["calls"]):
            np.multiply(x, Q, out=out)
            np.add(out, 0.5, out=out)
            np.floor(out, out=out)
            np.divide(out, Q, out=out)

    run()
    return best(req["repeats"], run) / req["calls"]


def quantize_torch(req, torch):
    n, Q = req["n"], req["Q"]
    x = torch.from_numpy(np.random.default_rng(req["seed"]).standard_normal(n))
    out = torch.empty_like(x)

    def run():
        for _ in range(req["calls"]):
            torch.mul(x, Q, out=out)
            out.add_(0.5)
            torch.floor(out, out=out)
            out.div_(Q)

    run()
    return best(req["repeats"], run) / req["calls"]


class Schedule:
    """T(t) = b^{2β/(t+2)}·C/ln(t+2), p_inf = ½·log_b(κ/(η²T)), target = min(p_max, ⌈p_inf⌉) (SPEC §6)."""

    def __init__(self, s):
        self.s = s

    def target(self, t):
        s = self.s
        T = s["base"] ** ((2 * s["beta"]) / (t + 2)) * (s["C"] / math.log(t + 2))
        p_inf = (0.5 * math.log(s["kappa"] / (s["eta"] * s["eta"] * T))) / math.log(s["base"])
        return min(s["pMax"], math.ceil(p_inf))


def qsgd_numpy(req, w0):
    lam = req["lambda"]
    schedule = Schedule(req["schedule"])
    p0, p_max = req["schedule"]["p0"], req["schedule"]["pMax"]
    low, high, limit = req["low"], req["high"], 1e4 / lam
    steps = req["steps"]
    two_pi, twenty_pi = 2 * math.pi, 20 * math.pi

    def phase(w, p, t0):
        g = np.empty_like(w)
        for t in range(t0, t0 + steps):
            np.multiply(w, two_pi, out=g)
            np.sin(g, out=g)
            g *= twenty_pi
            g += 2 * w
            if not (np.all(w >= low) and np.all(w <= high) and np.all(np.abs(g) <= limit)):
                raise RuntimeError("a run left the box (the baseline has no freezing)")
            d = g
            d *= -lam
            Q = np.ldexp(1.0, p)[:, None]
            dq = np.floor(d * Q + 0.5) / Q
            vanished = ~dq.any(axis=1)
            todo = np.flatnonzero(vanished & (p < p_max))
            while todo.size:
                p[todo] += 1
                Qt = np.ldexp(1.0, p[todo])[:, None]
                dq[todo] = np.floor(d[todo] * Qt + 0.5) / Qt
                still = ~dq[todo].any(axis=1)
                todo = todo[still & (p[todo] < p_max)]
            w += dq
            np.maximum(p, schedule.target(t), out=p)

    result = {}
    fastest = {"cold": math.inf, "steady": math.inf}
    for _ in range(req["repeats"]):
        w = w0.copy()
        p = np.full(w.shape[0], p0, dtype=np.int64)
        start = time.process_time()
        phase(w, p, 0)
        fastest["cold"] = min(fastest["cold"], time.process_time() - start)
        start = time.process_time()
        phase(w, p, steps)
        fastest["steady"] = min(fastest["steady"], time.process_time() - start)
        result = {"w": w, "p": p}
    return fastest, result


def qsgd_torch(req, w0, torch):
    lam = req["lambda"]
    schedule = Schedule(req["schedule"])
    p0, p_max = req["schedule"]["p0"], req["schedule"]["pMax"]
    steps = req["steps"]
    two_pi, twenty_pi = 2 * math.pi, 20 * math.pi

    def phase(w, p, t0):
        for t in range(t0, t0 + steps):
            g = torch.sin(w * two_pi).mul_(twenty_pi).add_(w, alpha=2.0)
            d = g.mul_(-lam)
            Q = torch.ldexp(torch.ones_like(p, dtype=torch.float64), p)[:, None]
            dq = torch.floor(d * Q + 0.5) / Q
            vanished = ~dq.any(dim=1)
            todo = torch.nonzero(vanished & (p < p_max)).flatten()
            while todo.numel():
                p[todo] += 1
                Qt = torch.ldexp(torch.ones(todo.numel(), dtype=torch.float64), p[todo])[:, None]
                dq[todo] = torch.floor(d[todo] * Qt + 0.5) / Qt
                still = ~dq[todo].any(dim=1)
                todo = todo[still & (p[todo] < p_max)]
            w += dq
            torch.clamp_min_(p, schedule.target(t))

    fastest = {"cold": math.inf, "steady": math.inf}
    for _ in range(req["repeats"]):
        w = torch.from_numpy(w0.copy())
        p = torch.full((w.shape[0],), p0, dtype=torch.int64)
        start = time.process_time()
        phase(w, p, 0)
        fastest["cold"] = min(fastest["cold"], time.process_time() - start)
        start = time.process_time()
        phase(w, p, steps)
        fastest["steady"] = min(fastest["steady"], time.process_time() - start)
    return fastest


def load_torch():
    try:
        import torch  # noqa: PLC0415
    except Exception:  # noqa: BLE001
        return None
    torch.set_num_threads(1)
    return torch


def main():
    req = json.load(sys.stdin)
    torch = load_torch() if req.get("torch", True) else None
    out = {"numpy": np.__version__, "torch": torch.__version__ if torch else None}
    if req["task"] == "quantize":
        out["numpySeconds"] = quantize_numpy(req)
        if torch:
            out["torchSeconds"] = quantize_torch(req, torch)
    else:
        w0 = np.fromfile(req["startsFile"], dtype=np.float64).reshape(req["runs"], 2)
        seconds, final = qsgd_numpy(req, w0)
        out["numpySeconds"] = seconds
        final["w"].tofile(req["resultFile"] + ".w")
        final["p"].astype(np.int32).tofile(req["resultFile"] + ".p")
        if torch:
            out["torchSeconds"] = qsgd_torch(req, w0, torch)
    json.dump(out, sys.stdout)


main()
