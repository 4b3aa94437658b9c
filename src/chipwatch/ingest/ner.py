"""Offline named-entity recognition where the model ships inside its PyPI package: natasha
(Russian; slovnet NER and navec embeddings are in its wheel, nothing is downloaded). Only
organisations are used: those the gazetteer does not know become proposed new entities."""

from __future__ import annotations

from functools import cache

TAGGERS = ("natasha",)


@cache
def _natasha():
    from natasha import NewsEmbedding, NewsNERTagger

    return NewsNERTagger(NewsEmbedding())


def organisations(sentence: str, tagger: str = "natasha") -> list[tuple[int, int, str]]:
    """(start, end, text) of every organisation the tagger finds in a sentence."""
    markup = _natasha()(sentence)
    return [(s.start, s.stop, sentence[s.start:s.stop]) for s in markup.spans if s.type == "ORG"]
