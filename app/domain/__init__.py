"""The chamber's business rules as pure Python: money, dates, fees, vouchers, quotes, memberships, identifiers.

Nothing in this package imports flask, sqlalchemy or flask_appbuilder, and nothing
reads the clock: "today" is always an argument. Errors are `errors.DomainError`
subclasses whose `message` is translated by the web layer.
"""
