"""torch.save / torch.load both ways between the runtime and real PyTorch, and torch.utils.data (datasets, samplers,
DataLoader, random_split) drawing the same random numbers as PyTorch."""

import io
import pickle
import warnings

import pytest
import torch
from runtime_helpers import assert_same, to_bt


def trained_state(lib):
    lib.manual_seed(0)
    net = lib.nn.Sequential(lib.nn.Linear(3, 4), lib.nn.ReLU(), lib.nn.Linear(4, 2))
    opt = lib.optim.Adam(net.parameters(), lr=0.01, amsgrad=True)
    for _ in range(2):
        opt.zero_grad()
        net(lib.ones(5, 3)).pow(2).sum().backward()
        opt.step()
    return net, opt


def assert_same_tree(ours, real):
    if isinstance(real, torch.Tensor):
        assert (tuple(ours.shape), str(ours.dtype).removeprefix("torch.")) == (
            tuple(real.shape),
            str(real.dtype).removeprefix("torch."),
        )
        # the trained state may differ by an ulp (ops and sqrt, see test_optim); the format is what is tested
        torch.testing.assert_close(torch.tensor(ours.tolist(), dtype=real.dtype), real.detach(), rtol=1e-5, atol=0)
        assert ours.requires_grad == real.requires_grad
        assert type(ours).__name__ == type(real).__name__
    elif isinstance(real, dict):
        assert type(ours).__name__ == type(real).__name__
        assert list(ours) == list(real)
        for key in real:
            assert_same_tree(ours[key], real[key])
        assert getattr(ours, "_metadata", None) == getattr(real, "_metadata", None)
    elif isinstance(real, (list, tuple)):
        assert type(ours).__name__ == type(real).__name__ and len(ours) == len(real)
        for o, r in zip(ours, real):
            assert_same_tree(o, r)
    elif isinstance(real, torch.dtype):
        assert str(ours) == str(real)
    else:
        assert ours == real


def payload(lib):
    net, opt = trained_state(lib)
    a = lib.arange(6.0).reshape(2, 3)
    return {
        "model": net.state_dict(),
        "optimizer": opt.state_dict(),
        "a": a,
        "row": a[1],
        "t": a.t(),
        "long": lib.tensor([1, -2, 3]),
        "bool": lib.tensor([True, False]),
        "double": lib.tensor([0.1], dtype=lib.float64),
        "scalar": lib.tensor(2.5),
        "param": lib.nn.Parameter(lib.ones(2)),
        "leaf": lib.tensor([1.0], requires_grad=True),
        "size": lib.Size([2, 3]),
        "dtype": lib.float32,
        "numbers": [1, 2.5, "x", None, True, (3, 4)],
    }


def test_runtime_file_loads_in_pytorch(bt):
    buffer = io.BytesIO()
    bt.save(payload(bt), buffer)
    buffer.seek(0)
    loaded = torch.load(buffer)  # weights_only=True: only the globals PyTorch allows
    assert_same_tree(loaded, payload(torch))
    assert loaded["row"].untyped_storage().data_ptr() == loaded["a"].untyped_storage().data_ptr()
    assert loaded["t"].stride() == (1, 3)


def test_pytorch_file_loads_in_the_runtime(bt):
    buffer = io.BytesIO()
    torch.save(payload(torch), buffer)
    buffer.seek(0)
    ours = bt.load(buffer)
    real = payload(torch)
    assert_same_tree(ours, real)
    ours["a"][0, 0] = 7.0  # views still share their storage after loading
    assert ours["row"].tolist() == [3.0, 4.0, 5.0] and ours["t"][0, 0].item() == 7.0


def test_round_trip_through_files_and_load_state_dict(bt, tmp_path):
    net, opt = trained_state(bt)
    bt.save({"model": net.state_dict(), "optimizer": opt.state_dict()}, tmp_path / "checkpoint.pt")
    checkpoint = bt.load(str(tmp_path / "checkpoint.pt"), weights_only=True)
    fresh, fresh_opt = bt.nn.Sequential(bt.nn.Linear(3, 4), bt.nn.ReLU(), bt.nn.Linear(4, 2)), None
    fresh.load_state_dict(checkpoint["model"])
    fresh_opt = bt.optim.Adam(fresh.parameters(), lr=0.01, amsgrad=True)
    fresh_opt.load_state_dict(checkpoint["optimizer"])
    real_net, real_opt = trained_state(torch)
    for lib, model, optimizer in ((bt, fresh, fresh_opt), (torch, real_net, real_opt)):
        optimizer.zero_grad()
        model(lib.ones(5, 3)).pow(2).sum().backward()
        optimizer.step()
    for ours, real in zip(fresh.parameters(), real_net.parameters()):
        assert_same(ours.detach(), real.detach(), rtol=1e-6)  # forward/backward ops may differ by an ulp
    with torch.serialization.safe_globals([]):
        real_checkpoint = torch.load(tmp_path / "checkpoint.pt")
    assert list(real_checkpoint["model"]) == list(checkpoint["model"])


