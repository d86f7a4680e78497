"""The demo organization: a small, current-looking world to try the coach and the review pages.

Every date is relative to today (UTC), so the demo always shows this month's figures, a deal
stalled right now and commitments due today. Loading twice does nothing the second time.
"""

import json
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from models import Opportunity, Organization, Team, User, utcnow

from .api_tokens import issue_token
from .world import (
    add_account,
    add_deal,
    add_person,
    create_organization,
    monthly_figures,
    past_session,
    skills,
    stages_of,
)

DEMO_ORG = "Northwind Demo"
ADMIN_EMAIL = "admin@demo.salescoach.test"
PASSWORD = "demo-password-1"
TOKENS_FILE = "demo-tokens.json"

# (key, name, email, role, team, leads)
PEOPLE = [
    ("maya", "Maya Manager", "maya@demo.salescoach.test", "manager", None, "Enterprise East"),
    ("omar", "Omar Other", "omar@demo.salescoach.test", "manager", None, "SMB West"),
    ("riley", "Riley Rising", "riley@demo.salescoach.test", "rep", "Enterprise East", None),
    ("sam", "Sam Slipping", "sam@demo.salescoach.test", "rep", "Enterprise East", None),
    ("nia", "Nia New", "nia@demo.salescoach.test", "rep", "Enterprise East", None),
    ("theo", "Theo Trader", "theo@demo.salescoach.test", "rep", "SMB West", None),
]

# Monthly closed value (thousands) for the last six full months, oldest first; None = not yet hired.
CLOSED_K = {
    "riley": [38, 42, 47, 53, 58, 64],
    "sam": [62, 60, 57, 51, 46, 39],
    "nia": [None, None, None, None, 12, 21],
    "theo": [24, 26, 25, 27, 26, 28],
}
QUOTA_K = {"riley": 60, "sam": 55, "nia": 30, "theo": 25}

# rep -> [(account, segment, territory)]
ACCOUNTS = {
    "riley": [("Fabrikam", "Enterprise", "New York"), ("Litware", "Mid-market", "Boston")],
    "sam": [("Contoso", "Enterprise", "New Jersey"), ("Tailspin Toys", "Mid-market", "Philadelphia"),
            ("Wingtip Toys", "Mid-market", "Philadelphia")],
    "nia": [("Adventure Works", "Mid-market", "Boston"), ("Alpine Ski House", "SMB", "Vermont")],
    "theo": [("Coho Winery", "SMB", "California"), ("Blue Yonder Airlines", "SMB", "Oregon")],
}

# (rep, account, name, amount, stage index, days in current stage, status, competitors,
#  next step, close date in days)
OPPORTUNITIES = [
    ("riley", "Fabrikam", "Fabrikam data platform", "84000", 3, 6, "open", ["Globex"],
     "Walk the CFO through the pricing options", 30),
    ("riley", "Litware", "Litware analytics pilot", "36500", 5, 4, "open", [],
     "Agree the signature date with procurement", 9),
    ("riley", "Fabrikam", "Fabrikam support renewal", "18000", 5, 12, "won", [], "", -12),
    ("sam", "Contoso", "Contoso global rollout", "240000", 4, 31, "open", ["Globex", "Initech"],
     "Waiting for procurement to send back the redlines", 5),
    ("sam", "Tailspin Toys", "Tailspin fleet tracking", "52000", 2, 8, "open", ["Initech"],
     "Run the discovery workshop with operations", 60),
    ("sam", "Contoso", "Contoso EMEA add-on", "45000", 1, 5, "open", [],
     "Find out who owns the EMEA budget", 90),
    ("sam", "Wingtip Toys", "Wingtip loyalty upgrade", "61000", 3, 20, "lost", ["Globex"], "", -20),
    ("nia", "Adventure Works", "Adventure Works starter pack", "15000", 0, 3, "open", [],
     "First meeting with the IT lead", 75),
    ("nia", "Alpine Ski House", "Alpine Ski House CRM", "22000", 1, 10, "open", ["Umbrella"],
     "Confirm the budget holder", 45),
    ("theo", "Coho Winery", "Coho Winery point of sale", "12500", 3, 5, "open", [],
     "Send the proposal summary", 20),
    ("theo", "Blue Yonder Airlines", "Blue Yonder bookings", "9800", 0, 2, "open", [],
     "Book the first call", 60),
]

