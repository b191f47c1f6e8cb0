"""Grounding helpers: titles, names, duplicates, sentences."""

from __future__ import annotations

import pytest

from summarizer.grounding import (
    best_sentence, is_proper_name, merge, name_found, quoted_as_instrument, same_entity, sentence_with, sentences,
    split_title, titled_people,
)
from summarizer import grounding
from summarizer.schema import Participant


@pytest.mark.parametrize(
    ("given", "name", "title"),
    [
        ("Russian Foreign Minister Sergey Lavrov", "Sergey Lavrov", "Russian Foreign Minister"),
        ("UN Special Envoy for Syria Staffan de Mistura", "Staffan de Mistura", "UN Special Envoy for Syria"),
        ("Ambassador to the European Union Gordon Sondland", "Gordon Sondland", "Ambassador to the European Union"),
        ("U.S. Secretary of State Rex Tillerson", "Rex Tillerson", "U.S. Secretary of State"),
        ("President of France Emmanuel Macron", "Emmanuel Macron", "President of France"),
        ("Deputy Foreign Minister Gennady Gatilov", "Gennady Gatilov", "Deputy Foreign Minister"),
        ("Chief Justice John Roberts", "John Roberts", "Chief Justice"),
        ("former president Barack Obama", "Barack Obama", "former president"),
        ("Prime Minister Theresa May", "Theresa May", "Prime Minister"),
        ("President Trump", "Trump", "President"),
        ("Mr. Smith", "Smith", "Mr."),
        ("Dr. Anthony Fauci", "Anthony Fauci", "Dr."),
        ("Lt. Col. Alexander Vindman", "Alexander Vindman", "Lt. Col."),
        ("Capt. Maria Lopez", "Maria Lopez", "Capt."),
        ("State Department official David Holmes", "David Holmes", "State Department official"),
        ("Rep. Adam Schiff", "Adam Schiff", "Rep."),
        ("King Abdullah II", "Abdullah II", "King"),
        ("Sergey Lavrov", "Sergey Lavrov", None),
        ("Lavrov", "Lavrov", None),
        ("president", "president", None),
        ("Hu Jintao", "Hu Jintao", None),
        ("Commerzbank analyst Carsten Fritsch", "Carsten Fritsch", "Commerzbank analyst"),
        ("Wikileaks editor-in-chief Kristinn Hrafnsson", "Kristinn Hrafnsson", "Wikileaks editor-in-chief"),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_split_title(given, name, title):
    assert split_title(given) == (name, title)


def test_split_hyphenated_title():
    assert split_title("UN Secretary-General Antonio Guterres") == ("Antonio Guterres", "UN Secretary-General")


@pytest.mark.parametrize(
    ("sentence", "found"),
    [
        ("Russian Deputy Foreign Minister Mikhail Bogdanov will attend.",
         [("Mikhail Bogdanov", "Russian Deputy Foreign Minister")]),
        ("Last week State Department official David Holmes revealed one of those calls.",
         [("David Holmes", "State Department official")]),
        ("Lt. Col. Alexander Vindman told lawmakers it was his duty.", [("Alexander Vindman", "Lt. Col.")]),
        ("Former National Security Council official Timothy Morrison told investigators.",
         [("Timothy Morrison", "Former National Security Council official")]),
        ("Embassy counselor Anna Berg took notes.", [("Anna Berg", "Embassy counselor")]),
        ("The ship sailed. Capt. Maria Lopez commanded it.", [("Maria Lopez", "Capt.")]),
        # organizations after a title word are not people
        ("The report was carried by the official Xinhua News Agency on Monday.", []),
        ("A spokesman for the official Communist Youth League denied it.", []),
        ("The official said nothing.", []),
        ("Official Federal Reserve data showed a rise.", []),
        ("Prices rose, according to official Consumer Price Index figures.", []),
        ("The analysts cited official Census Bureau figures.", []),
        ("The official Russian RIA news agency reported it.", []),
        ("A senior official Zhang Wei declined to comment.", [("Zhang Wei", "official")]),
        ("Kremlin official Dmitry Peskov said so.", [("Dmitry Peskov", "Kremlin official")]),
        ("Officials met on Monday.", []),
        # a post "to" or "for" a country or region, then a name the article uses again
        ("Another diplomat, former special envoy to Ukraine Kurt Volker, shifted his account. Volker said so.",
         [("Kurt Volker", "special envoy to Ukraine")]),
        ("Lavrov meets UN Special Envoy for Syria Staffan de Mistura. De Mistura arrived.",
         [("Staffan de Mistura", "UN Special Envoy for Syria")]),
        ("U.S. Ambassador to the United Nations Nikki Haley spoke. Haley left.",
         [("Nikki Haley", "U.S. Ambassador to the United Nations")]),
        ("Ambassador to Turkey David Satterfield met officials. Satterfield said so.",  # CLDR says "Türkiye"
         [("David Satterfield", "Ambassador to Turkey")]),
        ("Ambassador to the U.S. Anatoly Antonov spoke. Antonov left.", [("Anatoly Antonov", "Ambassador to the U.S.")]),
        ("Former envoy to Ukraine Kurt Volker spoke.", []),  # named once: maybe not a person
        ("Trump named him ambassador to the European Union, a post he holds.", []),
        ("The ambassador to the United Arab Emirates said nothing.", []),  # the place is not a name
        ("The envoy to North Korea Wednesday met officials.", []),
        ("The minister for Health Services John Smith spoke. Smith left.", []),  # not a place: where does the name start?
        ("A spokesman for China Southern Airlines said the flight was late. Airlines said.", []),
        ("The director for Asia Pacific Affairs Matt Pottinger spoke. Pottinger left.", []),  # the run goes on
        ("The commissioner for Europe Day Celebrations spoke.", []),
    ],
    ids=lambda v: v[:40] if isinstance(v, str) else None,
)
def test_titled_people(sentence, found):
    assert titled_people(sentence) == found


ARTICLE = (
    "Russian Foreign Minister Sergey Lavrov met UN envoy Staffan de Mistura in Moscow on Monday. "
    "Mr. Lavrov said the talks in June were useful. The totalitarian past was not discussed. "
    "Fleet Street papers covered the visit.\n"
    "Jean-Claude Juncker did not attend."
)


@pytest.mark.parametrize(
    ("name", "found"),
    [
        ("Sergey Lavrov", True),
        ("Lavrov", True),
        ("LAVROV", True),
        ("S. Lavrov", True),  # the surname is in the article
        ("Vladimir Lavrov", True),  # surname match: a known limit, the first name is not checked
        ("Staffan de Mistura", True),
        ("de Mistura", True),
        ("Jean-Claude Juncker", True),
        ("Juncker", True),
        ("\u201cSergey Lavrov\u201d", True),
        ("Vladimir Putin", False),
        ("Putin", False),
        ("Ali", False),  # not a word of "totalitarian"
        ("Lee", False),  # not a word of "Fleet"
        ("UN envoy", True),
        ("Un", True),
        ("Jun", False),  # not a word of "June"
        ("Sergey Lavrovich", False),
        ("", False),
    ],
    ids=lambda v: repr(v) if isinstance(v, str) else None,
)
def test_name_found(name, found):
    assert name_found(name, ARTICLE) is found


def person(name: str, role: str | None = None, kind: str = "person") -> Participant:
    return Participant(name=name, kind=kind, role=role, evidence=name)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (person("Lavrov"), person("Sergey Lavrov"), True),
        (person("Sergey Lavrov"), person("Lavrov"), True),
        (person("sergey lavrov"), person("Sergey  Lavrov"), True),
        (person("Mr. Lavrov"), person("Lavrov"), True),
        (person("Staffan de Mistura"), person("de Mistura"), True),
        (person("Jean-Claude Juncker"), person("Juncker"), True),
        (person("Lavrov"), person("Shoigu"), False),
        (person("Sergey Lavrov"), person("Sergey Shoigu"), False),
        (person("Sergey"), person("Sergey Lavrov"), False),  # a first name alone is not the person
        (person("Hillary Clinton"), person("Bill Clinton"), False),
        (person("United Nations", kind="organization"), person("the United Nations", kind="organization"), True),
        (person("European Union", kind="organization"), person("European Commission", kind="organization"), False),
        (person("Nations", kind="organization"), person("United Nations", kind="organization"), False),
        (person("Jordan", kind="country"), person("Michael Jordan"), False),
    ],
    ids=lambda v: v.name if isinstance(v, Participant) else None,
)
def test_same_entity(a, b, same):
    assert same_entity(a, b) is same
    assert same_entity(b, a) is same


