"""What auditors take away: list exports (CSV, XLSX) and the chamber's reports."""
