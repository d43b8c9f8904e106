"""How a sentence argues: the author's own claim scores above a question, a view reported to
be answered, or the scene set with dates."""

from __future__ import annotations

from bot.stance import stance


def test_a_claim_outranks_a_reported_view_a_question_and_scene_setting():
    claim = stance("Only class war can end this madness.")
    reported = stance("Some say that the talks will bring a lasting peace to the region.")
    question = stance("Can the American–Russian talks lead to a truce in the coming weeks?")
    scene = stance("On 24 June 2023 the column reached Rostov at 07:30 with 5,000 men.")
    assert question == 0.0
    assert claim > reported
    assert claim > scene


def test_cues_are_read_in_the_articles_language():
    assert stance("Nur der Klassenkampf kann diesen Wahnsinn beenden.", "de") > stance(
        "Laut der Regierung sagte der Minister, es sei vielleicht vorbei.", "de"
    )
    assert stance("Il faut en finir avec la guerre.", "fr") > stance("Selon lui, peut-être.", "fr")


def test_a_sentence_that_points_back_counts_less_alone():
    assert stance("This position is historically associated with the official parties.") < stance(
        "The official parties supported Russia as a progressive counterweight."
    )


def test_a_claim_made_general_outranks_a_story_told_in_the_past():
    assert stance("The blockade is an act of economic warfare in peacetime.") > stance(
        "During the subsequent regimes the government turned to the army and the police."
    )
    assert stance("When hatred is weaponized against one nation, it never stops there.") > stance(
        "Four years later the Americans developed a plan for strikes on the Soviet Union."
    )


def test_what_a_named_thinker_holds_is_their_view_told_not_the_authors():
    from bot.stance import reports

    assert reports("Feuerbach consequently does not see that the sentiment is a social product.")
    assert reports("Some began to say that the masses must continue to struggle for demands.")
    assert not reports("We think that it can.")
    # named with an honorific, and with an aside before the verb
    assert reports("Mr. Witte imagines, however, that closing one institution ends the discontent.")
    assert not reports("Mr. Witte came to the meeting of the ministers in the spring.")
    # an argument someone advanced weighs as a view told; what a court or a text states is one
    assert stance(
        "I now want to refer to one argument which has been advanced in this matter, namely "
        "that the Government should have waited for the conference."
    ) < stance("The Government should have waited for the conference.")
    assert reports("In its order, the Court states that it need not satisfy itself first.")
    # what is the fashion or the custom to say is a view told, the author's answer comes after
    assert reports(
        "It is fashionable amongst socialists to say that all these movements do not concern us."
    )
    assert reports("It is often said that the worker is himself under the yoke.")
    assert not reports(
        "It is not a dialogue between the so-called great powers, but the work of all."
    )


def test_a_correction_and_a_call_to_act_count_as_claims():
    plain = stance("The meeting in Alaska was a setup for the next manoeuvre.")
    assert stance("The meeting is not a victory for peace but a setup for the next war.") > plain
    assert stance("United, we must act to defeat the aggressor.") > plain


def test_a_numbered_point_and_a_claim_about_how_things_are_count_as_the_argument():
    # the points a speech numbers ("First, …", "Secondly, …") and draws together ("Overall, …")
    assert stance("Secondly, we should pursue mutual benefit for all.") > stance(
        "We should pursue mutual benefit for all."
    )
    # a claim about how things are now outranks the same words told as a story
    assert stance("A new world order is being born before our eyes.") > stance(
        "A new world order was born before our eyes."
    )
    assert stance("The security of all countries is interconnected.") > stance(
        "The security of all countries was interconnected."
    )


def test_an_aside_a_hedge_and_a_word_held_up_in_quotation_marks_are_not_claims():
    from bot.stance import read, reports

    # "let us add" opens an aside, not a call to act
    assert read("Let us not talk: let us act!").call
    assert not read("Let us also add that the movement spreads after a demonstration.").call
    assert stance("Let us also add that the movement spreads.") < stance("Let us act at once.")
    # a view offered as possible is no commitment
    assert reports("It may be that we are seeing a chance for democratization in world affairs.")
    # someone else's word, quoted to be disowned
    assert reports("NATO’s advance into the region is “beneficial”, while BRICS is dangerous.")
    assert not reports("Any “peace” is only a truce between two wars.")


