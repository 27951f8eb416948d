"""Reading figures: what each number in a sentence measures, its value and the rounding it carries.

A figure is a number the NER tagged (CARDINAL, MONEY, PERCENT, QUANTITY, TIME, DATE), or a clock time,
an age ("850-year-old") or a length the NER missed. Its *measure* is what an editor would say it counts:
the kind and unit (count, percent, money in one currency, length, duration, clock time, age), the event
word of its clause (killed, injured, detained, fired, turnout ...), the noun it counts ("firefighters",
"flats"), the nationality that narrows it ("72 German nationals"), and for ages and shares of a vote the
person it belongs to. Rounding hedges give an interval: "about 500" holds 485, "at least 40" does not
hold 35. Words that say the figure changed ("rose to", "revised", "up from", "now") are kept too.
"""

from __future__ import annotations

import bisect
import functools
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from ..entities import EntityIndex
from ..models import Article, Mention, Sentence
from .timeline import StoryDate, resolve

FIGURE_LABELS = frozenset({"CARDINAL", "MONEY", "PERCENT", "QUANTITY", "TIME", "DATE"})
EVENT_WINDOW = 9
"""Words either side of a figure, within its clause, searched for the event it measures."""
MEASURE_NOUN_WINDOW = 14
"""Words before a figure searched for a noun that names a measure outright ("the death toll in the Easter Sunday
attacks on churches and high-end hotels to 290")."""
NOUN_WORDS = 2
"""Nouns after a figure, past its modifiers, that may name what it counts ("Four top Saudi intelligence officials")."""
CHANGE_WINDOW = 5
"""Words either side of a figure within which "now", "so far", "already" make it a running tally."""
SUBJECT_WINDOW = 6
"""Words either side of a share (percent) within which the person it belongs to is named."""
BREAK_CACHE_SIZE = 512
"""Sentences whose clause breaks are remembered while their figures are read."""
HEDGE_SPREAD = 0.05
"""The least a rounding hedge reaches, as a share of the figure: "at least 253" is 253-265."""
CLOCK_SPREAD_MINUTES = 5
"""How far a hedged clock time reaches: "about 6:30 pm" is 6:25-6:35."""

_NUMBER_WORDS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty": 20, "thirty": 30, "forty": 40, "fifty": 50,
    "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90, "a": 1, "an": 1, "dozen": 12,
}
_SCALES = {"hundred": 1e2, "thousand": 1e3, "k": 1e3, "million": 1e6, "m": 1e6, "mn": 1e6, "mln": 1e6,
           "billion": 1e9, "bn": 1e9, "b": 1e9, "trillion": 1e12, "tn": 1e12}
_FRACTIONS = {"½": 0.5, "¼": 0.25, "¾": 0.75, "⅓": 1 / 3, "⅔": 2 / 3}
_DIGITS = re.compile(r"(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?([½¼¾⅓⅔])?(?:\s*-?\s*(hundred|thousand|million|billion|"
                     r"trillion|mln|mn|bn|tn|k|m|b)\b)?", re.IGNORECASE)
_NUMBER_WORD = re.compile(r"\b(" + "|".join(w for w in _NUMBER_WORDS if len(w) > 2) + r")(?:[\s-]+(one|two|three|"
                          r"four|five|six|seven|eight|nine))?(?:\s+(hundred|thousand|million|billion))?\b", re.IGNORECASE)
_VAGUE_AMOUNT = re.compile(r"\b(?:dozens|hundreds|thousands|millions|billions|scores|several|few|many|handful)\b",
                           re.IGNORECASE)
_RANGE = re.compile(r"\d\s*(?:-|–|to|or)\s*\d|\bbetween\b.*\band\b", re.IGNORECASE)

_HEDGES = (
    (re.compile(r"\b(?:at least|more than|over|upwards of|in excess of|no fewer than|at minimum|just over|"
                r"a minimum of)\s*$", re.IGNORECASE), 0.0, 1.0),
    (re.compile(r"\b(?:nearly|almost|up to|as many as|fewer than|less than|under|just under|close to|"
                r"at most|no more than)\s*$", re.IGNORECASE), -1.0, 0.0),
    (re.compile(r"\b(?:about|around|some|roughly|approximately|an estimated|estimated|approx\.?|circa|"
                r"or so|nearly about)\s*$", re.IGNORECASE), -0.5, 0.5),
)
"""Rounding hedges and the interval each gives, in rounding steps either side of the number."""
_CURRENCIES = (
    (re.compile(r"€|\beuros?\b|\beur\b", re.IGNORECASE), "EUR"),
    (re.compile(r"£|\bpounds?\b|\bsterling\b|\bgbp\b", re.IGNORECASE), "GBP"),
    (re.compile(r"\$|\bdollars?\b|\busd\b", re.IGNORECASE), "USD"),
    (re.compile(r"¥|\byen\b|\byuan\b", re.IGNORECASE), "JPY/CNY"),
    (re.compile(r"₹|\brupees?\b|\brs\.?", re.IGNORECASE), "INR"),
)
_LENGTH_UNITS = {"km": 1000.0, "kilometre": 1000.0, "kilometer": 1000.0, "kms": 1000.0, "mile": 1609.34,
                 "mi": 1609.34, "metre": 1.0, "meter": 1.0, "m": 1.0, "ft": 0.3048, "foot": 0.3048, "feet": 0.3048,
                 "yard": 0.9144, "yd": 0.9144, "cm": 0.01, "inch": 0.0254, "inches": 0.0254}
_MASS_UNITS = {"tonne": 1000.0, "ton": 1000.0, "t": 1000.0, "kg": 1.0, "kilogram": 1.0, "kilo": 1.0,
               "pound": 0.4536, "lb": 0.4536, "lbs": 0.4536, "gram": 0.001, "g": 0.001}
_AREA_UNITS = {"hectare": 1e4, "acre": 4046.86, "sq km": 1e6, "square kilometre": 1e6, "square kilometer": 1e6,
               "square mile": 2.59e6, "square metre": 1.0, "square meter": 1.0}
_UNITS = {name: (kind, factor) for units, kind in ((_MASS_UNITS, "mass"), (_LENGTH_UNITS, "length"),
                                                  (_AREA_UNITS, "area")) for name, factor in units.items()}
_UNIT_NAME = re.compile(r"(?<![a-z])(" + "|".join(re.escape(n) for n in sorted(_UNITS, key=len, reverse=True))
                        + r")(?:e?s)?(?![a-z])")
