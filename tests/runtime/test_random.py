"""The runtime's _random.py against real PyTorch's CPU generator: same seed, same bits, same stream position.

_random.py has no relative imports, so it is loaded on its own by file path, next to real torch.
"""

import json
import math
import runpy
import shutil
import struct
import subprocess
from fractions import Fraction
from pathlib import Path

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F
from hypothesis import example, given, settings
from hypothesis import strategies as st
from runtime_helpers import load_runtime_module

ROOT = Path(__file__).resolve().parents[2]
RANDOM_PY = ROOT / "site_src" / "runtime" / "torch" / "_random.py"


R = load_runtime_module("_random.py", "btorch_random")

SEEDS = [0, 1, 42, 1234, -1, 2**32 + 7, 2**40 + 3, 2**64 - 1, -(2**63)]
seeds = st.integers(min_value=-(2**63), max_value=2**64 - 1)
FEW = settings(max_examples=15, deadline=None)


def bits(values):
    """Doubles as bit patterns, so -0.0 != 0.0 and the comparison is exact."""
    return [struct.pack("<d", v) for v in values]


def assert_same(ours, theirs):
    assert len(ours) == len(theirs)
    mismatches = [i for i, (a, b) in enumerate(zip(bits(ours), bits(theirs))) if a != b]
    assert not mismatches, f"{len(mismatches)} of {len(ours)} differ, first at {mismatches[:5]}: " + ", ".join(
        f"{ours[i]!r} != {theirs[i]!r}" for i in mismatches[:3]
    )


def seeded(seed):
    torch.manual_seed(seed)
    return R.Generator(seed)


def assert_stream_position(gen):
    """The next draws agree, so both generators consumed the same number of MT19937 outputs."""
    assert_same(R.uniform(gen, 5), torch.rand(5).tolist())


# ----------------------------------------------------------------------------------------------- generator


@pytest.mark.parametrize("seed", SEEDS)
def test_manual_seed_and_initial_seed(seed):
    gen = seeded(seed)
    assert gen.initial_seed() == torch.initial_seed()
    assert_same(R.uniform(gen, 100), torch.rand(100).tolist())


@pytest.mark.parametrize("seed", [2**64, -(2**63) - 1])
def test_manual_seed_out_of_range_raises_like_torch(seed):
    with pytest.raises(ValueError) as theirs:
        torch.manual_seed(seed)
    with pytest.raises(ValueError, match=str(theirs.value)):
        R.Generator().manual_seed(seed)


def test_fresh_generator_uses_torch_default_seed():
    ours, theirs = R.Generator(), torch.Generator()
    assert ours.initial_seed() == theirs.initial_seed()
    assert_same(R.uniform(ours, 20), torch.rand(20, generator=theirs).tolist())


def test_default_generator_is_seeded_nondeterministically():
    assert isinstance(R.default_generator, R.Generator)
    assert R.default_generator.initial_seed() != R.DEFAULT_SEED
    gen = R.Generator()
    new_seed = gen.seed()
    assert new_seed == gen.initial_seed() != R.DEFAULT_SEED
    torch.manual_seed(new_seed)
    assert_same(R.uniform(gen, 10), torch.rand(10).tolist())


@given(seed=seeds)
@FEW
def test_random64_is_high_word_first(seed):
    # randint over [-2**63, 2**63 - 1) is random64() % (2**64 - 1) - 2**63: the raw 64-bit draw
    gen = seeded(seed)
    ours = [gen.random64() for _ in range(50)]
    theirs = torch.randint(-(2**63), 2**63 - 1, (50,)).tolist()
    assert [v % (2**64 - 1) - 2**63 for v in ours] == theirs
    words = [gen.random() for _ in range(6)]
    assert [(high << 32) | low for high, low in zip(words[0::2], words[1::2])] == [
        v + 2**63 for v in torch.randint(-(2**63), 2**63 - 1, (3,)).tolist()
    ]


def test_get_state_and_set_state_restore_stream_and_cached_normal():
    gen = seeded(7)
    assert_same(R.normal(gen, 1), torch.randn(1).tolist())  # leaves a cached normal behind
    ours_state, theirs_state = gen.get_state(), torch.get_rng_state()
    first = R.normal(gen, 3) + R.uniform(gen, 4)
    assert_same(first, torch.randn(3).tolist() + torch.rand(4).tolist())
    gen.set_state(ours_state)
    torch.set_rng_state(theirs_state)
    assert_same(R.normal(gen, 3) + R.uniform(gen, 4), first)
    assert_same(torch.randn(3).tolist() + torch.rand(4).tolist(), first)


