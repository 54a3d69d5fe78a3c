import numpy as np
import pytest
from hypothesis import settings

# Derandomized so CI and a student see the same examples every run.
settings.register_profile("course", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("course")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)
