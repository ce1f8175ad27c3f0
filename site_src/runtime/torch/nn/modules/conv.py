import math

from ..._ops.creation import zeros as empty  # torch.empty: the fresh values are overwritten by reset_parameters
from ..._ops.nn_ops import _pair
from ..._unsupported import unsupported
from .. import functional as F, init
from ..parameter import Parameter
from .module import Module


def _single(value):
    return (value,) if isinstance(value, int) else tuple(value)


class _ConvNd(Module):
    """What Conv1d and Conv2d share, initialised as torch/nn/modules/conv.py does; `_tuple` makes the size
    arguments tuples of the layer's number of spatial dims."""

    _tuple = staticmethod(_pair)

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        dilation=1,
        groups=1,
        bias=True,
        padding_mode="zeros",
        device=None,
        dtype=None,
        _transposed=False,
        _output_padding=0,
    ):
        super().__init__()
        n = len(self._tuple(1))
        if groups != 1 or self._tuple(dilation) != (1,) * n or padding_mode != "zeros":
            raise unsupported(
                f"torch.nn.{type(self).__name__} with groups, dilation or a padding_mode other than 'zeros'"
            )
        self.in_channels = in_channels
        self.out_channels = out_channels
        self.kernel_size = self._tuple(kernel_size)
        self.stride = self._tuple(stride)
        self.padding = padding if isinstance(padding, str) else self._tuple(padding)
        self.dilation = self._tuple(dilation)
        self.transposed = _transposed
        self.output_padding = self._tuple(_output_padding)
        self.groups = groups
        self.padding_mode = padding_mode
        channels = (in_channels, out_channels) if _transposed else (out_channels, in_channels)
        self.weight = Parameter(empty(channels + self.kernel_size, device=device, dtype=dtype))
        if bias:
            self.bias = Parameter(empty(out_channels, device=device, dtype=dtype))
        else:
            self.register_parameter("bias", None)
        self.reset_parameters()

    def reset_parameters(self):
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            fan_in, _ = init._calculate_fan_in_and_fan_out(self.weight)
            bound = 1 / math.sqrt(fan_in) if fan_in > 0 else 0
            init.uniform_(self.bias, -bound, bound)

    def extra_repr(self):
        s = "{in_channels}, {out_channels}, kernel_size={kernel_size}, stride={stride}"
        if self.padding != (0,) * len(self.padding):
            s += ", padding={padding}"
        if self.dilation != (1,) * len(self.dilation):
            s += ", dilation={dilation}"
        if self.output_padding != (0,) * len(self.output_padding):
            s += ", output_padding={output_padding}"
        if self.groups != 1:
            s += ", groups={groups}"
        if self.bias is None:
            s += ", bias=False"
        if self.padding_mode != "zeros":
            s += ", padding_mode={padding_mode}"
        return s.format(**self.__dict__)


class Conv1d(_ConvNd):
    """1-D cross-correlation (through the 2-D kernel, as ATen does it)."""

    _tuple = staticmethod(_single)

    def forward(self, input):
        return F.conv1d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class Conv2d(_ConvNd):
    """2-D cross-correlation."""

    def forward(self, input):
        return F.conv2d(input, self.weight, self.bias, self.stride, self.padding, self.dilation, self.groups)


class ConvTranspose2d(_ConvNd):
    """2-D transposed convolution (the gradient of conv2d with respect to its input)."""

    def __init__(
        self,
        in_channels,
        out_channels,
        kernel_size,
        stride=1,
        padding=0,
        output_padding=0,
        groups=1,
        bias=True,
        dilation=1,
        padding_mode="zeros",
        device=None,
        dtype=None,
    ):
        if padding_mode != "zeros":
            raise ValueError(f'Only "zeros" padding mode is supported for {self.__class__.__name__}')
        super().__init__(
            in_channels,
            out_channels,
            kernel_size,
            stride,
            padding,
            dilation,
            groups,
            bias,
            padding_mode,
            device,
            dtype,
            _transposed=True,
            _output_padding=output_padding,
        )

    def _output_padding(self, input, output_size):
        """torch's _ConvTransposeNd._output_padding: what output_size asks for beyond the smallest output."""
        if output_size is None:
            return self.output_padding
        num_non_spatial_dims = 2 if input.dim() == 4 else 1
        if len(output_size) == num_non_spatial_dims + 2:
            output_size = output_size[num_non_spatial_dims:]
        if len(output_size) != 2:
            raise ValueError(
                f"ConvTranspose2D: for {input.dim()}D input, output_size must have 2 or "
                f"{num_non_spatial_dims + 2} elements (got {len(output_size)})"
            )
        min_sizes, max_sizes = [], []
        for d in range(2):
            min_sizes.append(
                (input.size(d + num_non_spatial_dims) - 1) * self.stride[d]
                - 2 * self.padding[d]
                + self.dilation[d] * (self.kernel_size[d] - 1)
                + 1
            )
            max_sizes.append(min_sizes[d] + self.stride[d] - 1)
        for size, min_size, max_size in zip(output_size, min_sizes, max_sizes):
            if size < min_size or size > max_size:
                raise ValueError(
                    f"requested an output size of {output_size}, but valid sizes range from {min_sizes} "
                    f"to {max_sizes} (for an input of {input.size()[2:]})"
                )
        return [output_size[d] - min_sizes[d] for d in range(2)]

    def forward(self, input, output_size=None):
        output_padding = self._output_padding(input, output_size)
        return F.conv_transpose2d(
            input, self.weight, self.bias, self.stride, self.padding, output_padding, self.groups, self.dilation
        )