# rep -> [(skill, rating then, rating now, note now)]
SKILLS = {
    "riley": [("prospecting", 3, 4, "Blocking two mornings a week made the difference."),
              ("discovery", 3, 4, "Asking about cost of delay before any demo."),
              ("negotiating", 2, 3, "Still give discounts too early."),
              ("closing", 3, 3, "Steady.")],
    "sam": [("prospecting", 3, 2, "Pipeline dried up while I chased Contoso."),
            ("qualification", 4, 3, "Let Wingtip run without a confirmed budget."),
            ("negotiating", 3, 3, "Procurement stalls me."),
            ("account planning", 4, 4, "Contoso plan is solid.")],
    "theo": [("prospecting", 4, 4, "Referrals keep coming."),
             ("presenting", 3, 4, "Shorter decks land better.")],
}

SESSIONS = [
    {"rep": "sam", "days_ago": 14, "opportunity": "Contoso global rollout",
     "summary": "Closed value fell again, mostly because time went into the Contoso rollout while "
                "new prospecting stopped. Sam wants the Contoso signature date pinned down and "
                "two prospecting blocks back in the calendar.",
     "help_asked": "A call from Maya to the Contoso sponsor to show executive commitment.",
     "messages": [
         ("coach", "Your closed value came in at 46k against a 55k quota, down from 51k the month "
                   "before. What stands out to you when you look at that?"),
         ("rep", "Honestly I put almost everything into Contoso. It's huge and I didn't want to "
                 "lose it, so my smaller deals and prospecting slid."),
         ("coach", "So one big deal took most of your month. What has Contoso needed from you "
                   "that the smaller deals did not?"),
         ("rep", "Lots of meetings with procurement and legal. They keep asking for changes and "
                 "I never know who decides."),
         ("coach", "Procurement keeps reopening terms and the decision maker is unclear. Which part "
                   "of that can you influence this week?"),
         ("rep", "I can ask our sponsor to name the signer and agree a date. And I can block "
                 "Tuesday and Thursday mornings for prospecting again."),
         ("coach", "A named signer with a date, and two protected mornings. How will you know by "
                   "next week that it worked?"),
         ("rep", "The signer is named with a date in writing, and I have ten new conversations booked."),
         ("coach", "That is clear and measurable. How can I help you get there?"),
         ("rep", "It would help if Maya called the Contoso sponsor."),
     ],
     "commitments": [
         ("Ask the Contoso sponsor to name the signer and agree a signature date", -5,
          "signer and date confirmed in writing", "action", "open", "Contoso global rollout"),
         ("Block Tuesday and Thursday mornings for prospecting", -7,
          "ten new conversations booked", "create", "done", None),
         ("Send the revised pricing to Wingtip", -9, "pricing sent", "action", "done", None),
     ]},
    {"rep": "riley", "days_ago": 7, "opportunity": "Litware analytics pilot",
     "summary": "Closed value is up for the fifth month running and above quota. Riley credits "
                "steady prospecting and earlier discovery questions, and will focus on getting "
                "Litware signed and the Fabrikam pricing conversation right.",
     "help_asked": "Feedback on the Fabrikam pricing options before the CFO meeting.",
     "messages": [
         ("coach", "Closed value reached 64k this month, above your 60k quota and up from 58k. "
                   "What do you think made the difference?"),
         ("rep", "I kept two prospecting mornings every week and asked about the cost of delay "
                 "much earlier in discovery."),
         ("coach", "Protected prospecting time and earlier questions about cost. Which of those "
                   "do you want to keep doing next month?"),
         ("rep", "Both. And I want to stop discounting before the buyer even asks."),
         ("coach", "Keep both habits and drop the early discount. What is the next step on "
                   "Litware that matters most?"),
         ("rep", "Getting procurement to agree a signature date, ideally today."),
         ("coach", "A signature date on Litware. How can I help you reach that?"),
         ("rep", "Just a sanity check of the Fabrikam pricing before I see their CFO."),
     ],
     "commitments": [
         ("Agree the Litware signature date with procurement", 0, "date in the calendar",
          "action", "open", "Litware analytics pilot"),
         ("Prospect ten new accounts in Boston", -2, "ten first calls made", "keep", "open", None),
         ("Stop offering discounts before the buyer asks", -3, "no unrequested discount",
          "drop", "done", None),
     ]},
]


