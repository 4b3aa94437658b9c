"""The dataset format: YAML (or JSON lines) files of sources, entities and claims."""

from chipwatch.dataset.load import Dataset, Problem, load_dataset
from chipwatch.dataset.validate import ValidationReport, validate

__all__ = ["Dataset", "Problem", "ValidationReport", "load_dataset", "validate"]
