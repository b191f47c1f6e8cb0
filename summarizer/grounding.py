"""Grounding: every item must be backed by the article's own words.

Evidence quotes must occur in the article; a participant's name (or its
surname) must occur in it; a `when_text` must occur in it. Also: picking the
supporting sentence for a claim, moving titles out of names, and merging
duplicate participants.
"""

from __future__ import annotations

import re
from functools import lru_cache

from rapidfuzz import fuzz

from .schema import Participant
from .textnorm import normalize, quote_found

_SENTENCE_END = re.compile(r"(?:(?<=[.!?])|(?<=[.!?][\"'\u201d\u2019)]))\s+(?=[\"'\u201c\u2018(]?[A-Z0-9])|\n+")
_ABBREV = re.compile(r"\b(?:Mr|Mrs|Ms|Dr|St|Jr|Sr|Gen|Lt|Col|Maj|Capt|Sgt|Cpl|Adm|Cmdr|Sen|Rep|Gov|Prof|U\.S|U\.N|No|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.$")

TITLE_WORDS = {
    "president", "minister", "secretary", "envoy", "ambassador", "chairman", "chairwoman", "chair",
    "spokesman", "spokeswoman", "spokesperson", "director", "chief", "governor", "senator", "judge",
    "justice", "general", "commander", "prime", "premier", "king", "queen", "prince", "mayor",
    "representative", "rep", "sen", "gov", "mr", "mrs", "ms", "dr", "prof", "ceo", "head", "leader",
    "negotiator", "official", "lawyer", "attorney", "deputy", "vice", "foreign", "defense", "defence",
    "special", "assistant", "counsel", "officer", "adviser", "advisor", "lt", "col", "gen", "sgt", "maj",
    "capt", "cpl", "adm", "cmdr", "diplomat", "counselor",
    "analyst", "economist", "strategist", "trader", "commissioner", "editor", "editor-in-chief",
    "founder", "co-founder", "prosecutor", "inspector", "superintendent", "chancellor", "speaker",
}
_LINKS = {"for", "of", "to", "at", "on", "the", "and"}
_PARTICLES = {"de", "van", "von", "al", "bin", "da", "del", "la", "le", "di"}


@lru_cache(maxsize=64)
def sentences(article: str) -> tuple[str, ...]:
    """Split an article into sentences (paragraph breaks always split)."""
    pieces: list[str] = []
    for raw in _SENTENCE_END.split(article):
        raw = raw.strip()
        if not raw:
            continue
        if pieces and _ABBREV.search(pieces[-1]):
            pieces[-1] = f"{pieces[-1]} {raw}"
        else:
            pieces.append(raw)
    return tuple(pieces)


def sentence_with(article: str, phrase: str) -> str | None:
    """The first sentence containing ``phrase`` (normalized, case-insensitive)."""
    if not phrase or not phrase.strip():
        return None
    for sentence in sentences(article):
        if quote_found(phrase, sentence):
            return sentence
    return None


def similar_sentences(article: str, claim: str, limit: int = 3, min_words: int = 0) -> list[str]:
    """The ``limit`` sentences sharing the most words with ``claim``, best first; only
    sentences of at least ``min_words`` words."""
    claim = normalize(claim).lower()  # "morning's" is the article's "morning’s"
    scored = [
        (fuzz.token_set_ratio(claim, normalize(s).lower()), i, s)
        for i, s in enumerate(sentences(article))
        if len(s.split()) >= min_words
    ]
    scored.sort(key=lambda t: (-t[0], t[1]))
    return [s for score, _, s in scored[:limit] if score > 0]


def similarity(a: str, b: str) -> float:
    """Word-set similarity, 0-100, of two texts."""
    return fuzz.token_set_ratio(a.lower(), b.lower())


_INJECTION = re.compile(
    r"\b(?:ignore|disregard|forget|override)\b.{0,60}\b(?:instructions?|prompts?|rules|guidelines)\b"
    r"|\b(?:you are|act as|pretend to be)\b.{0,40}\b(?:assistant|model|ai|chatbot|language model)\b"
    r"|\b(?:list|add|include|name)\b.{0,80}\bas (?:an? )?(?:participant|key issue|upcoming event)s?\b"
    r"|\b(?:system prompt|assistant:|### instruction)",
    re.IGNORECASE,
)


