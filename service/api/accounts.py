"""Accounts: each owned by a rep; readable by their managers and admins, writable by owner and admins."""

from flask import g
from flask.views import MethodView
from marshmallow import Schema, fields, validate
from sqlalchemy import func, select

from models import Account, Opportunity, User

from ..access import check_writable, get_visible, rep_clause
from ..db import db
from ..errors import ApiError
from ..pagination import PageArgs, page_of, paginate
from . import blueprint
from .common import field_error, name_field, save, text

blp = blueprint("accounts", __name__, "/accounts", "Customer accounts, each owned by a rep.")


class AccountSchema(Schema):
    id = fields.Integer(dump_only=True)
    owner_id = fields.Integer(load_default=None,
                              metadata={"description": "Default: you. Admins may name a rep."})
    name = name_field(required=True)
    segment = text(100, load_default="")
    territory = text(100, load_default="")
    created_at = fields.DateTime(dump_only=True)


class AccountListArgs(PageArgs):
    rep_id = fields.Integer(metadata={"description": "Only this rep's accounts."})
    segment = fields.String()
    territory = fields.String()
    q = fields.String(validate=validate.Length(min=1, max=100),
                      metadata={"description": "Name contains (case-insensitive)."})


def resolve_owner(owner_id: int | None, field: str = "owner_id") -> User:
    """Who a new object belongs to: you, or (admins only) a user of your organization;
    either way someone access.py lets the caller write for (managers read only)."""
    if owner_id is None or owner_id == g.user.id:
        check_writable(g.user, g.user.id, g.user.org_id)
        return g.user
    if g.user.role != "admin":
        raise ApiError(403, "Only an admin can create or move objects on behalf of someone else.")
    owner = db.session.get(User, owner_id)
    if owner is None or owner.org_id != g.user.org_id:
        raise field_error(field, f"No user {owner_id} in your organization.")
    return owner


def get_account(account_id: int) -> Account:
    return get_visible(db.session, Account, account_id, g.user, "owner_id")


def get_writable_account(account_id: int) -> Account:
    account = get_account(account_id)
    check_writable(g.user, account.owner_id, account.org_id)
    return account


@blp.route("")
class Accounts(MethodView):
    @blp.arguments(AccountListArgs, location="query")
    @blp.response(200, page_of(AccountSchema))
    def get(self, args):
        """List the accounts you can see; filter by rep, segment, territory or name."""
        stmt = select(Account).where(Account.org_id == g.user.org_id,
                                     rep_clause(Account.owner_id, g.user))
        if "rep_id" in args:
            stmt = stmt.where(Account.owner_id == args["rep_id"])
        for key in ("segment", "territory"):
            if key in args:
                stmt = stmt.where(getattr(Account, key) == args[key])
        if "q" in args:
            stmt = stmt.where(func.lower(Account.name).contains(args["q"].lower(), autoescape=True))
        return paginate(db.session, stmt.order_by(Account.name, Account.id), args)

    @blp.arguments(AccountSchema)
    @blp.response(201, AccountSchema)
    def post(self, data):
        """Create an account owned by you (admins: by the rep in owner_id)."""
        owner = resolve_owner(data.pop("owner_id"))
        return save(Account(org_id=g.user.org_id, owner_id=owner.id, **data))


@blp.route("/<int:account_id>")
class AccountById(MethodView):
    @blp.response(200, AccountSchema)
    def get(self, account_id):
        """Read one account."""
        return get_account(account_id)

    @blp.arguments(AccountSchema(partial=True))
    @blp.response(200, AccountSchema)
    def patch(self, data, account_id):
        """Change an account; admins may hand it to another rep with owner_id."""
        account = get_writable_account(account_id)
        if data.get("owner_id") not in (None, account.owner_id):
            account.owner_id = resolve_owner(data["owner_id"]).id
        for key in ("name", "segment", "territory"):
            if key in data:
                setattr(account, key, data[key])
        return save(account)

    @blp.response(204)
    def delete(self, account_id):
        """Delete an account without opportunities."""
        account = get_writable_account(account_id)
        if db.session.scalar(select(func.count()).select_from(Opportunity)
                             .where(Opportunity.account_id == account.id)):
            raise ApiError(409, "The account still has opportunities; delete or move them first.")
        db.session.delete(account)
        save()
