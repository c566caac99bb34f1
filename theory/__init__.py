"""theory: everything that reasons about a landscape (conditions, regions, certificates,
optimizers, bounds). It imports toylands, never the reverse."""

__all__: list[str] = []
