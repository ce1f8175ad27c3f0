"""torch.autograd.functional.jacobian and hessian, reverse mode, one autograd.grad per output element, as
torch/autograd/functional.py computes them without vectorize."""

from .._unsupported import missing_attribute, unsupported
from .grad_mode import enable_grad


def _as_tuple(value):
    return (True, tuple(value)) if isinstance(value, (tuple, list)) else (False, (value,))


def _tuple_postprocess(res, to_unpack):
    if isinstance(to_unpack, tuple):
        if not to_unpack[1]:
            res = tuple(el[0] for el in res)
        if not to_unpack[0]:
            res = res[0]
    elif not to_unpack:
        res = res[0]
    return res


def _grad_preprocess(inputs, create_graph):
    return tuple(
        inp.view_as(inp) if create_graph and inp.requires_grad else inp.detach().requires_grad_(True) for inp in inputs
    )


def _stack(tensors):
    if len(tensors) == 1:
        return tensors[0].unsqueeze(0)
    from .._ops.registry import FUNCTIONS

    if "stack" in FUNCTIONS:
        return FUNCTIONS["stack"](tensors, 0)
    from .._ops.creation import tensor

    if not any(t.requires_grad for t in tensors):
        return tensor([t.tolist() for t in tensors], dtype=tensors[0].dtype)
    raise unsupported("torch.autograd.functional.jacobian(create_graph=True) of a function with several outputs")


def jacobian(func, inputs, create_graph=False, strict=False, vectorize=False, strategy="reverse-mode"):
    from .._ops.creation import zeros_like
    from . import grad

    if strict or vectorize or strategy != "reverse-mode":
        raise unsupported("torch.autograd.functional.jacobian(strict=True, vectorize=True or forward-mode)")
    with enable_grad():
        is_inputs_tuple, inputs = _as_tuple(inputs)
        inputs = _grad_preprocess(inputs, create_graph)
        is_outputs_tuple, outputs = _as_tuple(func(*inputs))
        result = ()
        for out in outputs:
            rows = tuple([] for _ in inputs)
            for j in range(out.numel()):
                element = out.reshape(-1)[j]
                if element.requires_grad:
                    vj = grad((element,), inputs, allow_unused=True, retain_graph=True, create_graph=create_graph)
                else:
                    vj = (None,) * len(inputs)
                for row, vj_el, inp in zip(rows, vj, inputs):
                    row.append(vj_el if vj_el is not None else zeros_like(inp))
            result += (tuple(_stack(row).view(tuple(out.shape) + tuple(inp.shape)) for row, inp in zip(rows, inputs)),)
        if not create_graph:
            result = tuple(tuple(r.detach() for r in res) for res in result)
        return _tuple_postprocess(result, (is_outputs_tuple, is_inputs_tuple))


def hessian(func, inputs, create_graph=False, strict=False, vectorize=False, outer_jacobian_strategy="reverse-mode"):
    is_inputs_tuple, inputs = _as_tuple(inputs)

    def ensure_single_output_function(*inp):
        out = func(*inp)
        if isinstance(out, (tuple, list)):
            raise RuntimeError("The function given to hessian should return a single Tensor")  # noqa: TRY004
        if out.numel() != 1:
            raise RuntimeError("The Tensor returned by the function given to hessian should contain a single element")
        return out.squeeze()

    def jac_func(*inp):
        return jacobian(ensure_single_output_function, inp, create_graph=True)

    res = jacobian(
        jac_func,
        inputs,
        create_graph=create_graph,
        strict=strict,
        vectorize=vectorize,
        strategy=outer_jacobian_strategy,
    )
    return _tuple_postprocess(res, (is_inputs_tuple, is_inputs_tuple))


def __getattr__(name):
    return missing_attribute("torch.autograd.functional", name)
