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

# A Chinese (or mixed Chinese-English) group: terms of two characters or more, matched
# as characters and in either script (analysis/topics.py); a few English words for the
# English half of a mixed group.
CHINESE = (
    rule(
        "产品反馈",
        "#1f77b4",
        "反馈 建议 体验 新功能 好用 难用 希望能 能不能 feedback suggestion",
    ),
    rule(
        "故障",
        "#d62728",
        "故障 闪退 卡顿 崩溃 报错 打不开 登不上 加载不出 bug 死机 黑屏 掉线",
    ),
    rule("售后", "#8c564b", "售后 退款 退货 换货 维修 保修 客服 退钱 refund"),
    rule("订单物流", "#ff7f0e", "订单 发货 快递 物流 到货 收货 配送 包裹"),
    rule("活动", "#2ca02c", "活动 抽奖 福利 红包 报名 直播 线下 优惠券 秒杀 打折"),
    rule("投诉", "#e377c2", "投诉 举报 差评 骗子 欺骗 维权 曝光 太坑"),
    rule("价格支付", "#bcbd22", "价格 多少钱 付款 支付 充值 扣费 会员费 涨价"),
    rule("新人欢迎", "#9467bd", "欢迎 新人 进群 入群 自我介绍 大家好 welcome"),
    rule("群管理", "#17becf", "群规 广告 刷屏 禁言 踢出 违规 管理员"),
)

TEMPLATES: dict[str, tuple[TopicRule, ...]] = {
    "none": (),
    "software": DEFAULT_TOPICS,
    "gaming": GAMING,
    "education": EDUCATION,
    "commerce": COMMERCE,
    "general": GENERAL,
    "chinese": CHINESE,
}
DESCRIPTIONS = {
    "none": "no topics: add your own on the Topics page",
    "software": "a software product: billing, bugs, outage, help, releases…",
    "gaming": "a game: bugs and crashes, lag, matchmaking, balance, cheating…",
    "education": "a school or admissions forum: admissions, courses, exams, aid…",
    "commerce": "a shop: orders, returns and refunds, payments, quality…",
    "general": "any community: welcome, events, feedback, moderation…",
    "chinese": "a Chinese group (中文社群): 产品反馈, 故障, 售后, 活动, 投诉…",
}


def template(name: str) -> tuple[TopicRule, ...]:
    """The starting topics named `name`; ValueError naming the choices otherwise."""
    if name not in TEMPLATES:
        raise ValueError(f"topic template {name!r}: choose one of {', '.join(TEMPLATES)}")
    return TEMPLATES[name]