def without_injections(article: str) -> tuple[str, list[str]]:
    """The article minus sentences that speak to the model, and those sentences."""
    removed = [s for s in sentences(article) if _INJECTION.search(s)]
    text = article
    for sentence in removed:
        text = text.replace(sentence, " ")
    return text, removed


def best_sentence(article: str, claim: str, min_words: int = 0) -> str | None:
    """The sentence that shares the most words with ``claim``, among those of at least
    ``min_words`` words."""
    found = similar_sentences(article, claim, limit=1, min_words=min_words)
    return found[0] if found else None


def name_found(name: str, article: str) -> bool:
    """True when the name, or its last word (a surname), occurs in the article."""
    if quote_found(name, article):
        return True
    words = [w for w in re.split(r"\s+", normalize(name)) if w]
    if len(words) > 1 and len(words[-1]) > 2:
        return re.search(rf"\b{re.escape(words[-1])}\b", normalize(article), re.IGNORECASE) is not None
    return False


def unmixed_name(name: str, article: str) -> str:
    """A person's name with the given name of another person of the article put right: the
    model wrote "Alexander Volker" where the article names "Kurt Volker" and "Alexander
    Vindman". Only where the full name is not in the article, its given name is another's
    there, and the article gives one full name with its surname; else ``name`` as it is."""
    words = name.split()
    if len(words) != 2 or quote_found(name, article):
        return name
    given, surname = (re.escape(w) for w in words)
    others = re.findall(rf"\b{given}\s+([A-Z][\w'\u2019-]+)", article)
    if not others or all(o == words[1] for o in others):
        return name
    full = {f"{first} {words[1]}" for first in re.findall(rf"\b([A-Z][\w'\u2019-]+)\s+{surname}\b", article)}
    return full.pop() if len(full) == 1 else name


def split_title(name: str) -> tuple[str, str | None]:
    """Split "Russian Foreign Minister Sergey Lavrov" into ("Sergey Lavrov", "Russian Foreign Minister")."""
    words = name.split()
    last_title = -1
    for i, word in enumerate(words[:-1]):
        bare = word.strip(".,").lower()
        if bare in TITLE_WORDS or all(part in TITLE_WORDS for part in bare.split("-")):  # "Secretary-General"
            last_title = i
    if last_title < 0:
        return name, None
    end = last_title + 1
    if end < len(words) - 1 and words[end].lower() in _LINKS:
        # "Envoy for Syria Staffan de Mistura", "Ambassador to the European Union Gordon Sondland":
        # the phrase after the link belongs to the title; the name keeps two words (three with a particle)
        keep = 3 if len(words) >= 3 and words[-2].lower() in _PARTICLES else 2
        end = max(end, len(words) - keep)
    rest = words[end:]
    if not rest or not rest[0][:1].isupper():
        return name, None
    return " ".join(rest), " ".join(words[:end]).rstrip(",")


def _key(name: str) -> list[str]:
    return [w for w in re.split(r"[\s\-]+", normalize(name).casefold().replace(".", "")) if w]


def same_entity(a: Participant, b: Participant) -> bool:
    """"Lavrov" and "Sergey Lavrov" are one entity; "Sergey Lavrov" and "Sergey Shoigu" are not."""
    ka, kb = _key(a.name), _key(b.name)
    if ka == kb:
        return True
    if a.kind != b.kind or not ka or not kb:
        return False
    short, long = (ka, kb) if len(ka) <= len(kb) else (kb, ka)
    if a.kind == "person":
        return long[-len(short):] == short  # surname or trailing part of the full name
    return " ".join(short) in " ".join(long) and len(short) >= 2


_NICKNAMED = re.compile(
    r"\b(?P<first>[A-Z][\w.'\-]*)\s+[\"\u201c](?P<nick>[A-Z][^\"\u201c\u201d]{1,29})[\"\u201d]\s+"
    r"(?!(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|January|February|March|April|May|June|July"
    r"|August|September|October|November|December)\b)(?P<last>[A-Z][\w'\-]+)")


