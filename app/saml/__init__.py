"""The national PKI login over SAML 2.0: our service provider, and a development identity provider."""
