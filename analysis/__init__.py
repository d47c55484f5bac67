"""Analysis: text preprocessing, topic models, descriptives and disclosure control.

Scope: tokenising without downloaded data, topic models that follow the
scikit-learn estimator contract, descriptive statistics whose counts pass
through disclosure control, and keyword in context. It imports nothing from
the rest of Heard and nothing from the web stack, so ``import analysis`` works
in a notebook. It holds little yet: the analysis issue fills it in.
"""
