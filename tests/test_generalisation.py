"""Retrieval on questions in staff's own words: the flagship question in both languages,
an ordinal follow-up that names its answer, answers in the notes' order, and abstention
on questions that sound on topic. Nothing here is written for one question's wording:
the mechanisms are expansion through the encoder's space, centring, and a calibrated
abstention model (see eval/report.md for the figures over whole question sets)."""

import re

import pytest

from rag_territoires.answer.chat import Message, answer_chat

pytestmark = pytest.mark.integration

ENGINEERING = {  # the gold nodes of "how to strengthen territorial engineering"
    "Nécessité de renforcer l'ingénierie technique et l'animation des territoires",
    "Renforcer l'ingénierie dans les territoires dans l'Anthropocène",
    "Toute une ingénierie à diffuser et faire monter en puissance",
}
PRINCIPLES = "3 principes à appliquer"


def ask(engine, *turns: str, top_k: int = 5):
    return answer_chat(engine.searcher, [Message("user", t) for t in turns], top_k=top_k)


@pytest.mark.parametrize(
    "question",
    [
        "Comment renforcer l'ingénierie territoriale ?",
        "How do I strengthen territorial engineering?",
        "comment renforcer l'ingenierie territoriale",
    ],
)
def test_the_flagship_question_finds_an_engineering_branch_in_the_top_3(engine, question):
    result = engine.search(question, top_k=3)
    assert not result.abstained
    texts = [line for p in result.passages for line in p.text.splitlines()]
    assert any(text.startswith(gold) for text in texts for gold in ENGINEERING), texts


def test_an_ordinal_follow_up_answers_with_that_child_and_names_it(engine):
    answer = ask(engine, "Quels sont les 3 principes à appliquer ?", "et le deuxième ?")
    assert not answer.abstained
    assert answer.citations[0].quote == "Coopération et construction collective"
    assert answer.citations[0].branch[-2] == PRINCIPLES
    # answered first, by name: the direct answer, then where the quotes come from
    second_line = answer.answer.split("\n\n")[0]
    assert second_line == answer.lead
    assert second_line.startswith("Le deuxième point de « 3 principes à appliquer »")
    assert second_line.endswith("Coopération et construction collective [1]")
    english = ask(engine, "What are the principles to apply?", "and the first one?")
    assert english.citations[0].quote == "Posture d'anticipation et de construction"
    assert english.answer.startswith("The first point of “3 principes")


def test_chained_ordinals_stay_on_the_branch_of_the_conversation(engine):
    turns = ["Quels sont les 3 principes à appliquer ?", "et le deuxième ?", "et le troisième ?"]
    answer = ask(engine, *turns)
    assert answer.citations[0].quote == "Approches systémiques et territorialisation"
    assert answer.answer.startswith("Le troisième point de")


def test_the_principles_are_listed_in_the_notes_order_and_numbered_as_read(engine):
    answer = ask(engine, "Quels sont les 3 principes à appliquer ?")
    children = [c.quote for c in answer.citations if c.branch[-2:-1] == [PRINCIPLES]]
    assert children[:3] == [
        "Posture d'anticipation et de construction",
        "Coopération et construction collective",
        "Approches systémiques et territorialisation",
    ]
    # the direct answer names the principles first, each cited; then the quotes, whose
    # markers come in reading order, once each
    assert answer.answer.startswith(answer.lead + "\n\n")
    quotes = answer.answer.removeprefix(answer.lead)
    markers = [int(n) for n in re.findall(r"\[(\d+)\]", quotes)]
    assert markers == list(range(1, len(answer.citations) + 1))
    led = {int(n) for n in re.findall(r"\[(\d+)\]", answer.lead)}
    numbers = {c.quote: c.n for c in answer.citations}
    assert {numbers[child] for child in children[:3]} <= led
    headings = re.findall(r"^\*\*(.+?)(?: \[\d+\])?\*\*$", answer.answer, flags=re.MULTILINE)
    assert len(headings) == len(set(headings))  # each branch's heading once


ON_TOPIC_UNANSWERABLE = [
    "Quel est le budget du LAB 41 ?",
    "Quel est le numéro de téléphone de la Coopérative tiers-lieux ?",
    "Who is the mayor of Loos-en-Gohelle?",
    "Le programme LEADER finance-t-il les tiers-lieux ?",
    "Combien d'habitants compte Saint-Pierre-et-Miquelon ?",
    "Quand le LAB 41 a-t-il été créé ?",
    "Qui a animé l'atelier sur les transitions ?",
    "How much funding did the Région give the Pays Nivernais Morvan?",
]
ANSWERABLE = [
    "Comment renforcer l'ingénierie territoriale ?",
    "How do I strengthen territorial engineering?",
    "Quand est-ce qu'un appel à projets de la Région fonctionne vraiment bien ?",
    "tiers-lieux ?",
    "What is the Anthropocene about?",
    "c'est quoi le LAB 41 ?",
    "Qu'est-ce que le confinement a changé pour les réseaux ?",
    "les metropoles repensent elles leur modele",
]


def test_most_on_topic_sounding_unanswerable_questions_abstain(engine):
    # A calibrated model, not a rule per question: it is measured over whole sets in
    # eval/report.md; here, a floor on a handful written for this test.
    answered = [q for q in ON_TOPIC_UNANSWERABLE if not engine.search(q).abstained]
    assert len(answered) <= 2, f"answered although the notes do not say: {answered}"


OFF_TOPIC = [
    "Quelle est la recette de la tarte tatin ?",
    "What was the weather like during the seminar?",
    "Quel temps fera-t-il demain ?",
    "Comment réparer un vélo électrique ?",
    "How do I renew my passport?",
    "Quels sont les horaires de la piscine ?",
]


def test_off_topic_questions_abstain_at_least_half_the_time(engine):
    # The known weak spot (eval/report.md): the encoder puts "weather" next to the notes'
    # climate and geological-era branches, and "temps" and "demain" are words of the notes.
    answered = [q for q in OFF_TOPIC if not engine.search(q).abstained]
    assert len(answered) <= len(OFF_TOPIC) // 2, f"answered off-topic questions: {answered}"


def test_answerable_questions_in_new_words_are_not_declined(engine):
    declined = [q for q in ANSWERABLE if engine.search(q).abstained]
    assert declined == []


def test_the_search_reports_its_calibrated_probability(engine):
    sure = engine.search("Quels sont les 3 principes à appliquer ?")
    unsure = engine.search("Quel est le budget du LAB 41 ?")
    assert 0.0 <= unsure.confidence < sure.confidence <= 1.0
    assert unsure.abstained and not sure.abstained


def test_the_question_alone_says_how_answerable_it_reads(engine):
    # The answerable classifier's logit, one of the abstention model's inputs: learned
    # from the tuning questions, none of these among them.
    from rag_territoires.retrieval.abstention import FEATURES

    def reads(question: str) -> float:
        ranking = engine.searcher.rank(question)
        return float(ranking.features[FEATURES.index("sounds_answerable")])

    answerable = [reads(q) for q in ANSWERABLE[:2]]
    unanswerable = [reads(q) for q in ["How do I renew my passport?", *ON_TOPIC_UNANSWERABLE[-3:]]]
    assert min(answerable) > max(unanswerable)