# ------------------------------------------------------------------------------------------------- uniform


@given(seed=seeds, n=st.integers(0, 2000))
@FEW
def test_rand_float32(seed, n):
    gen = seeded(seed)
    assert_same(R.uniform(gen, n), torch.rand(n).tolist())
    assert_stream_position(gen)


@given(seed=seeds, n=st.integers(0, 1000))
@FEW
def test_rand_float64(seed, n):
    gen = seeded(seed)
    assert_same(R.uniform(gen, n, dtype="float64"), torch.rand(n, dtype=torch.float64).tolist())
    assert_stream_position(gen)


UNIFORM_RANGES = [
    (-1, 1),
    (-0.2, 0.2),
    (0, 1),
    (2, 5),
    (-0.0577350269, 0.0577350269),
    (-3, -1e-3),
    (1000, 1000.001),
    (-1e6, 1e-6),
    (0.1, 0.3),
]


@pytest.mark.parametrize("low,high", UNIFORM_RANGES)
@pytest.mark.parametrize("seed", [0, 42, 2**40 + 3])
def test_uniform_float32_ranges(seed, low, high):
    gen = seeded(seed)
    assert_same(R.uniform(gen, 20000, low, high), torch.empty(20000).uniform_(low, high).tolist())
    assert_stream_position(gen)


def test_uniform_float32_value_rounding_to_high_becomes_low():
    # span is one float32 step above 1, so about half the draws round up to `high` and are clamped
    gen = seeded(3)
    ours = R.uniform(gen, 1000, 1.0, 1.0000001)
    assert_same(ours, torch.empty(1000).uniform_(1.0, 1.0000001).tolist())
    assert set(ours) == {1.0}


finite = st.floats(min_value=-1e6, max_value=1e6, allow_nan=False, allow_subnormal=False)


@given(seed=seeds, ends=st.tuples(finite, finite).map(sorted))
@settings(max_examples=40, deadline=None)
def test_uniform_float32_any_range(seed, ends):
    low, high = ends
    gen = seeded(seed)
    assert_same(R.uniform(gen, 300, low, high), torch.empty(300).uniform_(low, high).tolist())


@pytest.mark.parametrize("low,high", [(-0.3, 0.4), (-0.0577350269, 0.0577350269), (2, 5), (1000, 1000.001)])
def test_uniform_float64_ranges(low, high):
    gen = seeded(11)
    assert_same(
        R.uniform(gen, 5000, low, high, dtype="float64"),
        torch.empty(5000, dtype=torch.float64).uniform_(low, high).tolist(),
    )
    assert_stream_position(gen)


# -------------------------------------------------------------------------------------------------- normal


@pytest.mark.parametrize("seed", [0, 42, -1])
def test_randn_sizes_around_the_block_of_16(seed):
    gen = seeded(seed)
    for n in range(1, 41):  # n < 16: scalar path with its cache; n >= 16: block path and a redone tail
        assert_same(R.normal(gen, n), torch.randn(n).tolist())
    assert_stream_position(gen)


@given(seed=seeds, n=st.sampled_from([16, 32, 33, 100, 1000, 1024, 4097]))
@FEW
def test_randn_block_path(seed, n):
    gen = seeded(seed)
    assert_same(R.normal(gen, n), torch.randn(n).tolist())
    assert_stream_position(gen)


def test_randn_block_path_many_elements():
    gen = seeded(0)
    assert_same(R.normal(gen, 32000), torch.randn(32000).tolist())


@pytest.mark.parametrize("mean,std", [(0.5, 2.0), (-1.25, 0.1), (3.0, 0.01), (0.0, 0.0), (1e-3, 1e3), (2, 3)])
@pytest.mark.parametrize("n", [7, 16, 1000, 1001])
def test_normal_mean_std(n, mean, std):
    gen = seeded(5)
    assert_same(R.normal(gen, n, mean, std), torch.empty(n).normal_(mean, std).tolist())
    assert_stream_position(gen)


@pytest.mark.parametrize("sizes", [[1, 3, 5, 15, 2, 1], [3, 40, 1, 2], [1, 16, 1, 17, 1]])
def test_cached_normal_persists_across_calls(sizes):
    gen = seeded(9)
    for n in sizes:
        assert_same(R.normal(gen, n), torch.randn(n).tolist())
    assert_same(R.uniform(gen, 5) + R.normal(gen, 2), torch.rand(5).tolist() + torch.randn(2).tolist())


