"""What the SCIM endpoint tells an identity provider about itself: ServiceProviderConfig, the
ResourceTypes (User, Group) and the Schemas, reduced to the attributes we store."""

from scim2_models import (
    AuthenticationScheme,
    Bulk,
    ChangePassword,
    ETag,
    Filter,
    Group,
    Meta,
    Patch,
    ResourceType,
    ServiceProviderConfig,
    Sort,
    User,
)

MAX_RESULTS = 1000
# The attributes (and sub-attributes) we keep; the schemas we publish list only these, so an
# identity provider (and scim2-tester) never sends what would be dropped.
KEPT = {
    "User": {"userName": None, "name": {"formatted", "familyName", "givenName"}, "displayName": None,
             "active": None, "emails": {"value", "type", "primary"}, "groups": None},
    "Group": {"displayName": None, "members": {"value", "$ref", "type"}},
}
MODELS = {"User": User, "Group": Group}


def service_provider_config(base: str) -> dict:
    config = ServiceProviderConfig(
        documentation_uri=None,
        patch=Patch(supported=True), bulk=Bulk(supported=False, max_operations=0, max_payload_size=0),
        filter=Filter(supported=True, max_results=MAX_RESULTS),
        change_password=ChangePassword(supported=False), sort=Sort(supported=False),
        etag=ETag(supported=False),
        authentication_schemes=[AuthenticationScheme(
            type="oauthbearertoken", name="OAuth Bearer Token", primary=True,
            description="An organization's SCIM token, issued at /review/admin/scim")],
        meta=Meta(resource_type="ServiceProviderConfig", location=f"{base}/ServiceProviderConfig"))
    return config.model_dump()


def resource_type(name: str, base: str) -> dict:
    kind = ResourceType.from_resource(MODELS[name])
    kind.meta = Meta(resource_type="ResourceType", location=f"{base}/ResourceTypes/{name}")
    return kind.model_dump()


def schema(name: str, base: str) -> dict:
    published = MODELS[name].to_schema()
    kept = KEPT[name]
    attributes = []
    for attribute in published.attributes:
        if attribute.name not in kept:
            continue
        subs = kept[attribute.name]
        if attribute.name == "emails":
            attribute.required = True  # a user of ours has an email (the primary one)
        if subs is not None and attribute.sub_attributes:
            attribute.sub_attributes = [s for s in attribute.sub_attributes if s.name in subs]
            for sub in attribute.sub_attributes:
                sub.required = sub.required or (attribute.name == "emails" and sub.name == "value")
        attributes.append(attribute)
    published.attributes = attributes
    published.meta = Meta(resource_type="Schema", location=f"{base}/Schemas/{published.id}")
    return published.model_dump()


def schema_ids() -> dict[str, str]:
    return {MODELS[name].to_schema().id: name for name in MODELS}
