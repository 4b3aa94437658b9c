"""The dataset format: YAML (or JSON lines) files of sources, entities and claims."""

from chipwatch.dataset.load import Dataset, Problem, load_dataset
from chipwatch.dataset.validate import ValidationReport, Validator, validate

__all__ = ["Dataset", "Problem", "ValidationReport", "Validator", "load_dataset", "validate"]
