"""APIs outside the subset raise NotImplementedError naming them: never a silent wrong answer, never a bare
AttributeError."""

import traceback

import pytest


# APIs a learner may reach for that stay outside the runtime (the list moves as the runtime grows).
@pytest.mark.parametrize(
    "use, name",
    [
        (lambda t: t.linalg.svd(t.ones(2, 2)), "torch.linalg.svd"),
        (lambda t: t.fft.fft(t.ones(2)), "torch.fft.fft"),
        (lambda t: t.compile(t.nn.Linear(1, 1)), "torch.compile"),
        (lambda t: t.ones(2).stft(2), "torch.Tensor.stft"),
        (lambda t: t.ones(2).numpy(), "torch.Tensor.numpy"),
        (lambda t: t.from_numpy([1.0]), "torch.from_numpy"),
        (lambda t: t.ones(2).cuda(), "torch.Tensor.cuda"),
        (lambda t: t.nn.LSTM(2, 2), "torch.nn.LSTM"),
        (lambda t: t.nn.functional.conv3d(t.ones(1, 1, 2, 2, 2), t.ones(1, 1, 1, 1, 1)), "torch.nn.functional.conv3d"),
        (lambda t: t.distributions.Normal(0, 1), "torch.distributions.Normal"),
        (lambda t: t.cuda.get_device_name(0), "torch.cuda.get_device_name"),
        (lambda t: t.nn.functional.conv2d(t.ones(1, 2, 4, 4), t.ones(2, 1, 3, 3), groups=2), "groups"),
        (lambda t: t.ones(2, dtype=t.float16), "a tensor of dtype torch.float16"),
        (lambda t: t.ones(2).half(), "a tensor of dtype torch.float16"),
    ],
)
def test_missing_api_is_named(bt, use, name):
    with pytest.raises(NotImplementedError, match=name.replace(".", r"\.") + ".*run this snippet locally"):
        use(bt)


def test_probing_for_an_api_answers_absent(bt):
    assert not hasattr(bt, "compile")
    assert getattr(bt.Tensor, "__array__", None) is None
    assert not hasattr(bt.ones(1), "_private_thing")


def test_a_refusal_suggests_no_other_api(bt):
    """Python appends "Did you mean: 'min'?" to an AttributeError by looking at dir() of its object: for torch.sin
    that would name an unrelated API."""
    with pytest.raises(NotImplementedError) as caught:
        _ = bt.stft
    text = "".join(traceback.format_exception(caught.value))
    assert "Did you mean" not in text
    assert text.rstrip().endswith("torch.stft is not available in the in-browser runtime; run this snippet locally")


def test_a_refusal_traceback_ends_at_the_readers_line(bt):
    from btorch._unsupported import user_traceback

    def readers_code():
        return bt.ones(2).stft(2)

    try:
        readers_code()
    except NotImplementedError as error:
        tb = user_traceback(error, error.__traceback__)
    frames = traceback.extract_tb(tb)
    assert frames[-1].name == "readers_code"
    assert all("site_src/runtime" not in frame.filename for frame in frames)


def test_other_errors_keep_their_whole_traceback(bt):
    from btorch._unsupported import user_traceback

    try:
        bt.ones(2).view(3)
    except RuntimeError as error:
        assert user_traceback(error, error.__traceback__) is error.__traceback__
