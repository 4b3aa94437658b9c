"""As-of projection of claims into a graph; neighbourhoods and paths."""

from chipwatch.graph.project import neighbourhood, paths, project

__all__ = ["neighbourhood", "paths", "project"]
