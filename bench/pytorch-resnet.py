"""PyTorch CPU baseline for `npm run bench:cifar`: ResNet-(6n+2) with option-A shortcuts, the
architecture of src/tfjs/models.ts (SPEC §8: 3x3 convs without bias, BatchNorm2d with PyTorch's
defaults, ReLU, stride-2 subsampling plus zero channel padding on the shortcut, global average
pool, linear 10), trained with plain SGD on synthetic 32x32x3 batches, ONE thread.

Prints one JSON line: {"model", "batch", "threads", "trainImagesPerSecond",
"trainImagesPerCpuSecond", "steps", "seconds", "peakRssMiB", "torch"}.

Usage: /usr/bin/python3 bench/pytorch-resnet.py --n 5 --batch 128 --seconds 20
"""
import argparse
import json
import resource
import time

import torch
import torch.nn as nn
import torch.nn.functional as F


class OptionAShortcut(nn.Module):
    def __init__(self, pad_channels):
        super().__init__()
        self.pad_channels = pad_channels

    def forward(self, x):
        return F.pad(x[:, :, ::2, ::2], (0, 0, 0, 0, self.pad_channels, self.pad_channels))


class BasicBlock(nn.Module):
    def __init__(self, in_planes, planes, stride):
        super().__init__()
        self.conv1 = nn.Conv2d(in_planes, planes, 3, stride, 1, bias=False)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = nn.Conv2d(planes, planes, 3, 1, 1, bias=False)
        self.bn2 = nn.BatchNorm2d(planes)
        self.shortcut = OptionAShortcut((planes - in_planes) // 2) if stride != 1 or in_planes != planes else nn.Identity()

    def forward(self, x):
        out = F.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return F.relu(out + self.shortcut(x))


class ResNet(nn.Module):
    def __init__(self, n):
        super().__init__()
        self.conv = nn.Conv2d(3, 16, 3, 1, 1, bias=False)
        self.bn = nn.BatchNorm2d(16)
        blocks, in_planes = [], 16
        for stage, planes in enumerate([16, 32, 64]):
            for block in range(n):
                stride = 2 if stage > 0 and block == 0 else 1
                blocks.append(BasicBlock(in_planes, planes, stride))
                in_planes = planes
        self.blocks = nn.Sequential(*blocks)
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        out = F.relu(self.bn(self.conv(x)))
        out = self.blocks(out)
        out = F.adaptive_avg_pool2d(out, 1).flatten(1)
        return self.fc(out)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, default=5)
    parser.add_argument("--batch", type=int, default=128)
    parser.add_argument("--seconds", type=float, default=20)
    args = parser.parse_args()
    torch.set_num_threads(1)
    torch.manual_seed(1)
    model = ResNet(args.n)
    model.train()
    optimizer = torch.optim.SGD(model.parameters(), lr=2 ** -6)
    x = torch.rand(args.batch, 3, 32, 32) * 2 - 1
    y = torch.arange(args.batch) % 10

    def step():
        optimizer.zero_grad()
        loss = F.cross_entropy(model(x), y)
        loss.backward()
        optimizer.step()
        return loss.item()

    step()  # warm-up
    steps, started, cpu_started = 0, time.perf_counter(), time.process_time()
    while time.perf_counter() - started < args.seconds or steps < 1:
        step()
        steps += 1
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - cpu_started
    print(json.dumps({
        "model": f"resnet{6 * args.n + 2}",
        "batch": args.batch,
        "threads": torch.get_num_threads(),
        "trainImagesPerSecond": steps * args.batch / seconds,
        "trainImagesPerCpuSecond": steps * args.batch / cpu_seconds,
        "steps": steps,
        "seconds": seconds,
        "peakRssMiB": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "torch": torch.__version__,
    }))


if __name__ == "__main__":
    main()
