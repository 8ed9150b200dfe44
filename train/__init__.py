"""Real InfoNCE networks held against the theory.

- :mod:`train.config`: ``RunConfig``, named configurations, ``key=value`` overrides;
- :mod:`train.data`: data sets with their view channels (``PairData``; Laplace, GMM, Binary, images, text);
- :mod:`train.models`: linear, MLP, small CNN, ResNet-18 (CIFAR variant);
- :mod:`train.objectives`: InfoNCE (Eq. 2, symmetric), supervised twin, VICReg, Barlow Twins;
- :mod:`train.evaluate`: every metric from :mod:`theory` on held-out embeddings;
- :mod:`train.loop`: ``fit(config) -> run directory`` (checkpoints, resume, metrics, figures);
- :mod:`train.tables`: the Table-1 rows with their controls and the d x N grid;
- :mod:`train.table2`: the Table-2 analogue (a pretrained sentence encoder against its random init);
- :mod:`train.distributed`: data-parallel InfoNCE (torchrun; negatives gathered across ranks);
- ``python -m train``: the command line (:mod:`train.cli`).
"""
