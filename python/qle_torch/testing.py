"""pytest helpers: run qle's oracles against the implementation under test.

    from qle_torch.testing import quantizer_mismatches, step_mismatches

    def test_quantizer(tmp_path):
        assert quantizer_mismatches(my_quantize, tmp_path) == []   # or qle_vectors(dir), loaded once

    def test_one_step():
        assert step_mismatches(lambda params: MyQtSGD(params, lr=1.0, test="sum", cap="reference",
                                                      b2a_on_first_step=False),
                               reading="reference", t=1, p=2, tensors={"a": [0.01, -0.01], "b": [0.3, 1e-4]}) == []

The qle command is QLE_CLI (split like a shell command, e.g. "node /path/to/qle/bin/qle.mjs"),
else `qle` on PATH, else `npx --no-install qle`.
"""
import json
import os
import shlex
import shutil
import subprocess

import torch


def qle_command():
    if os.environ.get("QLE_CLI"):
        return shlex.split(os.environ["QLE_CLI"])
    found = shutil.which("qle")
    return [found] if found else ["npx", "--no-install", "qle"]


def run_qle(args, stdin=None):
    """Run qle with args; raise with its stderr when it exits 2 (bad input) or cannot start."""
    done = subprocess.run(qle_command() + list(args), input=stdin, capture_output=True, text=True)
    if done.returncode == 2 or done.returncode < 0:
        raise RuntimeError(f"qle {' '.join(args)} failed ({done.returncode}): {done.stderr.strip()}")
    return done


def qle_vectors(out_dir):
    """`qle vectors --out DIR`, then the quantizer, schedule and learning vectors as dicts."""
    run_qle(["vectors", "--out", str(out_dir)])
    files = {}
    for name in ("quantizer", "schedule", "learning"):
        with open(os.path.join(str(out_dir), f"{name}.json"), encoding="utf-8") as f:
            files[name] = json.load(f)
    return files


def _power_of_two(n):
    return n >= 1 and n & (n - 1) == 0


def quantizer_mismatches(quantize, vectors, binary_only=True, dtype=torch.float64):
    """Every `qle vectors` quantizer case through quantize(x, p, mode, eta, base); returns the mismatches.

    vectors: what qle_vectors(dir) returned, or a directory to run `qle vectors` into.
    binary_only: only grids with eta and base powers of two (where d*Q is exact in binary floating
    point); a quantizer that guarantees SPEC section 1 on every grid can pass False.
    """
    if not isinstance(vectors, dict):
        vectors = qle_vectors(vectors)
    wrong = []
    for case in vectors["quantizer"]["cases"]:
        if binary_only and not (_power_of_two(case["eta"]) and _power_of_two(case["base"])):
            continue
        x = torch.tensor([float(case["x"])], dtype=dtype)
        got = float(quantize(x, case["p"], case["mode"], case["eta"], case["base"])[0])
        if got != float(case["xq"]):
            wrong.append({**case, "got": got})
    return wrong


def qle_step(request):
    """`qle step` on a request {reading, schedule, t, p, tensors: [{name, h}]}: its answer as a dict."""
    return json.loads(run_qle(["step", "--json"], stdin=json.dumps(request)).stdout)


def run_one_step(make_optimizer, t, p, tensors, dtype=torch.float64):
    """One step of a reference-style optimizer whose unquantized step is exactly h (SGD, lr = 1).

    make_optimizer(params) builds it; its index is set to p and each tensor's step counter to t
    (t = 0: the tensor's first step). Returns {"p": index after the step, "tensors": [{name, hq}]}.
    """
    params = [torch.zeros(len(h), dtype=dtype, requires_grad=True) for h in tensors.values()]
    optimizer = make_optimizer(params)
    optimizer.p = p
    optimizer.t = t
    for w, h in zip(params, tensors.values()):
        w.grad = -torch.tensor(h, dtype=dtype)  # d = -lr * grad = h
        if t > 0:
            optimizer.state[w]["step"] = t
    optimizer.step()
    return {"p": optimizer.p, "tensors": [{"name": n, "hq": w.detach().tolist()} for n, w in zip(tensors, params)]}


def step_mismatches(make_optimizer, reading, t, p, tensors, schedule=None):
    """Compare one step of the optimizer with `qle step`; returns a list of differences (empty: agree).

    The optimizer must have B.2b off (qle step then leaves p as B.2a left it) and a shared index.
    """
    request = {"reading": reading, "t": t, "p": p, "tensors": [{"name": n, "h": list(h)} for n, h in tensors.items()],
               "schedule": {"b2b": False, **(schedule or {})}}
    expected = qle_step(request)
    got = run_one_step(make_optimizer, t, p, tensors)
    wrong = []
    if got["p"] != expected["p"]:
        wrong.append(f"index after the step: qle step says {expected['p']}, the optimizer has {got['p']}")
    for want, have in zip(expected["tensors"], got["tensors"]):
        if want["hq"] != have["hq"]:
            wrong.append(f"tensor {want['name']}: qle step hq = {want['hq']}, the optimizer applied {have['hq']}")
    return wrong