def _tokens_path(instance_path: str | None) -> Path:
    if instance_path is None:
        from flask import current_app, has_app_context

        from .config import ROOT

        instance_path = current_app.instance_path if has_app_context() else str(ROOT / "instance")
    return Path(instance_path) / TOKENS_FILE


def demo_admin(session: Session) -> User | None:
    """The demo organization's admin. Emails are unique per organization only, so another
    organization may hold the same address: the organization's name (set only by the loader
    and `flask org create`) tells them apart."""
    return session.scalar(select(User).join(User.organization).where(
        User.email == ADMIN_EMAIL, Organization.name == DEMO_ORG).order_by(User.id).limit(1))


def load_demo(session: Session, instance_path: str | None = None) -> str:
    """Create the demo organization unless it exists; returns the logins and tokens as text."""
    path = _tokens_path(instance_path)
    if demo_admin(session) is not None:
        return f"The demo organization is already loaded; its API tokens are in {path}."
    admin, admin_token = create_organization(session, DEMO_ORG, "Ada Admin", ADMIN_EMAIL)
    org = admin.organization
    org.widget_origins = ["http://127.0.0.1:5000", "http://localhost:5000"]
    admin.password_hash = generate_password_hash(PASSWORD)
    users = _people(session, org.id)
    users["admin"] = admin
    now = utcnow()
    _kpis(session, org.id, users, now.date())
    opportunities = _pipeline(session, org.id, users, now)
    _skills(session, org.id, users, now)
    _sessions(session, org.id, users, opportunities, now)
    tokens = {"admin": admin_token}
    for key, user in users.items():
        if key != "admin":
            tokens[key] = issue_token(session, user, "demo")[1]
    session.commit()
    return _report(users, tokens, path)


def _people(session: Session, org_id: int) -> dict[str, User]:
    teams = {name: Team(org_id=org_id, name=name) for name in ("Enterprise East", "SMB West")}
    session.add_all(teams.values())
    password_hash = generate_password_hash(PASSWORD)
    users = {}
    for key, name, email, role, team, leads in PEOPLE:
        users[key] = add_person(session, org_id, role, name, email, password_hash=password_hash,
                                team=teams[team] if team else None,
                                leads=[teams[leads]] if leads else [])
    session.flush()
    return users


