"""The review queue: candidates apart from accepted claims; accept, edit, reject."""

from chipwatch.review.accept import accept, edit, reject
from chipwatch.review.queue import find, items, queue_dir

__all__ = ["accept", "edit", "find", "items", "queue_dir", "reject"]
