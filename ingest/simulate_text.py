"""Wording for the simulated community: per topic and mood, chatter, other languages."""

from __future__ import annotations

import random

_FEATURES = (
    "dark mode",
    "the export",
    "search",
    "notifications",
    "the mobile app",
    "SSO",
    "the API",
)


def fill(rng: random.Random, template: str) -> str:
    if "{" not in template:
        return template
    return template.format(
        feature=rng.choice(_FEATURES),
        version=f"{rng.randint(1, 4)}.{rng.randint(0, 12)}",
        n=rng.randint(2, 40),
    )


TOPIC_TEXT: dict[str, dict[str, list[str]]] = {
    "billing": {
        "positive": [
            "The refund came through in a day, thanks a lot!",
            "Love the new pricing, the yearly subscription is a great deal",
        ],
        "neutral": [
            "Where can I download last month's invoice?",
            "Does the subscription renew on the first of the month?",
            "Is there a student price for the pro plan?",
        ],
        "negative": [
            "I was charged twice this month, this is unacceptable",
            "Still waiting on my refund after {n} days, terrible billing support",
            "Why did my subscription price go up without any warning? Awful",
            "The payment failed again and now my account is locked. Furious.",
        ],
    },
    "bugs": {
        "positive": ["The crash on startup is fixed in {version}, great work!"],
        "neutral": [
            "Found a bug: {feature} shows the wrong date after saving",
            "Is this error known? I get an exception when I open {feature}",
        ],
        "negative": [
            "{feature} is broken again, it crashes every time I try it",
            "Another regression in {version}, nothing works. So frustrating",
        ],
    },
    "outage": {
        "positive": ["Everything is back up, thanks for the quick fix!"],
        "neutral": [
            "Is the site down for anyone else?",
            "Getting 502 errors on login, status page?",
        ],
        "negative": [
            "Site is down AGAIN, this outage is killing us",
            "Everything is offline, we can't work. Horrible downtime",
            "Still down after an hour, this is a disaster",
        ],
    },
    "feature requests": {
        "positive": ["It would be great to have {feature} on mobile, love the roadmap"],
        "neutral": [
            "Feature request: keyboard shortcuts for {feature}",
            "Is {feature} on the roadmap?",
        ],
        "negative": ["Still no {feature} after {n} months, the roadmap is a joke"],
    },
    "help": {
        "positive": ["Thanks, the tutorial helped me finish the setup!"],
        "neutral": [
            "How do I configure {feature}?",
            "How to install it on Windows? The docs are unclear to me",
            "Anyone know how to set up {feature} with the API?",
        ],
        "negative": ["The docs are useless, I have been stuck on setup for hours"],
    },
    "praise": {
        "positive": [
            "Thank you all, this community is awesome",
            "Kudos to the team, {version} is amazing",
            "Love it, great job everyone!",
        ],
        "neutral": ["Thanks for the update"],
        "negative": ["Thanks for nothing, I guess"],
    },
    "security": {
        "positive": ["Great that 2fa is finally here, feels much safer"],
        "neutral": ["How do I reset my password?", "Is there a security audit report?"],
        "negative": [
            "Got a phishing mail pretending to be you, is my password leaked?",
            "A vulnerability report was ignored for weeks, scary",
        ],
    },
    "performance": {
        "positive": ["{version} is so much faster, nice!"],
        "neutral": ["Is {feature} expected to be slow with {n} thousand items?"],
        "negative": ["Everything is slow and laggy today, {feature} takes forever"],
    },
    "releases": {
        "positive": ["Version {version} released, the changelog looks great"],
        "neutral": [
            "New version {version} is out, see the changelog",
            "When is the next release planned?",
        ],
        "negative": ["The {version} update broke my setup, please roll back"],
    },
}

CHATTER = [
    "good morning everyone",
    "anyone around?",
    "lol",
    "that makes sense",
    "brb, coffee",
    "nice",
    "I agree with that",
    "what do you all think about the meetup next week?",
    "ok, will try that later",
    "haha yes",
    "not sure, maybe ask in the other channel",
    "welcome to the community!",
    "has anyone tried {feature} yet?",
]

FOREIGN = [
    "Das funktioniert bei mir leider überhaupt nicht, ich bin enttäuscht.",
    "Muchas gracias por la ayuda, ahora todo funciona perfectamente.",
    "这个版本太慢了，希望尽快修复。",
    "新功能非常好用，谢谢大家！",
    "Kann mir jemand erklären, wie man die Rechnung herunterlädt?",
    "アップデートの後にアプリが起動しません。",
]
