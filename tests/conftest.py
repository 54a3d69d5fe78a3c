import numpy as np
import pytest
from hypothesis import settings

# Derandomized so CI and a student see the same examples every run.
settings.register_profile("course", deadline=None, derandomize=True, print_blob=True)
settings.load_profile("course")


@pytest.fixture
def rng():
    return np.random.default_rng(1234)


# Figures render off screen, and each test closes what it opened.
import matplotlib  # noqa: E402

matplotlib.use("Agg")


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
