"""Salesforce through simple-salesforce: Accounts and Opportunities with their stage history
(OpportunityHistories) and owners' emails (Owner.Email), every page (nextRecordsUrl), mapped to the
import layer's records.

Each page is its own call, so a rate limit in the middle of a query retries that page only.
External ids are prefixed ("salesforce:001...") so they never meet a HubSpot or CSV id.
"""

from datetime import date, datetime
from decimal import Decimal

from simple_salesforce import Salesforce
from simple_salesforce.exceptions import SalesforceAuthenticationFailed, SalesforceError

from .retry import CredentialRevoked, CrmError, RateLimited, with_retries

ACCOUNTS = "SELECT Id, Name, Industry, BillingState, BillingCountry, Owner.Email FROM Account"
OPPORTUNITIES = (
    "SELECT Id, Name, AccountId, Owner.Email, StageName, Amount, CloseDate, Probability, IsClosed, "
    "IsWon, (SELECT StageName, CreatedDate FROM OpportunityHistories ORDER BY CreatedDate) "
    "FROM Opportunity")
REVOKED_CODES = {"INVALID_SESSION_ID", "INVALID_AUTH_HEADER"}


def ext(record_id) -> str:
    return f"salesforce:{record_id}"


class SalesforceConnector:
    def __init__(self, credentials: dict, *, instance_url: str = "", sleep=None, retries: int = 5,
                 session=None):
        self.retry = {"attempts": retries, **({"sleep": sleep} if sleep is not None else {})}
        self.currency = credentials.get("currency") or "USD"
        try:
            if credentials.get("session_id"):
                self.client = Salesforce(instance_url=instance_url, session_id=credentials["session_id"],
                                         session=session)
            else:
                self.client = Salesforce(username=credentials["username"], password=credentials["password"],
                                         security_token=credentials.get("security_token", ""),
                                         domain=credentials.get("domain") or None, session=session)
        except SalesforceAuthenticationFailed as error:
            raise CredentialRevoked(f"Salesforce login failed: {error.code}") from error

    def _call(self, fn, *args, **kwargs):
        def once():
            try:
                return fn(*args, **kwargs)
            except SalesforceError as error:
                raise translate(error) from error
        return with_retries(once, **self.retry)

    def _records(self, soql: str):
        page = self._call(self.client.query, soql)
        while True:
            yield from page["records"]
            if page.get("done", True) or not page.get("nextRecordsUrl"):
                return
            page = self._call(self.client.query_more, page["nextRecordsUrl"], identifier_is_url=True)

    def accounts(self):
        for row in self._records(ACCOUNTS):
            yield {"external_id": ext(row["Id"]), "name": row.get("Name") or "",
                   "owner_email": _owner_email(row), "segment": row.get("Industry") or "",
                   "territory": row.get("BillingState") or row.get("BillingCountry") or ""}

    def opportunities(self):
        for row in self._records(OPPORTUNITIES):
            yield opportunity_record(row, self.currency)


def opportunity_record(row: dict, currency: str) -> dict:
    changes = (row.get("OpportunityHistories") or {}).get("records") or []
    history, last = [], None
    for change in sorted(changes, key=lambda c: c["CreatedDate"]):
        # OpportunityHistory has a row per change of amount, date or stage: keep stage moves only.
        if change.get("StageName") and change["StageName"] != last:
            history.append({"stage": change["StageName"], "changed_at": _moment(change["CreatedDate"])})
            last = change["StageName"]
    status = "won" if row.get("IsWon") else "lost" if row.get("IsClosed") else "open"
    return {
        "external_id": ext(row["Id"]), "name": row.get("Name") or "",
        "account_external_id": ext(row["AccountId"]) if row.get("AccountId") else None,
        "owner_email": _owner_email(row), "stage": row.get("StageName") or "", "status": status,
        "amount": Decimal(str(row.get("Amount") or 0)), "currency": currency,
        "close_date": date.fromisoformat(row["CloseDate"]) if row.get("CloseDate") else None,
        "probability": int(row.get("Probability") or 0),
        "stage_entered_at": history[-1]["changed_at"] if history else None,
        "stage_history": history,
    }


def translate(error: SalesforceError) -> CrmError:
    """A simple-salesforce error in our terms, by the errorCode Salesforce puts in the body."""
    content = error.content if isinstance(error.content, list) else []
    codes = {item.get("errorCode") for item in content if isinstance(item, dict)}
    if "REQUEST_LIMIT_EXCEEDED" in codes:
        return RateLimited(None, "Salesforce REQUEST_LIMIT_EXCEEDED")
    if error.status == 401 or codes & REVOKED_CODES:
        return CredentialRevoked("Salesforce: " + (", ".join(sorted(c for c in codes if c)) or "401"))
    message = "; ".join(str(item.get("message")) for item in content if isinstance(item, dict))
    return CrmError(f"Salesforce answered {error.status}: {message or error.content!r}"[:500])


def _owner_email(row: dict) -> str:
    return ((row.get("Owner") or {}).get("Email") or "").lower()


def _moment(value: str) -> datetime:
    # Salesforce: 2026-01-05T10:00:00.000+0000
    return datetime.strptime(value, "%Y-%m-%dT%H:%M:%S.%f%z")