def test_manual_seed_clears_cached_normal():
    gen = seeded(2)
    assert_same(R.normal(gen, 3), torch.randn(3).tolist())
    gen.manual_seed(2)
    torch.manual_seed(2)
    assert_same(R.normal(gen, 3), torch.randn(3).tolist())


@pytest.mark.parametrize("dtype", ["float32", "float64"])
@pytest.mark.parametrize("rows,cols", [(8, 6), (2, 3), (40, 30)])
def test_non_contiguous_normal_uses_scalar_path_in_memory_order(rows, cols, dtype):
    gen = seeded(13)
    base = torch.empty(rows, cols, dtype=getattr(torch, dtype))
    base.t().normal_(0.3, 1.7)
    assert_same(R.normal(gen, rows * cols, 0.3, 1.7, dtype=dtype, contiguous=False), base.flatten().tolist())
    assert_stream_position(gen)


@pytest.mark.parametrize("n", [5, 16, 17, 100, 1000, 5000])
@pytest.mark.parametrize("mean,std", [(0.0, 1.0), (0.3, 1.7)])
def test_normal_float64(n, mean, std):
    gen = seeded(21)
    assert_same(
        R.normal(gen, n, mean, std, dtype="float64"), torch.empty(n, dtype=torch.float64).normal_(mean, std).tolist()
    )
    assert_stream_position(gen)


# ------------------------------------------------------------------------------------------------ integers

RANDINT_RANGES = [
    (0, 2),
    (-3, 3),
    (0, 10),
    (0, 2**28 - 1),
    (0, 2**28),
    (0, 2**28 + 1),
    (-5, 2**28 - 5),
    (-5, 2**28 - 4),
    (0, 2**32 - 1),
    (0, 2**32),
    (0, 2**32 + 1),
    (-(2**40), 2**40),
    (0, 2**62),
    (-(2**63), 2**63 - 1),
]


@pytest.mark.parametrize("low,high", RANDINT_RANGES)
@pytest.mark.parametrize("seed", [0, 77])
def test_randint_ranges(seed, low, high):
    gen = seeded(seed)
    assert R.randint(gen, 300, low, high) == torch.randint(low, high, (300,)).tolist()
    assert_stream_position(gen)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 100, 1000, 100000])
@pytest.mark.parametrize("seed", [0, 31337])
def test_randperm(seed, n):
    gen = seeded(seed)
    assert R.randperm(gen, n) == torch.randperm(n).tolist()
    assert_stream_position(gen)


# ------------------------------------------------------------------------------------------- bernoulli


@pytest.mark.parametrize("p", [0.0, 0.2, 0.5, 0.9, 1.0, 1 / 3])
@pytest.mark.parametrize("seed", [0, 42, 2**33])
def test_bernoulli_matches_the_kernel_this_machine_runs(seed, p):
    gen = seeded(seed)
    assert_same(R.bernoulli(gen, 5000, p), torch.empty(5000).bernoulli_(p).tolist())
    assert_stream_position(gen)


@pytest.mark.parametrize("p", [0.5, 0.25, 0.1])
def test_dropout_mask_is_bernoulli_of_keep_probability(p):
    gen = seeded(4)
    kept = (F.dropout(torch.ones(2000), p, training=True) != 0).float().tolist()
    assert_same(R.bernoulli(gen, 2000, 1 - p), kept)
    assert_stream_position(gen)


# ---------------------------------------------------------------------------------- default layer init


def init_draws(gen, layers):
    """The uniform_ calls reset_parameters makes for each layer in construction order: weight, then bias."""
    values = []
    for weight_numel, out_features, fan_in in layers:
        bound = R.kaiming_uniform_bound(fan_in)
        values += R.uniform(gen, weight_numel, -bound, bound)
        bias_bound = 1 / math.sqrt(fan_in)
        values += R.uniform(gen, out_features, -bias_bound, bias_bound)
    return values


# The tutorial's network, from its one definition.
LeNet = runpy.run_path(str(ROOT / "snippets" / "lenet.py"))["Net"]


LENET_LAYERS = [
    (6 * 1 * 5 * 5, 6, 25),
    (16 * 6 * 5 * 5, 16, 150),
    (120 * 400, 120, 400),
    (84 * 120, 84, 120),
    (10 * 84, 10, 84),
]


@pytest.mark.parametrize("seed", [0, 1, 42, 31337])
def test_lenet_default_init(seed):
    gen = seeded(seed)
    net = LeNet()
    theirs = [v for p in net.parameters() for v in p.detach().flatten().tolist()]
    ours = init_draws(gen, LENET_LAYERS)
    assert len(ours) == 61706
    assert_same(ours, theirs)
    assert_same(R.normal(gen, 1024), torch.randn(1, 1, 32, 32).flatten().tolist())
    assert_stream_position(gen)