def nicknamed(article: str) -> dict[str, str]:
    """The parts of each name the article writes with a nickname in quotes (Joaquin "El Chapo"
    Guzman), each mapped to the name without it ("Joaquin Guzman"): the model lists the parts
    as three people."""
    parts: dict[str, str] = {}
    for m in _NICKNAMED.finditer(article):
        whole = f"{m.group('first')} {m.group('last')}"
        for part in (m.group("first"), m.group("nick").strip(), m.group("last"), whole, m.group(0)):
            parts.setdefault(part, whole)
    return parts


def merge(participants: list[Participant]) -> list[Participant]:
    """Merge duplicates, keeping the fullest name and the first role given."""
    merged: list[Participant] = []
    for item in participants:
        for i, kept in enumerate(merged):
            if same_entity(kept, item):
                name = item.name if len(item.name) > len(kept.name) else kept.name
                merged[i] = kept.model_copy(update={"name": name, "role": kept.role or item.role})
                break
        else:
            merged.append(item)
    return merged


_TOKEN = re.compile(r"[A-Za-z][\w'\u2019.\-]*|[,;:()\"\u201c\u201d]")
_HEAD_TITLES = {
    "president", "minister", "secretary", "envoy", "ambassador", "chairman", "chairwoman", "spokesman",
    "spokeswoman", "spokesperson", "director", "chief", "governor", "senator", "judge", "justice",
    "commander", "premier", "king", "queen", "prince", "mayor", "representative", "leader", "negotiator",
    "counsel", "adviser", "advisor", "attorney", "lawyer", "sen.", "rep.", "gov.", "gen.", "dr.", "chancellor",
    "ceo", "head", "speaker", "officer", "analyst", "economist", "strategist", "professor",
    "commissioner", "editor", "editor-in-chief", "founder", "co-founder", "prosecutor", "inspector",
    "official", "diplomat", "counselor", "lt.", "col.", "maj.", "capt.", "sgt.", "cpl.", "adm.", "cmdr.",
}
# "the official Xinhua News Agency", "party official Communist Youth League": a titled name
# with one of these words is an organization, not a person
_ORGANIZATION_WORDS = {
    "agency", "news", "party", "ministry", "department", "council", "committee", "commission", "bank",
    "group", "company", "corporation", "corp", "inc", "association", "union", "league", "office", "times",
    "post", "daily", "television", "radio", "court", "parliament", "government", "army", "forces", "police",
    "airlines", "airways", "affairs",
}
_NOT_NAMES = {
    "the", "a", "an", "on", "in", "of", "and", "for", "to", "said", "says", "told", "will", "was", "is",
    "january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
    "november", "december", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
}


def _is_name_token(token: str) -> bool:
    word = token.rstrip(".,").removesuffix("'s").removesuffix("\u2019s")
    return (
        bool(word) and word[0].isupper() and word.lower() not in _NOT_NAMES
        and word.lower().strip(".") not in TITLE_WORDS and word.lower() not in _HEAD_TITLES
    )


_ROLE_STOPS = {"according", "said", "says", "told", "by", "with", "from", "as", "when", "while", "but"}


def _role_before(tokens: list[str], head: int, floor: int) -> str:
    start = head
    while start > floor:
        prev = tokens[start - 1]
        if prev.lower() in _ROLE_STOPS:
            break
        if prev[:1].isupper() or prev.lower() in _LINKS or prev.lower() in TITLE_WORDS:
            start -= 1
        else:
            break
    while start < head and tokens[start].lower() in _LINKS:
        start += 1
    return " ".join(tokens[start:head + 1])


# "official" names a person after a department or a rank ("State Department official",
# "senior official"), and is an adjective after an article, a preposition or a verb ("the
# official Xinhua news agency", "according to official Census Bureau figures")
_OFFICIAL_AFTER = {
    "senior", "former", "top", "government", "party", "administration", "ministry", "military",
    "intelligence", "health", "trade", "security", "police", "election", "campaign", "city", "state",
    "county", "federal", "embassy", "company", "defense", "defence", "foreign", "white",
}


def _official_noun(tokens: list[str], i: int) -> bool:
    before = tokens[i - 1] if i > 0 else ""
    return before.lower() in _OFFICIAL_AFTER or (before[:1].isupper() and before.lower() not in {"the", "a", "an"})


