"""Adam, the optimiser every model of the project is fitted with (full batch, fixed
steps): one place for its arithmetic, so that each trained file stays reproducible."""

from __future__ import annotations

import numpy as np


class Adam:
    """The change to subtract from the parameters at each step, given their gradient."""

    def __init__(self, shape, learning_rate: float) -> None:
        self.moment = np.zeros(shape)
        self.square = np.zeros(shape)
        self.learning_rate = learning_rate
        self.step = 0

    def change(self, gradient: np.ndarray) -> np.ndarray:
        self.step += 1
        self.moment = 0.9 * self.moment + 0.1 * gradient
        self.square = 0.999 * self.square + 0.001 * gradient**2
        size = self.learning_rate * np.sqrt(1 - 0.999**self.step) / (1 - 0.9**self.step)
        return size * self.moment / (np.sqrt(self.square) + 1e-8)