@pytest.mark.parametrize("in_features,out_features", [(3, 5), (17, 1), (1000, 3), (1, 1)])
def test_linear_default_init(in_features, out_features):
    gen = seeded(8)
    layer = nn.Linear(in_features, out_features)
    theirs = layer.weight.flatten().tolist() + layer.bias.tolist()
    assert_same(init_draws(gen, [(in_features * out_features, out_features, in_features)]), theirs)


@pytest.mark.parametrize("in_ch,out_ch,k", [(3, 8, 3), (2, 4, 1), (1, 2, (2, 7))])
def test_conv2d_default_init(in_ch, out_ch, k):
    gen = seeded(8)
    layer = nn.Conv2d(in_ch, out_ch, k)
    kh, kw = layer.kernel_size
    theirs = layer.weight.flatten().tolist() + layer.bias.tolist()
    assert_same(init_draws(gen, [(out_ch * in_ch * kh * kw, out_ch, in_ch * kh * kw)]), theirs)


# --------------------------------------------------------------------------------- exact float helpers


def _f32_order(value):
    """A float32's position on the number line: consecutive float32s are consecutive integers, both zeros are 0."""
    bits = struct.unpack("<I", struct.pack("<f", value))[0]
    return bits if bits < 0x80000000 else -(bits & 0x7FFFFFFF)


def _f32_at(order):
    return struct.unpack("<f", struct.pack("<I", order if order >= 0 else -order | 0x80000000))[0]


def f32_nearest(exact):
    """float32 rounding (to nearest, ties to even) of an exact Fraction, by comparing the two neighbours."""
    guess = struct.unpack("<f", struct.pack("<f", float(exact)))[0]
    order = _f32_order(guess)
    candidates = [_f32_at(i) for i in (order - 1, order, order + 1)]
    candidates = [c for c in candidates if math.isfinite(c)]
    return min(candidates, key=lambda c: (abs(Fraction(c) - exact), struct.pack("<f", c)[0] & 1))


def test_fma_f32_repairs_a_double_rounding_tie():
    # 8*(1+2**-23) * 8*(1-2**-23) + (2**30+128): the double sum lands on a float32 tie, the exact value below it
    x, y, z = 8 * (1 + 2**-23), 8 * (1 - 2**-23), 2.0**30 + 128
    exact = Fraction(x) * Fraction(y) + Fraction(z)
    assert R._fma_f32([x], [y], [z]) == [f32_nearest(exact)]
    assert R._round_f32([x * y + z]) != [f32_nearest(exact)]  # the naive two roundings get it wrong


float32s = st.floats(width=32, allow_nan=False, allow_infinity=False, min_value=-(2.0**60), max_value=2.0**60)


@given(x=float32s, y=float32s, z=float32s)
@example(x=1.1754943508222875e-38, y=-1.8932634260323007e-20, z=0.0)  # rounds to -0.0: the neighbours cross zero
@settings(max_examples=300, deadline=None)
def test_fma_f32_rounds_once(x, y, z):
    assert R._fma_f32([x], [y], [z]) == [f32_nearest(Fraction(x) * Fraction(y) + Fraction(z))]


doubles = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e150, max_value=1e150)


@given(x=doubles, y=doubles, z=doubles)
@settings(max_examples=300, deadline=None)
def test_fma_fallback_rounds_once(x, y, z):
    expected = Fraction(x) * Fraction(y) + Fraction(z)
    result = R._fma_exact(x, y, z)
    assert result == float(expected)  # float(Fraction) rounds correctly
    if hasattr(math, "fma"):
        assert bits([result]) == bits([math.fma(x, y, z)])


def test_fma_fallback_signed_zeros():
    for x, y, z in [(-0.0, 1.0, 0.0), (-0.0, 1.0, -0.0), (0.0, -1.0, -0.0), (3.0, 0.5, -1.5)]:
        expected = x * y + z  # exact here, so one rounding
        assert bits([R._fma_exact(x, y, z)]) == bits([expected])


def test_kaiming_bound_equals_torch_init_expression():
    for fan_in in [1, 25, 150, 400, 120, 84]:
        gain = nn.init.calculate_gain("leaky_relu", math.sqrt(5))
        assert R.kaiming_uniform_bound(fan_in) == math.sqrt(3.0) * (gain / math.sqrt(fan_in))


# ------------------------------------------------------------------------------------------ in Pyodide

