"""Sanctions screening: list importers, the matcher with explanations, the 50 % ownership rule."""
