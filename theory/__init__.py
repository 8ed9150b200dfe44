"""theory: the statements of *InfoNCE Induces Gaussian Distribution* (ICLR 2026) as checkable functions.

numpy / scipy / sympy / POT only: this package never imports torch. Modules:

- :mod:`theory.sphere` — the unit sphere and the uniform law;
- :mod:`theory.gaussianity` — Gaussianity diagnostics for embeddings.
"""

__version__ = "0.1.0"
