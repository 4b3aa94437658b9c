"""Exports: JSON (the contract), FollowTheMoney, GraphML, GEXF, Neo4j CSV."""

from chipwatch.interop.exports import FORMATS, export

__all__ = ["FORMATS", "export"]
