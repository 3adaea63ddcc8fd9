"""The parts of a build, on their own: what an index is of (``IndexSpec``). No encoder,
no index built."""

from dataclasses import replace
from types import SimpleNamespace

import pytest

from rag_territoires.corpus.corpus import Corpus
from rag_territoires.index.manifest import Manifest
from rag_territoires.index.spec import IndexSpec
from tests.conftest import CORPUS

pytestmark = pytest.mark.unit


def test_an_index_spec_differs_with_each_thing_an_index_is_of():
    corpus = Corpus.load(CORPUS)
    use, minilm = SimpleNamespace(name="use"), SimpleNamespace(name="minilm")
    spec = IndexSpec(corpus.chunks, [use], corpus.fingerprint, corpus.max_chars)
    assert set(spec.identity()) <= set(Manifest.model_fields)  # what a load compares
    others = [
        replace(spec, chunks=corpus.chunks[1:]),
        replace(spec, chunks=[*corpus.chunks[1:], corpus.chunks[0]]),  # the same, reordered
        replace(spec, encoders=[use, minilm]),
        replace(spec, fingerprint="another corpus"),
        replace(spec, max_chars=corpus.max_chars + 1),
    ]
    identities = [spec.identity(), *(other.identity() for other in others)]
    assert len({repr(identity) for identity in identities}) == len(identities)
    assert replace(spec, encoders=[minilm, use]).identity() == IndexSpec(
        spec.chunks, [use, minilm], spec.fingerprint, spec.max_chars
    ).identity()  # the encoders' order does not count