_DURATION_UNITS = {"second": 1 / 3600, "minute": 1 / 60, "hour": 1.0, "day": 24.0, "week": 168.0,
                   "month": 730.0, "year": 8766.0, "decade": 87660.0, "century": 876600.0}
_UNIT_AFTER = re.compile(
    r"^\s*-?\s*(square (?:kilomet(?:re|er)|mile|met(?:re|er))s?|sq km|kilomet(?:re|er)s?|km|kms|miles?|mi|met(?:re|er)s?|"
    r"m|ft|foot|feet|yards?|yd|cm|inch(?:es)?|tonnes?|tons?|kg|kilograms?|kilos?|pounds?|lbs?|grams?|g|t|hectares?|acres?|"
    r"euros?|dollars?|pounds sterling|yen|yuan|rupees?|percent|per cent|%|degrees?|°[CF]?|C\b|F\b)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(r"\b(second|minute|hour|day|week|month|year|decade|centur)(?:y|ies|s)?\b", re.IGNORECASE)
_OFFSET = re.compile(r"^\s*(?:later|earlier|ago|before|afterwards|since)\b", re.IGNORECASE)
_RANGE_AROUND = re.compile(r"\d\s*(?:or|to|-|–)\s*$", re.IGNORECASE)
_RANGE_AFTER = re.compile(r"^\s*(?:or|to|-|–)\s*\d", re.IGNORECASE)
_WHOLE_OF = re.compile(r"(?:\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten))\s+of\s+(?:the\s+)?$", re.IGNORECASE)
_PERIOD_BEFORE = re.compile(r"\b(?:in|during|over|within|for|throughout)\s+(?:the\s+)?(?:first\s+|last\s+)?$",
                            re.IGNORECASE)
_POINTS = re.compile(r"^\s*-?\s*(?:percentage\s+)?points?\b", re.IGNORECASE)
_MULTIPLIER = re.compile(r"^\s*(?:times|-?fold)\b", re.IGNORECASE)
_CONVERSION_BEFORE = re.compile(r"\d[\d,.]*\s*(?:[a-z]+\s*)?(?:euros?|dollars?|pounds?|yen|yuan|rupees?|bn|m|"
                                r"million|billion)?\s*\(\s*[^\s\d(]{0,3}\s*$", re.IGNORECASE)
_OUT_OF = re.compile(r"^\s*out of\b|^\s*in (?:every )?(?:\d|ten|five|four|three|two)", re.IGNORECASE)
_OUT_OF_BEFORE = re.compile(r"\bout of\s*$", re.IGNORECASE)
_DELTA_BEFORE = re.compile(r"\b(?:by|up|down|rose|fell|dropped|gained|lost)\s+(?:(?:more than|nearly|almost|about|"
                           r"around|some|over|at least|just|only)\s+)?$", re.IGNORECASE)
_OTHER_AFTER = re.compile(r"^\s*(?:more\s+)?other\b", re.IGNORECASE)
_DEMONSTRATIVE_BEFORE = re.compile(r"\b(?:these|those)\s+$", re.IGNORECASE)
_OWNER_BEFORE = re.compile(r"\b(?:his|her|my|your|our)\s+(?:own\s+)?$", re.IGNORECASE)
_POPULATION_OF = re.compile(r"\b(?:island|country|nation|city|state|town|village|region|province|territory|capital)"
                            r"\s+of\s*(?:about|around|some|nearly|almost|more than|over)?\s*$", re.IGNORECASE)
_OFFSET_IN_SPAN = re.compile(r"\b(?:later|earlier|ago|before|after|past|last|next|recent|coming|first|within)\b",
                             re.IGNORECASE)
_NAME_WORDS = re.compile(r"\b(?:flight|route|number|no\.|room|gate|platform|article|section|chapter|vol\.|stage|level|"
                         r"grade|category|phase|type|class|size|version|model|series|season|episode|page|"
                         r"called|dialled|dialed)\s*$|#\s*$",
                         re.IGNORECASE)
_CAPITALISED_BEFORE = re.compile(r"(?<=[a-z,;]\s)([A-Z][A-Za-z]*)\s*$")
_SENTENCE_WORDS = frozenset(
    "About Around Some Nearly Almost Over More At Only Just The Of Up By To From Than And Monday Tuesday Wednesday "
    "Thursday Friday Saturday Sunday January February March April May June July August September October November "
    "December Jan Feb Mar Apr Jun Jul Aug Sep Sept Oct Nov Dec".split()
)
"""Capitalised words a number may follow without being part of a name ("said Thursday 75 Germans")."""
_CLOCK = re.compile(r"\b(\d{1,2})(?:[:.](\d\d))?\s*(a\.?m\.?|p\.?m\.?)(?![a-z])|\b(\d{1,2}):(\d\d)\b(?!\s*(?:%|per))",
                    re.IGNORECASE)
_AGE = re.compile(r"\b(\d[\d,.]*[½¼¾]?|[a-z]+(?:-[a-z]+)?)[\s-]+(year|century|decade)s?[\s-]+old\b", re.IGNORECASE)
_ANY_DIGIT = re.compile(r"\d")
_NUMBER_START = re.compile(r"\d|\b(?:" + "|".join(w for w in _NUMBER_WORDS if len(w) > 2) + r")\b", re.IGNORECASE)
_PLAIN_AGE = re.compile(r"^\(?(\d{1,3})\)?$")
_MAGNITUDE = re.compile(r"\bmagnitude\s*(?:of\s*)?$|^-?\s*magnitude\b|^\s*on the richter", re.IGNORECASE)

_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*|\d[\d,.]*")
_CLAUSE_BREAK = re.compile(r"[;:—–•|]|\s-\s|\s--\s|,\s+(?:while|but|whereas|although|though|as)\b|"
                           r"\b(?:while|whereas)\b")
_EVENT_BREAK = re.compile(_CLAUSE_BREAK.pattern + r"|,\s+(?!(?:including|among|of whom|killing|injuring|wounding|"
                                                  r"leaving|bringing|raising|with|most|many|all|some|and|presumed|believed)\b)")
"""Where the search for a figure's event word stops: its clause, and commas that do not carry the event on
("Even if each has only two children, population will grow" - but "..., killing 27 people")."""
_PIECE_BREAK = re.compile(_CLAUSE_BREAK.pattern + r"|\band\b")
"""Finer than a clause: a date ties a figure only within the same "and"-separated piece."""
_COORDINATED = re.compile(r"^\s*(?:[A-Za-z-]+\s+){0,2}?(?:and|plus)\s+(?:\d|one|two|three|four|five|six|seven|eight|"
                          r"nine|ten|eleven|twelve)", re.IGNORECASE)
_COORDINATED_BEFORE = re.compile(r"(?:\d|\bone|\btwo|\bthree|\bfour|\bfive|\bsix|\bseven|\beight|\bnine|\bten)[\w-]*"
                                 r"(?:\s+[A-Za-z-]+){0,2}?\s+(?:and|plus)\s*$", re.IGNORECASE)
_PART_OF = re.compile(r"^\s*of\s+(?:the\s+|those\s+|these\s+)?(?:[\d,]+\s+)?([A-Za-z-]+)(?:\s+[A-Za-z-]+)?\s+"
                      r"(?:were|are|was|is)\s+(?:of\s+)?(.{0,40})", re.IGNORECASE)
_WERE_QUALIFIED = re.compile(r"^\s*(?:were|are)\s+(?:of\s+)?(.{0,40})", re.IGNORECASE)
_CHANGE = re.compile(
    r"\b(?:rose|risen|rises|rising|raised|raising|climbed|climbing|increased|increasing|jumped|swelled|soared|grew|"
    r"reached|touched|revised|revising|revision|lowered|lowering|reduced|updated|corrected|correction|"
    r"initially|initial|earlier (?:figure|estimate|count|toll|tally)|previous|previously|preliminary|preliminarily|"
    r"first estimates?|latest|new (?:toll|figure|estimate|count|tally)|final|up from|down from|down to|"
    r"expected to (?:rise|increase|climb|grow)|could rise|may rise|exit polls?|initial polling|partial results|"
    r"preliminary results|already|earlier,?\s+(?:[\w'’]+\s+){0,6}?(?:had\s+)?(?:said|announced|"
    r"reported|estimated|put))\b",
    re.IGNORECASE,
)
"""Words that say a figure changed or will change; anywhere in the figure's clause."""
_CHANGE_NEAR = re.compile(r"\b(?:now|so far|to date|as of)\b", re.IGNORECASE)
"""Words that make a figure a running tally ("is now 17", "has already received $700 million") only within a few
words of it ("the so far fruitless search" says nothing of the figure)."""
_CUMULATIVE = re.compile(r"\b(?:since|so far|to date|in total|altogether|overall|in all|(?:in|over|during) the (?:past|"
                         r"last)|year-long|months-long|weeks-long|throughout)\b", re.IGNORECASE)
"""Words that make a figure a running total of a long span ("9,000 killed since March"), not one day's count."""
_WILL_CHANGE = re.compile(r"^(?:the|these|this|that|those)\s+(?:numbers?|figures?|tolls?|counts?|tally|totals?)\b.{0,40}"
                          r"\b(?:expected|likely|set|could|may|might|will)\b.{0,20}\b(?:rise|increase|climb|grow|"
                          r"change)", re.IGNORECASE)
_FROM_TO = re.compile(r"\bfrom\s+[\d,.]+\s+to\s+[\d,.]+|\bto\s+[\d,.]+,?\s+from\s+(?:the\s+previous\s+\w+\s+of\s+)?"
                      r"[\d,.]+", re.IGNORECASE)
_REPORT_VERB = re.compile(r"^(?:said|says|say|told|tells|announced|announces|reported|reports|confirmed|confirms|"
                          r"revealed|stated|added|tweeted|raised|revised|lowered|updated|released|published|issued)$",
                          re.IGNORECASE)
_CALENDAR_WORD = re.compile(r"\b(?:ago|last|this|next|previous)\b|\b(?:19|20)\d\d\b", re.IGNORECASE)
_REFERENCE_POINT = re.compile(r"\b(?:following|after|before|since|ahead of|prior to)\s+(?:the\s+|last\s+)?$",
                              re.IGNORECASE)
_PERIOD_PREPOSITION = re.compile(r"\b(?:over|during|since|between|from|until|through|throughout|in)\s+(?:the\s+)?$",
                                 re.IGNORECASE)

# General English: event words and the measure they name. Priority 2 marks the nouns that name a measure
# outright ("death toll", "turnout"), which beat a verb further away.
_EVENTS: dict[str, tuple[str, int]] = {}
for _class, _priority, _vocabulary in (
    ("killed", 1, "kill killed kills killing dead death deaths died die dies dying fatalities fatality fatal perished "
                  "martyred bodies lives"),
    ("killed", 2, "toll"),
    ("injured", 1, "injured injuring injuries injury wounded wounding hurt hospitalised hospitalized hospital stabbed "
                   "hospitals treated casualties"),
    ("critical", 1, "critical intensive"),
    ("missing", 1, "missing unaccounted"),
    ("arrested", 1, "arrested arrest arrests detained detaining detention detentions detainees held custody "
                    "jailed imprisoned prisoners"),
    ("charged", 1, "charged indicted convicted sentenced"),
    ("rescued", 1, "rescued escaped evacuated survived survivors saved freed"),
    ("displaced", 1, "displaced homeless refugees fled"),
    ("expelled", 1, "expelled expel expelling expulsion expulsions deported"),
    ("dismissed", 1, "fired sacked dismissed removed ousted resigned"),
    ("deployed", 1, "deployed dispatched mobilised mobilized"),
    ("vote", 1, "vote votes voted voters ballots ballot won winning wins gets got secured securing received"),
    ("turnout", 2, "turnout"),
    ("pledged", 1, "pledged pledges pledge donations donated donate raised fund funds"),
    ("cost", 1, "cost costs costing damage damages losses"),
    ("fire", 1, "fire fires blaze flames inferno burned burning raged"),
    ("fighting", 1, "battle raid assault siege firefight gunfight standoff stand-off clashes operation"),
    ("started", 1, "began begun started erupted broke sparked ignited"),
    ("flight", 1, "flight flew flying"),
    ("magnitude", 2, "magnitude quake earthquake tremor"),
    ("population", 2, "population inhabitants residents"),
):
    for _word in _vocabulary.split():
        _EVENTS[_word] = (_class, _priority)

_UNCOUNTED_KINDS = frozenset({"clock", "duration", "age", "percent", "points"})
"""Kinds of figure that count nothing: no counted noun or nationality is read after them."""
_TIME_ONLY_EVENTS = frozenset({"fire", "fighting", "started", "flight", "vote"})
"""Events that name what a time, a duration or a share is of ("the fire began at 6:30 pm", "won 73 percent of the
vote"), never what a count counts."""
_EVENT_PEOPLE = {"arrested": {"suspect", "detainee", "prisoner"}, "injured": {"patient", "casualty"},
                 "killed": {"body", "fatality", "casualty"}, "rescued": {"survivor"}, "charged": {"suspect", "defendant"}}
"""The people an event word counts by its own name ("13 suspects were held" counts the arrested)."""
PEOPLE_EVENTS = frozenset({"killed", "injured", "critical", "missing", "arrested", "charged", "rescued", "displaced",
                            "expelled", "dismissed", "deployed"})
"""Events whose counts are of people: a count of things ("eight blasts") near one of them does not measure it."""
PERSON_NOUNS = frozenset(
    "people person men women children boy girl adult teenager student pupil teacher passenger crew pilot official "
    "officer police policeman soldier troop militant rebel fighter insurgent civilian worker employee staff miner "
    "resident citizen national tourist visitor victim patient survivor suspect detainee prisoner protester "
    "demonstrator activist journalist reporter diplomat agent firefighter rescuer doctor nurse member lawmaker "
    "legislator senator voter supporter fan spectator worshipper pilgrim migrant refugee other individual".split()
)
"""Counted nouns that name people (singular, as `_noun_class` gives them; "people" stands for the general ones)."""
_PEOPLE = frozenset("people person persons individuals victims civilians dead men women children adults "
                    "nationals citizens".split())
"""Counted nouns that mean people in general: they compare with each other as one."""
_NOUN_CLASSES = {
    **{w: "country" for w in "countries country nations nationalities nationality states".split()},
    **{w: "home" for w in "flats flat apartments apartment homes home houses dwellings units".split()},
    **{w: "firefighter" for w in "firefighters firefighter firemen fireman".split()},
    **{w: "building" for w in "building cathedral church mosque temple tower structure landmark monument palace castle "
                              "bridge basilica".split()},
}
_MODIFIERS = frozenset(
    "different other more senior top young old new former foreign local total further additional extra excess some all "
    "about confirmed reported suspected alleged known possible likely official unofficial "
    "nearly almost least most many several only just estimated".split()
)
_NOT_NOUNS = frozenset(
    "the a an of to in on at for and or but by with from as that this these those is are was were be been being has "
    "have had will would could should may might can who which what when where while also than per each percent cent "
    "there here it its their his her they he she we our you inside outside away long high tall wide deep remain remains "
    "remained stay stayed live lived died die work worked face faced include included need needed came went took "
    "got made".split()
)
_FUNCTION_WORD = re.compile(r"\b(?:the|a|an|of|to|in|on|at|for|with|from|by|as|that|who|which|were|are|was|is|have|"
                            r"has|had|and|or|but)\b", re.IGNORECASE)
_CONJUNCTIONS = frozenset({"and", "or", "but"})
_PHRASE_END = re.compile(r"[,.;:()\"“”!?]")
_BEARING = re.compile(r"^\s*(?:\w+\s+){0,2}?(?:((?:north|south)?-?\s?(?:east|west)|north|south)(?:ern|wards?)?\s+of|"
                      r"(from|off|away from))\b", re.IGNORECASE)
_WORD_SPAN = re.compile(r"^(?:\s*[A-Za-z][A-Za-z'’-]*){0,3}?(?=\s+(?:were|are)\b)|^")
_NATIONALITY_AFTER = re.compile(r"\s*(?:were|are)\s+(?:of\s+)?", re.IGNORECASE)
_LOCATIVE = re.compile(r"\b(?:in|at|near|across|outside|throughout|around)\s+(?:the\s+)?(?:[a-z-]+\s+){0,3}?(?:of\s+)?"
                       r"(?:the\s+)?$")
"""A locative preposition before a place, allowing a few lower-case words ("in the northern city of Aleppo")."""
_FOREIGN = re.compile(r"\bforeign(?:ers?)?\b", re.IGNORECASE)
_NORP_LABELS = frozenset({"NORP"})
_QUALIFIER_LABELS = frozenset({"NORP", "GPE"})
_PLACE_LABELS = frozenset({"GPE", "LOC", "FAC"})


@dataclass(slots=True)
class Figure:
    """One figure in one sentence: its verbatim text, value and interval, and what it measures."""

    sentence: Sentence
    start: int
    end: int
    kind: str
    value: float
    low: float
    high: float
    event: str = ""
    noun: str = ""
    qualifier: str = ""
    subject: str = ""
    counted: str = ""
    cumulative: bool = False
    place: str = ""
    places: frozenset[str] = frozenset()
    anchors: tuple[StoryDate | str, ...] = ()
    changed: bool = False
    published: date | None = None
    reported: date | None = None

    @property
    def text(self) -> str:
        """The figure as its sentence writes it."""
        return self.sentence.text[self.start:self.end]


def sentence_figures(sentence: Sentence, index: EntityIndex, reference: date | None,
                     articles: Sequence[Article]) -> list[Figure]:
    """The figures of one sentence with what each measures."""
    text = sentence.text
    article = articles[sentence.article]
    figures = [f for start, end, label in _candidate_spans(sentence)
               if (f := _read(sentence, start, end, label, index)) is not None]
    if not figures:
        return figures
    anchors = _event_anchors(sentence, article.published or reference)
    changed_text = bool(_FROM_TO.search(text)) or _next_says_changed(sentence, article)
    for figure in figures:
        start, end = figure.start, figure.end
        piece_start, piece_end = _clause(text, start, end, _PIECE_BREAK)
        figure.anchors = tuple(a for a, (s, e) in anchors if piece_start <= s and e <= piece_end)
        figure.places = _places(sentence, index, piece_start, piece_end)
        figure.cumulative = bool(_CUMULATIVE.search(text, piece_start, piece_end))
        clause_start, clause_end = _clause(text, start, end)
        figure.changed = (changed_text or bool(_CHANGE.search(text, clause_start, clause_end))
                          or bool(_CHANGE_NEAR.search(_window_text(text, start, end, CHANGE_WINDOW))))
        figure.published = article.published
        figure.reported = article.published or reference
    return figures


def _next_says_changed(sentence: Sentence, article: Article) -> bool:
    """Whether the sentence after this one says its figures will change ("These numbers are expected to increase")."""
    following = article.sentences[sentence.position + 1] if sentence.position + 1 < len(article.sentences) else None
    return following is not None and bool(_WILL_CHANGE.match(following.text))


def _candidate_spans(sentence: Sentence) -> list[tuple[int, int, str]]:
    """Figure mentions of the NER, plus clock times, ages and lengths its tags miss or cut."""
    text = sentence.text
    spans = [(m.start, m.end, m.label) for m in sentence.mentions if m.label in FIGURE_LABELS]
    has_digit = _ANY_DIGIT.search(text) is not None
    extra = [(m.start(), m.end(), "TIME") for m in _CLOCK.finditer(text)] if has_digit else []
    if "old" in text:
        extra += [(m.start(), m.end(), "AGE") for m in _AGE.finditer(text)]
    merged = []
    for start, end, label in extra:
        overlapping = [s for s in spans if s[0] < end and start < s[1]]
        if label == "AGE" or not overlapping:
            spans = [s for s in spans if s not in overlapping]
            merged.append((start, end, label))
    return sorted(spans + merged)


def _read(sentence: Sentence, start: int, end: int, label: str, index: EntityIndex) -> Figure | None:
    """A figure's kind, value and measure, or None when it is no measure (a calendar date, a range, a vague amount)."""
    text = sentence.text
    span = text[start:end]
    if label == "AGE":
        return _age(sentence, start, end, index)
    if label == "DATE":
        plain = _PLAIN_AGE.match(span.strip())
        if plain:
            person = _adjacent_person(sentence, start, end, index)
            if not person:
                return None
            value = float(plain[1])
            return Figure(sentence, start, end, "age", value, value, value, subject=person)
        if not _DURATION.search(span) or re.search(r"\bago\b|-old\b", span, re.IGNORECASE):
            return None
    if _RANGE.search(span) or (_VAGUE_AMOUNT.search(span) and not _DIGITS.search(span)):
        return None
    if label == "TIME" or (label == "CARDINAL" and _CLOCK.fullmatch(span.strip())):
        clock = _CLOCK.search(span)
        if clock:
            figure = _clock(sentence, start, end, clock)
            _measure(figure, index)
            return figure
    parsed = parse_number(span)
    if parsed is None:
        return None
    value, step, unit = parsed
    after = text[end:end + 30]
    kind, factor = _kind(span, label, after, text[max(0, start - 30):start])
    if kind is None:
        return None
    if kind.startswith("duration") and (_OFFSET.match(after) or _OFFSET_IN_SPAN.search(span) or re.match(
            r"\s*after\b", after) and not _PERIOD_BEFORE.search(text[max(0, start - 25):start])):
        return None  # "nine hours later", "seven hours after contact was lost": when, not how long
    if kind == "count" and (re.match(r"-[A-Za-z]", after) or _is_identifier(text[max(0, start - 30):start])):
        return None  # "a three-page report", "Flight 302", "Boeing 737": an attribute or a name, not a count
    if kind == "count" and (_MULTIPLIER.match(after) or _OUT_OF.match(after) or _OUT_OF_BEFORE.search(
            text[max(0, start - 25):start])):
        return None  # "46 times higher", "nine out of 10 winners": a ratio
    if kind.startswith("money") and _CONVERSION_BEFORE.search(text[max(0, start - 40):start]):
        return None  # "600 million euros (£520 million)": the same sum converted, not another figure
    if _DELTA_BEFORE.search(text[max(0, start - 25):start]):
        return None  # "lowered the toll by more than 100", "up 13 points": a change, not the measure
    if kind == "count" and (_OTHER_AFTER.match(after) or _OWNER_BEFORE.search(text[max(0, start - 12):start])
                            or _DEMONSTRATIVE_BEFORE.search(text[max(0, start - 8):start])):
        return None  # "two other homes", "his two kids", "these two bodies": a group already named, not a measure
    if kind == "count" and value == 1 and not _DIGITS.search(span):
        return None  # "one of them", "a member": a single thing is named, not counted
    if kind == "count" and re.match(r"\s*of\b", after) and not _PART_OF.match(after):
        return None  # "one of the first places", "four of six attacks": a part, not a measure
    low, high = _interval(text, start, span, value, step, unit, kind)
    figure = Figure(sentence, start, end, kind, value * factor, low * factor, high * factor)
    _measure(figure, index)
    if kind == "count" and re.match(r"\s*of\b", after) and not figure.qualifier:
        return None  # "six of those arrested are Klan supporters": a subset, not the measure
    if (_RANGE_AROUND.search(text[max(0, start - 12):start]) or _RANGE_AFTER.match(after)) and not _FROM_TO.search(
            text, max(0, start - 30), min(len(text), end + 30)):
        return None  # "20 or 30 beats", "300 to 400 people": one end of a range ("from 359 to 253" is a change)
    if kind == "count" and _WHOLE_OF.search(text[max(0, start - 15):start]):
        return None  # "four of five charges": the whole a part is taken from
    coordinated = _COORDINATED.match(after) or _COORDINATED_BEFORE.search(text[max(0, start - 40):start])
    if kind == "count" and coordinated and not figure.qualifier:
        return None  # a part of a sum ("149 passengers and eight crew"): the sum is the measure
    if kind == "count" and not (figure.event or figure.noun):
        return None  # a bare number: nothing says what it counts
    return figure


def _is_identifier(before: str) -> bool:
    """Whether a number is part of a name: "Flight 302", "Boeing 737", "No. 10", "#5"."""
    if _NAME_WORDS.search(before):
        return True
    capitalised = _CAPITALISED_BEFORE.search(before)
    return capitalised is not None and capitalised[1] not in _SENTENCE_WORDS


def parse_number(text: str) -> tuple[float, float, float] | None:
    """The number a figure's text gives, the rounding step it is written to, and its last written digit's place
    ("more than 350" -> 350, 10, 1; "$1.5bn" -> 1.5e9, 1e8, 1e8; "Thirty-seven" -> 37, 1, 1; "8½" -> 8.5, .5, .5);
    None for ordinals ("14th") and text without a number."""
    match = _DIGITS.search(text)
    if match:
        if re.match(r"(?:st|nd|rd|th)\b", text[match.end(1) + len(match[2] or "") + (1 if match[2] else 0):],
                    re.IGNORECASE):
            return None
        digits = match[1].replace(",", "")
        scale = _SCALES.get((match[4] or "").lower(), 1.0)
        value = float(digits + (f".{match[2]}" if match[2] else "")) + _FRACTIONS.get(match[3] or "", 0.0)
        if match[3]:
            step = unit = 0.5
        elif match[2]:
            step = unit = 10.0 ** -len(match[2])
        else:
            unit = 1.0
            step = 10.0 ** (len(digits) - len(digits.rstrip("0"))) if len(digits) > 1 and int(digits) else 1.0
        return value * scale, step * scale, unit * scale
    match = _NUMBER_WORD.search(text)
    if not match:
        return None
    tens = _NUMBER_WORDS[match[1].lower()]
    value = float(tens + (_NUMBER_WORDS[match[2].lower()] if match[2] else 0))
    scale = _SCALES.get((match[3] or "").lower(), 1.0)
    return value * scale, (10.0 if tens >= 20 and not match[2] else 1.0) * scale, scale


def _kind(span: str, label: str, after: str, before: str) -> tuple[str | None, float]:
    """The kind and unit of a figure ("count", "percent", "money:EUR", "length", "duration" ...) and its unit factor."""
    unit = _UNIT_AFTER.match(after)
    unit_word = unit[1].lower() if unit else ""
    words = (span + " " + unit_word).lower()
    if label == "PERCENT" or unit_word in {"percent", "per cent", "%"} or re.search(r"%|\bper ?cent\b", span, re.I):
        return "percent", 1.0
    if _POINTS.match(after):
        return "points", 1.0
    symbol = before.rstrip()[-1:]
    for pattern, currency in _CURRENCIES:
        if (label == "MONEY" or unit_word or symbol) and pattern.search(span + " " + unit_word + " " + symbol):
            return f"money:{currency}", 1.0
    if _MAGNITUDE.search(before) or _MAGNITUDE.search(after):
        return "magnitude", 1.0
    for match in _UNIT_NAME.finditer(words.replace("-", " ")):
        name = match[1]
        if name in {"m", "t", "g"} and not re.search(rf"\d\s*{name}\b", words):
            continue  # "m" / "t" / "g" only right after digits ("110m"), never the word "t"
        kind, factor = _UNITS[name]
        return kind, factor
    if re.search(r"°|\bdegrees?\b|\d\s*[CF]\b", words):
        return "temperature", 1.0
    duration = _DURATION.search(span)
    if duration and label in {"DATE", "TIME", "CARDINAL", "QUANTITY"}:
        return "duration", _DURATION_UNITS[duration[1].lower().replace("centur", "century")]
    if label in {"DATE", "TIME"}:
        return None, 1.0
    if label == "MONEY":
        return "money:?", 1.0
    if label == "QUANTITY":
        return f"quantity:{(re.findall(r'[a-z]+', words) or ['?'])[-1]}", 1.0
    return "count", 1.0


def _interval(text: str, start: int, span: str, value: float, step: float, unit: float, kind: str,
              ) -> tuple[float, float]:
    """The values a figure allows. A rounding hedge reaches one rounding step of the number as written, and at least
    `HEDGE_SPREAD` of it: "about 500" is 450-550 (so it holds 485), "at least 40" is 40-50, "nearly 400" 300-400,
    "some 240" 228-252. An unhedged count is exact; other unhedged figures hold what rounds to their last digit
    ("73%": 72.5-73.5, "3.3 million": 3.25-3.35 million), trailing zeros not counting as rounding ("300ft")."""
    hedged = text[max(0, start - 25):start] + " " + span[: _first_digit(span)]
    if re.search(r"\w+ed\s+up to\s*$", hedged.rstrip() + " ", re.IGNORECASE):
        hedged = ""  # "rounded up to 72", "raised up to 300": the figure itself, not a ceiling
    reach = max(step, HEDGE_SPREAD * value)
    for pattern, low, high in _HEDGES:
        if pattern.search(hedged.rstrip()):
            return value + low * reach, value + high * reach
    if kind == "count" and step >= 1 and value == int(value) and value < 1e6:
        return value, value
    spread = min(0.49 * unit, HEDGE_SPREAD * abs(value))
    return value - spread, value + spread


def _first_digit(span: str) -> int:
    match = _NUMBER_START.search(span)
    return match.start() if match else 0


def _clock(sentence: Sentence, start: int, end: int, clock: re.Match) -> Figure:
    """A clock time in minutes after midnight; hedged ("about 6:30 pm") it spans `CLOCK_SPREAD_MINUTES` either way."""
    hour = int(clock[1] or clock[4])
    minute = int(clock[2] or clock[5] or 0)
    meridiem = (clock[3] or "").lower().replace(".", "")
    if meridiem == "pm" and hour < 12:
        hour += 12
    elif meridiem == "am" and hour == 12:
        hour = 0
    value = float(hour * 60 + minute)
    hedged = re.search(r"\b(?:about|around|approximately|roughly|shortly|just)\b", sentence.text[max(0, start - 20):end],
                       re.IGNORECASE)
    spread = CLOCK_SPREAD_MINUTES if hedged else 0
    return Figure(sentence, start, end, "clock", value, value - spread, value + spread)


def _age(sentence: Sentence, start: int, end: int, index: EntityIndex) -> Figure | None:
    """An age: "the 27-year-old Abaaoud" belongs to the person beside it, "the 850-year-old cathedral" to a building."""
    match = _AGE.match(sentence.text, start)
    if match is None:
        return None
    parsed = parse_number(match[1])
    if parsed is None:
        return None
    value, _, unit = parsed
    factor = {"year": 1.0, "decade": 10.0, "century": 100.0}[match[2].lower()]
    step = unit if unit < 1 else 1 / factor  # an age is exact to the year, or to the fraction written ("8½ centuries")
    subject = _adjacent_person(sentence, start, end, index)
    if not subject:
        following = _WORD.findall(sentence.text[end:end + 40])
        noun = next((w.lower() for w in following if w.lower() not in _NOT_NOUNS and w.lower() not in _MODIFIERS), "")
        if _NOUN_CLASSES.get(noun) != "building":
            return None
        subject = "building"
    low, high = _interval(sentence.text, start, sentence.text[start:end], value, step, step, "age")
    return Figure(sentence, start, end, "age", value * factor, low * factor, high * factor, subject=subject)


def _adjacent_person(sentence: Sentence, start: int, end: int, index: EntityIndex) -> str:
    """The person named right before ("Mr Lukashenko, 66,") or after ("the 38-year-old Tsikhanouskaya") an age."""
    for other in sentence.mentions:
        entity = index.entity_of(sentence, other)
        if entity is None or entity.label != "PERSON":
            continue
        gap = sentence.text[other.end:start] if other.end <= start else sentence.text[end:other.start]
        if len(gap) <= 3 and re.fullmatch(r"[\s,(]*", gap):
            return entity.name
    return ""


def _measure(figure: Figure, index: EntityIndex) -> None:
    """Fill what a figure measures: its event word, the noun it counts, a nationality, a person for shares."""
    sentence, text = figure.sentence, figure.sentence.text
    clause_start, clause_end = _clause(text, figure.start, figure.end)
    event_start, event_end = _clause(text, figure.start, figure.end, _EVENT_BREAK)
    before = _words(text, event_start, figure.start)[-MEASURE_NOUN_WINDOW:]
    after = _words(text, figure.end, event_end)[:EVENT_WINDOW]
    counted_event = ""
    if figure.kind not in _UNCOUNTED_KINDS:
        figure.noun, figure.qualifier, counted_event, figure.counted = _counted_noun(sentence, figure, index)
    if re.match(r"^\s*(?:\w+\s+){0,2}?there\b", text[figure.end:clause_end]):
        figure.qualifier = figure.qualifier or "there"  # "at least 104 dead there": one place of several
    figure.event = counted_event or _nearest_event(before, after)
    if _POPULATION_OF.search(text[max(0, figure.start - 40):figure.start]):
        figure.event = "population"  # "the island of 3.3 million people"
    if figure.kind not in {"clock", "duration", "percent", "points"} and figure.event in _TIME_ONLY_EVENTS:
        figure.event = ""
    if figure.event in PEOPLE_EVENTS and figure.noun not in PERSON_NOUNS | {"", "country"} and not counted_event:
        figure.event = ""  # "three lawsuits" near "deaths", "eight blasts" near "death toll": things, not the dead
    if figure.kind == "count" and figure.event in PEOPLE_EVENTS and (
            not figure.noun or counted_event or figure.noun in _EVENT_PEOPLE.get(figure.event, ())):
        figure.noun = "people"  # "the toll rose to 290", "24 arrests", "13 suspects held": people, not officers
    if figure.kind in {"percent", "points"} and event_priority(figure.event) < 2 or figure.kind.startswith("money"):
        figure.subject = _nearest_entity(sentence, figure, index, clause_start, clause_end, {"PERSON", "ORG"})
    if figure.kind == "length":
        figure.place = _direction_or_place(sentence, figure, index, clause_end)


def _counted_noun(sentence: Sentence, figure: Figure, index: EntityIndex) -> tuple[str, str, str, str]:
    """What a count counts, from the words after it: (noun class, nationality or "foreign", event named by the noun,
    the words as written: "German nationals")."""
    text = sentence.text
    after = text[figure.end:figure.end + 80]
    phrase_end = figure.end + _start_or_length(_PHRASE_END.search(after), after)
    modifiers_end = figure.end + _start_or_length(_FUNCTION_WORD.search(after), after)
    qualifier = _qualifier(sentence, figure.end, min(phrase_end, modifiers_end), index)
    part = _PART_OF.match(after)
    if part:  # "35 of the dead were foreigners", "40 of the victims were foreign nationals"
        word = part[1].lower()
        event = _EVENTS.get(word, ("", 0))[0]
        start = figure.end + part.start(2)
        nationality = _qualifier(sentence, start, start + len(part[2]), index)
        return _noun_class(word), nationality, event, part[2].split(",")[0].strip(" .,;:")
    qualified = _WERE_QUALIFIED.match(after)
    if qualified and (_qualifier(sentence, figure.end, figure.end + qualified.end(), index)):
        start = figure.end + qualified.start(1)
        as_written = " ".join(_WORD.findall(qualified[1])[:2])
        return "people", _qualifier(sentence, start, start + len(qualified[1]), index), "", as_written
    nouns, written = [], []
    for word in _WORD.findall(text[figure.end:phrase_end]):
        lower = word.lower()
        if lower in _NOT_NOUNS or word[0].isdigit() or lower in _EVENTS and lower not in _PEOPLE:
            break
        if _is_norp_word(sentence, word, index):
            written.append(word)
        if lower in _MODIFIERS or lower.endswith("ly") or _is_norp_word(sentence, word, index):
            continue
        nouns.append(lower)
        written.append(word)
        if len(nouns) == NOUN_WORDS or lower in _PEOPLE or not word[0].isupper() and lower.endswith("s"):
            break  # a plural closes the noun phrase ("flats thought to be home", "people remain")
    noun = _noun_class(nouns[-1]) if nouns else ""
    word_span = _WORD_SPAN.match(after)
    phrase_start = figure.end + (len(word_span[0]) if word_span else 0)
    nationality_after = _NATIONALITY_AFTER.match(text, phrase_start)
    if not qualifier and nationality_after:  # "42 passengers were of Spanish nationality"
        span = nationality_after.end() - nationality_after.start()
        qualifier = _qualifier(sentence, phrase_start, phrase_start + span + 25, index)
    if not noun and re.match(r"^\s*(?:on board|aboard)\b", after, re.IGNORECASE):
        noun = "people"
    if not noun and qualifier:
        noun = "people"  # "18 Canadians", "75 Germans"
    event = _EVENTS.get(nouns[-1], ("", 0))[0] if nouns else ""
    return noun, qualifier, event, " ".join(written).strip(".,;:")


def _noun_class(word: str) -> str:
    """The class of a counted noun: people, or a few general groups of synonyms, else the word's singular form."""
    word = word.lower().replace("’", "'")
    if word in _PEOPLE:
        return "people"
    if word in _NOUN_CLASSES:
        return _NOUN_CLASSES[word]
    return re.sub(r"(?:ies)$", "y", word) if word.endswith("ies") else re.sub(r"(?<=[^s])s$", "", word)


def _qualifier(sentence: Sentence, start: int, end: int, index: EntityIndex) -> str:
    """A nationality (NORP) or "foreign" among the words from `start` to `end`: what narrows a count."""
    for mention in sentence.mentions:
        if start <= mention.start < end and (mention.label in _NORP_LABELS or mention.label in _QUALIFIER_LABELS
                                             and not sentence.text[start:mention.start].strip()):
            return _demonym_key(mention.text)
    foreign = _FOREIGN.search(sentence.text, start, end)
    return "foreign" if foreign else ""


def _demonym_key(text: str) -> str:
    """German/Germans/Germany -> "germ": nationality words compared by their first letters."""
    return re.sub(r"[^a-z]", "", text.lower())[:4]


def _is_norp_word(sentence: Sentence, word: str, index: EntityIndex) -> bool:
    return any(m.label in _QUALIFIER_LABELS and word in m.text for m in sentence.mentions) or bool(_FOREIGN.fullmatch(word))


def event_priority(event: str) -> int:
    """2 for events that name a measure outright (toll, turnout, magnitude), else 1 (0 for none)."""
    return max((p for c, p in _EVENTS.values() if c == event), default=0)


def _nearest_event(before: list[str], after: list[str]) -> str:
    """The class of the event word nearest the figure in its clause; nouns naming a measure outright come first.
    A conjunction between the word and the figure puts it further away ("killed and 450 others injured")."""
    best: tuple[int, float, str] | None = None
    crossed = 0.0
    for distance, word in enumerate(reversed(before), start=1):
        if distance > EVENT_WINDOW and _EVENTS.get(word.lower(), ("", 0))[1] < 2:
            continue  # beyond the window only a measure noun ("toll") counts
        crossed = crossed or (1.5 if word.lower() in _CONJUNCTIONS else 0.0)
        best = _better(best, word, distance + crossed)
    crossed = 0.0
    for distance, word in enumerate(after, start=1):
        best = _better(best, word, distance - 0.5 + crossed)
        crossed = crossed or (1.5 if word.lower() in _CONJUNCTIONS else 0.0)
    return best[2] if best else ""


def _better(best: tuple[int, float, str] | None, word: str, distance: float) -> tuple[int, float, str] | None:
    lower = word.lower()
    if lower == "dead" and best is not None and best[2] == "missing":
        return (2, distance, "killed")  # "missing, presumed dead" counts the dead
    event = _EVENTS.get(lower)
    if event is None:
        return best
    candidate = (event[1], distance, event[0])
    if best is None or (-candidate[0], candidate[1]) < (-best[0], best[1]):
        return candidate
    return best


def _places(sentence: Sentence, index: EntityIndex, start: int, end: int) -> frozenset[str]:
    """The places a figure's clause says it happened in ("in Damascus", "at the Grenfell Tower in London")."""
    places = set()
    for mention in sentence.mentions:
        if mention.label in _PLACE_LABELS and start <= mention.start < end and _LOCATIVE.search(
                sentence.text[max(start, mention.start - 30):mention.start]):
            entity = index.entity_of(sentence, mention)
            places.add((entity.name if entity else mention.text).lower())
    return frozenset(places)


def _direction_or_place(sentence: Sentence, figure: Figure, index: EntityIndex, clause_end: int) -> str:
    """What a distance is measured from: the place named after it ("62 km south-east of Addis Ababa"), else its bearing."""
    text = sentence.text[figure.end:clause_end]
    bearing = _BEARING.match(text)
    if bearing is None:
        return ""
    after = figure.end + bearing.end()
    for mention in sentence.mentions:
        if mention.label in _PLACE_LABELS and after <= mention.start <= after + 25:
            entity = index.entity_of(sentence, mention)
            return f"place:{entity.name if entity else mention.text}"
    return "bearing:" + re.sub(r"[^a-z]", "", (bearing[1] or "").lower()) if bearing[1] else ""


def _nearest_entity(sentence: Sentence, figure: Figure, index: EntityIndex, clause_start: int, clause_end: int,
                    labels: set[str]) -> str:
    """The entity of `labels` named nearest a figure within its clause and `SUBJECT_WINDOW` words."""
    best: tuple[int, str] | None = None
    for mention in sentence.mentions:
        entity = index.entity_of(sentence, mention)
        if entity is None or entity.label not in labels or not (clause_start <= mention.start < clause_end):
            continue
        gap = (sentence.text[mention.end:figure.start] if mention.end <= figure.start
               else sentence.text[figure.end:mention.start])
        words = len(_WORD.findall(gap))
        if words <= SUBJECT_WINDOW and (best is None or words < best[0]):
            best = (words, entity.name)
    return best[1] if best else ""


def _event_anchors(sentence: Sentence, reference: date | None) -> list[tuple[StoryDate | str, tuple[int, int]]]:
    """The dates a sentence ties its events to, with their spans; dates of a report ("said on Monday") are left out."""
    anchors: list[tuple[StoryDate | str, tuple[int, int]]] = []
    text = sentence.text
    for mention in sentence.mentions:
        if mention.label != "DATE" or _DURATION.search(mention.text) and not _CALENDAR_WORD.search(mention.text):
            continue
        if _is_report_date(text, mention):
            continue
        resolved = resolve(Mention(re.sub(r"['’]s\b", "", mention.text), "DATE", mention.start, mention.end), reference)
        if resolved is not None:
            anchors.append((resolved, (mention.start, mention.end)))
        elif re.search(r"\b(?:weekend|yesterday|today|tonight|last|next|this)\b", mention.text, re.IGNORECASE):
            anchors.append((" ".join(_WORD.findall(mention.text.lower())), (mention.start, mention.end)))
    return anchors


def _is_report_date(text: str, mention: Mention) -> bool:
    """Whether a date says when something was reported ("police said on Thursday"), not when it happened."""
    if _PERIOD_PREPOSITION.search(text[max(0, mention.start - 20):mention.start]):
        return False
    if _REFERENCE_POINT.search(text[max(0, mention.start - 20):mention.start]):
        return True  # "following Wednesday's fire": the date of another event, not of the figure
    before = _WORD.findall(text[max(0, mention.start - 30):mention.start])[-3:]
    after = _WORD.findall(text[mention.end:mention.end + 40])[:4]
    near = [w for w in before[-2:] if w.lower() != "on"] + after
    return any(_REPORT_VERB.match(w) for w in near)


def _clause(text: str, start: int, end: int, breaks: re.Pattern = _CLAUSE_BREAK) -> tuple[int, int]:
    """The span of the clause around a figure: between punctuation that parts clauses (";", dashes, ", while")."""
    starts, ends = _break_positions(text, breaks)
    before = bisect.bisect_right(ends, start) - 1
    after = bisect.bisect_left(starts, end)
    return (ends[before] if before >= 0 else 0), (starts[after] if after < len(starts) else len(text))


@functools.lru_cache(maxsize=BREAK_CACHE_SIZE)
def _break_positions(text: str, breaks: re.Pattern) -> tuple[list[int], list[int]]:
    """Where `breaks` matches in a sentence: the starts and the ends, each ascending (a few figures share them)."""
    matches = list(breaks.finditer(text))
    return [m.start() for m in matches], [m.end() for m in matches]


def _start_or_length(match: re.Match | None, text: str) -> int:
    """Where a search matched in `text`, or its length when it did not."""
    return match.start() if match else len(text)


def _words(text: str, start: int, end: int) -> list[str]:
    return _WORD.findall(text[start:end])


def _window_text(text: str, start: int, end: int, words: int) -> str:
    """The text from `words` words before a figure to `words` words after it, within its clause."""
    clause_start, clause_end = _clause(text, start, end)
    before = text[clause_start:start].split()[-words:]
    after = text[end:clause_end].split()[:words]
    return " ".join([*before, text[start:end], *after])
