"""IPython start-up file: multiply every freshly initialised weight by (1 + 1e-12·noise).

``tests/test_robustness.py`` puts this file in a temporary IPython profile's
``startup/`` folder, so every kernel that nbval starts runs it before the notebook's
first cell. It wraps ``init_params``, ``init_rnn_params``, ``init_readout`` and
``init_gru_params`` wherever ``lstm_core`` or one of its modules holds them, so the
notebooks run unchanged on
weights that differ from the stored run's only in their last bits, as they would on
another CPU, BLAS or numpy build.

Environment:
    LSTM_CORE_NOISE_SEED  seed of the noise (an integer)
    LSTM_CORE_NOISE_LOG   a file to which each perturbed call appends one line
"""

import dataclasses
import importlib
import itertools
import os
import pkgutil

import numpy as np

import lstm_core

RELATIVE_NOISE = 1e-12
INIT_FUNCTIONS = ("init_params", "init_rnn_params", "init_readout", "init_gru_params")


def _perturbed(init, seed, calls, log_path):
    def wrapper(*args, **kwargs):
        params = init(*args, **kwargs)
        call = next(calls)
        rng = np.random.default_rng([seed, call])
        noisy = {
            f.name: getattr(params, f.name) * (1 + RELATIVE_NOISE * rng.standard_normal(getattr(params, f.name).shape))
            for f in dataclasses.fields(params)
            if isinstance(getattr(params, f.name), np.ndarray)
        }
        with open(log_path, "a") as log:
            log.write(f"{init.__name__} call {call}\n")
        return dataclasses.replace(params, **noisy)

    wrapper.__name__ = init.__name__
    wrapper.__doc__ = init.__doc__
    return wrapper


def install(seed: int, log_path: str) -> None:
    modules = [lstm_core] + [
        importlib.import_module(info.name)
        for info in pkgutil.walk_packages(lstm_core.__path__, prefix="lstm_core.")
    ]
    calls = itertools.count()
    for name in INIT_FUNCTIONS:
        original = getattr(lstm_core, name)
        wrapper = _perturbed(original, seed, calls, log_path)
        for module in modules:
            if getattr(module, name, None) is original:
                setattr(module, name, wrapper)


if "LSTM_CORE_NOISE_SEED" in os.environ:
    install(int(os.environ["LSTM_CORE_NOISE_SEED"]), os.environ["LSTM_CORE_NOISE_LOG"])
