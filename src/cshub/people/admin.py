"""Admin for reference data only. People and cases are worked on through the service's pages,
where need-to-know and audit apply, not through the admin."""
