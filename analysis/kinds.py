"""The kind of a message: question, bug report, feature request, complaint, praise or
other, in English and Chinese, with a confidence. How it decides, in docs/kinds.md:

1. **Is it a request at all?** Most chat is neither a question nor a report. A message is
   read as a request when it carries a cue of one: a question mark (？, 吗 and 呢 in
   Chinese), an opening question word ("how", "is there", "怎么"), or a word of trouble
   or of wanting ("error", "crash", "doesn't work", "please add", "报错", "希望"). The
   cue lists are below; they are language, not data, and hold on any community.
2. **Which request?** A linear model (softmax regression, trained by
   `scripts/train_kinds.py` on labelled GitHub issue reports and the questions of a Q&A
   site in `../shared/data`, shipped in `analysis/models/kinds.json.gz` with its data's
   hash) weighs the message's words and word pairs, its first line again, and a few
   marks (a question mark, code, a link, a stack trace) into the odds of question, bug
   report and feature request: among the kinds a cue points at in a short message ("it
   crashed?" is a question about a bug, not a feature request), among all three in a
   longer one, where cue words come and go and the model has more to weigh. Chinese is
   read through a small bilingual list (怎么 -> how, 报错 -> error, 希望 -> would be
   nice ...) that gives the model the English words it knows.
3. **Otherwise, its tone.** A message with no request cue is praise when it thanks or
   praises ("thanks", "love", "谢谢", "好用") and its sentiment is positive, a complaint
   when it has a word of displeasure ("disappointed", "ridiculous", "垃圾") and its
   sentiment is negative, or when its sentiment is strongly negative alone; anything
   else is other.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import cache, reduce
from operator import add
from pathlib import Path

from analysis.chinese import han_runs, to_simplified

MODEL_PATH = Path(__file__).parent / "models" / "kinds.json.gz"

QUESTION, BUG, FEATURE, COMPLAINT, PRAISE, OTHER = (
    "question",
    "bug_report",
    "feature_request",
    "complaint",
    "praise",
    "other",
)
KINDS = (QUESTION, BUG, FEATURE, COMPLAINT, PRAISE, OTHER)
MODEL_KINDS = (QUESTION, BUG, FEATURE)  # what the linear model tells apart
# each kind but "other" is counted in every hourly rollup, in a column of this name
KIND_COUNT_COLUMNS = {kind: f"{kind}_count" for kind in KINDS if kind != OTHER}
PRAISE_AT_LEAST = 0.3  # a message with a praise cue and at least this sentiment is praise
COMPLAINT_AT_MOST = -0.3  # a message with a complaint cue and at most this, a complaint
STRONGLY_NEGATIVE = -0.6  # a complaint even without a cue
SHORT_MESSAGE = 200  # characters: up to this, only the kinds a cue points at are weighed
READ_CHARACTERS = 2000  # a long report is read from its start: the title and first lines

_CODE_BLOCK = re.compile(r"```.*?(?:```|$)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]+`")
_LINK = re.compile(r"https?://\S+|www\.\S+")
_TRACE = re.compile(r"traceback \(most recent call last\)|exception|\berror:|\bat [\w.$]+\(")
_WORD = re.compile(r"[a-z][a-z0-9']*|[0-9]+")

# What makes a message a request (step 1) and its tone (step 3): English words, English
# phrases (matched on the lower-case words joined by spaces), Chinese (on Simplified text).
QUESTION_OPENERS = frozenset(
    "how what why where which who whom whose is are am can could should would does "
    "did anyone anybody isn't aren't doesn't didn't can't couldn't shouldn't wouldn't".split()
)
QUESTION_PHRASES = (
    "do you",
    "do i",
    "do we",
    "do they",
    "do people",
    "will it",
    "will this",
    "will that",
    "has anyone",
    "have you",
    "any idea",
    "any ideas",
    "anyone know",
    "i wonder",
    "wondering",
    "is there",
    "are there",
    "how to",
    "help me",
    "any help",
    "can someone",
    "not sure how",
    "is it possible",
)
CHINESE_QUESTION = (
    "吗",
    "呢",
    "怎么",
    "如何",
    "为什么",
    "为啥",
    "什么",
    "哪",
    "谁",
    "几点",
    "几时",
    "多久",
    "是不是",
    "请问",
    "求助",
    "有没有",
    "能不能",
    "是否",
    "可不可以",
)
TROUBLE_WORDS = frozenset(
    "error errors crash crashes crashed crashing bug bugs buggy broken broke fail fails "
    "failed failing failure exception traceback hangs hanged freeze freezes "
    "freezing frozen stuck segfault glitch glitches glitchy laggy lag lagging unresponsive "
    "disconnects disconnected outage regression corrupt corrupted unable cannot wrong".split()
)
TROUBLE_PHRASES = (
    "not working",
    "doesn't work",
    "does not work",
    "don't work",
    "didn't work",
    "didnt work",
    "doesnt work",
    "won't start",
    "won't load",
    "won't open",
    "can't open",
    "cannot open",
    "can't connect",
    "cannot connect",
    "cant connect",
    "can't log in",
    "cant log in",
    "cannot log in",
    "can't login",
    "cant login",
    "wont load",
    "wont start",
    "server is down",
    "servers are down",
    "server down",
    "servers down",
    "site is down",
    "is down again",
    "are down again",
    "messed up",
    "screwed up",
    "no signal",
    "not responding",
    "timing out",
    "times out",
    "timed out",
    "not loading",
    "isn't loading",
    "doesn't load",
    "does not load",
    "not showing up",
    "doesn't show up",
    "stopped working",
    "stops working",
    "still error",
    "have an issue",
    "having issues",
    "having an issue",
    "same problem",
    "a problem",
)
CHINESE_TROUBLE = (
    "报错",
    "错误",
    "异常",
    "崩溃",
    "闪退",
    "卡死",
    "卡住",
    "无法",
    "不能用",
    "打不开",
    "失败",
    "故障",
    "坏了",
    "没反应",
    "出问题",
    "卡顿",
    "掉线",
    "死机",
    "黑屏",
    "白屏",
    "登不上",
    "登录不了",
    "进不去",
    "连不上",
    "用不了",
    "加载不出",
    "bug",
)
WANT_OPENERS = frozenset(  # a request's first word, as in an issue's title: "Add dark mode"
    "add allow enable implement improve include introduce provide support expose extend "
    "proposal propose request feature".split()
)
WANT_PHRASES = (
    "please add",
    "would be nice",
    "would be great",
    "would love",
    "feature request",
    "could you add",
    "can you add",
    "add support",
    "support for",
    "i wish",
    "wish there",
    "it would be",
    "suggestion",
    "i suggest",
    "propose",
    "option to",
    "ability to",
    "should be able",
    "want to be able",
    "can we have",
    "can we get",
    "could we have",
    "please make",
    "please support",
)
# asking whether something will be built ("any plans to support X?", "is SSO on the
# roadmap?"): in a question, a feature request however it is worded
PLAN_PHRASES = (  # with the verb: "any plans for the weekend?" asks for no feature
    "plan to add",
    "plan to support",
    "plan to implement",
    "plans to add",
    "plans to support",
    "plans to implement",
    "planning to add",
    "planning to support",
    "planning to implement",
    "plan on adding",
    "plan on supporting",
    "on the roadmap",
    "in the roadmap",
    "will you add",
    "will you support",
    "would you add",
    "consider adding",
    "consider supporting",
    "going to add",
    "going to support",
    "going to implement",
)
CHINESE_PLAN = (
    "有没有计划支持",
    "有没有计划加",
    "计划支持",
    "打算支持",
    "会不会支持",
    "能不能加",
    "能不能支持",
    "可不可以加",
    "考虑加",
    "考虑支持",
    "路线图",
)
CHINESE_WANT = (
    "希望",
    "建议",
    "能否",
    "增加",
    "添加",
    "新增",
    "需求",
    "最好能",
    "要是能",
    "可以加",
    "加个",
    "支持一下",
)
PRAISE_WORDS = frozenset(
    "thanks thank thx ty tysm appreciate appreciated love loved lovely great awesome "
    "amazing excellent nice cool brilliant fantastic perfect wonderful kudos bravo "
    "congrats congratulations impressive helpful beautiful neat wow".split()
)
PRAISE_PHRASES = ("well done", "good job", "great job", "nice work", "great work")
CHINESE_PRAISE = (
    "谢谢",
    "感谢",
    "多谢",
    "赞",
    "棒",
    "好用",
    "喜欢",
    "厉害",
    "给力",
    "优秀",
    "满意",
    "太好了",
    "辛苦了",
    "点赞",
)
COMPLAINT_WORDS = frozenset(
    "disappointed disappointing frustrating frustrated annoying annoyed terrible awful "
    "horrible worst useless ridiculous unacceptable sucks hate ugh ffs wtf pathetic "
    "garbage trash rubbish scam refund waste confusing unfortunate angry".split()
)
COMPLAINT_PHRASES = ("come on", "fed up", "no one answers", "nobody answers", "not fixed")
CHINESE_COMPLAINT = (
    "垃圾",
    "差评",
    "失望",
    "坑",
    "太差",
    "退款",
    "投诉",
    "骗",
    "恶心",
    "烂",
    "无语",
    "吐槽",
    "郁闷",
    "气死",
    "差劲",
    "不满",
)

# Chinese cue words and the English word the model reads for each (longest first)
CHINESE_CUES = {
    "为什么": "why",
    "为啥": "why",
    "怎么办": "how",
    "怎么样": "how",
    "怎么": "how",
    "怎样": "how",
    "如何": "how",
    "什么": "what",
    "几点": "what time",
    "几时": "when",
    "多久": "how long",
    "是不是": "is it",
    "谁": "who",
    "哪里": "where",
    "哪儿": "where",
    "哪个": "which",
    "是否": "whether",
    "请问": "please help",
    "求助": "help",
    "有没有": "is there",
    "能不能": "can",
    "可不可以": "can",
    "可以吗": "can",
    "吗": "<?>",
    "呢": "<?>",
    "报错": "error",
    "错误": "error",
    "异常": "exception",
    "崩溃": "crash",
    "闪退": "crashes",
    "卡死": "freezes",
    "卡住": "stuck",
    "无法": "cannot",
    "不能": "cannot",
    "打不开": "fails to open",
    "失败": "fails",
    "故障": "broken",
    "坏了": "broken",
    "不工作": "not working",
    "没反应": "not responding",
    "重现": "reproduce",
    "复现": "reproduce",
    "版本": "version",
    "希望": "would be nice",
    "建议": "suggest",
    "增加": "add",
    "添加": "add",
    "新增": "add",
    "支持": "support",
    "功能": "feature",
    "需求": "request",
    "能否": "could",
    "要是能": "would be nice",
    "最好能": "would be nice",
}
_CHINESE_CUE = re.compile("|".join(sorted(CHINESE_CUES, key=len, reverse=True)))


def features(text: str) -> list[str]:
    """What the model reads in `text`: the features of the whole text, then those of its
    first line again, marked with "^" (an issue's title, a chat message's only line:
    the line that says most about what kind of message it is). Distinct, in order."""
    text = text[:READ_CHARACTERS].strip()
    first_line = text.split("\n", 1)[0]
    whole = text_features(text)
    first = whole if first_line == text else text_features(first_line)  # one line: the same
    return whole + [f"^{feature}" for feature in first]


def text_features(text: str) -> list[str]:
    """Lower-case words, adjacent word pairs ("how do", "do i"), the English stand-ins
    of Chinese cue words, and cue marks (`<?>` a question mark, `<?end>` one at the end,
    `<code>`, `<link>`, `<trace>`). Distinct, in order."""
    text = text.lower()
    marks = []
    if _CODE_BLOCK.search(text) or _INLINE_CODE.search(text):
        marks.append("<code>")
        text = _INLINE_CODE.sub(" ", _CODE_BLOCK.sub(" ", text))
    if _TRACE.search(text):
        marks.append("<trace>")
    if _LINK.search(text):
        marks.append("<link>")
        text = _LINK.sub(" ", text)
    if "?" in text or "？" in text:
        marks.append("<?>")
        if text.rstrip().endswith(("?", "？")):
            marks.append("<?end>")
    words = _WORD.findall(text)
    for run in () if text.isascii() else han_runs(to_simplified(text)):
        for cue in _CHINESE_CUE.findall(run):
            stand_in = CHINESE_CUES[cue]
            if stand_in.startswith("<"):
                marks.append(stand_in)
            else:
                words.extend(stand_in.split())
    found = dict.fromkeys(marks)
    found.update(dict.fromkeys(words))
    found.update(dict.fromkeys(f"{a} {b}" for a, b in zip(words, words[1:], strict=False)))
    return list(found)


_ADDRESSEE = re.compile(r"^\s*@?[\w.|`^\[\]-]{1,32}[:,]\s+")  # "nick: how do i..."


@dataclass(frozen=True)
class Cues:
    """Which cues a message carries (step 1 and step 3 of the module's docstring)."""

    question: bool
    trouble: bool
    want: bool
    praise: bool
    complaint: bool
    plan: bool = False  # asks whether something is planned (PLAN_PHRASES)

    @property
    def request_kinds(self) -> tuple[str, ...]:
        if self.question and self.plan:
            return (FEATURE,)
        found = ((QUESTION, self.question), (BUG, self.trouble), (FEATURE, self.want))
        return tuple(kind for kind, present in found if present)


def cues(text: str) -> Cues:
    lower = _LINK.sub(" ", text[:READ_CHARACTERS].lower()).replace("’", "'")
    words = _WORD.findall(lower)
    first = _WORD.search(_ADDRESSEE.sub("", lower, count=1))  # "nick: how ..."
    opening = (first.group(),) if first else ()
    padded = f" {' '.join(words)} "
    chinese = "" if lower.isascii() else "".join(han_runs(to_simplified(lower)))
    word_set = set(words)

    def has(word_list, phrases, chinese_cues) -> bool:
        return (
            not word_set.isdisjoint(word_list)
            or (  # (a phrase is searched for only when a word of the text can begin it)
                not word_set.isdisjoint(_first_words(phrases))
                and _any_of(phrases).search(padded) is not None
            )
            or (
                bool(chinese and chinese_cues)
                and _any_of(chinese_cues, False).search(chinese) is not None
            )
        )

    asks = "?" in lower or "？" in lower or not QUESTION_OPENERS.isdisjoint(opening)
    return Cues(
        question=asks or has((), QUESTION_PHRASES, CHINESE_QUESTION),
        trouble=has(TROUBLE_WORDS, TROUBLE_PHRASES, CHINESE_TROUBLE),
        want=not WANT_OPENERS.isdisjoint(opening) or has((), WANT_PHRASES, CHINESE_WANT),
        praise=has(PRAISE_WORDS, PRAISE_PHRASES, CHINESE_PRAISE),
        complaint=has(COMPLAINT_WORDS, COMPLAINT_PHRASES, CHINESE_COMPLAINT),
        plan=has((), PLAN_PHRASES, CHINESE_PLAN),
    )


@cache
def _first_words(phrases: tuple[str, ...]) -> frozenset[str]:
    return frozenset(phrase.split(" ", 1)[0] for phrase in phrases)


@cache
def _any_of(phrases: tuple[str, ...], spaced: bool = True) -> re.Pattern:
    """One pattern finding any of `phrases`: as whole words between spaces (in the
    space-joined words of a text), or anywhere (Chinese cues)."""
    alternatives = "|".join(re.escape(phrase) for phrase in sorted(phrases, key=len, reverse=True))
    return re.compile(f"(?<= )(?:{alternatives})(?= )" if spaced else alternatives)


@dataclass(frozen=True)
class Reading:
    kind: str
    # 0.5..1: a request, half for its cue, the other half the model's probability of its
    # kind; praise and complaint, 0.5 at the sentiment's cut to 1 at the end of the
    # scale; other, 1
    confidence: float


@dataclass(frozen=True)
class KindModel:
    kinds: tuple[str, ...]  # MODEL_KINDS, in the order of each weight vector
    weights: dict[str, list[float]]  # feature -> one weight per kind
    bias: list[float]
    data: dict[str, str]  # training file -> sha256

    def probabilities(self, text: str) -> list[float]:
        """P(kind) for each of `kinds`. The text's known features count equally and
        together as one unit vector (a long report weighs no more than a line)."""
        found = [w for w in map(self.weights.get, features(text)) if w is not None]
        known = len(found)
        columns = zip(*found, strict=True) if found else ([] for _ in self.bias)
        sums = [reduce(add, column, 0.0) for column in columns]  # feature after feature
        scale = 1 / math.sqrt(known) if known else 0.0
        scores = [bias + total * scale for bias, total in zip(self.bias, sums, strict=True)]
        top = max(scores)
        exps = [math.exp(score - top) for score in scores]
        total = sum(exps)
        return [value / total for value in exps]

    def read(self, text: str, compound: float | None) -> Reading:
        """The kind of `text`, given its sentiment score (None: not scored)."""
        found = cues(text)
        asked = found.request_kinds
        if asked:
            if len(text) > SHORT_MESSAGE:
                asked = self.kinds
            probabilities = dict(zip(self.kinds, self.probabilities(text), strict=True))
            kind = max(asked, key=probabilities.__getitem__)
            return Reading(kind, round(0.5 + 0.5 * probabilities[kind], 4))
        return tone(found, compound)


def tone(found: Cues, compound: float | None) -> Reading:
    """Praise, complaint or other, for a message that asks and reports nothing."""
    if compound is not None:
        if found.praise and compound >= PRAISE_AT_LEAST:
            return Reading(PRAISE, round(_beyond(compound, PRAISE_AT_LEAST), 4))
        if compound <= STRONGLY_NEGATIVE or (found.complaint and compound <= COMPLAINT_AT_MOST):
            return Reading(COMPLAINT, round(_beyond(compound, COMPLAINT_AT_MOST), 4))
    return Reading(OTHER, 1.0)


def _beyond(compound: float, cut: float) -> float:
    """Confidence of a tone-read kind: 0.5 at the cut, 1 at the end of the scale."""
    return min(1.0, 0.5 + 0.5 * abs(compound - cut) / (1 - abs(cut)))


@cache
def model() -> KindModel:
    with gzip.open(MODEL_PATH, "rt", encoding="utf-8") as handle:
        stored = json.load(handle)
    return KindModel(
        kinds=tuple(stored["kinds"]),
        weights=stored["weights"],
        bias=stored["bias"],
        data=stored["data"],
    )


def read_kind(text: str, compound: float | None) -> Reading:
    return model().read(text, compound)
