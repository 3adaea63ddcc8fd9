"""What retrieval learned from the tuning questions, shipped with the package.

``calibration.json`` is written by ``rag-territoires calibrate`` (k-fold
cross-validation over the tuning questions (TUNING_FILES), see
``evaluation/crossval.py``), never by hand. It holds:

- per encoder, the mean vector of the answerable tuning questions: subtracted from every
  query before the cosine, it removes what all questions share (being a
  question, about this seminar), so that "Comment renforcer… ?" stops matching
  the notes' own questions first;
- per encoder, the learned map of the centred question vector (``query_map.py``) and the
  classifier of how answerable a question reads (``answerable.py``), kept beside it in
  ``calibration.npz``;
- the abstention model (``abstention.py``);
- the parameters the cross-validation chose and its figures, for the record.

All of that was learned from the seminar's questions, so it applies to the seminar's map
(``learned_documents``). ``rag-territoires calibrate --maps`` adds what applies to every
other map: BM25's fusion weight there and a general abstention model, chosen by leaving
one tuning map out (``evaluation/transfer.py``, ``evaluation/mapcalibration.py``).
"""

from __future__ import annotations

import json
import zipfile
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path

import numpy as np

from rag_territoires.errors import RagError
from rag_territoires.retrieval.abstention import AbstentionModel
from rag_territoires.retrieval.answerable import answerable_logit
from rag_territoires.retrieval.query_map import map_query

CALIBRATION_FILE = Path(__file__).with_name("calibration.json")
# the arrays' names in calibration.npz: a prefix, then the encoder's name
MAP = "map:"
ANSWERABLE = "answerable:"


