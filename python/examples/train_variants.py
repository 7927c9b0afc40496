"""Train a tiny batch-norm network with reference-style QtSGD and QtADAM, traced by qle_torch.

Writes four qle traces (format 2) into --out-dir:
  qtsgd.jsonl        faithful QtSGD (all-zero test, strict cap), sampled vectors      -> qle check exit 0
  qtadam.jsonl       faithful QtADAM, full vectors in a binary sidecar                -> exit 0
  sum-test.jsonl     QtSGD with the reference's sum(dq) == 0 test, declared all-zero  -> exit 1, b2a-all-zero
  pmax-cap.jsonl     QtSGD raising while p <= p_max, declared strict                  -> exit 1, p-max

The classifier bias of a softmax cross-entropy has a gradient whose components sum to zero, and
batch-norm removes the mean from what follows it: those are the tensors whose quantized steps cancel.
"""
import argparse
import os

import torch

from qle_torch import QtADAM, QtSGD, trace_optimizer


def model():
    return torch.nn.Sequential(
        torch.nn.Linear(8, 16, bias=False), torch.nn.BatchNorm1d(16), torch.nn.ReLU(), torch.nn.Linear(16, 10)
    ).double()


def train(path, make_optimizer, steps, **trace_options):
    torch.manual_seed(0)
    net = model()
    x = torch.randn(64, 8, dtype=torch.float64)
    y = torch.randint(0, 10, (64,))
    optimizer = make_optimizer(net.parameters())
    with trace_optimizer(optimizer, path, net, **trace_options):
        for _ in range(steps):
            optimizer.zero_grad()
            torch.nn.functional.cross_entropy(net(x), y).backward()
            optimizer.step()


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=30)
    args = parser.parse_args()
    out = lambda name: os.path.join(args.out_dir, name)  # noqa: E731
    train(out("qtsgd.jsonl"), lambda ps: QtSGD(ps, lr=2 ** -4, p0=2), args.steps, reading="tensor", sample=4)
    train(out("qtadam.jsonl"), lambda ps: QtADAM(ps, lr=2 ** -8, p0=2), args.steps, reading="tensor", sidecar=True)
    train(out("sum-test.jsonl"), lambda ps: QtSGD(ps, lr=2 ** -4, p0=2, test="sum"), args.steps, reading="tensor")
    train(out("pmax-cap.jsonl"), lambda ps: QtSGD(ps, lr=2 ** -20, p0=2, p_max=8, cap="reference"), args.steps, reading="tensor")


if __name__ == "__main__":
    main()
