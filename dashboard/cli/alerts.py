"""`ecg alerts evaluate|list|backtest`: alert rules from the shell."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from dashboard.cli.common import add_community_option

BACKTEST_DAYS = 30


def add_parsers(sub) -> None:
    p = sub.add_parser("alerts", help="evaluate, list or backtest alert rules")
    actions = p.add_subparsers(required=True, metavar="ACTION")
    evaluate = actions.add_parser("evaluate", help="evaluate every enabled rule now")
    evaluate.add_argument("--community", help="one community (default: every one)")
    evaluate.set_defaults(handler=cmd_evaluate)
    listing = actions.add_parser("list", help="the rules, and what is firing")
    add_community_option(listing)
    listing.set_defaults(handler=cmd_list)
    back = actions.add_parser("backtest", help="what a rule would have done on past data")
    back.add_argument("rule", help="the rule's name")
    add_community_option(back)
    back.add_argument("--from", dest="start", type=_day, help="first day (YYYY-MM-DD)")
    back.add_argument("--to", dest="end", type=_day, help="day after the last (YYYY-MM-DD)")
    back.set_defaults(handler=cmd_backtest)


def _day(text: str) -> datetime:
    try:
        return datetime.fromisoformat(text)
    except ValueError:
        raise ValueError(f"{text!r} is not a date like 2026-11-01") from None


def _local(settings, moment: datetime | None) -> str:
    if moment is None:
        return "still firing"
    return moment.astimezone(ZoneInfo(settings.timezone)).strftime("%Y-%m-%d %H:%M")


def cmd_evaluate(args, settings) -> int:
    from alerts.cycle import evaluate_community
    from alerts.delivery import notify
    from dashboard.communities import prepare_community
    from data_access.communities import community_names
    from data_access.db import make_engine

    engine = make_engine(settings.database_url)
    now = datetime.now(UTC)
    for community in [args.community] if args.community else community_names(engine):
        result = evaluate_community(engine, prepare_community(engine, community), now)
        print(
            f"{community}: {result.rules} rule(s) over {result.scopes} scope(s); "
            f"{len(result.opened)} opened, {len(result.resolved)} resolved"
        )
    sent = notify(engine, settings.notifications, now)
    if settings.notifications.contacts:
        print(f"notifications: {sent.sent} sent, {sent.failed + sent.gave_up} failed")
        for error in sent.errors:
            print(f"  {error}")
    return 0


def cmd_list(args, settings) -> int:
    from alerts.catalog import rules_of
    from dashboard.communities import prepare_community
    from data_access import alert_store
    from data_access.db import make_engine

    engine = make_engine(settings.database_url)
    community_id = prepare_community(engine, args.community)
    with engine.connect() as conn:
        rules = rules_of(conn, community_id)
        firing = alert_store.episodes(
            conn, community_id, datetime.now(UTC), datetime.now(UTC), True
        )
    for rule in rules:
        state = "enabled" if rule.enabled else "disabled"
        print(f"{rule.name} [{rule.severity}, {state}, v{rule.version}]: {rule.describe()}")
    print(f"\nfiring now: {len(firing)}")
    for row in firing.itertuples():
        since = _local(settings, row.started_at)
        print(f"  {row.rule_name} ({row.severity}) on {row.scope_label} since {since}")
    return 0


def cmd_backtest(args, settings) -> int:
    from alerts.backtest import backtest_range, default_period, summary
    from alerts.catalog import rules_of
    from dashboard.communities import prepare_community
    from data_access.alert_data import minute_of, moment_of
    from data_access.db import make_engine

    engine = make_engine(settings.database_url)
    community_id = prepare_community(engine, args.community)
    with engine.connect() as conn:
        rule = next((r for r in rules_of(conn, community_id) if r.name == args.rule), None)
    if rule is None:
        raise ValueError(f"no rule named {args.rule!r}; `ecg alerts list` shows them")
    zone = ZoneInfo(settings.timezone)
    start, end = [
        d.replace(tzinfo=zone) if d and d.tzinfo is None else d for d in (args.start, args.end)
    ]
    if start is None or end is None:
        period = default_period(engine, community_id, BACKTEST_DAYS)
        if period is None:
            print("no data to backtest on yet")
            return 0
        start, end = start or period[0], end or period[1]
    if end <= start:
        raise ValueError("--to must come after --from")
    results = backtest_range(engine, community_id, rule, start, end)
    totals = summary(results, minute_of(end))
    print(
        f"{rule.name} from {_local(settings, start)} to {_local(settings, end)}: "
        f"{totals['episodes']} episode(s), {totals['firing_minutes']} minutes firing"
    )
    for result in results:
        for episode in result.episodes:
            print(
                f"  {result.label}: {_local(settings, moment_of(episode.start))} -> "
                f"{_local(settings, episode.end and moment_of(episode.end))}, "
                f"peak {episode.peak_value:.3g} (score {episode.peak_score:.3g})"
            )
    return 0