# Common names CLDR gives otherwise ("Türkiye", "Hong Kong SAR China", "Myanmar (Burma)") or not at all
_PLACE_ALIASES = {"Turkey", "U.S.", "US", "U.K.", "UK", "Britain", "Great Britain", "Hong Kong", "Macau", "Myanmar",
                  "Burma", "the Holy See", "Ivory Coast", "Czech Republic", "Swaziland", "Cape Verde", "East Timor"}


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    """Countries, territories and regions by their English names (CLDR, through babel):
    "Ukraine", "European Union", "United Arab Emirates"; with the common names CLDR lacks."""
    from babel import Locale

    return frozenset({*Locale("en").territories.values(), *_PLACE_ALIASES})


# How an adjective is made from a country's name: Pakistan-i, Russia-n, Chin(a)-ese, Iran-ian
_ADJECTIVE_ENDINGS = ("ian", "ese", "ish", "an", "i", "n")


def country_named(name: str, article: str) -> str:
    """The country for a "country" the model named by its adjective or short form, where the
    article names it: "Lao" (from "Lao President Choummaly Sayasone") -> "Laos", "Pakistani"
    -> "Pakistan", "Chinese" -> "China". ``name`` itself when it is a country's name, when no
    country of the article fits, or when two do ("Nigerian": Niger or Nigeria)."""
    if name in _places() or len(name) < 3 or " " in name.strip():
        return name  # an adjective or a short form is one word
    low = name.lower()
    fits = set()
    for place in _places():
        full = place.lower()
        short = len(full) - len(low) == 1 and full.startswith(low) and full[-1] == "s"  # "Lao" for "Laos"
        adjective = any(low == stem + end for stem in (full, full[:-1]) for end in _ADJECTIVE_ENDINGS)
        if (short or adjective) and re.search(rf"\b{re.escape(place)}\b", article):
            fits.add(place)
    return fits.pop() if len(fits) == 1 else name


def _name_at(tokens: list[str], start: int, most: int = 4) -> list[str]:
    """The capitalized name that starts at ``tokens[start]``, up to ``most`` words, possessive
    and trailing comma taken off; empty unless it has two words or more."""
    name: list[str] = []
    for nxt in tokens[start:start + most]:
        if _is_name_token(nxt) or (name and nxt.lower() in _PARTICLES):
            name.append(nxt)
            if nxt.endswith(("'s", "\u2019s", ".", ",")) and not re.fullmatch(r"[A-Z]\.", nxt):
                break
        else:
            break
    name = [w.rstrip(",").removesuffix("'s").removesuffix("\u2019s") for w in name]
    if len(name) < 2 or name[-1].lower() in _PARTICLES or any(w.lower().strip(".") in _ORGANIZATION_WORDS for w in name):
        return []
    return name


def _posted_to(tokens: list[str], head: int) -> int:
    """After a title, "to Ukraine" / "for Syria" / "to the European Union": the index past the
    place, or ``head + 1`` if none follows. Only a known country or region counts, so that the
    name after it is told apart from the place ("envoy to Ukraine Kurt Volker")."""
    start = head + 1
    if start >= len(tokens) or tokens[start].lower() not in {"to", "for"}:
        return head + 1
    start += 1
    if start < len(tokens) and tokens[start].lower() == "the":
        start += 1
    for length in (4, 3, 2, 1):
        if start + length <= len(tokens) and " ".join(tokens[start:start + length]) in _places():
            return start + length
    return head + 1


def _name_after_place(tokens: list[str], start: int, article: str) -> list[str]:
    """The name after "envoy to Ukraine": two or three words that end the capitalized run (not
    "China Southern Airlines said", "Asia Pacific Affairs Matt Pottinger"), and a surname the
    article uses again, as it does for a person it names ("... Volker said")."""
    name = _name_at(tokens, start, most=3)
    end = start + len(name)
    if not name or (end < len(tokens) and _is_name_token(tokens[end])):
        return []
    surname = name[-1].rstrip(".")
    return name if len(re.findall(rf"\b{re.escape(surname)}\b", article)) >= 2 else []