@dataclass(frozen=True)
class Calibration:
    query_means: dict[str, np.ndarray] = field(default_factory=dict)  # encoder name -> mean
    abstention: AbstentionModel | None = None
    record: dict = field(default_factory=dict)  # chosen parameters and CV figures
    query_maps: dict[str, np.ndarray] = field(default_factory=dict)  # encoder name -> A
    # encoder name -> the answerable classifier's weights and bias
    answerable: dict[str, np.ndarray] = field(default_factory=dict)
    # The maps the tuning questions were about (ids): ``abstention`` was learned on them,
    # and judges a question whose best passage lies in one of them. Elsewhere (every map
    # staff add) ``general`` judges: learned on many maps, chosen by leaving one map out
    # (``evaluation/transfer.py``). Without ``general``, ``abstention`` judges everywhere.
    learned_documents: tuple[str, ...] = ()
    general: AbstentionModel | None = None
    # BM25's weight in the fusion for the other maps: the seminar's (config.py) was chosen
    # with its query map, which makes the dense signal strong there and only there
    general_bm25_weight: float | None = None
    # Where ``general`` judges, a question also declined when it reads off topic for the
    # whole corpus (the weather, a recipe): a gate learned on answerable questions of every
    # tuning map against off-topic ones, apart from the near misses ``general`` cannot tell
    off_topic: AbstentionModel | None = None
    # Added to a passage's fused score, on the other maps, when the question asks a kind of
    # fact (a figure, a date, a person...) and the passage holds one: "combien d'actionnaires"
    # then finds "146 actionnaires" before the node that only names the company. Chosen by
    # leaving one map out (``Transfer.choose_type_boost``); None: no boost.
    general_type_boost: float | None = None
    # The weight of e5's standardised similarity when the added maps' passages are
    # re-ordered among their places (retrieval/rerank.py); its query mean is
    # ``query_means["e5"]``. None: no re-ranking.
    general_e5_weight: float | None = None
    # e5's query vector is computed only when the first passage of all is an added map's
    # and the next added one's fused score lies within this of it (retrieval/rerank.py):
    # chosen by leaving one map out within a budget of searches (``evaluation/e5choice.py``).
    # None: wherever two added passages can swap.
    general_e5_gate: float | None = None

    def abstention_for(self, document: str) -> AbstentionModel | None:
        """The abstention model that judges a question whose best passage is in ``document``."""
        if self.general is not None and document not in self.learned_documents:
            return self.general
        return self.abstention

    def centre_query(self, encoder: str, vector: np.ndarray) -> np.ndarray:
        """The query vector minus the tuning questions' mean, renormalised (unchanged for
        an encoder without a calibrated mean)."""
        mean = self.query_means.get(encoder)
        if mean is None:
            return vector
        centred = vector - mean
        return centred / max(float(np.linalg.norm(centred)), 1e-12)

    def map_query(self, encoder: str, vector: np.ndarray) -> np.ndarray:
        """The centred query vector through the learned map (unchanged without one)."""
        matrix = self.query_maps.get(encoder)
        return vector if matrix is None else map_query(matrix, vector)

    def answerable_logit(self, encoder: str, vector: np.ndarray) -> float | None:
        """How answerable the question of this centred vector reads (None: no classifier)."""
        classifier = self.answerable.get(encoder)
        return None if classifier is None else answerable_logit(classifier, vector)

    def save(self, path: Path) -> None:
        """``path`` (JSON) and, when there are maps or classifiers, ``maps_file(path)`` beside
        it: a map is 512 × 512 numbers per encoder, kept in half precision (0.5 MB; JSON
        would take 3 MB)."""
        path.parent.mkdir(parents=True, exist_ok=True)  # `calibrate --output new/dir/x.json`
        arrays = {f"{MAP}{name}": m.astype(np.float16) for name, m in self.query_maps.items()}
        arrays |= {f"{ANSWERABLE}{name}": w for name, w in self.answerable.items()}
        if arrays:
            with maps_file(path).open("wb") as out:
                np.savez_compressed(out, **arrays)
        else:
            maps_file(path).unlink(missing_ok=True)
        path.write_text(self.to_json(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Calibration:
        calibration = cls.from_json(path.read_text(encoding="utf-8"))
        if not maps_file(path).is_file():
            return calibration
        with np.load(maps_file(path)) as stored:
            arrays = {key: stored[key].astype(np.float32) for key in stored.files}
        return replace(
            calibration,
            query_maps={k.removeprefix(MAP): v for k, v in arrays.items() if k.startswith(MAP)},
            answerable={
                k.removeprefix(ANSWERABLE): v for k, v in arrays.items() if k.startswith(ANSWERABLE)
            },
        )

    def to_json(self) -> str:
        data = {
            "note": "Written by `rag-territoires calibrate`; do not edit by hand.",
            "record": self.record,
            "abstention": self.abstention.to_dict() if self.abstention else None,
            "learned_documents": list(self.learned_documents),
            "general_abstention": self.general.to_dict() if self.general else None,
            "general_bm25_weight": self.general_bm25_weight,
            "general_type_boost": self.general_type_boost,
            "general_e5_weight": self.general_e5_weight,
            "general_e5_gate": self.general_e5_gate,
            "off_topic_gate": self.off_topic.to_dict() if self.off_topic else None,
            "query_means": {
                name: [round(float(x), 6) for x in mean] for name, mean in self.query_means.items()
            },
        }
        return json.dumps(data, indent=1, ensure_ascii=False) + "\n"

    @classmethod
    def from_json(cls, text: str) -> Calibration:
        data = json.loads(text)
        abstention = data.get("abstention")
        general = data.get("general_abstention")
        gate = data.get("off_topic_gate")
        return cls(
            {k: np.asarray(v, dtype=np.float32) for k, v in data["query_means"].items()},
            AbstentionModel.from_dict(abstention) if abstention else None,
            data.get("record", {}),
            learned_documents=tuple(data.get("learned_documents", ())),
            general=AbstentionModel.from_dict(general) if general else None,
            general_bm25_weight=data.get("general_bm25_weight"),
            general_type_boost=data.get("general_type_boost"),
            general_e5_weight=data.get("general_e5_weight"),
            general_e5_gate=data.get("general_e5_gate"),
            off_topic=AbstentionModel.from_dict(gate) if gate else None,
        )


def maps_file(path: Path) -> Path:
    return path.with_suffix(".npz")


@lru_cache(maxsize=1)
def shipped_calibration() -> Calibration:
    try:
        return Calibration.load(CALIBRATION_FILE)
    except FileNotFoundError:
        return Calibration()
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        raise RagError(
            f"{CALIBRATION_FILE} is unreadable ({exc}): run `rag-territoires calibrate`"
        ) from exc
