"""Train a tiny linear model with QSGD and write qle traces.

    python3 run_example.py --out-dir DIR [--steps 40] [--cancel-at 25]

writes DIR/faithful.jsonl (B.2a tests "all components zero", as the SPEC says),
DIR/sum-test.jsonl (the reference's sum(dq) == 0) and DIR/faithful-float32.jsonl (the faithful
optimizer computing in float32, declared as such). Every step uses one sample with positive
inputs, so all gradient components share a sign and a quantized step sums to zero only when it is
all zero; except at step --cancel-at, whose input x = (1, -1, 0, 0) makes the step's first two
components cancel exactly. There the sum test raises p although the step did not vanish, and
`qle check DIR/sum-test.jsonl` reports rule b2a-all-zero on line cancel_at + 2 (line 1 is the
header, step t is on line t + 2).
"""
import argparse
import os

import torch

from qle_optim import QSGD


def run(path, vanishing_test, steps, cancel_at, seed, dtype=torch.float64):
    torch.manual_seed(seed)
    generator = torch.Generator().manual_seed(seed)
    model = torch.nn.Linear(4, 1, bias=False).to(dtype)
    true_w = torch.tensor([[0.5, -1.25, 2.0, 0.75]], dtype=dtype)
    precision = "float32" if dtype == torch.float32 else "float64"
    optimizer = QSGD(model.parameters(), lr=2 ** -5, mode="round", p0=0, p_max=32, b2a=True, b2b=True,
                     vanishing_test=vanishing_test, trace_path=path, precision=precision)
    optimizer.snap_to_grid()
    for step in range(steps):
        if step == cancel_at:
            x = torch.tensor([[1.0, -1.0, 0.0, 0.0]], dtype=dtype)
            y = torch.tensor([[5.0]], dtype=dtype)
        else:
            x = 0.5 + torch.rand((1, 4), generator=generator, dtype=dtype)
            y = x @ true_w.T + 0.1 * torch.randn((1, 1), generator=generator, dtype=dtype)
        optimizer.zero_grad()
        loss = torch.nn.functional.mse_loss(model(x), y)
        loss.backward()
        optimizer.step(loss=loss.item())
    optimizer.close()


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out-dir", required=True)
    parser.add_argument("--steps", type=int, default=40)
    parser.add_argument("--cancel-at", type=int, default=25)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    os.makedirs(args.out_dir, exist_ok=True)
    for name, test in (("faithful", "all_zero"), ("sum-test", "sum")):
        run(os.path.join(args.out_dir, f"{name}.jsonl"), test, args.steps, args.cancel_at, args.seed)
    run(os.path.join(args.out_dir, "faithful-float32.jsonl"), "all_zero", args.steps, args.cancel_at, args.seed, torch.float32)


if __name__ == "__main__":
    main()