def _kpis(session: Session, org_id: int, users: dict, today: date) -> None:
    for key, closed in CLOSED_K.items():
        quota = Decimal(QUOTA_K[key] * 1000).quantize(Decimal("0.01"))
        monthly_figures(session, org_id, users[key].id, today, {6 - i: {
            "pipeline_count": 6 + (value // 10), "proposals": 2 + value // 15,
            "deals_closed": 1 + value // 20,
            "pipeline_value": Decimal(value * 3100 + i * 1500).quantize(Decimal("0.01")),
            "closed_value": Decimal(value * 1000).quantize(Decimal("0.01")),
            "quota": quota, "currency": "USD",
        } for i, value in enumerate(closed) if value is not None})


def _pipeline(session: Session, org_id: int, users: dict, now) -> dict[str, Opportunity]:
    stages = stages_of(session, org_id)
    accounts = {}
    for key, rows in ACCOUNTS.items():
        for name, segment, territory in rows:
            accounts[name] = add_account(session, org_id, users[key].id, name, segment=segment,
                                         territory=territory, created_at=now - timedelta(days=200))
    session.flush()
    opportunities = {}
    for rep, account, name, amount, index, days, status, rivals, step, close in OPPORTUNITIES:
        stage = stages[index]
        entered = now - timedelta(days=days)
        created = entered - timedelta(days=9 * index + 2)
        opp = add_deal(
            session, accounts[account], name=name,
            amount=Decimal(amount).quantize(Decimal("0.01")), currency="USD",
            close_date=(now + timedelta(days=close)).date(),
            probability={"won": 100, "lost": 0}.get(status, stage.probability),
            next_step=step, competitors=rivals, status=status, created_at=created,
            milestones_met=[m for s in stages[:index] for m in s.milestones],
        )
        # Walk the stages in order so the history (and days in stage) reads like a real deal.
        for i, earlier in enumerate(stages[:index + 1]):
            at = entered if i == index else created + timedelta(days=9 * i)
            opp.move_to_stage(earlier, users[rep].id, at=at)
        opportunities[name] = opp
    session.flush()
    return opportunities


def _skills(session: Session, org_id: int, users: dict, now) -> None:
    for key, rows in SKILLS.items():
        for days_ago, column in ((60, 1), (10, 2)):
            skills(session, org_id, users[key].id, {
                row[0]: (row[column], row[3] if column == 2 else "") for row in rows},
                created_at=now - timedelta(days=days_ago))


def _sessions(session: Session, org_id: int, users: dict, opportunities: dict, now) -> None:
    for spec in SESSIONS:
        rep = users[spec["rep"]]
        started = now - timedelta(days=spec["days_ago"])
        opp = opportunities[spec["opportunity"]]
        confirmed_at = started + timedelta(minutes=16)
        past_session(
            session, org_id, rep.id, mode="weekly_review", status="confirmed",
            opportunity_id=opp.id, account_id=opp.account_id, stage="support",
            started_at=started, ended_at=started + timedelta(minutes=14),
            confirmed_at=confirmed_at, summary=spec["summary"], help_asked=spec["help_asked"],
            messages=[{"role": role, "text": text, "stage": stage,
                       "created_at": started + timedelta(minutes=i)}
                      for i, ((role, text), stage) in enumerate(
                          zip(spec["messages"], _review_stages(spec["messages"]), strict=True))],
            commitments=[{
                "opportunity_id": opportunities[opp_name].id if opp_name else None,
                "text": text, "due_date": now.date() + timedelta(days=due), "measure": measure,
                "kind": kind, "status": status, "created_at": confirmed_at,
                "closed_at": now + timedelta(days=due) if status == "done" else None,
            } for text, due, measure, kind, status, opp_name in spec["commitments"]])


def _review_stages(messages) -> list[str]:
    """Spread a demo transcript over the weekly review's stages, as a live session records them."""
    flow = ["acknowledge", "explore", "plan", "commit", "support"]
    coach_turns = max(1, sum(role == "coach" for role, _ in messages) - 1)
    stages, k = [], -1
    for role, _ in messages:
        k += role == "coach"
        stages.append(flow[round(max(k, 0) * (len(flow) - 1) / coach_turns)])
    return stages


def _report(users: dict, tokens: dict, path: Path) -> str:
    rows = [{"user": u.name, "role": u.role, "email": u.email, "token": tokens[k]}
            for k, u in users.items()]
    rows.sort(key=lambda r: ("admin", "manager", "rep").index(r["role"]))
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(rows, indent=2) + "\n")
    path.chmod(0o600)
    lines = [f"Demo organization '{DEMO_ORG}' loaded. Password for every login: {PASSWORD}",
             f"API tokens (also written to {path}):"]
    lines += [f"  {r['user']:<14} {r['role']:<8} {r['email']:<30} {r['token']}" for r in rows]
    return "\n".join(lines)
