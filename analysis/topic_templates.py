"""Starting topics for a new community, by kind of community. A community chooses one
when it is created (or none, the default of `ecg import` and the Import page): a topic
list made for a software product mislabels a college forum. No pattern matches plain
numbers. The demo community uses `software`."""

from __future__ import annotations

from analysis.topics import DEFAULT_TOPICS, TopicRule
from analysis.topics import keyword_rule as rule

GAMING = (
    rule("bugs and crashes", "#d62728", "bug bugs crash crashed crashes glitch glitchy freeze"),
    rule("lag and servers", "#8c564b", "lag laggy ping servers disconnect disconnected dc"),
    rule("matchmaking", "#1f77b4", "matchmaking queue ranked elo mmr lobby teammates"),
    rule("balance", "#ff7f0e", "nerf nerfed buff buffed overpowered meta balance"),
    rule("cheating", "#e377c2", "cheater cheaters cheating hacker hackers aimbot wallhack"),
    rule("updates", "#bcbd22", "patch update season changelog", "patch notes|new season"),
    rule("store and purchases", "#2ca02c", "refund purchase purchased skins store bundle"),
    rule("events", "#9467bd", "event tournament giveaway stream scrim"),
)

EDUCATION = (
    rule(
        "admissions",
        "#1f77b4",
        "admission admissions accepted rejected waitlist waitlisted deferred decision "
        "decisions application applications",
        "early decision|regular decision",
    ),
    rule("courses", "#ff7f0e", "course courses class classes professor lecture syllabus"),
    rule("exams and grades", "#d62728", "exam exams midterm midterms finals grade grades gpa"),
    rule("financial aid", "#2ca02c", "scholarship scholarships tuition fafsa loan loans", "aid"),
    rule("campus life", "#9467bd", "dorm dorms housing roommate campus club clubs"),
    rule("careers", "#8c564b", "internship internships job jobs career resume interview"),
)

COMMERCE = (
    rule("orders and shipping", "#1f77b4", "order orders shipping shipped delivery tracking"),
    rule("returns and refunds", "#d62728", "return returns refund refunds exchange"),
    rule("payments", "#ff7f0e", "payment pay card charged invoice checkout"),
    rule("product quality", "#8c564b", "broken defective damaged quality fake"),
    rule("customer service", "#9467bd", "support service agent reply", "no response"),
    rule("promotions", "#2ca02c", "discount coupon sale promo deal"),
)

GENERAL = (
    rule("welcome", "#2ca02c", "welcome hello joined introduce introduction"),
    rule("events", "#9467bd", "event events meetup meeting call stream"),
    rule("feedback", "#1f77b4", "feedback suggestion suggestions idea ideas"),
    rule("moderation", "#d62728", "spam rules ban banned report reported mod moderator"),
    rule("announcements", "#bcbd22", "announcement announcements news"),
)

TEMPLATES: dict[str, tuple[TopicRule, ...]] = {
    "none": (),
    "software": DEFAULT_TOPICS,
    "gaming": GAMING,
    "education": EDUCATION,
    "commerce": COMMERCE,
    "general": GENERAL,
}
DESCRIPTIONS = {
    "none": "no topics: add your own on the Topics page",
    "software": "a software product: billing, bugs, outage, help, releases…",
    "gaming": "a game: bugs and crashes, lag, matchmaking, balance, cheating…",
    "education": "a school or admissions forum: admissions, courses, exams, aid…",
    "commerce": "a shop: orders, returns and refunds, payments, quality…",
    "general": "any community: welcome, events, feedback, moderation…",
}


def template(name: str) -> tuple[TopicRule, ...]:
    """The starting topics named `name`; ValueError naming the choices otherwise."""
    if name not in TEMPLATES:
        raise ValueError(f"topic template {name!r}: choose one of {', '.join(TEMPLATES)}")
    return TEMPLATES[name]
