"""Tables and figures built on :mod:`theory`: the only place in ``theory`` that draws.

Plots build a :class:`matplotlib.figure.Figure` object and never change global matplotlib state.
"""
