"""Fixture `bt`: the in-browser runtime (site_src/runtime/torch) imported as `btorch`, next to real torch."""

import pytest
from runtime_helpers import load_runtime


@pytest.fixture(scope="session")
def bt():
    return load_runtime()
