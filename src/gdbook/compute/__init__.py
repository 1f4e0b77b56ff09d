"""Pure computations: numpy and sympy in, plain data out. No plotting, no I/O."""
