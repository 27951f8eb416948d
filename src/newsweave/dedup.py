"""The clean stage of corpus mode: tell news reports from other pages, and find copies of one report.

Two questions are asked of every page of a stream before it is grouped:

- is it a news report at all? Error pages, cookie walls, embedded-tweet boilerplate, web-archive
  notices, link lists and texts too short to be a report are marked with a reason and kept out
  of stories (`non_article_reason`);
- is it a copy of a report already seen (the same wire story carried by several outlets, a
  syndicated copy with another headline or footer)? `NearDuplicateIndex` answers with MinHash
  LSH (datasketch) over word shingles, so a story keeps one origin with several carriers.
"""

from __future__ import annotations

import functools
import hashlib
import re
import zlib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import NamedTuple

import numpy as np

from .clean import clean_text

MIN_REPORT_WORDS = 40
"""A text with fewer words (after page furniture is removed) is too short to be a news report, unless it reads as a brief."""
MIN_BRIEF_SENTENCE_WORDS = 10
"""A short text is a news brief when one of its sentences has this many words and it does not address the reader."""
MIN_SENTENCE_SHARE = 0.5
"""A link list: less than this share of its words are in lines that read like sentences."""
SHINGLE_WORDS = 5
_SHINGLE_BASE = 1_000_003
NUM_PERM = 64
DUPLICATE_THRESHOLD = 0.7
"""Estimated Jaccard similarity of shingle sets above which two pages are copies of one report."""

# Each kind of page that is not a news report, with lines that betray it: (keyword, pattern) pairs,
# a pattern being tried only on lines whose lower-cased text holds its keyword (most lines hold none).
_NON_ARTICLE_KINDS: dict[str, list[tuple[str, str]]] = {
    "error-page": [
        ("0", r"\b(?:404|403|500|502|503)\b.{0,40}\b(?:not found|error|forbidden|unavailable)\b"),
        ("page ", r"\bpage (?:you (?:are|were) looking for|not found|cannot be found|could not be found|does not exist|"
                  r"is no longer available|has (?:been )?(?:moved|removed))\b"),
        ("page you", r"\bpage you (?:requested|tried to reach) (?:could not|cannot|can't|was not|is not|does not)\b"),
        ("bookmark", r"\btrying to reach a page from a bookmark\b"),
        ("access ", r"\baccess (?:denied|to this page has been denied)\b"),
        ("error", r"\ban? (?:unexpected )?error (?:has )?occurred\b"),
        ("went wrong", r"\bsomething went wrong\b"),
        ("unavailable", r"\bservice (?:temporarily )?unavailable\b"),
        ("this ", r"\bthis (?:article|story|content|video) (?:is no longer|has expired|has been removed|is not available)"),
    ],
    "cookie-wall": [
        ("cookies", r"\b(?:we|this (?:site|website)) uses? cookies\b|\b(?:accept|agree to) (?:all )?cookies\b"),
        ("cookie ", r"\bcookie (?:settings|preferences|consent|policy)\b"),
        ("site", r"\bby (?:continuing to (?:use|browse)|using) (?:this|our) (?:site|website)\b"),
        ("please ", r"\bplease (?:enable|turn on) (?:javascript|cookies)\b"),
        ("block", r"\b(?:ad ?blocker|adblock)\b.{0,60}\b(?:disable|whitelist|turn off)\b"),
    ],
    "tweet-embed": [
        ("tweet", r"\btweet with a location\b|\badd (?:a )?location (?:information )?to your tweets\b|"
                  r"\b(?:tweet|post) (?:is|was) (?:unavailable|deleted)\b|\bembed (?:this )?tweet\b"),
        ("twitter", r"\btwitter (?:stores|may store) (?:that|your) location\b|\bpic\.twitter\.com/"),
        ("location history", r"\blocation history\b"),
        ("unavailable", r"\b(?:post (?:is|was) unavailable|this (?:tweet|media) (?:is|may be) unavailable)\b"),
        ("deleted", r"\bpost (?:is|was) deleted\b"),
        ("third-party", r"\bthird-party applications?\b"),
    ],
    "archive-notice": [
        ("crawl", r"\bcrawl (?:data|of outlinks|start date|end date)\b|\bthis crawl was run\b|\bweb wide crawl\b"),
        ("crawler", r"\bcrawler configuration\b"),
        ("number of ", r"\bnumber of (?:unique urls|hosts|(?:unique )?captures)\b"),
        ("publicly accessible", r"\b(?:data|files) (?:is|are) (?:currently )?not publicly accessible\b"),
        ("wayback", r"\bwayback machine\b"),
        ("internet archive", r"\binternet archive\b"),
        ("seed for", r"\bthe seed for (?:this|the|\w+) crawl\b|\bthe seed for \w+ was\b"),
        ("archive-it", r"\barchive-it\b"),
        ("web ", r"\bweb (?:captures|collections?|crawl)\b"),
    ],
    "sign-in-page": [
        ("sign in", r"\bsign in (?:using|with) (?:your|you) (?:\w+ )?(?:account|profile)\b|\bplease sign in\b|\bsign in to (?:continue|comment)\b"),
        ("account", r"\balready have an account\b|\bcreate (?:an|your) account\b|\blog ?in(?:to)? (?:to )?your account\b"),
        ("registration", r"\bby submitting your registration information\b"),
        ("password", r"\bforgot (?:your )?password\b"),
        ("regist", r"\bthank you for registering\b"),
        ("confirmation email", r"\bwe have sent (?:you )?a confirmation email\b"),
    ],
}
_KIND_RULES = [
    (kind, keyword, re.compile(pattern, re.IGNORECASE))
    for kind, rules in _NON_ARTICLE_KINDS.items()
    for keyword, pattern in rules
]
_WORD = re.compile(r"\w+(?:['’.-]\w+)*")
_SENTENCE_END = re.compile(r"[.!?\"'”’)\]:]\s*$")
_ADDRESSES_READER = re.compile(r"\b(?:you|your|click|subscribe|sign up|log in|join us|enable)\b", re.IGNORECASE)
_WHOLE_SENTENCE = re.compile(r"[^.!?]+[.!?][\"'”’)]*(?=\s|$)")
_LINK_LIST_MAX_WORDS = 12
"""A line of a link list is short; a line this long is prose even without an end mark."""