class Custom:
    pass


def test_weights_only_refuses_other_globals_as_pytorch_does(bt):
    buffer = io.BytesIO()
    torch.save({"x": Custom()}, buffer)
    messages = []
    for lib in (torch, bt):
        buffer.seek(0)
        with pytest.raises(pickle.UnpicklingError) as caught:
            lib.load(buffer)
        messages.append(str(caught.value))
    assert messages[0] == messages[1]
    buffer.seek(0)
    assert isinstance(bt.load(buffer, weights_only=False)["x"], Custom)
    buffer.seek(0)
    with bt.serialization.safe_globals([Custom]):
        assert isinstance(bt.load(buffer)["x"], Custom)


# ---- torch.utils.data --------------------------------------------------------------------------------------------
def loader_program(lib):
    from importlib import import_module

    data = import_module(lib.__name__ + ".utils.data")
    out = []
    lib.manual_seed(0)
    x, y = lib.arange(20.0).reshape(10, 2), lib.arange(10)
    dataset = data.TensorDataset(x, y)
    loader = data.DataLoader(dataset, batch_size=3, shuffle=True)
    out.append(len(loader))
    for _ in range(2):  # each epoch reshuffles, and iterating draws a base seed first
        out.append([(xb.tolist(), yb.tolist()) for xb, yb in loader])
    out.append(lib.randn(2).tolist())
    generator = lib.Generator().manual_seed(42)
    loader = data.DataLoader(dataset, batch_size=4, shuffle=True, generator=generator, drop_last=True)
    out += [len(loader), [yb.tolist() for _, yb in loader], [yb.tolist() for _, yb in loader]]
    out.append([yb.tolist() for _, yb in data.DataLoader(dataset, batch_size=4)])
    train, test = data.random_split(dataset, [0.7, 0.3])
    out += [len(train), len(test), train.indices, test.indices, [t.tolist() for t in train[0]]]
    train, test = data.random_split(dataset, [6, 4], generator=lib.Generator().manual_seed(1))
    out += [train.indices, test.indices]
    sampler = data.RandomSampler(dataset, replacement=True, num_samples=40)
    out.append(list(sampler))
    out.append(list(data.BatchSampler(data.SequentialSampler(range(7)), 3, drop_last=False)))
    out.append(list(data.BatchSampler(data.SequentialSampler(range(7)), 3, drop_last=True)))
    out.append([[t.tolist() for t in b] for b in data.DataLoader(data.Subset(dataset, [4, 2, 8]), batch_size=2)])
    out.append(lib.randn(2).tolist())
    return out


def test_dataloader_shuffles_and_splits_as_pytorch(bt):
    assert loader_program(bt) == loader_program(torch)


def test_default_collate_of_dicts_lists_numbers_and_strings(bt):
    def program(lib):
        from importlib import import_module

        data = import_module(lib.__name__ + ".utils.data")

        class Items(data.Dataset):
            def __len__(self):
                return 5

            def __getitem__(self, i):
                return {
                    "int": i,
                    "float": i / 2,
                    "list": [i, i + 1],
                    "str": str(i),
                    "tensor": lib.ones(2) * i,
                    "tuple": (i, float(i)),
                }

        batches = [repr(batch) for batch in data.DataLoader(Items(), batch_size=2)]
        batches.append(repr(list(data.DataLoader(Items(), batch_size=None))[:2]))
        batches.append(repr(data.default_collate([(1, 2.0), (3, 4.0)])))
        return batches

    assert program(bt) == program(torch)


def test_dataloader_errors(bt):
    dataset = bt.utils.data.TensorDataset(bt.ones(4, 2))
    with pytest.raises(NotImplementedError, match="num_workers"):
        bt.utils.data.DataLoader(dataset, num_workers=2)
    for lib in (bt, torch):
        ds = lib.utils.data.TensorDataset(lib.ones(4, 2))
        with pytest.raises(ValueError, match="batch_size should be a positive integer value"):
            lib.utils.data.DataLoader(ds, batch_size=0)
        with pytest.raises(ValueError, match="Sum of input lengths does not equal"):
            lib.utils.data.random_split(ds, [1, 2])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(bt.utils.data.DataLoader(dataset, batch_size=3)) == 2


def test_tensor_dataset_items(bt):
    x = torch.randn(4, 3)
    ours = bt.utils.data.TensorDataset(to_bt(bt, x), bt.arange(4))
    assert len(ours) == 4
    assert_same(ours[2][0], x[2])
    assert ours[2][1].item() == 2