def titled_people(article: str) -> list[tuple[str, str]]:
    """People the article names right after a title: [("Mikhail Bogdanov", "Deputy Foreign Minister"),
    ("Kurt Volker", "special envoy to Ukraine")]."""
    found: list[tuple[str, str]] = []
    for sentence in sentences(article):
        tokens = _TOKEN.findall(normalize(sentence))
        floor = 0  # a role never reaches back into the previous titled name
        for i, token in enumerate(tokens):
            if token.lower() not in _HEAD_TITLES or i < floor or (token.lower() == "official" and not _official_noun(tokens, i)):
                continue
            after = _posted_to(tokens, i)
            name = _name_at(tokens, after) if after == i + 1 else _name_after_place(tokens, after, article)
            if name:
                role = " ".join([_role_before(tokens, i, floor), *tokens[i + 1:after]])
                found.append((" ".join(name).rstrip("."), role))
                floor = after + len(name)
    return found


def role_in_article(name: str, article: str) -> str | None:
    """The title the article puts right before ``name`` ("Russian Foreign Minister"), if any."""
    for person, role in titled_people(article):
        if person == name or person.split()[-1] == name.split()[-1]:
            return role
    return None


_GENERIC = re.compile(
    r"\b(?:index|indices|indexes|gauge|average|composite|shares|stocks|bonds|yields|prices|prison|airport"
    r"|hospital|street|avenue|square|building|palace|hall|nasdaq|highway|interstate|route|road|bridge"
    r"|hurricane|typhoon|cyclone|tropical storm)\b|^\d|%",
    re.IGNORECASE,
)
# Quote codes of markets coverage: "CMCU3", "EUR=", "XAU=", ".DXY"
_TICKER = re.compile(r"^(?:[A-Z]{2,}\d+\w*|[A-Z]{2,}=\w*|\.[A-Z]{2,}\w*|\w+=)$")
# Lower-case words a proper name may hold: "People for the Ethical Treatment of Animals", "Staffan de Mistura"
_NAME_GLUE = _LINKS | _PARTICLES | {"y", "du", "des", "der", "den", "el", "und", "et", "ibn", "bint", "ul"}


def _is_ticker(word: str) -> bool:
    return _TICKER.match(word.strip(",;:()")) is not None


def is_proper_name(name: str) -> bool:
    """A named actor: capitalized words, not a title alone, a market index, a traded instrument
    ("Copper CMCU3", "U.S. dollar"), a venue or a number."""
    words = name.split()
    if not words or not words[0][:1].isupper() or _GENERIC.search(name):
        return False
    if any(_is_ticker(w) for w in words):
        return False
    if any(w[:1].islower() and w.lower().split("-")[0] not in _NAME_GLUE for w in words):
        return False  # "British police", "Spot gold", "Japanese yen": a description, not a name
    bare = [w.strip(".,").lower() for w in words]
    if bare[-1] in _HEAD_TITLES and not _LINKS.intersection(bare):
        return False  # "UK Home Secretary": a title without the person's name ("Office of the President" is a name)
    head = next((i for i, w in enumerate(bare) if w in _HEAD_TITLES), None)
    if head is not None and head + 1 < len(words) and bare[head + 1] in _LINKS:
        return False  # "U.S. Ambassador to the European Union"
    return True


def common_word(name: str, article: str) -> bool:
    """True for a one-word name the article also writes in lower case: a common noun
    capitalized at a sentence's start or before a name ("Astronauts Doug Hurley and Bob
    Behnken", "astronauts launch"), not a named actor."""
    word = name.strip()
    if " " in word or not word[:1].isupper() or word.isupper():
        return False
    return re.search(rf"(?<![\w-]){re.escape(word.lower())}(?![\w-])", normalize(article)) is not None


# What an organization is, written after its name in lower case: "the United Auto Workers union"
_KIND_OF_BODY = {"union", "party", "group", "movement", "militia", "company", "firm", "bank", "agency",
                 "government", "ministry", "council", "committee", "court", "parliament", "army", "network", "team"}
_SURNAME_LIKE = {"post", "times", "daily", "news"}  # "Sarah Post" is a person


def organization_like(name: str) -> bool:
    """True for a name with a word only an organization's name has ("Bank of America",
    "Merrill Lynch & Co"): the model may call it a person."""
    words = [w.lower().strip(".,&") for w in name.split()]
    if "&" in name:
        return True
    if len(words) < 2:
        return False
    if len(words) == 2 and words[1] in _SURNAME_LIKE | {"bank"}:
        words = words[:1]  # "John Bank", "Sarah Post": a surname
    return any(w in _ORGANIZATION_WORDS - _SURNAME_LIKE for w in words)