def non_article_reason(text: str) -> str | None:
    """Why a cleaned text is not a news report ('error-page', 'too-short', ...), or None if it is one."""
    lines = [line.strip() for line in text.split("\n") if line.strip()]
    kept: list[str] = []
    hits: dict[str, int] = {}
    for line in lines:
        kind = _line_kind(line)
        if kind is None:
            kept.append(line)
        else:
            hits[kind] = hits.get(kind, 0) + len(_WORD.findall(line))
    words = len(_WORD.findall("\n".join(kept)))
    if hits and (sum(hits.values()) >= words or words < MIN_REPORT_WORDS * 2 and sum(hits.values()) >= words / 2):
        return max(sorted(hits), key=hits.__getitem__)
    if words < MIN_REPORT_WORDS and (hits or not _is_news_brief(kept)):
        return max(sorted(hits), key=hits.__getitem__) if hits else "too-short"
    if _is_link_list(kept):
        return "link-list"
    return None


class CorpusText(NamedTuple):
    """A page cleaned for the corpus: its text, why it is not a news report (or None), its date line's date."""

    text: str
    reason: str | None
    published: date | None


def clean_for_corpus(raw: str) -> CorpusText:
    """Strip page furniture, then say whether what is left is a news report."""
    cleaned = clean_text(raw)
    reason = non_article_reason(cleaned.text)
    if reason == "too-short":  # the cleaner may have removed the very lines that say what the page is
        reason = non_article_reason(raw) or reason
        reason = "too-short" if reason == "link-list" else reason
    return CorpusText(cleaned.text, reason, cleaned.published)


def text_fingerprint(text: str, words: Sequence[str] | None = None) -> str:
    """A hash of a text's words (case and spacing ignored): equal for the same report saved twice. `words`: the
    text's `corpus_words` when they are at hand."""
    joined = " ".join(corpus_words(text) if words is None else words)
    return hashlib.sha1(joined.encode("utf-8")).hexdigest()


def corpus_words(text: str) -> list[str]:
    """A text's words, lower-cased, as its fingerprint and its shingles read them."""
    return _WORD.findall(text.lower())


def _line_kind(line: str) -> str | None:
    lowered = line.lower()
    for kind, keyword, rule in _KIND_RULES:  # a plain loop: this runs on every line of every page
        if keyword in lowered and rule.search(line):
            return kind
    return None


def _is_news_brief(lines: list[str]) -> bool:
    """A one-paragraph report ("Police on Friday arrested ..."): a whole sentence, and no word to the reader (a form, a prompt)."""
    text = " ".join(lines)
    if _ADDRESSES_READER.search(text):
        return False
    return any(len(_WORD.findall(sentence)) >= MIN_BRIEF_SENTENCE_WORDS for sentence in _WHOLE_SENTENCE.findall(text))


def _is_link_list(lines: list[str]) -> bool:
    if len(lines) < 6:
        return False
    prose = [line for line in lines if _SENTENCE_END.search(line) or len(line.split()) > _LINK_LIST_MAX_WORDS]
    prose_words = sum(len(line.split()) for line in prose)
    return prose_words / sum(len(line.split()) for line in lines) < MIN_SENTENCE_SHARE