def test_merge_keeps_fullest_name_and_first_role():
    merged = merge([
        person("Lavrov", role="Russian Foreign Minister"),
        person("Sergey Shoigu"),
        person("Sergey Lavrov", role="minister"),
        person("Shoigu", role="Defense Minister"),
        person("Lavrov"),
    ])
    assert [(p.name, p.role) for p in merged] == [
        ("Sergey Lavrov", "Russian Foreign Minister"),
        ("Sergey Shoigu", "Defense Minister"),
    ]


def test_merge_keeps_distinct_people():
    people = [person("Lavrov"), person("Shoigu"), person("Putin")]
    assert merge(people) == people


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param("One. Two! Three? Four.", ("One.", "Two!", "Three?", "Four."), id="punctuation"),
        pytest.param("Mr. Smith met Sen. Jones. They talked.", ("Mr. Smith met Sen. Jones.", "They talked."),
                     id="abbreviations"),
        pytest.param("U.S. officials agreed. The U.N. building.", ("U.S. officials agreed.", "The U.N. building."),
                     id="initialisms"),
        pytest.param("The talks open on Jan. 5 in Geneva. More later.",
                     ("The talks open on Jan. 5 in Geneva.", "More later."), id="month-abbreviation"),
        pytest.param('"Good," he said. "Very good." Then he left.',
                     ('"Good," he said.', '"Very good."', "Then he left."), id="quotes"),
        pytest.param("Headline without stop\nBody starts here. And ends.",
                     ("Headline without stop", "Body starts here.", "And ends."), id="newline"),
        pytest.param("Prices rose 2.5 percent. Then fell.", ("Prices rose 2.5 percent.", "Then fell."),
                     id="decimal"),
        pytest.param("lower case. after a stop stays.", ("lower case. after a stop stays.",), id="lowercase-next"),
        pytest.param("\n\n  \n", (), id="blank"),
    ],
)
def test_sentences(text, expected):
    assert sentences(text) == expected


