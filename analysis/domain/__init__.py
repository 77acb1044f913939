"""The re-analysis itself: what the outcomes are, the settings of the paper's model, the effect of
every arm the paper pooled, the regeneration of each published result and its verdict, the
sensitivity analyses of the public inputs, and the living update's new evidence.

Modules: ``outcomes`` (the registry, from data), ``settings``, ``provenance`` (the tiers),
``study_effects``, ``regeneration``, ``reproduction``, ``verdicts``, ``printed`` (the paper's
printed decimals), ``sensitivity_grid``, ``public_subgroups``, ``living``, ``contracts`` (the
pandera contracts of the tidy frames this layer hands up). Imports only ``analysis.stats``,
``analysis.data`` and the foundation (``paths``, ``format``).
"""