def test_a_sentence_going_on_with_a_reported_view_is_that_view_and_its_answer_is_the_authors():
    """progressive-bloc ¶2-¶3: "But there is another tradition…" (a view reported), then "This
    position is historically associated with…" and "It is a worldview that…" go on with it;
    ¶7-¶8: "Many looked to Russia…", then "But Russia was an imperialist power in its own
    right" answers it."""
    from bot.stance import Context

    texts = [
        "The revolutionary socialist tradition has always combined a commitment to workers’"
        " revolution with opposition to imperialism.",
        "But there is another tradition where the key divide is between imperialist nations and"
        " those that oppose them, often dubbed “progressive”.",
        "This position is historically associated with the official Communist Parties that"
        " supported Russia during the Cold War.",
        "It is a worldview that first arose in 1920s Russia as a rising bureaucracy headed by"
        " Stalin took over the Communist Party.",
        "Lenin and Trotsky had looked to international struggle by workers as the basis for"
        " socialism.",
        "Many looked to Russia or its allies as the only force that could act as a counterweight"
        " to the US and its Western imperialist allies.",
        "But Russia was an imperialist power in its own right, dominating Eastern Europe and the"
        " oppressed nations within the USSR.",
    ]
    context = Context(texts)
    assert [context.reported(i) for i in range(len(texts))] == [
        False, True, True, True, False, True, False,
    ]  # fmt: skip
    # going on with a reported view, a sentence weighs as little as the report
    assert context.stance(2) <= stance(texts[2])
    assert context.stance(3) < stance(texts[3])
    assert context.stance(4) == stance(texts[4])  # a new start
    # the answer outweighs what it answers and its own reading alone
    assert context.stance(6) > stance(texts[6]) > context.stance(5)
    # the first sentence has nothing before it to go on with
    assert context.stance(0) == stance(texts[0])


FIRST_PERSON_BELIEFS = [
    "I believe that the war will end only when the workers end it.",
    "We believe that the working class can stop this war.",
    "I think the talks in Alaska are a trap for the workers of both countries.",
    "We think that the sanctions hit the workers first.",
    "We are convinced that only the workers can end the war.",
    "I am convinced that the talks are a setup for the next war.",
    "I do not believe that the talks will bring peace.",
    "We don't think the sanctions will stop the war.",
]


def test_what_the_author_believes_is_the_authors_own_claim():
    """ "I believe that …" was read as a view reported to be rejected ("believe that")."""
    from bot.stance import reports

    for text in FIRST_PERSON_BELIEFS:
        assert not reports(text), text
    assert stance("I believe that the war will end only when the workers end it.") > stance(
        "Some believe that the war will end only when the workers end it."
    )
    assert stance("We believe that the working class can stop this war.") >= stance(
        "The working class can stop this war."
    )


def test_what_others_believe_stays_a_view_reported():
    from bot.stance import reports

    assert reports("Some believe that the talks will bring a lasting peace.")
    assert reports("They believe the talks will bring a lasting peace.")
    assert reports("It is believed that the talks will bring a lasting peace.")
    assert reports("Many were led to believe that the talks would bring peace.")


def test_what_we_hear_or_are_told_is_a_view_reported():
    from bot.stance import reports

    assert reports("We hear from every pundit that the talks will bring a lasting peace.")
    assert reports("We are told that the talks will bring a lasting peace.")
    assert reports("We often hear that the sanctions will bring Russia to its knees.")
    assert reports("We are constantly told that there is no alternative.")
    assert not reports("Every day we hear of fresh inventions for the destruction of men.")
    assert stance("We often hear that the talks will bring peace.") < stance(
        "The talks will bring peace."
    )