@pytest.mark.parametrize(
    ("phrase", "expected"),
    [
        pytest.param("on Thursday", "Talks are due on Thursday.", id="phrase"),
        pytest.param("ON THURSDAY", "Talks are due on Thursday.", id="case"),
        pytest.param("\u201con Thursday\u201d", "Talks are due on Thursday.", id="curly-quotes"),
        pytest.param("June 13\u201314", "A summit is set for June 13-14.", id="en-dash"),
        pytest.param("Lavrov", "Lavrov said so.", id="first-match"),
        pytest.param("UN", None, id="whole-words"),
        pytest.param("on Friday", None, id="absent"),
        pytest.param("", None, id="empty"),
        pytest.param("   ", None, id="blank"),
    ],
)
def test_sentence_with(phrase, expected):
    text = "Lavrov said so. Talks are due on Thursday. A summit is set for June 13-14. Lavrov left in June."
    assert sentence_with(text, phrase) == expected


def test_best_sentence():
    text = "Oil prices fell sharply. Talks on new tariffs stalled in Washington. Stocks were flat."
    assert best_sentence(text, "tariff talks stalled") == "Talks on new tariffs stalled in Washington."
    assert best_sentence("", "anything") is None


def test_best_sentence_among_sentences_of_at_least_min_words():
    text = "Why the talks stalled\nThe talks on new tariffs have stalled in Washington since Tuesday."
    assert best_sentence(text, "the talks stalled") == "Why the talks stalled"
    assert best_sentence(text, "the talks stalled", min_words=5) == text.splitlines()[1]
    assert best_sentence(text, "the talks stalled", min_words=20) is None