def shingle_hashes(text: str, words: Sequence[str] | None = None) -> np.ndarray:
    """32-bit hashes of a text's runs of `SHINGLE_WORDS` words (lower-cased), without repeats. `words`: the text's
    `corpus_words` when they are at hand."""
    word_hashes = np.fromiter(map(zlib.crc32, map(str.encode, corpus_words(text) if words is None else words)),
                              dtype=np.uint64)
    if len(word_hashes) == 0:
        return word_hashes
    width = min(SHINGLE_WORDS, len(word_hashes))
    hashes = np.zeros(len(word_hashes) - width + 1, dtype=np.uint64)
    for offset in range(width):
        hashes = (hashes * np.uint64(_SHINGLE_BASE) + word_hashes[offset : offset + len(hashes)]) & np.uint64(0xFFFFFFFF)
    return np.unique(hashes)


def _crc32(data: bytes) -> int:
    return zlib.crc32(data)


def minhash_signature(text: str, num_perm: int = NUM_PERM, words: Sequence[str] | None = None) -> np.ndarray:
    """The MinHash signature of a text's word shingles (datasketch; the same in every process and run). `words`: the
    text's `corpus_words` when they are at hand."""
    from datasketch import MinHash

    template = _minhash_template(num_perm)
    minhash = MinHash(num_perm=num_perm, hashfunc=int, permutations=template.permutations, scheme=template.scheme)
    minhash.update_batch(shingle_hashes(text, words).tolist())
    return minhash.hashvalues


@functools.cache
def _minhash_template(num_perm: int):  # noqa: ANN202 - datasketch MinHash
    from datasketch import MinHash

    return MinHash(num_perm=num_perm, hashfunc=_crc32)


class NearDuplicateIndex:
    """A MinHash LSH index of the reports seen so far: finds the origin a new report is a copy of."""

    __slots__ = ("_lsh", "_signatures", "_template", "threshold")

    def __init__(self, *, threshold: float = DUPLICATE_THRESHOLD, num_perm: int = NUM_PERM) -> None:
        from datasketch import MinHashLSH

        self.threshold = threshold
        self._lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self._template = _minhash_template(num_perm)
        self._signatures: dict[str, np.ndarray] = {}

    def signature(self, text: str) -> np.ndarray:
        """The MinHash signature of a text's word shingles (stable across processes)."""
        return minhash_signature(text, self.num_perm)

    @property
    def num_perm(self) -> int:
        """Permutations of the signatures this index holds."""
        return len(self._template.hashvalues)

    def origin_of(self, signature: np.ndarray) -> str | None:
        """The key of the indexed report this signature copies most closely, or None."""
        minhash = self._minhash(signature)
        best: tuple[float, str] | None = None
        for key in self._lsh.query(minhash):
            similarity = minhash.jaccard(self._minhash(self._signatures[key]))
            if similarity >= self.threshold and (best is None or (similarity, key) > best):
                best = (similarity, key)
        return best[1] if best else None

    def add(self, key: str, signature: np.ndarray) -> None:
        """Index a report as a possible origin of later copies."""
        self._lsh.insert(key, self._minhash(signature), check_duplication=False)
        self._signatures[key] = signature

    def remove(self, keys: Iterable[str]) -> None:
        """Forget reports (of closed stories), so memory does not grow with the archive."""
        for key in keys:
            if self._signatures.pop(key, None) is not None:
                self._lsh.remove(key)

    def __len__(self) -> int:
        return len(self._signatures)

    def _minhash(self, signature: np.ndarray):  # noqa: ANN202 - datasketch MinHash
        from datasketch import MinHash

        return MinHash(num_perm=len(signature), hashfunc=_crc32, hashvalues=signature, permutations=self._template.permutations,
                       scheme=self._template.scheme)


def copy_origins(texts: Sequence[str], *, threshold: float = DUPLICATE_THRESHOLD) -> list[int]:
    """For each text, the position of the earlier text it is a copy of, or its own position when it is an origin.

    Corpus mode's test, on the few reports of one brief: the same word shingles and the same
    `DUPLICATE_THRESHOLD`, with the exact Jaccard similarity where the corpus estimates it by MinHash
    (`NearDuplicateIndex`). The same report saved twice, or a syndicated copy with another headline
    or footer, is one origin with several carriers.
    """
    shingles = [shingle_hashes(text) for text in texts]
    origins: list[int] = []
    for position, own in enumerate(shingles):
        earlier = [(_jaccard(own, shingles[other]), other) for other in range(position) if origins[other] == other]
        best = max(earlier, default=(0.0, position))
        origins.append(best[1] if best[0] >= threshold else position)
    return origins


def _jaccard(a: np.ndarray, b: np.ndarray) -> float:
    """Jaccard similarity of two sets of shingle hashes (sorted, without repeats)."""
    union = len(a) + len(b)
    if not union:
        return 0.0
    shared = len(np.intersect1d(a, b, assume_unique=True))
    return shared / (union - shared)