def without_kind_word(name: str, article: str) -> str:
    """``name`` without a lower-case word for what kind of body it is ("United Auto Workers
    union" -> "United Auto Workers"), when what is left is a name the article uses; else
    ``name``."""
    name = name.strip()
    team = _TEAM.search(name)  # "U-19 Thailand national team": the country plays
    if team:
        head, last = re.sub(r"^(?:U-?\d+|Under-\d+)\s+", "", name[:team.start()]), "team"
    else:
        head, _, last = name.rpartition(" ")
    head = head.strip()
    if last in _KIND_OF_BODY and head and is_proper_name(head) and name_found(head, article):
        return head
    return name


_TEAM = re.compile(r"\s+(?:national\s+|women's\s+|men's\s+|under-\d+\s+)*(?:team|squad|side)$")


_POSSESSED = re.compile(r"^(?P<owner>[A-Z][\w.\-]*(?:\s+[A-Z][\w.\-]*)*)(?:'s|\u2019s)\s+(?P<rest>[A-Z].*)$")


_COLLECTIVE = {"People", "Workers", "Women", "Children", "Nations", "Veterans", "Farmers", "Citizens", "Peoples"}


def without_possessor(name: str, article: str) -> str:
    """An organization's name without its possessor ("Benazir Bhutto's Pakistan People's Party"
    -> "Pakistan People's Party", "Seoul's Foreign Ministry" -> "Foreign Ministry") when the
    possessor is a full name or a country and the rest a name the article uses; a one-word
    possessor may be the name's own ("People's Liberation Army")."""
    found = _POSSESSED.match(name.strip())
    if not found:
        return name
    owner, rest = found.group("owner"), found.group("rest")
    if owner.split()[-1] in _COLLECTIVE or len(rest.split()) < 2:
        return name  # "National People's Congress", "Dr. Reddy's Laboratories": the name's own
    if (len(owner.split()) >= 2 or owner in _places()) and is_proper_name(rest) and name_found(rest, article):
        return rest
    return name


# Where a venue is named: "at Kennedy Space Center", "lives in Dubai", "aboard the station"
_LOCATIVE = r"(?:at|in|aboard|near|outside|inside|into|from|on board|onboard)\s+(?:the\s+)?"


def only_as_venue(name: str, article: str, place: bool = False) -> bool:
    """True for a name every mention of which in ``article`` follows a locative preposition
    ("from Launch Complex 39A at Kennedy Space Center", "is now in London"): a place where
    things happen, not an actor. Only a facility's name ("... Center", "Launch Complex 39A")
    or, with ``place``, a place the model called a country ("Dubai") is taken for a venue; a
    country is left alone: it acts as its government does."""
    name = name.strip()
    if not name or name in _places() or not (_FACILITY.search(name) or place):
        return False  # "an investigation into Boeing", "shares in Disney": organizations
    mentions = _mentions(name, article)
    return bool(mentions) and all(_at_venue(article[max(0, m.start() - 40):m.start()]) for m in mentions)