PYODIDE_MJS = ROOT / "node_modules" / "pyodide" / "pyodide.mjs"

PYODIDE_PROGRAM = """
import importlib.util, json, math
spec = importlib.util.spec_from_file_location("btorch_random", "/rng/_random.py")
R = importlib.util.module_from_spec(spec); spec.loader.exec_module(R)
gen = R.Generator(1234)
result = {"has_fma": hasattr(math, "fma"), "values": []}
for shape_numel, out_features, fan_in in LAYERS:
    bound = R.kaiming_uniform_bound(fan_in)
    result["values"] += R.uniform(gen, shape_numel, -bound, bound)
    result["values"] += R.uniform(gen, out_features, -1 / math.sqrt(fan_in), 1 / math.sqrt(fan_in))
result["values"] += R.normal(gen, 1024) + R.normal(gen, 3) + R.normal(gen, 100, 0.5, 2.0)
result["values"] += R.normal(gen, 40, contiguous=False) + R.bernoulli(gen, 500, 0.5)
result["values"] += R.uniform(gen, 1000, 1000, 1000.001) + R.uniform(gen, 5)
result["ints"] = R.randint(gen, 100, 0, 2**28) + R.randperm(gen, 1000)
"""


@pytest.mark.pyodide
@pytest.mark.skipif(not PYODIDE_MJS.exists() or shutil.which("node") is None, reason="needs Node and Pyodide")
def test_float32_samplers_match_torch_inside_pyodide(tmp_path):
    """Pyodide has its own libm (and math.fma): the float32 results must still be PyTorch's."""
    program = f"LAYERS = {LENET_LAYERS!r}\n" + PYODIDE_PROGRAM + "print(json.dumps(result))\n"
    runner = tmp_path / "run.mjs"
    runner.write_text(
        f"import {{ loadPyodide }} from {json.dumps(str(PYODIDE_MJS))};\n"
        "import fs from 'node:fs';\n"
        "const py = await loadPyodide({stdout: (line) => console.log(line)});\n"
        "py.FS.mkdirTree('/rng');\n"
        f"py.FS.writeFile('/rng/_random.py', fs.readFileSync({json.dumps(str(RANDOM_PY))}));\n"
        f"py.runPython({json.dumps(program)});\n"
    )
    completed = subprocess.run(["node", str(runner)], capture_output=True, text=True, timeout=120)
    assert completed.returncode == 0, completed.stderr
    result = json.loads(completed.stdout.strip().splitlines()[-1])
    assert result["has_fma"]  # Pyodide's Python 3.14 takes math.fma, CPython 3.11 here the fallback

    torch.manual_seed(1234)
    net = LeNet()
    theirs = [v for p in net.parameters() for v in p.detach().flatten().tolist()]
    theirs += torch.randn(1, 1, 32, 32).flatten().tolist() + torch.randn(3).tolist()
    theirs += torch.empty(100).normal_(0.5, 2.0).tolist()
    base = torch.empty(8, 5)
    base.t().normal_()
    theirs += base.flatten().tolist() + torch.empty(500).bernoulli_(0.5).tolist()
    theirs += torch.empty(1000).uniform_(1000, 1000.001).tolist() + torch.rand(5).tolist()
    assert_same(result["values"], theirs)
    assert result["ints"] == torch.randint(0, 2**28, (100,)).tolist() + torch.randperm(1000).tolist()


# ------------------------------------------------------------------------------------------ bad arguments


@pytest.mark.parametrize(
    "call,ours",
    [
        (lambda: torch.empty(3).normal_(0, -1), lambda: R.normal(R.Generator(), 3, 0, -1)),
        (lambda: torch.empty(20).normal_(0, -0.5), lambda: R.normal(R.Generator(), 20, 0, -0.5)),
        (lambda: torch.empty(3).uniform_(2, 1), lambda: R.uniform(R.Generator(), 3, 2, 1)),
        (lambda: torch.empty(3).uniform_(-3e38, 3e38), lambda: R.uniform(R.Generator(), 3, -3e38, 3e38)),
        (lambda: torch.empty(3).bernoulli_(1.5), lambda: R.bernoulli(R.Generator(), 3, 1.5)),
        (lambda: torch.randint(5, 5, (3,)), lambda: R.randint(R.Generator(), 3, 5, 5)),
    ],
)
def test_bad_arguments_raise_torch_messages(call, ours):
    with pytest.raises(RuntimeError) as theirs:
        call()
    with pytest.raises(RuntimeError) as raised:
        ours()
    assert str(raised.value) == str(theirs.value).splitlines()[0]