@pytest.mark.parametrize(("name", "proper"), [
    ("Sergey Lavrov", True),
    ("Staffan de Mistura", True),
    ("People for the Ethical Treatment of Animals", True),
    ("Tempus Inc.", True),
    ("Lao", True),
    ("Jabhat al-Nusra", True),
    ("Department of Defense", True),
    ("Office of the President", True),
    # descriptions, not names
    ("British police", False),
    ("Spot gold", False),
    ("Japanese yen", False),
    ("U.S. dollar", False),
    # traded instruments carry their quote codes
    ("Copper CMCU3", False),
    ("Euro EUR=", False),
    ("Three-month aluminum CMAL3", False),
    # a title without the person
    ("UK Home Secretary", False),
    ("U.S. Ambassador to the European Union", False),
    # indices, venues, numbers
    ("Nasdaq", False),
    ("S&P 500 index", False),
    ("Belmarsh prison", False),
    ("2020", False),
    # roads and storms
    ("Interstate 26", False),
    ("Highway 501", False),
    ("Hurricane Florence", False),
])
def test_is_proper_name(name, proper):
    assert is_proper_name(name) is proper


def test_quoted_as_instrument():
    article = "Copper CMCU3 rose 0.86% to $5,880.00 a tonne. Copper miners rallied. Chile said it would talk."
    assert quoted_as_instrument("Copper", article)
    assert not quoted_as_instrument("Chile", article)


@pytest.mark.parametrize(("name", "expected"), [
    ("United Auto Workers union", "United Auto Workers"),  # the kind of body goes, the name stays
    ("the Labour party", "the Labour party"),  # what is left is not a name
    ("Mack Trucks", "Mack Trucks"),
    ("Banking union", "Banking union"),  # "Banking" is not a name the article uses
    ("U-19 Thailand national team", "Thailand"),  # the country plays
    ("national team", "national team"),
])
def test_without_kind_word(name, expected):
    article = ("DETROIT - Union workers at Mack Trucks voted, the United Auto Workers union says. The Labour party agreed. "
               "The U-19 Thailand national team won, and Thailand meets Malaysia.")
    assert grounding.without_kind_word(name, article) == expected


@pytest.mark.parametrize(("name", "article", "expected"), [
    ("Brussels", "Brussels: The European Central Bank was expected to raise rates.", True),
    ("Ottawa", "OTTAWA - A Manitoba man is facing 22 charges.", True),
    ("Washington", "WASHINGTON (AP) \u2014 Ambassador Sondland testifies. Washington wants answers.", False),  # named again
    ("European Central Bank", "Brussels: The European Central Bank was expected to raise rates.", False),
    ("Moscow", "MOSCOW, June 8. /TASS/. Lavrov will hold talks.", True),
    # a lead that opens with a name and a comma has no dateline
    ("Staffan de Mistura", "Staffan de Mistura, the UN envoy, flies to Moscow on Thursday.", False),
    ("Tesla Inc", "Tesla Inc (TSLA.O) is recalling 2 million vehicles.", False),  # a ticker, not an agency
])
def test_only_in_dateline(name, article, expected):
    assert grounding.only_in_dateline(name, article) is expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Benazir Bhutto's Pakistan People's Party", "Pakistan People's Party"),  # a full name owns it
    ("Pakistan's Election Commission", "Election Commission"),  # a country owns it
    ("People's Liberation Army", "People's Liberation Army"),  # a one-word possessor may be the name's own
    ("Nawaz Sharif's allies", "Nawaz Sharif's allies"),  # what is left is no name
    ("National People's Congress", "National People's Congress"),  # "People's" is the name's own
])
def test_without_possessor(name, expected):
    article = ("Benazir Bhutto's Pakistan People's Party waits. Pakistan's Election Commission set the date. "
               "The People's Liberation Army drilled. Nawaz Sharif's allies met. The National People's Congress met.")
    assert grounding.without_possessor(name, article) == expected


