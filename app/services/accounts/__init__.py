"""Member accounts: registration, verification codes, passwords, login sessions, PKI login and step-up."""
