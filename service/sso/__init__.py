"""Single sign-on (OpenID Connect) per organization: the provider's side, who it admits, the pages."""
