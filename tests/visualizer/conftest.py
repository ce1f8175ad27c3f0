import runpy
from pathlib import Path

import pytest

HERE = Path(__file__).parent
LENET_SCRIPT = HERE / "lenet_loss.py"


@pytest.fixture(scope="session")
def lenet():
    """The globals of lenet_loss.py run with real PyTorch: net, input, output, target, criterion, loss."""
    return runpy.run_path(str(LENET_SCRIPT))