@pytest.mark.parametrize(("name", "place", "expected"), [
    ("Launch Complex 39A", False, True),
    ("Kennedy Space Center", False, True),
    ("Dubai", True, True),  # a city the model called a country
    ("Mack Trucks", False, False),  # "workers at Mack Trucks": an employer
    ("NASA", False, False),  # it acts
    ("Pakistan", True, False),  # a country acts as its government does
    ("Boeing", False, False),  # "an investigation into Boeing", "shares in Boeing": no facility
])
def test_only_as_venue(name, place, expected):
    article = ("The crew launches from Launch Complex 39A at Kennedy Space Center, NASA said. "
               "Bhutto lives in Dubai. Workers at Mack Trucks voted. Elections were held in Pakistan. "
               "Regulators opened an investigation into Boeing, and shares in Boeing fell.")
    assert grounding.only_as_venue(name, article, place=place) is expected


@pytest.mark.parametrize(("name", "article", "expected"), [
    ("Reuters", "NEW YORK (Reuters) - Oil fell.", True),
    ("Canadian Press", "Hurren faces 22 charges.\n\nThis report by The Canadian Press was first published July 3, 2020.",
     True),
    ("IANS", "NASA targets October 31. (IANS)", True),
    ("Canadian Press", "The Canadian Press reported that the RCMP will testify in a long story about the case.", False),
    ("YONHAP News", "Photo : YONHAP News\n\nThe World Health Organization(WHO) will meet.", True),  # a photo credit
    ("WHO", "Photo : YONHAP News\n\nThe World Health Organization(WHO) will meet.", False),  # an acronym
    ("CNN", "(CNN)Former President Trump spoke.", True),
])
def test_is_byline_at_either_end(name, article, expected):
    assert grounding.is_byline(name, article) is expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Bank of America", True),
    ("Merrill Lynch & Co", True),
    ("Sarah Post", False),  # a surname that is also a newspaper's word
    ("John Bank", False),  # a surname that is also an organization's word
    ("European Union", True),
    ("Jiang Yu", False),
])
def test_organization_like(name, expected):
    assert grounding.organization_like(name) is expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Dragon", True),  # "a Dragon capsule"
    ("Cygnus", True),  # "Cygnus cargo spacecraft"
    ("Astana", True),  # "the Astana process", every time
    ("Crew-7", False),  # "the Crew-7 team" once: a team acts
    ("Northrop Grumman", False),
    ("Russia", False),  # "Russia backs ...": it acts once, so it is an actor
])
def test_only_as_modifier(name, expected):
    article = ("A Dragon capsule will carry the crew. A Cygnus cargo spacecraft from Northrop Grumman is due. "
               "The Crew-7 mission is set, and the Crew-7 team flies. Talks go on in the Astana process, "
               "and Russia backs the Astana process.")
    assert grounding.only_as_modifier(name, article) is expected


def test_nicknamed_parts_are_one_person():
    article = 'The trial of drug lord Joaquin "El Chapo" Guzman goes on. Guzman has pleaded not guilty.'
    parts = grounding.nicknamed(article)
    assert {parts[p] for p in ("Joaquin", "El Chapo", "Guzman", 'Joaquin "El Chapo" Guzman')} == {"Joaquin Guzman"}
    assert "goes" not in parts and grounding.nicknamed("He said \"no\" today.") == {}
    assert grounding.nicknamed('Harris called Trump "Dangerous Don" Monday.') == {}  # a weekday is no surname
    assert grounding.nicknamed('Harris called Trump "dangerous" again.') == {}


