"""The built-in landscapes as data: where each factory lives, its one-line summary, the shape
of its default instance, and the small parameter sets the contract suite also runs.

Nothing is imported here: the registry imports a factory's module on the first ``get`` of its
name, so ``toylands list`` (and ``toylands --help``) build no landscape and solve no ground truth.
The order is that of ``toylands list``.
"""

from __future__ import annotations

__all__ = ["BUILTINS", "SUMMARY"]

SUMMARY = {
    "example1": "AB Example 1: unbounded minimizer set, the line y = -x - 1/2",
    "example2": "AB Example 2: two Gaussian wells, two global minima and a saddle",
    "example3": "AB Example 3 (corrected f2): a non-global local minimum",
    "example3-printed": (
        "AB Example 3 as printed (misprinted f2 denominator 4 + 2(y-2.5)^2); not the paper's"
    ),
    "example6": "AB Example 6: non-optimal stationary point between two bumps",
    "remark1-valley": "AB Remark 1 valley family: f_i = g(sum(x) + a_i), any n and d",
    "remark1-bumps": "AB Remark 1 bump family: f_i = u_i/(1+u_i), u_i = |x - b_i|^2",
    "least-squares": (
        "Linear least squares, f_i = (a_i.x - b_i)^2 / 2: over- or under-parameterized"
    ),
    "matrix-factorization": (
        "AB Example 4: matrix factorization, S = GL(k) orbit of the best rank-k factors"
    ),
    "two-layer-relu": (
        "AB Example 5: two-layer ReLU net, logistic loss, L2 penalties; S = permutation orbit"
    ),
    "half-space": "AB §2.2 half-space learning: sigmoid loss, n = 40, d = 4, lambda = 1e-5",
}

# (name, "module:factory", (dim, n) of the default instance, test_params)
BUILTINS = (
    ("example1", "toylands.valley:example1", (2, 2), ()),
    ("example2", "toylands.radial:example2", (2, 2), ()),
    ("example3", "toylands.radial:example3", (2, 2), ()),
    ("example3-printed", "toylands.radial_printed:example3_printed", (2, 2), ()),
    ("example6", "toylands.radial:example6", (2, 2), ()),
    ("remark1-valley", "toylands.valley:remark1_valley", (3, 4),
     ({"n": 2, "d": 1, "seed": 1}, {"n": 5, "d": 4, "spread": 0.2, "seed": 3})),
    ("remark1-bumps", "toylands.radial:remark1_bumps", (2, 3),
     ({"n": 1, "d": 1, "seed": 2}, {"n": 4, "d": 3, "spread": 1.0, "seed": 5})),
    ("least-squares", "toylands.least_squares:least_squares", (10, 20),
     ({"n": 4, "d": 7, "seed": 1}, {"n": 12, "d": 3, "seed": 2, "noise": 0.5},
      {"n": 6, "d": 5, "rank": 2, "seed": 3}, {"n": 3, "d": 6, "rank": 2, "seed": 4})),
    ("matrix-factorization", "toylands.matfac:matrix_factorization", (22, 30),
     ({"n": 3, "m": 2, "k": 1, "rank": 1, "noise": 0.3, "seed": 1},
      {"n": 4, "m": 4, "k": 3, "rank": 2, "noise": 0.2, "seed": 2})),
    ("two-layer-relu", "toylands.relu_net:two_layer_relu", (16, 16),
     ({"n": 6, "d": 2, "k": 2, "seed": 1},
      {"n": 5, "d": 2, "k": 2, "activation": "softplus", "loss": "square", "lam1": 0.05,
       "lam2": 0.05, "seed": 2})),
    ("half-space", "toylands.halfspace:half_space", (4, 40),
     ({"n": 8, "d": 2, "seed": 1, "lam": 1e-3, "starts": 30},)),
)
