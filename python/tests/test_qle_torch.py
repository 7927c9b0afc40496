"""The package against qle's oracles, and each oracle against a deliberately wrong variant.

Needs the qle command (QLE_CLI, `qle` on PATH, or npx in a checkout of qle).
"""
import pytest
import torch

from qle_torch import QtSGD, quantize
from qle_torch.testing import qle_vectors, quantizer_mismatches, step_mismatches

# Steps that cancel (a), are large (b) and tiny (c): the readings of B.2a disagree on them.
TENSORS = {"a": [0.01, -0.01, 0.0], "b": [0.3, 1e-4], "c": [1e-9]}


@pytest.fixture(scope="module")
def vectors(tmp_path_factory):
    return qle_vectors(tmp_path_factory.mktemp("vectors"))


def test_quantizer_matches_qle_vectors(vectors):
    assert quantizer_mismatches(quantize, vectors) == []


def test_a_wrong_quantizer_is_caught(vectors):
    def half_up_naive(x, p, mode, eta, base):
        if mode == "floor":
            return quantize(x, p, mode, eta, base)
        Q = float(eta * base ** p) if p >= 0 else eta / float(base ** -p)
        return torch.floor(x * Q + 0.5) / Q  # rounds 0.49999999999999994 up

    assert quantizer_mismatches(half_up_naive, vectors) != []


def reference_qtsgd(params):
    return QtSGD(params, lr=1.0, test="sum", cap="reference", b2a_on_first_step=False)


def paper_tensor_qtsgd(params):
    return QtSGD(params, lr=1.0, test="all-zero", cap="strict")


def test_reference_style_qtsgd_agrees_with_qle_step():
    for t in (0, 1):
        for p in (2, 31):
            assert step_mismatches(reference_qtsgd, "reference", t, p, TENSORS) == []
            assert step_mismatches(paper_tensor_qtsgd, "tensor", t, p, TENSORS) == []


def test_a_mismatched_reading_is_caught():
    assert step_mismatches(reference_qtsgd, "tensor", 1, 2, TENSORS) != []
