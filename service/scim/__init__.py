"""SCIM 2.0 provisioning under /scim/v2: an organization's bearer token, Users and Groups
(teams), in SCIM's own media type and error shape. Its public names."""

from .errors import MEDIA_TYPE, from_http
from .tokens import issue_scim_token, org_for_token, org_tokens, revoke_scim_token

__all__ = ["MEDIA_TYPE", "from_http", "init_app", "issue_scim_token", "org_for_token", "org_tokens",
           "revoke_scim_token"]


def init_app(app) -> None:
    from .. import errors
    from .views import bp
    app.register_blueprint(bp)
    errors.OWN_SHAPES["/scim/"] = from_http