def _mentions(name: str, article: str) -> list[re.Match]:
    """Each place ``article`` writes ``name`` as a whole name (not inside "Crew-70" for "Crew-7")."""
    return list(re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", article)) if name else []


_FACILITY = re.compile(r"\b(?:Center|Centre|Complex|Station|Base|Stadium|Arena|Park|Airport|Port|Square|Campus"
                       r"|Headquarters|Hotel|Theatre|Theater|Pad|Range|Field)\b")


def _at_venue(before: str) -> bool:
    """True when ``before`` ends with a locative preposition that is not an employer's ("workers
    at Mack Trucks", "analysts at Commerzbank" name an organization, not a place)."""
    return re.search(rf"\b{_LOCATIVE}$", before, re.IGNORECASE) is not None and not _PEOPLE_AT.search(before)


_PEOPLE_AT = re.compile(
    r"\b(?:workers|employees|staff|officials|analysts|economists|executives|researchers|scientists|sources"
    r"|members|students|doctors|engineers|strategists|traders|people|those|experts|lawyers)\s+at\s+(?:the\s+)?$",
    re.IGNORECASE)


# "BRUSSELS:", "OTTAWA - ", "WASHINGTON (AP) \u2014", "MOSCOW, June 8.": a place of one to three
# words, then a colon, a dash, the agency in brackets or the date (a comma alone is a lead's)
_DATELINE = re.compile(
    r"\s*([A-Z][\w.'\-]*(?:\s[A-Z][\w.'\-]*){0,2})\s*"
    r"(?::|[-\u2013\u2014]\s|\([A-Za-z][\w. ]{0,20}\)\s*[-\u2013\u2014]"
    r"|,\s+(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)[a-z]*\.?\s+\d)"
)


# What a name names when it only ever qualifies one of these: a craft, a disease, a deal, a plan
_THING = (r"capsule|spacecraft|rocket|satellite|probe|mission|vehicle|ship|vessel|aircraft|jet|drone|missile"
          r"|programme|program|software|app|device|phone|engine|index|fund|vaccine|drug|virus|disease|outbreak"
          r"|law|act|bill|treaty|accord|accords|agreement|summit|process|format|initiative|plan|policy|crisis"
          r"|war|scandal|hurricane|storm")
_QUALIFIES = re.compile(rf"\s+(?:[a-z][\w-]*\s+){{0,2}}?(?:{_THING})s?\b")


def only_as_modifier(name: str, article: str) -> bool:
    """True for a name every mention of which qualifies a thing ("a Dragon capsule", "Cygnus
    cargo spacecraft", "the Astana process", "the Zika virus"): a craft, a disease or a
    process named after something, not an actor."""
    mentions = _mentions(name.strip(), article)
    return bool(mentions) and all(_QUALIFIES.match(article, m.end()) for m in mentions)


def without_dateline(lead: str) -> str:
    """An article's first sentence without its dateline ("WASHINGTON (AP) \u2014 Ambassador ..."
    is "Ambassador ..."): unchanged if it has none, or if nothing but the dateline is left."""
    match = _DATELINE.match(lead)
    if not match:
        return lead
    rest = re.sub(r"^\.?\s*(?:/[^/\s]{1,20}/\.?|\([^)]{1,20}\))?\s*(?:[-\u2013\u2014:]\s+)?", "", lead[match.end():])
    return rest if rest[:1].isupper() or (rest and rest[0] in "\"\u201c") else lead


def only_in_dateline(name: str, article: str) -> bool:
    """True for a place the article names only in its dateline ("Brussels: The European Central
    Bank ...", "OTTAWA - ..."): where the story was filed, not an actor of it."""
    lead = _DATELINE.match(article)
    if not lead or lead.group(1).casefold() != name.strip().casefold():
        return False
    return len(re.findall(rf"\b{re.escape(name.strip())}\b", article, re.IGNORECASE)) == 1


def quoted_as_instrument(name: str, article: str) -> bool:
    """True when the article follows the name with a quote code ("Copper CMCU3 rose 0.86%")."""
    pattern = rf"\b{re.escape(name)}\s+(\S+)"
    return any(_is_ticker(m.group(1)) for m in re.finditer(pattern, article))


def is_byline(name: str, article: str) -> bool:
    """True for the news agency in the dateline ("MOSCOW, June 8. /TASS/.", "(Reuters) -") or
    credited at the end ("This report by The Canadian Press was first published ...", "(IANS)")."""
    head, tail, agency = article[:200], article.rstrip()[-200:], re.escape(name.strip())
    # "(Reuters) -", "/TASS/.": the bracket ends the dateline; "Organization(WHO) will" is an acronym
    pattern = (rf"[(/]\s*{agency}\s*[)/]\s*(?:[-\u2013\u2014.:]|$)|\(\s*{agency}\s*\)(?=[A-Z])"
               rf"|\b(?:photo|photos|image|source|credit)\s*:\s*{agency}\b")
    credit = rf"\breport by (?:the\s+)?{agency}\b|[(/]\s*{agency}\s*[)/]\s*$"
    return (re.search(pattern, head, re.IGNORECASE) is not None
            or re.search(credit, tail, re.IGNORECASE) is not None)
