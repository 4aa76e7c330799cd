"""The chamber's counter: staff serve a company in person, take payment, print a receipt, close the day; refunds."""