@pytest.mark.parametrize(("lead", "expected"), [
    ("WASHINGTON (AP) \u2014 Ambassador Gordon Sondland testifies.", "Ambassador Gordon Sondland testifies."),
    ("NEW YORK (Reuters) - Oil prices fell sharply.", "Oil prices fell sharply."),
    ("OTTAWA - A Manitoba man is facing 22 charges.", "A Manitoba man is facing 22 charges."),
    ("MOSCOW, June 8. /TASS/. Lavrov will hold talks.", "Lavrov will hold talks."),
    ("Brussels: The European Central Bank raised rates.", "The European Central Bank raised rates."),
    ("HARARE - \u201cWe are ready,\u201d the coach said.", "\u201cWe are ready,\u201d the coach said."),
    # no dateline: unchanged
    ("Staffan de Mistura, the UN envoy, flies to Moscow on Thursday.",
     "Staffan de Mistura, the UN envoy, flies to Moscow on Thursday."),
    ("Tesla Inc (TSLA.O) is recalling 2 million vehicles.", "Tesla Inc (TSLA.O) is recalling 2 million vehicles."),
    # nothing but the dateline, or a lower-case rest (not a sentence of its own): unchanged
    ("HARARE - ", "HARARE - "),
    ("GENEVA - and then", "GENEVA - and then"),
])
def test_without_dateline(lead, expected):
    assert grounding.without_dateline(lead) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Lao", "Laos"),  # the short form ("Lao President Choummaly Sayasone")
    ("Pakistani", "Pakistan"),
    ("Chinese", "China"),
    ("Indian", "India"),
    ("Russian", "Russia"),
    ("Iranian", "Iran"),
    ("Philippine", "Philippines"),
    ("Laos", "Laos"),  # a country's name stays
    ("Japanese", "Japanese"),  # Japan is not in the article: nothing to name it by
    ("Nigerian", "Nigerian"),  # Niger and Nigeria both fit: left as the model wrote it
    ("Korean", "Korean"),  # North or South: no country fits
    ("Lat", "Lat"),  # not Latvia: a short form drops only a final "s"
    ("Pa", "Pa"),
])
def test_country_named_by_its_adjective(name, expected):
    article = ("Hu will visit Vietnam, Laos, India and Pakistan. Lao President Choummaly Sayasone and "
               "Pakistani President Musharraf met Chinese leaders in China. Russia, Iran, Latvia, the "
               "Philippines, Nigeria and Niger sent envoys.")
    assert grounding.country_named(name, article) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Alexander Volker", "Kurt Volker"),  # Alexander is Vindman's; the article's only Volker is Kurt
    ("Joe Volker", "Kurt Volker"),  # Joe is Biden's
    ("Kurt Volker", "Kurt Volker"),  # in the article as it is
    ("Alexander Vindman", "Alexander Vindman"),
    ("Tim Volker", "Tim Volker"),  # "Tim" is no one's given name here: not a mix-up, left to grounding
    ("Alexander Smith", "Alexander Smith"),  # no Smith in the article to name him by
    ("Alexander Hill", "Alexander Hill"),  # two Hills: which one is not known
    ("Lt. Col. Vindman", "Lt. Col. Vindman"),  # not a given name and a surname
])
def test_a_given_name_taken_from_another_person_is_put_right(name, expected):
    article = ("Kurt Volker, Alexander Vindman and Fiona Hill testified about Joe Biden. Volker said little. "
               "Christopher Hill was not called.")
    assert grounding.unmixed_name(name, article) == expected


@pytest.mark.parametrize(("name", "expected"), [
    ("Astronauts", True),  # "Astronauts Doug Hurley and Bob Behnken" beside "astronauts launch"
    ("Endurance", False),  # the capsule: never written in lower case here
    ("NASA", False),  # an acronym
    ("SpaceX", False),
    ("Crew Dragon", False),  # two words: a name
    ("Launch", False),  # "launch-pad" is not the word "launch"
])
def test_a_common_word_capitalized_is_no_name(name, expected):
    article = ("Astronauts Doug Hurley and Bob Behnken flew on Endurance. Less than two days before astronauts "
               "launch-pad checks, NASA and SpaceX readied the Crew Dragon. Launch is set.")
    assert grounding.common_word(name, article) is expected
