"""APIs outside the subset raise NotImplementedError naming them: never a silent wrong answer, never a bare
AttributeError."""

import pytest


@pytest.mark.parametrize("use, name", [
    (lambda t: t.linalg.svd(t.ones(2, 2)), "torch.linalg.svd"),
    (lambda t: t.fft.fft(t.ones(2)), "torch.fft.fft"),
    (lambda t: t.compile(t.nn.Linear(1, 1)), "torch.compile"),
    (lambda t: t.ones(2).cumsum(0), "torch.Tensor.cumsum"),
    (lambda t: t.ones(2).numpy(), "torch.Tensor.numpy"),
    (lambda t: t.ones(2).cuda(), "torch.Tensor.cuda"),
    (lambda t: t.nn.LSTM(2, 2), "torch.nn.LSTM"),
    (lambda t: t.nn.functional.gelu(t.ones(2)), "torch.nn.functional.gelu"),
    (lambda t: t.nn.utils.clip_grad_norm_([], 1.0), "torch.nn.utils.clip_grad_norm_"),
    (lambda t: t.optim.AdamW([]), "torch.optim.AdamW"),
    (lambda t: t.optim.lr_scheduler, "torch.optim.lr_scheduler"),
    (lambda t: t.cuda.get_device_name(0), "torch.cuda.get_device_name"),
    (lambda t: t.ones(3)[t.tensor([0, 2])], "advanced indexing"),
    (lambda t: t.nn.functional.conv2d(t.ones(1, 2, 4, 4), t.ones(2, 1, 3, 3), groups=2), "groups"),
    (lambda t: t.float16, "torch.float16"),
])
def test_missing_api_is_named(bt, use, name):
    with pytest.raises(NotImplementedError, match=name.replace(".", r"\.") + ".*run this snippet locally"):
        use(bt)


def test_probing_for_an_api_answers_absent(bt):
    assert not hasattr(bt, "compile")
    assert getattr(bt.Tensor, "__array__", None) is None
    assert not hasattr(bt.ones(1), "_private_thing")
