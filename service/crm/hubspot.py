"""HubSpot through hubspot-api-client: companies, owners, deal pipelines and deals with their
stage history, every page (the `after` cursor), mapped to the import layer's records.

External ids are prefixed ("hubspot:123") so a HubSpot id never meets a Salesforce or CSV one.
"""

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from hubspot import HubSpot
from hubspot.crm.companies import ApiException as CompaniesError
from hubspot.crm.deals import ApiException as DealsError
from hubspot.crm.owners import ApiException as OwnersError
from hubspot.crm.pipelines import ApiException as PipelinesError
from urllib3.util.retry import Retry

from .retry import CredentialRevoked, CrmError, RateLimited, retry_after_seconds, with_retries

PAGE = 100
COMPANY_PROPERTIES = ["name", "industry", "state", "country", "hubspot_owner_id"]
DEAL_PROPERTIES = ["dealname", "amount", "deal_currency_code", "closedate", "dealstage", "pipeline",
                   "hubspot_owner_id", "hs_deal_stage_probability"]
API_ERRORS = (CompaniesError, DealsError, OwnersError, PipelinesError)


def ext(kind_id) -> str:
    return f"hubspot:{kind_id}"


class HubSpotConnector:
    def __init__(self, credentials: dict, *, host: str | None = None, sleep=None, retries: int = 5):
        # urllib3 would itself sleep out a 429's Retry-After: statuses are left to with_retries
        # (bounded, its sleep injectable); urllib3 retries only a failed connect.
        options = {"access_token": credentials["access_token"],
                   "retry": Retry(total=2, connect=2, read=0, status=0, redirect=0,
                                  respect_retry_after_header=False)}
        if host:
            options["host"] = host
        self.client = HubSpot(**options)
        self.retry = {"attempts": retries, **({"sleep": sleep} if sleep is not None else {})}
        self._owners: dict[str, str] | None = None

    def _call(self, fn, **kwargs):
        def once():
            try:
                return fn(**kwargs)
            except API_ERRORS as error:
                raise translate(error) from error
        return with_retries(once, **self.retry)

    def _pages(self, fn, **kwargs):
        after = None
        while True:
            page = self._call(fn, limit=PAGE, after=after, **kwargs)
            yield from page.results
            after = page.paging.next.after if page.paging and page.paging.next else None
            if not after:
                return

    def owners(self) -> dict[str, str]:
        """HubSpot owner id -> lower-case email (what users are matched by)."""
        if self._owners is None:
            self._owners = {o.id: (o.email or "").lower()
                            for o in self._pages(self.client.crm.owners.owners_api.get_page)}
        return self._owners

    def accounts(self):
        owners = self.owners()
        for company in self._pages(self.client.crm.companies.basic_api.get_page,
                                   properties=COMPANY_PROPERTIES):
            p = company.properties or {}
            yield {"external_id": ext(company.id), "name": p.get("name") or "",
                   "owner_email": owners.get(p.get("hubspot_owner_id") or "", ""),
                   "segment": p.get("industry") or "",
                   "territory": p.get("state") or p.get("country") or ""}

    def stages(self) -> dict[str, dict]:
        """Deal stage id -> {label, status} across the account's deal pipelines."""
        found = {}
        for pipeline in self._call(self.client.crm.pipelines.pipelines_api.get_all,
                                   object_type="deals").results:
            for stage in pipeline.stages:
                meta = stage.metadata or {}
                closed = str(meta.get("isClosed", "")).lower() == "true"
                won = closed and _decimal(meta.get("probability")) == 1
                found[stage.id] = {"label": stage.label,
                                   "status": "won" if won else "lost" if closed else "open"}
        return found

    def opportunities(self):
        owners, stages = self.owners(), self.stages()
        for deal in self._pages(self.client.crm.deals.basic_api.get_page, properties=DEAL_PROPERTIES,
                                properties_with_history=["dealstage"], associations=["companies"]):
            yield deal_record(deal, owners, stages)


def deal_record(deal, owners: dict, stages: dict) -> dict:
    p = deal.properties or {}
    stage = stages.get(p.get("dealstage") or "", {"label": p.get("dealstage") or "", "status": "open"})
    history = sorted(
        ({"stage": stages.get(v.value, {"label": v.value})["label"], "changed_at": _aware(v.timestamp)}
         for v in ((deal.properties_with_history or {}).get("dealstage") or []) if v.value),
        key=lambda change: change["changed_at"])
    companies = (deal.associations or {}).get("companies")
    probability = _decimal(p.get("hs_deal_stage_probability"))
    return {
        "external_id": ext(deal.id), "name": p.get("dealname") or "",
        "account_external_id": ext(companies.results[0].id) if companies and companies.results else None,
        "owner_email": owners.get(p.get("hubspot_owner_id") or "", ""),
        "stage": stage["label"], "status": stage["status"],
        "amount": _decimal(p.get("amount")) or Decimal("0"),
        "currency": (p.get("deal_currency_code") or "USD").upper(),
        "close_date": _date(p.get("closedate")),
        "probability": int(probability * 100) if probability is not None else 0,
        "stage_entered_at": history[-1]["changed_at"] if history else None,
        "stage_history": history,
    }


def translate(error) -> CrmError:
    """A hubspot-api-client ApiException in our terms."""
    if error.status == 429:
        headers = error.headers or {}
        return RateLimited(retry_after_seconds(headers.get("Retry-After")), "HubSpot rate limit (429)")
    if error.status == 401:
        return CredentialRevoked("HubSpot answered 401")
    return CrmError(f"HubSpot answered {error.status}: {error.reason}")


def _decimal(value) -> Decimal | None:
    try:
        return Decimal(str(value)) if value not in (None, "") else None
    except InvalidOperation:
        return None


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    except ValueError:
        return None
