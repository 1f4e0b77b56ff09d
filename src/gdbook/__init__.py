"""gdbook: a textbook on derivatives and gradient descent, generated from code.

Layers, in the one direction data flows:
``compute`` (pure numpy/sympy) → ``figures`` (matplotlib) → ``render`` (templates).
"""

__version__ = "0.1.0"
